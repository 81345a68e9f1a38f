#!/bin/sh
# reproduce.sh [--quick] [--disk PATH | --no-disk] [--output DIR] AIOTUNE
# reproduce.sh --analyze DIR AIOTUNE
#
# make reproduce: QEMU's "16-32 us" finding (the justification of its
# default poll-max-ns 32768), reproduced on the simulated NVMe device with
# the virtio front end, and the same experiment on devices of other
# latencies and on this machine's real disk. Job files:
# sweep/jobs/reproduce/*.ini (each states its device, its source and
# its numbers). For each device: a sweep into DIR/<device>/, its figures
# (aiotune plot), its recommendation (recommendation.txt, balanced
# objective; recommendation-throughput.txt), then across devices:
# DIR/knees.txt (knee, gain and CPU per device, policy and iodepth, from
# the medians of the repetitions), DIR/medians.dat and the figures
# DIR/figures/gain.png|svg (IOPS over IOPS at poll-max-ns 0, one line per
# device, iodepth 1 and 32) and DIR/figures/cpu.png|svg (IOThread CPU).
#
#   --quick      the reduced variant the test suite runs (tests/sweep/
#                reproduce-quick.sh): the P3700 and Optane devices, the qemu
#                policy, 7 poll-max-ns values, 3 x 300 ms runs; about a
#                minute here
#   --disk PATH  the real-disk file (default build/reproduce/disk.dat,
#                created with dd when missing: 1 GiB of written blocks)
#   --no-disk    leave the real disk out (the default with --quick)
#   --output DIR where everything goes (default results/reproduce-<time>;
#                must not exist or be empty)
#   --analyze DIR  measure nothing: redo the recommendations, knees.txt,
#                medians.dat and figures of DIR (e.g. after resuming one
#                of its sweeps with aiotune sweep --resume DIR/<device>)
#
# Ctrl-C stops after the current run; the sweep prints how to resume it.
set -eu

usage() {
	echo "usage: reproduce.sh [--quick] [--disk PATH | --no-disk] [--output DIR] AIOTUNE" >&2
	echo "       reproduce.sh --analyze DIR AIOTUNE" >&2
	exit 2
}

quick=0
disk=build/reproduce/disk.dat
use_disk=1
out=
analyze=
while [ $# -gt 1 ]; do
	case $1 in
	--quick) quick=1; use_disk=0 ;;
	--disk) [ $# -gt 2 ] || usage; disk=$2; use_disk=1; shift ;;
	--no-disk) use_disk=0 ;;
	--output) [ $# -gt 2 ] || usage; out=$2; shift ;;
	--analyze) [ $# -gt 2 ] || usage; analyze=$2; shift ;;
	*) echo "reproduce.sh: unknown option '$1': allowed --quick, --disk PATH, --no-disk, --output DIR, --analyze DIR" >&2
	   exit 2 ;;
	esac
	shift
done
[ $# -eq 1 ] || usage
A=$1
[ -x "$A" ] || { echo "reproduce.sh: '$A' is not an executable aiotune" >&2; exit 2; }
jobs=sweep/jobs/reproduce
if [ -n "$analyze" ]; then
	[ -d "$analyze" ] || {
		echo "reproduce.sh: --analyze '$analyze' is not a directory" >&2
		exit 2
	}
	out=$analyze
	devices=
	for dev in p3700 optane mid slow disk; do
		[ -s "$out/$dev/results.csv" ] && devices="$devices $dev"
	done
	[ -n "$devices" ] || {
		echo "reproduce.sh: --analyze '$out' holds no <device>/results.csv" >&2
		exit 2
	}
else
	[ -n "$out" ] || out=results/reproduce-$(date -u +%Y%m%d-%H%M%S)
	if [ -e "$out" ] && [ -n "$(ls -A "$out" 2>/dev/null)" ]; then
		echo "reproduce.sh: output directory '$out' exists and is not empty" >&2
		exit 2
	fi
	mkdir -p "$out"
fi

if [ -n "$analyze" ]; then
	set --
elif [ $quick = 1 ]; then
	devices="p3700 optane"
	# The same experiment, narrowed: flags override the job files.
	set -- --poll-policy qemu --poll-max-ns 0,4k,16k,32k,64k,128k,256k \
		--repetitions 3 --runtime 300ms --ramp 150ms
else
	devices="p3700 optane mid slow"
	set --
fi

if [ -z "$analyze" ] && [ $use_disk = 1 ]; then
	if [ ! -e "$disk" ]; then
		echo "== creating $disk (1 GiB, dd from /dev/zero, fsync) =="
		mkdir -p "$(dirname "$disk")"
		dd if=/dev/zero of="$disk" bs=1M count=1024 conv=fsync \
			status=none || {
			echo "reproduce.sh: cannot create $disk" >&2
			rm -f "$disk"
			exit 1
		}
	fi
	[ -f "$disk" ] || [ -b "$disk" ] || {
		echo "reproduce.sh: --disk '$disk' is not a file or block device" >&2
		exit 2
	}
	devices="$devices disk"
fi

for dev in $devices; do
	if [ -z "$analyze" ]; then
		# The disk's job names the default file; --disk overrides it.
		[ "$dev" = disk ] && set -- "$@" --target "$disk"
		echo "== $dev: aiotune sweep --job $jobs/$dev.ini $* =="
		rc=0
		"$A" sweep --job "$jobs/$dev.ini" --output "$out/$dev" "$@" \
			>/dev/null || rc=$?
		# 1: some runs failed (recorded, resumable): go on with the
		# others; anything else (bad usage, Ctrl-C) stops here.
		if [ $rc -ne 0 ]; then
			echo "reproduce.sh: $dev: sweep exit $rc; finish it with: $A sweep --resume $out/$dev, then: scripts/reproduce.sh --analyze $out $A" >&2
			[ $rc -eq 1 ] || exit $rc
		fi
	else
		echo "== $dev: $out/$dev =="
	fi
	"$A" plot "$out/$dev" >/dev/null ||
		echo "reproduce.sh: $dev: aiotune plot failed (the results stand)" >&2
	"$A" recommend "$out/$dev" >"$out/$dev/recommendation.txt" || true
	"$A" recommend --objective throughput "$out/$dev" \
		>"$out/$dev/recommendation-throughput.txt" || true
	sed -n '/^Knee per curve/,/^Recommendation/p' "$out/$dev/recommendation.txt"
	echo
done

# Medians over the repetitions of every point, all devices: one line
# "device policy iodepth poll_max_ns iops cpu p50 p99 guest_p50 hits n".
for dev in $devices; do
	awk -v dev="$dev" '
	# Split a CSV line into f[1..]: quoted fields may hold commas.
	function csv(line, f,    n, q, i, ch, cur) {
		n = 1; q = 0; cur = ""
		for (i = 1; i <= length(line); i++) {
			ch = substr(line, i, 1)
			if (ch == "\"") {
				if (q && substr(line, i + 1, 1) == "\"") {
					cur = cur ch; i++
				} else
					q = !q
			} else if (ch == "," && !q) {
				f[n++] = cur; cur = ""
			} else
				cur = cur ch
		}
		f[n] = cur
		return n
	}
	NR == 1 {
		nc = csv($0, h)
		for (i = 1; i <= nc; i++)
			col[h[i]] = i
		next
	}
	{
		csv($0, f)
		k = f[col["poll_policy"]] " " f[col["iodepth"]] " " \
		    f[col["poll_max_ns"]]
		n[k]++
		iops[k, n[k]] = f[col["iops"]]
		cpu[k, n[k]] = f[col["cpu_iothread_pct"]]
		p50[k, n[k]] = f[col["lat_p50_ns"]]
		p99[k, n[k]] = f[col["lat_p99_ns"]]
		g50[k, n[k]] = f[col["guest_lat_p50_ns"]]
		hit[k, n[k]] = f[col["poll_hit_pct"]]
	}
	function med(a, k, m,    v, i, j, t) {
		for (i = 1; i <= m; i++)
			v[i] = a[k, i] + 0
		for (i = 2; i <= m; i++)
			for (j = i; j > 1 && v[j - 1] > v[j]; j--) {
				t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
			}
		return m % 2 ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
	}
	function lo(a, k, m,    i, v) {
		v = a[k, 1] + 0
		for (i = 2; i <= m; i++)
			if (a[k, i] + 0 < v) v = a[k, i] + 0
		return v
	}
	function hi(a, k, m,    i, v) {
		v = a[k, 1] + 0
		for (i = 2; i <= m; i++)
			if (a[k, i] + 0 > v) v = a[k, i] + 0
		return v
	}
	END {
		for (k in n)
			printf "%s %s %.0f %.0f %.0f %.1f %.0f %.0f %.0f %.1f %d\n",
			       dev, k, med(iops, k, n[k]), lo(iops, k, n[k]),
			       hi(iops, k, n[k]), med(cpu, k, n[k]),
			       med(p50, k, n[k]), med(p99, k, n[k]),
			       med(g50, k, n[k]), med(hit, k, n[k]), n[k]
	}' "$out/$dev/results.csv" | sort -k2,2 -k3,3n -k4,4n
done >"$out/medians.tmp"
{
	echo "# device policy iodepth poll_max_ns iops iops_min iops_max cpu_iothread_pct lat_p50_ns lat_p99_ns guest_lat_p50_ns poll_hit_pct runs"
	echo "# medians over the repetitions (scripts/reproduce.sh)"
	cat "$out/medians.tmp"
} >"$out/medians.dat"
rm -f "$out/medians.tmp"

# Notifications per request, from the run JSONs (frontend counters over
# the measured window): guest->IOThread kicks and IOThread->guest calls
# per request, requests the IOThread took while polling (kick not
# needed), medians over the repetitions. Kept as it is when the runs/
# directories are gone (the committed reference keeps only the CSVs).
notif() {
	for dev in $devices; do
		ls "$out/$dev/runs/"*.json >/dev/null 2>&1 || return 1
	done
	for dev in $devices; do
		awk -v dev="$dev" '
		function val(line) {
			sub(/^[^:]*: */, "", line)
			sub(/,$/, "", line)
			gsub(/"/, "", line)
			return line
		}
		function flush() {
			if (sub_n > 0) {
				k = pol " " qd " " pmax
				n[k]++
				kick[k, n[k]] = kicks / sub_n
				call[k, n[k]] = calls / sub_n
				dq[k, n[k]] = dqp / sub_n
			}
			pol = qd = pmax = ""; sub_n = kicks = calls = dqp = 0
			infe = 0
		}
		FNR == 1 { flush() }
		pol == "" && /^  "poll_policy":/ { pol = val($0) }
		qd == "" && /^  "iodepth":/ { qd = val($0) }
		pmax == "" && /^  "poll_max_ns":/ { pmax = val($0) }
		/^ "frontend": \{/ { infe = 1; next }
		infe && /^ \}/ { infe = 0 }
		infe && /"submitted":/ { sub_n = val($0) + 0 }
		infe && /"kicks":/ { kicks = val($0) + 0 }
		infe && /"calls":/ { calls = val($0) + 0 }
		infe && /"dequeued_polling":/ { dqp = val($0) + 0 }
		function med(a, k, m,    v, i, j, t) {
			for (i = 1; i <= m; i++)
				v[i] = a[k, i]
			for (i = 2; i <= m; i++)
				for (j = i; j > 1 && v[j - 1] > v[j]; j--) {
					t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
				}
			return m % 2 ? v[(m + 1) / 2] : \
			       (v[m / 2] + v[m / 2 + 1]) / 2
		}
		END {
			flush()
			for (k in n)
				printf "%s %s %.3f %.3f %.3f %d\n", dev, k,
				       med(kick, k, n[k]), med(call, k, n[k]),
				       med(dq, k, n[k]), n[k]
		}' "$out/$dev/runs/"*.json | sort -k2,2 -k3,3n -k4,4n
	done >"$out/notif.tmp"
	{
		echo "# device policy iodepth poll_max_ns kicks_per_req calls_per_req taken_polling_per_req runs"
		echo "# medians over the repetitions, from runs/*.json \"frontend\" (scripts/reproduce.sh)"
		cat "$out/notif.tmp"
	} >"$out/notifications.dat"
	rm -f "$out/notif.tmp"
}
notif || echo "reproduce.sh: no run JSONs: notifications.dat left as it is" >&2

# Knee per device, policy and iodepth: the smallest poll-max-ns whose
# median IOPS is within 5% of the curve's best (as aiotune recommend,
# without its noise widening), the gain there and at the best point over
# poll-max-ns 0, the IOThread CPU at 0 and at the knee, and hit90: the
# smallest poll-max-ns where the median poll hit rate reaches 90% (where
# polling catches nearly every event: a knee that noise does not move).
awk '
$1 ~ /^#/ { next }
{
	k = $1 " " $2 " " $3
	if (!(k in best) || $5 > best[k]) { best[k] = $5; bestp[k] = $4 }
	if ($4 == 0) { zero[k] = $5; cpu0[k] = $8 }
	n[k]++; p[k, n[k]] = $4; v[k, n[k]] = $5; c[k, n[k]] = $8
	if ($12 >= 90 && !(k in catch)) catch[k] = $4
	if (!(k in order)) { order[k] = ++nk; keys[nk] = k }
}
function fmt(ns) {
	if (ns == 0) return "0"
	if (ns % 1024 == 0) return (ns / 1024) "k"
	return ns
}
END {
	printf "%-8s %-9s %4s %6s %9s %9s %7s %7s %9s %9s %7s\n", "device",
	       "policy", "QD", "knee", "IOPS@0", "IOPS@knee", "gain", "best",
	       "CPU@0", "CPU@knee", "hit90"
	for (i = 1; i <= nk; i++) {
		k = keys[i]
		for (j = 1; j <= n[k]; j++)
			if (v[k, j] >= 0.95 * best[k]) break
		split(k, f, " ")
		printf "%-8s %-9s %4s %6s %9.0f %9.0f %6.2fx %6.2fx %8.0f%% %8.0f%% %7s\n",
		       f[1], f[2], f[3], fmt(p[k, j]), zero[k], v[k, j],
		       zero[k] ? v[k, j] / zero[k] : 0,
		       zero[k] ? best[k] / zero[k] : 0, cpu0[k], c[k, j],
		       k in catch ? fmt(catch[k]) : "none"
	}
}' "$out/medians.dat" >"$out/knees.txt"
echo "== knees (medians; $out/knees.txt) =="
cat "$out/knees.txt"

# Figures across devices: gnuplot data, one file per iodepth with one
# block per device (the qemu policy): poll-max-ns (0 one octave left of
# the smallest), IOPS / IOPS at 0, the tick label, IOThread CPU %.
mkdir -p "$out/figures"
rm -f "$out"/figures/knees-qd*.dat
awk -v dir="$out/figures" '
$1 ~ /^#/ || $2 != "qemu" { next }
{
	k = $1 " " $3
	if (!(k in seen)) { seen[k] = 1; keys[++nk] = k }
	n[k]++; p[k, n[k]] = $4; v[k, n[k]] = $5; c[k, n[k]] = $8
	if ($4 == 0) zero[k] = $5
	if ($4 > 0 && (minp == "" || $4 < minp)) minp = $4
}
function fmt(ns) {
	if (ns == 0) return "0"
	if (ns % 1024 == 0) return (ns / 1024) "k"
	return ns
}
END {
	for (i = 1; i <= nk; i++) {
		k = keys[i]
		split(k, f, " ")
		file = dir "/knees-qd" f[2] ".dat"
		# Blank lines between blocks only: a trailing pair would
		# count as one more (empty) block in gnuplot.
		if (file in started)
			printf "\n\n" >file
		started[file] = 1
		printf "\"%s\"\n", f[1] >file
		for (j = 1; j <= n[k]; j++)
			printf "%g %g %s %g\n", p[k, j] ? p[k, j] : minp / 2,
			       zero[k] ? v[k, j] / zero[k] : 0, fmt(p[k, j]),
			       c[k, j] >file
	}
}' "$out/medians.dat"
caption="$(uname -n), $(nproc) CPUs, $(uname -r); virtio front end, guest think 5 us, fd monitor poll, qemu policy, medians; $out"
if command -v gnuplot >/dev/null &&
   [ -s "$out/figures/knees-qd1.dat" ] && [ -s "$out/figures/knees-qd32.dat" ]; then
	for ext in png svg; do
		for what in gain cpu; do
			gnuplot -c plots/reproduce-knees.gp \
				"$out/figures/knees-qd1.dat" \
				"$out/figures/knees-qd32.dat" \
				"$out/figures/$what.$ext" "$what" "$caption"
		done
	done
	echo "figures: $out/figures/gain.png, $out/figures/cpu.png, $out/<device>/figures/"
else
	echo "reproduce.sh: no gnuplot or no iodepth 1 and 32 curves: no cross-device figures" >&2
fi
echo "results: $out (per device: results.csv, runs/, meta.json, figures/, recommendation*.txt)"
