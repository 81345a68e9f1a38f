#!/bin/sh
# reproduce-quick.sh: `make reproduce QUICK=1` (scripts/reproduce.sh
# --quick) end to end, asserting the shape of QEMU's finding, not numbers:
# for each simulated device (the 2016 P3700 model, median 78 us, and the
# Optane P4800X model, 9 us; both well inside the 0..256k grid), qemu
# policy, iodepth 1, medians of the repetitions:
#  - a window well above the latency (256k) beats no polling (0) by a
#    clear margin: Optane >= 1.4x (measured 2-3x on these VMs); P3700
#    >= 1.05x at 128k or 256k (measured 1.15-1.35x, noisier) with its
#    median latency down to <= 0.8x (the device's 78 us instead of ~120);
#  - a window far below the latency gains little: 4k (QEMU's first
#    window) stays under 1.3x of 0 for both, and 16k for the P3700;
#  - the recommendation (aiotune recommend --objective throughput) is
#    within one grid step of the data's knee: per iodepth the smallest
#    poll-max-ns whose median IOPS is within max(5%, half the best
#    point's spread) of the best, the larger of the two iodepths' knees.
# Also: results, figures and knees.txt exist; bad options are refused.
# Skipped under sanitizers (a timing shape) and without gnuplot.
set -u
A=${AIOTUNE:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset AIOTUNE_RUN_CMD
fail() { echo "FAIL: $*"; exit 1; }
[ -z "${SAN:-}" ] || { echo "skip: timing shape, not meaningful under SAN=$SAN"; exit 77; }
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

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }

# Median of column $4 for device $1, iodepth $2, poll-max-ns $3 (qemu).
med() {
	awk -v d="$1" -v q="$2" -v p="$3" -v c="$4" \
		'$1 == d && $2 == "qemu" && $3 == q && $4 == p { print $c }' \
		"$out/medians.dat"
}
iops() { med "$1" "$2" "$3" 5; }

# Optane (9 us): polling well above the latency pays a lot (2-3x here).
z=$(iops optane 1 0) far=$(iops optane 1 262144) w4=$(iops optane 1 4096)
[ -n "$z" ] && [ -n "$far" ] && [ -n "$w4" ] || fail "optane: missing medians"
echo "optane: QD1 IOPS at 0 $z, at 4k $w4, at 256k $far"
r=$(ratio "$far" "$z")
ge "$r" 1.4 || fail "optane: 256k gains x$r over 0, wanted >= x1.4"
r=$(ratio "$w4" "$z")
ge 1.3 "$r" || fail "optane: 4k already gains x$r over 0 (below the latency)"

# P3700 (78 us): the gain is smaller (the cycle is longer) and noisier, so
# IOPS must rise by 5% at 128k or 256k and the median latency must fall
# to the device's (the completion is polled, not waited for: 78 vs about
# 120 us); 4k and 16k, far below 78 us, gain little.
z=$(iops p3700 1 0) w4=$(iops p3700 1 4096) w16=$(iops p3700 1 16384)
w128=$(iops p3700 1 131072) far=$(iops p3700 1 262144)
[ -n "$z" ] && [ -n "$far" ] && [ -n "$w4" ] && [ -n "$w16" ] &&
	[ -n "$w128" ] || fail "p3700: missing medians"
echo "p3700: QD1 IOPS at 0 $z, 4k $w4, 16k $w16, 128k $w128, 256k $far"
best=$far
ge "$w128" "$far" && best=$w128
r=$(ratio "$best" "$z")
ge "$r" 1.05 || fail "p3700: 128k/256k gain x$r over 0, wanted >= x1.05"
l0=$(med p3700 1 0 9) l256=$(med p3700 1 262144 9)
echo "p3700: QD1 median latency at 0 $l0 ns, at 256k $l256 ns"
r=$(ratio "$l256" "$l0")
ge 0.8 "$r" || fail "p3700: latency at 256k is x$r of that at 0, wanted <= x0.8"
for w in "$w4" "$w16"; do
	r=$(ratio "$w" "$z")
	ge 1.3 "$r" || fail "p3700: a window far below 78 us gains x$r over 0"
done

grid="0 4096 16384 32768 65536 131072 262144"
idx() { echo "$grid" | tr ' ' '\n' | grep -nx "$1" | cut -d: -f1; }
for d in p3700 optane; do
	knee=$(awk -v d="$d" '
	$1 == d && $2 == "qemu" {
		q = $3; n[q]++; p[q, n[q]] = $4; v[q, n[q]] = $5
		s[q, n[q]] = $5 > 0 ? ($7 - $6) / $5 : 0
		if (!(q in b) || $5 > v[q, b[q]]) b[q] = n[q]
	}
	END {
		k = 0
		for (q in n) {
			t = 0.05
			if (s[q, b[q]] / 2 > t) t = s[q, b[q]] / 2
			for (i = 1; i <= n[q]; i++)
				if (v[q, i] >= (1 - t) * v[q, b[q]]) break
			if (p[q, i] > k) k = p[q, i]
		}
		print k
	}' "$out/medians.dat")
	rec=$(sed -n 's/^Recommendation: poll-max-ns=\([0-9]*\).*/\1/p' \
		"$out/$d/recommendation-throughput.txt")
	[ -n "$rec" ] || fail "$d: no poll-max-ns in the recommendation"
	ki=$(idx "$knee") ri=$(idx "$rec")
	[ -n "$ki" ] && [ -n "$ri" ] || fail "$d: knee $knee or recommendation $rec not on the grid"
	echo "$d: data knee $knee, recommended $rec"
	[ $((ki - ri)) -le 1 ] && [ $((ri - ki)) -le 1 ] ||
		fail "$d: recommended $rec is more than one grid step from the knee $knee"
done
echo "reproduce-quick: shape holds"
