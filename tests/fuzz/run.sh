#!/bin/sh
# run.sh BUILD SECONDS NAME...: run each libFuzzer target
# BUILD/tests/fuzz/fuzz-NAME for SECONDS on a scratch copy of its seed
# corpus tests/fuzz/corpus/NAME/ (with tests/fuzz/NAME.dict when there is
# one) and print per target the inputs run, coverage (libFuzzer's cov:
# edges, ft: features) and seconds. Exit 1 when a target crashed, leaked,
# hung, broke an invariant or printed a sanitizer report: its log and the
# input that did it (crash-*, leak-*, timeout-*) are in BUILD/fuzz-out/NAME/.
# Run from the repository root.
set -u
if [ $# -lt 3 ]; then
	echo "usage: run.sh BUILD SECONDS NAME..." >&2
	exit 2
fi
build=$1 secs=$2
shift 2
case $secs in
'' | *[!0-9]* | 0) echo "run.sh: invalid FUZZ_SECONDS '$secs': allowed" \
	"a whole number of seconds above 0" >&2; exit 2 ;;
esac
out=$build/fuzz-out
failed=""
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

for name in "$@"; do
	bin=$build/tests/fuzz/fuzz-$name
	work=$out/$name
	rm -rf "$work"
	mkdir -p "$work/corpus"
	cp tests/fuzz/corpus/"$name"/* "$work/corpus/" || exit 1
	dict=
	[ -f tests/fuzz/"$name".dict ] && dict=-dict=tests/fuzz/$name.dict
	start=$(date +%s.%N)
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$work/" $dict \
		"$work/corpus" >"$work/log" 2>&1
	rc=$?
	end=$(date +%s.%N)
	if [ $rc -eq 0 ] && grep -q -e 'runtime error:' -e 'Sanitizer' \
		"$work/log"; then
		rc=1
	fi
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
	cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$work/log" | tail -n 1)
	echo "${runs:-0} ${cov:-cov: 0 ft: 0} $end $start" | awk -v n="$name" \
		-v rc=$rc '{
			s = $6 - $7
			rate = s > 0 ? $1 / s : 0
			st = rc ? "FAIL" : "PASS"
			printf "%-5s fuzz-%-12s %9d runs %7d/s  cov %5d" \
				"  ft %6d  %5.1fs\n", st, n, $1, rate, $3, $5, s
		}'
	if [ $rc -ne 0 ]; then
		failed="$failed $name"
		grep -v '^#' "$work/log" | tail -n 40 | sed -e 's/^/    | /'
		ls "$work" | grep -e '^crash-' -e '^leak-' -e '^timeout-' \
			-e '^oom-' | sed -e "s|^|    reproduce: $bin $work/|"
	fi
done
if [ -n "$failed" ]; then
	echo "fuzz: failed:$failed"
	exit 1
fi
exit 0
