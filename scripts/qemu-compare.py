#!/usr/bin/env python3
"""qemu-compare.py DIR: QEMU's IOThread beside aiotune's loop, per iodepth
and poll-max-ns, from a sweep's results directory (a job file like
sweep/jobs/qemu/qemu-ref.ini: QEMU runs and aiotune virtio runs of the
same workload). Prints markdown tables of medians over the repetitions:

  IOPS; poll attempts and hits per I/O and the hit rate; window grows and
  shrinks per 1000 I/O; the window's trajectory (time-weighted mean over
  the traced span, share of that span with a window above 0, largest
  window); IOThread CPU (% of one CPU, and us per I/O);

then the boot cost of the QEMU runs. Per I/O uses the I/O the loop served
in the same window as its counters: QEMU's host-side count of the disk's
requests (qemu.window.host_ios), aiotune's result.ios.
"""
import json
import os
import statistics
import sys
from collections import defaultdict


def med(v):
    v = [x for x in v if x is not None]
    return statistics.median(v) if v else None


def window_stats(trace, span_ns):
    """Time-weighted mean window, share of time above 0, max."""
    if not trace:
        return 0.0, 0.0, 0
    t0 = trace[0][0]
    end = max(span_ns, trace[-1][0])
    area = above = 0.0
    for i, (t, w) in enumerate(trace):
        nxt = trace[i + 1][0] if i + 1 < len(trace) else end
        dt = max(0, nxt - t)
        area += w * dt
        if w > 0:
            above += dt
    total = max(1, end - t0)
    return area / total, above / total, max(w for _, w in trace)


def main():
    if len(sys.argv) != 2 or not os.path.isdir(sys.argv[1]):
        sys.exit("usage: qemu-compare.py RESULTS_DIR")
    d = sys.argv[1]
    groups = defaultdict(list)
    boots = []
    for name in sorted(os.listdir(os.path.join(d, "runs"))):
        r = json.load(open(os.path.join(d, "runs", name)))
        job, res, loop = r["job"], r["result"], r.get("loop", {})
        q = r.get("qemu")
        who = "QEMU %s" % q["version"] if q else "aiotune"
        if q:
            ios = q["window"]["host_ios"]
            span = q["window"]["span_us"] * 1000
            if q["booted_for_this_run"]:
                boots.append(q["boot_ns"] / 1e9)
        else:
            ios = res["ios"]
            span = res.get("measured_ns", 0)
        ios = max(ios, 1)
        att = loop.get("poll_attempts", 0)
        hits = loop.get("poll_hits", 0)
        mean_w, above, wmax = window_stats(loop.get("window_trace", []),
                                           span)
        cpu = r["cpu"].get("iothread_pct")
        groups[(job["iodepth"], who, job["poll_max_ns"])].append({
            "iops": res["iops"],
            "att": att / ios,
            "hits": hits / ios,
            "hitpct": 100.0 * hits / att if att else None,
            "grow": 1000.0 * loop.get("grow_events", 0) / ios,
            "shrink": 1000.0 * loop.get("shrink_events", 0) / ios,
            "wmean": mean_w / 1000, "above": 100 * above, "wmax": wmax,
            "cpu": cpu,
            "cpuio": cpu * 1e4 / res["iops"] if cpu and res["iops"] else None,
            "wall": r.get("sweep", {}).get("wall_ns", 0) / 1e9,
            "policy": job["poll_policy"],
            "accel": job.get("accel", ""),
        })
    for qd in sorted({k[0] for k in groups}):
        print("\n### iodepth %d\n" % qd)
        print("| run | poll-max-ns | IOPS | attempts/IO | hits/IO | hit % "
              "| grow/kIO | shrink/kIO | mean window us | window>0 % | "
              "max window us | IOThread CPU % | CPU us/IO |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for who in sorted({k[1] for k in groups if k[0] == qd},
                          key=lambda w: not w.startswith("QEMU")):
            for p in sorted(k[2] for k in groups
                            if k[0] == qd and k[1] == who):
                g = groups[(qd, who, p)]

                def m(key, fmt):
                    v = med([x[key] for x in g])
                    return "-" if v is None else fmt % v
                label = "%s %s%s" % (who, g[0]["policy"],
                                     " TCG" if g[0]["accel"] == "tcg"
                                     else "")
                print("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s "
                      "| %s | %s | %s |" % (
                          label, p, m("iops", "%.0f"), m("att", "%.2f"),
                          m("hits", "%.2f"), m("hitpct", "%.0f"),
                          m("grow", "%.0f"), m("shrink", "%.0f"),
                          m("wmean", "%.1f"), m("above", "%.0f"),
                          m("wmax", "%.0f"), m("cpu", "%.1f"),
                          m("cpuio", "%.1f")))
    qwall = [x["wall"] for k, g in groups.items() if k[1] != "aiotune"
             for x in g]
    awall = [x["wall"] for k, g in groups.items() if k[1] == "aiotune"
             for x in g]
    print("\nQEMU boots: %d (%s s); QEMU runs: %d, median wall %.1f s per "
          "run (the guest's fio included); aiotune runs: %d, median wall "
          "%.1f s" % (len(boots), ", ".join("%.1f" % b for b in boots),
                      len(qwall), med(qwall) or 0, len(awall),
                      med(awall) or 0))


if __name__ == "__main__":
    main()
