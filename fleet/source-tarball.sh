#!/bin/sh
# source-tarball.sh SRC OUT: the source tree SRC as the gzip'ed tarball
# OUT that `aiotune fleet` copies to the hosts that build aiotune. In a
# git checkout: the files git tracks and the new ones it does not ignore,
# as they are now (uncommitted edits included); elsewhere (an unpacked
# tarball): every file but build/. GIT-REV holds the revision, which
# the build reads in place of git (util/module.mk).
set -eu
src=$1 out=$2
cd "$src"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git rev-parse --short HEAD >"$tmp/GIT-REV"
	git ls-files -z -c -o --exclude-standard >"$tmp/list"
else
	cat GIT-REV >"$tmp/GIT-REV" 2>/dev/null || echo unknown >"$tmp/GIT-REV"
	find . -path ./build -prune -o -path ./GIT-REV -prune -o -type f \
		-print0 >"$tmp/list"
fi
# --ignore-failed-read: a tracked file deleted in the work tree is left out.
tar -czf "$out.tmp" --ignore-failed-read --null -T "$tmp/list" \
	-C "$tmp" GIT-REV 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
mv "$out.tmp" "$out"
