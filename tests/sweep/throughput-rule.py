#!/usr/bin/env python3
# throughput-rule.py RESULTS.CSV...: the throughput objective's pick,
# computed from the rows alone, independently of results/recommend.c, so
# a test can check that `aiotune recommend --objective throughput` picks
# exactly what its documented rule gives:
#  - a workload is a combination of the non-polling settings, a
#    configuration a combination of the polling settings besides
#    poll-max-ns; a point's figures are the medians of its repetitions;
#  - per workload: best = the highest median IOPS of any point, tol =
#    max(5%, half the spread (max - min) / median of that best point);
#  - the pick: among (configuration, poll-max-ns) measured for every
#    workload, those where every workload reaches best * (1 - tol); the
#    smallest poll-max-ns, then the least per-thread IOThread CPU (the
#    highest over the workloads); if none, the cheapest one whose worst
#    IOPS ratio is within 5% of the highest worst ratio.
# Prints "POLL_MAX_NS POLICY".
import csv
import sys

WORKLOAD = ["engine", "target", "rw", "bs_bytes", "frontend", "guest_think",
            "iothreads", "placement", "iodepth", "fdmon_requested",
            "runtime_ns", "ramp_ns"]
CONFIG = ["poll_policy", "poll_grow", "poll_shrink", "poll_weight"]


def median(v):
    v = sorted(v)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def key(row, cols):
    return tuple(row.get(c, "") for c in cols)


def main(paths):
    pts = {}
    for p in paths:
        with open(p, newline="") as f:
            for row in csv.DictReader(f):
                if row.get("tool", "aiotune") == "fio":
                    continue
                k = (key(row, WORKLOAD), key(row, CONFIG),
                     int(row["poll_max_ns"]))
                d = pts.setdefault(k, {"iops": [], "cpu": [], "thr": 1})
                d["iops"].append(float(row["iops"]))
                d["cpu"].append(float(row["cpu_iothread_pct"]))
                d["thr"] = max(1, int(row["iothreads"]))
    best, tol = {}, {}
    for (w, c, p), d in pts.items():
        m = median(d["iops"])
        if w not in best or m > best[w]:
            best[w] = m
            spread = 0.0
            if len(d["iops"]) >= 2 and m > 0:
                spread = (max(d["iops"]) - min(d["iops"])) / m
            tol[w] = max(0.05, spread / 2)
    cands = sorted({(c, p) for (_, c, p) in pts})
    ok, worst = [], {}
    for c, p in cands:
        if any((w, c, p) not in pts for w in best):
            continue
        ratios = [median(pts[(w, c, p)]["iops"]) / best[w] for w in best]
        cpu = max(median(pts[(w, c, p)]["cpu"]) / pts[(w, c, p)]["thr"]
                  for w in best)
        worst[(c, p)] = (min(ratios), cpu)
        if all(r >= 1 - tol[w] for r, w in zip(ratios, best)):
            ok.append((p, cpu, c))
    if not ok:
        top = max(r for r, _ in worst.values())
        ok = [(p, cpu, c) for (c, p), (r, cpu) in worst.items()
              if r >= top * 0.95]
    p, _, c = min(ok, key=lambda t: (t[0], t[1]))
    print(p, c[0])


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: throughput-rule.py RESULTS.CSV...")
    main(sys.argv[1:])
