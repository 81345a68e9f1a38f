#!/bin/sh
# deb-check.sh OUTDIR VERSION (make check-deb, after make deb): the
# packages make deb left in OUTDIR, installed on this host with dpkg and
# removed again:
# - aiotune, libaioloop0 and libaioloop-dev install (their Depends
#   present), and aiotune's Depends name the runtime libraries;
# - /usr/bin/aiotune --version prints VERSION and a git revision;
#   `man aiotune` renders; a job file and the gnuplot scripts are found
#   in /usr/share/aiotune from an empty directory; the completion is in
#   place;
# - pkg-config libaioloop (from the system paths) builds a program on the
#   loop API that runs;
# - dpkg -r removes every file the packages installed, and dpkg -P
#   leaves no trace in dpkg's database.
# Refuses to run (exit 1) when any of the packages is installed already,
# so that nothing of the host's is replaced or removed. Needs root.
# Exit 0 pass, 1 fail, 77 skip (not root, no dpkg).
set -u
out=${1:?OUTDIR} version=${2:?VERSION}
root=$(cd "$(dirname "$0")/../.." && pwd)
command -v dpkg >/dev/null 2>&1 || { echo "skip: no dpkg"; exit 77; }
[ "$(id -u)" -eq 0 ] ||
	{ echo "skip: installing a package needs root"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
pkgs="aiotune libaioloop0 libaioloop-dev"
for p in $pkgs; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q installed &&
		fail "$p is installed on this host already: not touching it"
done
arch=$(dpkg --print-architecture)
debs=
for p in $pkgs; do
	f="$out/${p}_${version}_$arch.deb"
	[ -f "$f" ] || fail "no $f (make deb first)"
	debs="$debs $f"
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aiotune-deb-XXXXXX") || exit 1
installed=
cleanup() {
	[ -n "$installed" ] && dpkg -P $pkgs >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

echo "== packages"
for f in $debs; do
	echo "$(basename "$f"): $(dpkg-deb -f "$f" Package Version \
		Architecture | tr '\n' ' ')"
	echo "  Depends: $(dpkg-deb -f "$f" Depends)"
done
dep=$(dpkg-deb -f "$out/aiotune_${version}_$arch.deb" Depends)
for d in liburing2 libaio1 libnuma1 libhwloc15 libglib2.0-0 libjansson4 \
	 libinih1 fio gnuplot; do
	echo "$dep" | grep -q "\b$d\b" ||
		fail "aiotune's Depends lacks $d: $dep"
done

echo "== dpkg -i"
installed=1
# shellcheck disable=SC2086
dpkg -i $debs >"$tmp/log" 2>&1 || fail "dpkg -i: $(tail -n 10 "$tmp/log")"
cat "$tmp/log"
for p in $pkgs; do
	dpkg -L "$p" >>"$tmp/files" || fail "dpkg -L $p"
done

echo "== use"
cd "$tmp" || exit 1
mkdir empty && cd empty || exit 1
v=$(/usr/bin/aiotune --version) || fail "aiotune --version failed"
echo "$v"
echo "$v" | grep -q "^aiotune $version (git [0-9a-f]\{7,\})$" ||
	fail "--version: $v"
command -v man >/dev/null 2>&1 || fail "no man here to read the page with"
MANWIDTH=80 man aiotune >"$tmp/man" 2>"$tmp/err" ||
	fail "man aiotune: $(cat "$tmp/err")"
[ -s "$tmp/err" ] && fail "man aiotune warns: $(cat "$tmp/err")"
grep -q "aiotune $version" "$tmp/man" || fail "man page without version"
head -n 3 "$tmp/man"
aiotune sweep --job sweep/jobs/quick.ini --dry-run >"$tmp/o" 2>&1 ||
	fail "dry run: $(cat "$tmp/o")"
head -n 1 "$tmp/o"
aiotune plot --output "$tmp/fig" --format svg \
	"$root/results/ref/example-quick" >"$tmp/o" 2>&1 ||
	fail "plot: $(cat "$tmp/o")"
[ -s "$tmp/fig/iops.svg" ] || fail "plot drew nothing"
echo "plot: $(ls "$tmp/fig" | grep -c svg) figures" \
	"from /usr/share/aiotune/plots"
[ -f /usr/share/bash-completion/completions/aiotune ] || fail "no completion"
cat >"$tmp/prog.c" <<'EOC'
#include <stdio.h>
#include <loop/aio.h>

static void bh(void *opaque) { puts(opaque); }

int main(void)
{
	AioContext *ctx = aio_context_new();

	aio_bh_schedule_oneshot(ctx, bh, "libaioloop: hello");
	while (!aio_poll(ctx, true))
		;
	aio_context_unref(ctx);
	return 0;
}
EOC
echo "pkg-config: $(pkg-config --cflags --libs libaioloop)"
# shellcheck disable=SC2046
cc -o "$tmp/prog" "$tmp/prog.c" $(pkg-config --cflags --libs libaioloop) \
	2>"$tmp/err" || fail "cc with pkg-config: $(cat "$tmp/err")"
"$tmp/prog" || fail "the libaioloop program failed"

echo "== dpkg -r"
# shellcheck disable=SC2086
dpkg -r $pkgs >"$tmp/log" 2>&1 || fail "dpkg -r: $(tail -n 10 "$tmp/log")"
cat "$tmp/log"
left=
while read -r f; do
	[ -d "$f" ] && continue
	[ -e "$f" ] || [ -L "$f" ] && left="$left $f"
done <"$tmp/files"
[ -z "$left" ] || fail "left after dpkg -r:$left"
[ -e /usr/share/aiotune ] && fail "/usr/share/aiotune left after dpkg -r"
[ -e /usr/include/aioloop ] && fail "/usr/include/aioloop left after dpkg -r"
# shellcheck disable=SC2086
dpkg -P $pkgs >/dev/null 2>&1
installed=
for p in $pkgs; do
	dpkg-query -W "$p" >/dev/null 2>&1 && fail "$p still known to dpkg"
done
echo "deb-check: $(wc -l <"$tmp/files") paths installed and removed"
