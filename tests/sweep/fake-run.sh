#!/bin/sh
# fake-run.sh run --flag VALUE ...: a stand-in for `aiotune run --format
# json` used through the sweep's test hook (AIOTUNE_RUN_CMD="sh
# tests/sweep/fake-run.sh"). It prints a run JSON (docs/run-json.md) whose
# IOPS follow a known model, so the sweep, plot and recommend logic can be
# tested without measuring: a device of latency L (from sim:lat=fixed:Lus,
# default 20us) gives 1e9/(L+25us) IOPS per request in flight when
# poll-max-ns < L (every completion waits for a wake-up) and 1e9/(L+1us)
# from poll-max-ns >= L on (polling catches it), +-2% noise from --seed;
# IOThread CPU 35% without polling, 100% with.
# Knobs (environment): FAKE_RUN_SLEEP seconds per run; FAKE_RUN_LOG file
# that gets one line "poll iodepth seed" per run; FAKE_RUN_FAIL_POLL=P
# fails runs at poll-max-ns P (exit 1); FAKE_RUN_USAGE=1 exits 2;
# FAKE_RUN_LIE=1 reports another poll-max-ns than asked;
# FAKE_RUN_SKIP_PLACEMENT=P exits 3 (cannot be realized) for placement P;
# FAKE_RUN_HOLD=DIR writes its pid into the FIFO DIR/started, then waits
# until the FIFO DIR/go is opened for writing (a run held still while a
# test looks at the sweep); FAKE_RUN_OUTLOG file that gets one line
# "seed stdout-path" per run (the seed names the run: where each attempt
# of a run wrote its output).
set -eu
[ "${1:-}" = run ] || { echo "fake-run: expected 'run'" >&2; exit 2; }
shift
engine=simnvme target=sim:lat=fixed:20us rw=randread bs=4096 iodepth=1
iothreads=1 frontend=direct placement=none policy=qemu grow=0 shrink=0
weight=0 fdmon=auto runtime=10000000000 ramp=2000000000 poll=32768 seed=1
think=0 uring_ring=auto ring_flags=auto
while [ $# -gt 0 ]; do
	v=${2:-}
	case $1 in
	--engine) engine=$v ;; --target) target=$v ;; --rw) rw=$v ;;
	--bs) bs=$v ;; --iodepth) iodepth=$v ;; --iothreads) iothreads=$v ;;
	--frontend) frontend=$v ;; --placement) placement=$v ;;
	--guest-think) think=$v ;;
	--poll-policy) policy=$v ;; --poll-grow) grow=$v ;;
	--poll-shrink) shrink=$v ;; --poll-weight) weight=$v ;;
	--fdmon) fdmon=$v ;; --runtime) runtime=${v%ns} ;;
	--uring-ring) uring_ring=$v ;; --ring-flags) ring_flags=$v ;;
	--ramp) ramp=${v%ns} ;; --poll-max-ns) poll=$v ;; --seed) seed=$v ;;
	--format) [ "$v" = json ] || { echo "fake-run: json only" >&2; exit 2; } ;;
	*) echo "fake-run: unknown option '$1'" >&2; exit 2 ;;
	esac
	shift 2
done
[ -z "${FAKE_RUN_USAGE:-}" ] || { echo "aiotune: invalid value for --fake" >&2; exit 2; }
[ -z "${FAKE_RUN_LOG:-}" ] || echo "$poll $iodepth $seed" >>"$FAKE_RUN_LOG"
[ -z "${FAKE_RUN_OUTLOG:-}" ] ||
	echo "$seed $(readlink /proc/$$/fd/1)" >>"$FAKE_RUN_OUTLOG"
if [ -n "${FAKE_RUN_HOLD:-}" ]; then
	echo $$ >"$FAKE_RUN_HOLD/started"
	: <"$FAKE_RUN_HOLD/go"
fi
if [ -n "${FAKE_RUN_SKIP_PLACEMENT:-}" ] &&
   [ "$FAKE_RUN_SKIP_PLACEMENT" = "$placement" ]; then
	echo "aiotune: placement '$placement' skipped: not on this host" >&2
	exit 3
fi
if [ -n "${FAKE_RUN_FAIL_POLL:-}" ] && [ "$FAKE_RUN_FAIL_POLL" = "$poll" ]; then
	echo "aiotune: fake failure at poll-max-ns $poll" >&2
	exit 1
fi
[ -z "${FAKE_RUN_SLEEP:-}" ] || sleep "$FAKE_RUN_SLEEP"
lat_us=$(echo "$target" | sed -n 's/.*lat=fixed:\([0-9]*\)us.*/\1/p')
[ -n "$lat_us" ] || lat_us=20
[ -z "${FAKE_RUN_LIE:-}" ] || poll=$((poll + 1))
awk -v L="$lat_us" -v P="$poll" -v Q="$iodepth" -v S="$seed" \
    -v engine="$engine" -v target="$target" -v rw="$rw" -v bs="$bs" \
    -v th="$iothreads" -v fe="$frontend" -v pl="$placement" -v gt="$think" \
    -v pol="$policy" -v grow="$grow" -v shrink="$shrink" -v w="$weight" \
    -v fd="$fdmon" -v rt="$runtime" -v ramp="$ramp" -v ur="$uring_ring" \
    -v rf="$ring_flags" 'BEGIN {
	hit = (P >= L * 1000)
	lat = L * 1000 + (hit ? 1000 : 25000)
	noise = 1 + ((S % 41) - 20) / 1000.0
	iops = Q * th * 1e9 / lat * noise
	cpu = hit ? 100 : 35
	ios = int(iops * rt / 1e9)
	printf "{\"format_version\": 1, \"tool\": \"aiotune\", \"version\": \"fake\", \"git\": \"fake\",\n"
	printf " \"start_time\": \"2026-01-01T00:00:00Z\", \"command_line\": \"fake-run\",\n"
	printf " \"job\": {\"engine\": \"%s\", \"target\": \"%s\", \"rw\": \"%s\", \"bs_bytes\": %d, \"iodepth\": %d,\n", engine, target, rw, bs, Q
	printf "  \"runtime_ns\": %d, \"ramp_ns\": %d, \"iothreads\": %d, \"frontend\": \"%s\", \"guest_think\": \"%s\",\n", rt, ramp, th, fe, gt
	printf "  \"direct\": true, \"poll_max_ns\": %d, \"poll_grow\": %d, \"poll_shrink\": %d, \"poll_policy\": \"%s\",\n", P, grow, shrink, pol
	printf "  \"poll_weight\": %d, \"fdmon\": \"%s\", \"placement\": \"%s\", \"aio_max_batch\": 0,\n", w, fd, pl
	printf "  \"uring_ring\": \"%s\", \"ring_flags\": \"%s\"},\n", ur, rf
	printf " \"result\": {\"ios\": %d, \"errors\": 0, \"measured_ns\": %d, \"iops\": %.3f, \"bw_bytes\": %.1f,\n", ios, rt, iops, iops * bs
	printf "  \"lat_ns\": {\"min\": %d, \"mean\": %d, \"p50\": %d, \"p90\": %d, \"p99\": %d, \"p99_9\": %d, \"max\": %d},\n", lat * 0.9, lat, lat, lat * 1.1, lat * 1.5, lat * 2, lat * 3
	printf "  \"hist\": {\"plat_bits\": 6, \"buckets\": [[1000, %d]]}},\n", ios
	printf " \"cpu\": {\"iothread_pct\": %.1f, \"guest_pct\": 0.0, \"process_pct\": %.1f, \"threads\": [\n", cpu * th, cpu * th + 1
	for (i = 0; i < th; i++)
		printf "  %s{\"role\": \"iothread\", \"index\": %d, \"tid\": %d, \"cpu_ns\": 1, \"usr_ns\": 1, \"sys_ns\": 0, \"vol_csw\": 10, \"invol_csw\": 1, \"cpu_requested\": -1, \"cpu_realized\": %d, \"node_requested\": -1, \"node_realized\": 0}\n", i ? "," : "", i, 100 + i, i
	printf " ]},\n"
	att = hit ? ios : (P > 0 ? ios : 0)
	printf " \"loop\": {\"fdmon\": \"poll\", \"policy\": \"%s\", \"iterations\": %d, \"progress_iterations\": %d,\n", pol, ios, ios
	printf "  \"poll_attempts\": %d, \"poll_hits\": %d, \"poll_misses\": %d, \"blocking_waits\": %d,\n", att, hit ? att : 0, hit ? 0 : att, hit ? 0 : ios
	printf "  \"poll_ns\": %d, \"block_ns\": %d, \"grow_events\": 3, \"shrink_events\": 1, \"notify_writes\": 0,\n", hit ? rt : 0, hit ? 0 : rt
	printf "  \"window_ns\": %d, \"window_trace\": [[1000, 4000], [50000, 8000], [90000, %d], [%d, %d]]},\n", P, P, rt, P
	printf " \"host\": {\"hostname\": \"fakehost\", \"kernel\": \"6.0\", \"cpu_model\": \"fake\", \"cpus\": 2, \"numa_nodes\": 1, \"timer_slack_ns\": 1}}\n"
}'
