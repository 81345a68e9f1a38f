#!/bin/sh
# fleet-interrupt.sh: fleet.json is rewritten as each host ends, and
# SIGINT stops Ansible but keeps every host that finished. i1 runs as
# usual; i2's Python (ansible_python_interpreter, a script that sleeps
# first) never starts its first module. Once fleet.json says i1 is ok,
# SIGINT: aiotune exits 130, i1 stays ok with its results, i2 is pending,
# and nothing Ansible started for i2 is left running.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

mark=$tmp/slow-python
printf '#!/bin/sh\nsleep 300\nexec python3 "$@"\n' >"$mark"
chmod +x "$mark"
echo "[fleet]
i1 aiotune_install=binary aiotune_workdir=$tmp/w1
i2 aiotune_install=binary aiotune_workdir=$tmp/w2 ansible_python_interpreter=$mark
[fleet:vars]
ansible_connection=local
aiotune_deps=false" >"$tmp/inv"
D=$tmp/fleet
"$A" fleet --inventory "$tmp/inv" --job "$tmp/job.ini" --output "$D" \
	>"$tmp/out" 2>"$tmp/err" &
pid=$!
i1=
for _ in $(seq 1 120); do
	[ -f "$D/fleet.json" ] &&
		i1=$(jget "$D/fleet.json" 'j["hosts"][0]["status"]' 2>/dev/null)
	[ "$i1" = ok ] && break
	sleep 0.5
done
[ "$i1" = ok ] || { kill -INT $pid; fail "i1 never became ok: $(cat "$tmp/err")"; }
[ "$(jget "$D/fleet.json" 'j["hosts"][1]["status"]')" = pending ] ||
	fail "i2 is not pending while it runs"
kill -INT $pid
wait $pid
rc=$?
cat "$tmp/out" "$tmp/err"
[ $rc -eq 130 ] || fail "exit $rc after SIGINT, not 130"
J=$D/fleet.json
[ "$(jget "$J" '[h["status"] for h in j["hosts"]]')" = "['ok', 'pending']" ] ||
	fail "after SIGINT: $(cat "$J")"
[ -s "$D/i1/results.csv" ] || fail "i1's results are gone"
[ ! -e "$D/i2" ] || fail "i2 has results"
sleep 1
# shellcheck disable=SC2009
left=$(ps -eo pid,args | grep -F "$mark" | grep -v grep)
if [ -n "$left" ]; then
	echo "$left" | while read -r p _; do kill "$p"; done
	fail "left running: $left"
fi
echo "ok"
