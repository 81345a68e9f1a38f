#!/bin/sh
# man.sh: the man page (dist/mkman.sh on dist/aiotune.1.in and this
# binary's help) renders with groff and man without a warning, names the
# version, has a COMMANDS subsection for every subcommand of `aiotune
# help` and, in it, every option line of that subcommand's --help.
# Exit 0 pass, 1 fail, 77 skip (no groff).
set -u
A=${AIOTUNE:?}
root=$(cd "$(dirname "$0")/../.." && pwd)
command -v groff >/dev/null 2>&1 || { echo "skip: no groff"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aiotune-man-XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

page=$tmp/aiotune.1
sh "$root/dist/mkman.sh" "$A" "$root/dist/aiotune.1.in" 9.8.7 2026-01-02 \
	/opt/x/share/aiotune >"$page" 2>"$tmp/err" ||
	fail "mkman.sh: $(cat "$tmp/err")"
grep -v '^\.\\"' "$page" | grep '@[A-Z]*@' >"$tmp/left" &&
	fail "placeholder left: $(cat "$tmp/left")"
# Options are written \-\- (they copy and search as ASCII minus signs).
grep -v '^\.\\"' "$page" | grep -- '[^\\]-[-a-z]' >"$tmp/left" &&
	fail "unescaped minus: $(head -n 3 "$tmp/left")"
groff -man -Tutf8 -ww -z "$page" 2>"$tmp/err" || fail "groff failed"
[ -s "$tmp/err" ] && fail "groff warns: $(head -n 5 "$tmp/err")"
if command -v man >/dev/null 2>&1; then
	MANWIDTH=80 man -l "$page" >"$tmp/text" 2>"$tmp/err" ||
		fail "man -l failed: $(cat "$tmp/err")"
	[ -s "$tmp/err" ] && fail "man -l warns: $(head -n 5 "$tmp/err")"
else
	groff -man -Tutf8 "$page" | col -b >"$tmp/text"
fi
text=$tmp/text
grep -q 'aiotune 9\.8\.7' "$text" || fail "no version in the page"
grep -q '2026-01-02' "$text" || fail "no date in the page"
grep -q '/opt/x/share/aiotune' "$text" || fail "no data directory in FILES"
# Plain text for matching: no overstrikes, no hyphenation at line ends.
sed -e 's/.\x08//g' "$text" | tr -s ' ' >"$tmp/plain"
cmds=$("$A" help | awk '/^commands:/ { on = 1; next }
	on && NF == 0 { exit } on { print $1 }')
[ "$(echo "$cmds" | wc -l)" -ge 10 ] || fail "only these commands: $cmds"
for c in $cmds; do
	grep -q "^ *aiotune $c\b" "$tmp/plain" ||
		fail "no COMMANDS subsection for $c"
	for o in $("$A" "$c" --help | grep '^  --' | awk '{ print $1 }'); do
		grep -q -- " $o\b" "$tmp/plain" ||
			fail "$c: option $o missing from the page"
	done
done
# A binary whose help fails makes no page.
printf '#!/bin/sh\nexit 1\n' >"$tmp/bad"
chmod +x "$tmp/bad"
sh "$root/dist/mkman.sh" "$tmp/bad" "$root/dist/aiotune.1.in" 1 d /x \
	>"$tmp/out" 2>&1 && fail "mkman.sh made a page from a failing binary"
echo "man: $(echo "$cmds" | wc -l) commands, renders clean"
