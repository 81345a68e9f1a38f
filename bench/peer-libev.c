/*
 * peer-libev.c: libev's ev_loop as a bench/loop-peers adapter. The handle
 * is one started ev_async watcher. In the loop's thread the cheapest
 * deferral is ev_feed_event(), which queues the watcher's callback for the
 * iteration's invoke phase; ev_async_send() (the only thread-safe call)
 * wakes the loop from another thread through its eventfd, and writes it
 * only while the loop may be blocking.
 */
#include <errno.h>
#include <ev.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench/loop-peers.h"

struct peer_loop {
	struct ev_loop *loop;
	ev_async async;
	peer_cb *cb;
	void *opaque;
};

static void libev_async(struct ev_loop *loop, ev_async *w, int revents)
{
	struct peer_loop *l = w->data;

	l->cb(l->opaque);
}

static int libev_create(struct peer_loop **lp, bool polling, peer_cb *cb,
			void *opaque)
{
	struct peer_loop *l = calloc(1, sizeof(*l));

	if (!l)
		return -ENOMEM;
	l->loop = ev_loop_new(EVFLAG_AUTO);
	if (!l->loop) {
		free(l);
		return -ENOMEM;
	}
	ev_async_init(&l->async, libev_async);
	l->async.data = l;
	ev_async_start(l->loop, &l->async);
	l->cb = cb;
	l->opaque = opaque;
	*lp = l;
	return 0;
}

static void libev_destroy(struct peer_loop *l)
{
	ev_async_stop(l->loop, &l->async);
	ev_loop_destroy(l->loop);
	free(l);
}

static const char *libev_backend_name(unsigned int b)
{
	switch (b) {
	case EVBACKEND_SELECT: return "select";
	case EVBACKEND_POLL: return "poll";
	case EVBACKEND_EPOLL: return "epoll";
	case EVBACKEND_LINUXAIO: return "linuxaio";
	case EVBACKEND_IOURING: return "io_uring";
	default: return "another backend";
	}
}

static void libev_describe(struct peer_loop *l, char *buf, size_t len)
{
	snprintf(buf, len, "libev %d.%d, %s", ev_version_major(),
		 ev_version_minor(), libev_backend_name(ev_backend(l->loop)));
}

static void libev_iterate(struct peer_loop *l)
{
	ev_run(l->loop, EVRUN_NOWAIT);
}

static void libev_block(struct peer_loop *l)
{
	ev_run(l->loop, EVRUN_ONCE);
}

static void libev_post(struct peer_loop *l)
{
	ev_feed_event(l->loop, &l->async, EV_CUSTOM);
}

static void libev_wake(struct peer_loop *l)
{
	ev_async_send(l->loop, &l->async);
}

const struct peer_ops loop_peer = {
	.name = "libev",
	.call_iterate = "ev_run(loop, EVRUN_NOWAIT)",
	.call_block = "ev_run(loop, EVRUN_ONCE)",
	.call_poll = "ev_run(loop, EVRUN_NOWAIT)",
	.call_post = "ev_feed_event(loop, &async, EV_CUSTOM)",
	.call_wake = "ev_async_send(loop, &async)",
	.create = libev_create,
	.destroy = libev_destroy,
	.describe = libev_describe,
	.iterate = libev_iterate,
	.block = libev_block,
	.poll = libev_iterate,
	.post = libev_post,
	.wake = libev_wake,
};
