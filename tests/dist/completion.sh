#!/bin/sh
# completion.sh: dist/aiotune.bash, sourced in bash, completes with this
# binary: the first word offers every subcommand of `aiotune help` (and
# nothing that is not one, beyond help, --help and --version); options
# come from each subcommand's --help, including the columns of sweep's
# two-column lines, the usage line and "[aiotune run options]"
# inheritance; words of prose (fio's --output-format) are not options;
# a value after an option that takes one completes file names.
# Exit 0 pass, 1 fail, 77 skip (no bash).
set -u
A=${AIOTUNE:?}
root=$(cd "$(dirname "$0")/../.." && pwd)
command -v bash >/dev/null 2>&1 || { echo "skip: no bash"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aiotune-comp-XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

# complete WORD...: the candidates for the last word, sorted, one a line.
complete_words() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_aiotune; printf "%s\n" "${COMPREPLY[@]}"' sh \
		"$root/dist/aiotune.bash" "$A" "$@" | sort
}
has() { echo "$1" | grep -qx -- "$2"; }

cmds=$("$A" help | awk '/^commands:/ { on = 1; next }
	on && NF == 0 { exit } on { print $1 }' | sort)
[ "$(echo "$cmds" | wc -l)" -ge 10 ] || fail "help lists only: $cmds"
got=$(complete_words "")
want=$(printf '%s\n--help\n--version\nhelp\n' "$cmds" | sort)
[ "$got" = "$want" ] || fail "first word: got '$got', want '$want'"
[ "$(complete_words re)" = "$(printf 'recommend\nreport')" ] ||
	fail "'re': $(complete_words re)"

got=$(complete_words sweep --)
for o in --dry-run --poll-max-ns --placement --poll-policy --poll-shrink \
	 --ramp --job --resume --columns --help; do
	has "$got" "$o" || fail "sweep: no $o in: $got"
done
got=$(complete_words fio-run --)
for o in --variant --engine --poll-max-ns --iodepth --accel; do
	has "$got" "$o" || fail "fio-run: no $o (run's, inherited) in: $got"
done
got=$(complete_words fio --)
has "$got" --variants || fail "fio: no --variants"
has "$got" --dry-run || fail "fio: no --dry-run (sweep's)"
has "$got" --output-format && fail "fio: offers --output-format (prose)"
got=$(complete_words report --c)
[ "$got" = --cpu-budget ] || fail "report --c: '$got'"
got=$(complete_words simulate --tr)
[ "$got" = --trace ] || fail "simulate --tr: '$got' (usage line)"
got=$(complete_words version --)
[ "$got" = --help ] || fail "version --: '$got'"
# Every option offered is in the subcommand's help.
for c in $cmds; do
	for o in $(complete_words "$c" --); do
		[ "$o" = --help ] && continue
		case $c in fio) h="sweep fio" ;; fio-run) h="run fio-run" ;;
		*) h=$c ;; esac
		for x in $h; do "$A" "$x" --help; done | grep -q -- "$o\b" ||
			fail "$c: offers $o, which its help does not name"
	done
done
# After an option with a value: file names.
mkdir "$tmp/dir" && : >"$tmp/dir/job-one.ini" || exit 1
got=$(cd "$tmp/dir" && complete_words sweep --job job-)
[ "$got" = job-one.ini ] || fail "sweep --job job-: '$got'"
got=$(cd "$tmp/dir" && complete_words plot job)
[ "$got" = job-one.ini ] || fail "plot DIR: '$got'"
echo "completion: $(echo "$cmds" | wc -l) commands"
