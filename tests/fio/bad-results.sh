#!/bin/sh
# bad-results.sh: recommend, plot and report refuse garbage instead of
# drawing or recommending from it: a results.csv with nan/inf IOPS or
# without an iops column, and nan/inf/negative numeric options. Each is
# one line naming the file (line, column) or the option, exit status 2.
set -u
here=$(cd "$(dirname "$0")" && pwd)
A=${AIOTUNE:?}
tmp=$(mktemp -d "${BUILD:-/tmp}/bad-results.XXXXXX")
tmp=$(cd "$tmp" && pwd)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# bad WANT ARGS...: aiotune ARGS exits 2 with one line holding WANT.
bad() {
	want=$1; shift
	err=$("$A" "$@" 2>&1 >/dev/null)
	rc=$?
	[ $rc -eq 2 ] || fail "$*: exit $rc, want 2 ($err)"
	[ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || fail "$*: '$err'"
	case $err in *"$want"*) ;; *) fail "$*: want '$want': $err" ;; esac
}

good=$tmp/good
"$A" import-fio --output "$good" "$here/samples/read.json" \
	"$here/samples/write.json" >/dev/null || fail "import"
"$A" recommend "$good" >/dev/null 2>&1
[ $? -ne 2 ] || fail "recommend refused good data"

# IOPS nan, inf, and no iops column at all.
for v in nan inf -inf 1e999 -3; do
	d=$tmp/iops$v
	mkdir -p "$d"
	awk -F, -v OFS=, -v v="$v" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == "iops") c = i }
		NR == 2 { $c = v } { print }' "$good/results.csv" \
		>"$d/results.csv"
	bad "$d/results.csv:2: column iops: '$v'" recommend "$d"
	bad "$d/results.csv:2: column iops: '$v'" plot "$d"
	bad "$d/results.csv:2: column iops: '$v'" report "$d"
done
d=$tmp/noiops
mkdir -p "$d"
awk -F, -v OFS=, '
	NR == 1 { for (i = 1; i <= NF; i++) if ($i == "iops") c = i }
	{ s = ""; for (i = 1; i <= NF; i++) if (i != c)
		s = s (s == "" ? "" : ",") $i; print s }' "$good/results.csv" \
	>"$d/results.csv"
bad "$d/results.csv:1: no column iops" recommend "$d"

# Numeric options: nan, inf and out of range are named.
for v in nan NaN inf -inf -1 1e999 0x10; do
	bad "invalid value '$v' for --tolerance" recommend --tolerance "$v" \
		"$good"
	bad "invalid value '$v' for --cpu-budget" recommend --cpu-budget "$v" \
		"$good"
	bad "invalid value '$v' for --max-spread" recommend --max-spread "$v" \
		"$good"
	bad "invalid value '$v' for --cpu-budget" report --cpu-budget "$v" \
		"$good"
done
exit 0
