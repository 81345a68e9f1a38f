#!/bin/sh
# deps.sh: check for, and install, the Debian packages aiotune needs.
#   deps.sh check    exit 0 when every package is present, 1 otherwise
#   deps.sh ensure   install what is missing (apt-get; needs root)
#   deps.sh list     print the package list
# A second word "deb" means the packages make deb needs besides (DEB_PKGS:
# only make deb installs them, never make test).
set -u

# clang and libclang-rt-dev (libclang_rt.fuzzer, which clang-14 only
# recommends) build the fuzz targets: make fuzz, the last stage of make test.
# chromium renders the report headless (tests/sweep/report-chromium.sh).
# ansible-core runs `aiotune fleet` (fleet/playbook.yml) and its tests.
PKGS="build-essential pkg-config liburing-dev libaio-dev libnuma-dev \
libhwloc-dev hwloc-nox libglib2.0-dev libjansson-dev libinih-dev \
gnuplot-nox fio spin python3 qemu-system-x86 qemu-system-data busybox-static \
cpio xz-utils libuv1-dev libevent-dev libev-dev clang libclang-rt-dev \
chromium ansible-core"

# make deb: debian/control's Build-Depends and dpkg-buildpackage's tools.
DEB_PKGS="build-essential debhelper dpkg-dev fakeroot groff-base pkg-config \
liburing-dev libaio-dev libnuma-dev libhwloc-dev libglib2.0-dev \
libjansson-dev libinih-dev"
case "${2:-}" in
deb) PKGS=$DEB_PKGS ;;
"") ;;
*) echo "usage: deps.sh check|ensure|list [deb]" >&2; exit 2 ;;
esac

missing() {
	for p in $PKGS; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q "install ok installed" || printf '%s ' "$p"
	done
}

case "${1:-ensure}" in
list)
	echo "$PKGS"
	;;
check)
	m=$(missing)
	[ -z "$m" ] && exit 0
	echo "aiotune: missing packages: $m" >&2
	exit 1
	;;
ensure)
	m=$(missing)
	[ -z "$m" ] && exit 0
	echo "aiotune: installing missing packages: $m" >&2
	SUDO=
	[ "$(id -u)" -ne 0 ] && SUDO=sudo
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq >&2 || exit 1
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $m >&2 || exit 1
	;;
*)
	echo "usage: deps.sh check|ensure|list [deb]" >&2
	exit 2
	;;
esac
