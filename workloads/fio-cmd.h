/*
 * fio-cmd.h: a job as fio runs it. `aiotune fio` measures the
 * points fio can express (engines io_uring and linux-aio as fio's
 * io_uring and libaio, the direct front end, a real file or device) with
 * fio itself, for a side-by-side with aiotune's own runs. Each such point
 * comes in variants: plain, sqthread_poll (io_uring's kernel submission
 * thread), hipri (polled completions, only where the device has poll
 * queues) and batch (fio submits and reaps up to iodepth requests per
 * system call, as an event loop that handles every completion of a
 * wake-up before it submits does; fio's default is one at a time). fio
 * has no event loop, so the polling settings of a point (poll-max-ns,
 * policy, grow, shrink, weight, fd monitor) collapse: one fio run is the
 * baseline for every window.
 *
 * In results, a fio run's engine is "fio-<fio ioengine>[-<variant>]":
 * fio-io_uring, fio-io_uring-sqpoll, fio-io_uring-hipri, fio-io_uring-batch,
 * fio-libaio, fio-libaio-batch.
 */
#ifndef AIOTUNE_WORKLOADS_FIO_CMD_H
#define AIOTUNE_WORKLOADS_FIO_CMD_H

#include <stdbool.h>
#include <stddef.h>

#include "workloads/job.h"

enum wl_fio_variant {
	WL_FIO_PLAIN,
	WL_FIO_SQPOLL,   /* sqthread_poll=1 */
	WL_FIO_HIPRI,    /* hipri: IORING_SETUP_IOPOLL */
	WL_FIO_BATCH,    /* submit and reap up to iodepth per call, as
			     aiotune's loop does (iodepth_batch_*) */
	WL_FIO_NR_VARIANTS
};

/* "plain", "sqpoll", "hipri", "batch". */
const char *wl_fio_variant_name(enum wl_fio_variant v);
/*
 * A comma-separated list of variant names into a bit mask (bit v set for
 * variant v). 0, or -EINVAL with "invalid value ..." in err.
 */
int wl_fio_variants_parse(const char *list, unsigned *mask, char *err,
			  size_t errlen);

/* Whether a results engine name is a fio run's ("fio-..."). */
bool wl_engine_is_fio(const char *name);
/*
 * The results engine name of aiotune engine under variant v
 * ("io_uring", SQPOLL -> "fio-io_uring-sqpoll"). 0, or -ENOTSUP with why
 * when fio has no such engine or variant.
 */
int wl_fio_engine_name(const char *engine, enum wl_fio_variant v, char *buf,
		       size_t size, char *why, size_t whylen);
/*
 * The reverse: "fio-libaio" -> "linux-aio", WL_FIO_PLAIN. 0 or -EINVAL
 * when name is not one wl_fio_engine_name makes.
 */
int wl_fio_engine_split(const char *name, char *engine, size_t size,
			enum wl_fio_variant *v);
/*
 * The aiotune engine whose runs a fio engine name is the peer of
 * ("fio-io_uring-sqpoll" -> "io_uring"), or NULL.
 */
const char *wl_fio_engine_peer(const char *name);

/*
 * Whether fio can run job as variant v; if not, *dim names the setting
 * fio lacks ("engine", "frontend", "target", "verify") and why says why.
 * Device support of hipri is not checked here (aff_caps_probe does it).
 */
bool wl_fio_expressible(const struct wl_job *job, enum wl_fio_variant v,
			const char **dim, char *why, size_t whylen);

/*
 * The fio command line for job under variant v: fio_bin, one job with
 * --output-format=json written to json_out, CPUs from cpus (a cpulist
 * for cpus_allowed, NULL or "" for none). NULL-terminated, malloc'ed
 * (util_argv_free), NULL when out of memory.
 */
char **wl_fio_argv(const char *fio_bin, const struct wl_job *job,
		   enum wl_fio_variant v, const char *cpus,
		   const char *json_out);

/*
 * Whether the device under target completes polled I/O (an io_uring
 * IOPOLL read works); if not, why says why (aff_caps_probe).
 */
bool wl_fio_hipri_ok(const char *target, char *why, size_t whylen);

/*
 * cpus_allowed for job's IOThreads under job->placement, as a cpulist
 * ("" when the placement pins nothing). 0, -ENOTSUP with why when this
 * host cannot realize the placement, -EINVAL or -errno otherwise.
 */
int wl_fio_placement_cpus(const struct wl_job *job, char *buf, size_t size,
			  char *why, size_t whylen);

#endif
