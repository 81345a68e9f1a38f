#!/bin/sh
# qemu-faults.sh: faults of a booted QEMU guest end in one line, the right
# exit status and no QEMU process left: a guest that does not finish in
# time (killed, the console's last lines in the message), --accel auto
# where KVM cannot boot the guest (TCG, one warning line), Ctrl-C while
# the guest boots (130).
name=qemu-faults
. "$(dirname "$0")/lib.sh"
R="$A run --engine qemu --target $tmp/disk --ramp 0"
# Only where a guest image can be had.
sh "$(dirname "$0")/../../scripts/qemu-guest.sh" >/dev/null 2>"$tmp/gerr"
case $? in
0) ;;
3) echo "SKIP: $(tail -n 1 "$tmp/gerr")"; exit 77 ;;
*) fail "guest image: $(tail -n 1 "$tmp/gerr")" ;;
esac

# fio cannot finish a 2 s job within 2 s of being asked: killed.
expect 1 "the guest did not finish fio within 2.0 s (killed); console: .*@@AIOTUNE START" \
	$R --runtime 2 --accel tcg --guest-timeout 0
none_left "guest timeout"

# --accel auto where KVM cannot boot the guest (a QEMU that refuses
# -accel kvm at once): TCG, with one warning line, recorded as emulated.
cat >"$tmp/qemu" <<EOF2
#!/bin/sh
for a in "\$@"; do
	[ "\$a" = kvm ] && { echo "test: no KVM" >&2; exit 1; }
done
exec $(command -v qemu-system-x86_64) "\$@"
EOF2
chmod +x "$tmp/qemu"
AIOTUNE_QEMU=$tmp/qemu $R --runtime 1 --accel auto --format json \
	>"$tmp/out" 2>"$tmp/err" || fail "auto: exit $?: $(cat "$tmp/err")"
[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "auto: $(cat "$tmp/err")"
grep -q "warning: --accel auto: KVM unusable .*: using TCG, an emulated guest" \
	"$tmp/err" || fail "auto: $(cat "$tmp/err")"
python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["job"]["accel"] == "tcg" and r["qemu"]["emulated"] is True, r["qemu"]
assert r["qemu"]["accel_requested"] == "auto", r["qemu"]
assert r["result"]["iops"] > 0
' "$tmp/out" || fail "auto: the result"
none_left "accel auto"

# Ctrl-C while the guest boots: one line, status 130, QEMU stopped.
$R --runtime 2 --accel tcg >"$tmp/out" 2>"$tmp/err" &
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
