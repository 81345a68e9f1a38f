/*
 * peer-glib.c: glib's GMainContext as a bench/loop-peers adapter. glib
 * defers a callback to the next iteration with an idle source, the same
 * from the loop's thread and from another one: g_source_attach() from a
 * thread that does not own the context wakes it (its eventfd). An idle
 * source is one-shot (the callback returns G_SOURCE_REMOVE), so each post
 * creates one; that is glib's way (g_idle_add() does the same on the
 * default context). A persistent source re-armed with
 * g_source_set_ready_time(source, 0) was slower here: it writes the
 * context's eventfd on every call.
 */
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench/loop-peers.h"

struct peer_loop {
	GMainContext *ctx;
	peer_cb *cb;
	void *opaque;
};

static gboolean glib_idle(gpointer data)
{
	struct peer_loop *l = data;

	l->cb(l->opaque);
	return G_SOURCE_REMOVE;
}

static int glib_create(struct peer_loop **lp, bool polling, peer_cb *cb,
		       void *opaque)
{
	struct peer_loop *l = calloc(1, sizeof(*l));

	if (!l)
		return -ENOMEM;
	l->ctx = g_main_context_new();
	l->cb = cb;
	l->opaque = opaque;
	*lp = l;
	return 0;
}

static void glib_destroy(struct peer_loop *l)
{
	while (g_main_context_iteration(l->ctx, FALSE))
		;
	g_main_context_unref(l->ctx);
	free(l);
}

static void glib_describe(struct peer_loop *l, char *buf, size_t len)
{
	snprintf(buf, len, "glib %u.%u.%u GMainContext, poll(2)",
		 glib_major_version, glib_minor_version, glib_micro_version);
}

static void glib_iterate(struct peer_loop *l)
{
	g_main_context_iteration(l->ctx, FALSE);
}

static void glib_block(struct peer_loop *l)
{
	g_main_context_iteration(l->ctx, TRUE);
}

static void glib_post(struct peer_loop *l)
{
	GSource *s = g_idle_source_new();

	g_source_set_callback(s, glib_idle, l, NULL);
	g_source_attach(s, l->ctx);
	g_source_unref(s);
}

const struct peer_ops loop_peer = {
	.name = "glib",
	.call_iterate = "g_main_context_iteration(ctx, FALSE)",
	.call_block = "g_main_context_iteration(ctx, TRUE)",
	.call_poll = "g_main_context_iteration(ctx, FALSE)",
	.call_post = "g_idle_source_new + g_source_set_callback + "
		     "g_source_attach(s, ctx) + g_source_unref",
	.call_wake = "g_idle_source_new + g_source_set_callback + "
		     "g_source_attach(s, ctx) + g_source_unref",
	.create = glib_create,
	.destroy = glib_destroy,
	.describe = glib_describe,
	.iterate = glib_iterate,
	.block = glib_block,
	.poll = glib_iterate,
	.post = glib_post,
	.wake = glib_post,
};
