#!/bin/sh
# qemu-e2e.sh: a QEMU guest under TCG, end to end: one job file runs two
# points (poll-max-ns 0 and 32768, one repetition, about a second of I/O
# each) through QEMU and through aiotune's loop (virtio front end, policy
# qemu-ctx) on the same file. fio's JSON from the guest is parsed (IOPS >
# 0), the accelerator is recorded, QEMU's trace shows no polling at 0 and
# polling at 32768, one boot serves both QEMU points, recommend reports
# both knees, plot draws them, and no QEMU process is left.
set -u
A=${AIOTUNE:?}
here=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/qemu-e2e.XXXXXX")
trap 'for p in $(pgrep -f "$tmp/disk"); do kill -KILL "$p"; done 2>/dev/null; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

sh "$here/scripts/qemu-guest.sh" >/dev/null 2>"$tmp/gerr"
case $? in
0) ;;
3) echo "SKIP: $(tail -n 1 "$tmp/gerr")"; exit 77 ;;
*) fail "guest image: $(tail -n 1 "$tmp/gerr")" ;;
esac
# A real (not sparse) file: reads reach the disk.
head -c 67108864 /dev/urandom >"$tmp/disk" || fail "cannot write a file"

cat >"$tmp/job.ini" <<EOF2
[global]
repetitions = 1
accel = tcg
target = $tmp/disk
rw = randread
iodepth = 1
runtime = 1s
ramp = 0
poll-max-ns = 0,32768

[qemu]
engine = qemu

[loop]
engine = linux-aio
frontend = virtio
poll-policy = qemu-ctx
EOF2
d=$tmp/out
$A sweep --job "$tmp/job.ini" --output "$d" --seed 7 >"$tmp/sweep.out" \
	2>"$tmp/sweep.err" || fail "sweep: $(tail -n 3 "$tmp/sweep.err")"
if pgrep -f "$tmp/disk" >/dev/null; then
	fail "a QEMU process was left running after the sweep"
fi

python3 - "$d" <<'EOF2' || fail "results"
import csv, json, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(d + "/results.csv")))
assert len(rows) == 4, len(rows)
q = {int(r["poll_max_ns"]): r for r in rows if r["engine"] == "qemu"}
a = {int(r["poll_max_ns"]): r for r in rows if r["engine"] == "linux-aio"}
assert sorted(q) == [0, 32768] and sorted(a) == [0, 32768], rows
boots = 0
for p, r in q.items():
    assert r["accel"] == "tcg", r["accel"]
    assert float(r["iops"]) > 0, r["iops"]
    assert r["frontend"] == "virtio" and r["poll_policy"] == "qemu-ctx"
    run = json.load(open(d + "/" + r["json"]))
    assert run["tool"] == "qemu" and run["job"]["accel"] == "tcg"
    assert run["qemu"]["emulated"] is True
    assert run["result"]["ios"] > 0
    assert run["result"]["lat_ns"]["p50"] > 0
    assert run["cpu"]["iothread_pct"] >= 0
    boots += run["qemu"]["booted_for_this_run"]
    loop = run["loop"]
    if p == 0:
        assert loop["poll_attempts"] == 0, loop["poll_attempts"]
        assert loop["grow_events"] == 0, loop["grow_events"]
    else:
        assert loop["poll_attempts"] > 0, loop
        assert loop["grow_events"] > 0, loop
        assert loop["window_trace"], loop
assert boots == 1, "%d boots for two points of one boot setting" % boots
for r in a.values():
    assert r["accel"] == "", r["accel"]
print("ok")
EOF2

$A recommend "$d" >"$tmp/rec" 2>&1 || fail "recommend: $(tail -n 2 "$tmp/rec")"
grep -q "QEMU 7\|QEMU [0-9]" "$tmp/rec" || fail "recommend: no QEMU knee"
grep -q "aiotune linux-aio virtio, policy qemu-ctx: knee" "$tmp/rec" ||
	fail "recommend: no aiotune counterpart: $(cat "$tmp/rec")"
grep -q "the knees agree\|the knees differ" "$tmp/rec" ||
	fail "recommend: no agreement line"
grep -q "TCG (emulated" "$tmp/rec" || fail "recommend: TCG not labelled"
if command -v gnuplot >/dev/null; then
	$A plot "$d" >/dev/null 2>"$tmp/plot.err" ||
		fail "plot: $(tail -n 2 "$tmp/plot.err")"
	[ -s "$d/figures/pollhit.svg" ] || fail "no pollhit figure"
	grep -q "TCG: emulated" "$d/figures/pollhit.svg" ||
		fail "the figure does not say TCG"
fi
echo "ok"
