#!/bin/sh
# qemu-bad-input.sh: `aiotune run --engine qemu` refuses bad input and
# faults with one line and the right exit status, and leaves no QEMU
# process behind: a bad --accel, settings a QEMU guest does not have, no
# QEMU binary, no kernel package, a guest that does not finish in time
# (killed, the console's last lines in the message), Ctrl-C mid-boot.
set -u
A=${AIOTUNE:?}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/qemu-bad.XXXXXX")
trap 'for p in $(pgrep -f "$tmp/disk"); do kill -KILL "$p"; done 2>/dev/null; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
truncate -s 64M "$tmp/disk" || fail "cannot make a file"

# expect STATUS PATTERN CMD...: exit status and a one-line message.
expect() {
	want=$1 pat=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -eq "$want" ] || fail "$*: exit $rc, want $want: $(cat "$tmp/err")"
	[ "$(grep -vc '^aiotune: warning' "$tmp/err")" -eq 1 ] ||
		fail "$*: not one line: $(cat "$tmp/err")"
	grep -q "$pat" "$tmp/err" || fail "$*: '$(cat "$tmp/err")' lacks '$pat'"
}
# No QEMU of this test may be running.
none_left() {
	if pgrep -f "$tmp/disk" >/dev/null; then
		ps -o pid,args -p "$(pgrep -d, -f "$tmp/disk")"
		fail "a QEMU process was left running ($1)"
	fi
}

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

# The rest boots guests: only where a guest image can be had.
sh "$(dirname "$0")/../../scripts/qemu-guest.sh" >/dev/null 2>"$tmp/gerr"
case $? in
0) ;;
3) echo "SKIP: $(tail -n 1 "$tmp/gerr")"; exit 77 ;;
*) fail "guest image: $(tail -n 1 "$tmp/gerr")" ;;
esac

# fio cannot finish a 2 s job within 2 s of being asked: killed.
expect 1 "the guest did not finish fio within 2.0 s (killed); console: .*@@AIOTUNE START" \
	$R --accel tcg --guest-timeout 0
none_left "guest timeout"

# Ctrl-C while the guest boots: one line, status 130, QEMU stopped.
$R --accel tcg >"$tmp/out" 2>"$tmp/err" &
pid=$!
n=0
until pgrep -f "$tmp/disk" | grep -vq "^$pid\$"; do
	n=$((n + 1))
	[ $n -lt 300 ] || fail "QEMU did not start"
	sleep 0.1
done
sleep 1
kill -INT $pid
wait $pid
rc=$?
[ $rc -eq 130 ] || fail "Ctrl-C: exit $rc, want 130: $(cat "$tmp/err")"
grep -q "interrupted while the guest booted: QEMU stopped" "$tmp/err" ||
	fail "Ctrl-C: $(cat "$tmp/err")"
none_left "Ctrl-C"
echo "ok"
