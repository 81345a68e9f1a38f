#!/bin/sh
# input-files.sh: every reader of a file the user names refuses what is not
# a regular file (a FIFO nobody writes, /dev/zero) at once, in one line
# naming the file, with exit status 2, and never blocks or reads forever:
# import-fio's inputs, results.csv, meta.json and runs/*.json of a results
# directory (recommend, plot, report), topo --xml, simulate --trace and the
# simulated device's hist: file. A file over the limit is refused too.
set -u
here=$(cd "$(dirname "$0")" && pwd)
A=${AIOTUNE:?}
S=$here/../fio/samples
tmp=$(mktemp -d "${BUILD:-/tmp}/input-files.XXXXXX")
tmp=$(cd "$tmp" && pwd)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# refused WHAT ARGS...: aiotune ARGS exits 2 within 20 s with one line
# naming WHAT and saying "not a regular file".
refused() {
	what=$1; shift
	err=$(timeout -k 5 20 "$A" "$@" 2>&1 >/dev/null)
	rc=$?
	[ $rc -ne 124 ] && [ $rc -ne 137 ] || fail "$*: still running after 20 s"
	[ $rc -eq 2 ] || fail "$*: exit $rc, want 2 ($err)"
	[ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || fail "$*: '$err'"
	case $err in
	*"$what: not a regular file"*) ;;
	# sweep's form: "invalid value 'F' for --job: not a regular file; ..."
	*"'$what' for --job: not a regular file"*) ;;
	*) fail "$*: want '$what: not a regular file', got '$err'" ;;
	esac
}

fifo=$tmp/fifo
mkfifo "$fifo" || { echo "SKIP: mkfifo failed"; exit 77; }

# import-fio's inputs.
refused /dev/zero import-fio --output "$tmp/i1" /dev/zero
refused "$fifo" import-fio --output "$tmp/i2" "$fifo"
refused "$fifo" import-fio --output "$tmp/i3" "$S/read.json" "$fifo"
[ ! -e "$tmp/i3/results.csv" ] || fail "a refused import wrote results"

# A results directory whose results.csv is a FIFO.
mkdir "$tmp/d1" && mkfifo "$tmp/d1/results.csv"
refused "$tmp/d1/results.csv" recommend "$tmp/d1"
refused "$tmp/d1/results.csv" report "$tmp/d1"

# runs/*.json and meta.json as FIFOs beside a good results.csv.
"$A" import-fio --output "$tmp/d2" "$S/read.json" "$S/write.json" \
	>/dev/null || fail "import of the samples"
rm "$tmp/d2/runs/fio-0001.json" && mkfifo "$tmp/d2/runs/fio-0001.json"
refused "$tmp/d2/runs/fio-0001.json" report --format fio-json "$tmp/d2"
rm "$tmp/d2/meta.json" && mkfifo "$tmp/d2/meta.json"
timeout -k 5 20 "$A" report --format md "$tmp/d2" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -ne 124 ] || fail "report with a FIFO meta.json: still running"
if command -v gnuplot >/dev/null 2>&1; then
	timeout -k 5 20 "$A" plot --format png "$tmp/d2" >/dev/null \
		2>"$tmp/err"
	rc=$?
	[ $rc -ne 124 ] || fail "plot with FIFOs in the directory: still running"
	[ $rc -eq 0 ] || fail "plot exit $rc: $(cat "$tmp/err")"
fi

# topo --xml, simulate --trace, sim:lat=hist:FILE.
refused /dev/zero topo --xml /dev/zero
refused "$fifo" topo --xml "$fifo"
refused /dev/zero simulate --trace /dev/zero
refused "$fifo" simulate --trace "$fifo"
refused /dev/zero run --engine simnvme --target sim:lat=hist:/dev/zero \
	--runtime 100ms
refused "$fifo" run --engine simnvme --target "sim:lat=hist:$fifo" \
	--runtime 100ms

# Job files, and a sweep to resume whose plan.json is a FIFO.
refused /dev/zero sweep --job /dev/zero --output "$tmp/s1"
refused "$fifo" sweep --job "$fifo" --output "$tmp/s2"
mkdir "$tmp/s3" && mkfifo "$tmp/s3/plan.json"
timeout -k 5 20 "$A" sweep --resume "$tmp/s3" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] || fail "resume with a FIFO plan.json: exit $rc"

# Over the limit: one line naming the file and the limit, exit 2.
truncate -s 65M "$tmp/big.json"
err=$(timeout -k 5 20 "$A" import-fio --output "$tmp/i4" "$tmp/big.json" \
	2>&1 >/dev/null)
rc=$?
[ $rc -eq 2 ] || fail "big import: exit $rc ($err)"
case $err in
*"$tmp/big.json: larger than 64 MiB"*) ;;
*) fail "big import: '$err'" ;;
esac
exit 0
