/*
 * fio-export.h: aiotune run objects (docs/run-json.md) written as fio's
 * JSON output (fio --output-format=json, docs/anchors.md section 3.2), so
 * tools that read fio results (fio-plot and the like) read aiotune's. The
 * reverse of fio-import.h.
 *
 * One run becomes one fio job: "job options" (fio's names where fio has
 * the option, aiotune's poll settings under their own names), the
 * direction objects "read", "write", "trim" (and "mixed" for randrw),
 * "sync", usr_cpu/sys_cpu/ctx of the IOThreads and the latency_ns/us/ms
 * bucket maps. Percentiles come from the run's histogram (fio's default
 * list); the whole run object is kept under the job's "aiotune" key.
 */
#ifndef AIOTUNE_RESULTS_FIO_EXPORT_H
#define AIOTUNE_RESULTS_FIO_EXPORT_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "workloads/hist.h"

/* The fio release whose JSON layout the export follows. */
#define RES_FIO_EXPORT_LAYOUT "3.33"

/* fio's default percentile_list (1:5:...:99.99). */
#define RES_FIO_EXPORT_NR_PCTS 17
extern const double res_fio_export_pcts[RES_FIO_EXPORT_NR_PCTS];

/*
 * Rebuild the histogram of a run's "result" object: result.hist buckets
 * (plat_bits must be WL_HIST_BITS), min/max/mean from result.lat_ns when
 * present. 0, -ENOENT when the run has no histogram, -EINVAL when it is
 * malformed (h is then empty).
 */
int res_fio_export_hist(json_t *result, struct wl_hist *h);

/*
 * A fio latency object ("min", "max", "mean", "stddev", "N" and, when N
 * > 0, "percentile" keyed "%f" -> ns) from a histogram. The stddev uses
 * bucket midpoints (within the histogram's 0.78%).
 */
json_t *res_fio_export_lat(const struct wl_hist *h);

/*
 * Convert one run object into a new fio job object called jobname.
 * 0, or -EINVAL with err when run is not a run object (format_version 1,
 * "job" and "result" with "iops") or its histogram is malformed.
 */
int res_fio_export_job(json_t *run, const char *jobname, json_t **job,
		       char *err, size_t errlen);

/*
 * A new fio document holding jobs (a reference is taken): "fio version"
 * ("aiotune-<version>-fio-<RES_FIO_EXPORT_LAYOUT>"), "timestamp",
 * "timestamp_ms", "time" (of when), "global options", "jobs",
 * "disk_util". NULL when out of memory.
 */
json_t *res_fio_export_doc(json_t *jobs, const char *version, time_t when);

/*
 * The document as text: indented, ending with a newline, malloc'ed; NULL
 * when out of memory.
 */
char *res_fio_export_dumps(json_t *doc);

#endif
