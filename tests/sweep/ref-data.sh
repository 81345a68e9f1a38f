#!/bin/sh
# ref-data.sh: the committed reference data under results/ref/ were
# written by earlier versions of aiotune; every results directory there
# still loads: `aiotune recommend`, `report` and (with gnuplot) `plot`
# take each one. A reader that stopped understanding an older directory
# fails here.
set -u
A=${AIOTUNE:?}
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
n=0
for csv in $(find "$root/results/ref" -name results.csv | sort); do
	d=${csv%/results.csv}
	n=$((n + 1))
	"$A" recommend "$d" >"$tmp/out" 2>"$tmp/e" ||
		fail "recommend $d: $(cat "$tmp/e")"
	# A fio-only directory has no window to recommend, and says so.
	grep -q "^Recommendation: poll-max-ns=\|^No recommendation: only fio" \
		"$tmp/out" || fail "recommend $d: $(cat "$tmp/out")"
	"$A" report --output "$tmp/r$n.html" "$d" >/dev/null 2>"$tmp/e" ||
		fail "report $d: $(cat "$tmp/e")"
	[ -s "$tmp/r$n.html" ] || fail "report $d: no page"
	command -v gnuplot >/dev/null || continue
	"$A" plot --output "$tmp/p$n" "$d" >/dev/null 2>"$tmp/e" ||
		fail "plot $d: $(cat "$tmp/e")"
	ls "$tmp/p$n"/*.png >/dev/null 2>&1 || fail "plot $d: no figures"
done
[ $n -ge 15 ] || fail "only $n reference directories found, wanted 15"
echo "ref-data: $n reference directories load"
