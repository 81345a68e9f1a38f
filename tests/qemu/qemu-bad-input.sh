#!/bin/sh
# qemu-bad-input.sh: `aiotune run --engine qemu` refuses bad input with
# one line and the right exit status, before any guest boots, and leaves
# no QEMU process behind: a bad --accel, --boot-timeout or --format,
# settings a QEMU guest does not have, no QEMU binary, no kernel package.
# (Faults of a booted guest: qemu-faults.sh.)
name=qemu-bad
. "$(dirname "$0")/lib.sh"
R="$A run --engine qemu --target $tmp/disk --runtime 2 --ramp 0"
expect 2 "invalid value 'fast' for --accel: allowed auto, kvm, tcg" \
	$R --accel fast
expect 2 "for --boot-timeout" $R --boot-timeout 0
expect 2 "invalid value 'csv' for --format" $R --format csv
expect 3 "one IOThread" $R --iothreads 2
expect 2 "invalid value 'weight' for --poll-policy" $R --poll-policy weight
expect 2 "not a QEMU guest's" $R --guest-think 5us
expect 2 "invalid value 'sim:lat=fixed:15us' for --target" \
	$A run --engine qemu --target sim:lat=fixed:15us
expect 2 "invalid value 'qemu-nvme' for --engine" \
	$A run --engine qemu-nvme --target "$tmp/disk"
AIOTUNE_QEMU=$tmp/no-such-qemu expect 1 \
	"no QEMU binary: $tmp/no-such-qemu not found" $R --accel tcg
AIOTUNE_CACHE=$tmp/cache AIOTUNE_GUEST_KERNEL=linux-image-aiotune-nosuch \
	expect 1 "no kernel package" $R --accel tcg
none_left "bad input"

echo "ok"
