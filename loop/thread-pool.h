/*
 * thread-pool.h: per-context worker pool (QEMU's aio=threads).
 * Work runs in worker threads; completions run in the context's thread.
 */
#ifndef AIOTUNE_LOOP_THREAD_POOL_H
#define AIOTUNE_LOOP_THREAD_POOL_H

#include "loop/aio.h"

typedef int ThreadPoolFunc(void *arg);
typedef void ThreadPoolCompletion(void *opaque, int ret);
typedef struct ThreadPoolReq ThreadPoolReq;

/*
 * Run func(arg) in a worker; cb(opaque, ret) runs later in ctx's thread.
 * Must be called from ctx's thread. Returns a handle for cancel, or NULL.
 */
ThreadPoolReq *thread_pool_submit(AioContext *ctx, ThreadPoolFunc *func,
				  void *arg, ThreadPoolCompletion *cb,
				  void *opaque);
/* Cancel work not yet started (cb gets -ECANCELED); true when cancelled. */
bool thread_pool_cancel(AioContext *ctx, ThreadPoolReq *req);
/* min/max workers; -EINVAL for bad values (min > max, max <= 0, min < 0). */
int aio_context_set_thread_pool_params(AioContext *ctx, int64_t min,
				       int64_t max);
/* Current worker count (for tests and statistics). */
int thread_pool_nr_threads(AioContext *ctx);

#endif
