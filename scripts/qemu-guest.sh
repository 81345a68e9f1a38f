#!/bin/sh
# qemu-guest.sh: the guest image of `aiotune run --engine qemu`, built
# into a cache directory and reused:
#
#   qemu-guest.sh [CACHE_DIR]
#
# prints, once the image is there:
#
#   kernel=PATH        an uncompressed vmlinux (a PVH ELF qboot boots)
#   initrd=PATH        an uncompressed newc cpio: busybox, fio, its libraries,
#                      the virtio modules and qemu/guest-init.sh as /init
#   kernel_version=V   e.g. 6.1.0-57-amd64
#   kernel_package=P   the Debian package it came from, with its version
#
# The kernel comes from Debian's kernel package (linux-image-amd64's
# dependency, or $AIOTUNE_GUEST_KERNEL), fetched with `apt-get download`
# and unpacked here; nothing is installed on the host and nothing is
# fetched from anywhere else. A cached kernel is used without asking apt.
# CACHE_DIR defaults to $AIOTUNE_CACHE, else ~/.cache/aiotune/guest.
#
# Exit status: 0 ready, 1 failed, 3 no kernel package could be had (the
# reason on stderr, one line).
set -u

die() {
	echo "aiotune: guest image: $*" >&2
	exit 1
}

nokernel() {
	echo "aiotune: guest image: $*" >&2
	exit 3
}

here=$(cd "$(dirname "$0")/.." && pwd)
init="$here/qemu/guest-init.sh"
cache=${1:-${AIOTUNE_CACHE:-${HOME:-/root}/.cache/aiotune/guest}}
mkdir -p "$cache" || die "cannot create the cache directory $cache"
[ -f "$init" ] || die "missing $init"

busybox=
for b in /bin/busybox /usr/bin/busybox; do
	[ -x "$b" ] && busybox=$b && break
done
[ -n "$busybox" ] || die "busybox is not installed: install Debian's" \
	"busybox-static package (make deps)"
ldd "$busybox" >/dev/null 2>&1 && die "$busybox is linked dynamically:" \
	"install Debian's busybox-static package (make deps)"
fio=$(command -v fio) || die "fio is not installed (make deps)"
command -v cpio >/dev/null || die "cpio is not installed (make deps)"
command -v xz >/dev/null || die "xz is not installed (xz-utils)"

# One builder at a time per cache (parallel sweeps share it).
exec 9>"$cache/.lock" || die "cannot lock $cache"
flock 9 || die "cannot lock $cache"

modules="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev \
virtio_pci virtio_blk"

# A kernel already unpacked here: the newest complete one.
kdir=
for d in "$cache"/kernel-*; do
	[ -f "$d/complete" ] && kdir=$d
done
if [ -n "${AIOTUNE_GUEST_KERNEL:-}" ]; then
	kdir=
	for d in "$cache"/kernel-*; do
		[ -f "$d/complete" ] &&
			[ "$(cat "$d/package")" = "$AIOTUNE_GUEST_KERNEL" ] &&
			kdir=$d
	done
fi

fetch_kernel() {
	pkg=${AIOTUNE_GUEST_KERNEL:-}
	if [ -z "$pkg" ]; then
		pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
			sed -n 's/^ *Depends: \(linux-image-[^ ]*\)$/\1/p' |
			head -n 1)
		[ -n "$pkg" ] || nokernel "no kernel package: apt-cache" \
			"knows no linux-image-amd64 (run apt-get update)"
	fi
	tmp=$(mktemp -d "$cache/fetch.XXXXXX") || die "no temporary directory"
	trap 'rm -rf "$tmp"' EXIT
	echo "aiotune: fetching the guest kernel ($pkg) with apt-get" \
		"download" >&2
	(cd "$tmp" && apt-get download -q "$pkg" >download.log 2>&1) ||
		nokernel "no kernel package: apt-get download $pkg failed:" \
			"$(grep -E '^E:' "$tmp/download.log" | head -n 1)"
	deb=$(ls "$tmp"/*.deb 2>/dev/null | head -n 1)
	[ -n "$deb" ] || nokernel "no kernel package: apt-get download $pkg" \
		"gave no .deb"
	ver=$(dpkg-deb -f "$deb" Version)
	mkdir -p "$tmp/x"
	pats="./boot/vmlinuz-*"
	for m in $modules; do
		pats="$pats ./lib/modules/*/$m.ko"
	done
	# shellcheck disable=SC2086
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp/x" --wildcards \
		--no-anchored $pats 2>"$tmp/tar.log" ||
		die "cannot unpack $deb: $(head -n 1 "$tmp/tar.log")"
	vmlinuz=$(ls "$tmp"/x/boot/vmlinuz-* 2>/dev/null | head -n 1)
	[ -n "$vmlinuz" ] || die "$pkg has no /boot/vmlinuz-*"
	kver=${vmlinuz##*/vmlinuz-}
	# The bzImage carries the kernel as an xz stream: unpack it.
	off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$vmlinuz" | head -n 1 |
		cut -d: -f1)
	[ -n "$off" ] || die "$vmlinuz has no xz payload (not Debian's" \
		"amd64 kernel?)"
	kd="$cache/kernel-$kver"
	rm -rf "$kd"
	mkdir -p "$kd/modules" || die "cannot write $kd"
	tail -c +$((off + 1)) "$vmlinuz" | xz -dc --single-stream \
		>"$kd/vmlinux" 2>/dev/null || die "cannot decompress $vmlinuz"
	head -c 4 "$kd/vmlinux" | grep -q ELF || die "$vmlinuz: the" \
		"decompressed kernel is not an ELF file"
	for m in $modules; do
		f=$(find "$tmp/x/lib/modules" -name "$m.ko" | head -n 1)
		[ -n "$f" ] || die "$pkg has no $m.ko"
		cp "$f" "$kd/modules/" || die "cannot copy $m.ko"
	done
	echo "$kver" >"$kd/version"
	echo "$pkg" >"$kd/package"
	echo "$ver" >"$kd/package_version"
	touch "$kd/complete"
	rm -rf "$tmp"
	trap - EXIT
	kdir=$kd
}

[ -n "$kdir" ] || fetch_kernel
kver=$(cat "$kdir/version")

# The initramfs: rebuilt when the init, fio, busybox or kernel changes.
key=$( (cat "$init"; ls -l --time-style=+%s "$fio" "$busybox";
	echo "$kver") | cksum | cut -d' ' -f1)
initrd="$cache/initramfs-$key.cpio"
if [ ! -f "$initrd" ]; then
	root=$(mktemp -d "$cache/root.XXXXXX") || die "no temporary directory"
	trap 'rm -rf "$root"' EXIT
	mkdir -p "$root/bin" "$root/lib/modules" "$root/dev" "$root/proc" \
		"$root/sys" "$root/tmp" || die "cannot write $root"
	cp "$busybox" "$root/bin/busybox" || die "cannot copy busybox"
	cp "$fio" "$root/bin/fio" || die "cannot copy fio"
	cp "$init" "$root/init" && chmod 755 "$root/init" ||
		die "cannot copy the init"
	cp "$kdir"/modules/*.ko "$root/lib/modules/" ||
		die "cannot copy the modules"
	# fio's shared libraries, and the loader, at the paths ldd gives.
	libs=$(ldd "$fio" | awk '/=> \// { print $3 } /^\t\// { print $1 }')
	[ -n "$libs" ] || die "ldd $fio lists no libraries"
	for l in $libs; do
		mkdir -p "$root$(dirname "$l")" &&
			cp -L "$l" "$root$l" || die "cannot copy $l"
	done
	(cd "$root" && find . | cpio -o -H newc --quiet) >"$initrd.tmp" ||
		die "cpio failed"
	mv "$initrd.tmp" "$initrd" || die "cannot write $initrd"
	rm -rf "$root"
	trap - EXIT
	# Older images of this cache are stale now.
	for f in "$cache"/initramfs-*.cpio; do
		[ "$f" = "$initrd" ] || rm -f "$f"
	done
fi

echo "kernel=$kdir/vmlinux"
echo "initrd=$initrd"
echo "kernel_version=$kver"
echo "kernel_package=$(cat "$kdir/package") $(cat "$kdir/package_version")"
