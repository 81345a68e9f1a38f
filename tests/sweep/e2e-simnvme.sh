#!/bin/sh
# e2e-simnvme.sh: the whole chain on the simulated NVMe device with the
# real `aiotune run`: sweep -> CSV and run JSONs complete and well-formed
# (re-read and checked against the grid by a resume) -> plot gives
# non-empty PNGs -> report -> recommend prints a knee per curve and picks
# exactly what its throughput rule gives on the rows measured
# (tests/sweep/throughput-rule.py). Where the knee falls depends on the
# machine's speed and load, so it is printed, not asserted. The fd
# monitor is poll, QEMU's default.
set -u
A=${AIOTUNE:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset AIOTUNE_RUN_CMD
fail() { echo "FAIL: $*"; exit 1; }
command -v gnuplot >/dev/null || { echo "skip: gnuplot is not installed"; exit 77; }
"$A" run --help >/dev/null 2>&1 || { echo "skip: no aiotune run"; exit 77; }

polls=0,4k,8k,16k,32k,64k
$A sweep --target sim:lat=fixed:12us --poll-max-ns $polls --iodepth 1 \
	--poll-policy fixed --fdmon poll \
	--repetitions 2 --runtime 300ms --ramp 100ms --seed 1 \
	--output "$tmp/s" >/dev/null 2>"$tmp/err" ||
	fail "sweep: exit $?: $(cat "$tmp/err")"
csv=$tmp/s/results.csv
[ "$(($(wc -l <"$csv") - 1))" -eq 12 ] || fail "$(wc -l <"$csv") lines in the CSV"
ncol=$(head -1 "$csv" | awk -F, '{ print NF }')
awk -F, -v n="$ncol" 'NR > 1 && NF != n { bad = 1 } END { exit bad }' "$csv" ||
	fail "a row's field count differs from the header's"
# Every row measured something, at the settings asked for.
iops_col=$(head -1 "$csv" | tr , '\n' | grep -n '^iops$' | cut -d: -f1)
awk -F, -v c="$iops_col" 'NR > 1 && !($c > 0) { bad = 1 } END { exit bad }' "$csv" ||
	fail "a run with no IOPS"
[ "$(ls "$tmp/s/runs" | wc -l)" -eq 12 ] || fail "not 12 run JSONs"
grep -q '"buckets"' "$tmp/s/runs/p0000-r1.json" || fail "no histogram in run JSON"
grep -q '"window_trace"' "$tmp/s/runs/p0000-r1.json" || fail "no window trace"
for k in hostname kernel cpu_model numa_nodes fdmon_used devices seed start_time git; do
	grep -q "\"$k\"" "$tmp/s/meta.json" || fail "meta.json has no $k"
done
# A resume re-reads every run JSON and checks it against the grid.
$A sweep --resume "$tmp/s" >/dev/null 2>"$tmp/err" || fail "resume check: $(cat "$tmp/err")"

$A plot "$tmp/s" >"$tmp/plots" 2>"$tmp/err" || fail "plot: $(cat "$tmp/err")"
for f in iops latency cpu window; do
	png=$tmp/s/figures/$f.png
	[ -s "$png" ] || fail "$f.png missing or empty"
	[ "$(head -c 4 "$png" | tail -c 3)" = PNG ] || fail "$f.png is not a PNG"
	[ "$(wc -c <"$png")" -gt 5000 ] || fail "$f.png is nearly empty"
	[ -s "$tmp/s/figures/$f.svg" ] || fail "$f.svg missing"
done
$A report "$tmp/s" >/dev/null 2>"$tmp/err" || fail "report: $(cat "$tmp/err")"
grep -q "data:image/png;base64" "$tmp/s/report.html" || fail "report has no figure"
grep -q "Recommendation" "$tmp/s/report.html" || fail "report has no recommendation"

$A recommend --objective throughput "$tmp/s" >"$tmp/rec" || fail "recommend: exit $?"
grep -q '^Recommendation: poll-max-ns=' "$tmp/rec" || fail "no recommendation"
knee=$(awk '$1 == "iodepth=1" && $2 == "knee" { print $3 }' "$tmp/rec")
[ -n "$knee" ] || fail "no knee line for iodepth=1: $(cat "$tmp/rec")"
if command -v python3 >/dev/null; then
	want=$(python3 tests/sweep/throughput-rule.py "$csv") || fail "rule script"
	got=$(sed -n 's/^Recommendation: poll-max-ns=\([0-9]*\).*poll policy \([a-z-]*\).*/\1 \2/p' "$tmp/rec")
	[ "$got" = "$want" ] || fail "recommended '$got', the rule gives '$want'"
fi
echo "e2e: knee at $knee for a 12 us device (machine-dependent, not asserted)"
