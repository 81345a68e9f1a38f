#!/bin/sh
# loop-peers.sh BENCHDIR: aiotune's loop beside glib, libuv, libevent and
# libev. BENCHDIR holds loop-peers-<peer>, one program per loop (built by
# make bench-loop-peers). Each program measures one figure of
# bench/loop-costs.c per run, the same way for every loop; this script
# runs every (figure, loop) once per repetition, the loops in turn inside
# each figure, so drift and other load hit all of them alike, REPS times.
# Prints the exact calls of each loop, then one line per (peer, figure):
#   name=loop-peers peer=P figure=F value=MEDIAN min=MIN max=MAX unit=ns
#   reps=N ratio=MEDIAN/AIOTUNE'S
# then the same as a table. A loop whose program is missing (configure did
# not find its library) gets one "skipped" line.
#
# Environment: REPS (5), LOOP_PEERS (the loops, in order; aiotune first),
# OUT (a directory: the raw per-run lines, calls and summary go there too).
set -eu
dir=${1:?usage: loop-peers.sh BENCHDIR}
reps=${REPS:-5}
peers=${LOOP_PEERS:-aiotune glib libuv libevent libev}
out=${OUT:-}
figures="iteration_nonblocking_empty post_run_same_thread \
cross_thread_wake_blocked cross_thread_wake_polling"

case "$reps" in
''|*[!0-9]*|0) echo "loop-peers: invalid REPS '$reps': allowed a whole" \
	"number above 0" >&2; exit 2 ;;
esac
case " $peers " in
*" aiotune "*) ;;
*) echo "loop-peers: invalid LOOP_PEERS '$peers': must include aiotune" \
	"(the ratios are to it)" >&2; exit 2 ;;
esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
have=""
for p in $peers; do
	if [ -x "$dir/loop-peers-$p" ]; then
		have="$have $p"
		"$dir/loop-peers-$p" calls >>"$tmp/calls"
	else
		echo "name=loop-peers peer=$p skipped (no $dir/loop-peers-$p:" \
			"scripts/configure.sh did not find its library;" \
			"make deps installs it)" >>"$tmp/calls"
	fi
done
[ -x "$dir/loop-peers-aiotune" ] || {
	echo "loop-peers: $dir/loop-peers-aiotune is missing" >&2; exit 1; }
cat "$tmp/calls"
r=1
while [ "$r" -le "$reps" ]; do
	for f in $figures; do
		for p in $have; do
			"$dir/loop-peers-$p" "$f" >>"$tmp/runs"
		done
	done
	echo "loop-peers: repetition $r of $reps done" >&2
	r=$((r + 1))
done
awk -v peers="$have" -v figures="$figures" -v reps="$reps" '
function ratio(p, f) {
	return m["aiotune", f] ? m[p, f] / m["aiotune", f] : 0
}
function med(p, f,    n, i, j, t, v) {
	n = cnt[p, f]
	for (i = 1; i <= n; i++)
		v[i] = val[p, f, i]
	for (i = 2; i <= n; i++)	# insertion sort, n is small
		for (j = i; j > 1 && v[j - 1] > v[j]; j--) {
			t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
		}
	lo[p, f] = v[1]; hi[p, f] = v[n]
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
{
	for (i = 1; i <= NF; i++) {
		split($i, kv, "=")
		a[kv[1]] = kv[2]
	}
	k = ++cnt[a["peer"], a["figure"]]
	val[a["peer"], a["figure"], k] = a["value"] + 0
}
END {
	np = split(peers, P, " "); nf = split(figures, F, " ")
	for (j = 1; j <= nf; j++)
		for (i = 1; i <= np; i++)
			m[P[i], F[j]] = med(P[i], F[j])
	for (j = 1; j <= nf; j++)
		for (i = 1; i <= np; i++) {
			p = P[i]; f = F[j]
			printf "name=loop-peers peer=%s figure=%s value=%d " \
			       "min=%d max=%d unit=ns reps=%d ratio=%.2f\n",
			       p, f, m[p, f], lo[p, f], hi[p, f], cnt[p, f],
			       ratio(p, f)
		}
	printf "\nmedian ns (min-max) over %d interleaved repetitions; " \
	       "x = ratio to aiotune\n", reps
	printf "%-9s", "peer"
	split("empty iteration|post + run, same thread|" \
	      "wake, loop blocked|wake, loop polling", H, "|")
	for (j = 1; j <= nf; j++)
		printf " | %-28s", H[j]
	printf "\n"
	for (i = 1; i <= np; i++) {
		p = P[i]
		printf "%-9s", p
		for (j = 1; j <= nf; j++) {
			f = F[j]
			c = sprintf("%d (%d-%d) %.1fx", m[p, f], lo[p, f],
				    hi[p, f], ratio(p, f))
			printf " | %-28s", c
		}
		printf "\n"
	}
}' "$tmp/runs" >"$tmp/summary"
cat "$tmp/summary"
if [ -n "$out" ]; then
	mkdir -p "$out"
	cp "$tmp/calls" "$out/calls.txt"
	cp "$tmp/runs" "$out/runs.txt"
	cp "$tmp/summary" "$out/summary.txt"
	echo "loop-peers: calls.txt, runs.txt, summary.txt in $out"
fi
