#!/bin/sh
# fleet-source.sh: a host of Ansible's local connection that builds
# aiotune from the source tarball the fleet makes of this source tree
# (aiotune_install=source, the default; the packages taken as present;
# at -O0, aiotune_make_args, to build sooner):
# the tarball holds GIT-REV, the host's build reads it, its sweep's
# meta.json says so, and the results come back. The hosts of the other
# tests copy this binary instead (a build takes a minute here).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

src=$(cd "$here/../.." && pwd)
[ -f "$src/fleet/playbook.yml" ] || fail "no source tree at $src"
echo "[fleet]
b1 aiotune_workdir=$tmp/w1 aiotune_make_args=OPT=-O0
[fleet:vars]
ansible_connection=local
aiotune_deps=false" >"$tmp/inv"
# From another directory, into the default results/fleet-NAME-<time>/.
mkdir "$tmp/cwd"
(cd "$tmp/cwd" && "$A" fleet --inventory ../inv --job ../job.ini --seed 9) \
	>"$tmp/out" 2>"$tmp/err" ||
	fail "exit $?: $(cat "$tmp/err"; tail -n 30 "$tmp"/cwd/results/*/.fleet/ansible-*.log)"
cat "$tmp/out"
D=$(echo "$tmp"/cwd/results/fleet-tiny-2*)
[ -d "$D" ] || fail "no results/fleet-tiny-<time>/ in the current directory"
[ "$(tail -n 1 "$tmp/out")" = "results/${D##*/results/}" ] ||
	fail "the summary does not end with the fleet's directory"
J=$D/fleet.json
[ "$(jget "$J" '[(h["status"], h["install"]) for h in j["hosts"]]')" = \
	"[('ok', 'source')]" ] || fail "$(cat "$J")"
tar -tzf "$D/.fleet/source.tar.gz" >"$tmp/list" || fail "no source tarball"
for f in GIT-REV Makefile fleet/playbook.yml scripts/deps.sh util/version.c; do
	grep -qx "$f" "$tmp/list" || fail "the tarball has no $f"
done
grep -q '^build/' "$tmp/list" && fail "the tarball holds build/"
[ -x "$tmp/w1/src/build/aiotune" ] || fail "nothing was built on the host"
rev=$(cat "$tmp/w1/src/GIT-REV")
[ "$(jget "$D/b1/meta.json" 'j["git"]')" = "$rev" ] ||
	fail "the host's aiotune says git $(jget "$D/b1/meta.json" 'j["git"]'), GIT-REV $rev"
[ "$(($(wc -l <"$D/b1/results.csv") - 1))" -eq 2 ] || fail "not 2 runs"
echo "ok"
