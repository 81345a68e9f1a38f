#!/bin/sh
# quick-sweep.sh AIOTUNE: the main job (make run): the quick sweep of
# sweep/jobs/quick.ini on the simulated NVMe device, then its figures,
# its report and the recommendation. Ctrl-C stops after the current run;
# the sweep then prints how to resume it.
set -eu
A=$1
job=sweep/jobs/quick.ini

echo "== aiotune: quick sweep ($job) =="
dir=$("$A" sweep --job "$job")
echo
echo "== figures =="
"$A" plot "$dir" | grep '\.png$'
echo
echo "== report =="
"$A" report "$dir"
echo
echo "== recommendation (aiotune recommend $dir) =="
"$A" recommend "$dir"
echo
echo "results: $dir (results.csv, runs/*.json, meta.json, figures/, report.html)"
