/*
 * peer-libuv.c: libuv's uv_loop_t as a bench/loop-peers adapter. libuv's
 * only thread-safe call is uv_async_send(), and it writes the loop's
 * eventfd on every first send, even from the loop's own thread; the
 * cheapest callback deferred to the next iteration in the loop's thread is
 * an idle handle started by the post and stopped by its own callback
 * (node's setImmediate() keeps the loop from blocking the same way). Both
 * handles are made once; the async handle is armed in every figure, so
 * every loop can be woken.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

#include "bench/loop-peers.h"

struct peer_loop {
	uv_loop_t loop;
	uv_idle_t idle;
	uv_async_t async;
	peer_cb *cb;
	void *opaque;
};

static void libuv_idle(uv_idle_t *h)
{
	struct peer_loop *l = h->data;

	uv_idle_stop(h);
	l->cb(l->opaque);
}

static void libuv_async(uv_async_t *h)
{
	struct peer_loop *l = h->data;

	l->cb(l->opaque);
}

static int libuv_create(struct peer_loop **lp, bool polling, peer_cb *cb,
			void *opaque)
{
	struct peer_loop *l = calloc(1, sizeof(*l));
	int ret;

	if (!l)
		return -ENOMEM;
	ret = uv_loop_init(&l->loop); /* libuv errors are -errno on Unix */
	if (ret) {
		free(l);
		return ret;
	}
	uv_idle_init(&l->loop, &l->idle);
	ret = uv_async_init(&l->loop, &l->async, libuv_async);
	if (ret) {
		uv_close((uv_handle_t *)&l->idle, NULL);
		uv_run(&l->loop, UV_RUN_DEFAULT);
		uv_loop_close(&l->loop);
		free(l);
		return ret;
	}
	l->idle.data = l;
	l->async.data = l;
	l->cb = cb;
	l->opaque = opaque;
	*lp = l;
	return 0;
}

static void libuv_destroy(struct peer_loop *l)
{
	uv_close((uv_handle_t *)&l->idle, NULL);
	uv_close((uv_handle_t *)&l->async, NULL);
	uv_run(&l->loop, UV_RUN_DEFAULT);
	uv_loop_close(&l->loop);
	free(l);
}

static void libuv_describe(struct peer_loop *l, char *buf, size_t len)
{
	snprintf(buf, len, "libuv %s, epoll(7)", uv_version_string());
}

static void libuv_iterate(struct peer_loop *l)
{
	uv_run(&l->loop, UV_RUN_NOWAIT);
}

static void libuv_block(struct peer_loop *l)
{
	uv_run(&l->loop, UV_RUN_ONCE);
}

static void libuv_post(struct peer_loop *l)
{
	uv_idle_start(&l->idle, libuv_idle);
}

static void libuv_wake(struct peer_loop *l)
{
	uv_async_send(&l->async);
}

const struct peer_ops loop_peer = {
	.name = "libuv",
	.call_iterate = "uv_run(loop, UV_RUN_NOWAIT)",
	.call_block = "uv_run(loop, UV_RUN_ONCE)",
	.call_poll = "uv_run(loop, UV_RUN_NOWAIT)",
	.call_post = "uv_idle_start(idle, cb) (cb calls uv_idle_stop)",
	.call_wake = "uv_async_send(async)",
	.create = libuv_create,
	.destroy = libuv_destroy,
	.describe = libuv_describe,
	.iterate = libuv_iterate,
	.block = libuv_block,
	.poll = libuv_iterate,
	.post = libuv_post,
	.wake = libuv_wake,
};
