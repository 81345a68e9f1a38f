#!/bin/sh
# guest-image.sh: scripts/qemu-guest.sh builds (or finds in its cache) the
# guest of `aiotune run --engine qemu`: an uncompressed ELF vmlinux from
# Debian's kernel package and an initramfs with /init, busybox, fio, the
# libraries fio needs and the virtio modules. A kernel package that does
# not exist is "no kernel package" (exit 3), one line. Skips (77) when no
# kernel can be had here (no apt lists, no network to Debian's archive).
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
S=$here/scripts/qemu-guest.sh
tmp=$(mktemp -d "${TMPDIR:-/tmp}/guest-image.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

sh "$S" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 3 ]; then
	echo "SKIP: $(tail -n 1 "$tmp/err")"
	exit 77
fi
[ $rc -eq 0 ] || fail "qemu-guest.sh exit $rc: $(tail -n 1 "$tmp/err")"
kernel=$(sed -n 's/^kernel=//p' "$tmp/out")
initrd=$(sed -n 's/^initrd=//p' "$tmp/out")
kver=$(sed -n 's/^kernel_version=//p' "$tmp/out")
pkg=$(sed -n 's/^kernel_package=//p' "$tmp/out")
[ -f "$kernel" ] && [ -f "$initrd" ] || fail "missing files: $(cat "$tmp/out")"
case "$pkg" in linux-image-*) ;; *) fail "kernel_package '$pkg'" ;; esac
[ -n "$kver" ] || fail "no kernel_version"
[ "$(head -c 4 "$kernel" | od -An -c | tr -d ' ')" = '177ELF' ] ||
	fail "$kernel is not an ELF file"
(cd "$tmp" && cpio -it --quiet <"$initrd" >list) || fail "cpio -t failed"
for f in init bin/busybox bin/fio lib/modules/virtio_blk.ko \
	lib/modules/virtio_pci.ko lib/modules/virtio_ring.ko; do
	grep -qx "$f" "$tmp/list" || fail "initramfs lacks $f"
done
# Every library fio needs is in it.
for l in $(ldd "$(command -v fio)" | awk '/=> \// { print $3 }'); do
	grep -qx "${l#/}" "$tmp/list" || fail "initramfs lacks $l"
done
# A second call uses the cache: same files.
sh "$S" >"$tmp/out2" 2>/dev/null || fail "second call failed"
cmp -s "$tmp/out" "$tmp/out2" || fail "second call gave other files"

# A kernel package that does not exist: one line, exit 3.
AIOTUNE_CACHE=$tmp/empty AIOTUNE_GUEST_KERNEL=linux-image-aiotune-nosuch \
	sh "$S" >"$tmp/out3" 2>"$tmp/err3"
rc=$?
[ $rc -eq 3 ] || fail "missing package: exit $rc, want 3"
[ "$(wc -l <"$tmp/err3")" -eq 2 ] || [ "$(wc -l <"$tmp/err3")" -eq 1 ] ||
	fail "missing package: $(cat "$tmp/err3")"
grep -q "no kernel package: apt-get download linux-image-aiotune-nosuch" \
	"$tmp/err3" || fail "missing package: $(cat "$tmp/err3")"
echo "guest image: $pkg ($kver)"
