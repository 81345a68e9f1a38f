#!/bin/sh
# fleet-local.sh: the real ansible-playbook against three hosts that use
# Ansible's local connection, each with its own working directory; h3's
# is below a regular file, so it fails there. The hosts get this aiotune
# binary (aiotune_install=binary: no build; fleet-source.sh builds). Two
# results come back, each host's sweep ran with the fleet's seed in its
# own directory, fleet.json names h3's failure with its reason; after the
# inventory is fixed, --resume runs h3 alone and leaves h1 and h2 as they
# were; a second resume has nothing to run.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

touch "$tmp/afile"
inventory "$tmp/inv" h1:binary:"$tmp/w1" h2:binary:"$tmp/w2" \
	h3:binary:"$tmp/afile/w3"
D=$tmp/fleet
"$A" fleet --inventory "$tmp/inv" --job "$tmp/job.ini" --seed 4242 \
	--output "$D" >"$tmp/out" 2>"$tmp/err"
rc=$?
cat "$tmp/out"
[ $rc -eq 1 ] || fail "exit $rc, not 1 (one host failed): $(cat "$tmp/err")"
J=$D/fleet.json
[ "$(jget "$J" 'j["format_version"]')" = 1 ] || fail "format_version"
[ "$(jget "$J" 'j["seed"]')" = 4242 ] || fail "seed"
[ "$(jget "$J" 'j["name"]')" = tiny ] || fail "name"
[ "$(jget "$J" 'j["finished"] != ""')" = True ] || fail "no finished time"
for k in format_version name job seed inventory started finished version hosts; do
	[ "$(jget "$J" "'$k' in j")" = True ] || fail "fleet.json has no $k"
done
[ "$(jget "$J" '[h["name"] + "=" + h["status"] for h in j["hosts"]]')" = \
	"['h1=ok', 'h2=ok', 'h3=failed']" ] || fail "statuses: $(cat "$J")"
for k in name status reason subdir install elapsed_s; do
	[ "$(jget "$J" "all('$k' in h for h in j['hosts'])")" = True ] ||
		fail "a host without $k"
done
reason=$(jget "$J" 'j["hosts"][2]["reason"]')
case $reason in
"work directory:"*"Not a directory"*) ;;
*) fail "h3's reason: '$reason'" ;;
esac
grep -q "h3 .*failed.*Not a directory" "$tmp/out" || fail "summary: no h3 failure"
[ "$(jget "$J" '[h["subdir"] for h in j["hosts"]]')" = "['h1', 'h2', '']" ] ||
	fail "subdirs"
[ ! -e "$D/h3" ] || fail "h3 has a results directory"
for h in h1 h2; do
	csv=$D/$h/results.csv
	[ -s "$csv" ] || fail "$h: no results.csv"
	[ "$(($(wc -l <"$csv") - 1))" -eq 2 ] || fail "$h: not 2 runs"
	[ "$(jget "$D/$h/plan.json" 'j["seed"]')" = 4242 ] || fail "$h: seed"
	grep -q "$tmp/w${h#h}/job.ini" "$D/$h/meta.json" ||
		fail "$h: its sweep did not run in its own directory"
	[ "$(jget "$J" "[x for x in j['hosts'] if x['name'] == '$h'][0]['install']")" = binary ] ||
		fail "$h: install"
done
cmp -s "$D/job.ini" "$tmp/job.ini" || fail "job.ini is not the job file"
# The same seed, the same run order on every host.
cmp -s "$D/h1/plan.json" "$D/h2/plan.json" || fail "the hosts' plans differ"

# Fixed: h3 works in a directory it can create. Only h3 runs again.
inventory "$tmp/inv2" h1:binary:"$tmp/w1" h2:binary:"$tmp/w2" \
	h3:binary:"$tmp/w3"
before=$(stat -c '%i %Y' "$D/h1/results.csv" "$D/h2/results.csv" "$D/h1" "$D/h2")
hosts_before=$(jget "$J" 'j["hosts"][:2]')
"$A" fleet --resume "$D" --inventory "$tmp/inv2" >"$tmp/out" 2>"$tmp/err" ||
	fail "resume: exit $?: $(cat "$tmp/err")"
cat "$tmp/out"
[ "$(cat "$D/.fleet/hosts")" = h3 ] || fail "the resume ran $(cat "$D/.fleet/hosts")"
[ "$(jget "$J" '[h["status"] for h in j["hosts"]]')" = "['ok', 'ok', 'ok']" ] ||
	fail "after the resume: $(cat "$J")"
[ "$(jget "$J" 'j["hosts"][2]["reason"]')" = "" ] || fail "h3 kept a reason"
[ "$(jget "$J" 'j["inventory"]')" = "$tmp/inv2" ] || fail "the fixed inventory"
[ "$(jget "$J" 'j["hosts"][:2]')" = "$hosts_before" ] || fail "h1, h2 records changed"
[ "$(stat -c '%i %Y' "$D/h1/results.csv" "$D/h2/results.csv" "$D/h1" "$D/h2")" = "$before" ] ||
	fail "h1 or h2's results were touched"
[ "$(($(wc -l <"$D/h3/results.csv") - 1))" -eq 2 ] || fail "h3: not 2 runs"
[ "$(jget "$D/h3/plan.json" 'j["seed"]')" = 4242 ] || fail "h3: seed"
cmp -s "$D/h1/plan.json" "$D/h3/plan.json" || fail "h3's plan differs"

"$A" fleet --resume "$D" >"$tmp/out" 2>&1 || fail "second resume: exit $?"
grep -q "nothing to run" "$tmp/out" || fail "second resume: $(cat "$tmp/out")"
echo "ok"
