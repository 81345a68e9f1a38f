#!/bin/sh
# fio-sweep.sh: aiotune fio and fio-run end to end with the real fio on a
# small file: the fio command line built for grid points (dry run), what
# is skipped and why, a real fio sweep into a results directory, the fio
# baseline in recommend beside an aiotune sweep of the same workload, the
# flat fio curve in the figures' data, import of a sqthread_poll job, and
# bad input (one line, exit 2; a point fio cannot express exits 3).
set -u
here=$(cd "$(dirname "$0")" && pwd)
A=${AIOTUNE:?}
command -v fio >/dev/null 2>&1 || { echo "SKIP: fio not installed"; exit 77; }
tmp=$(mktemp -d "${BUILD:-/tmp}/fio-sweep.XXXXXX")
tmp=$(cd "$tmp" && pwd)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
f=$tmp/data.bin
dd if=/dev/zero of="$f" bs=1M count=16 status=none || fail "dd"

# col DIR ROW NAME: column NAME of data row ROW of results.csv.
col() {
	awk -F, -v row="$2" -v name="$3" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i }
		NR == row + 1 { print $c }' "$1/results.csv"
}

# 1. Dry run: points, fio command lines, skipped points with reasons.
out=$($A fio --engine io_uring,linux-aio,threads --target "$f" \
	--iodepth 1,32 --iothreads 1 --poll-max-ns 0,16k,32k \
	--runtime 500ms --ramp 100ms --variants plain,sqpoll --dry-run) ||
	fail "dry run exit $?"
echo "$out"
n=$(echo "$out" | grep -c -- "--name=aiotune")
[ "$n" -eq 6 ] || fail "want 6 fio points (io_uring x2 variants + libaio, x2 iodepths), got $n"
line=$(echo "$out" | grep -- "--ioengine=io_uring" | grep -- "--iodepth=32" |
	grep -- "--sqthread_poll=1")
[ -n "$line" ] || fail "no io_uring sqpoll QD32 command line"
for o in "--filename=$f" --rw=randread --bs=4096 --numjobs=1 \
	--time_based=1 --runtime=500ms --ramp_time=100ms --direct=1 \
	--allow_file_create=0 --output-format=json --group_reporting=1; do
	echo "$line" | grep -q -- " $o" || fail "option $o missing: $line"
done
echo "$out" | grep -- "--ioengine=libaio" | grep -q -- "--sqthread_poll" &&
	fail "libaio got sqthread_poll"
echo "$out" | grep -q "skipped engine=threads: " || fail "threads not skipped"
echo "$out" | grep -q "skipped poll-max-ns=16k,32k: fio has no event loop" ||
	fail "the poll windows are not said to collapse"

# hipri: a point where the device polls, or a skip naming the device.
out=$($A fio --engine io_uring --target "$f" --iodepth 1 --variants hipri \
	--dry-run 2>&1)
if echo "$out" | grep -q -- "--hipri=1"; then
	echo "this device completes polled I/O: hipri point planned"
else
	echo "$out" | grep -q "nothing in this grid can run through fio: hipri on" ||
		fail "hipri neither planned nor skipped with a reason: $out"
fi

# Placement as cpus_allowed: two IOThreads spread over the CPUs.
if [ "$(nproc)" -ge 2 ]; then
	out=$($A fio --engine io_uring --target "$f" --iothreads 2 \
		--placement spread --variants plain --dry-run) ||
		fail "placement dry run exit $?"
	echo "$out" | grep -q -- "--numjobs=2 " || fail "numjobs=2 missing"
	echo "$out" | grep -q -- "--cpus_allowed=[0-9]*,[0-9]* " ||
		fail "two CPUs not given to cpus_allowed: $out"
	echo "$out" | grep -q -- "--cpus_allowed_policy=split" ||
		fail "cpus_allowed_policy=split missing"
fi

# 2. A real fio sweep: engines, settings, measurements, skipped notes.
d=$tmp/fio
$A fio --engine io_uring,linux-aio --target "$f" --iodepth 1 \
	--poll-max-ns 0,32k --runtime 300ms --ramp 100ms --repetitions 1 \
	--variants plain --output "$d" >/dev/null 2>"$tmp/fio.err" ||
	{ cat "$tmp/fio.err"; fail "aiotune fio exit $?"; }
[ "$(wc -l < "$d/results.csv")" -eq 3 ] || fail "want 2 fio rows"
engines=$(for r in 1 2; do col "$d" $r engine; done | sort | tr '\n' ' ')
[ "$engines" = "fio-io_uring fio-libaio " ] || fail "engines: $engines"
for r in 1 2; do
	[ "$(col "$d" $r poll_policy)" = off ] || fail "row $r policy"
	[ "$(col "$d" $r poll_max_ns)" = 0 ] || fail "row $r poll-max-ns"
	[ "$(col "$d" $r runtime_ns)" = 300000000 ] || fail "row $r runtime"
	awk -v v="$(col "$d" $r iops)" 'BEGIN { exit !(v > 0) }' ||
		fail "row $r: IOPS $(col "$d" $r iops)"
	awk -v v="$(col "$d" $r lat_p99_ns)" 'BEGIN { exit !(v > 0) }' ||
		fail "row $r: no p99"
	awk -v v="$(col "$d" $r cpu_iothread_pct)" 'BEGIN { exit !(v > 0) }' ||
		fail "row $r: no CPU"
done
grep -q '"kind": "fio"' "$d/meta.json" || fail "meta.json kind"
grep -q '"fio_skipped"' "$d/meta.json" || fail "meta.json fio_skipped"
grep -q "fio has no event loop" "$d/meta.json" || fail "collapse not noted"
grep -q -- "--ioengine=io_uring" "$d"/runs/*.json || fail "no fio command in run JSON"
# A resume with the grid flags keeps the sweep's own variants (it used to
# take all four and refuse the plan); other variants are refused.
$A fio --resume "$d" --engine io_uring,linux-aio --target "$f" --iodepth 1 \
	--poll-max-ns 0,32k --runtime 300ms --ramp 100ms >/dev/null \
	2>"$tmp/e" || fail "resume with the grid flags: $(cat "$tmp/e")"
$A fio --resume "$d" --variants sqpoll >/dev/null 2>"$tmp/e"
[ $? -eq 2 ] || fail "resume with other variants: $(cat "$tmp/e")"
grep -q "variants" "$tmp/e" || fail "variants not named: $(cat "$tmp/e")"

# 3. aiotune on the same workload; recommend shows the fio baseline and
# takes no knee from fio; the figures draw fio flat.
s=$tmp/aio
$A sweep --engine io_uring --target "$f" --iodepth 1 --poll-max-ns 0,32k \
	--runtime 300ms --ramp 100ms --repetitions 1 --output "$s" \
	>/dev/null 2>&1 || fail "aiotune sweep exit $?"
rec=$($A recommend "$s" "$d") || fail "recommend exit $?"
echo "$rec"
echo "$rec" | grep -q "^fio baseline" || fail "no fio baseline section"
echo "$rec" | grep -q "io_uring randread iodepth=1 poll-max-ns=0 vs fio-io_uring: IOPS [0-9]*/[0-9]* = [0-9.]*x, p99 .* us = [0-9.]*x, CPU/IO .* = [0-9.]*x" ||
	fail "no ratio line for io_uring QD1 at 0"
echo "$rec" | grep -q "fio-libaio .*no aiotune run of the same workload" ||
	fail "libaio baseline without a peer run not listed"
echo "$rec" | sed -n '/^Knee per curve/,/^$/p' | grep -q "fio-" &&
	fail "a fio curve got a knee"
echo "$rec" | grep -q "^Recommendation: poll-max-ns=" ||
	fail "no recommendation beside the fio runs"
$A recommend "$d" > "$tmp/rec" || fail "recommend on fio runs alone exit $?"
grep -q "only fio runs here" "$tmp/rec" || fail "fio-only: $(cat "$tmp/rec")"
grep -q "Knee per curve" "$tmp/rec" && fail "fio-only: knees listed"
$A plot "$s" "$d" --output "$tmp/fig" >/dev/null 2>&1 || fail "plot exit $?"
awk '/(fio, flat)/ { inb = 1; n = 0; next }
	inb && NF == 0 { exit }
	inb { n++ } END { exit !(n == 2) }' "$tmp/fig/data/curves.dat" ||
	fail "the fio curve is not two points across the axis"
[ -s "$tmp/fig/iops.png" ] || fail "no iops figure"

# 4. Resume of the wrong kind is refused.
$A sweep --resume "$d" 2>"$tmp/err" && fail "sweep resumed a fio sweep"
grep -q "aiotune fio --resume" "$tmp/err" || fail "resume message: $(cat "$tmp/err")"

# 5. fio-run alone: JSON with the fio engine name and command line.
$A fio-run --engine io_uring --variant sqpoll --target "$f" --runtime 200ms \
	--ramp 0 --format json > "$tmp/one.json" || fail "fio-run exit $?"
python3 - "$tmp/one.json" <<'EOF' || fail "fio-run JSON"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["tool"] == "fio", r["tool"]
assert r["job"]["engine"] == "fio-io_uring-sqpoll", r["job"]["engine"]
assert "--sqthread_poll=1" in r["job"]["fio_command_line"]
assert r["job"]["poll_max_ns"] == 0 and r["job"]["poll_policy"] == "off"
assert r["result"]["iops"] > 0
EOF

$A fio-run --engine fio-libaio-batch --target "$f" --iodepth 4 \
	--runtime 200ms --ramp 0 --format fio-json > "$tmp/raw.json" ||
	fail "fio-run fio-json exit $?"
python3 - "$tmp/raw.json" <<'EOF' || fail "fio-run --format fio-json"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["fio version"].startswith("fio-"), d["fio version"]
j = d["jobs"][0]
assert j["read"]["iops"] > 0
assert j["job options"]["iodepth_batch"] == "4", j["job options"]
EOF

# 6. Import names the io_uring variants as aiotune fio does.
i=$tmp/imp
$A import-fio --output "$i" "$here/samples/sqpoll.json" >/dev/null ||
	fail "import exit $?"
[ "$(col "$i" 1 engine)" = fio-io_uring-sqpoll ] ||
	fail "imported engine $(col "$i" 1 engine)"

# 7. Bad input: one line naming the value, exit 2; inexpressible: exit 3.
check2() {
	"$@" >/dev/null 2>"$tmp/err"
	rc=$?
	[ $rc -eq 2 ] || fail "exit $rc, want 2: $*"
	[ "$(wc -l < "$tmp/err")" -eq 1 ] || fail "not one line: $(cat "$tmp/err")"
}
check2 $A fio --engine io_uring --target "$f" --variants plain,fast --dry-run
grep -q "'plain,fast'" "$tmp/err" || fail "bad variant not named"
check2 $A fio --engine simnvme --dry-run
grep -q "nothing in this grid can run through fio: engine=simnvme" "$tmp/err" ||
	fail "simnvme-only grid: $(cat "$tmp/err")"
check2 $A fio-run --engine fio-libaio-sqpoll --target "$f"
grep -q "'fio-libaio-sqpoll'" "$tmp/err" || fail "bad engine not named"
check2 $A fio-run --engine io_uring --variant turbo --target "$f"
AIOTUNE_FIO=$tmp/nofio check2 $A fio --engine io_uring --target "$f" \
	--iodepth 1 --output "$tmp/x"
$A fio-run --engine linux-aio --variant sqpoll --target "$f" 2>"$tmp/err"
[ $? -eq 3 ] || fail "libaio sqpoll: want exit 3"
$A fio-run --engine simnvme 2>"$tmp/err"
[ $? -eq 3 ] || fail "simnvme: want exit 3"
grep -q "simulated" "$tmp/err" || fail "simnvme reason: $(cat "$tmp/err")"
# fio failing: exit 1 and fio's last line.
printf '#!/bin/sh\necho "fio: first" >&2\necho "fio: the last word" >&2\nexit 1\n' \
	> "$tmp/badfio"
chmod +x "$tmp/badfio"
AIOTUNE_FIO=$tmp/badfio $A fio-run --engine io_uring --target "$f" \
	--runtime 100ms --ramp 0 >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "fio failed (exit status 1): fio: the last word" \
	"$tmp/err" || fail "failing fio: $(cat "$tmp/err")"

# The comparison benchmark refuses bad settings before it writes anything.
SIZE_MB=1g FILE=$tmp/cmp.dat sh "$here/../../bench/fio-compare.sh" "$A" \
	>/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "invalid SIZE_MB '1g'" "$tmp/err" ||
	fail "bench SIZE_MB=1g: $(cat "$tmp/err")"
[ -e "$tmp/cmp.dat" ] && fail "bench wrote a file after a bad setting"
SIZE_MB=64 FILE=$f sh "$here/../../bench/fio-compare.sh" "$A" \
	>/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "smaller than 64 MiB" "$tmp/err" ||
	fail "bench on a small existing file: $(cat "$tmp/err")"
echo "fio-sweep: ok"
