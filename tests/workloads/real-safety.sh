#!/bin/sh
# real-safety.sh: the write-safety rules of real targets, through
# `aiotune run` with each real engine:
# - a write job on an existing file without --allow-write is refused in one
#   line and leaves the file as it was; with --allow-write it runs;
# - a file open in another process is refused for writes even with
#   --allow-write, naming the process;
# - a mounted block device (a loop device holding a mounted ext4, set up
#   here and torn down after) is refused for writes even with
#   --allow-write, naming the mount point; so are a second loop device over
#   the same image file and the image file itself (both would write under
#   the mounted filesystem), naming the loop device and its mount point;
#   once unmounted they are accepted with --allow-write and refused
#   without (exit 77 if this machine does not let us set up a loop device
#   and mount it);
# - bad targets give one line naming the target and the cause (ENOENT,
#   ENOTDIR, procfs, EPERM where the host forbids the raw disk);
# - io_uring --hipri where the device has no poll queues says
#   "polled completions unsupported", exits non-zero and does not crash.
set -u
: "${AIOTUNE:?AIOTUNE must name the aiotune binary}"
tmp=$(mktemp -d /tmp/aiotune-real-safety.XXXXXX)
loopdev=""
loop2=""
holder=""
mnt="$tmp/mnt"
cleanup() {
	[ -n "$holder" ] && kill "$holder" 2>/dev/null
	if mountpoint -q "$mnt" 2>/dev/null; then
		umount "$mnt"
	fi
	for d in $loopdev $loop2; do
		losetup -d "$d" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
fail=0
short="--runtime 200ms --ramp 0"

# refused NEEDLE ARGS...: non-zero exit below 128 (no crash), exactly one
# stderr line holding NEEDLE.
refused() {
	needle=$1
	shift
	"$AIOTUNE" run $short "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	lines=$(wc -l <"$tmp/err")
	if [ $rc -eq 0 ] || [ $rc -ge 128 ] || [ "$lines" -ne 1 ] ||
	   ! grep -qF -- "$needle" "$tmp/err"; then
		echo "FAIL: run $* -> exit $rc, $lines stderr lines:"
		cat "$tmp/err"
		fail=1
	else
		echo "ok (exit $rc): $(cat "$tmp/err")"
	fi
}

# runs ARGS...: exit 0.
runs() {
	if ! "$AIOTUNE" run $short "$@" >"$tmp/out" 2>"$tmp/err"; then
		echo "FAIL: run $* failed:"
		cat "$tmp/err"
		fail=1
	fi
}

# An existing file: written by us, not by aiotune.
f="$tmp/existing.dat"
dd if=/dev/urandom of="$f" bs=64k count=16 status=none
sum=$(cksum <"$f")
for e in io_uring linux-aio threads; do
	refused "--allow-write" --engine $e --target "$f" --rw randwrite
	refused "--allow-write" --engine $e --target "$f" --rw randrw
	refused "--allow-write" --engine $e --target "$f" --rw write \
		--frontend virtio
	[ "$(cksum <"$f")" = "$sum" ] || { echo "FAIL: $f changed"; fail=1; }
	runs --engine $e --target "$f" --rw randread
	[ "$(cksum <"$f")" = "$sum" ] ||
		{ echo "FAIL: a read changed $f"; fail=1; }
done
# Open in another process: not written, whatever the flags.
sleep 600 <"$f" &
holder=$!
sleep 0.2
refused "is open in process $holder (sleep)" --engine io_uring \
	--target "$f" --rw randwrite --allow-write
kill "$holder"
wait "$holder" 2>/dev/null
holder=""
[ "$(cksum <"$f")" = "$sum" ] || { echo "FAIL: $f changed"; fail=1; }
runs --engine io_uring --target "$f" --rw randwrite --allow-write
[ "$(cksum <"$f")" != "$sum" ] ||
	{ echo "FAIL: --allow-write wrote nothing"; fail=1; }

# Bad targets: one line naming the target and the cause.
refused "/dev/aiotune-no-such-disk: open failed" --engine io_uring \
	--target /dev/aiotune-no-such-disk
refused "$tmp: is a directory: a target is a regular file or a block device" \
	--engine linux-aio \
	--target "$tmp"
refused "Not a directory (ENOTDIR)" --engine threads --target "$f/x"
# procfs stores no data: not a target at all.
refused "/proc/version: is on procfs" --engine io_uring \
	--target /proc/version
# The raw disk under us: readable, or refused in one line (EPERM here).
disk=$(df --output=source "$tmp" 2>/dev/null | tail -1)
if [ -b "$disk" ]; then
	if "$AIOTUNE" run $short --engine io_uring --target "$disk" \
		>"$tmp/out" 2>"$tmp/err"; then
		echo "ok: $disk is readable here"
	else
		refused "$disk: open failed" --engine io_uring --target "$disk"
	fi
fi

# Polled completions: on a device without poll queues, a clear refusal.
polls=$(cat /sys/block/*/queue/io_poll 2>/dev/null | sort -u | tr -d '\n')
if [ "$polls" = "0" ]; then
	refused "polled completions unsupported on this device" \
		--engine io_uring --target "$f" --hipri
else
	echo "note: a device here has poll queues; --hipri not checked"
fi

# A mounted block device.
if ! command -v losetup >/dev/null || ! command -v mkfs.ext4 >/dev/null; then
	echo "skip: losetup or mkfs.ext4 missing"
	[ $fail -eq 0 ] && exit 77
	exit 1
fi
truncate -s 32M "$tmp/disk.img"
mkdir -p "$mnt"
if ! loopdev=$(losetup -f --show "$tmp/disk.img" 2>/dev/null) ||
   ! mkfs.ext4 -q -F "$loopdev" >/dev/null 2>&1 ||
   ! mount "$loopdev" "$mnt" 2>/dev/null; then
	echo "skip: cannot set up and mount a loop device here"
	[ $fail -eq 0 ] && exit 77
	exit 1
fi
name=$(basename "$loopdev")
for e in io_uring linux-aio threads; do
	refused "$name is mounted on $mnt" --engine $e --target "$loopdev" \
		--rw randwrite --allow-write
done
# Reads of a mounted device are fine.
runs --engine io_uring --target "$loopdev" --rw randread
# A second loop device over the same image, and the image itself, write
# under the mounted filesystem as well.
if loop2=$(losetup -f --show "$tmp/disk.img" 2>/dev/null); then
	name2=$(basename "$loop2")
	refused "$name2's backing file $tmp/disk.img also backs $name, and $name is mounted on $mnt" \
		--engine io_uring --target "$loop2" --rw randwrite --allow-write
	runs --engine io_uring --target "$loop2" --rw randread
	# topo says what run would do.
	"$AIOTUNE" topo --target "$loop2" >"$tmp/out" 2>&1
	grep -q "writes no (refused: $name2's backing file .* backs $name" \
		"$tmp/out" || { echo "FAIL: topo --target $loop2:"; \
				cat "$tmp/out"; fail=1; }
else
	echo "note: no second loop device; that case not checked"
fi
refused "disk.img backs $name, and $name is mounted on $mnt" \
	--engine threads --target "$tmp/disk.img" --rw randwrite --allow-write
umount "$mnt"
refused "--allow-write" --engine io_uring --target "$loopdev" --rw randwrite
runs --engine linux-aio --target "$loopdev" --rw randwrite --allow-write
if [ -n "$loop2" ]; then
	runs --engine io_uring --target "$loop2" --rw randwrite --allow-write
fi

[ $fail -eq 0 ] || exit 1
echo "all real-target safety checks passed"
exit 0
