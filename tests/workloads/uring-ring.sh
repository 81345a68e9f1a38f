#!/bin/sh
# uring-ring.sh: the io_uring engine on the event loop's own ring
# (--uring-ring context) and on a private one (own), end to end.
# - context, with every ring flag set: the run JSON says which ring and
#   which flags were in force; with a fixed 500 ms poll window the loop's
#   built-in poll handler finds nearly every completion in user space
#   (poll hits), also where the kernel leaves completion work pending
#   (coop, defer: IORING_SQ_TASKRUN), and never blocks per request;
# - auto takes the context ring under io_uring and its own ring under
#   epoll (no ring there); own is own;
# - a sweep over --uring-ring and --ring-flags records both, asked for
#   and in force, in results.csv;
# - refused in one line with exit 2: a bad --uring-ring or --ring-flags,
#   context with --fdmon epoll, context with --hipri.
set -u
: "${AIOTUNE:?AIOTUNE must name the aiotune binary}"
dir="${BUILD:-build}/tmp/uring-ring"
mkdir -p "$dir"
f="$dir/data.dat"
rm -f "$f"
fail() { echo "FAIL: $*"; exit 1; }

args="--engine io_uring --target $f --size 4m --iodepth 1 --runtime 400ms"
args="$args --ramp 0 --poll-policy fixed --poll-max-ns 500ms --format json"
for flags in none coop single single+coop defer; do
	"$AIOTUNE" run $args --uring-ring context --ring-flags $flags \
		>"$dir/run.json" 2>"$dir/err" ||
		{ cat "$dir/err"; fail "context $flags: exit $?"; }
	python3 - "$dir/run.json" "$flags" <<'EOF' || fail "context $flags"
import json, sys
r = json.load(open(sys.argv[1]))
flags = sys.argv[2]
loop = r["loop"]
assert loop["uring_ring"] == "context", loop["uring_ring"]
assert loop["fdmon"] == "io_uring", loop["fdmon"]
assert r["job"]["ring_flags"] == flags, r["job"]["ring_flags"]
assert loop["ring_flags"] == flags, (loop["ring_flags"], flags)
ios = r["result"]["ios"]
hits, polls = loop["poll_hits"], loop["poll_attempts"]
waits = loop["blocking_waits"]
print(f"context {flags}: {ios} I/Os, {hits} of {polls} polls hit, "
      f"{waits} blocking waits")
# Completions seen only when the loop blocks would give about one I/O.
assert ios > 200, f"only {ios} I/Os: the poller missed completions"
assert polls > 0 and hits / polls > 0.5, f"{hits}/{polls} hits"
assert waits < ios / 2, f"{waits} blocking waits for {ios} I/Os"
assert r["result"]["stages"]["requests"] > 0, "no latency stages"
EOF
done

# ring_of ARGS...: the ring a short run used.
ring_of() {
	"$AIOTUNE" run --engine io_uring --target "$f" --size 4m \
		--runtime 50ms --ramp 0 --format csv "$@" 2>"$dir/err" |
		awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
			 { print $c["uring_ring"] }'
}
[ "$(ring_of --fdmon io_uring)" = context ] ||
	fail "auto under io_uring: $(cat "$dir/err")"
[ "$(ring_of --fdmon epoll)" = own ] ||
	fail "auto under epoll: $(cat "$dir/err")"
[ "$(ring_of --uring-ring own)" = own ] ||
	fail "own: $(cat "$dir/err")"

# A sweep over the ring and its flags: one point per value, and the CSV
# records what each run asked for and what was in force.
rm -rf "$dir/sweep"
"$AIOTUNE" sweep --engine io_uring --target "$f" --iodepth 1 \
	--poll-max-ns 0 --runtime 50ms --ramp 0 --repetitions 1 --seed 1 \
	--uring-ring context,own --ring-flags none,single \
	--output "$dir/sweep" >/dev/null 2>"$dir/err" ||
	{ cat "$dir/err"; fail "sweep: exit $?"; }
python3 - "$dir/sweep/results.csv" <<'EOF' || fail "sweep columns"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
got = sorted((r["uring_ring_requested"], r["uring_ring"],
	      r["ring_flags_requested"], r["ring_flags"]) for r in rows)
want = sorted((ring, ring, fl, fl) for ring in ("context", "own")
	      for fl in ("none", "single"))
assert got == want, got
EOF
rm -rf "$dir/sweep"

# refused ARGS... -- PATTERN: exit 2 and one line matching PATTERN.
refused() {
	pat=$1
	shift
	"$AIOTUNE" run --engine io_uring --target "$f" --size 4m \
		--runtime 50ms "$@" >/dev/null 2>"$dir/err"
	rc=$?
	[ $rc -eq 2 ] || fail "$*: exit $rc, want 2: $(cat "$dir/err")"
	[ "$(wc -l <"$dir/err")" -eq 1 ] && grep -q "$pat" "$dir/err" ||
		fail "$*: message: $(cat "$dir/err")"
}
refused "'ctx' for --uring-ring" --uring-ring ctx
refused "'fast' for --ring-flags" --ring-flags fast
refused "needs the io_uring fd monitor, not --fdmon epoll" \
	--uring-ring context --fdmon epoll
refused "cannot be used with --hipri" --uring-ring context --hipri
echo "uring-ring: ok"
