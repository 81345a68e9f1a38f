/*
 * runner.h: run one job ("one point"): start the IOThreads, bind an
 * engine and a front end to each, ramp, measure, drain, stop, and collect
 * every figure of docs/run-json.md into a struct wl_result.
 */
#ifndef AIOTUNE_WORKLOADS_RUNNER_H
#define AIOTUNE_WORKLOADS_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loop/aio.h"
#include "workloads/devstat.h"
#include "workloads/frontend.h"
#include "workloads/job.h"
#include "workloads/measure.h"
#include "workloads/stats.h"

#define WL_MAX_IOTHREADS 64
#define WL_MAX_THREADS (WL_MAX_IOTHREADS * 4)

struct wl_thread_result {
	const char *role;      /* "iothread", "guest", "device", ... */
	int index;             /* IOThread index it belongs to */
	int tid;
	struct wl_cpu_sample cpu; /* deltas over the window (cpu = realized) */
	int cpu_requested;     /* -1 = not pinned */
	int node_requested;
	int node_realized;
};

struct wl_loop_result {
	AioStats stats;        /* counters summed over IOThreads (deltas) */
	char fdmon[16];
	char policy[32];
	char ring_flags[16];   /* the context ring's flags in force, "-" */
	char uring_ring[16];   /* io_uring engine: "context" or "own" */
	AioWindowSample *trace; /* IOThread 0, t relative to window start */
	size_t ntrace;
};

struct wl_result {
	struct wl_job job;
	char start_time[32];   /* UTC, ISO 8601 */
	int64_t measured_ns;   /* mean window length over IOThreads */
	uint64_t ios_all;      /* completed over the whole run: ramp, window
				  and drain (per-request figures of whole-run
				  measurements, such as system calls) */
	struct wl_stats total; /* all IOThreads */
	struct wl_hist guest_lat;
	bool has_guest_lat;
	double iops;
	double bw_bytes;
	double iothread_pct, guest_pct, device_pct, process_pct;
	struct wl_thread_result threads[WL_MAX_THREADS];
	int nthreads;
	struct wl_loop_result loop;
	struct wl_host host;
	int64_t timer_slack_ns; /* as read back in IOThread 0 */
	char placement_warning[256]; /* from the placement plan, or "" */
	/* Front-end counters, summed by name over IOThreads (virtio). */
	struct wl_fe_counter fe_counters[WL_FE_COUNTERS_MAX];
	int nfe_counters;
	/*
	 * Real targets: what the disk holding the target did during the
	 * window (deltas, devstat.h); has_dev false when unknown.
	 */
	bool has_dev;
	struct wl_devstat dev;
};

/*
 * Validate job against the registries and the engine's and front end's
 * check(): 0 or -EINVAL (usage problem) / -errno, with one line in err.
 * Creates and writes nothing (dry runs and plan checks call it).
 */
int wl_job_check(const struct wl_job *job, char *err, size_t errlen);
/*
 * Make what a checked job needs before it runs: the engine's prepare()
 * (a missing target file is created and filled). *created (when not
 * NULL): whether something was created. 0 or -errno as wl_job_check().
 * wl_run() calls it; callers that hand the job to another program (fio)
 * call it themselves.
 */
int wl_job_prepare(const struct wl_job *job, bool *created, char *err,
		   size_t errlen);

/*
 * Run job; fill res (allocated by the caller, zeroed here). 0, or -errno
 * with one line in err (nothing measured or a fatal engine error);
 * -ENOTSUP when job->placement cannot be realized on this host (the point
 * is skipped: nothing is measured). Not reentrant: one run at a time.
 */
int wl_run(const struct wl_job *job, struct wl_result *res, char *err,
	   size_t errlen);
/* Free what wl_run allocated inside res. */
void wl_result_free(struct wl_result *res);

#endif
