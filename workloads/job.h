/*
 * job.h: one measured point ("job"): what `aiotune run` parses from its
 * flags and what the sweep driver fills from a grid or job file.
 *
 * A job is plain data: strings are copied in, nothing is owned. It is read
 * by the runner, the front ends and the engines, and written (unchanged)
 * into the "job" object of the run JSON (docs/run-json.md). Every figure is
 * in base units: bytes and nanoseconds.
 */
#ifndef AIOTUNE_WORKLOADS_JOB_H
#define AIOTUNE_WORKLOADS_JOB_H

#include <stdbool.h>
#include <stdint.h>

enum wl_rw {
	WL_RW_RANDREAD,
	WL_RW_RANDWRITE,
	WL_RW_READ,    /* sequential */
	WL_RW_WRITE,   /* sequential */
	WL_RW_RANDRW,  /* random, rwmixread percent reads */
};

enum wl_format {
	WL_FORMAT_TEXT,
	WL_FORMAT_JSON,
	WL_FORMAT_CSV,
};

#define WL_NAME_MAX 64
#define WL_PATH_MAX 1024

struct wl_job {
	char engine[WL_NAME_MAX];      /* registry name: "simnvme", "io_uring" */
	char target[WL_PATH_MAX];      /* "sim:lat=fixed:15us", a file, /dev/x */
	enum wl_rw rw;
	int rwmixread;                 /* percent reads for randrw (0-100) */
	uint32_t bs;                   /* bytes per request */
	uint32_t iodepth;              /* requests in flight per IOThread */
	uint64_t size;                 /* bytes of the target used; 0 = all */
	uint64_t offset;               /* first byte used */
	int64_t runtime_ns;            /* measured time, ramp excluded */
	int64_t ramp_ns;               /* warm-up, excluded from all figures */
	uint32_t iothreads;            /* IOThreads, each with its own queue */
	char frontend[WL_NAME_MAX];    /* "direct" or "virtio" */
	char guest_think[WL_NAME_MAX]; /* as given ("0", "5us") */
	int64_t guest_think_ns;        /* virtio guest pause between requests */
	int64_t guest_poll_ns;         /* virtio guest: spin on the used ring
					  this long before blocking on the
					  call eventfd (--guest-poll-ns) */

	/* IOThread / AioContext properties (QEMU names in comments). */
	int64_t poll_max_ns;           /* poll-max-ns */
	int64_t poll_grow;             /* poll-grow, 0 = x2 */
	int64_t poll_shrink;           /* poll-shrink, 0 = reset */
	int64_t poll_weight;           /* poll-weight (weight policy) */
	char poll_policy[WL_NAME_MAX]; /* polling/ registry name */
	char fdmon[WL_NAME_MAX];       /* "auto", "poll", "epoll", "io_uring" */
	int64_t aio_max_batch;         /* aio-max-batch, 0 = engine default */
	char placement[256];           /* affinity placement ("none") */

	bool direct;                   /* O_DIRECT on real targets */
	bool allow_write;              /* writes to existing data allowed */
	bool verify;                   /* pattern-check data read back */
	bool hipri;                    /* io_uring: polled completions
					  (IORING_SETUP_IOPOLL), --hipri */
	char uring_taskrun[16];        /* io_uring: how the kernel hands a
					  completion to the IOThread:
					  "coop" (no IPI; the poller looks
					  for IORING_SQ_TASKRUN) or "signal"
					  (an IPI per completion while the
					  thread runs), --uring-taskrun */
	char uring_ring[16];           /* io_uring: which ring carries the
					  requests: "context" (the event
					  loop's own, aio_add_sqe), "own"
					  (private ring + eventfd) or
					  "auto", --uring-ring */
	char ring_flags[16];           /* the context ring's setup flags
					  (aio_set_default_ring_flags):
					  "auto", "none", "coop", "single",
					  "single+coop", "defer",
					  --ring-flags */
	uint64_t seed;                 /* PRNG seed for offsets and latencies */

	char output[WL_PATH_MAX];      /* results directory, "" = none */
	char trace[WL_PATH_MAX];       /* IOThread 0's arrival-gap trace
					  (aio_context_set_trace), "" = none */
	enum wl_format format;         /* stdout format */
};

/* Fill job with the defaults of `aiotune run` (see wl_job_init in job.c). */
void wl_job_init(struct wl_job *job);
/* Whether rw issues writes at all. */
bool wl_rw_writes(enum wl_rw rw);
/* Whether rw picks random offsets. */
bool wl_rw_random(enum wl_rw rw);
/* "randread" etc.; NULL-safe name lookup: 0 or -EINVAL. */
const char *wl_rw_name(enum wl_rw rw);
int wl_rw_parse(const char *s, enum wl_rw *out);
/* Comma-separated rw names, for error messages. */
const char *wl_rw_names(void);

#endif
