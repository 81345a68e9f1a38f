#!/bin/sh
# replay.sh: every fuzz target, built with the normal compiler
# (BUILD/tests/fuzz/replay-NAME), run once on each input of its committed
# corpus tests/fuzz/corpus/NAME/: the seeds and the reproducers of past
# findings must pass under make check and SAN=asan, with or without clang.
set -u
build=${BUILD:-build}
n=0
for dir in tests/fuzz/corpus/*/; do
	name=$(basename "$dir")
	bin=$build/tests/fuzz/replay-$name
	if [ ! -x "$bin" ]; then
		echo "FAIL: $bin is not built (listed in FUZZ_TARGETS?)"
		exit 1
	fi
	"$bin" "$dir" || { echo "FAIL: replay-$name"; exit 1; }
	n=$((n + 1))
done
[ $n -ge 6 ] || { echo "FAIL: only $n corpora"; exit 1; }
echo "replayed $n corpora"
