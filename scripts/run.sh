#!/bin/sh
# run.sh AIOTUNE: the main job (make run). Until the sweep exists this says so.
set -eu
aiotune=$1
if "$aiotune" sweep --help >/dev/null 2>&1; then
	exec sh scripts/quick-sweep.sh "$aiotune"
fi
echo "aiotune: the sweep is not available yet (workloads and sweep are still being built);"
echo "aiotune: built $aiotune and build/libaioloop.a; 'make test' runs the loop tests."
exit 0
