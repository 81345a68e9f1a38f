/*
 * peer-libevent.c: libevent's event_base as a bench/loop-peers adapter.
 * The handle is one event with no fd (event_new(base, -1, 0, ...)), made
 * active by event_active() from either thread: with libevent's pthreads
 * locking on (evthread_use_pthreads() before the base exists), an
 * activation from a thread other than the one running the loop writes the
 * base's notification eventfd. EVLOOP_NO_EXIT_ON_EMPTY keeps the loop
 * iterating (and blocking) with no event added, as the other loops do.
 */
#include <errno.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench/loop-peers.h"

struct peer_loop {
	struct event_base *base;
	struct event *ev;
	peer_cb *cb;
	void *opaque;
};

static pthread_once_t libevent_threads_once = PTHREAD_ONCE_INIT;
static int libevent_threads_ret;

static void libevent_threads(void)
{
	libevent_threads_ret = evthread_use_pthreads();
}

static void libevent_cb(evutil_socket_t fd, short what, void *arg)
{
	struct peer_loop *l = arg;

	l->cb(l->opaque);
}

static int libevent_create(struct peer_loop **lp, bool polling, peer_cb *cb,
			   void *opaque)
{
	struct peer_loop *l;

	pthread_once(&libevent_threads_once, libevent_threads);
	if (libevent_threads_ret)
		return -ENOSYS;
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->base = event_base_new();
	if (!l->base) {
		free(l);
		return -ENOMEM;
	}
	l->ev = event_new(l->base, -1, 0, libevent_cb, l);
	if (!l->ev) {
		event_base_free(l->base);
		free(l);
		return -ENOMEM;
	}
	l->cb = cb;
	l->opaque = opaque;
	*lp = l;
	return 0;
}

static void libevent_destroy(struct peer_loop *l)
{
	event_free(l->ev);
	event_base_free(l->base);
	free(l);
}

static void libevent_describe(struct peer_loop *l, char *buf, size_t len)
{
	snprintf(buf, len, "libevent %s, %s", event_get_version(),
		 event_base_get_method(l->base));
}

static void libevent_iterate(struct peer_loop *l)
{
	event_base_loop(l->base, EVLOOP_NONBLOCK | EVLOOP_NO_EXIT_ON_EMPTY);
}

static void libevent_block(struct peer_loop *l)
{
	event_base_loop(l->base, EVLOOP_ONCE | EVLOOP_NO_EXIT_ON_EMPTY);
}

static void libevent_post(struct peer_loop *l)
{
	event_active(l->ev, 0, 0);
}

const struct peer_ops loop_peer = {
	.name = "libevent",
	.call_iterate = "event_base_loop(base, EVLOOP_NONBLOCK | "
			"EVLOOP_NO_EXIT_ON_EMPTY)",
	.call_block = "event_base_loop(base, EVLOOP_ONCE | "
		      "EVLOOP_NO_EXIT_ON_EMPTY)",
	.call_poll = "event_base_loop(base, EVLOOP_NONBLOCK | "
		     "EVLOOP_NO_EXIT_ON_EMPTY)",
	.call_post = "event_active(ev, 0, 0)",
	.call_wake = "event_active(ev, 0, 0) (evthread_use_pthreads)",
	.create = libevent_create,
	.destroy = libevent_destroy,
	.describe = libevent_describe,
	.iterate = libevent_iterate,
	.block = libevent_block,
	.poll = libevent_iterate,
	.post = libevent_post,
	.wake = libevent_post,
};
