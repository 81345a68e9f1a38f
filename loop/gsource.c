/*
 * gsource.c: the AioContext as a GSource (docs/loop-contract.md section 10).
 * prepare raises bit 0 of notify_me and computes the timeout; glib polls
 * the handler fds (poll backend) or the backend's one fd (epoll, io_uring);
 * dispatch runs BHs, a non-blocking wait's ready handlers and timers.
 * Polling is never adaptive here (block_ns is 0).
 */
#include "loop/aio-internal.h"

/* Keep glib's poll records in step with the handler list. */
static void gsource_sync_fds(AioContext *ctx)
{
	GSource *source = &ctx->source;
	int fd = ctx->fdmon_ops->gsource_fd(ctx);
	GArray *a;

	unsigned gen = atomic_load(&ctx->handlers_gen);

	if (!ctx->gsource_pfds)
		ctx->gsource_pfds = g_array_new(FALSE, TRUE, sizeof(GPollFD));
	a = ctx->gsource_pfds;

	/*
	 * Touching glib's poll records wakes the GMainContext, so rebuild
	 * them only when the handler set changed (else glib never sleeps).
	 */
	if (fd < 0 && ctx->gsource_synced && gen == ctx->gsource_gen &&
	    !ctx->gsource_tag)
		return;
	ctx->gsource_gen = gen;
	ctx->gsource_synced = true;

	for (guint i = 0; i < a->len; i++)
		g_source_remove_poll(source, &g_array_index(a, GPollFD, i));
	g_array_set_size(a, 0);

	if (fd != ctx->gsource_tag_fd && ctx->gsource_tag) {
		g_source_remove_unix_fd(source, ctx->gsource_tag);
		ctx->gsource_tag = NULL;
		ctx->gsource_tag_fd = -1;
	}
	if (fd >= 0) {
		if (!ctx->gsource_tag) {
			ctx->gsource_tag = g_source_add_unix_fd(source, fd,
								G_IO_IN);
			ctx->gsource_tag_fd = fd;
		}
		return;
	}

	for (AioHandler *n = atomic_load(&ctx->aio_handlers); n; n = n->next) {
		short events = __atomic_load_n(&n->events, __ATOMIC_RELAXED);
		GPollFD pfd = { .fd = n->fd };

		if (!events || atomic_load(&n->deleted))
			continue;
		if (events & POLLIN)
			pfd.events |= G_IO_IN | G_IO_HUP | G_IO_ERR;
		if (events & POLLOUT)
			pfd.events |= G_IO_OUT | G_IO_ERR;
		g_array_append_val(a, pfd);
	}
	/* Only now: appending may have moved the array. */
	for (guint i = 0; i < a->len; i++)
		g_source_add_poll(source, &g_array_index(a, GPollFD, i));
}

static gboolean aio_ctx_prepare(GSource *source, gint *timeout)
{
	AioContext *ctx = (AioContext *)source;
	AioHandlerList ready = { NULL };
	AioHandler *n;
	int64_t ns;

	/* (A) in aio-internal.h: raise bit 0, then a full fence pairing
	 * with aio_notify's (B), before the BH and timer reads below. */
	atomic_fetch_or(&ctx->notify_me, 1);
	atomic_thread_fence(memory_order_seq_cst);

	aio_context_enter_home(ctx);
	aio_apply_params(ctx);
	ns = aio_compute_timeout(ctx);
	/* glib takes ms: round up so we never wake early. */
	*timeout = ns < 0 ? -1 : (gint)MIN((ns + 999999) / 1000000, G_MAXINT);

	aio_lockcnt_inc(&ctx->list_lock);
	aio_poll_set_started(ctx, &ready, false);
	/* Level-triggered handlers will be seen again by dispatch. */
	while ((n = aio_ready_list_pop(&ready)))
		n->poll_ready = false;
	gsource_sync_fds(ctx);
	aio_lockcnt_dec(&ctx->list_lock);
	return *timeout == 0;
}

static gboolean aio_ctx_check(GSource *source)
{
	AioContext *ctx = (AioContext *)source;
	GArray *a = ctx->gsource_pfds;

	/* (D), then (C) in aio-internal.h. */
	atomic_fetch_and_explicit(&ctx->notify_me, ~1u, memory_order_release);
	aio_notify_accept(ctx);

	if (aio_bh_any_scheduled(ctx))
		return TRUE;
	for (guint i = 0; a && i < a->len; i++)
		if (g_array_index(a, GPollFD, i).revents)
			return TRUE;
	if (ctx->gsource_tag && g_source_query_unix_fd(source, ctx->gsource_tag))
		return TRUE;
	return aio_compute_timeout(ctx) == 0;
}

static gboolean aio_ctx_dispatch(GSource *source, GSourceFunc callback,
				 gpointer user_data)
{
	aio_dispatch((AioContext *)source);
	return G_SOURCE_CONTINUE;
}

GSourceFuncs aio_source_funcs = {
	.prepare = aio_ctx_prepare,
	.check = aio_ctx_check,
	.dispatch = aio_ctx_dispatch,
	.finalize = aio_ctx_finalize,
};

GSource *aio_get_g_source(AioContext *ctx)
{
	g_source_ref(&ctx->source);
	return &ctx->source;
}
