#!/bin/sh
# real-output.sh: what `aiotune run` reports beyond the core figures for a
# real target with the virtio front end: the front end's counters
# ("frontend" line and JSON object: kicks, calls, ...) and, where the file
# is on a block device, the disk's reads and interrupts over the window
# ("device" line and JSON object).
set -u
: "${AIOTUNE:?AIOTUNE must name the aiotune binary}"
dir="${BUILD:-build}/tmp/real-output"
mkdir -p "$dir"
f="$dir/out.dat"
rm -f "$f"
fail=0
args="--engine io_uring --frontend virtio --target $f --size 4m"
args="$args --runtime 200ms --ramp 0"

"$AIOTUNE" run $args >"$dir/text" 2>"$dir/err" || { cat "$dir/err"; exit 1; }
"$AIOTUNE" run $args --format json >"$dir/json" 2>"$dir/err" ||
	{ cat "$dir/err"; exit 1; }
cat "$dir/text"

grep -Eq '^  frontend  submitted [1-9][0-9]*, kicks [0-9]+' "$dir/text" ||
	{ echo "FAIL: no frontend line"; fail=1; }
grep -Eq '"kicks": [0-9]+' "$dir/json" ||
	{ echo "FAIL: no frontend.kicks in JSON"; fail=1; }
grep -Eq '"calls_suppressed": [0-9]+' "$dir/json" ||
	{ echo "FAIL: no frontend.calls_suppressed in JSON"; fail=1; }

# The device: only where the file lives on a block device.
disk=$(df --output=source "$dir" 2>/dev/null | tail -1)
case "$disk" in
/dev/*)
	grep -Eq '^  device    [a-z0-9]+: [1-9][0-9]* reads' "$dir/text" ||
		{ echo "FAIL: no device line for $disk"; fail=1; }
	grep -Eq '"read_ios": [1-9][0-9]*' "$dir/json" ||
		{ echo "FAIL: no device.read_ios in JSON"; fail=1; }
	;;
*)
	echo "note: $dir is on $disk, not a block device: no device figures"
	;;
esac
rm -f "$f"
[ $fail -eq 0 ] || exit 1
exit 0
