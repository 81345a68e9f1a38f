#!/bin/sh
# reproduce-quick.sh: `make reproduce QUICK=1` (scripts/reproduce.sh
# --quick) end to end, asserting the shape of QEMU's finding, not numbers:
# for each simulated device (the 2016 P3700 model, median 78 us, and the
# Optane P4800X model, 9 us; both well inside the 0..256k grid), qemu
# policy, iodepth 1, medians of the repetitions:
#  - a window well above the latency (256k) beats no polling (0) by a
#    clear margin (P3700 >= 1.10x, Optane >= 1.5x: measured about 1.3x
#    and 2.5-3x on these VMs);
#  - a window far below the latency gains little: 4k (QEMU's first
#    window) stays under 1.25x of 0 for both, and 16k under 1.25x for the
#    P3700 (78 us);
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

# Median IOPS of device $1, iodepth $2, poll-max-ns $3 (qemu policy).
iops() {
	awk -v d="$1" -v q="$2" -v p="$3" \
		'$1 == d && $2 == "qemu" && $3 == q && $4 == p { print $5 }' \
		"$out/medians.dat"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }

for dev in p3700:1.10 optane:1.5; do
	d=${dev%%:*} need=${dev#*:}
	z=$(iops "$d" 1 0) far=$(iops "$d" 1 262144) w4=$(iops "$d" 1 4096)
	[ -n "$z" ] && [ -n "$far" ] && [ -n "$w4" ] || fail "$d: missing medians"
	r=$(ratio "$far" "$z")
	echo "$d: QD1 IOPS at 0 $z, at 4k $w4, at 256k $far (x$r)"
	ge "$r" "$need" || fail "$d: 256k gains x$r over 0, wanted >= x$need"
	r=$(ratio "$w4" "$z")
	ge 1.25 "$r" || fail "$d: 4k already gains x$r over 0 (far below the latency)"
done
w16=$(iops p3700 1 16384) z=$(iops p3700 1 0)
r=$(ratio "$w16" "$z")
ge 1.25 "$r" || fail "p3700: 16k already gains x$r over 0 (78 us device)"

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
