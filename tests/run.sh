#!/bin/sh
# run.sh TEST...: run each test program (or shell script) under a timeout,
# print one line per test and close with "N passed, N failed, N skipped".
# Exit codes: 0 pass, 77 skip, 124 timeout (a failure), anything else fail.
# TEST_TIMEOUT (seconds, default 120) bounds each test.
set -u
timeout_s=${TEST_TIMEOUT:-120}
pass=0 fail=0 skip=0 failed=""
logdir=${BUILD:-build}/test-logs
mkdir -p "$logdir"

for t in "$@"; do
	name=$(echo "$t" | sed -e "s|^${BUILD:-build}/||")
	log="$logdir/$(echo "$name" | tr '/' '_').log"
	start=$(date +%s.%N)
	case "$t" in
	*.sh) timeout -s INT -k 10 "$timeout_s" sh "$t" >"$log" 2>&1 ;;
	*) timeout -s INT -k 10 "$timeout_s" "$t" >"$log" 2>&1 ;;
	esac
	rc=$?
	end=$(date +%s.%N)
	secs=$(echo "$end $start" | awk '{ printf "%.1f", $1 - $2 }')
	case $rc in
	0) pass=$((pass + 1)); printf 'PASS  %-44s %6ss\n' "$name" "$secs" ;;
	77) skip=$((skip + 1))
	    why=$(grep -m1 -i 'skip' "$log" | cut -c1-60)
	    printf 'SKIP  %-44s %6ss  %s\n' "$name" "$secs" "$why" ;;
	124) fail=$((fail + 1)); failed="$failed $name"
	    printf 'FAIL  %-44s %6ss  (timed out after %ss)\n' "$name" "$secs" "$timeout_s" ;;
	*) fail=$((fail + 1)); failed="$failed $name"
	    printf 'FAIL  %-44s %6ss  (exit %s)\n' "$name" "$secs" "$rc" ;;
	esac
	if [ $rc -ne 0 ] && [ $rc -ne 77 ]; then
		sed -e 's/^/    | /' "$log" | tail -n 40
	fi
done

echo "${pass} passed, ${fail} failed, ${skip} skipped"
[ $fail -eq 0 ] || { echo "failed:$failed"; exit 1; }
exit 0
