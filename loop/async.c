/*
 * async.c: the AioContext object, bottom halves, aio_notify, the blocking
 * timeout, the 2015-style context lock, parameters and statistics.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loop/aio-internal.h"
#include "loop/thread-pool.h"
#include "util/util.h"


struct AioBH {
	AioContext *ctx;
	AioBHFunc *cb;
	void *opaque;
	AioBH *next;
	atomic_uint flags;
};

/* ---- Notification ------------------------------------------------------ */

/* The barriers (A)-(D) are explained above notify_me in aio-internal.h. */
void aio_notify(AioContext *ctx)
{
	/* (C): publish the caller's writes (BH flags, list) before notified;
	 * pairs with the full fence of aio_notify_accept. */
	atomic_thread_fence(memory_order_release);
	atomic_store_explicit(&ctx->notified, true, memory_order_relaxed);
	/* (B): order the notified store before the notify_me load; pairs
	 * with the fence aio_poll (or GSource prepare) issues after raising
	 * notify_me. */
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(&ctx->notify_me, memory_order_relaxed)) {
		event_notifier_set(&ctx->notifier);
		AIO_STAT_ADD(ctx, notify_writes, 1);
	}
}

void aio_notify_accept(AioContext *ctx)
{
	atomic_store_explicit(&ctx->notified, false, memory_order_relaxed);
	/* (C): order the clear, and the loads that saw notified set, before
	 * the reads of BH flags and timers that follow; pairs with
	 * aio_notify's release fence. */
	atomic_thread_fence(memory_order_seq_cst);
}

static void aio_context_notifier_cb(EventNotifier *e)
{
	event_notifier_test_and_clear(e);
}

static bool aio_context_notifier_poll(void *opaque)
{
	EventNotifier *e = opaque;
	AioContext *ctx = container_of(e, AioContext, notifier);

	return atomic_load_explicit(&ctx->notified, memory_order_relaxed);
}

static void aio_context_notifier_poll_ready(EventNotifier *e)
{
	/* Nothing to do: waking up was the point. */
}

bool aio_context_notifier_is(AioContext *ctx, AioHandler *node)
{
	return node->opaque == &ctx->notifier;
}

bool aio_node_is_internal(AioContext *ctx, AioHandler *node)
{
	return node == ctx->ring_node || node->opaque == &ctx->notifier;
}

/* ---- Bottom halves ----------------------------------------------------- */

static void aio_bh_enqueue(AioBH *bh, unsigned new_flags)
{
	AioContext *ctx = bh->ctx;
	unsigned old = atomic_fetch_or(&bh->flags, BH_PENDING | new_flags);

	if (!(old & BH_PENDING)) {
		AioBH *head = atomic_load(&ctx->bh_list);

		do {
			bh->next = head;
		} while (!atomic_compare_exchange_weak(&ctx->bh_list, &head,
						       bh));
	}
	aio_notify(ctx);
}

/* Pop the head of *list; returns the flags it had (PENDING etc. cleared). */
static AioBH *aio_bh_dequeue(AioBH **list, unsigned *flags)
{
	AioBH *bh = *list;

	if (!bh)
		return NULL;
	*list = bh->next;
	bh->next = NULL;
	/* After this, another thread may enqueue bh again. */
	*flags = atomic_fetch_and(&bh->flags,
				  ~(BH_PENDING | BH_SCHEDULED | BH_IDLE));
	return bh;
}

AioBH *aio_bh_new(AioContext *ctx, AioBHFunc *cb, void *opaque)
{
	AioBH *bh = calloc(1, sizeof(*bh));

	if (!bh) {
		fprintf(stderr, "aiotune: out of memory allocating a BH\n");
		abort();
	}
	bh->ctx = ctx;
	bh->cb = cb;
	bh->opaque = opaque;
	atomic_init(&bh->flags, 0);
	return bh;
}

void aio_bh_schedule(AioBH *bh)
{
	aio_bh_enqueue(bh, BH_SCHEDULED);
}

void aio_bh_schedule_idle(AioBH *bh)
{
	aio_bh_enqueue(bh, BH_SCHEDULED | BH_IDLE);
}

void aio_bh_cancel(AioBH *bh)
{
	atomic_fetch_and(&bh->flags, ~BH_SCHEDULED);
}

void aio_bh_delete(AioBH *bh)
{
	aio_bh_enqueue(bh, BH_DELETED);
}

void aio_bh_schedule_oneshot(AioContext *ctx, AioBHFunc *cb, void *opaque)
{
	AioBH *bh = aio_bh_new(ctx, cb, opaque);

	aio_bh_enqueue(bh, BH_SCHEDULED | BH_ONESHOT);
}

bool aio_bh_poll(AioContext *ctx)
{
	BHListSlice slice = { .head = atomic_exchange(&ctx->bh_list, NULL) };
	BHListSlice *s;
	bool ret = false;

	if (ctx->bh_slice_tail)
		ctx->bh_slice_tail->next = &slice;
	else
		ctx->bh_slice_head = &slice;
	ctx->bh_slice_tail = &slice;
	ctx->bh_poll_depth++;

	/* Oldest slice first: a nested call finishes its parents' BHs. */
	while ((s = ctx->bh_slice_head)) {
		unsigned flags;
		AioBH *bh = aio_bh_dequeue(&s->head, &flags);

		if (!bh) {
			ctx->bh_slice_head = s->next;
			if (!s->next)
				ctx->bh_slice_tail = NULL;
			continue;
		}
		if ((flags & (BH_SCHEDULED | BH_DELETED)) == BH_SCHEDULED) {
			if (!(flags & BH_IDLE))
				ret = true;
			AIO_STAT_ADD(ctx, bh_runs, 1);
			bh->cb(bh->opaque);
		}
		if (flags & (BH_DELETED | BH_ONESHOT))
			free(bh);
	}
	ctx->bh_poll_depth--;
	return ret;
}

/* Scan a BH list: 0 if a normal BH is scheduled, else 10 ms if an idle one
 * is, else -1. */
static int64_t bh_list_timeout(AioBH *bh)
{
	int64_t timeout = -1;

	for (; bh; bh = bh->next) {
		unsigned flags = atomic_load_explicit(&bh->flags,
						      memory_order_acquire);

		if ((flags & (BH_SCHEDULED | BH_DELETED)) != BH_SCHEDULED)
			continue;
		if (!(flags & BH_IDLE))
			return 0;
		timeout = AIO_IDLE_BH_TIMEOUT_NS;
	}
	return timeout;
}

static int64_t aio_bh_timeout(AioContext *ctx)
{
	int64_t timeout = bh_list_timeout(atomic_load(&ctx->bh_list));

	for (BHListSlice *s = ctx->bh_slice_head; s && timeout; s = s->next)
		timeout = aio_soonest(timeout, bh_list_timeout(s->head));
	return timeout;
}

bool aio_bh_any_scheduled(AioContext *ctx)
{
	return aio_bh_timeout(ctx) == 0;
}

int64_t aio_compute_timeout(AioContext *ctx)
{
	int64_t timeout;

	/* CQE handlers a callback's nested aio_poll left to its parent. */
	if (ctx->cqe_head)
		return 0;
	timeout = aio_bh_timeout(ctx);
	if (timeout == 0)
		return 0;
	for (int i = 0; i < AIO_CLOCK_MAX; i++)
		timeout = aio_soonest(timeout,
				  aio_timerlist_deadline_ns(&ctx->tlg[i], i));
	return timeout;
}

/* ---- Context lifecycle ------------------------------------------------- */

static int window_ring_init(AioContext *ctx)
{
	ctx->window_ring = calloc(AIO_WINDOW_RING, sizeof(AioWindowSample));
	return ctx->window_ring ? 0 : -ENOMEM;
}

static unsigned long self_id(void)
{
	return (unsigned long)pthread_self();
}

static AioContext *aio_context_create(bool owned)
{
	GSource *source = g_source_new(&aio_source_funcs, sizeof(AioContext));
	AioContext *ctx = (AioContext *)source;
	pthread_mutexattr_t attr;
	int ret;

	/* An owned context's thread binds it; until then nobody adds SQEs. */
	ctx->owned = owned;
	atomic_init(&ctx->home_thread, owned ? 0 : self_id());

	ret = event_notifier_init(&ctx->notifier, false);
	if (ret < 0)
		goto fail_source;

	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&ctx->lock, &attr);
	pthread_mutexattr_destroy(&attr);
	pthread_mutex_init(&ctx->pset_lock, NULL);
	pthread_mutex_init(&ctx->trace_lock, NULL);
	aio_lockcnt_init(&ctx->list_lock);
	for (int i = 0; i < AIO_CLOCK_MAX; i++)
		aio_timerlist_init(&ctx->tlg[i]);

	ctx->pset.block_cost_ns = AIO_BLOCK_COST_AUTO;
	ctx->pset_policy = poll_policy_default();
	ctx->params = ctx->pset;
	ctx->bc_auto = true;
	aio_blockcost_apply(ctx);
	ctx->policy = ctx->pset_policy;
	ctx->thread_pool_min = 0;
	ctx->thread_pool_max = 64; /* QEMU's THREAD_POOL_MAX_THREADS_DEFAULT */
	ctx->epollfd = -1;
	ctx->gsource_tag_fd = -1;

	ret = window_ring_init(ctx);
	if (ret < 0)
		goto fail_notifier;
	ret = fdmon_choose(ctx);
	if (ret < 0)
		goto fail_ring;

	g_source_set_can_recurse(source, TRUE);
	aio_set_event_notifier(ctx, &ctx->notifier, aio_context_notifier_cb,
			       aio_context_notifier_poll,
			       aio_context_notifier_poll_ready);
	/* Registration notified; that is not pending work. */
	aio_notify_accept(ctx);
	ctx->initialized = true;
	return ctx;

fail_ring:
	free(ctx->window_ring);
fail_notifier:
	event_notifier_cleanup(&ctx->notifier);
fail_source:
	g_source_unref(source); /* finalize does nothing: not initialized */
	errno = -ret;
	return NULL;
}

AioContext *aio_context_new(void)
{
	return aio_context_create(false);
}

AioContext *aio_context_new_owned(void)
{
	return aio_context_create(true);
}

void aio_context_bind_home(AioContext *ctx)
{
	atomic_store(&ctx->home_thread, self_id());
	ctx->home_bound = true;
	if (ctx->fdmon_ops->bind_thread)
		ctx->fdmon_ops->bind_thread(ctx);
}

bool aio_context_in_home_thread(AioContext *ctx)
{
	return atomic_load_explicit(&ctx->home_thread,
				    memory_order_relaxed) == self_id();
}

void aio_context_enter_home(AioContext *ctx)
{
	unsigned long me = self_id();

	if (!ctx->home_bound &&
	    atomic_load_explicit(&ctx->home_thread, memory_order_relaxed) != me)
		atomic_store_explicit(&ctx->home_thread, me,
				      memory_order_relaxed);
}

void aio_ctx_finalize(GSource *source)
{
	AioContext *ctx = (AioContext *)source;
	struct ThreadPool *pool;
	AioBH *bh;
	unsigned flags;

	if (!ctx->initialized)
		return;

	pool = atomic_exchange(&ctx->thread_pool, NULL);
	if (pool)
		thread_pool_free(pool);

	if (ctx->bh_poll_depth) {
		fprintf(stderr, "aiotune: context freed inside aio_bh_poll\n");
		abort();
	}
	if (ctx->cqe_dispatch_depth) {
		fprintf(stderr,
			"aiotune: context freed inside a CQE handler\n");
		abort();
	}
	ctx->bh_slice_head = NULL;
	while ((bh = aio_bh_dequeue((AioBH **)&ctx->bh_list, &flags))) {
		if (!(flags & BH_DELETED)) {
			fprintf(stderr, "aiotune: BH %p (callback %p) leaked at "
				"context teardown, aborting\n", (void *)bh,
				(void *)(uintptr_t)bh->cb);
			abort();
		}
		free(bh);
	}

	aio_set_event_notifier(ctx, &ctx->notifier, NULL, NULL, NULL);
	aio_handlers_destroy(ctx);
	if (ctx->fdmon_ops && ctx->fdmon_ops->destroy)
		ctx->fdmon_ops->destroy(ctx);
	if (ctx->fdmon_ops != &fdmon_poll_ops)
		fdmon_poll_ops.destroy(ctx);
	/* Reaped but not dispatched: the owners hear nothing (aio.h). */
	ctx->cqe_head = ctx->cqe_tail = NULL;
	/* epoll may have left its fd open after a fallback (fdmon-epoll.c). */
	if (ctx->epollfd >= 0)
		close(ctx->epollfd);
	event_notifier_cleanup(&ctx->notifier);
	for (int i = 0; i < AIO_CLOCK_MAX; i++)
		aio_timerlist_destroy(&ctx->tlg[i]);
	if (ctx->gsource_pfds)
		g_array_free(ctx->gsource_pfds, TRUE);
	free(ctx->window_ring);
	aio_lockcnt_destroy(&ctx->list_lock);
	pthread_mutex_destroy(&ctx->trace_lock);
	pthread_mutex_destroy(&ctx->pset_lock);
	pthread_mutex_destroy(&ctx->lock);
}

void aio_context_ref(AioContext *ctx)
{
	g_source_ref(&ctx->source);
}

void aio_context_unref(AioContext *ctx)
{
	g_source_unref(&ctx->source);
}

/* ---- The 2015 context lock --------------------------------------------- */

static atomic_ulong *owner_of(AioContext *ctx)
{
	return &ctx->lock_owner;
}

void aio_context_acquire(AioContext *ctx)
{
	if (pthread_mutex_trylock(&ctx->lock) != 0) {
		/* Contended: kick an owner blocked in aio_poll, then wait. */
		atomic_fetch_add(&ctx->lock_waiters, 1);
		aio_notify(ctx);
		pthread_mutex_lock(&ctx->lock);
		atomic_fetch_sub(&ctx->lock_waiters, 1);
	} else if (atomic_exchange(&ctx->lock_released_for_wait, false)) {
		/* The owner dropped it only to block in aio_poll: kick it,
		 * as a contended acquire would. */
		aio_notify(ctx);
	}
	atomic_store_explicit(owner_of(ctx), self_id(), memory_order_relaxed);
	ctx->lock_depth++;
}

void aio_context_release(AioContext *ctx)
{
	if (--ctx->lock_depth == 0)
		atomic_store_explicit(owner_of(ctx), 0, memory_order_relaxed);
	pthread_mutex_unlock(&ctx->lock);
}

unsigned aio_context_release_all(AioContext *ctx)
{
	unsigned depth;

	if (atomic_load_explicit(owner_of(ctx), memory_order_relaxed) !=
	    self_id())
		return 0;
	depth = ctx->lock_depth;
	ctx->lock_depth = 0;
	atomic_store_explicit(owner_of(ctx), 0, memory_order_relaxed);
	atomic_store(&ctx->lock_released_for_wait, true);
	for (unsigned i = 0; i < depth; i++)
		pthread_mutex_unlock(&ctx->lock);
	return depth;
}

void aio_context_reacquire(AioContext *ctx, unsigned depth)
{
	if (!depth)
		return;
	for (unsigned i = 0; i < depth; i++)
		pthread_mutex_lock(&ctx->lock);
	atomic_store(&ctx->lock_released_for_wait, false);
	atomic_store_explicit(owner_of(ctx), self_id(), memory_order_relaxed);
	ctx->lock_depth = depth;
}

/* ---- Parameters -------------------------------------------------------- */

static void pset_publish(AioContext *ctx)
{
	atomic_fetch_add(&ctx->pset_gen, 1);
	aio_notify(ctx);
}

int aio_context_set_poll_params(AioContext *ctx, int64_t max_ns, int64_t grow,
				int64_t shrink)
{
	if (max_ns < 0 || grow < 0 || shrink < 0)
		return -EINVAL;
	pthread_mutex_lock(&ctx->pset_lock);
	ctx->pset.max_ns = max_ns;
	ctx->pset.grow = grow;
	ctx->pset.shrink = shrink;
	pthread_mutex_unlock(&ctx->pset_lock);
	pset_publish(ctx);
	return 0;
}

int aio_context_set_poll_policy(AioContext *ctx, const char *name)
{
	const struct poll_policy_ops *ops = poll_policy_find(name);

	if (!ops)
		return -EINVAL;
	pthread_mutex_lock(&ctx->pset_lock);
	ctx->pset_policy = ops;
	pthread_mutex_unlock(&ctx->pset_lock);
	pset_publish(ctx);
	return 0;
}

int aio_context_set_poll_weight(AioContext *ctx, int64_t weight)
{
	if (weight < 0 || weight > 63)
		return -EINVAL;
	pthread_mutex_lock(&ctx->pset_lock);
	ctx->pset.weight = weight;
	pthread_mutex_unlock(&ctx->pset_lock);
	pset_publish(ctx);
	return 0;
}

int aio_context_set_block_cost(AioContext *ctx, int64_t ns)
{
	if (ns < AIO_BLOCK_COST_AUTO)
		return -EINVAL;
	pthread_mutex_lock(&ctx->pset_lock);
	ctx->pset.block_cost_ns = ns;
	pthread_mutex_unlock(&ctx->pset_lock);
	pset_publish(ctx);
	return 0;
}

void aio_context_get_poll_params(AioContext *ctx, int64_t *max_ns,
				 int64_t *grow, int64_t *shrink)
{
	pthread_mutex_lock(&ctx->pset_lock);
	if (max_ns)
		*max_ns = ctx->pset.max_ns;
	if (grow)
		*grow = ctx->pset.grow;
	if (shrink)
		*shrink = ctx->pset.shrink;
	pthread_mutex_unlock(&ctx->pset_lock);
}

const char *aio_context_poll_policy_name(AioContext *ctx)
{
	const char *name;

	pthread_mutex_lock(&ctx->pset_lock);
	name = ctx->pset_policy->name;
	pthread_mutex_unlock(&ctx->pset_lock);
	return name;
}

void aio_apply_params(AioContext *ctx)
{
	unsigned gen = atomic_load(&ctx->pset_gen);
	AioHandler *node;

	if (gen == ctx->applied_gen)
		return;
	pthread_mutex_lock(&ctx->pset_lock);
	ctx->params = ctx->pset;
	ctx->policy = ctx->pset_policy;
	ctx->applied_gen = atomic_load(&ctx->pset_gen);
	pthread_mutex_unlock(&ctx->pset_lock);
	ctx->poll_max_ns = ctx->params.max_ns;
	ctx->bc_auto = ctx->params.block_cost_ns < 0;
	aio_blockcost_apply(ctx);

	/* As QEMU: new parameters restart every window from zero. */
	memset(&ctx->ctx_poll, 0, sizeof(ctx->ctx_poll));
	aio_lockcnt_inc(&ctx->list_lock);
	for (node = atomic_load(&ctx->aio_handlers); node; node = node->next)
		memset(&node->poll, 0, sizeof(node->poll));
	if (ctx->ring_node)
		memset(&ctx->ring_node->poll, 0, sizeof(ctx->ring_node->poll));
	aio_lockcnt_dec(&ctx->list_lock);
	aio_stats_window(ctx, aio_now_ns());
}

int aio_context_set_aio_params(AioContext *ctx, int64_t max_batch)
{
	if (max_batch < 0)
		return -EINVAL;
	atomic_store(&ctx->aio_max_batch, max_batch);
	aio_notify(ctx);
	return 0;
}

int64_t aio_context_get_aio_max_batch(AioContext *ctx)
{
	return atomic_load(&ctx->aio_max_batch);
}

int aio_context_set_thread_pool_params(AioContext *ctx, int64_t min,
				       int64_t max)
{
	struct ThreadPool *pool;

	if (min > max || max <= 0 || min < 0 || min > INT32_MAX ||
	    max > INT32_MAX)
		return -EINVAL;
	pthread_mutex_lock(&ctx->pset_lock);
	ctx->thread_pool_min = min;
	ctx->thread_pool_max = max;
	pool = atomic_load(&ctx->thread_pool);
	if (pool)
		thread_pool_update_params(pool, (int)min, (int)max);
	pthread_mutex_unlock(&ctx->pset_lock);
	return 0;
}

void aio_context_set_trace(AioContext *ctx, FILE *fp)
{
	pthread_mutex_lock(&ctx->trace_lock);
	ctx->trace = fp;
	pthread_mutex_unlock(&ctx->trace_lock);
}

/* ---- Statistics -------------------------------------------------------- */

#define AIO_STAT_FIELDS(X)                                                   \
	X(iterations) X(progress_iterations) X(poll_attempts) X(poll_hits)   \
	X(poll_misses) X(blocking_waits) X(poll_ns) X(block_ns)              \
	X(grow_events) X(shrink_events) X(notify_writes) X(bh_runs)          \
	X(timer_runs) X(dispatches)

void aio_context_get_stats(AioContext *ctx, AioStats *out)
{
	memset(out, 0, sizeof(*out));
#define X(f) out->f = __atomic_load_n(&ctx->stats.f, __ATOMIC_RELAXED);
	AIO_STAT_FIELDS(X)
#undef X
	out->window_ns = __atomic_load_n(&ctx->stats.window_ns,
					 __ATOMIC_RELAXED);
	pthread_mutex_lock(&ctx->pset_lock);
	out->poll_max_ns = ctx->pset.max_ns;
	out->poll_grow = ctx->pset.grow;
	out->poll_shrink = ctx->pset.shrink;
	out->policy = ctx->pset_policy->name;
	pthread_mutex_unlock(&ctx->pset_lock);
	out->fdmon = aio_context_fdmon_name(ctx);
	out->block_cost_ns = __atomic_load_n(&ctx->stats.block_cost_ns,
					     __ATOMIC_RELAXED);
	out->wake_ns = __atomic_load_n(&ctx->stats.wake_ns, __ATOMIC_RELAXED);
	out->block_cost_samples = __atomic_load_n(
		&ctx->stats.block_cost_samples, __ATOMIC_RELAXED);
	out->work = __atomic_load_n(&ctx->work, __ATOMIC_RELAXED);
	out->ring_flags = aio_context_ring_flags_name(ctx);
}

void aio_context_count_work(AioContext *ctx, uint64_t units)
{
	__atomic_fetch_add(&ctx->work, units, __ATOMIC_RELAXED);
}

void aio_context_reset_stats(AioContext *ctx)
{
#define X(f) __atomic_store_n(&ctx->stats.f, 0, __ATOMIC_RELAXED);
	AIO_STAT_FIELDS(X)
#undef X
}

void aio_stats_window(AioContext *ctx, int64_t now_ns)
{
	int64_t w = aio_current_window(ctx);
	AioWindowSample *s;

	if (w == ctx->last_window && ctx->window_ring_len)
		return;
	ctx->last_window = w;
	__atomic_store_n(&ctx->stats.window_ns, w, __ATOMIC_RELAXED);
	pthread_mutex_lock(&ctx->trace_lock);
	s = &ctx->window_ring[ctx->window_ring_pos];
	s->t_ns = now_ns;
	s->window_ns = w;
	ctx->window_ring_pos = (ctx->window_ring_pos + 1) % AIO_WINDOW_RING;
	if (ctx->window_ring_len < AIO_WINDOW_RING)
		ctx->window_ring_len++;
	pthread_mutex_unlock(&ctx->trace_lock);
}

size_t aio_context_get_window_trace(AioContext *ctx, AioWindowSample *out,
				    size_t max)
{
	size_t n, start;

	pthread_mutex_lock(&ctx->trace_lock);
	n = ctx->window_ring_len < max ? ctx->window_ring_len : max;
	/* The most recent n, oldest first. */
	start = (ctx->window_ring_pos + AIO_WINDOW_RING - n) % AIO_WINDOW_RING;
	for (size_t i = 0; i < n; i++)
		out[i] = ctx->window_ring[(start + i) % AIO_WINDOW_RING];
	pthread_mutex_unlock(&ctx->trace_lock);
	return n;
}
