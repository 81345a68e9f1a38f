#!/bin/sh
# sweep-fake.sh: aiotune sweep driven through its test hook with the fake
# runner (fake-run.sh): a complete, well-formed results directory (CSV
# rows, run JSONs, plan, meta), the seeded random order, --dry-run, bad
# flags, a run that refuses its settings, failed runs retried on resume,
# a run that measured the wrong point, and the knee that recommend finds.
set -u
here=$(cd "$(dirname "$0")" && pwd)
A=${AIOTUNE:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export AIOTUNE_RUN_CMD="sh $here/fake-run.sh"
fail() { echo "FAIL: $*"; exit 1; }

grid="--target sim:lat=fixed:20us --poll-max-ns 0,8k,16k,32k,64k --iodepth 1,8 --runtime 100ms --ramp 0"

# --dry-run: the grid and the time, nothing written.
out=$($A sweep $grid --repetitions 2 --dry-run --output "$tmp/dry") ||
	fail "dry run exit $?"
echo "$out" | grep -q "10 points x 2 repetitions = 20 runs" ||
	fail "dry run: $out"
echo "$out" | grep -q "estimated time" || fail "dry run has no estimate"
[ ! -e "$tmp/dry" ] || fail "dry run wrote $tmp/dry"

# A full sweep.
FAKE_RUN_LOG=$tmp/log1 $A sweep $grid --repetitions 2 --seed 7 \
	--output "$tmp/s1" >"$tmp/out1" 2>"$tmp/err1" ||
	fail "sweep exit $?: $(cat "$tmp/err1")"
csv=$tmp/s1/results.csv
[ "$(head -1 "$csv" | cut -d, -f1)" = format_version ] || fail "header"
rows=$(($(wc -l <"$csv") - 1))
[ "$rows" -eq 20 ] || fail "$rows rows, expected 20"
ncol=$(head -1 "$csv" | awk -F, '{ print NF }')
awk -F, -v n="$ncol" 'NR > 1 && NF != n { bad = 1 } END { exit bad }' \
	"$csv" || fail "a row with a field count unlike the header's"
[ "$(cut -d, -f2 "$csv" | sed 1d | sort -u | wc -l)" -eq 20 ] ||
	fail "run ids are not unique"
[ "$(ls "$tmp/s1/runs" | wc -l)" -eq 20 ] || fail "not 20 run JSONs"
for f in "$tmp"/s1/runs/*.json; do
	grep -q '"sweep"' "$f" || fail "$f has no sweep object"
done
[ "$(wc -l <"$tmp/log1")" -eq 20 ] || fail "fake runner ran $(wc -l <"$tmp/log1") times"
grep -q '"seed": 7' "$tmp/s1/meta.json" || fail "seed not in meta.json"
grep -q '"fdmon_used"' "$tmp/s1/meta.json" || fail "no fdmon_used"
grep -q '"poll"' "$tmp/s1/meta.json" || fail "fd monitor of the runs not recorded"
# Units: every poll value of the grid is in the CSV, in ns.
for p in 0 8192 16384 32768 65536; do
	grep -q ",qemu,$p,0,0,0," "$csv" || fail "no row at poll-max-ns $p"
done

# The order is randomized and seeded: the same seed gives the same order,
# which is not the grid order.
FAKE_RUN_LOG=$tmp/log2 $A sweep $grid --repetitions 2 --seed 7 \
	--output "$tmp/s2" >/dev/null 2>&1 || fail "second sweep"
cmp -s "$tmp/s1/plan.json" "$tmp/s2/plan.json" || fail "same seed, other plan"
cut -d' ' -f1,2 "$tmp/log1" >"$tmp/o1"
cut -d' ' -f1,2 "$tmp/log2" >"$tmp/o2"
cmp -s "$tmp/o1" "$tmp/o2" || fail "same seed, other run order"
sort -n -k2 -k1 "$tmp/o1" >"$tmp/sorted"
cmp -s "$tmp/o1" "$tmp/sorted" && fail "runs ran in grid order"
$A sweep $grid --repetitions 2 --seed 8 --output "$tmp/s3" --dry-run >/dev/null ||
	fail "dry run with seed 8"

# The output directory must be new.
$A sweep $grid --output "$tmp/s1" >/dev/null 2>"$tmp/e" && fail "reused dir"
grep -q "resume" "$tmp/e" || fail "reused dir: $(cat "$tmp/e")"

# Bad flags: exit 2 and one line naming the value.
for case in "--iodepth 0|'0'" "--poll-max-ns 5q|'5q'" "--bogus 1|'--bogus'" \
	    "--repetitions 0|'0'" "--rw sideways|'sideways'" \
	    "--poll-policy nope|'nope'" "--target sim:lat=oops|oops" \
	    "--fdmon kqueue|'kqueue'" "--runtime -1|'-1'" "--bs 0|'0'"; do
	args=${case%|*}
	want=${case#*|}
	$A sweep $args --dry-run >/dev/null 2>"$tmp/e"
	rc=$?
	[ $rc -eq 2 ] || fail "'$args': exit $rc"
	[ "$(wc -l <"$tmp/e")" -eq 1 ] || fail "'$args': $(cat "$tmp/e")"
	grep -q -- "$want" "$tmp/e" || fail "'$args' not named: $(cat "$tmp/e")"
done

# A run refusing its settings stops the sweep with exit 2.
FAKE_RUN_USAGE=1 $A sweep $grid --repetitions 1 --output "$tmp/u" \
	>/dev/null 2>"$tmp/e"
[ $? -eq 2 ] || fail "usage error of a run: not exit 2"
grep -q "refused" "$tmp/e" || fail "usage error: $(cat "$tmp/e")"

# Failed runs are reported, kept out of the CSV, and retried by --resume.
FAKE_RUN_FAIL_POLL=16384 $A sweep $grid --repetitions 1 --output "$tmp/f" \
	>/dev/null 2>"$tmp/e"
[ $? -eq 1 ] || fail "failed runs: not exit 1"
[ "$(($(wc -l <"$tmp/f/results.csv") - 1))" -eq 8 ] || fail "failed runs in CSV"
grep -q "fake failure" "$tmp/f/meta.json" || fail "failure not in meta.json"
$A sweep --resume "$tmp/f" >/dev/null 2>"$tmp/e" || fail "resume: $(cat "$tmp/e")"
[ "$(($(wc -l <"$tmp/f/results.csv") - 1))" -eq 10 ] || fail "resume did not fill in"

# A setting this host cannot realize (run exit 3) is skipped, recorded,
# and not retried by a resume.
FAKE_RUN_SKIP_PLACEMENT=same-core FAKE_RUN_LOG=$tmp/logk $A sweep $grid \
	--repetitions 1 --placement spread,same-core --output "$tmp/k" \
	>/dev/null 2>"$tmp/e" || fail "skipped runs: exit $?: $(cat "$tmp/e")"
[ "$(($(wc -l <"$tmp/k/results.csv") - 1))" -eq 10 ] || fail "skipped rows in CSV"
grep -c '"run_id"' "$tmp/k/meta.json" | grep -q '^10$' || fail "skipped runs not in meta.json"
grep -q "10 runs skipped" "$tmp/e" || fail "skips not said: $(cat "$tmp/e")"
FAKE_RUN_SKIP_PLACEMENT=same-core FAKE_RUN_LOG=$tmp/logk $A sweep \
	--resume "$tmp/k" >/dev/null 2>&1 || fail "resume after skips"
[ "$(wc -l <"$tmp/logk")" -eq 20 ] || fail "skipped runs retried"

# A run that measured another point than asked is an error.
FAKE_RUN_LIE=1 $A sweep $grid --repetitions 1 --output "$tmp/l" \
	>/dev/null 2>"$tmp/e" && fail "lying run accepted"
grep -q "poll-max-ns" "$tmp/e" || fail "lie: $(cat "$tmp/e")"

# The fake device has its knee at 20 us: poll-max-ns 32k is the smallest
# grid value >= 20 us, for both iodepths.
$A recommend --objective throughput "$tmp/s1" >"$tmp/rec" || fail "recommend exit $?"
grep -q "poll-max-ns=32768" "$tmp/rec" || fail "recommend: $(cat "$tmp/rec")"
grep -q "iothread,id=iothread0,poll-max-ns=32768" "$tmp/rec" || fail "no QEMU line"
grep -q "<poll max='32768'" "$tmp/rec" || fail "no libvirt line"
grep -q "virsh iothreadset DOMAIN 1 --poll-max-ns 32768" "$tmp/rec" || fail "no virsh line"
grep -q "decided" "$tmp/rec" || fail "no explanation"
# Efficiency: polling triples CPU for 1.8x IOPS, so it does not pay.
$A recommend --objective efficiency "$tmp/s1" | grep -q "poll-max-ns=0 " ||
	fail "efficiency objective chose polling"
# A CPU budget below what polling costs forbids it.
$A recommend --objective throughput --cpu-budget 50 "$tmp/s1" >"$tmp/rec2"
grep -q "poll-max-ns=0 " "$tmp/rec2" || fail "budget ignored"
grep -q "CPU budget decided" "$tmp/rec2" || fail "budget not named"
$A recommend --objective fastest "$tmp/s1" 2>/dev/null; [ $? -eq 2 ] || fail "bad objective"
$A recommend "$tmp/nothing" 2>/dev/null; [ $? -eq 2 ] || fail "missing dir"
# Figures (when gnuplot is here): single, heat map, overlaid directories.
if command -v gnuplot >/dev/null; then
	$A sweep $grid --repetitions 1 --iothreads 1,2 \
		--placement spread,same-core --output "$tmp/h" >/dev/null 2>&1 ||
		fail "iothreads x placement sweep"
	$A plot --format png "$tmp/h" >"$tmp/figs" 2>"$tmp/e" || fail "plot: $(cat "$tmp/e")"
	for f in iops latency cpu pollhit window heatmap; do
		[ -s "$tmp/h/figures/$f.png" ] || fail "no $f.png"
		grep -q "$f.png" "$tmp/figs" || fail "$f.png not listed"
	done
	[ ! -e "$tmp/h/figures/iops.svg" ] || fail "--format png wrote SVG"
	# Several directories need --output and are overlaid.
	$A plot "$tmp/s1" "$tmp/s2" 2>/dev/null; [ $? -eq 2 ] || fail "overlay without --output"
	$A plot --output "$tmp/cmp" "$tmp/s1" "$tmp/s2" >/dev/null 2>&1 || fail "overlay"
	[ -s "$tmp/cmp/iops.svg" ] || fail "no overlaid iops.svg"
	[ "$(grep -c '^"s[12]:' "$tmp/cmp/data/curves.dat")" -eq 4 ] ||
		fail "overlay curves not labelled by directory"
	$A report "$tmp/s1" >/dev/null 2>&1 || fail "report"
	grep -q "poll-max-ns=32768" "$tmp/s1/report.html" || fail "report lacks the recommendation"
	$A report --format md "$tmp/s1" >/dev/null 2>&1 || fail "report md"
	grep -q "^| iodepth=1 | 32k |" "$tmp/s1/report.md" || fail "report md lacks the table"
fi
$A plot "$tmp/nothing" 2>/dev/null; [ $? -eq 2 ] || fail "plot of a missing dir"
# The README documents every CSV column.
readme=$here/../../README.md
if [ -f "$readme" ]; then
	for c in $($A sweep --columns | awk '{ print $1 }'); do
		grep -q "^| \`$c\` |" "$readme" || fail "README lacks column $c"
	done
fi
echo "sweep-fake: ok"
