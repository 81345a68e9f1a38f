#!/bin/sh
# reproduce-quick.sh: `make reproduce QUICK=1` (scripts/reproduce.sh
# --quick) end to end, asserting what cannot depend on the machine's
# speed: every device's results (7 poll-max-ns x 2 iodepths x 3
# repetitions), figures, recommendations and the cross-device files
# (knees.txt, gain and CPU figures) exist; the recommendation is exactly
# what the throughput rule gives on the rows produced; bad options are
# refused. The shape of QEMU's finding (gains above and below the device
# latency, knee positions) depends on the machine: make bench-reproduce
# prints it. Skipped under sanitizers (the plain stage covers the
# pipeline; a sanitized sweep takes minutes) and without gnuplot.
set -u
A=${AIOTUNE:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset AIOTUNE_RUN_CMD
fail() { echo "FAIL: $*"; exit 1; }
[ -z "${SAN:-}" ] || { echo "skip: the plain stage runs the pipeline; too slow under SAN=$SAN"; exit 77; }
command -v python3 >/dev/null || { echo "skip: python3 is not installed"; exit 77; }
command -v gnuplot >/dev/null || { echo "skip: gnuplot is not installed"; exit 77; }
"$A" run --help >/dev/null 2>&1 || { echo "skip: no aiotune run"; exit 77; }

# Bad usage: one line, exit 2, nothing measured.
sh scripts/reproduce.sh --fast "$A" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] || fail "--fast: not exit 2"
grep -q "unknown option '--fast'" "$tmp/err" || fail "--fast: $(cat "$tmp/err")"
sh scripts/reproduce.sh --quick /nonexistent/aiotune >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] || fail "a missing aiotune: not exit 2"
mkdir -p "$tmp/full" && touch "$tmp/full/x"
sh scripts/reproduce.sh --quick --output "$tmp/full" "$A" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] || fail "a non-empty output directory: not exit 2"

out=$tmp/r
start=$(date +%s)
sh scripts/reproduce.sh --quick --output "$out" "$A" >"$tmp/log" 2>&1 ||
	fail "reproduce.sh --quick: exit $?: $(tail -5 "$tmp/log")"
echo "reproduce --quick: $(($(date +%s) - start)) s"
for dev in p3700 optane; do
	[ -s "$out/$dev/results.csv" ] || fail "$dev: no results.csv"
	# 7 poll-max-ns x 2 iodepths x 3 repetitions, one policy.
	rows=$(($(wc -l <"$out/$dev/results.csv") - 1))
	[ "$rows" -eq 42 ] || fail "$dev: $rows runs, not 42"
	[ -s "$out/$dev/figures/iops.png" ] || fail "$dev: no iops.png"
	grep -q '^Recommendation: poll-max-ns=' \
		"$out/$dev/recommendation-throughput.txt" ||
		fail "$dev: no recommendation"
	grep -q "guest_think" "$out/$dev/results.csv" || fail "no guest_think column"
done
for f in gain cpu; do
	png=$out/figures/$f.png
	[ -s "$png" ] && [ "$(wc -c <"$png")" -gt 5000 ] || fail "$f.png missing or empty"
	[ "$(head -c 4 "$png" | tail -c 3)" = PNG ] || fail "$f.png is not a PNG"
done
grep -q '^p3700 *qemu *1 ' "$out/knees.txt" || fail "knees.txt: $(cat "$out/knees.txt")"

# The recommendation is exactly what the throughput rule gives on the data
# this run produced (tests/sweep/throughput-rule.py): whatever the speed
# of this machine, the pick follows from the rows. The shape of the
# finding itself (gains, knees) is a timing figure: make bench-reproduce.
for d in p3700 optane; do
	want=$(python3 tests/sweep/throughput-rule.py "$out/$d/results.csv") ||
		fail "$d: the rule script failed"
	got=$(sed -n 's/^Recommendation: poll-max-ns=\([0-9]*\).*poll policy \([a-z-]*\).*/\1 \2/p' \
		"$out/$d/recommendation-throughput.txt")
	echo "$d: rule '$want', recommended '$got'"
	[ "$got" = "$want" ] || fail "$d: recommended '$got', the rule gives '$want'"
done
echo "reproduce-quick: pipeline complete"
