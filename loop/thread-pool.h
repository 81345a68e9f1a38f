/*
 * thread-pool.h: per-context worker pool (QEMU's aio=threads).
 * Work runs in worker threads; completions run in the context's thread.
 */
#ifndef AIOTUNE_LOOP_THREAD_POOL_H
#define AIOTUNE_LOOP_THREAD_POOL_H

#include <stdint.h>

#include "loop/aio.h"

/*
 * A worker idle this long exits while more than thread-pool-min workers
 * exist (QEMU util/thread-pool.c: 10 s condition-variable wait).
 */
#define THREAD_POOL_IDLE_TIMEOUT_NS (10LL * 1000000000LL)

typedef int ThreadPoolFunc(void *arg);
typedef void ThreadPoolCompletion(void *opaque, int ret);
typedef struct ThreadPoolReq ThreadPoolReq;

/*
 * Run func(arg) in a worker; cb(opaque, ret) runs later in ctx's thread,
 * never before submit returns. The pool is created on the first submit.
 * Must be called from ctx's thread. Returns a handle for cancel, valid
 * until cb has run, or NULL (out of memory).
 */
ThreadPoolReq *thread_pool_submit(AioContext *ctx, ThreadPoolFunc *func,
				  void *arg, ThreadPoolCompletion *cb,
				  void *opaque);
/*
 * Cancel work not yet started: true when cancelled, and cb then runs (from
 * a BH, not inside this call) with ret -ECANCELED. Work already running or
 * done is left alone (false) and completes normally. ctx's thread only.
 */
bool thread_pool_cancel(AioContext *ctx, ThreadPoolReq *req);
/* min/max workers; -EINVAL for bad values (min > max, max <= 0, min < 0). */
int aio_context_set_thread_pool_params(AioContext *ctx, int64_t min,
				       int64_t max);
/* Current worker count, including workers being created (any thread). */
int thread_pool_nr_threads(AioContext *ctx);
/*
 * Change how long an idle worker waits before exiting (default
 * THREAD_POOL_IDLE_TIMEOUT_NS); creates the pool if needed. For tests and
 * experiments. 0 or -EINVAL (ns <= 0), -ENOMEM.
 */
int thread_pool_set_idle_timeout(AioContext *ctx, int64_t ns);

#endif
