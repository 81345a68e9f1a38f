#!/bin/sh
# reproduce-shape.sh AIOTUNE: the shape of QEMU's 16-32 us finding on this
# machine, as figures (a benchmark, not a test: the shape depends on the
# machine's speed and load). Runs `make reproduce QUICK=1` (P3700 and
# Optane models behind the virtio front end, qemu policy, iodepth 1 and
# 32, 7 poll-max-ns values, 3 repetitions) into OUT, then prints, from the
# medians of the repetitions, for iodepth 1:
#  - Optane (9 us): IOPS at 256k / at 0 (expected >= 1.4x: polling above
#    the latency pays) and 4k / 0 (expected < 1.3x: far below it);
#  - P3700 (78 us): the better of 128k and 256k / 0 (expected >= 1.05x),
#    median latency at 256k / at 0 (expected <= 0.8x: the completion is
#    polled), 4k and 16k / 0 (expected < 1.3x);
#  - per device, the data's knee (per iodepth the smallest poll-max-ns
#    whose median is within max(5%, half the best point's spread) of the
#    best, the larger of the two iodepths) beside the recommendation
#    (expected within one grid step).
# Each line ends "holds" or "DOES NOT HOLD"; the exit status is 0 when the
# pipeline ran, whatever the shape (machine-dependent figures are reported,
# not asserted). OUT defaults to results/reproduce-shape-<time>.
set -u
A=${1:?usage: reproduce-shape.sh AIOTUNE}
out=${OUT:-results/reproduce-shape-$(date +%Y%m%d-%H%M%S)}
sh scripts/reproduce.sh --quick --output "$out" "$A" >"${out}.log" 2>&1 || {
	echo "reproduce-shape: make reproduce QUICK=1 failed: see ${out}.log" >&2
	exit 1
}
mv "${out}.log" "$out/reproduce.log"
held=0 broken=0
verdict() {
	# verdict TEXT OK
	if [ "$2" -eq 1 ]; then
		held=$((held + 1)); echo "$1: holds"
	else
		broken=$((broken + 1)); echo "$1: DOES NOT HOLD"
	fi
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
okif() { if "$@"; then echo 1; else echo 0; fi; }

# Median of column $4 for device $1, iodepth $2, poll-max-ns $3 (qemu).
med() {
	awk -v d="$1" -v q="$2" -v p="$3" -v c="$4" \
		'$1 == d && $2 == "qemu" && $3 == q && $4 == p { print $c }' \
		"$out/medians.dat"
}
iops() { med "$1" "$2" "$3" 5; }

z=$(iops optane 1 0) far=$(iops optane 1 262144) w4=$(iops optane 1 4096)
echo "optane QD1 IOPS: 0 $z, 4k $w4, 256k $far"
r=$(ratio "$far" "$z")
verdict "optane QD1 256k/0 = ${r}x (expected >= 1.4x)" "$(okif ge "$r" 1.4)"
r=$(ratio "$w4" "$z")
verdict "optane QD1 4k/0 = ${r}x (expected < 1.3x)" "$(okif ge 1.3 "$r")"

z=$(iops p3700 1 0) w4=$(iops p3700 1 4096) w16=$(iops p3700 1 16384)
w128=$(iops p3700 1 131072) far=$(iops p3700 1 262144)
echo "p3700 QD1 IOPS: 0 $z, 4k $w4, 16k $w16, 128k $w128, 256k $far"
best=$far
ge "$w128" "$far" && best=$w128
r=$(ratio "$best" "$z")
verdict "p3700 QD1 max(128k,256k)/0 = ${r}x (expected >= 1.05x)" "$(okif ge "$r" 1.05)"
l0=$(med p3700 1 0 9) l256=$(med p3700 1 262144 9)
r=$(ratio "$l256" "$l0")
verdict "p3700 QD1 p50 256k/0 = ${r}x ($l256/$l0 ns, expected <= 0.8x)" "$(okif ge 0.8 "$r")"
r=$(ratio "$w4" "$z")
verdict "p3700 QD1 4k/0 = ${r}x (expected < 1.3x)" "$(okif ge 1.3 "$r")"
r=$(ratio "$w16" "$z")
verdict "p3700 QD1 16k/0 = ${r}x (expected < 1.3x)" "$(okif ge 1.3 "$r")"

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
	ki=$(idx "$knee") ri=$(idx "$rec")
	ok=0
	[ -n "$ki" ] && [ -n "$ri" ] && [ $((ki - ri)) -le 1 ] &&
		[ $((ri - ki)) -le 1 ] && ok=1
	verdict "$d knee $knee, recommended $rec (expected within one grid step)" "$ok"
done
echo "reproduce-shape: $held held, $broken did not; data in $out"
