#!/bin/sh
# uring-taskrun.sh: how io_uring hands completions to the IOThread
# (--uring-taskrun). With coop (the default) the kernel sends no IPI to a
# running thread and only flags IORING_SQ_TASKRUN; the engine's io_poll
# must see that flag and fetch the completions, or a thread that polls
# never sees one until it blocks. A fixed 500 ms window makes that visible:
# with the flag seen, nearly every completion is a poll hit and the run
# does thousands of I/Os; without it, about two per second. Both modes are
# recorded in the run JSON; a bad mode is one line and exit 2.
set -u
: "${AIOTUNE:?AIOTUNE must name the aiotune binary}"
dir="${BUILD:-build}/tmp/uring-taskrun"
mkdir -p "$dir"
f="$dir/data.dat"
rm -f "$f"
fail() { echo "FAIL: $*"; exit 1; }

args="--engine io_uring --uring-ring own --target $f --size 4m --iodepth 1"
args="$args --runtime 400ms"
args="$args --ramp 0 --poll-policy fixed --poll-max-ns 500ms --format json"
for m in coop signal; do
	"$AIOTUNE" run $args --uring-taskrun $m >"$dir/$m.json" 2>"$dir/err" ||
		{ cat "$dir/err"; fail "$m: exit $?"; }
	python3 - "$dir/$m.json" "$m" <<'EOF' || fail "$m: see above"
import json, sys
r = json.load(open(sys.argv[1]))
mode = sys.argv[2]
assert r["job"]["uring_taskrun"] == mode, r["job"]["uring_taskrun"]
ios = r["result"]["ios"]
hits, polls = r["loop"]["poll_hits"], r["loop"]["poll_attempts"]
print(f"{mode}: {ios} I/Os, {hits} of {polls} polls hit")
# A 400 ms run that saw completions only when it blocked would do ~1.
assert ios > 200, f"{mode}: only {ios} I/Os: the poller missed completions"
assert polls > 0 and hits / polls > 0.5, f"{mode}: {hits}/{polls} hits"
EOF
done

"$AIOTUNE" run --engine io_uring --target "$f" --uring-taskrun irq \
	>/dev/null 2>"$dir/err"
rc=$?
[ $rc -eq 2 ] || fail "bad mode: exit $rc, want 2"
[ "$(wc -l <"$dir/err")" -eq 1 ] && grep -q "'irq' for --uring-taskrun" \
	"$dir/err" || fail "bad mode message: $(cat "$dir/err")"
# The side-by-side benchmark refuses a bad REPS before it writes anything.
here=$(cd "$(dirname "$0")" && pwd)
REPS=two FILE="$dir/bench.dat" OUT="$dir/bench" \
	sh "$here/../../bench/uring-taskrun.sh" "$AIOTUNE" >/dev/null 2>"$dir/err"
rc=$?
[ $rc -eq 2 ] && grep -q "invalid REPS 'two'" "$dir/err" ||
	fail "bench REPS=two: exit $rc: $(cat "$dir/err")"
[ -e "$dir/bench.dat" ] || [ -e "$dir/bench" ] &&
	fail "bench wrote something after a bad setting"
echo "uring-taskrun: ok"
