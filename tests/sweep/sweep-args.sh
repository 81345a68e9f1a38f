#!/bin/sh
# sweep-args.sh: command lines that cannot be right are refused before
# anything is written, in one line naming the value, with exit 2, by sweep
# and by the other subcommands alike:
# - output paths, one check for every --output (sweep, fio, import-fio,
#   plot, report, run) and --resume: empty (it used to mean the root
#   directory), a file where a directory is wanted, a directory where a
#   file is wanted;
# - job files: missing, a directory, not a regular file (/dev/zero, a
#   FIFO: they used to hang), too big, and a grid error naming the file;
# - an unknown option is called unknown, a missing value missing, and
#   --accel is known;
# - a single-value flag given twice (it used to keep the last one
#   silently), while the grid flags of sweep still add up;
# - --resume with --seed, --repetitions, --name or a job file that
#   contradict the directory's own values.
set -u
here=$(cd "$(dirname "$0")" && pwd)
A=${AIOTUNE:?}
S=$here/../fio/samples
tmp=$(mktemp -d)
export AIOTUNE_RUN_CMD="sh $here/fake-run.sh"
fail() { echo "FAIL: $*"; exit 1; }

# What an empty output path used to create: the results layout at the
# root. Whatever of it was not there before a case is an error (and is
# removed again).
root_files="/results.csv /meta.json /plan.json /runs /logs /job.ini /run.json"
root_before=
for f in $root_files; do
	[ -e "$f" ] && root_before="$root_before $f"
done
root_check()
{
	made=
	for f in $root_files; do
		case " $root_before " in *" $f "*) continue ;; esac
		[ -e "$f" ] && made="$made $f" && rm -rf "$f"
	done
	[ -z "$made" ] || fail "$1 created$made"
}
trap 'root_check cleanup; rm -rf "$tmp"' EXIT

# refused WANT CMD...: exit 2, one line on stderr that contains WANT,
# nothing new in the (empty) working directory or at the root.
refused()
{
	want=$1
	shift
	timeout 20 "$@" >/dev/null 2>"$tmp/e" </dev/null
	rc=$?
	[ $rc -eq 2 ] || fail "'$*': exit $rc: $(cat "$tmp/e")"
	[ "$(wc -l <"$tmp/e")" -eq 1 ] || fail "'$*': not one line: $(cat "$tmp/e")"
	grep -q -- "$want" "$tmp/e" || fail "'$*': '$want' not said: $(cat "$tmp/e")"
	[ -z "$(ls -A "$tmp/cwd")" ] || fail "'$*' wrote $(ls -A "$tmp/cwd")"
	root_check "'$*'"
}

one="--target sim:lat=fixed:20us --poll-max-ns 0 --iodepth 1 --runtime 100ms --ramp 0 --repetitions 1"
$A sweep $one --seed 5 --output "$tmp/s" >/dev/null 2>"$tmp/e" ||
	fail "setup sweep: $(cat "$tmp/e")"
touch "$tmp/file"
mkdir "$tmp/cwd" "$tmp/dir"
cd "$tmp/cwd" || fail "cd"

# Empty output paths.
refused "'' for --output" $A sweep $one --output ''
refused "'' for --output" $A sweep $one --output '' --dry-run
refused "'' for --output" $A fio $one --output '' --dry-run
refused "'' for --output" $A import-fio --output '' "$S/read.json"
refused "'' for --output" $A plot --output '' "$tmp/s"
refused "'' for --output" $A report --output '' "$tmp/s"
refused "'' for --output" $A run --engine simnvme --runtime 10ms --ramp 0 \
	--output ''
refused "'' for --resume" $A sweep --resume ''
# A file where a directory is wanted, and the reverse.
refused "'$tmp/file' for --output" $A sweep $one --output "$tmp/file"
refused "'$tmp/file' for --output" $A import-fio --output "$tmp/file" \
	"$S/read.json"
refused "'$tmp/file' for --output" $A plot --output "$tmp/file" "$tmp/s"
refused "'$tmp/file' for --output" $A run --engine simnvme --runtime 10ms \
	--ramp 0 --output "$tmp/file"
refused "'$tmp/file' for --resume" $A sweep --resume "$tmp/file"
refused "'$tmp/dir' for --output" $A report --output "$tmp/dir" "$tmp/s"

# Job files.
refused "'/nonexistent/job.ini' for --job" $A sweep --job /nonexistent/job.ini \
	--dry-run
refused "'$tmp/dir' for --job: .*directory" $A sweep --job "$tmp/dir" --dry-run
refused "'/dev/zero' for --job" $A sweep --job /dev/zero --dry-run
mkfifo "$tmp/fifo"
refused "'$tmp/fifo' for --job" $A sweep --job "$tmp/fifo" --dry-run
{
	echo "[global]"
	i=0
	while [ $i -lt 40000 ]; do
		echo "; padding line $i of a job file that is far too big"
		i=$((i + 1))
	done
} >"$tmp/big.ini"
refused "'$tmp/big.ini' for --job" $A sweep --job "$tmp/big.ini" --dry-run
seq -s, 0 63 | sed 's/^/poll-max-ns = /' >"$tmp/huge.ini"
seq -s, 1 64 | sed 's/^/iodepth = /' >>"$tmp/huge.ini"
seq -s, 0 63 | sed 's/^/poll-grow = /' >>"$tmp/huge.ini"
sed -i '1i [huge]' "$tmp/huge.ini"
refused "$tmp/huge.ini.*more than" $A sweep --job "$tmp/huge.ini" --dry-run

# Unknown options and missing values.
refused "unknown option '--bogus'" $A sweep --bogus
refused "unknown option '--bogus'" $A fio --bogus
refused "missing value for --iodepth" $A sweep --iodepth
refused "missing value for --output" $A plot "$tmp/s" --output
grep -q "(missing)" "$tmp/e" && fail "'(missing)' said: $(cat "$tmp/e")"

# --accel, the QEMU points' accelerator, is an option of sweep and fio,
# as their --help says (it used to be called unknown).
refused "invalid value 'fast' for --accel: allowed auto, kvm, tcg" \
	$A sweep --accel fast --dry-run
$A sweep --accel tcg --poll-max-ns 0 --iodepth 1 --dry-run >/dev/null \
	2>"$tmp/e" || fail "--accel tcg refused: $(cat "$tmp/e")"

# A single-value flag given twice, in every subcommand.
refused "--seed" $A sweep --seed 1 --seed 2 --dry-run
refused "--seed" $A sweep --seed=1 --seed 2 --dry-run
refused "--repetitions" $A sweep --repetitions 1 --repetitions 2 --dry-run
refused "--output" $A sweep $one --output "$tmp/a" --output "$tmp/b"
refused "--variants" $A fio --variants plain --variants sqpoll --dry-run
refused "--iodepth" $A run --engine simnvme --iodepth 1 --iodepth 2
refused "--objective" $A recommend --objective throughput \
	--objective latency "$tmp/s"
refused "--format" $A plot --format png --format svg "$tmp/s"
refused "--output" $A report --output "$tmp/r1" --output "$tmp/r2" "$tmp/s"
refused "--format" $A topo --format json --format text
refused "--output" $A import-fio --output "$tmp/i1" --output "$tmp/i2" \
	"$S/read.json"
# The grid flags of sweep add up.
out=$($A sweep --poll-max-ns 0 --poll-max-ns 8k --iodepth 1 --dry-run) ||
	fail "grid flag given twice refused"
echo "$out" | grep -q "^sweep 'sweep': 2 points" || fail "grid flags: $out"

# --resume takes the directory's own seed, repetitions and name: flags
# (or a job file) that say otherwise are refused; the same values pass.
refused "--seed 6.* seed 5" $A sweep --resume "$tmp/s" --seed 6
refused "--repetitions 2.* repetitions 1" $A sweep --resume "$tmp/s" \
	--repetitions 2
refused "--name other.* name sweep" $A sweep --resume "$tmp/s" --name other
{
	echo "[global]"
	echo "seed = 6"
	echo "[cli]"
	echo "target = sim:lat=fixed:20us"
	echo "poll-max-ns = 0"
	echo "iodepth = 1"
	echo "runtime = 100ms"
	echo "ramp = 0"
} >"$tmp/j.ini"
refused "$tmp/j.ini.* seed 6.* seed 5" $A sweep --resume "$tmp/s" \
	--job "$tmp/j.ini" --repetitions 1
$A sweep --resume "$tmp/s" --seed 5 --repetitions 1 --name sweep \
	>/dev/null 2>"$tmp/e" || fail "resume with its own values: $(cat "$tmp/e")"
echo "sweep-args: ok"
