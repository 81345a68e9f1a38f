#!/bin/sh
# policies-report.sh: bench/policies-report.py (make bench-policies' tables)
# on fixture runs with known figures: medians of the repetitions, the goal
# verdicts (a window helps or not, met or not, against QEMU's default) and
# the files it writes. No measurement: the run JSONs are written here.
set -u
: "${AIOTUNE:?AIOTUNE must name the aiotune binary}"
command -v python3 >/dev/null || { echo "skip: no python3"; exit 77; }
tmp=$(mktemp -d /tmp/aiotune-polrep.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail=0
d=$tmp/out
mkdir -p "$d/runs"
cat >"$d/meta.txt" <<'EOF'
seed: 1  reps: 3  runtime: 500ms  ramp: 500ms  quick: 1
EOF
printf 'order,rep,device,iodepth,setting,policy,poll_max,loadavg1,json\n' \
	>"$d/plan.csv"
n=0
# run DEVICE QD SETTING POLICY MAX IOPS CPU (one repetition)
run() {
	n=$((n + 1))
	id="$1-qd$2-$3-$n"
	cat >"$d/runs/$id.json" <<EOF
{"start_time": "2026-01-01T00:00:00Z",
 "result": {"iops": $6, "lat_ns": {"p50": 1000}, "guest_lat_ns": {"p50": 2000}},
 "cpu": {"iothread_pct": $7, "guest_pct": 50},
 "loop": {"poll_attempts": 10, "poll_hits": 5, "window_ns": 0,
          "block_cost_ns": 10000, "wake_ns": 12000}}
EOF
	printf '%d,1,%s,%s,%s,%s,%s,0.5,runs/%s.json\n' "$n" "$1" "$2" "$3" \
		"$4" "$5" "$id" >>"$d/plan.csv"
}
# rep3 DEVICE QD SETTING POLICY MAX IOPS1 IOPS2 IOPS3 CPU1 CPU2 CPU3
rep3() {
	run "$1" "$2" "$3" "$4" "$5" "$6" "$9"
	run "$1" "$2" "$3" "$4" "$5" "$7" "${10}"
	run "$1" "$2" "$3" "$4" "$5" "$8" "${11}"
}
# p3700, iodepth 1: a window helps (2000 / 1000); probe 1980 at 98% vs
# qemu's best 2000 at 99%: met; against 32k (1500, 60%): more IOPS.
rep3 p3700 1 qemu-0 qemu 0 1000 900 1100 20 21 19
rep3 p3700 1 qemu-32k qemu 32k 1500 1500 1400 60 61 59
rep3 p3700 1 qemu-128k qemu 128k 2000 2100 1900 99 99 98
rep3 p3700 1 probe-1m probe 1ms 1980 1990 1970 98 98 97
rep3 p3700 1 weight-32k weight 32k 1000 1000 1000 30 30 30
# slow, iodepth 1: no window helps (1020 / 1000 < 1.05); probe 985 at 14%
# (0.985x, +4 points): met; against 32k (1000, 30%): less CPU.
rep3 slow 1 qemu-0 qemu 0 1000 990 1010 10 10 10
rep3 slow 1 qemu-32k qemu 32k 1000 1000 1000 30 30 30
rep3 slow 1 qemu-128k qemu 128k 1020 1020 1020 99 99 99
rep3 slow 1 probe-1m probe 1ms 985 985 985 14 14 14
# slow, iodepth 32: no window helps; probe 970 (0.97x): not met, and
# against 32k (1000, 10%) fewer IOPS and more CPU.
rep3 slow 32 qemu-0 qemu 0 1000 1000 1000 10 10 10
rep3 slow 32 qemu-32k qemu 32k 1000 1000 1000 10 10 10
rep3 slow 32 probe-1m probe 1ms 970 970 970 12 12 12

python3 bench/policies-report.py "$d" "$AIOTUNE" >"$tmp/stdout" 2>"$tmp/err" ||
	{ echo "FAIL: report exited $?"; cat "$tmp/err"; exit 1; }
check() {
	# check PATTERN: one line of table.md matches it (grep -E).
	grep -qE -- "$1" "$d/table.md" || {
		echo "FAIL: table.md lacks /$1/"; cat "$d/table.md"; fail=1; }
}
check '^\| P3700 78 us \| 1 \| yes \(2\.00x\) \| 128k: 2000, 99% \| 128k: 2000, 99% \| 1000, 20% \| 1500, 60% \| 1980, 98% \| 0\.99x \| -1\.0 pts \| met \| yes \|'
check '^\| 160 us \| 1 \| no \(1\.02x\) \| 128k: 1020, 99% \| 0: 1000, 10% \| 1000, 10% \| 1000, 30% \| 985, 14% \| 0\.98x \| \+4\.0 pts \| met \| yes \|'
check '^\| 160 us \| 32 \| no \(1\.00x\) \| .* \| 970, 12% \| 0\.97x \| \+2\.0 pts \| NOT MET \| NO \|'
# weight at P3700 QD1: IOPS over the reference (qemu's best), its CPU.
check '^\| P3700 78 us \| 1 \|.*\| 0\.50x, 30% \| - \| - \|$'
grep -q 'NOT MET' "$tmp/stdout" || { echo "FAIL: table not printed"; fail=1; }
[ "$(wc -l <"$d/runs.csv")" -eq 37 ] ||
	{ echo "FAIL: runs.csv rows"; wc -l "$d/runs.csv"; fail=1; }
grep -q '^p3700,1,qemu-128k,qemu,128k,3,2000,1900,2100,99,98,99,' \
	"$d/medians.csv" || { echo "FAIL: medians.csv"; cat "$d/medians.csv"; fail=1; }
[ ! -e "$d/sim.csv" ] || { echo "FAIL: sim.csv without traces"; fail=1; }
[ -s "$d/figures/frontier.gp" ] || { echo "FAIL: no figure script"; fail=1; }
if command -v gnuplot >/dev/null; then
	[ -s "$d/figures/frontier.png" ] && [ -s "$d/figures/frontier.svg" ] ||
		{ echo "FAIL: no figure"; cat "$tmp/err"; fail=1; }
fi
exit $fail
