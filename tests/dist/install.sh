#!/bin/sh
# install.sh: make install into a DESTDIR, then the installed tree on its
# own, moved elsewhere (the source tree out of reach, the current
# directory empty):
# - the files: bin/aiotune, libaioloop (static, shared with its soname
#   links), its headers, libaioloop.pc, the man page, the completion, and
#   every data file the binary reads (plots/*.gp, sweep/jobs/, the QEMU
#   guest scripts); nothing under share/aiotune that is not the source
#   tree's file of the same path;
# - the binary finds its data there: --version, a job file by its tree
#   path (sweep --dry-run), the gnuplot scripts (plot); with the installed
#   copies removed, both fail;
# - pkg-config --cflags --libs libaioloop (PKG_CONFIG_PATH and
#   PKG_CONFIG_SYSROOT_DIR at the tree) compiles each public header alone
#   and a program on the loop API, linked shared and static, that runs;
# - the installed completion completes with the installed binary;
# - make uninstall leaves no file, and no aiotune or aioloop directory.
# Exit 0 pass, 1 fail, 77 skip (no make, cc or pkg-config).
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
SAN=${SAN:-}
for t in make cc pkg-config; do
	command -v $t >/dev/null 2>&1 || { echo "skip: no $t"; exit 77; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aiotune-install-XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

dest=$tmp/dest
pfx=/usr/local
# Nothing of a make that runs this test (a package build's PREFIX,
# LIBDIR ...) may reach this one: the default layout, spelt out.
mk() {
	MAKEFLAGS= MFLAGS= make -s -C "$root" --no-print-directory \
		BUILD="$BUILD" SAN="$SAN" PREFIX=$pfx LIBDIR=$pfx/lib \
		INCLUDEDIR=$pfx/include DATADIR=$pfx/share/aiotune \
		MANDIR=$pfx/share/man PKGCONFIGDIR=$pfx/lib/pkgconfig \
		BASHCOMPDIR=$pfx/share/bash-completion/completions \
		DESTDIR="$dest" "$@" \
		>"$tmp/make.log" 2>&1 ||
		fail "make $*: $(tail -n 5 "$tmp/make.log")"
}
mk install
# The DESTDIR tree as installed (files and links, paths under it).
( cd "$dest" && find . \( -type f -o -type l \) | sed 's|^\./|/|' | sort ) \
	>"$tmp/files"
[ -s "$tmp/files" ] || fail "make install installed nothing"

# The required files; data files: those the binary reads, from the tree.
{
	for f in bin/aiotune lib/libaioloop.a lib/libaioloop.so \
		lib/libaioloop.so.0 lib/pkgconfig/libaioloop.pc \
		include/aioloop/loop/aio.h include/aioloop/loop/iothread.h \
		include/aioloop/loop/thread-pool.h \
		include/aioloop/polling/policy.h \
		share/man/man1/aiotune.1 \
		share/bash-completion/completions/aiotune; do
		echo "$pfx/$f"
	done
	( cd "$root" && ls plots/*.gp sweep/jobs/*.ini sweep/jobs/*/*.ini \
		scripts/qemu-guest.sh qemu/guest-init.sh \
		fleet/playbook.yml fleet/source-tarball.sh ) |
		sed "s|^|$pfx/share/aiotune/|"
} | sort >"$tmp/want"
missing=$(comm -23 "$tmp/want" "$tmp/files")
[ -z "$missing" ] || fail "not installed: $missing"
ls "$dest$pfx"/lib/libaioloop.so.0.* >/dev/null 2>&1 ||
	fail "no lib/libaioloop.so.0.VERSION"
for f in $(grep "^$pfx/share/aiotune/" "$tmp/files"); do
	rel=${f#"$pfx/share/aiotune/"}
	cmp -s "$dest$f" "$root/$rel" ||
		fail "$f is not the tree's $rel"
done
[ -x "$dest$pfx/bin/aiotune" ] || fail "bin/aiotune is not executable"
[ -x "$dest$pfx/share/aiotune/scripts/qemu-guest.sh" ] ||
	fail "qemu-guest.sh is not executable"

# The installed tree, moved: nothing but its own share/aiotune is near it.
inst=$tmp/moved/opt/aiotune
mkdir -p "$tmp/moved/opt" "$tmp/cwd"
cp -a "$dest$pfx" "$inst" || fail "cannot copy the installed tree"
A=$inst/bin/aiotune
cd "$tmp/cwd" || exit 1
"$A" --version >"$tmp/out" 2>&1 || fail "--version: $(cat "$tmp/out")"
grep -q '^aiotune [0-9][0-9.]* (git [0-9a-z]*)$' "$tmp/out" ||
	fail "--version printed: $(cat "$tmp/out")"
"$A" sweep --job sweep/jobs/quick.ini --dry-run >"$tmp/out" 2>&1 ||
	fail "installed job file not found: $(cat "$tmp/out")"
grep -q "^sweep 'quick'" "$tmp/out" || fail "dry run: $(head -n 3 "$tmp/out")"
[ -z "$(ls -A "$tmp/cwd")" ] || fail "the dry run created files here"
fix=$tmp/example-quick
cp -r "$root/results/ref/example-quick" "$fix" || exit 1
if command -v gnuplot >/dev/null 2>&1; then
	"$A" plot --output "$tmp/fig" --format svg "$fix" >"$tmp/out" 2>&1 ||
		fail "plot with the installed scripts: $(cat "$tmp/out")"
	[ -s "$tmp/fig/iops.svg" ] || fail "plot drew no iops.svg"
fi
# The compiled-in DATADIR is /usr/local/share/aiotune: when this host has
# one, it would answer too, so the removal checks below prove nothing.
if [ -e "$pfx/share/aiotune" ]; then
	echo "note: $pfx/share/aiotune exists here: removal checks not run"
else
	mv "$inst/share/aiotune" "$inst/share/aiotune.off"
	"$A" sweep --job sweep/jobs/quick.ini --dry-run >"$tmp/out" 2>&1 &&
		fail "dry run found a job file without share/aiotune"
	grep -q "invalid value 'sweep/jobs/quick.ini' for --job" "$tmp/out" ||
		fail "without share/aiotune: $(cat "$tmp/out")"
	if command -v gnuplot >/dev/null 2>&1; then
		"$A" plot --output "$tmp/fig2" "$fix" >"$tmp/out" 2>&1 &&
			fail "plot found scripts without share/aiotune"
	fi
	mv "$inst/share/aiotune.off" "$inst/share/aiotune"
fi
cd "$tmp" || exit 1

# libaioloop through pkg-config, as installed in the DESTDIR.
export PKG_CONFIG_PATH="$dest$pfx/lib/pkgconfig"
export PKG_CONFIG_SYSROOT_DIR="$dest"
pkg-config --exists libaioloop || fail "pkg-config does not find libaioloop"
cflags=$(pkg-config --cflags libaioloop) || fail "pkg-config --cflags"
libs=$(pkg-config --libs libaioloop) || fail "pkg-config --libs"
slibs=$(pkg-config --static --libs libaioloop) || fail "pkg-config --static"
echo "$cflags" | grep -q -- "-I$dest$pfx/include/aioloop" ||
	fail "Cflags: $cflags"
san=
[ "$SAN" = asan ] && san="-fsanitize=address,undefined"
for h in loop/aio.h loop/iothread.h loop/thread-pool.h polling/policy.h \
	 polling/hist.h polling/simulate.h; do
	printf '#include <%s>\nint main(void) { return 0; }\n' "$h" >"$tmp/h.c"
	# shellcheck disable=SC2086
	cc -std=c11 -Wall -Werror $cflags -c -o "$tmp/h.o" "$tmp/h.c" \
		2>"$tmp/cc.log" || fail "$h alone: $(head -n 3 "$tmp/cc.log")"
done
cat >"$tmp/prog.c" <<'EOF'
#include <stdio.h>
#include <loop/aio.h>
#include <loop/iothread.h>

static int ran;

static void bh(void *opaque)
{
	ran += *(int *)opaque;
}

int main(void)
{
	AioContext *ctx = aio_context_new();
	int one = 1;

	if (!ctx)
		return 1;
	if (aio_context_set_poll_params(ctx, 32768, 0, 0))
		return 2;
	aio_bh_schedule_oneshot(ctx, bh, &one);
	while (!aio_poll(ctx, true))
		;
	printf("ran %d fdmon %s\n", ran, aio_context_fdmon_name(ctx));
	aio_context_unref(ctx);
	return ran == 1 ? 0 : 3;
}
EOF
# shellcheck disable=SC2086
cc $san $cflags -o "$tmp/prog" "$tmp/prog.c" $libs 2>"$tmp/cc.log" ||
	fail "linking the shared libaioloop: $(head -n 5 "$tmp/cc.log")"
LD_LIBRARY_PATH="$dest$pfx/lib" "$tmp/prog" >"$tmp/out" 2>&1 ||
	fail "program on the shared libaioloop: $(cat "$tmp/out")"
grep -q '^ran 1 fdmon ' "$tmp/out" || fail "program printed $(cat "$tmp/out")"
LD_LIBRARY_PATH="$dest$pfx/lib" ldd "$tmp/prog" | grep -q \
	"libaioloop.so.0 => $dest$pfx/lib/libaioloop.so.0" ||
	fail "not linked to the installed libaioloop.so.0"
slibs=$(echo "$slibs" | sed 's/-laioloop/-l:libaioloop.a/')
# shellcheck disable=SC2086
cc $san $cflags -o "$tmp/sprog" "$tmp/prog.c" $slibs 2>"$tmp/cc.log" ||
	fail "linking the static libaioloop: $(head -n 5 "$tmp/cc.log")"
ldd "$tmp/sprog" | grep -q libaioloop && fail "static link used the .so"
"$tmp/sprog" >"$tmp/out" 2>&1 || fail "static program: $(cat "$tmp/out")"

# The installed completion, with the installed binary.
if command -v bash >/dev/null 2>&1; then
	words=$(bash -c '. "$1"; COMP_WORDS=("$2" sw); COMP_CWORD=1; _aiotune
		printf "%s\n" "${COMPREPLY[@]}"' sh \
		"$dest$pfx/share/bash-completion/completions/aiotune" "$A")
	[ "$words" = sweep ] || fail "installed completion of 'sw': '$words'"
fi

mk uninstall
left=$(cd "$dest" && find . \( -type f -o -type l \))
[ -z "$left" ] || fail "left after make uninstall: $left"
left=$(cd "$dest" && find . -type d \( -name '*aiotune*' -o -name aioloop \))
[ -z "$left" ] || fail "directories left after make uninstall: $left"
echo "install: $(wc -l <"$tmp/files") files installed, found, removed"
