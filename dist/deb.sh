#!/bin/sh
# deb.sh OUTDIR VERSION: the Debian packages of HEAD, built with
# dpkg-buildpackage (debian/, debhelper) from the tarball make dist makes,
# unpacked in OUTDIR; the .deb files end up in OUTDIR. VERSION (the
# Makefile's) must be debian/changelog's. DEB_BUILD_OPTIONS is passed on
# (nocheck skips make check in the build).
set -eu
out=$1 version=$2
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cv=$(dpkg-parsechangelog -S Version)
[ "$cv" = "$version" ] || {
	echo "aiotune: debian/changelog says $cv, util/module.mk $version:" \
		"add a changelog entry (dch -v $version)" >&2
	exit 1
}
make --no-print-directory NO_DEPS=1 dist >/dev/null
tar=$(ls build/aiotune-"$version".tar.gz)
rm -rf "$out"
mkdir -p "$out"
tar -C "$out" -xzf "$tar"
cd "$out/aiotune-$version"
echo "aiotune: dpkg-buildpackage in $out/aiotune-$version" >&2
dpkg-buildpackage -b -us -uc >../build.log 2>&1 || {
	tail -n 30 ../build.log >&2
	echo "aiotune: dpkg-buildpackage failed: $out/build.log" >&2
	exit 1
}
cd ..
ls -1 "$PWD"/*.deb
