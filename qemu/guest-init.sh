#!/bin/busybox sh
# guest-init.sh: /init of aiotune's QEMU guest (qemu/README in the repo's
# README, "QEMU as the peer"). It loads the virtio modules, then serves the
# host over the serial console, one command a line:
#
#   AIOTUNE-RUN ID ARGS...   run fio ARGS (which write JSON to /tmp/fio.json)
#   AIOTUNE-QUIT             power off (QEMU runs with -no-reboot)
#
# and answers with marker lines the host looks for:
#
#   @@AIOTUNE READY UPTIME         ready for a command
#   @@AIOTUNE START ID             fio is starting
#   @@AIOTUNE BEGIN ID             fio's JSON follows, then
#   @@AIOTUNE END ID RC BYTES      fio's exit status and the JSON's length
#   @@AIOTUNE ERR ID TEXT          a line of fio's stderr (when RC != 0)
#   @@AIOTUNE FAIL TEXT            the guest cannot serve (then powers off)
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /tmp

fail() {
	echo "@@AIOTUNE FAIL $*"
	reboot -f
}

# Debian's kernel has virtio as modules: load them in dependency order.
for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev \
	virtio_pci virtio_blk; do
	insmod /lib/modules/$m.ko || fail "insmod $m failed"
done
n=0
while [ ! -b /dev/vda ]; do
	n=$((n + 1))
	[ $n -gt 100 ] && fail "no /dev/vda after 10 s (virtio_blk)"
	sleep 0.1
done
stty -echo 2>/dev/null
set -f

echo "@@AIOTUNE READY $(cut -d' ' -f1 /proc/uptime)"
while read -r cmd id args; do
	case "$cmd" in
	AIOTUNE-RUN)
		rm -f /tmp/fio.json /tmp/fio.err
		echo "@@AIOTUNE START $id"
		# shellcheck disable=SC2086
		fio $args >/dev/null 2>/tmp/fio.err
		rc=$?
		if [ $rc -ne 0 ]; then
			while read -r line; do
				echo "@@AIOTUNE ERR $id $line"
			done </tmp/fio.err
		fi
		bytes=0
		[ -f /tmp/fio.json ] && bytes=$(wc -c </tmp/fio.json)
		echo "@@AIOTUNE BEGIN $id"
		[ -f /tmp/fio.json ] && cat /tmp/fio.json
		echo
		echo "@@AIOTUNE END $id $rc $bytes"
		echo "@@AIOTUNE READY $(cut -d' ' -f1 /proc/uptime)"
		;;
	AIOTUNE-QUIT)
		break
		;;
	"")
		;;
	*)
		echo "@@AIOTUNE ERR - unknown command '$cmd'"
		;;
	esac
done
sync
reboot -f
