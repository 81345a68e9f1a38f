#!/bin/sh
# import-fio.sh: aiotune import-fio on hand-written fio JSON samples (read,
# write, mixed randrw, a job with no I/O and no percentiles, client/server
# output), on the output of a real fio run on a small file, and on files
# that are not fio JSON; recommend and plot accept the directory.
set -u
here=$(cd "$(dirname "$0")" && pwd)
A=${AIOTUNE:?}
S=$here/samples
tmp=$(mktemp -d "${BUILD:-/tmp}/import-fio.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# col DIR ROW NAME: the value of column NAME in data row ROW of results.csv.
col() {
	awk -F, -v row="$2" -v name="$3" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i }
		NR == row + 1 { print $c }' "$1/results.csv"
}
eq() { [ "$(col "$1" "$2" "$3")" = "$4" ] ||
	fail "$1 row $2 $3 = '$(col "$1" "$2" "$3")', want '$4'"; }
num() { awk -v a="$(col "$1" "$2" "$3")" -v b="$4" \
	'BEGIN { exit !(a != "" && a - b < 0.01 && b - a < 0.01) }' ||
	fail "$1 row $2 $3 = '$(col "$1" "$2" "$3")', want $4"; }

d=$tmp/all
$A import-fio --output "$d" "$S/read.json" "$S/write.json" \
	"$S/mixed.json" "$S/nopct.json" "$S/client.json" \
	"$S/unified.json" >/dev/null ||
	fail "import exit $?"
[ "$(wc -l < "$d/results.csv")" -eq 7 ] || fail "want 6 rows"
[ -f "$d/meta.json" ] && [ -f "$d/runs/fio-0000.json" ] &&
	[ -f "$d/runs/fio-0004.json" ] || fail "missing meta or runs"
grep -q '"imported_from"' "$d/meta.json" || fail "meta has no files"

# read job: global ioengine, clat percentiles, cpu, runtime.
eq "$d" 1 engine fio-io_uring; eq "$d" 1 rw randread
eq "$d" 1 bs_bytes 4096; eq "$d" 1 iodepth 8
eq "$d" 1 target /dev/nvme0n1; eq "$d" 1 runtime_ns 10000000000
num "$d" 1 iops 100; num "$d" 1 lat_p50_ns 20000; num "$d" 1 lat_p99_ns 50000
num "$d" 1 lat_p99_9_ns 80000; num "$d" 1 lat_mean_ns 20000
num "$d" 1 cpu_iothread_pct 25; num "$d" 1 measured_ns 10000000000
# write job.
eq "$d" 2 engine fio-libaio; eq "$d" 2 bs_bytes 131072; eq "$d" 2 rw write
num "$d" 2 iops 500; num "$d" 2 bw_bytes_per_s 65536000
num "$d" 2 lat_p99_ns 300000; num "$d" 2 lat_min_ns 5000
# mixed: IOPS summed, mean weighted, percentile the larger one.
eq "$d" 3 rw randrw; num "$d" 3 iops 400; num "$d" 3 ios 400
num "$d" 3 lat_mean_ns 15000; num "$d" 3 lat_p50_ns 25000
num "$d" 3 lat_p90_ns 15000; num "$d" 3 lat_p99_ns 70000
num "$d" 3 lat_min_ns 1000; num "$d" 3 lat_max_ns 80000
# no I/O, no percentile map: empty latency, default engine psync.
eq "$d" 4 engine fio-psync; num "$d" 4 iops 0; eq "$d" 4 lat_p99_ns ""
eq "$d" 4 lat_mean_ns ""
# client/server: one row per client, "All clients" left out, hostname.
eq "$d" 5 host nodeA; num "$d" 5 iops 1000; eq "$d" 5 iodepth 16
num "$d" 5 lat_p99_ns 8000
# unified_rw_reporting=mixed: the one "mixed" object.
eq "$d" 6 bs_bytes 8192; num "$d" 6 iops 250; num "$d" 6 lat_p99_ns 45000

# recommend reads it.
$A recommend "$d" >/dev/null 2>&1 || fail "recommend on the import"

# An existing results directory is not overwritten.
$A import-fio --output "$d" "$S/read.json" 2>/dev/null
[ $? -eq 2 ] || fail "overwrite not refused"

# A sweep directory without results.csv yet (its meta.json holds the seed,
# sessions and failed runs; plan.json the plan): refused, nothing in it
# replaced or added.
for f in meta.json plan.json; do
	sw=$tmp/sweep-$f
	mkdir -p "$sw"
	printf '{"sweep": {"seed": 42}, "failed_runs": ["p0001-r1"]}\n' \
		>"$sw/$f"
	cp "$sw/$f" "$tmp/orig"
	err=$($A import-fio --output "$sw" "$S/read.json" 2>&1 >/dev/null)
	rc=$?
	[ $rc -eq 2 ] || fail "import into a dir with $f: exit $rc"
	[ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || fail "$f: '$err'"
	case $err in *"$sw/$f"*) ;; *) fail "$f not named: $err" ;; esac
	cmp -s "$sw/$f" "$tmp/orig" || fail "$f was replaced"
	[ "$(ls "$sw")" = "$f" ] || fail "import wrote into $sw: $(ls "$sw")"
done
# A directory holding other files (the fio output itself) is fine.
mkdir "$tmp/own" && cp "$S/read.json" "$tmp/own/"
$A import-fio --output "$tmp/own" "$tmp/own/read.json" >/dev/null ||
	fail "import beside its input"
[ -f "$tmp/own/meta.json" ] && [ -f "$tmp/own/read.json" ] ||
	fail "import beside its input: files"

# Bad files: exit 2, one line naming the file.
for f in notjson.txt nojobs.json nodirs.json missing-file.json; do
	err=$($A import-fio --output "$tmp/bad" "$S/$f" 2>&1 >/dev/null)
	rc=$?
	[ $rc -eq 2 ] || fail "$f: exit $rc, want 2"
	[ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || fail "$f: '$err'"
	case $err in *"$f"*) ;; *) fail "$f not named: $err" ;; esac
done
[ ! -e "$tmp/bad/results.csv" ] || fail "bad input wrote results"

# Garbage fields are refused, not read as 0 or a default: exit 2, one line
# naming the file, the job, the field and the value.
badfield() {
	sed -e "$1" "$S/read.json" >"$tmp/field.json"
	err=$($A import-fio --output "$tmp/bad" "$tmp/field.json" 2>&1 \
		>/dev/null)
	rc=$?
	[ $rc -eq 2 ] || fail "$1: exit $rc, want 2 ($err)"
	[ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || fail "$1: '$err'"
	case $err in
	*"$tmp/field.json: job 0"*"$2"*) ;;
	*) fail "$1: want the file, job 0 and '$2': $err" ;;
	esac
}
badfield 's/"iops" : [0-9.]*/"iops" : "abc"/' 'read.iops is "abc"'
badfield 's/"iops" : [0-9.]*/"iops" : -5/' 'read.iops is -5'
badfield 's/"bs" : "[^"]*"/"bs" : "zzz"/' "bs='zzz'"
badfield 's/"rw" : "randread"/"rw" : "randread", "numjobs" : "0"/' \
	"numjobs='0'"
[ ! -e "$tmp/bad/results.csv" ] || fail "bad input wrote results"

# A real fio run on a small file.
command -v fio >/dev/null 2>&1 || { echo "SKIP: no fio"; exit 77; }
fio --name=t --filename="$tmp/data" --size=1m --rw=randread --bs=4k \
	--ioengine=psync --iodepth=1 --number_ios=64 --output-format=json \
	--output="$tmp/real.json" >/dev/null 2>&1 || fail "fio failed"
$A import-fio --output "$tmp/real" "$tmp/real.json" >/dev/null ||
	fail "import of real fio output"
eq "$tmp/real" 1 engine fio-psync; eq "$tmp/real" 1 rw randread
eq "$tmp/real" 1 target "$tmp/data"; num "$tmp/real" 1 ios 64
awk -v v="$(col "$tmp/real" 1 iops)" 'BEGIN { exit !(v > 0) }' ||
	fail "real iops"
[ -n "$(col "$tmp/real" 1 lat_p99_ns)" ] || fail "real run has no p99"
exit 0
