#!/bin/sh
# engine-bounded.sh: a run with a real engine ends when its runtime is up,
# whatever the engine and however its completions arrive. Buffered I/O on
# cached pages completes inside the submission call (io_submit,
# io_uring_enter, a pool worker faster than the IOThread), so an engine
# handler that reaps, requeues and reaps again until nothing is left never
# returns to the loop: the BH that closes the measurement window never
# runs and the IOThread spins forever. Each engine runs buffered and
# direct, at iodepth 1 and 512, and buffered under the virtio front end,
# for 100 ms; each run must finish (a hang
# is cut at 20 s and fails) and measure a window well under 30 times the
# one asked for (a loose bound: no timing is asserted beyond "it ended").
set -u
: "${AIOTUNE:?AIOTUNE must name the aiotune binary}"
dir="${BUILD:-build}/tmp/engine-bounded"
mkdir -p "$dir"
f="$dir/data.dat"
rm -f "$f"
fail=0

# one ENGINE DIRECT IODEPTH FRONTEND: the run ends, its window is sane.
one() {
	what="$1 --direct $2 --iodepth $3 --frontend $4"
	timeout -k 5 20 "$AIOTUNE" run --engine $1 --target "$f" --size 16m \
		--direct $2 --iodepth $3 --frontend $4 --runtime 100ms \
		--ramp 0 --format json >"$dir/out.json" 2>"$dir/err"
	rc=$?
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		echo "FAIL: $what did not end within 20 s"
		return 1
	fi
	if [ $rc -ne 0 ]; then
		echo "FAIL: $what: exit $rc"
		cat "$dir/err"
		return 1
	fi
	python3 - "$dir/out.json" "$what" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["result"]
s = r["measured_ns"] / 1e9
print(f"{sys.argv[2]}: {r['ios']} I/Os in {s:.3f} s")
if not 0 < s < 3.0:
    print(f"FAIL: {sys.argv[2]}: measured {s:.3f} s for a 0.1 s runtime")
    sys.exit(1)
PY
}

for e in linux-aio io_uring threads; do
	one $e 0 1 direct || fail=1
	one $e 0 512 direct || fail=1
	one $e 1 1 direct || fail=1
	one $e 1 512 direct || fail=1
	one $e 0 64 virtio || fail=1
done
[ $fail -eq 0 ] || exit 1
echo "every engine ended on time"
