#!/bin/sh
# recommend-fixtures.sh: on the committed reference data (make reproduce
# on an idle and on a loaded VM: five devices, two policies, iodepth 1
# and 32), `aiotune recommend --objective throughput` picks exactly the
# setting its rule gives, computed independently from results.csv by
# tests/sweep/throughput-rule.py. The data is fixed, so this cannot
# depend on the speed of the machine running the test.
set -u
A=${AIOTUNE:?}
fail() { echo "FAIL: $*"; exit 1; }
command -v python3 >/dev/null || { echo "skip: python3 is not installed"; exit 77; }
n=0
for ref in results/ref/reproduce results/ref/reproduce-loaded; do
	for d in "$ref"/*/; do
		csv=${d}results.csv
		[ -s "$csv" ] || continue
		want=$(python3 tests/sweep/throughput-rule.py "$csv") ||
			fail "$d: the rule script failed"
		got=$("$A" recommend --objective throughput "$d" 2>&1 |
			sed -n 's/^Recommendation: poll-max-ns=\([0-9]*\).*poll policy \([a-z-]*\).*/\1 \2/p')
		echo "$d: rule '$want', recommend '$got'"
		[ "$got" = "$want" ] || fail "$d: recommend picked '$got', the rule gives '$want'"
		n=$((n + 1))
	done
done
[ $n -ge 10 ] || fail "only $n reference directories checked, wanted 10"
echo "recommend-fixtures: $n directories agree with the rule"
