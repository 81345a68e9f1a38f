#!/bin/sh
# fleet-args.sh: `aiotune fleet --dry-run` prints the hosts, what runs on
# each and where its results go, and runs and creates nothing (no fleet
# directory, no host's working directory); a resume's dry run names the
# hosts it would run again. Command lines that cannot be right are
# refused in one line naming the value, with exit 2, before anything is
# written: missing or unknown flags, bad values, an inventory Ansible
# cannot read or a bad aiotune_* variable in it, a pattern that matches
# no host, a job file that is not one, an --output that is not empty,
# --resume of a directory that is no fleet's or with flags it keeps. A
# host Ansible cannot reach (ssh to a closed port) is failed with
# Ansible's message as its reason.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

inventory "$tmp/inv" d1:source:"$tmp/w1" d2:binary:"$tmp/w2"
D=$tmp/fleet
"$A" fleet --inventory "$tmp/inv" --job "$tmp/job.ini" --seed 5 \
	--output "$D" --dry-run >"$tmp/out" 2>"$tmp/err" ||
	fail "dry run: exit $?: $(cat "$tmp/err")"
cat "$tmp/out"
[ ! -e "$D" ] || fail "the dry run created $D"
[ ! -e "$tmp/w1" ] && [ ! -e "$tmp/w2" ] || fail "the dry run made a work directory"
grep -q "2 host(s)" "$tmp/out" || fail "no host count"
grep -q "^host d1 (local connection): in $tmp/w1" "$tmp/out" || fail "no d1"
grep -q "^host d2 (local connection): in $tmp/w2" "$tmp/out" || fail "no d2"
grep -q "make -j.*NO_DEPS=1 SAN= BUILD=build build/aiotune" "$tmp/out" || fail "d1 builds nothing"
grep -q "$tmp/w1/src/build/aiotune sweep --job $tmp/w1/job.ini --seed 5 --name tiny --output $tmp/w1/results" "$tmp/out" ||
	fail "d1's sweep command"
grep -q "copy .*aiotune to $tmp/w2/aiotune" "$tmp/out" || fail "d2's copy"
grep -q "fetch  $tmp/w2/results/ into $D/d2/" "$tmp/out" || fail "d2's destination"
grep -q "2 runs, seed 5" "$tmp/out" || fail "no sweep plan"
"$A" fleet --inventory "$tmp/inv" --job "$tmp/job.ini" --hosts d2 \
	--output "$D" --dry-run >"$tmp/out" 2>&1 || fail "--hosts d2: exit $?"
grep -q "^host d1" "$tmp/out" && fail "--hosts d2 selected d1"
grep -q "1 host(s)" "$tmp/out" || fail "--hosts d2: $(cat "$tmp/out")"

# refused ERRTEXT ARGS...: exit 2, one line holding ERRTEXT, nothing made.
refused()
{
	want=$1
	shift
	"$A" fleet "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -eq 2 ] || fail "fleet $*: exit $rc, not 2: $(cat "$tmp/err")"
	[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "fleet $*: not one line: $(cat "$tmp/err")"
	grep -qF -- "$want" "$tmp/err" || fail "fleet $*: '$(cat "$tmp/err")' lacks '$want'"
	[ ! -e "$D" ] || fail "fleet $* created $D"
}
I="--inventory $tmp/inv"
refused "missing --inventory" --job "$tmp/job.ini"
refused "missing --job" $I
refused "unknown option '--bogus'" $I --job "$tmp/job.ini" --bogus 1
refused "unexpected argument 'x'" $I x
refused "missing value for --job" $I --job
refused "invalid value '-1' for --seed" $I --job "$tmp/job.ini" --seed -1
refused "invalid value 'abc' for --seed" $I --job "$tmp/job.ini" --seed abc
refused "invalid value 'a/b' for --name" $I --job "$tmp/job.ini" --name a/b
refused "invalid value '$tmp/none' for --inventory" --inventory "$tmp/none" --job "$tmp/job.ini"
refused "$tmp/nojob" $I --job "$tmp/nojob" --output "$D"
refused "no host matches 'nosuch'" $I --job "$tmp/job.ini" --hosts nosuch --output "$D"
printf '[g\nx = = =\n' >"$tmp/badinv"
refused "$tmp/badinv" --inventory "$tmp/badinv" --job "$tmp/job.ini" --output "$D"
inventory "$tmp/inv3" e1:bogus:"$tmp/w1"
refused "invalid value 'bogus' for aiotune_install: allowed source, package, binary" \
	--inventory "$tmp/inv3" --job "$tmp/job.ini" --output "$D"
inventory "$tmp/inv4" e1:binary:relative/dir
refused "invalid value 'relative/dir' for aiotune_workdir" \
	--inventory "$tmp/inv4" --job "$tmp/job.ini" --output "$D"
mkdir "$tmp/full" && touch "$tmp/full/x"
refused "invalid value '$tmp/full' for --output" $I --job "$tmp/job.ini" --output "$tmp/full"
mkdir "$tmp/notfleet"
refused "invalid value '$tmp/notfleet' for --resume" --resume "$tmp/notfleet"
rmdir "$tmp/notfleet" || fail "--resume of no fleet wrote into it"
refused "--resume DIR and --job" --resume "$tmp/full" --job "$tmp/job.ini"
refused "--resume DIR and --seed" --resume "$tmp/full" --seed 3
refused "--resume DIR and --output" --resume "$tmp/full" --output "$tmp/o"

if command -v ssh >/dev/null 2>&1; then
	echo "u1 ansible_host=127.0.0.1 ansible_port=1 aiotune_install=binary aiotune_workdir=$tmp/wu" >"$tmp/un.ini"
	"$A" fleet --inventory "$tmp/un.ini" --job "$tmp/job.ini" \
		--output "$tmp/un" >"$tmp/out" 2>&1
	rc=$?
	[ $rc -eq 1 ] || fail "unreachable host: exit $rc: $(cat "$tmp/out")"
	reason=$(jget "$tmp/un/fleet.json" 'j["hosts"][0]["status"] + " " + j["hosts"][0]["reason"]')
	case $reason in
	"failed unreachable: "*"127.0.0.1 port 1"*) ;;
	*) fail "unreachable host: '$reason'" ;;
	esac
fi
echo "ok"
