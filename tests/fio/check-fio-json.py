#!/usr/bin/env python3
"""check-fio-json.py EXPORT.json [FIO.json]: check an aiotune fio-json
export the way tools that parse fio output read it (fio-plot's mapping:
job options iodepth/numjobs/bs/rw, read/write iops, bw, iops_stddev,
lat_ns mean/stddev, usr_cpu/sys_cpu, latency_ns/us/ms; clat_ns percentile
maps keyed "99.000000"). With FIO.json (a real fio run's output), every
key of fio's top level, jobs and direction objects must also be in the
export with the same JSON type, apart from the few aiotune does not
measure. Exit 0 or print what is wrong and exit 1.
"""
import json
import sys

PCTS = ["1.000000", "5.000000", "10.000000", "20.000000", "30.000000",
        "40.000000", "50.000000", "60.000000", "70.000000", "80.000000",
        "90.000000", "95.000000", "99.000000", "99.500000", "99.900000",
        "99.950000", "99.990000"]
# Job keys of fio that aiotune does not measure (left out of the export).
NOT_MEASURED = {"majf", "minf", "iodepth_level", "iodepth_submit",
                "iodepth_complete", "latency_depth", "latency_target",
                "latency_percentile", "latency_window"}
errors = []


def bad(msg):
    errors.append(msg)


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def check_lat(where, lat, want_pct):
    for k in ("min", "max", "N"):
        if not isinstance(lat.get(k), int):
            bad(f"{where}.{k} is not an integer: {lat.get(k)!r}")
    for k in ("mean", "stddev"):
        if not isinstance(lat.get(k), float):
            bad(f"{where}.{k} is not a float: {lat.get(k)!r}")
    if lat.get("N", 0) == 0:
        if "percentile" in lat:
            bad(f"{where}: N = 0 but a percentile map")
        return
    pct = lat.get("percentile")
    if not want_pct:
        return
    if not isinstance(pct, dict):
        bad(f"{where}: N = {lat.get('N')} but no percentile map")
        return
    keys = PCTS if len(pct) == len(PCTS) else \
        ["50.000000", "90.000000", "99.000000", "99.900000"]
    if sorted(pct, key=float) != keys:
        bad(f"{where}.percentile keys {sorted(pct, key=float)}")
        return
    vals = [pct[k] for k in keys]
    if any(not isinstance(v, int) for v in vals):
        bad(f"{where}.percentile values are not integers (ns)")
    if vals != sorted(vals):
        bad(f"{where}.percentile not increasing: {vals}")
    if vals[0] < lat["min"] or vals[-1] > lat["max"]:
        bad(f"{where}.percentile outside min..max")


def check_job(i, job):
    w = f"jobs[{i}]"
    if not isinstance(job.get("jobname"), str):
        bad(f"{w}.jobname missing")
    opts = job.get("job options")
    if not isinstance(opts, dict):
        bad(f"{w}: no job options")
        return
    for k in ("iodepth", "numjobs", "bs", "rw", "ioengine", "runtime"):
        if not isinstance(opts.get(k), str):
            bad(f"{w}.job options.{k} is not a string: {opts.get(k)!r}")
    try:
        int(opts["iodepth"])
        int(opts["numjobs"])
    except (KeyError, ValueError):
        bad(f"{w}: iodepth/numjobs are not integers")
    for k in opts.values():
        if not isinstance(k, str):
            bad(f"{w}.job options holds a non-string {k!r}")
    # fio-plot's mode: read for read/randread, write for write/randwrite,
    # either for randrw.
    rw = opts.get("rw", "")
    modes = {"read": ["read"], "randread": ["read"], "write": ["write"],
             "randwrite": ["write"]}.get(rw, ["read", "write"])
    for mode in modes:
        d = job.get(mode)
        if not isinstance(d, dict):
            bad(f"{w}.{mode} missing for rw={rw}")
            continue
        for k in ("iops", "iops_stddev"):
            if not isinstance(d.get(k), float):
                bad(f"{w}.{mode}.{k} is not a number: {d.get(k)!r}")
        for k in ("bw", "bw_bytes", "io_bytes", "io_kbytes", "runtime",
                  "total_ios"):
            if not isinstance(d.get(k), int):
                bad(f"{w}.{mode}.{k} is not an integer: {d.get(k)!r}")
        if d.get("total_ios", 0) > 0 and not d.get("iops", 0) > 0:
            bad(f"{w}.{mode}: I/O done but iops {d.get('iops')}")
        if d.get("bw") != d.get("bw_bytes", 0) // 1024:
            bad(f"{w}.{mode}.bw is not bw_bytes in KiB/s")
        for lat in ("clat_ns", "lat_ns", "slat_ns"):
            if not isinstance(d.get(lat), dict):
                bad(f"{w}.{mode}.{lat} missing")
            else:
                check_lat(f"{w}.{mode}.{lat}", d[lat], lat != "slat_ns")
        if d.get("total_ios", 0) > 0 and \
           "99.000000" not in d["clat_ns"].get("percentile", {}):
            bad(f"{w}.{mode}.clat_ns.percentile['99.000000'] missing")
    for other in ("read", "write", "trim", "mixed"):
        if isinstance(job.get(other), dict) and other not in modes:
            check_lat(f"{w}.{other}.clat_ns", job[other]["clat_ns"], True)
    for k in ("usr_cpu", "sys_cpu"):
        if not isinstance(job.get(k), float) or job[k] < 0:
            bad(f"{w}.{k} is not a percentage: {job.get(k)!r}")
    if not isinstance(job.get("ctx"), int):
        bad(f"{w}.ctx is not an integer")
    if not isinstance(job.get("job_runtime"), int):
        bad(f"{w}.job_runtime is not an integer")
    total = 0.0
    for k in ("latency_ns", "latency_us", "latency_ms"):
        m = job.get(k)
        if not isinstance(m, dict):
            bad(f"{w}.{k} missing")
            continue
        total += sum(m.values())
    if total and abs(total - 100) > 1e-6:
        bad(f"{w}: latency_ns/us/ms add up to {total}, not 100")
    if not isinstance(job.get("aiotune", {}).get("run"), dict):
        bad(f"{w}.aiotune.run (the run object) missing")


def same_layout(where, ref, ours, skip):
    """Every key of fio's object ref is in ours, with the same type."""
    for k, v in ref.items():
        if k in skip:
            continue
        if k not in ours:
            bad(f"{where}: fio has '{k}', the export does not")
            continue
        o = ours[k]
        if isinstance(v, dict) != isinstance(o, dict) or \
           isinstance(v, list) != isinstance(o, list) or \
           isinstance(v, str) != isinstance(o, str) or \
           (is_num(v) and type(v) is not type(o)):
            bad(f"{where}.{k}: fio {type(v).__name__}, "
                f"export {type(o).__name__}")
            continue
        if isinstance(v, dict) and k not in ("job options", "percentile",
                                             "global options"):
            same_layout(f"{where}.{k}", v, o, set())


def main():
    doc = json.load(open(sys.argv[1]))
    if not str(doc.get("fio version", "")).startswith("aiotune-"):
        bad(f"fio version {doc.get('fio version')!r}")
    ver = doc["fio version"]
    # Parsers take the version after the last '-' (3.0+ means *_ns keys).
    if not ver[ver.rfind("-") + 1:].startswith("3."):
        bad(f"fio version {ver!r} does not end in a fio 3 release")
    for k in ("timestamp", "timestamp_ms"):
        if not isinstance(doc.get(k), int):
            bad(f"{k} is not an integer")
    if not isinstance(doc.get("global options"), dict):
        bad("global options missing")
    jobs = doc.get("jobs")
    if not isinstance(jobs, list) or not jobs:
        bad("no jobs")
        jobs = []
    for i, job in enumerate(jobs):
        check_job(i, job)
    if len(sys.argv) > 2:
        fio = json.load(open(sys.argv[2]))
        same_layout("top", fio, doc, {"jobs", "disk_util"})
        fj = fio["jobs"][0]
        for i, job in enumerate(jobs):
            same_layout(f"jobs[{i}]", fj, job, NOT_MEASURED)
    for e in errors[:40]:
        print("FAIL:", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
