#!/bin/sh
# dist.sh: make dist's tarball holds HEAD's tree under aiotune-VERSION/
# (the Makefile, the sources, debian/) and GIT-REV with HEAD's short
# revision; unpacked where no git repository is, its Makefile takes the
# revision from GIT-REV (version.o carries it: what --version prints).
# Exit 0 pass, 1 fail, 77 skip (not a git checkout, no git, make or cc).
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
for t in git make cc tar; do
	command -v $t >/dev/null 2>&1 || { echo "skip: no $t"; exit 77; }
done
# An unpacked tarball (a package build) may sit inside another checkout.
top=$(git -C "$root" rev-parse --show-toplevel 2>/dev/null)
[ "$top" = "$root" ] || { echo "skip: not a git checkout's top"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aiotune-dist-XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

MAKEFLAGS= MFLAGS= make -s -C "$root" --no-print-directory NO_DEPS=1 \
	DIST_OUT="$tmp" dist >"$tmp/log" 2>&1 ||
	fail "make dist: $(cat "$tmp/log")"
tarball=$(ls "$tmp"/aiotune-*.tar.gz) || fail "no tarball in $tmp"
name=$(basename "$tarball" .tar.gz)
echo "$name" | grep -q '^aiotune-[0-9][0-9.]*$' || fail "tarball name $name"
tar -tzf "$tarball" >"$tmp/list" || fail "tar -t"
for f in GIT-REV Makefile README.md util/version.c util/module.mk \
	 debian/control debian/rules dist/module.mk; do
	grep -qx "$name/$f" "$tmp/list" || fail "$f not in the tarball"
done
grep -v "^$name/" "$tmp/list" && fail "files outside $name/"
grep -q "^$name/build/" "$tmp/list" && fail "build/ in the tarball"
rev=$(git -C "$root" rev-parse --short HEAD)
mkdir "$tmp/x" && tar -C "$tmp/x" -xzf "$tarball" || fail "tar -x"
src=$tmp/x/$name
[ "$(cat "$src/GIT-REV")" = "$rev" ] ||
	fail "GIT-REV $(cat "$src/GIT-REV"), HEAD $rev"
# No git above it: the revision can only come from GIT-REV.
GIT_DIR=$tmp/no-git GIT_CEILING_DIRECTORIES=$tmp MAKEFLAGS= MFLAGS= \
	make -s -C "$src" --no-print-directory NO_DEPS=1 SAN= BUILD=build \
	build/util/version.o \
	>"$tmp/log" 2>&1 || fail "make in the tarball: $(tail -n 5 "$tmp/log")"
grep -q "$rev" "$src/build/util/version.o" ||
	fail "version.o does not carry $rev"
grep -q "$rev" "$src/build/util/git-rev" ||
	fail "git-rev stamp: $(cat "$src/build/util/git-rev")"
echo "dist: $name.tar.gz, $(wc -l <"$tmp/list") entries, git $rev"
