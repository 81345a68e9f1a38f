#!/bin/sh
# fio-compare.sh AIOTUNE: aiotune against fio, the peer, on one file:
# 4 KiB random reads with O_DIRECT at iodepth 1 and 32, in two parts.
#
# 1. bench/fio-ring.sh: aiotune's io_uring engine on the context ring
# (one run per ring flag set, and per aio-max-batch in BATCHES) and on its
# own ring beside fio plain and batch, interleaved, medians, with system
# calls per I/O and latency stages (OUT/ring/summary.txt). RING=0 skips
# it; its settings (FLAGS, BATCHES, RING_REPS: REPS, ...) pass through.
#
# 2. The sweep: aiotune sweeps poll-max-ns (0 .. 128k) and recommends a
# window; fio runs the same workloads (plain: one request per system
# call; batch: up to iodepth per call, as the event loop does; and
# io_uring with sqthread_poll); `aiotune recommend` then prints one line per workload
# and aiotune setting (poll-max-ns 0 and the recommended window) with
# the ratios aiotune / fio of IOPS, p99 latency and CPU per I/O.
#
# Environment: FILE (default build/fio-compare.dat, 1 GiB, written once
# with zeros so every block is real), SIZE_MB (1024), RUNTIME (3s), RAMP
# (1s), REPS (3), PLACEMENT (irq-cpu: aiotune's IOThread and fio's job on
# the CPU that takes the disk's interrupts; where the submitter runs moves
# QD1 IOPS by a third on a VM, so both must be pinned alike), OUT
# (results/fio-compare-<time>). The two sweeps run one after the other,
# each in its own seeded random order.
set -eu
A=${1:?usage: fio-compare.sh AIOTUNE}
file=${FILE:-build/fio-compare.dat}
size_mb=${SIZE_MB:-1024}
runtime=${RUNTIME:-3s}
ramp=${RAMP:-1s}
reps=${REPS:-3}
placement=${PLACEMENT:-irq-cpu}
out=${OUT:-results/fio-compare-$(date +%Y%m%d-%H%M%S)}

command -v fio >/dev/null 2>&1 || {
	echo "fio-compare: fio is not installed (make deps)" >&2; exit 1; }
case "$size_mb" in
''|*[!0-9]*) echo "fio-compare: invalid SIZE_MB '$size_mb': allowed a" \
	"whole number of MiB" >&2; exit 2 ;;
esac
have=$(stat -c %s "$file" 2>/dev/null || echo 0)
if [ "$have" -lt $((size_mb * 1048576)) ]; then
	[ "$have" -eq 0 ] || {
		echo "fio-compare: $file exists and is smaller than" \
			"${size_mb} MiB: remove it or set FILE" >&2; exit 2; }
	echo "fio-compare: writing $file (${size_mb} MiB of zeros, once)"
	mkdir -p "$(dirname "$file")"
	dd if=/dev/zero of="$file" bs=1M count="$size_mb" conv=fsync \
		status=none
fi

grid="--target $file --iodepth 1,32 --runtime $runtime --ramp $ramp
	--repetitions $reps --placement $placement"
if [ "${RING:-1}" != 0 ]; then
	echo "== the context ring and its own, beside fio plain and batch =="
	REPS=${RING_REPS:-$reps} FILE=$file OUT="$out/ring" \
		PLACEMENT=$placement sh "$(dirname "$0")/fio-ring.sh" "$A"
	echo
fi
echo "== aiotune sweep (io_uring, linux-aio; poll-max-ns 0..128k) =="
# shellcheck disable=SC2086
"$A" sweep --engine io_uring,linux-aio --poll-max-ns 0,16k,32k,64k,128k \
	$grid --output "$out/aiotune" >/dev/null
echo "== fio (io_uring, linux-aio: plain, batch; io_uring sqthread_poll) =="
# shellcheck disable=SC2086
"$A" fio --engine io_uring,linux-aio --variants plain,batch,sqpoll $grid \
	--output "$out/fio" >/dev/null
"$A" recommend "$out/aiotune" "$out/fio" > "$out/recommend.txt"
"$A" plot "$out/aiotune" "$out/fio" --output "$out/figures" >/dev/null
echo
grep '^Recommendation' "$out/recommend.txt"
echo
sed -n '/^fio baseline/,$p' "$out/recommend.txt"
echo
echo "results: $out (ring/, aiotune/, fio/, recommend.txt, figures/)"
