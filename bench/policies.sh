#!/bin/sh
# policies.sh AIOTUNE: make bench-policies. The polling policies side by
# side on the devices of the reproduction (docs/FINDINGS.md): the simulated
# Optane (9 us), 30 us, P3700 (78 us) and 160 us devices behind the virtio
# front end, and this machine's disk, at iodepth 1 and 32, with
#	qemu      at poll-max-ns 0, 4k, 8k, 16k, 32k, 64k, 128k, 256k
#	qemu-ctx  at 32k (QEMU 2.9-9.2 at its default)
#	weight    at 32k (QEMU 11.1 at its default)
#	cost      at 1 ms
#	probe     at 1 ms (one setting for every device)
# Every repetition runs every setting once, in a random order drawn from
# SEED and the repetition (interleaved: drift hits all settings alike).
# Before the repetitions, one unmeasured run per device and iodepth with
# the fixed policy at 1 ms records the loop's trace (every gap up to 1 ms
# exact) for the offline simulator. Then bench/policies-report.py prints
# the table of goals and draws the frontier figure.
#
# Environment: REPS (5), SEED (from the clock, recorded), RUNTIME (500ms),
# RAMP (800ms: probe settles 100 ms, then probes for 300-600 ms), OUT (results/policies-<time>), DISK (the disk's file,
# default build/reproduce/disk.dat, written with dd when missing; "none"
# leaves the disk out), MAXLOAD (the tables use only the repetitions
# whose runs started at a median load average at most this; runs.csv
# keeps all), QUICK=1 (the P3700 and 160 us devices, qemu at
# 0, 32k, 128k, 256k, 3 repetitions of 300 ms: about 2 minutes here).
set -eu
A=${1:?usage: policies.sh AIOTUNE}
[ -x "$A" ] || { echo "policies: '$A' is not an executable aiotune" >&2; exit 2; }
quick=${QUICK:-0}
reps=${REPS:-5}
runtime=${RUNTIME:-500ms}
ramp=${RAMP:-800ms}
seed=${SEED:-$(date +%s)}
disk=${DISK:-build/reproduce/disk.dat}
out=${OUT:-results/policies-$(date +%Y%m%d-%H%M%S)}
jobs=sweep/jobs/reproduce

for v in "reps:$reps" "seed:$seed"; do
	case "${v#*:}" in
	''|*[!0-9]*) echo "policies: invalid ${v%%:*} '${v#*:}': allowed a" \
		"whole number" >&2; exit 2 ;;
	esac
done
[ "$reps" -ge 1 ] || { echo "policies: invalid REPS '$reps': allowed 1 or more" >&2; exit 2; }
case "$quick" in 0|1) ;; *) echo "policies: invalid QUICK '$quick': allowed 0, 1" >&2; exit 2 ;; esac

if [ "$quick" = 1 ]; then
	devices="p3700 slow"
	grid="0 32k 128k 256k"
	[ -n "${REPS:-}" ] || reps=3
	[ -n "${RUNTIME:-}" ] || runtime=300ms
	[ -n "${RAMP:-}" ] || ramp=700ms
	disk=none
else
	devices="optane mid p3700 slow"
	grid="0 4k 8k 16k 32k 64k 128k 256k"
fi
if [ "$disk" != none ]; then
	if [ ! -e "$disk" ]; then
		echo "== creating $disk (1 GiB, dd from /dev/zero, fsync) =="
		mkdir -p "$(dirname "$disk")"
		dd if=/dev/zero of="$disk" bs=1M count=1024 conv=fsync \
			status=none
	fi
	devices="$devices disk"
fi
if [ -e "$out" ] && [ -n "$(ls -A "$out" 2>/dev/null)" ]; then
	echo "policies: output directory '$out' exists and is not empty" >&2
	exit 2
fi
mkdir -p "$out/runs" "$out/traces"

# The device's engine and target, from its reproduction job file.
dev_args() {
	if [ "$1" = disk ]; then
		echo "--engine linux-aio --target $disk"
		return
	fi
	t=$(sed -n 's/^target *= *//p' "$jobs/$1.ini")
	[ -n "$t" ] || { echo "policies: no target in $jobs/$1.ini" >&2; exit 1; }
	echo "--engine simnvme --target $t"
}

# Every setting: name policy poll-max-ns.
settings() {
	for g in $grid; do echo "qemu-$g qemu $g"; done
	echo "qemu-ctx-32k qemu-ctx 32k"
	echo "weight-32k weight 32k"
	echo "cost-1m cost 1ms"
	echo "probe-1m probe 1ms"
}

common="--frontend virtio --guest-think 5us --fdmon poll --format json"
{
	echo "# bench-policies $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "aiotune: $("$A" version 2>/dev/null | head -1)"
	echo "git: $(git rev-parse HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (dirty)')"
	echo "host: $(uname -n) $(uname -r), $(nproc) CPUs"
	echo "seed: $seed  reps: $reps  runtime: $runtime  ramp: $ramp  quick: $quick"
	echo "devices: $devices"
	echo "grid: $grid"
	echo "jobs: $jobs"
	echo "loadavg at start: $(cat /proc/loadavg)"
	echo "niceness: $(nice) (the runs inherit it)"
} > "$out/meta.txt"

# The host's load while it runs, every 10 s (these are shared VMs).
( while :; do echo "$(date -u +%H:%M:%S) $(cat /proc/loadavg)"; sleep 10
  done ) > "$out/loadavg.txt" &
sampler=$!
trap 'kill "$sampler" 2>/dev/null' EXIT
trap 'exit 130' INT TERM

echo "== traces: fixed policy at 1 ms, one run per device and iodepth =="
for dev in $devices; do
	for qd in 1 32; do
		t="$out/traces/$dev-qd$qd.trace"
		# shellcheck disable=SC2046
		"$A" run $(dev_args "$dev") $common --iodepth "$qd" \
			--runtime 300ms --ramp 200ms --poll-policy fixed \
			--poll-max-ns 1ms --seed "$seed" --trace "$t.full" \
			> "$out/traces/$dev-qd$qd.json"
		head -n 20000 "$t.full" > "$t"
		rm -f "$t.full"
	done
done

# One line per run to do in repetition r, shuffled with SEED and r.
plan() {
	for dev in $devices; do
		for qd in 1 32; do
			settings | while read -r name pol max; do
				echo "$dev $qd $name $pol $max"
			done
		done
	done | awk -v s="$1" 'BEGIN { srand(s) } { print rand() "\t" $0 }' |
		sort -n | cut -f2-
}

total=0
for dev in $devices; do total=$((total + 2 * $(settings | wc -l))); done
total=$((total * reps))
echo "== $total runs: $reps repetitions, every setting once each, shuffled (seed $seed) =="
printf 'order,rep,device,iodepth,setting,policy,poll_max,loadavg1,json\n' \
	> "$out/plan.csv"
n=0
r=1
while [ "$r" -le "$reps" ]; do
	plan $((seed + r)) > "$out/plan-r$r.txt"
	while read -r dev qd name pol max; do
		n=$((n + 1))
		id="$dev-qd$qd-$name-r$r"
		la=$(cut -d' ' -f1 /proc/loadavg)
		# shellcheck disable=SC2046
		if ! "$A" run $(dev_args "$dev") $common --iodepth "$qd" \
			--runtime "$runtime" --ramp "$ramp" \
			--poll-policy "$pol" --poll-max-ns "$max" \
			--seed $((seed + n)) > "$out/runs/$id.json" \
			2> "$out/runs/$id.log"; then
			echo "policies: run $id failed: $(tail -1 "$out/runs/$id.log")" >&2
			rm -f "$out/runs/$id.json"
			continue
		fi
		rm -f "$out/runs/$id.log"
		printf '%d,%d,%s,%d,%s,%s,%s,%s,runs/%s.json\n' "$n" "$r" \
			"$dev" "$qd" "$name" "$pol" "$max" "$la" "$id" \
			>> "$out/plan.csv"
		printf '\r[%d/%d] %s   ' "$n" "$total" "$id" >&2
	done < "$out/plan-r$r.txt"
	rm -f "$out/plan-r$r.txt"
	r=$((r + 1))
done
echo >&2
echo "loadavg at end: $(cat /proc/loadavg)" >> "$out/meta.txt"
python3 bench/policies-report.py ${MAXLOAD:+--max-load "$MAXLOAD"} "$out" "$A"
