/*
 * peer-aiotune.c: aiotune's AioContext as a bench/loop-peers adapter. The
 * handle is one BH (aio_bh_new), scheduled from either thread. Polling
 * loops get the same busy-poll window as bench/loop-costs: the fixed
 * policy with poll-max-ns 1 ms, so the window always covers the 50 us gap
 * between wakes; blocking loops poll 0 ns.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench/loop-peers.h"
#include "loop/aio.h"

#define AIOTUNE_PEER_POLL_NS 1000000

struct peer_loop {
	AioContext *ctx;
	AioBH *bh;
	peer_cb *cb;
	void *opaque;
};

static void aiotune_bh(void *opaque)
{
	struct peer_loop *l = opaque;

	l->cb(l->opaque);
}

static int aiotune_create(struct peer_loop **lp, bool polling, peer_cb *cb,
			  void *opaque)
{
	struct peer_loop *l = calloc(1, sizeof(*l));
	int ret;

	if (!l)
		return -ENOMEM;
	l->ctx = aio_context_new();
	if (!l->ctx) {
		ret = -errno;
		free(l);
		return ret;
	}
	ret = aio_context_set_poll_params(l->ctx, polling ?
					  AIOTUNE_PEER_POLL_NS : 0, 0, 0);
	if (!ret)
		ret = aio_context_set_poll_policy(l->ctx, polling ? "fixed" :
						  "qemu");
	if (ret) {
		aio_context_unref(l->ctx);
		free(l);
		return ret;
	}
	l->cb = cb;
	l->opaque = opaque;
	l->bh = aio_bh_new(l->ctx, aiotune_bh, l);
	*lp = l;
	return 0;
}

static void aiotune_destroy(struct peer_loop *l)
{
	aio_bh_delete(l->bh);
	aio_poll(l->ctx, false);
	aio_context_unref(l->ctx);
	free(l);
}

static void aiotune_describe(struct peer_loop *l, char *buf, size_t len)
{
	snprintf(buf, len, "aiotune AioContext, fd monitor %s",
		 aio_context_fdmon_name(l->ctx));
}

static void aiotune_iterate(struct peer_loop *l)
{
	aio_poll(l->ctx, false);
}

static void aiotune_block(struct peer_loop *l)
{
	aio_poll(l->ctx, true);
}

static void aiotune_post(struct peer_loop *l)
{
	aio_bh_schedule(l->bh);
}

const struct peer_ops loop_peer = {
	.name = "aiotune",
	.call_iterate = "aio_poll(ctx, false)",
	.call_block = "aio_poll(ctx, true) (poll-max-ns 0)",
	.call_poll = "aio_poll(ctx, true) (policy fixed, poll-max-ns 1 ms)",
	.call_post = "aio_bh_schedule(bh)",
	.call_wake = "aio_bh_schedule(bh)",
	.create = aiotune_create,
	.destroy = aiotune_destroy,
	.describe = aiotune_describe,
	.iterate = aiotune_iterate,
	.block = aiotune_block,
	.poll = aiotune_block,
	.post = aiotune_post,
	.wake = aiotune_post,
};
