#!/bin/sh
# sweep-resume.sh: SIGINT stops a running sweep after the current run with
# everything so far kept (exit 130); --resume runs exactly the missing
# runs: in the end every planned run is in the CSV once, and the runner
# ran each exactly once (none lost, none repeated). A resume whose grid
# differs is refused, and so is a run JSON that does not match the grid.
set -u
here=$(cd "$(dirname "$0")" && pwd)
A=${AIOTUNE:?}
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
export AIOTUNE_RUN_CMD="sh $here/fake-run.sh"
export FAKE_RUN_LOG=$tmp/log
fail() { echo "FAIL: $*"; exit 1; }
rows() { echo $(($(wc -l <"$1/results.csv") - 1)); }

grid="--target sim:lat=fixed:20us --poll-max-ns 0,8k,16k,32k --iodepth 1,4 --runtime 100ms --ramp 0 --repetitions 2 --seed 11"
total=16

FAKE_RUN_SLEEP=0.2 $A sweep $grid --output "$tmp/s" >/dev/null 2>"$tmp/err" &
pid=$!
# Interrupt once a few runs are in (at most ~10 s).
for i in $(seq 100); do
	[ -f "$tmp/s/results.csv" ] && [ "$(rows "$tmp/s")" -ge 3 ] && break
	sleep 0.1
done
kill -INT $pid
wait $pid
rc=$?
pid=
[ $rc -eq 130 ] || fail "interrupted sweep: exit $rc: $(cat "$tmp/err")"
grep -q -- "--resume" "$tmp/err" || fail "no resume hint: $(cat "$tmp/err")"
done1=$(rows "$tmp/s")
echo "interrupted after $done1 of $total runs"
[ "$done1" -ge 3 ] && [ "$done1" -lt $total ] ||
	fail "$done1 rows after the interrupt"
# The run in flight when the signal came finished and was kept.
[ "$(wc -l <"$tmp/log")" -eq "$done1" ] ||
	fail "$(wc -l <"$tmp/log") runs started, $done1 kept"
[ "$(ls "$tmp/s/runs" | wc -l)" -eq "$done1" ] || fail "run JSONs != rows"
grep -q '"interrupted": true' "$tmp/s/meta.json" || fail "meta: not interrupted"

# Resuming with another grid is refused.
$A sweep --resume "$tmp/s" --poll-max-ns 0,8k >/dev/null 2>"$tmp/e"
[ $? -eq 2 ] || fail "resume with another grid accepted"
grep -q "cannot resume" "$tmp/e" || fail "$(cat "$tmp/e")"
# With the same grid (and seed) it is fine; here: the stored plan.
$A sweep --resume "$tmp/s" >/dev/null 2>"$tmp/err" ||
	fail "resume: exit $?: $(cat "$tmp/err")"
[ "$(rows "$tmp/s")" -eq $total ] || fail "$(rows "$tmp/s") rows after resume"
[ "$(cut -d, -f2 "$tmp/s/results.csv" | sed 1d | sort | uniq -d | wc -l)" -eq 0 ] ||
	fail "a run twice in the CSV"
[ "$(wc -l <"$tmp/log")" -eq $total ] ||
	fail "the runner ran $(wc -l <"$tmp/log") times for $total runs"
[ "$(sort "$tmp/log" | uniq -d | wc -l)" -eq 0 ] || fail "a run repeated"
# Rows are in run order.
cut -d, -f5 "$tmp/s/results.csv" | sed 1d >"$tmp/order"
sort -n "$tmp/order" | cmp -s - "$tmp/order" || fail "rows out of run order"
grep -q '"sessions"' "$tmp/s/meta.json" || fail "no sessions"
# Resuming a finished sweep runs nothing, re-checks every run JSON.
$A sweep --resume "$tmp/s" $grid >/dev/null 2>&1 || fail "resume of a finished sweep"
[ "$(wc -l <"$tmp/log")" -eq $total ] || fail "a finished sweep ran again"

# A run JSON that does not belong to its grid point is refused.
f=$(ls "$tmp"/s/runs/*.json | head -1)
sed 's/"iodepth": \([0-9]*\)/"iodepth": 77/' "$f" >"$f.new" && mv "$f.new" "$f"
$A sweep --resume "$tmp/s" >/dev/null 2>"$tmp/e" && fail "tampered run accepted"
grep -q "does not match the grid" "$tmp/e" || fail "$(cat "$tmp/e")"
echo "sweep-resume: ok"
