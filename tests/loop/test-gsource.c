/*
 * test-gsource.c: the context as a GSource (QEMU test-aio.c /aio-gsource/...,
 * #15-#27 of docs/loop-contract.md section 11.1; section 10). The context's
 * GSource is attached to a private GMainContext and driven with
 * g_main_context_iteration ("I(b)"). As in QEMU's tests, where glib and the
 * context may both wake themselves up, "drain" (iterate until false) is used
 * instead of asserting a single false. Every case runs on every available fd
 * monitor.
 */
#include <glib.h>

#include "tests/loop/loop-test.h"

static GMainContext *gc;

static bool I(bool blocking)
{
	return g_main_context_iteration(gc, blocking);
}

static void gdrain(void)
{
	int i = 0;

	while (I(false))
		if (++i > 1000)
			t_fail("g_main_context_iteration still true after "
			       "1000 iterations");
}

static GSource *attach(AioContext *ctx)
{
	GSource *src = aio_get_g_source(ctx);

	ASSERT_NOT_NULL(src);
	gc = g_main_context_new();
	g_source_attach(src, gc);
	return src;
}

static void detach(GSource *src)
{
	g_source_destroy(src);
	g_source_unref(src);
	g_main_context_unref(gc);
	gc = NULL;
}

/* #15 */
static void test_source_flush(AioContext *ctx)
{
	GSource *src = attach(ctx);

	gdrain();
	ASSERT_FALSE(I(false));
	aio_notify(ctx);
	gdrain();
	ASSERT_FALSE(I(false));
	detach(src);
}

/* #16 and #22 */
static void test_source_bh_schedule(AioContext *ctx)
{
	GSource *src = attach(ctx);
	BHTestData d = { 0 };

	gdrain();
	d.bh = aio_bh_new(ctx, lt_bh_test_cb, &d);
	aio_bh_schedule(d.bh);
	ASSERT_EQ(d.n, 0);
	ASSERT_TRUE(I(true));
	ASSERT_EQ(d.n, 1);
	ASSERT_FALSE(I(false));
	ASSERT_EQ(d.n, 1);
	aio_bh_delete(d.bh);
	detach(src);
}

/* #17 */
static void test_source_bh_schedule10(AioContext *ctx)
{
	GSource *src = attach(ctx);
	BHTestData d = { .max = 10 };

	gdrain();
	d.bh = aio_bh_new(ctx, lt_bh_test_cb, &d);
	aio_bh_schedule(d.bh);
	ASSERT_EQ(d.n, 0);
	ASSERT_TRUE(I(false));
	ASSERT_EQ(d.n, 1);
	ASSERT_TRUE(I(true));
	ASSERT_EQ(d.n, 2);
	gdrain();
	ASSERT_EQ(d.n, 10);
	ASSERT_FALSE(I(false));
	ASSERT_EQ(d.n, 10);
	aio_bh_delete(d.bh);
	detach(src);
}

/* #18 */
static void test_source_bh_cancel(AioContext *ctx)
{
	GSource *src = attach(ctx);
	BHTestData d = { 0 };

	gdrain();
	d.bh = aio_bh_new(ctx, lt_bh_test_cb, &d);
	aio_bh_schedule(d.bh);
	ASSERT_EQ(d.n, 0);
	aio_bh_cancel(d.bh);
	ASSERT_EQ(d.n, 0);
	gdrain();
	ASSERT_EQ(d.n, 0);
	aio_bh_delete(d.bh);
	detach(src);
}

/* #19 */
static void test_source_bh_delete(AioContext *ctx)
{
	GSource *src = attach(ctx);
	BHTestData d = { 0 };

	gdrain();
	d.bh = aio_bh_new(ctx, lt_bh_test_cb, &d);
	aio_bh_schedule(d.bh);
	aio_bh_delete(d.bh);
	gdrain();
	ASSERT_EQ(d.n, 0);
	detach(src);
}

/* #20, in its current (Nov 2025) form. */
static void test_source_bh_delete_from_cb(AioContext *ctx)
{
	GSource *src = attach(ctx);
	BHTestData d1 = { .max = 1 };

	gdrain();
	d1.bh = aio_bh_new(ctx, lt_bh_delete_cb, &d1);
	aio_bh_schedule(d1.bh);
	ASSERT_EQ(d1.n, 0);
	I(true);
	ASSERT_EQ(d1.n, 1);
	ASSERT_NULL(d1.bh);
	/* Up to one more iteration for the context's own notifier. */
	I(false);
	ASSERT_FALSE(I(false));
	detach(src);
}

/* #21 */
static void test_source_bh_delete_from_cb_many(AioContext *ctx)
{
	GSource *src = attach(ctx);
	BHTestData d[4] = {
		{ .max = 1 }, { .max = 3 }, { .max = 2 }, { .max = 4 },
	};

	gdrain();
	for (int i = 0; i < 4; i++)
		d[i].bh = aio_bh_new(ctx, lt_bh_delete_cb, &d[i]);
	for (int i = 0; i < 4; i++)
		aio_bh_schedule(d[i].bh);
	ASSERT_TRUE(I(false));
	for (int i = 0; i < 4; i++)
		ASSERT_EQ(d[i].n, 1);
	ASSERT_NULL(d[0].bh);
	gdrain();
	for (int i = 0; i < 4; i++) {
		ASSERT_EQ(d[i].n, d[i].max);
		ASSERT_NULL(d[i].bh);
	}
	detach(src);
}

/* #23 */
static void test_source_set_event_notifier(AioContext *ctx)
{
	GSource *src = attach(ctx);
	EventNotifierTestData d;

	lt_event_init(&d, 0, false);
	lt_set_event_notifier(ctx, &d.e, lt_event_ready_cb);
	gdrain();
	ASSERT_EQ(d.n, 0);
	lt_set_event_notifier(ctx, &d.e, NULL);
	gdrain();
	ASSERT_EQ(d.n, 0);
	event_notifier_cleanup(&d.e);
	detach(src);
}

/* #24 */
static void test_source_wait_event_notifier(AioContext *ctx)
{
	GSource *src = attach(ctx);
	EventNotifierTestData d;

	lt_event_init(&d, 1, false);
	lt_set_event_notifier(ctx, &d.e, lt_event_ready_cb);
	gdrain();
	ASSERT_EQ(d.n, 0);
	ASSERT_EQ(d.active, 1);

	event_notifier_set(&d.e);
	ASSERT_TRUE(I(false));
	ASSERT_EQ(d.n, 1);
	ASSERT_EQ(d.active, 0);

	gdrain();
	ASSERT_EQ(d.n, 1);
	ASSERT_EQ(d.active, 0);

	lt_set_event_notifier(ctx, &d.e, NULL);
	gdrain();
	ASSERT_EQ(d.n, 1);
	event_notifier_cleanup(&d.e);
	detach(src);
}

/* #25 */
static void test_source_wait_event_notifier_noflush(AioContext *ctx)
{
	GSource *src = attach(ctx);
	EventNotifierTestData data, dummy;

	lt_event_init(&data, 0, false);
	lt_event_init(&dummy, 1, false);
	lt_set_event_notifier(ctx, &data.e, lt_event_ready_cb);
	gdrain();
	ASSERT_EQ(data.n, 0);

	/* Until there is an active descriptor, this may or may not call the
	 * callback, but it must not block. */
	event_notifier_set(&data.e);
	I(true);
	data.n = 0;

	/* An active event notifier forces the source to look at it. */
	lt_set_event_notifier(ctx, &dummy.e, lt_event_ready_cb);

	event_notifier_set(&data.e);
	ASSERT_TRUE(I(false));
	ASSERT_EQ(data.n, 1);
	ASSERT_FALSE(I(false));
	ASSERT_EQ(data.n, 1);

	event_notifier_set(&data.e);
	ASSERT_TRUE(I(false));
	ASSERT_EQ(data.n, 2);
	ASSERT_FALSE(I(false));
	ASSERT_EQ(data.n, 2);

	event_notifier_set(&dummy.e);
	gdrain();
	ASSERT_EQ(data.n, 2);
	ASSERT_EQ(dummy.n, 1);
	ASSERT_EQ(dummy.active, 0);

	lt_set_event_notifier(ctx, &dummy.e, NULL);
	lt_set_event_notifier(ctx, &data.e, NULL);
	gdrain();
	ASSERT_EQ(data.n, 2);
	event_notifier_cleanup(&data.e);
	event_notifier_cleanup(&dummy.e);
	detach(src);
}

/* #26 */
static void test_source_flush_event_notifier(AioContext *ctx)
{
	GSource *src = attach(ctx);
	EventNotifierTestData d;

	lt_event_init(&d, 10, true);
	lt_set_event_notifier(ctx, &d.e, lt_event_ready_cb);
	gdrain();
	ASSERT_EQ(d.n, 0);
	ASSERT_EQ(d.active, 10);

	event_notifier_set(&d.e);
	ASSERT_TRUE(I(false));
	ASSERT_EQ(d.n, 1);
	ASSERT_EQ(d.active, 9);

	/* The callback set the notifier again. */
	ASSERT_TRUE(I(false));
	gdrain();
	ASSERT_EQ(d.n, 10);
	ASSERT_EQ(d.active, 0);
	ASSERT_FALSE(I(false));

	lt_set_event_notifier(ctx, &d.e, NULL);
	gdrain();
	event_notifier_cleanup(&d.e);
	detach(src);
}

typedef struct {
	AioTimer *timer;
	int n, max;
	int64_t ns;
} TimerTestData;

static void timer_test_cb(void *opaque)
{
	TimerTestData *d = opaque;

	d->n++;
	if (d->n < d->max)
		aio_timer_mod(d->timer, lt_now_ns() + d->ns);
}

static void dummy_io_handler_read(EventNotifier *e)
{
}

/* #27, with 50 ms instead of 750 ms. */
static void test_source_timer_schedule(AioContext *ctx)
{
	GSource *src = attach(ctx);
	TimerTestData d = { .max = 2, .ns = 50 * LT_MS };
	EventNotifier e;
	int64_t expiry;
	int iters = 0;

	ASSERT_EQ(event_notifier_init(&e, false), 0);
	aio_set_event_notifier(ctx, &e, dummy_io_handler_read, NULL, NULL);
	gdrain();

	d.timer = aio_timer_new(ctx, AIO_CLOCK_REALTIME, AIO_SCALE_NS,
				timer_test_cb, &d);
	expiry = lt_now_ns() + d.ns;
	aio_timer_mod(d.timer, expiry);
	ASSERT_EQ(d.n, 0);

	t_sleep_ns(100 * LT_MS);
	ASSERT_EQ(d.n, 0);

	ASSERT_TRUE(I(true));
	ASSERT_EQ(d.n, 1);
	expiry += d.ns;

	/* A blocking iteration sleeps until the timer: a handful at most. */
	while (d.n < 2 && iters < 100000) {
		I(true);
		iters++;
	}
	ASSERT_EQ(d.n, 2);
	if (iters > 5)
		t_fail("%d blocking iterations before a 50 ms timer: "
		       "g_main_context_iteration(TRUE) does not block", iters);
	ASSERT_GT(lt_now_ns(), expiry);

	aio_set_event_notifier(ctx, &e, NULL, NULL, NULL);
	event_notifier_cleanup(&e);
	aio_timer_free(d.timer);
	gdrain();
	detach(src);
}

static const struct lt_case cases[] = {
	{ "gsource/flush", test_source_flush },
	{ "gsource/bh/schedule", test_source_bh_schedule },
	{ "gsource/bh/schedule10", test_source_bh_schedule10 },
	{ "gsource/bh/cancel", test_source_bh_cancel },
	{ "gsource/bh/delete", test_source_bh_delete },
	{ "gsource/bh/callback-delete/one", test_source_bh_delete_from_cb },
	{ "gsource/bh/callback-delete/many",
	  test_source_bh_delete_from_cb_many },
	{ "gsource/event/add-remove", test_source_set_event_notifier },
	{ "gsource/event/wait", test_source_wait_event_notifier },
	{ "gsource/event/wait/no-flush-cb",
	  test_source_wait_event_notifier_noflush },
	{ "gsource/event/flush", test_source_flush_event_notifier },
	{ "gsource/timer/schedule", test_source_timer_schedule },
};

int main(void)
{
	return lt_run(cases, ARRAY_SIZE(cases), LT_ALL);
}
