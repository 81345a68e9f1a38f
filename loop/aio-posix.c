/*
 * aio-posix.c: fd handlers, the poll set, adaptive busy polling and
 * aio_poll itself. The order of one iteration (docs/loop-contract.md
 * section 2):
 *
 *   compute timeout -> busy-poll (policy window, bounded by the timeout)
 *   -> raise notify_me if we may block -> stop poll mode and wait in the fd
 *   monitor -> accept notification -> BHs -> ready handlers (adjusting the
 *   policy) -> free deleted handlers -> timers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loop/aio-internal.h"

static bool node_deleted(AioHandler *node)
{
	return atomic_load_explicit(&node->deleted, memory_order_acquire);
}

/* ---- Ready lists -------------------------------------------------------- */

static void ready_list_remove(AioHandlerList *list, AioHandler *node)
{
	for (AioHandler **p = &list->head; *p; p = &(*p)->next_ready) {
		if (*p == node) {
			*p = node->next_ready;
			break;
		}
	}
	node->next_ready = NULL;
	node->ready_list = NULL;
}

void aio_add_ready_handler(AioHandlerList *list, AioHandler *node,
			   int revents, bool poll_ready)
{
	/* A nested aio_poll takes over nodes its parent found ready. */
	if (node->ready_list)
		ready_list_remove(node->ready_list, node);
	node->revents = (short)revents;
	if (poll_ready)
		node->poll_ready = true;
	node->next_ready = list->head;
	node->ready_list = list;
	list->head = node;
}

AioHandler *aio_ready_list_pop(AioHandlerList *list)
{
	AioHandler *node = list->head;

	if (node) {
		list->head = node->next_ready;
		node->next_ready = NULL;
		node->ready_list = NULL;
	}
	return node;
}

/* ---- The poll set ------------------------------------------------------- */

static void poll_set_insert(AioContext *ctx, AioHandler *node)
{
	node->next_poll = ctx->poll_handlers;
	ctx->poll_handlers = node;
	node->in_poll_set = true;
	node->stats.in_poll_set = true;
}

static void poll_set_remove(AioContext *ctx, AioHandler *node)
{
	if (!node->in_poll_set)
		return;
	for (AioHandler **p = &ctx->poll_handlers; *p; p = &(*p)->next_poll) {
		if (*p == node) {
			*p = node->next_poll;
			break;
		}
	}
	node->next_poll = NULL;
	node->in_poll_set = false;
	node->stats.in_poll_set = false;
}

int64_t aio_current_window(AioContext *ctx)
{
	int64_t max = 0;

	if (!ctx->poll_max_ns || ctx->bc_calibrating)
		return 0;
	for (AioHandler *n = ctx->poll_handlers; n; n = n->next_poll)
		if (n->poll.ns > max)
			max = n->poll.ns;
	return poll_policy_window(ctx->policy, &ctx->ctx_poll, max,
				  &ctx->params);
}

bool aio_poll_disabled(AioContext *ctx)
{
	return atomic_load_explicit(&ctx->poll_disable_cnt,
				    memory_order_relaxed) > 0;
}

/* ---- Registration ------------------------------------------------------- */

static AioHandler *find_aio_handler(AioContext *ctx, int fd)
{
	for (AioHandler *n = atomic_load(&ctx->aio_handlers); n; n = n->next)
		if (n->fd == fd && !node_deleted(n))
			return n;
	return NULL;
}

static void handlers_unlink(AioContext *ctx, AioHandler *node)
{
	for (AioHandler *_Atomic *p = &ctx->aio_handlers; *p;
	     p = &(*p)->next) {
		if (*p == node) {
			*p = node->next;
			break;
		}
	}
	poll_set_remove(ctx, node);
}

/*
 * Take node out of service; list_lock's mutex held. Returns true when the
 * caller must free it (nobody is walking the list), false when freeing is
 * deferred to aio_free_deleted_handlers or owned by the fd monitor.
 */
static bool aio_remove_fd_handler(AioContext *ctx, AioHandler *node)
{
	if (node_deleted(node))
		return false; /* the fd monitor took it (io_uring) */
	if (aio_lockcnt_count(&ctx->list_lock)) {
		atomic_store_explicit(&node->deleted, true,
				      memory_order_release);
		node->next_deleted = ctx->deleted_handlers;
		__atomic_store_n(&ctx->deleted_handlers, node,
				 __ATOMIC_RELEASE);
		return false;
	}
	handlers_unlink(ctx, node);
	return true;
}

void aio_set_fd_handler(AioContext *ctx, int fd, IOHandler *io_read,
			IOHandler *io_write, AioPollFn *io_poll,
			IOHandler *io_poll_ready, void *opaque)
{
	AioHandler *node, *new_node = NULL;
	bool free_old = false;
	int disable_change;

	if (io_poll && !io_poll_ready)
		io_poll = NULL;

	aio_lockcnt_lock(&ctx->list_lock);
	node = find_aio_handler(ctx, fd);

	if (!io_read && !io_write && !io_poll) {
		if (!node) {
			aio_lockcnt_unlock(&ctx->list_lock);
			return;
		}
		__atomic_store_n(&node->events, 0, __ATOMIC_RELAXED);
		disable_change = node->io_poll ? 0 : -1;
		ctx->nhandlers--;
	} else {
		short events = 0;

		new_node = calloc(1, sizeof(*new_node));
		if (!new_node) {
			aio_lockcnt_unlock(&ctx->list_lock);
			fprintf(stderr, "aiotune: out of memory adding fd %d "
				"handler\n", fd);
			abort();
		}
		new_node->fd = fd;
		new_node->io_read = io_read;
		new_node->io_write = io_write;
		new_node->io_poll = io_poll;
		new_node->io_poll_ready = io_poll_ready;
		new_node->opaque = opaque;
		if (io_read)
			events |= AIO_EV_IN;
		if (io_write)
			events |= AIO_EV_OUT;
		new_node->events = events;
		disable_change = (io_poll ? 0 : 1) -
				 (node && !node->io_poll ? 1 : 0);
		new_node->next = atomic_load(&ctx->aio_handlers);
		atomic_store_explicit(&ctx->aio_handlers, new_node,
				      memory_order_release);
		if (!node)
			ctx->nhandlers++;
	}

	atomic_fetch_add_explicit(&ctx->poll_disable_cnt, disable_change,
				  memory_order_relaxed);
	atomic_fetch_add(&ctx->handlers_gen, 1);
	ctx->fdmon_ops->update(ctx, node, new_node);
	if (node)
		free_old = aio_remove_fd_handler(ctx, node);
	aio_lockcnt_unlock(&ctx->list_lock);

	aio_notify(ctx);
	if (free_old)
		free(node);
}

void aio_set_fd_poll(AioContext *ctx, int fd, IOHandler *io_poll_begin,
		     IOHandler *io_poll_end)
{
	AioHandler *node;

	aio_lockcnt_lock(&ctx->list_lock);
	node = find_aio_handler(ctx, fd);
	if (node) {
		node->io_poll_begin = io_poll_begin;
		node->io_poll_end = io_poll_end;
	}
	aio_lockcnt_unlock(&ctx->list_lock);
}

void aio_set_event_notifier(AioContext *ctx, EventNotifier *e,
			    EventNotifierHandler *io_read, AioPollFn *io_poll,
			    EventNotifierHandler *io_poll_ready)
{
	aio_set_fd_handler(ctx, event_notifier_get_fd(e), (IOHandler *)io_read,
			   NULL, io_poll, (IOHandler *)io_poll_ready, e);
}

void aio_set_event_notifier_poll(AioContext *ctx, EventNotifier *e,
				 EventNotifierHandler *io_poll_begin,
				 EventNotifierHandler *io_poll_end)
{
	aio_set_fd_poll(ctx, event_notifier_get_fd(e),
			(IOHandler *)io_poll_begin, (IOHandler *)io_poll_end);
}

void aio_free_deleted_handlers(AioContext *ctx)
{
	AioHandler *node;

	if (!__atomic_load_n(&ctx->deleted_handlers, __ATOMIC_ACQUIRE))
		return;
	/* Only the outermost walker frees; a nested one leaves it. */
	if (!aio_lockcnt_dec_if_lock(&ctx->list_lock))
		return;
	while ((node = ctx->deleted_handlers)) {
		ctx->deleted_handlers = node->next_deleted;
		if (node->ready_list)
			ready_list_remove(node->ready_list, node);
		handlers_unlink(ctx, node);
		free(node);
	}
	aio_lockcnt_inc_and_unlock(&ctx->list_lock);
}

void aio_handlers_destroy(AioContext *ctx)
{
	AioHandler *node;

	aio_lockcnt_lock(&ctx->list_lock);
	while ((node = atomic_load(&ctx->aio_handlers))) {
		ctx->aio_handlers = node->next;
		free(node);
	}
	ctx->deleted_handlers = NULL;
	ctx->poll_handlers = NULL;
	aio_lockcnt_unlock(&ctx->list_lock);
}

int aio_get_handler_stats(AioContext *ctx, int fd, AioHandlerStats *out)
{
	AioHandler *node;
	int ret = -ENOENT;

	aio_lockcnt_lock(&ctx->list_lock);
	node = find_aio_handler(ctx, fd);
	if (node) {
		*out = node->stats;
		out->window_ns = node->poll.ns;
		ret = 0;
	}
	aio_lockcnt_unlock(&ctx->list_lock);
	return ret;
}

/* ---- Poll mode ---------------------------------------------------------- */

bool aio_poll_set_started(AioContext *ctx, AioHandlerList *ready,
			  bool started)
{
	bool progress = false;

	if (started == ctx->poll_started)
		return false;
	ctx->poll_started = started;

	aio_lockcnt_inc(&ctx->list_lock);
	for (AioHandler *n = ctx->poll_handlers; n; n = n->next_poll) {
		if (node_deleted(n))
			continue;
		if (started) {
			if (n->io_poll_begin)
				n->io_poll_begin(n->opaque);
			continue;
		}
		if (n->io_poll_end)
			n->io_poll_end(n->opaque);
		/* The event may have raced with io_poll_end: look once more. */
		if (n->io_poll(n->opaque)) {
			aio_add_ready_handler(ready, n, 0, true);
			if (!aio_node_is_internal(ctx, n))
				progress = true;
		}
	}
	aio_lockcnt_dec(&ctx->list_lock);
	return progress;
}

static bool run_poll_handlers_once(AioContext *ctx, AioHandlerList *ready,
				   int64_t now, int64_t *timeout)
{
	bool progress = false;
	AioHandler *next;

	for (AioHandler *n = ctx->poll_handlers; n; n = next) {
		next = n->next_poll;
		if (node_deleted(n) || !n->io_poll(n->opaque))
			continue;
		aio_add_ready_handler(ready, n, 0, true);
		n->poll_idle_timeout = now + AIO_POLL_IDLE_INTERVAL_NS;
		n->stats.poll_hits++;
		*timeout = 0;
		if (!aio_node_is_internal(ctx, n))
			progress = true;
	}
	return progress;
}

/* io_uring only: handlers idle for 7 s leave the poll set. */
static bool remove_idle_poll_handlers(AioContext *ctx, AioHandlerList *ready,
				      int64_t now)
{
	bool progress = false;
	AioHandler *next;

	if (ctx->fdmon_ops->need_wait == aio_poll_disabled)
		return false; /* would starve fds that only poll() can see */

	for (AioHandler *n = ctx->poll_handlers; n; n = next) {
		next = n->next_poll;
		if (n->poll_idle_timeout == 0) {
			n->poll_idle_timeout = now + AIO_POLL_IDLE_INTERVAL_NS;
			continue;
		}
		if (now < n->poll_idle_timeout)
			continue;
		n->poll_idle_timeout = 0;
		poll_set_remove(ctx, n);
		if (ctx->poll_started && n->io_poll_end) {
			n->io_poll_end(n->opaque);
			if (n->io_poll(n->opaque)) {
				aio_add_ready_handler(ready, n, 0, true);
				if (!aio_node_is_internal(ctx, n))
					progress = true;
			}
		}
	}
	return progress;
}

static bool run_poll_handlers(AioContext *ctx, AioHandlerList *ready,
			      int64_t max_ns, int64_t *timeout)
{
	int64_t start = aio_now_ns(), elapsed;
	bool progress;

	do {
		progress = run_poll_handlers_once(ctx, ready, start, timeout);
		elapsed = aio_now_ns() - start;
		max_ns = aio_soonest(*timeout, max_ns);
		if (ctx->fdmon_ops->need_wait(ctx)) {
			/* A monitor with user-space readiness (io_uring) keeps
			 * polling mode on: it is only waited on with 0. */
			if (ctx->fdmon_ops->need_wait != aio_poll_disabled)
				*timeout = 0;
			break;
		}
	} while (elapsed < max_ns);

	AIO_STAT_ADD(ctx, poll_ns, (uint64_t)elapsed);
	if (remove_idle_poll_handlers(ctx, ready, start + elapsed)) {
		*timeout = 0;
		progress = true;
	}
	if (*timeout != -1)
		*timeout -= *timeout < elapsed ? *timeout : elapsed;
	return progress;
}

static bool try_poll_mode(AioContext *ctx, AioHandlerList *ready,
			  int64_t *timeout)
{
	int64_t max_ns;
	bool progress;

	ctx->polled_window = 0;
	ctx->polled_caught = false;
	if (!ctx->poll_handlers)
		return false;
	max_ns = aio_soonest(*timeout, aio_current_window(ctx));
	if (!max_ns || ctx->fdmon_ops->need_wait(ctx))
		return false;

	aio_poll_set_started(ctx, ready, true);
	AIO_STAT_ADD(ctx, poll_attempts, 1);
	progress = run_poll_handlers(ctx, ready, max_ns, timeout);
	ctx->polled_window = max_ns;
	ctx->polled_caught = *timeout == 0;
	if (*timeout == 0)
		AIO_STAT_ADD(ctx, poll_hits, 1);
	else
		AIO_STAT_ADD(ctx, poll_misses, 1);
	return progress;
}

/* ---- Dispatch ----------------------------------------------------------- */

static bool aio_dispatch_handler(AioContext *ctx, AioHandler *node)
{
	int revents = node->revents & __atomic_load_n(&node->events,
						      __ATOMIC_RELAXED);
	bool poll_ready = node->poll_ready;
	bool notifier = aio_node_is_internal(ctx, node);
	bool progress = false;

	node->revents = 0;
	node->poll_ready = false;

	/* Activity is likely to continue: poll this handler from now on. */
	if (!node_deleted(node) && !node->in_poll_set && node->io_poll) {
		if (ctx->poll_started && node->io_poll_begin)
			node->io_poll_begin(node->opaque);
		poll_set_insert(ctx, node);
	}

	if (!node_deleted(node) && poll_ready && !revents &&
	    node->io_poll_ready) {
		/* Out of the poll set while it runs, so a nested aio_poll
		 * does not re-enter it before it resets its condition. */
		poll_set_remove(ctx, node);
		node->io_poll_ready(node->opaque);
		if (!node->in_poll_set && !node_deleted(node))
			poll_set_insert(ctx, node);
		AIO_STAT_ADD(ctx, dispatches, 1);
		return !notifier;
	}

	if (!node_deleted(node) && (revents & AIO_EV_IN) && node->io_read) {
		node->io_read(node->opaque);
		node->stats.fd_events++;
		AIO_STAT_ADD(ctx, dispatches, 1);
		if (!notifier)
			progress = true;
	}
	if (!node_deleted(node) && (revents & AIO_EV_OUT) && node->io_write) {
		node->io_write(node->opaque);
		node->stats.fd_events++;
		AIO_STAT_ADD(ctx, dispatches, 1);
		progress = true;
	}
	return progress;
}

static void count_change(AioContext *ctx, AioHandler *node, int change)
{
	if (change == POLL_GREW) {
		AIO_STAT_ADD(ctx, grow_events, 1);
		if (node)
			node->stats.grow_events++;
	} else if (change == POLL_SHRANK) {
		AIO_STAT_ADD(ctx, shrink_events, 1);
		if (node)
			node->stats.shrink_events++;
	}
}

static void trace_event(AioContext *ctx, AioHandler *node, int64_t block_ns)
{
	if (!__atomic_load_n(&ctx->trace, __ATOMIC_RELAXED))
		return;
	pthread_mutex_lock(&ctx->trace_lock);
	if (ctx->trace)
		fprintf(ctx->trace, "%lld %d\n", (long long)block_ns, node->fd);
	pthread_mutex_unlock(&ctx->trace_lock);
}

/*
 * Tell the policy that node fired after block_ns. After dispatch, so a
 * handler that just joined the poll set starts polling on the next
 * iteration.
 */
static void aio_policy_event(AioContext *ctx, AioHandler *node,
			     int64_t block_ns, int64_t now)
{
	const struct poll_policy_ops *ops = ctx->policy;

	if (!ctx->poll_max_ns || !node->in_poll_set || node_deleted(node))
		return;
	node->poll.has_event = true;
	ctx->events++;
	if (ops->event)
		count_change(ctx, node,
			     ops->event(&node->poll, &ctx->ctx_poll,
					&ctx->params, block_ns, now));
	if (!aio_context_notifier_is(ctx, node))
		trace_event(ctx, node, block_ns);
}

bool aio_dispatch_ready_handlers(AioContext *ctx, AioHandlerList *ready,
				 int64_t block_ns)
{
	int64_t now = block_ns ? aio_now_ns() : 0;
	bool progress = false;
	AioHandler *node;

	while ((node = aio_ready_list_pop(ready))) {
		if (node == ctx->ring_node) {
			/* Polling saw CQEs; aio_dispatch_cqe_handlers ran
			 * their handlers and told the policy. */
			node->poll_ready = false;
			node->revents = 0;
			continue;
		}
		progress |= aio_dispatch_handler(ctx, node);
		aio_policy_event(ctx, node, block_ns, now);
	}
	return progress;
}

void aio_cqe_handler_queue(AioContext *ctx, CqeHandler *h)
{
	h->next = NULL;
	if (ctx->cqe_tail)
		ctx->cqe_tail->next = h;
	else
		ctx->cqe_head = h;
	ctx->cqe_tail = h;
}

bool aio_dispatch_cqe_handlers(AioContext *ctx, int64_t block_ns)
{
	AioHandler *node = ctx->ring_node;
	int64_t now = block_ns ? aio_now_ns() : 0;
	int64_t limit = atomic_load_explicit(&ctx->aio_max_batch,
					     memory_order_relaxed);
	CqeHandler *h;

	if (!ctx->cqe_head)
		return false;
	if (limit <= 0)
		limit = AIO_CQE_BATCH_DEFAULT;
	/* The ring fired: poll its CQ from now on, as a handler joins the
	 * poll set after its first event (section 3.5). */
	if (node && !node->in_poll_set)
		poll_set_insert(ctx, node);
	ctx->cqe_dispatch_depth++;
	/*
	 * One at a time from the context's queue, so that a nested aio_poll
	 * in a handler runs the ones still pending, in order. At most limit
	 * (aio-max-batch) per call: the rest wait for the next iteration,
	 * which submits what these handlers queued first. Refilling a batch
	 * in pieces keeps a device that completes what it got together from
	 * moving all of iodepth in lock-step (README "The context ring").
	 */
	while ((h = ctx->cqe_head) && limit-- > 0) {
		ctx->cqe_head = h->next;
		if (!ctx->cqe_head)
			ctx->cqe_tail = NULL;
		h->next = NULL;
		AIO_STAT_ADD(ctx, dispatches, 1);
		h->cb(h);
	}
	ctx->cqe_dispatch_depth--;
	if (node) {
		node->stats.fd_events++;
		aio_policy_event(ctx, node, block_ns, now);
	}
	return true;
}

/* Once per iteration: idle handlers and per-context policies. */
static void aio_policy_iteration(AioContext *ctx, int64_t block_ns)
{
	const struct poll_policy_ops *ops = ctx->policy;
	int64_t max_event = -1, now = aio_now_ns();

	for (AioHandler *n = ctx->poll_handlers; n; n = n->next_poll) {
		if (n->poll.has_event) {
			if (n->poll.ns > max_event)
				max_event = n->poll.ns;
			n->poll.has_event = false;
		} else if (ops->idle) {
			ops->idle(&n->poll, &ctx->params, block_ns);
		}
	}
	if (ops->observe) {
		struct poll_obs o = {
			.now_ns = now,
			.block_ns = block_ns,
			.max_event_ns = max_event,
			.window_ns = ctx->polled_window,
			.caught = ctx->polled_caught,
			.events = ctx->events,
			.work = __atomic_load_n(&ctx->work, __ATOMIC_RELAXED),
		};

		/* A syscall: at most one per AIO_CPU_SAMPLE_NS. */
		if (now - ctx->cpu_sample_at >= AIO_CPU_SAMPLE_NS) {
			ctx->cpu_sample_ns = aio_thread_cpu_ns();
			ctx->cpu_sample_at = now;
		}
		o.cpu_ns = ctx->cpu_sample_ns;
		o.cpu_at_ns = ctx->cpu_sample_at;
		count_change(ctx, NULL,
			     ops->observe(&ctx->ctx_poll, &ctx->params, &o));
	} else if (ops->iteration)
		count_change(ctx, NULL,
			     ops->iteration(&ctx->ctx_poll, &ctx->params,
					    block_ns, max_event, now));
	aio_stats_window(ctx, now);
}

/* ---- aio_poll ----------------------------------------------------------- */

bool aio_poll(AioContext *ctx, bool blocking)
{
	AioHandlerList ready = { NULL };
	int64_t timeout, start = 0, block_ns = 0;
	bool progress, use_notify_me;
	unsigned me;

	aio_context_enter_home(ctx);
	aio_apply_params(ctx);
	ctx->nesting++;
	AIO_STAT_ADD(ctx, iterations, 1);
	aio_lockcnt_inc(&ctx->list_lock);

	if (ctx->poll_max_ns)
		start = aio_now_ns();
	timeout = blocking ? aio_compute_timeout(ctx) : 0;
	progress = try_poll_mode(ctx, &ready, &timeout);

	/* Raise notify_me only when we may block: a non-blocking pass
	 * re-evaluates everything anyway, so aio_notify can skip the write.
	 * (A) in aio-internal.h: the full fence pairs with aio_notify's (B),
	 * so we see notified or aio_notify sees notify_me. */
	use_notify_me = timeout != 0;
	if (use_notify_me) {
		me = atomic_load_explicit(&ctx->notify_me,
					  memory_order_relaxed);
		atomic_store_explicit(&ctx->notify_me, me + 2,
				      memory_order_relaxed);
		atomic_thread_fence(memory_order_seq_cst);
		if (atomic_load_explicit(&ctx->notified,
					 memory_order_relaxed))
			timeout = 0;
	}

	if (timeout || ctx->fdmon_ops->need_wait(ctx)) {
		if (timeout && aio_poll_set_started(ctx, &ready, false)) {
			timeout = 0;
			progress = true;
		}
		if (timeout) {
			bool sample = aio_blockcost_want_sample(ctx);
			int64_t c0 = sample ? aio_thread_cpu_ns() : 0;
			int64_t t0 = aio_now_ns(), t1;
			unsigned depth = aio_context_release_all(ctx);

			AIO_STAT_ADD(ctx, blocking_waits, 1);
			ctx->fdmon_ops->wait(ctx, &ready, timeout);
			aio_context_reacquire(ctx, depth);
			t1 = aio_now_ns();
			AIO_STAT_ADD(ctx, block_ns, (uint64_t)(t1 - t0));
			if (sample)
				aio_blockcost_record(ctx,
					aio_thread_cpu_ns() - c0, t1 - t0,
					timeout,
					!ready.head && !ctx->cqe_head);
		} else {
			ctx->fdmon_ops->wait(ctx, &ready, 0);
		}
	}

	if (use_notify_me) {
		me = atomic_load_explicit(&ctx->notify_me,
					  memory_order_relaxed);
		/* (D): finish the wait before telling notifiers we are
		 * awake. */
		atomic_store_explicit(&ctx->notify_me, me - 2,
				      memory_order_release);
	}
	aio_notify_accept(ctx);

	if (ctx->poll_max_ns)
		block_ns = aio_now_ns() - start;

	/* As QEMU 10.2: io_uring CQE handlers first, then BHs. */
	progress |= aio_dispatch_cqe_handlers(ctx, block_ns);
	progress |= aio_bh_poll(ctx);
	progress |= aio_dispatch_ready_handlers(ctx, &ready, block_ns);
	if (ctx->poll_max_ns)
		aio_policy_iteration(ctx, block_ns);
	aio_free_deleted_handlers(ctx);
	aio_lockcnt_dec(&ctx->list_lock);

	for (int i = 0; i < AIO_CLOCK_MAX; i++)
		progress |= aio_timerlist_run(ctx, &ctx->tlg[i], i);

	ctx->nesting--;
	if (progress)
		AIO_STAT_ADD(ctx, progress_iterations, 1);
	return progress;
}

/* The GSource path: like one non-blocking iteration, never adaptive. */
void aio_dispatch(AioContext *ctx)
{
	AioHandlerList ready = { NULL };

	aio_context_enter_home(ctx);
	aio_apply_params(ctx);
	ctx->nesting++;
	aio_lockcnt_inc(&ctx->list_lock);
	aio_bh_poll(ctx);
	ctx->fdmon_ops->wait(ctx, &ready, 0);
	aio_dispatch_cqe_handlers(ctx, 0);
	aio_dispatch_ready_handlers(ctx, &ready, 0);
	aio_free_deleted_handlers(ctx);
	aio_lockcnt_dec(&ctx->list_lock);
	for (int i = 0; i < AIO_CLOCK_MAX; i++)
		aio_timerlist_run(ctx, &ctx->tlg[i], i);
	ctx->nesting--;
}
