/*
 * thread-pool.c: the per-context worker pool (QEMU's aio=threads).
 *
 * One pool per AioContext, created on the first submit and stored in
 * ctx->thread_pool. Requests wait on a FIFO queue; workers take them, run
 * func(arg) and move them to a done list; a bottom half owned by the pool
 * runs the completion callbacks in the context's thread.
 *
 * Locking: pool->lock protects both lists, every request's state and ret,
 * and the thread counters. The completion callback runs with no lock held.
 *
 * New workers are created in a bottom half of the context (spawn_bh), so
 * they inherit the CPU affinity of the context's thread, not that of
 * whoever changed the pool parameters (as QEMU does).
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "loop/aio-internal.h"
#include "loop/thread-pool.h"

enum req_state {
	REQ_QUEUED,  /* on pool->queue, not started */
	REQ_RUNNING, /* a worker runs func */
	REQ_DONE,    /* on pool->done, callback not yet run */
};

struct ThreadPoolReq {
	struct ThreadPool *pool;
	ThreadPoolFunc *func;
	void *arg;
	ThreadPoolCompletion *cb;
	void *opaque;
	enum req_state state;
	int ret;
	ThreadPoolReq *prev, *next; /* links in queue or done */
};

struct req_list {
	ThreadPoolReq *head, *tail;
};

struct ThreadPool {
	AioContext *ctx;
	AioBH *completion_bh;
	AioBH *spawn_bh;

	pthread_mutex_t lock;
	pthread_cond_t request_cond; /* work queued, or params changed */
	pthread_cond_t exit_cond;    /* a worker exited */
	struct req_list queue;
	struct req_list done;
	unsigned ndone;        /* length of done */
	unsigned queued;       /* length of queue */
	int cur_threads;       /* workers, started or not */
	int pending_threads;   /* requested, not yet in worker_thread */
	int new_threads;       /* requested, not yet created by spawn_bh */
	int idle_threads;      /* workers waiting for work */
	int min_threads;
	int max_threads;
	int64_t idle_timeout_ns;
	bool stopping;
};

static void req_list_push(struct req_list *l, ThreadPoolReq *req)
{
	req->next = NULL;
	req->prev = l->tail;
	if (l->tail)
		l->tail->next = req;
	else
		l->head = req;
	l->tail = req;
}

static void req_list_remove(struct req_list *l, ThreadPoolReq *req)
{
	if (req->prev)
		req->prev->next = req->next;
	else
		l->head = req->next;
	if (req->next)
		req->next->prev = req->prev;
	else
		l->tail = req->prev;
	req->prev = req->next = NULL;
}

static ThreadPoolReq *req_list_pop(struct req_list *l)
{
	ThreadPoolReq *req = l->head;

	if (req)
		req_list_remove(l, req);
	return req;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static struct timespec ns_to_timespec(int64_t ns)
{
	struct timespec ts = {
		.tv_sec = ns / 1000000000LL,
		.tv_nsec = ns % 1000000000LL,
	};

	return ts;
}

/* Ask spawn_bh for one more worker. pool->lock held. */
static void spawn_thread_locked(struct ThreadPool *pool)
{
	pool->cur_threads++;
	pool->pending_threads++;
	pool->new_threads++;
	aio_bh_schedule(pool->spawn_bh);
}

/* Finish req with ret and hand it to the completion BH. Lock held. */
static void complete_locked(struct ThreadPool *pool, ThreadPoolReq *req,
			    int ret)
{
	req->ret = ret;
	req->state = REQ_DONE;
	req_list_push(&pool->done, req);
	pool->ndone++;
}

/*
 * Wait for work. Returns false when this worker should exit: the pool is
 * stopping, there are more workers than max, or it stayed idle for
 * idle_timeout_ns while more than min workers exist. Lock held.
 */
static bool worker_wait(struct ThreadPool *pool)
{
	int64_t idle_since = now_ns();
	struct timespec deadline;
	int rc;

	while (!pool->queue.head) {
		if (pool->stopping || pool->cur_threads > pool->max_threads)
			return false;
		/* Re-read each time: the timeout may change while we wait. */
		deadline = ns_to_timespec(idle_since + pool->idle_timeout_ns);
		pool->idle_threads++;
		rc = pthread_cond_timedwait(&pool->request_cond, &pool->lock,
					    &deadline);
		pool->idle_threads--;
		if (rc == ETIMEDOUT && !pool->queue.head) {
			if (pool->cur_threads > pool->min_threads)
				return false;
			idle_since = now_ns();
		}
	}
	return !pool->stopping && pool->cur_threads <= pool->max_threads;
}

static void *worker_thread(void *opaque)
{
	struct ThreadPool *pool = opaque;
	ThreadPoolReq *req;
	int ret;

	pthread_setname_np(pthread_self(), "pool-worker");
	pthread_mutex_lock(&pool->lock);
	pool->pending_threads--;
	while (worker_wait(pool)) {
		req = req_list_pop(&pool->queue);
		pool->queued--;
		req->state = REQ_RUNNING;
		pthread_mutex_unlock(&pool->lock);

		ret = req->func(req->arg);

		pthread_mutex_lock(&pool->lock);
		complete_locked(pool, req, ret);
		pthread_mutex_unlock(&pool->lock);
		/* req may be freed by the context's thread from here on. */
		aio_bh_schedule(pool->completion_bh);
		pthread_mutex_lock(&pool->lock);
	}
	pool->cur_threads--;
	/* Work may be left if we exit because max shrank; others take it. */
	if (pool->queue.head)
		pthread_cond_signal(&pool->request_cond);
	pthread_cond_broadcast(&pool->exit_cond);
	pthread_mutex_unlock(&pool->lock);
	return NULL;
}

/* Runs in the context's thread: create the requested workers. */
static void spawn_bh(void *opaque)
{
	struct ThreadPool *pool = opaque;
	pthread_attr_t attr;
	pthread_t tid;
	int n;

	pthread_mutex_lock(&pool->lock);
	n = pool->new_threads;
	pool->new_threads = 0;
	pthread_mutex_unlock(&pool->lock);
	if (n == 0)
		return;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	while (n-- > 0) {
		if (pthread_create(&tid, &attr, worker_thread, pool) == 0)
			continue;
		/* Out of threads: the next submit asks again. */
		pthread_mutex_lock(&pool->lock);
		pool->cur_threads--;
		pool->pending_threads--;
		pthread_cond_broadcast(&pool->exit_cond);
		pthread_mutex_unlock(&pool->lock);
	}
	pthread_attr_destroy(&attr);
}

/* Take the oldest done request off the list, or NULL. */
static ThreadPoolReq *done_pop(struct ThreadPool *pool)
{
	ThreadPoolReq *req;

	pthread_mutex_lock(&pool->lock);
	req = req_list_pop(&pool->done);
	if (req)
		pool->ndone--;
	pthread_mutex_unlock(&pool->lock);
	return req;
}

/*
 * Runs in the context's thread. One run completes at most the requests
 * that were done when it started: a callback may submit work that is done
 * before it returns (a cached read, a cancel), and "until the list is
 * empty" would then keep this loop iteration, and every BH and timer
 * behind it, waiting for as long as the chain lasts. What is left is run
 * by the BH rescheduled for the next iteration. Before each callback the
 * BH reschedules itself, so a nested aio_poll inside the callback still
 * runs the other completions; the reschedule is dropped afterwards.
 */
static void completion_bh(void *opaque)
{
	struct ThreadPool *pool = opaque;
	ThreadPoolReq *req;
	unsigned budget;
	bool more;

	pthread_mutex_lock(&pool->lock);
	budget = pool->ndone;
	pthread_mutex_unlock(&pool->lock);
	while (budget-- && (req = done_pop(pool))) {
		aio_bh_schedule(pool->completion_bh);
		if (req->cb)
			req->cb(req->opaque, req->ret);
		free(req);
		aio_bh_cancel(pool->completion_bh);
	}
	pthread_mutex_lock(&pool->lock);
	more = pool->ndone > 0;
	pthread_mutex_unlock(&pool->lock);
	if (more)
		aio_bh_schedule(pool->completion_bh);
}

/* Spawn up to min and wake surplus workers so they exit. Lock held. */
static void apply_params_locked(struct ThreadPool *pool, int min, int max)
{
	pool->min_threads = min;
	pool->max_threads = max;
	while (pool->cur_threads < pool->min_threads)
		spawn_thread_locked(pool);
	pthread_cond_broadcast(&pool->request_cond);
}

void thread_pool_update_params(struct ThreadPool *pool, int min, int max)
{
	pthread_mutex_lock(&pool->lock);
	apply_params_locked(pool, min, max);
	pthread_mutex_unlock(&pool->lock);
}

static struct ThreadPool *thread_pool_new(AioContext *ctx)
{
	struct ThreadPool *pool = calloc(1, sizeof(*pool));
	pthread_condattr_t cattr;

	if (!pool)
		return NULL;
	pool->ctx = ctx;
	pool->idle_timeout_ns = THREAD_POOL_IDLE_TIMEOUT_NS;
	pthread_mutex_init(&pool->lock, NULL);
	pthread_condattr_init(&cattr);
	pthread_condattr_setclock(&cattr, CLOCK_MONOTONIC);
	pthread_cond_init(&pool->request_cond, &cattr);
	pthread_condattr_destroy(&cattr);
	pthread_cond_init(&pool->exit_cond, NULL);
	pool->completion_bh = aio_bh_new(ctx, completion_bh, pool);
	pool->spawn_bh = aio_bh_new(ctx, spawn_bh, pool);

	/*
	 * aio_context_set_thread_pool_params stores min/max and looks for a
	 * pool under pset_lock; reading them and publishing the pool under
	 * the same lock means a concurrent change reaches the pool.
	 */
	pthread_mutex_lock(&ctx->pset_lock);
	thread_pool_update_params(pool, (int)ctx->thread_pool_min,
				  (int)ctx->thread_pool_max);
	atomic_store(&ctx->thread_pool, pool);
	pthread_mutex_unlock(&ctx->pset_lock);
	return pool;
}

static struct ThreadPool *thread_pool_get(AioContext *ctx)
{
	struct ThreadPool *pool = atomic_load(&ctx->thread_pool);

	return pool ? pool : thread_pool_new(ctx);
}

ThreadPoolReq *thread_pool_submit(AioContext *ctx, ThreadPoolFunc *func,
				  void *arg, ThreadPoolCompletion *cb,
				  void *opaque)
{
	struct ThreadPool *pool = thread_pool_get(ctx);
	ThreadPoolReq *req;

	if (!pool)
		return NULL;
	req = calloc(1, sizeof(*req));
	if (!req)
		return NULL;
	req->pool = pool;
	req->func = func;
	req->arg = arg;
	req->cb = cb;
	req->opaque = opaque;
	req->state = REQ_QUEUED;

	pthread_mutex_lock(&pool->lock);
	req_list_push(&pool->queue, req);
	pool->queued++;
	/* More queued work than idle or starting workers: ask for one. */
	if (pool->queued >
		    (unsigned)(pool->idle_threads + pool->pending_threads) &&
	    pool->cur_threads < pool->max_threads)
		spawn_thread_locked(pool);
	pthread_cond_signal(&pool->request_cond);
	pthread_mutex_unlock(&pool->lock);
	return req;
}

bool thread_pool_cancel(AioContext *ctx, ThreadPoolReq *req)
{
	struct ThreadPool *pool = req->pool;
	bool cancelled = false;

	pthread_mutex_lock(&pool->lock);
	if (req->state == REQ_QUEUED) {
		req_list_remove(&pool->queue, req);
		pool->queued--;
		complete_locked(pool, req, -ECANCELED);
		cancelled = true;
	}
	pthread_mutex_unlock(&pool->lock);
	if (cancelled)
		aio_bh_schedule(pool->completion_bh);
	return cancelled;
}

int thread_pool_nr_threads(AioContext *ctx)
{
	struct ThreadPool *pool;
	int n;

	pool = atomic_load(&ctx->thread_pool);
	if (!pool)
		return 0;
	pthread_mutex_lock(&pool->lock);
	n = pool->cur_threads;
	pthread_mutex_unlock(&pool->lock);
	return n;
}

int thread_pool_set_idle_timeout(AioContext *ctx, int64_t ns)
{
	struct ThreadPool *pool;

	if (ns <= 0)
		return -EINVAL;
	pool = thread_pool_get(ctx);
	if (!pool)
		return -ENOMEM;
	pthread_mutex_lock(&pool->lock);
	pool->idle_timeout_ns = ns;
	pthread_cond_broadcast(&pool->request_cond);
	pthread_mutex_unlock(&pool->lock);
	return 0;
}

/*
 * Context teardown (aio_ctx_finalize, which has already cleared
 * ctx->thread_pool): no aio_poll runs any more. Work not started is dropped
 * without its callback, running work is waited for, then freed likewise.
 */
void thread_pool_free(struct ThreadPool *pool)
{
	ThreadPoolReq *req;

	if (!pool)
		return;
	pthread_mutex_lock(&pool->lock);
	pool->stopping = true;
	/* Workers spawn_bh never created: it will not run any more. */
	pool->cur_threads -= pool->new_threads;
	pool->pending_threads -= pool->new_threads;
	pool->new_threads = 0;
	/* Work not started is dropped; running work finishes first. */
	while ((req = req_list_pop(&pool->queue)))
		free(req);
	pool->queued = 0;
	pthread_cond_broadcast(&pool->request_cond);
	while (pool->cur_threads > 0)
		pthread_cond_wait(&pool->exit_cond, &pool->lock);
	while ((req = req_list_pop(&pool->done)))
		free(req);
	pool->ndone = 0;
	pthread_mutex_unlock(&pool->lock);

	aio_bh_delete(pool->completion_bh);
	aio_bh_delete(pool->spawn_bh);
	pthread_cond_destroy(&pool->exit_cond);
	pthread_cond_destroy(&pool->request_cond);
	pthread_mutex_destroy(&pool->lock);
	free(pool);
}
