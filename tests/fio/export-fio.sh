#!/bin/sh
# export-fio.sh: aiotune's results as fio JSON, read back by import-fio.
# One simulated run printed with --format fio-json (its run.json written by
# the same run through --output) keeps IOPS, p50 and p99 through
# import-fio; a small sweep exported with report --format fio-json keeps
# its rows, IOPS and p99; bad --format values and bad directories are one
# line and exit 2. Last, python3 checks the layout the way fio-plot-like
# parsers read it (and against a real fio run's output when fio exists).
set -u
here=$(cd "$(dirname "$0")" && pwd)
A=${AIOTUNE:?}
tmp=$(mktemp -d "${BUILD:-/tmp}/export-fio.XXXXXX")
case $tmp in /*) ;; *) tmp=$PWD/$tmp ;; esac
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# col FILE ROW NAME: the value of column NAME in data row ROW of a CSV.
col() {
	awk -F, -v row="$2" -v name="$3" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i }
		NR == row + 1 { print $c }' "$1"
}
# jv FILE KEY: the first number under "KEY" in an indented run.json.
jv() {
	sed -n "s/^ *\"$2\": \([-0-9.eE+]*\),\{0,1\}\$/\1/p" "$1" | head -n 1
}
# near WHAT GOT WANT REL: |GOT - WANT| <= REL * WANT (+ 1 for rounding).
near() {
	awk -v g="$2" -v w="$3" -v r="$4" 'BEGIN {
		d = g - w; if (d < 0) d = -d
		exit !(g != "" && w != "" && d <= r * w + 1) }' ||
		fail "$1: got '$2', want '$3' (within $4)"
	echo "  $1: aiotune $3, through fio JSON $2"
}
# one_line_exit2 WHAT CMD...: exit status 2, one line on stderr, none out.
one_line_exit2() {
	what=$1
	shift
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -eq 2 ] || fail "$what: exit $rc, want 2"
	[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "$what: '$(cat "$tmp/err")'"
	[ ! -s "$tmp/out" ] || fail "$what: printed on stdout"
}

# 1. One run: fio JSON on stdout, the run JSON of the same run in --output.
$A run --engine simnvme --iodepth 2 --runtime 300ms --ramp 100ms \
	--format fio-json --output "$tmp/one" >"$tmp/one.json" ||
	fail "run --format fio-json: exit $?"
head -c 1 "$tmp/one.json" | grep -q '{' || fail "stdout is not JSON"
grep -q '"fio version": "aiotune-' "$tmp/one.json" || fail "no fio version"
grep -q '"jobname": "aiotune-run"' "$tmp/one.json" || fail "no jobname"
$A import-fio --output "$tmp/imp1" "$tmp/one.json" >/dev/null ||
	fail "import-fio of the export: exit $?"
csv=$tmp/imp1/results.csv
[ "$(wc -l <"$csv")" -eq 2 ] || fail "want 1 imported row"
[ "$(col "$csv" 1 rw)" = randread ] || fail "rw $(col "$csv" 1 rw)"
[ "$(col "$csv" 1 iodepth)" = 2 ] || fail "iodepth $(col "$csv" 1 iodepth)"
[ "$(col "$csv" 1 ramp_ns)" = 100000000 ] || fail "ramp lost"
[ "$(col "$csv" 1 engine)" = fio-simnvme ] || fail "engine"
echo "one run:"
near iops "$(col "$csv" 1 iops)" "$(jv "$tmp/one/run.json" iops)" 1e-9
# Percentiles: the same histogram, so within its bucket error (1/128).
near p50 "$(col "$csv" 1 lat_p50_ns)" "$(jv "$tmp/one/run.json" p50)" \
	0.0079
near p99 "$(col "$csv" 1 lat_p99_ns)" "$(jv "$tmp/one/run.json" p99)" \
	0.0079
near ios "$(col "$csv" 1 ios)" "$(jv "$tmp/one/run.json" ios)" 0

# A randrw run: read, write and mixed; import-fio reads mixed (all I/O).
$A run --engine simnvme --rw randrw --runtime 200ms --ramp 50ms \
	--format fio-json --output "$tmp/rw" >"$tmp/rw.json" ||
	fail "randrw run: exit $?"
grep -q '"mixed"' "$tmp/rw.json" || fail "randrw has no mixed"
$A import-fio --output "$tmp/imp2" "$tmp/rw.json" >/dev/null ||
	fail "import-fio of randrw: exit $?"
echo "randrw run:"
near iops "$(col "$tmp/imp2/results.csv" 1 iops)" \
	"$(jv "$tmp/rw/run.json" iops)" 1e-9

# 2. A results directory: one job per row, named by run id, in row order.
sw=$tmp/sweep
$A sweep --engine simnvme --iodepth 1 --poll-max-ns 0,32k --repetitions 1 \
	--runtime 300ms --ramp 100ms --output "$sw" >/dev/null 2>&1 ||
	fail "sweep: exit $?"
out=$($A report --format fio-json "$sw") || fail "report fio-json: exit $?"
[ "$out" = "$sw/fio.json: 2 runs" ] || fail "report said '$out'"
$A report --format fio-json --output "$tmp/other.json" "$sw" \
	>/dev/null 2>&1 && [ -s "$tmp/other.json" ] ||
	fail "report --format fio-json --output FILE"
for id in $(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++)
		if ($i == "run_id") c = i } NR > 1 { print $c }' \
		"$sw/results.csv"); do
	grep -q "\"jobname\": \"$id\"" "$sw/fio.json" || fail "no job $id"
done
$A import-fio --output "$tmp/imp3" "$sw/fio.json" >/dev/null ||
	fail "import-fio of the sweep export: exit $?"
rows=$(($(wc -l <"$sw/results.csv") - 1))
back=$(($(wc -l <"$tmp/imp3/results.csv") - 1))
[ "$rows" -eq 2 ] && [ "$back" -eq "$rows" ] ||
	fail "sweep has $rows rows, the import $back"
echo "sweep ($rows rows):"
for r in $(seq 1 "$rows"); do
	near "row $r iops" "$(col "$tmp/imp3/results.csv" "$r" iops)" \
		"$(col "$sw/results.csv" "$r" iops)" 1e-9
	near "row $r p99" "$(col "$tmp/imp3/results.csv" "$r" lat_p99_ns)" \
		"$(col "$sw/results.csv" "$r" lat_p99_ns)" 0.0079
done
grep -q '"poll_max_ns": "32768"' "$sw/fio.json" ||
	fail "poll_max_ns not among the job options"

# 3. Bad input: one line, exit 2.
one_line_exit2 "run --format fio-jsn" $A run --engine simnvme \
	--runtime 100ms --format fio-jsn
grep -q "fio-jsn" "$tmp/err" && grep -q "fio-json" "$tmp/err" ||
	fail "run error does not name the value and fio-json"
one_line_exit2 "report --format fio-jsn" $A report --format fio-jsn "$sw"
grep -q "fio-json" "$tmp/err" || fail "report error does not list fio-json"
one_line_exit2 "report of no directory" $A report --format fio-json \
	"$tmp/none"
cp -r "$sw" "$tmp/broken"
rm -f "$tmp/broken/fio.json" "$tmp/broken/runs/"*
one_line_exit2 "report with runs missing" $A report --format fio-json \
	"$tmp/broken"
grep -q "runs/" "$tmp/err" || fail "missing run file not named"
[ ! -e "$tmp/broken/fio.json" ] || fail "fio.json written anyway"
cp "$sw/runs/"* "$tmp/broken/runs/"
f=$(ls "$tmp/broken/runs/" | tail -n 1)
echo '{"format_version": 1, "job": {}}' >"$tmp/broken/runs/$f"
one_line_exit2 "report with a run that is no run" $A report \
	--format fio-json "$tmp/broken"
grep -q "$f: not an aiotune run" "$tmp/err" || fail "$(cat "$tmp/err")"
[ ! -e "$tmp/broken/fio.json" ] || fail "fio.json written anyway"

# 4. The layout, as fio-plot-like parsers read it.
command -v python3 >/dev/null 2>&1 ||
	{ echo "SKIP: no python3 for the layout check"; exit 77; }
for f in "$tmp/one.json" "$tmp/rw.json" "$sw/fio.json"; do
	python3 "$here/check-fio-json.py" "$f" || fail "layout of $f"
done
# The write direction of a read run did no I/O: N = 0, no percentile map.
python3 - "$tmp/one.json" <<'EOF' || fail "N = 0 direction"
import json, sys
job = json.load(open(sys.argv[1]))["jobs"][0]
for lat in ("clat_ns", "lat_ns"):
    assert job["write"][lat]["N"] == 0, job["write"][lat]
    assert "percentile" not in job["write"][lat], job["write"][lat]
    assert job["read"][lat]["N"] == job["read"]["total_ios"] > 0
assert job["read"]["clat_ns"]["percentile"]["99.000000"] > 0
EOF
# Against the layout of a real fio run, when fio is here.
command -v fio >/dev/null 2>&1 ||
	{ echo "SKIP: no fio to compare the layout with"; exit 77; }
fio --name=t --filename="$tmp/data" --size=1m --rw=randread --bs=4k \
	--output-format=json >"$tmp/fio.json" 2>/dev/null ||
	fail "fio run: exit $?"
for f in "$tmp/one.json" "$tmp/rw.json" "$sw/fio.json"; do
	python3 "$here/check-fio-json.py" "$f" "$tmp/fio.json" ||
		fail "$f against fio's layout"
done
exit 0
