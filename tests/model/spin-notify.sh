#!/bin/sh
# spin-notify.sh: model-check the notify_me/notified protocol of our loop
# (tests/model/aio_notify.pml) with spin. The correct model must verify
# with 0 errors and a complete search; each bug variant must be rejected
# (an assertion violation: a wake-up lost); a sanity variant proves the
# checked state is reachable, so the property is not vacuous.
# Exit 0 pass, 1 fail, 77 when spin (or a C compiler) is missing.
set -u

cc=${CC:-cc}
command -v spin >/dev/null 2>&1 || { echo "skip: spin is not installed"; exit 77; }
command -v "$cc" >/dev/null 2>&1 || { echo "skip: no C compiler ($cc)"; exit 77; }
model=$(cd "$(dirname "$0")" && pwd)/aio_notify.pml

tmp=$(mktemp -d "${TMPDIR:-/tmp}/aiotune-spin-XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0

# run NAME FLAGS...: build and run pan for the model with -D FLAGS in its
# own directory; leaves the verifier's output in $tmp/NAME/pan.out.
run() {
	name=$1
	shift
	dir=$tmp/$name
	mkdir -p "$dir" && cp "$model" "$dir/" || return 1
	(
		cd "$dir" || exit 1
		spin "$@" -a aio_notify.pml >spin.out 2>&1 || { cat spin.out; exit 1; }
		"$cc" -O0 -DSAFETY -o pan pan.c >cc.out 2>&1 || { cat cc.out; exit 1; }
		./pan -m200000 >pan.out 2>&1
		exit 0
	)
}

errors_of() {
	sed -n 's/.*errors: \([0-9][0-9]*\).*/\1/p' "$tmp/$1/pan.out" | head -n 1
}

# expect_ok NAME FLAGS...: 0 errors, search complete.
expect_ok() {
	name=$1
	if ! run "$@"; then
		echo "FAIL: $name: spin or cc failed"; fail=1; return
	fi
	e=$(errors_of "$name")
	states=$(sed -n 's/^ *\([0-9][0-9]*\) states, stored.*/\1/p' "$tmp/$name/pan.out")
	if [ "$e" != 0 ]; then
		echo "FAIL: $name: expected 0 errors, got '${e}'"
		cat "$tmp/$name/pan.out"; fail=1
	elif grep -q 'max search depth too small' "$tmp/$name/pan.out"; then
		echo "FAIL: $name: search truncated (max depth)"; fail=1
	else
		echo "ok: $name verifies: 0 errors, ${states} states"
	fi
}

# expect_reject NAME WHAT FLAGS...: spin reports "assertion violated WHAT".
expect_reject() {
	name=$1
	what=$2
	shift 2
	if ! run "$name" "$@"; then
		echo "FAIL: $name: spin or cc failed"; fail=1; return
	fi
	e=$(errors_of "$name")
	if [ -z "$e" ] || [ "$e" -lt 1 ] ||
	   ! grep -qF "assertion violated $what" "$tmp/$name/pan.out"; then
		echo "FAIL: $name: expected spin to report 'assertion violated $what', got errors '${e}'"
		cat "$tmp/$name/pan.out"; fail=1
	else
		echo "ok: $name rejected: $(grep -m1 'assertion violated' "$tmp/$name/pan.out")"
	fi
}

expect_ok correct
expect_ok correct-3-notifiers -DNOTIFIERS=3
expect_ok correct-aio-poll-only -DAIO_POLL_ONLY
expect_ok correct-gsource-only -DGSOURCE_ONLY
expect_reject sanity-stuck-state-reached 0 -DCHECK_STUCK_STATE_REACHED
# A lost wake-up: stuck with a BH still pending.
expect_reject bug-late-notify-me '(req==0)' -DBUG_LATE_NOTIFY_ME
expect_reject bug-no-notified-check '(req==0)' -DBUG_NO_NOTIFIED_CHECK
expect_reject bug-skip-when-notified '(req==0)' -DBUG_SKIP_WHEN_NOTIFIED

exit $fail
