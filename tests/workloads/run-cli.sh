#!/bin/sh
# run-cli.sh: `aiotune run` from the command line: every flag with a bad
# value exits 2 with one line naming the value; units are parsed the fio
# way; text, CSV and JSON outputs and --output DIR/run.json are written.
set -u
: "${AIOTUNE:?AIOTUNE must name the aiotune binary}"
tmp=$(mktemp -d /tmp/aiotune-run-cli.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail=0

bad() {
	# bad NEEDLE ARGS...: exit 2, exactly one stderr line holding NEEDLE.
	needle=$1
	shift
	"$AIOTUNE" run "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	lines=$(wc -l <"$tmp/err")
	if [ $rc -ne 2 ] || [ "$lines" -ne 1 ] || ! grep -qF -- "$needle" "$tmp/err"; then
		echo "FAIL: run $* -> exit $rc, $lines stderr lines:"
		cat "$tmp/err"
		fail=1
	fi
}

bad "'nope'" --engine nope
bad "'sim:lat=gauss:1us'" --target sim:lat=gauss:1us
bad "'sim:channels=0'" --target sim:channels=0
bad "'randomread'" --rw randomread
bad "'101'" --rwmixread 101
bad "'4q'" --bs 4q
bad "'0'" --bs 0
bad "'0'" --iodepth 0
bad "'-1'" --iodepth -1
bad "'x'" --size x
bad "'-3'" --offset -3
bad "'10parsecs'" --runtime 10parsecs
bad "'0'" --runtime 0
bad "'fast'" --ramp fast
bad "'0'" --iothreads 0
bad "'100000'" --iothreads 100000
bad "'pci'" --frontend pci
bad "'-5us'" --guest-think -5us
bad "'32q'" --poll-max-ns 32q
bad "'-1'" --poll-grow -1
bad "'x2'" --poll-shrink x2
bad "'smart'" --poll-policy smart
bad "'64'" --poll-weight 64
bad "'kqueue'" --fdmon kqueue
bad "'-1'" --aio-max-batch -1
bad "'moon'" --placement moon
bad "'maybe'" --direct maybe
bad "'2'" --verify=2
bad "'x'" --seed x
bad "'yaml'" --format yaml
bad "--bogus" --bogus 1
bad "missing value for --bs" --bs
bad "'stray'" stray
bad "'sim:lba=4k'" --target sim:lba=4k --bs 512
bad "'$tmp/no/such/dir/t'" --runtime 10ms --ramp 0 --trace "$tmp/no/such/dir/t"

# --trace: IOThread 0's loop trace, one '<block_ns> <fd>' line per polled
# event, which the simulator replays; the run JSON carries the block cost
# the IOThread measured (it calibrates when it starts).
"$AIOTUNE" run --target sim:lat=fixed:20us --runtime 100ms --ramp 20ms \
	--poll-max-ns 64k --trace "$tmp/gaps.trace" --format json \
	>"$tmp/tr.json" 2>"$tmp/err" || { echo "FAIL: --trace run"; cat "$tmp/err"; fail=1; }
[ -s "$tmp/gaps.trace" ] && ! grep -qvE '^[0-9]+ [0-9]+$' "$tmp/gaps.trace" ||
	{ echo "FAIL: trace lines"; head -3 "$tmp/gaps.trace"; fail=1; }
"$AIOTUNE" simulate --trace "$tmp/gaps.trace" --policy probe --wake-ns 0 \
	>"$tmp/sim.txt" 2>&1 || { echo "FAIL: simulate the trace"; cat "$tmp/sim.txt"; fail=1; }
python3 - "$tmp/tr.json" <<'PY' || fail=1
import json, sys
loop = json.load(open(sys.argv[1]))["loop"]
for k in ("block_cost_ns", "wake_ns", "block_cost_samples", "work"):
    if k not in loop:
        sys.exit("FAIL: run JSON loop lacks %s" % k)
if loop["block_cost_samples"] < 1 or loop["block_cost_ns"] <= 0:
    sys.exit("FAIL: no block cost measured: %r" % loop)
if loop["work"] < 1:
    sys.exit("FAIL: no work counted: %r" % loop["work"])
PY

# A placement this host cannot realize is skipped: exit 3, one line.
"$AIOTUNE" run --runtime 100ms --ramp 0 --placement 'iothread=1023' \
	>"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -ne 3 ] || [ "$(wc -l <"$tmp/err")" -ne 1 ] ||
	! grep -q "skipped" "$tmp/err"; then
	echo "FAIL: unrealizable placement -> exit $rc"; cat "$tmp/err"; fail=1
fi

# Units the fio way, read back from the run JSON.
"$AIOTUNE" run --target sim:lat=fixed:20us --bs 8k --runtime 200ms \
	--ramp 50ms --poll-max-ns 32k --fdmon epoll --format json \
	--output "$tmp/res" >"$tmp/out.json" 2>"$tmp/err"
rc=$?
if [ $rc -ne 0 ]; then
	echo "FAIL: good run exited $rc"; cat "$tmp/err"; fail=1
fi
for want in '"bs_bytes": 8192' '"runtime_ns": 200000000' \
	'"ramp_ns": 50000000' '"poll_max_ns": 32768' '"format_version": 1' \
	'"fdmon": "epoll"'; do
	grep -qF -- "$want" "$tmp/out.json" || {
		echo "FAIL: stdout JSON lacks $want"; fail=1; }
	grep -qF -- "$want" "$tmp/res/run.json" || {
		echo "FAIL: run.json lacks $want"; fail=1; }
done

"$AIOTUNE" run --runtime 100ms --ramp 0 --format csv >"$tmp/out.csv" 2>&1 ||
	{ echo "FAIL: csv run"; fail=1; }
[ "$(wc -l <"$tmp/out.csv")" -eq 2 ] && head -1 "$tmp/out.csv" |
	grep -q 'iops,bw_bytes' || { echo "FAIL: csv shape"; cat "$tmp/out.csv"; fail=1; }

"$AIOTUNE" run --runtime 100ms --ramp 0 >"$tmp/out.txt" 2>&1 ||
	{ echo "FAIL: text run"; fail=1; }
for want in 'iops' 'p99.9' 'iothread 0' 'loop'; do
	grep -qF -- "$want" "$tmp/out.txt" || {
		echo "FAIL: text lacks $want"; cat "$tmp/out.txt"; fail=1; }
done

"$AIOTUNE" run --help | grep -q -- '--poll-max-ns' ||
	{ echo "FAIL: --help"; fail=1; }
exit $fail
