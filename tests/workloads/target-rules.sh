#!/bin/sh
# target-rules.sh: what `aiotune run`, `sweep` and `topo` accept as a real
# target, and that checking one has no side effect:
# - a sim: spec given to a real engine is refused (exit 2, one line saying
#   sim: targets need --engine simnvme) and no file of that name appears;
# - a --size larger than the free space is refused before anything is
#   created, naming the size needed and the space free;
# - a FIFO, a character device and a sysfs file are refused for run (even
#   with --allow-write), naming what the path is; topo names the path and
#   what --target takes (exit 2), not a bare "Invalid argument";
# - sweep --dry-run creates nothing; a sweep that writes to a file it
#   creates itself runs every point; a sweep that writes to a file that
#   already exists needs --allow-write, which reaches every run.
set -u
: "${AIOTUNE:?AIOTUNE must name the aiotune binary}"
AIOTUNE=$(cd "$(dirname "$AIOTUNE")" && pwd)/$(basename "$AIOTUNE")
# No file here may grow past 512 MiB (1 GiB where ulimit counts KiB): a
# regression that ignores the free space must not fill the disk.
ulimit -f 1048576
tmp=$(mktemp -d /tmp/aiotune-target-rules.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fail=0
short="--runtime 100ms --ramp 0"

# usage WANT_RC NEEDLE CMD...: exit WANT_RC, one stderr line with NEEDLE.
usage() {
	want=$1 needle=$2
	shift 2
	"$AIOTUNE" "$@" >out 2>err
	rc=$?
	lines=$(wc -l <err)
	if [ $rc -ne "$want" ] || [ "$lines" -ne 1 ] ||
	   ! grep -qF -- "$needle" err; then
		echo "FAIL: $* -> exit $rc (want $want), $lines stderr lines:"
		cat err
		fail=1
	else
		echo "ok (exit $rc): $(cat err)"
	fi
}

# absent PATH: nothing was created there.
absent() {
	if [ -e "$1" ]; then
		echo "FAIL: $1 was created"
		fail=1
		rm -f "$1"
	fi
}

for e in io_uring linux-aio threads; do
	usage 2 "sim: target, which needs --engine simnvme" run $short \
		--engine $e --target sim:lat=fixed:5us
	absent "sim:lat=fixed:5us"
	usage 2 "sim: target, which needs --engine simnvme" run $short \
		--engine $e
	absent "sim:lat=fixed:15us"
done

usage 2 "cannot create a 100 TiB file: only " run $short \
	--engine io_uring --target big.dat --size 100t
absent big.dat
usage 2 " free on the filesystem of " run $short --engine linux-aio \
	--target big.dat --rw randwrite --size 100t
absent big.dat

mkfifo fifo
usage 2 "fifo: is a FIFO (named pipe): a target is a regular file or a" \
	run $short --engine io_uring --target fifo
usage 2 "fifo: is a FIFO" run $short --engine threads --target fifo \
	--rw randwrite --allow-write
usage 2 "/dev/null: is a character device" run $short --engine io_uring \
	--target /dev/null --rw randwrite --allow-write
usage 2 "invalid value 'fifo' for --target: it is a FIFO (named pipe) (allowed a regular file, a directory, a block device" \
	topo --target fifo
usage 2 "invalid value 'no-such' for --target: no such file or directory (allowed" \
	topo --target no-such
# Read-only sysfs files only: a regression must not change a setting.
sysf=""
for f in /sys/kernel/uevent_seqnum /sys/kernel/fscaps; do
	[ -f "$f" ] && { sysf=$f; break; }
done
if [ -n "$sysf" ]; then
	usage 2 "$sysf: is on sysfs, a kernel interface that stores no data" \
		run $short --engine io_uring --target "$sysf" --direct 0 \
		--rw write --allow-write
else
	echo "note: no sysfs file to try"
fi
usage 2 "/proc/version: is on procfs" run $short --engine io_uring \
	--target /proc/version --direct 0

# Sweeps.
sw="sweep --engine io_uring --poll-max-ns 0,2k --iodepth 1 --repetitions 1"
sw="$sw $short"
"$AIOTUNE" $sw --target sw.dat --rw randwrite --dry-run >out 2>err ||
	{ echo "FAIL: dry run: exit $?"; cat err; fail=1; }
absent sw.dat
"$AIOTUNE" $sw --target sw.dat --rw randwrite,randread --output out1 \
	>out 2>err
rc=$?
if [ $rc -ne 0 ] || ! grep -q "4 of 4 runs done" err || [ ! -f sw.dat ]; then
	echo "FAIL: a sweep writing to the file it created: exit $rc"
	cat err out1/logs/* 2>/dev/null | tail -20
	fail=1
else
	echo "ok: the sweep created sw.dat and wrote to it"
fi
# sw.dat now exists: writing to it again takes --allow-write.
usage 1 "sw.dat: refusing to write to an existing file without --allow-write" \
	$sw --target sw.dat --rw randwrite --output out2
[ -e out2/runs ] && [ -n "$(ls out2/runs)" ] &&
	{ echo "FAIL: a refused sweep ran"; fail=1; }
"$AIOTUNE" $sw --target sw.dat --rw randwrite --output out3 --allow-write \
	>out 2>err
rc=$?
if [ $rc -ne 0 ] || ! grep -q "2 of 2 runs done" err; then
	echo "FAIL: sweep --allow-write on an existing file: exit $rc"
	cat err
	fail=1
elif ! grep -q -- '--allow-write' out3/runs/*.json; then
	echo "FAIL: the runs' command lines lack --allow-write"
	fail=1
else
	echo "ok: sweep --allow-write passed the flag to its runs"
fi

[ $fail -eq 0 ] || exit 1
echo "all target rules hold"
