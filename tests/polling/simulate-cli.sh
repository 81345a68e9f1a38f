#!/bin/sh
# simulate-cli.sh: `aiotune simulate` on the shipped bimodal trace (every
# policy, text and CSV) and its bad-input errors (one line, exit 2).
set -u
: "${AIOTUNE:?AIOTUNE must name the aiotune binary}"
dir=$(dirname "$0")
trace=$dir/bimodal.trace
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# The shipped trace is what its generator writes.
sh "$dir/gen-bimodal.sh" 4000 70 1 | cmp -s - "$trace" ||
	fail "bimodal.trace differs from gen-bimodal.sh output"

"$AIOTUNE" simulate --trace "$trace" >"$tmp/out" 2>"$tmp/err" ||
	fail "simulate exited $?: $(cat "$tmp/err")"
cat "$tmp/out"
grep -q '^trace .*: 4000 events, 1 handler;' "$tmp/out" || fail "summary"
grep -q 'a block costs 25000 ns of CPU and delays its event by 25000 ns' \
	"$tmp/out" || fail "cost model"
for p in qemu qemu-ctx weight fixed off ski cost; do
	grep -q "^$p " "$tmp/out" || fail "no row for $p"
done
grep -q '^least cost: cost$' "$tmp/out" || fail "cost should win the bimodal trace"

# CSV: a header and one row per policy; hits + blocks + ready = events.
"$AIOTUNE" simulate --trace "$trace" --policy fixed,off --format csv \
	--poll-max-ns 20us --block-cost-ns 10000 --wake-ns 0 >"$tmp/csv" ||
	fail "csv run"
[ "$(wc -l <"$tmp/csv")" -eq 3 ] || fail "csv lines: $(cat "$tmp/csv")"
awk -F, 'NR == 1 { next }
	$2 != 4000 || $3 + $4 + $5 != 4000 { bad = 1 }
	$1 == "off" && ($3 != 0 || $7 != $4 * 10000 || $8 != 0) { bad = 1 }
	$1 == "fixed" && $13 > 20000 { bad = 1 }
	END { exit bad }' "$tmp/csv" || fail "csv values: $(cat "$tmp/csv")"

# Standard input works as a trace.
printf '15000 1\n15000 1\n' | "$AIOTUNE" simulate --trace - --policy off \
	--format csv | grep -q '^off,2,0,2,' || fail "trace from stdin"

# Bad input: exit 2 and one line naming the value.
bad() {
	want=$1
	shift
	"$AIOTUNE" simulate "$@" >"$tmp/o" 2>"$tmp/e"
	rc=$?
	[ $rc -eq 2 ] || fail "'$*' exited $rc, want 2"
	[ "$(wc -l <"$tmp/e")" -eq 1 ] || fail "'$*' printed: $(cat "$tmp/e")"
	grep -qF -- "$want" "$tmp/e" || fail "'$*': $(cat "$tmp/e") lacks '$want'"
}
bad "invalid value 'nope' for --policy" --trace "$trace" --policy qemu,nope
bad "invalid value '-5' for --poll-max-ns" --trace "$trace" --poll-max-ns -5
bad "invalid value '99999999999999999999' for --poll-max-ns" \
	--trace "$trace" --poll-max-ns 99999999999999999999
bad "invalid value '64' for --poll-weight: allowed an integer 0-63" \
	--trace "$trace" --poll-weight 64
bad "invalid value '-1' for --poll-grow" --trace "$trace" --poll-grow -1
bad "invalid value 'x' for --block-cost-ns" --trace "$trace" --block-cost-ns x
bad "invalid value '0' for --loops" --trace "$trace" --loops 0
bad "invalid value '1001' for --loops" --trace "$trace" --loops 1001
bad "invalid value 'soon' for --warmup" --trace "$trace" --warmup soon
bad "invalid value 'xml' for --format" --trace "$trace" --format xml
bad "simulate needs --trace FILE" --policy qemu
bad "trace $tmp/missing: No such file or directory" --trace "$tmp/missing"
bad "unknown option '--frobnicate'" --trace "$trace" --frobnicate 1
printf '100\n200 5\n-7\n' >"$tmp/bad.trace"
bad "line 3: gap '-7' is not a non-negative integer number of ns" \
	--trace "$tmp/bad.trace"
printf '100 5 extra\n' >"$tmp/bad.trace"
bad "line 1: unexpected third field 'extra'" --trace "$tmp/bad.trace"
: >"$tmp/empty.trace"
bad "no events" --trace "$tmp/empty.trace"
"$AIOTUNE" simulate --help | grep -q -- '--block-cost-ns' || fail "help"
echo "simulate CLI ok"
