#!/bin/sh
# sweep-claim.sh: a results directory has one writer at a time. While a
# sweep holds it (its run held still by the fake runner's FAKE_RUN_HOLD),
# a second sweep with the same --output and a --resume of it are refused
# in one line (exit 2) naming the directory and the holder's pid, and
# change nothing in it; of two sweeps started together on one directory
# exactly one runs and the directory is all its own. A sweep whose parent
# is killed (SIGKILL) leaves no run behind; the resume that follows runs
# that run again into another temporary file. failed_runs never lists a
# run that has a result. No step depends on timing: the held run tells
# the test its pid through a FIFO and waits on another.
set -u
here=$(cd "$(dirname "$0")" && pwd)
A=${AIOTUNE:?}
tmp=$(mktemp -d)
kill_list=
cleanup()
{
	for p in $kill_list; do
		kill -9 "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
export AIOTUNE_RUN_CMD="sh $here/fake-run.sh"
fail() { echo "FAIL: $*"; exit 1; }
rows() { echo $(($(wc -l <"$1/results.csv") - 1)); }
# A process that is there and not a zombie.
alive() { [ -r "/proc/$1/stat" ] && ! sed 's/.*) //' "/proc/$1/stat" | grep -q '^Z'; }
# Every file of a directory with its checksum, to see that nothing changed.
sums() { (cd "$1" && find . -type f | sort | xargs cksum); }
# The first "seed" of a JSON file (plan.json writes it as a string).
seed_of() { sed -n 's/.*"seed": "*\([0-9]*\).*/\1/p' "$1" | head -1; }
# hold DIR: FIFOs for FAKE_RUN_HOLD=DIR.
hold() { mkdir "$1" && mkfifo "$1/started" "$1/go"; }
# started DIR: the pid of the held run, once it is running.
started() { timeout 60 cat "$1/started"; }

one="--target sim:lat=fixed:20us --poll-max-ns 0 --iodepth 1 --runtime 100ms --ramp 0 --repetitions 1"

# A sweep holding $tmp/d, its only run held.
hold "$tmp/h1"
FAKE_RUN_HOLD=$tmp/h1 $A sweep $one --seed 1 --output "$tmp/d" \
	>"$tmp/out1" 2>"$tmp/err1" &
s1=$!
kill_list="$kill_list $s1"
run1=$(started "$tmp/h1") || fail "the held run did not start: $(cat "$tmp/err1")"
kill_list="$kill_list $run1"
before=$(sums "$tmp/d")

# A second sweep on the same directory is refused: one line naming the
# directory and the pid of the sweep that holds it.
$A sweep $one --seed 2 --output "$tmp/d" >/dev/null 2>"$tmp/e"
rc=$?
[ $rc -eq 2 ] || fail "second sweep on a directory in use: exit $rc: $(cat "$tmp/e")"
[ "$(wc -l <"$tmp/e")" -eq 1 ] || fail "not one line: $(cat "$tmp/e")"
grep -q "$tmp/d" "$tmp/e" || fail "directory not named: $(cat "$tmp/e")"
grep -q "pid $s1" "$tmp/e" || fail "holder pid $s1 not named: $(cat "$tmp/e")"
# So is a resume of it, and neither changed anything in it.
$A sweep --resume "$tmp/d" >/dev/null 2>"$tmp/e"
rc=$?
[ $rc -eq 2 ] || fail "resume of a directory in use: exit $rc: $(cat "$tmp/e")"
[ "$(wc -l <"$tmp/e")" -eq 1 ] || fail "not one line: $(cat "$tmp/e")"
grep -q "$tmp/d" "$tmp/e" || fail "directory not named: $(cat "$tmp/e")"
grep -q "pid $s1" "$tmp/e" || fail "holder pid $s1 not named: $(cat "$tmp/e")"
[ "$(sums "$tmp/d")" = "$before" ] || fail "a refused sweep changed $tmp/d"

# Let the held run finish: the first sweep completes as if alone.
: >"$tmp/h1/go"
wait $s1
rc=$?
[ $rc -eq 0 ] || fail "the first sweep: exit $rc: $(cat "$tmp/err1")"
[ "$(rows "$tmp/d")" -eq 1 ] || fail "$(rows "$tmp/d") rows"
grep -q '"failed_runs": \[\]' "$tmp/d/meta.json" ||
	fail "failed runs recorded: $(cat "$tmp/d/meta.json")"
# Once it is done, the directory can be resumed (nothing left to run).
$A sweep --resume "$tmp/d" >/dev/null 2>"$tmp/e" ||
	fail "resume after the sweep ended: $(cat "$tmp/e")"

# Two sweeps started together on one directory: one runs, the other is
# refused, and the plan and meta.json are both of the one that ran.
for i in 1 2 3; do
	$A sweep $one --seed 1 --output "$tmp/c$i" >/dev/null 2>"$tmp/ca" &
	a=$!
	$A sweep $one --seed 2 --output "$tmp/c$i" >/dev/null 2>"$tmp/cb" &
	b=$!
	wait $a
	ra=$?
	wait $b
	rb=$?
	[ "$ra$rb" = 02 ] || [ "$ra$rb" = 20 ] ||
		fail "two sweeps on one directory: exits $ra and $rb: $(cat "$tmp/ca" "$tmp/cb")"
	ps=$(seed_of "$tmp/c$i/plan.json")
	ms=$(seed_of "$tmp/c$i/meta.json")
	[ -n "$ps" ] && [ "$ps" = "$ms" ] ||
		fail "plan.json has seed $ps, meta.json $ms"
done

# The parent of a running sweep is killed: its run does not go on.
hold "$tmp/h2"
FAKE_RUN_HOLD=$tmp/h2 FAKE_RUN_OUTLOG=$tmp/outlog $A sweep $one --seed 3 \
	--output "$tmp/k" >/dev/null 2>"$tmp/err2" &
s2=$!
kill_list="$kill_list $s2"
run2=$(started "$tmp/h2") || fail "the held run did not start: $(cat "$tmp/err2")"
kill_list="$kill_list $run2"
kill -9 $s2
wait $s2 2>/dev/null
for i in $(seq 300); do
	alive "$run2" || break
	sleep 0.1
done
alive "$run2" && fail "run $run2 still running after its sweep was killed"
# The resume runs it again, into a file of its own, and leaves no
# temporary file behind.
FAKE_RUN_OUTLOG=$tmp/outlog $A sweep --resume "$tmp/k" >/dev/null \
	2>"$tmp/e" || fail "resume after the kill: $(cat "$tmp/e")"
[ "$(rows "$tmp/k")" -eq 1 ] || fail "$(rows "$tmp/k") rows after resume"
[ "$(wc -l <"$tmp/outlog")" -eq 2 ] || fail "not two attempts: $(cat "$tmp/outlog")"
[ "$(cut -d' ' -f1 "$tmp/outlog" | sort -u | wc -l)" -eq 1 ] ||
	fail "two attempts of other runs: $(cat "$tmp/outlog")"
[ "$(cut -d' ' -f2 "$tmp/outlog" | sort -u | wc -l)" -eq 2 ] ||
	fail "both attempts wrote one temporary file: $(cat "$tmp/outlog")"
[ -z "$(ls "$tmp/k/tmp")" ] || fail "left in tmp/: $(ls "$tmp/k/tmp")"

# A run that failed and then succeeded on resume is not in failed_runs.
FAKE_RUN_FAIL_POLL=0 $A sweep $one --seed 4 --output "$tmp/f" \
	>/dev/null 2>&1
[ $? -eq 1 ] || fail "failing sweep: not exit 1"
grep -q '"failed_runs": \[\]' "$tmp/f/meta.json" && fail "failure not recorded"
$A sweep --resume "$tmp/f" >/dev/null 2>"$tmp/e" ||
	fail "resume of the failed run: $(cat "$tmp/e")"
grep -q '"failed_runs": \[\]' "$tmp/f/meta.json" ||
	fail "stale failed_runs after the retry: $(cat "$tmp/f/meta.json")"
# A stale entry left by an older aiotune (a run with a result listed as
# failed) is cleared by a resume.
id=$(sed -n 2p "$tmp/f/results.csv" | cut -d, -f2)
sed "s/\"failed_runs\": \[\]/\"failed_runs\": [{\"run_id\": \"$id\", \"why\": \"stale\"}]/" \
	"$tmp/f/meta.json" >"$tmp/m" && cp "$tmp/m" "$tmp/f/meta.json"
grep -q stale "$tmp/f/meta.json" || fail "test setup: no stale entry"
$A sweep --resume "$tmp/f" >/dev/null 2>"$tmp/e" ||
	fail "resume with a stale failure: $(cat "$tmp/e")"
grep -q stale "$tmp/f/meta.json" && fail "stale failed_runs entry kept"
echo "sweep-claim: ok"
