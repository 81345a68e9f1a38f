/*
 * iothread.h: a thread running an AioContext, with QEMU's IOThread
 * properties (poll-max-ns, poll-grow, poll-shrink, aio-max-batch,
 * thread-pool-min, thread-pool-max) plus aiotune's poll-policy and
 * poll-weight. Errors are 0/-errno; messages go to an optional buffer.
 */
#ifndef AIOTUNE_LOOP_IOTHREAD_H
#define AIOTUNE_LOOP_IOTHREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "loop/aio.h"

typedef struct IOThread IOThread;
typedef struct _GMainContext GMainContext;

/*
 * Default poll-max-ns, as QEMU: 2016 NVMe benchmarks showed 16-32 us windows
 * improving IOPS at iodepth 1 and 32 (docs/anchors.md section 1.1).
 */
#define IOTHREAD_POLL_MAX_NS_DEFAULT 32768LL

typedef struct IOThreadParams {
	int64_t poll_max_ns;     /* default IOTHREAD_POLL_MAX_NS_DEFAULT */
	int64_t poll_grow;       /* 0 = factor 2 */
	int64_t poll_shrink;     /* 0 = reset to 0 */
	int64_t poll_weight;     /* weight policy: 0 = default 3 */
	int64_t aio_max_batch;   /* 0 = engine default */
	int64_t thread_pool_min; /* default 0 */
	int64_t thread_pool_max; /* default 64 */
	char poll_policy[32];    /* default "qemu" */
	FILE *trace;             /* arrival-gap trace (see aio_context_set_trace) */
} IOThreadParams;

/* Fill p with the defaults above. */
void iothread_params_init(IOThreadParams *p);

/*
 * Set one property by its QEMU name ("poll-max-ns", "poll-grow",
 * "poll-shrink", "poll-weight", "aio-max-batch", "thread-pool-min",
 * "thread-pool-max", "poll-policy") from a string, validating it. On error
 * returns -EINVAL (-ENOENT for an unknown name) and writes QEMU's message,
 * e.g. "poll-max-ns value must be in range [0, 9223372036854775807]",
 * into err.
 */
int iothread_params_set(IOThreadParams *p, const char *name,
			const char *value, char *err, size_t errlen);
/* Check cross-property constraints (thread-pool-min <= max, ...). */
int iothread_params_check(const IOThreadParams *p, char *err, size_t errlen);

/*
 * Create and start an IOThread named id (1-63 characters; the thread is
 * named "IO <id>", cut to 15 characters); returns when the thread runs.
 * NULL params means defaults. NULL with errno (and err filled) on failure.
 * The thread inherits the caller's CPU affinity, sets its timer slack to
 * 1 ns and loops aio_poll(ctx, true) without taking aio_context_acquire
 * (as current QEMU): hand work to it with aio_bh_schedule_oneshot.
 */
IOThread *iothread_create(const char *id, const IOThreadParams *params,
			  char *err, size_t errlen);
/*
 * Stop the loop (via a oneshot BH) and join; idempotent. Never call it from
 * t's own thread (it would join itself: aborts).
 */
void iothread_stop(IOThread *t);
/* Stop if needed and free; the context is unreferenced. */
void iothread_destroy(IOThread *t);
/* The thread's context (valid until iothread_destroy). */
AioContext *iothread_get_aio_context(IOThread *t);
/*
 * Switch the thread to running a GMainLoop over its context; returns it.
 * The GMainContext (with the context's GSource attached) is created on the
 * first call; later calls return the same one. glib sources attached to it
 * run in the IOThread until iothread_stop.
 */
GMainContext *iothread_get_g_main_context(IOThread *t);
/* Change a property while running (takes effect at once, as qom-set). */
int iothread_set_param(IOThread *t, const char *name, const char *value,
		       char *err, size_t errlen);

typedef struct IOThreadInfo {
	char id[64];
	int thread_id; /* kernel TID */
	int64_t poll_max_ns;
	int64_t poll_grow;
	int64_t poll_shrink;
	int64_t aio_max_batch;
	int64_t poll_weight;
	char poll_policy[32];
} IOThreadInfo;

/* What QEMU's query-iothreads returns, plus policy and weight. */
void iothread_query(IOThread *t, IOThreadInfo *out);
/* Whether the calling thread is t's thread. */
bool iothread_is_current(IOThread *t);

#endif
