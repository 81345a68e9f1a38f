#!/bin/sh
# uring-taskrun.sh AIOTUNE: how io_uring hands completions to a polling
# IOThread, measured side by side on one file: --uring-taskrun signal (an
# IPI per completion to a running thread, io_uring's default) against coop
# (IORING_SETUP_COOP_TASKRUN + TASKRUN_FLAG: no IPI, the poller sees a
# flag), with the IOThread on each CPU in turn (so once on the CPU that
# takes the disk's interrupt and once off it), without polling (0) and
# with a window above the disk's latency (WINDOW). 4 KiB random reads,
# O_DIRECT, iodepth 1; every combination REPS times, interleaved, so drift
# hits all of them alike. Prints one line per CPU and window: median IOPS
# (min-max), IOThread CPU and p50 of each mode, and coop / signal.
#
# Environment: FILE (default build/fio-compare.dat, 1 GiB of zeros,
# written once), RUNTIME (2s), RAMP (300ms), REPS (3), WINDOW (128k), OUT
# (results/uring-taskrun-<time>: every run's JSON and summary.txt).
set -eu
A=${1:?usage: uring-taskrun.sh AIOTUNE}
file=${FILE:-build/fio-compare.dat}
runtime=${RUNTIME:-2s}
ramp=${RAMP:-300ms}
reps=${REPS:-3}
window=${WINDOW:-128k}
out=${OUT:-results/uring-taskrun-$(date +%Y%m%d-%H%M%S)}

case "$reps" in
''|*[!0-9]*|0) echo "uring-taskrun: invalid REPS '$reps': allowed a whole" \
	"number above 0" >&2; exit 2 ;;
esac
if [ ! -s "$file" ]; then
	echo "uring-taskrun: writing $file (1 GiB of zeros, once)"
	mkdir -p "$(dirname "$file")"
	dd if=/dev/zero of="$file" bs=1M count=1024 conv=fsync status=none
fi
mkdir -p "$out/runs"
ncpu=$(nproc)
r=1
while [ "$r" -le "$reps" ]; do
	cpu=0
	while [ "$cpu" -lt "$ncpu" ]; do
		for p in 0 "$window"; do
			for m in signal coop; do
				"$A" run --engine io_uring --target "$file" \
					--iodepth 1 --runtime "$runtime" \
					--ramp "$ramp" --poll-max-ns "$p" \
					--uring-taskrun "$m" \
					--placement "iothread=$cpu" --format json \
					> "$out/runs/$m-cpu$cpu-$p-r$r.json"
			done
		done
		cpu=$((cpu + 1))
	done
	r=$((r + 1))
done
python3 - "$out" "$ncpu" "$window" <<'EOF' | tee "$out/summary.txt"
import glob, json, statistics as st, sys

out, ncpu, window = sys.argv[1], int(sys.argv[2]), sys.argv[3]
irq = None
for cpu in range(ncpu):
    for p in ("0", window):
        line = []
        med = {}
        for m in ("signal", "coop"):
            runs = [json.load(open(f)) for f in
                    glob.glob(f"{out}/runs/{m}-cpu{cpu}-{p}-r*.json")]
            iops = [r["result"]["iops"] for r in runs]
            cpu_pct = st.median(r["cpu"]["iothread_pct"] for r in runs)
            p50 = st.median(r["result"]["lat_ns"]["p50"] for r in runs)
            dev = runs[0].get("device", {})
            per = dev.get("irqs_per_cpu")
            if per and irq is None:
                irq = max(range(len(per)), key=lambda i: per[i])
            med[m] = st.median(iops)
            line.append(f"{m} {med[m]:.0f} ({min(iops):.0f}-{max(iops):.0f})"
                        f" CPU {cpu_pct:.0f}% p50 {p50 / 1000:.0f} us")
        print(f"IOThread on CPU{cpu} poll-max-ns={p}: " + " | ".join(line) +
              f" | coop/signal {med['coop'] / med['signal']:.2f}x")
if irq is not None:
    print(f"(the disk's interrupts went mostly to CPU{irq})")
EOF
echo "runs: $out/runs/"
