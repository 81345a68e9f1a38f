/*
 * fdmon-poll.c: the ppoll(2) fd monitor. It rebuilds its pollfd array from
 * the handler list on every wait (the list is walked under list_lock's
 * count, so nodes stay valid) and hands over to epoll at 64 fds.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <time.h>

#include "loop/aio-internal.h"

struct fdmon_poll {
	struct pollfd *pfds;
	AioHandler **nodes;
	unsigned cap;
};

static int fdmon_poll_setup(AioContext *ctx)
{
	struct fdmon_poll *st = calloc(1, sizeof(*st));

	if (!st)
		return -ENOMEM;
	ctx->fdmon_poll_state = st;
	return 0;
}

static void fdmon_poll_destroy(AioContext *ctx)
{
	struct fdmon_poll *st = ctx->fdmon_poll_state;

	if (!st)
		return;
	free(st->pfds);
	free(st->nodes);
	free(st);
	ctx->fdmon_poll_state = NULL;
}

static void fdmon_poll_update(AioContext *ctx, AioHandler *old_node,
			      AioHandler *new_node)
{
	/* Nothing: wait() reads the handler list afresh each time. */
}

static int fdmon_poll_grow(struct fdmon_poll *st)
{
	unsigned cap = st->cap ? st->cap * 2 : 8;
	struct pollfd *pfds = realloc(st->pfds, cap * sizeof(*pfds));
	AioHandler **nodes;

	if (!pfds)
		return -ENOMEM;
	st->pfds = pfds;
	nodes = realloc(st->nodes, cap * sizeof(*nodes));
	if (!nodes)
		return -ENOMEM;
	st->nodes = nodes;
	st->cap = cap;
	return 0;
}

static int fdmon_poll_wait(AioContext *ctx, AioHandlerList *ready,
			   int64_t timeout_ns)
{
	struct fdmon_poll *st = ctx->fdmon_poll_state;
	struct timespec ts, *tsp = NULL;
	unsigned n = 0;
	int ret;

	for (AioHandler *node = atomic_load(&ctx->aio_handlers); node;
	     node = node->next) {
		short events = __atomic_load_n(&node->events,
					       __ATOMIC_RELAXED);

		if (!events || atomic_load(&node->deleted))
			continue;
		if (n == st->cap && fdmon_poll_grow(st) < 0)
			return -ENOMEM;
		st->pfds[n].fd = node->fd;
		st->pfds[n].events = events;
		st->pfds[n].revents = 0;
		st->nodes[n++] = node;
	}

	if (fdmon_try_upgrade(ctx, n))
		return ctx->fdmon_ops->wait(ctx, ready, timeout_ns);

	if (timeout_ns >= 0) {
		ts.tv_sec = timeout_ns / 1000000000LL;
		ts.tv_nsec = timeout_ns % 1000000000LL;
		if (ts.tv_sec > INT32_MAX)
			ts.tv_sec = INT32_MAX;
		tsp = &ts;
	}
	ret = ppoll(st->pfds, n, tsp, NULL);
	if (ret < 0)
		return errno == EINTR ? 0 : -errno;
	for (unsigned i = 0; i < n && ret > 0; i++)
		if (st->pfds[i].revents)
			aio_add_ready_handler(ready, st->nodes[i],
					      st->pfds[i].revents, false);
	return ret;
}

static int fdmon_poll_gsource_fd(AioContext *ctx)
{
	return -1;
}

const FDMonOps fdmon_poll_ops = {
	.name = "poll",
	.setup = fdmon_poll_setup,
	.destroy = fdmon_poll_destroy,
	.update = fdmon_poll_update,
	.wait = fdmon_poll_wait,
	.need_wait = aio_poll_disabled,
	.gsource_fd = fdmon_poll_gsource_fd,
};
