#!/bin/sh
# fio-ring.sh AIOTUNE: aiotune's io_uring engine on the context ring
# (--uring-ring context, one run per ring flag set) and on its own ring
# (--uring-ring own) beside fio plain and fio batch, on one file: 4 KiB
# random reads, O_DIRECT, at each iodepth of QDS. Every variant is pinned
# alike (PLACEMENT: aiotune's IOThread and fio's job on the same CPU), the
# runs are interleaved (REPS rounds, the order of the variants rotated
# each round) and the summary gives medians. Then one short run per
# variant under strace counts the system calls of the thread that does
# the I/O (aiotune's IOThread, fio's job process) per I/O.
#
# Latency, both sides from submission to completion: fio's lat_ns
# (lat_percentiles=1: from the moment fio issues the I/O to its
# completion), aiotune's request latency (from the front end's queue()
# call to the completion callback).
#
# aiotune's runs also split each request's latency into stages (held
# before the system call that submits it, submit to reap: kernel, device
# and wake-up, reaped to completed: behind other completions), printed
# after the ratios.
#
# Environment: FILE (build/fio-compare.dat, 1 GiB of zeros, written
# once), QDS ("1 32"), FLAGS (ring flag sets for the context ring, "none
# coop single defer"), BATCHES (aio-max-batch values for the context
# ring, "0": the default), OWN (1: include --uring-ring own), FIO (1:
# include fio plain and batch), REPS (3), RUNTIME (2s), RAMP (500ms),
# POLL (poll-max-ns, 0), PLACEMENT (irq-cpu), STRACE_RUNTIME (1s; 0 skips
# the count), OUT (results/fio-ring-<time>: runs/, strace/<variant>/
# counts.json (calls per thread; the traces are removed), loadavg (at the
# start and the end: the VM is shared), summary.txt). POOL: OUT
# directories of earlier runs of the same variants whose runs join the
# medians (their system call counts are not used), summary in
# OUT/pooled.txt; SUMMARY_ONLY=1: no runs, only the summary of OUT (and
# POOL), written again.
set -eu
A=${1:?usage: fio-ring.sh AIOTUNE}
file=${FILE:-build/fio-compare.dat}
qds=${QDS:-1 32}
flags=${FLAGS:-none coop single defer}
batches=${BATCHES:-0}
own=${OWN:-1}
with_fio=${FIO:-1}
reps=${REPS:-3}
runtime=${RUNTIME:-2s}
ramp=${RAMP:-500ms}
poll=${POLL:-0}
placement=${PLACEMENT:-irq-cpu}
st_runtime=${STRACE_RUNTIME:-1s}
out=${OUT:-results/fio-ring-$(date +%Y%m%d-%H%M%S)}
pool=${POOL:-}
summary_only=${SUMMARY_ONLY:-0}

command -v fio >/dev/null 2>&1 || {
	echo "fio-ring: fio is not installed (make deps)" >&2; exit 1; }
case "$reps" in
''|*[!0-9]*|0) echo "fio-ring: invalid REPS '$reps': allowed a whole" \
	"number above 0" >&2; exit 2 ;;
esac
for f in $flags; do
	case "$f" in
	none|coop|single|single+coop|defer) ;;
	*) echo "fio-ring: invalid ring flag set '$f' in FLAGS: allowed" \
		"none, coop, single, single+coop, defer" >&2; exit 2 ;;
	esac
done
for b in $batches; do
	case "$b" in
	''|*[!0-9]*) echo "fio-ring: invalid aio-max-batch '$b' in BATCHES:" \
		"allowed whole numbers (0: the default)" >&2; exit 2 ;;
	esac
done
if [ ! -s "$file" ]; then
	echo "fio-ring: writing $file (1 GiB of zeros, once)"
	mkdir -p "$(dirname "$file")"
	dd if=/dev/zero of="$file" bs=1M count=1024 conv=fsync status=none
fi

# ctx-FLAGS[-bBATCH], own, fio-plain, fio-batch.
variants=""
nb=$(echo $batches | wc -w)
for f in $flags; do
	for b in $batches; do
		v="ctx-$f"
		[ "$nb" -eq 1 ] || v="$v-b$b"
		variants="$variants $v"
	done
done
[ "$own" = 0 ] || variants="$variants own"
[ "$with_fio" = 0 ] || variants="$variants fio-plain fio-batch"

# run VARIANT QD RUNTIME RAMP: one point, its run JSON on stdout; $pre
# (empty, or the strace command) goes in front of aiotune.
pre=""
run() {
	common="--engine io_uring --target $file --iodepth $2 --runtime $3
		--ramp $4 --placement $placement --format json"
	case "$1" in
	ctx-*)
		f=${1#ctx-}
		b=$batches
		case "$f" in
		*-b*) b=${f#*-b} f=${f%-b*} ;;
		esac
		# shellcheck disable=SC2086
		$pre "$A" run $common --poll-max-ns "$poll" \
			--uring-ring context --aio-max-batch "$b" \
			--ring-flags "$f" ;;
	own)
		# shellcheck disable=SC2086
		$pre "$A" run $common --poll-max-ns "$poll" --uring-ring own ;;
	fio-*)
		# shellcheck disable=SC2086
		$pre "$A" fio-run $common --variant "${1#fio-}" ;;
	esac
}

for d in $pool; do
	[ -d "$d/runs" ] || { echo "fio-ring: invalid POOL directory '$d':" \
		"allowed OUT directories of earlier runs (with runs/)" >&2
		exit 2; }
done
if [ "$summary_only" = 1 ]; then
	[ -d "$out/runs" ] || { echo "fio-ring: SUMMARY_ONLY=1 needs OUT" \
		"with runs/, not '$out'" >&2; exit 2; }
	reps=0 st_runtime=0
else
	mkdir -p "$out/runs"
	# The VM is shared: the load average, at the start and the end.
	cut -d' ' -f1-3 /proc/loadavg > "$out/loadavg"
fi
nv=$(echo $variants | wc -w)
r=1
while [ "$r" -le "$reps" ]; do
	for qd in $qds; do
		# Rotate the order each round: no variant always runs first.
		order=$(echo $variants | tr ' ' '\n' |
			awk -v k="$r" -v n="$nv" '{ a[NR] = $0 }
			END { for (i = 0; i < n; i++)
				print a[(i + k) % n + 1] }')
		for v in $order; do
			run "$v" "$qd" "$runtime" "$ramp" \
				> "$out/runs/$v-qd$qd-r$r.json"
		done
	done
	echo "fio-ring: round $r of $reps done"
	r=$((r + 1))
done

# System calls: a separate short run under strace -ff (one file per
# thread), ramp 0 so the I/O thread's whole life is about the window.
if [ "$st_runtime" != 0 ] && command -v strace >/dev/null 2>&1; then
	for qd in $qds; do
		for v in $variants; do
			d="$out/strace/$v-qd$qd"
			mkdir -p "$d"
			pre="strace -f -ff -o $d/t"
			run "$v" "$qd" "$st_runtime" 0 > "$d/run.json" ||
				echo "fio-ring: $v at iodepth $qd under strace" \
					"failed" >&2
			pre=""
		done
	done
	# The counts stay (strace/*/counts.json); the traces are large.
	python3 - "$out/strace" <<'EOF'
import collections, glob, json, os, re, sys
line_re = re.compile(r"^([a-z_0-9]+)\(")
for d in glob.glob(os.path.join(sys.argv[1], "*")):
    counts = {}
    for f in glob.glob(os.path.join(d, "t.*")):
        c = collections.Counter()
        for ln in open(f, errors="replace"):
            m = line_re.match(ln)
            if m:
                c[m.group(1)] += 1
        counts[os.path.basename(f)] = dict(c.most_common())
        os.remove(f)
    json.dump(counts, open(os.path.join(d, "counts.json"), "w"), indent=1)
EOF
elif [ "$st_runtime" != 0 ]; then
	echo "fio-ring: strace is not installed: no system call counts" \
		"(make deps)" >&2
fi

[ "$summary_only" = 1 ] || cut -d' ' -f1-3 /proc/loadavg >> "$out/loadavg"
sum_file=summary.txt
[ -z "$pool" ] || sum_file=pooled.txt
python3 - "$out" "$qds" "$variants" "$pool" <<'EOF' | tee "$out/$sum_file"
import collections, glob, json, os, re, statistics as st, sys

out, qds, variants = sys.argv[1], sys.argv[2].split(), sys.argv[3].split()
dirs = [out] + sys.argv[4].split()
for d in dirs:
    try:
        load = [ln.split() for ln in open(os.path.join(d, "loadavg"))]
        print("%s: load average (1, 5, 15 min) at the start: %s, at the "
              "end: %s" % (d, " ".join(load[0]), " ".join(load[-1])))
    except (OSError, IndexError):
        print(f"{d}: load average not recorded")


def runs_of(v, qd):
    return [json.load(open(f)) for d in dirs for f in
            sorted(glob.glob(f"{d}/runs/{v}-qd{qd}-r*.json"))]


def syscalls(d):
    """(calls per I/O, top calls) of the thread with the most
    io_uring_enter calls (strace/*/counts.json), or None."""
    try:
        run = json.load(open(os.path.join(d, "run.json")))
        counts = json.load(open(os.path.join(d, "counts.json")))
    except (OSError, ValueError):
        return None
    best = None
    for c in counts.values():
        c = collections.Counter(c)
        if best is None or c["io_uring_enter"] > best["io_uring_enter"]:
            best = c
    # aiotune: every I/O of the run (ramp 0, window, drain); fio with
    # ramp 0 counts them all in ios.
    ios = run["result"].get("ios_all") or run["result"]["ios"]
    if not best or not ios:
        return None
    top = ", ".join(f"{k} {v / ios:.2f}" for k, v in best.most_common(3))
    return sum(best.values()) / ios, top


def med(xs):
    return st.median(xs) if xs else float("nan")


for qd in qds:
    rows = {}
    for v in variants:
        runs = [r for r in runs_of(v, qd) if r["result"]["ios"]]
        if not runs:
            continue
        iops = [r["result"]["iops"] for r in runs]
        cpu = [r["cpu"]["iothread_pct"] * 1e4 / r["result"]["iops"]
               for r in runs]
        rows[v] = {
            "iops": med(iops), "lo": min(iops), "hi": max(iops),
            "cpu": med(cpu),
            "p50": med([r["result"]["lat_ns"]["p50"] for r in runs]) / 1e3,
            "p99": med([r["result"]["lat_ns"]["p99"] for r in runs]) / 1e3,
            "sc": syscalls(f"{out}/strace/{v}-qd{qd}"),
            "n": len(runs),
            "flags": runs[0].get("loop", {}).get("ring_flags", ""),
        }
    fio = [v for v in rows if v.startswith("fio-")]
    ref = max(fio, key=lambda v: rows[v]["iops"]) if fio else None
    print(f"iodepth {qd} (medians of {max(r['n'] for r in rows.values())}"
          " runs" + (f"; ratios against {ref}, fio's best by IOPS)"
                     if ref else ")"))
    print(f"  {'variant':<16} {'IOPS':>8} {'(min-max)':>15} {'CPU/IO':>8}"
          f" {'p50':>8} {'p99':>8} {'calls/IO':>8}  ratios IOPS CPU p50 p99"
          "  top calls per I/O")
    for v, x in rows.items():
        sc = x["sc"]
        rat = ""
        if ref and v != ref:
            b = rows[ref]
            rat = (f"{x['iops'] / b['iops']:.2f} {x['cpu'] / b['cpu']:.2f}"
                   f" {x['p50'] / b['p50']:.2f} {x['p99'] / b['p99']:.2f}")
        print(f"  {v:<16} {x['iops']:8.0f} "
              f"{'(%.0f-%.0f)' % (x['lo'], x['hi']):>15} "
              f"{x['cpu']:6.1f}us {x['p50']:6.0f}us {x['p99']:6.0f}us "
              f"{sc[0] if sc else float('nan'):8.2f}  {rat:<19}"
              f"  {sc[1] if sc else '-'}")
    print("  stages (aiotune; p50 / p99 in us): held before submission |"
          " submit to reap | reaped to completed")
    for v in variants:
        runs = runs_of(v, qd)
        stg = [r["result"]["stages"] for r in runs
               if r["result"].get("stages")]
        if not stg:
            continue
        cols = []
        for k in ("hold_ns", "device_ns", "dispatch_ns"):
            cols.append("%7.1f / %7.1f" % (
                med([s[k]["p50"] for s in stg]) / 1e3,
                med([s[k]["p99"] for s in stg]) / 1e3))
        print(f"  {v:<16} " + " | ".join(cols))
    print()
print("latency: fio lat_ns (issue to completion, lat_percentiles=1);"
      " aiotune request latency (queue() to completion callback)")
print("CPU/IO: the I/O thread's CPU (aiotune's IOThread, fio's usr+sys)"
      " per I/O")
print("calls/IO: system calls of that thread over a separate run under"
      " strace -ff with ramp 0, per I/O it completed (its setup and"
      " teardown calls included)")
EOF
echo "runs: $out/runs/"
