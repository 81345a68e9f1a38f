/*
 * test-bh.c: bottom halves (QEMU test-aio.c /aio/bh/...; docs/loop-contract.md
 * section 5, and section 13, items 1-6): scheduling, one run per aio_poll for a
 * self-rescheduling BH, cancel, delete, deletion from the callback, flush, idle
 * and oneshot BHs. Every case runs on every available fd monitor.
 */
#include "tests/loop/loop-test.h"

/* #1: scheduling alone runs nothing; one poll runs it once. */
static void test_bh_schedule(AioContext *ctx)
{
	BHTestData d = { 0 };

	d.bh = aio_bh_new(ctx, lt_bh_test_cb, &d);
	ASSERT_NOT_NULL(d.bh);
	aio_bh_schedule(d.bh);
	ASSERT_EQ(d.n, 0);
	ASSERT_TRUE(aio_poll(ctx, true));
	ASSERT_EQ(d.n, 1);
	ASSERT_FALSE(aio_poll(ctx, false));
	ASSERT_EQ(d.n, 1);
	aio_bh_delete(d.bh);
}

/* #2: a BH that re-schedules itself runs exactly once per aio_poll. */
static void test_bh_schedule10(AioContext *ctx)
{
	BHTestData d = { .max = 10 };

	d.bh = aio_bh_new(ctx, lt_bh_test_cb, &d);
	aio_bh_schedule(d.bh);
	ASSERT_EQ(d.n, 0);
	ASSERT_TRUE(aio_poll(ctx, false));
	ASSERT_EQ(d.n, 1);
	while (d.n < 10) {
		int before = d.n;

		ASSERT_TRUE(aio_poll(ctx, true));
		ASSERT_EQ(d.n, before + 1);
	}
	ASSERT_EQ(d.n, 10);
	ASSERT_FALSE(aio_poll(ctx, false));
	ASSERT_EQ(d.n, 10);
	aio_bh_delete(d.bh);
}

/* #3: a cancelled BH does not run and is not progress. */
static void test_bh_cancel(AioContext *ctx)
{
	BHTestData d = { 0 };

	d.bh = aio_bh_new(ctx, lt_bh_test_cb, &d);
	aio_bh_schedule(d.bh);
	ASSERT_EQ(d.n, 0);
	aio_bh_cancel(d.bh);
	ASSERT_EQ(d.n, 0);
	ASSERT_FALSE(aio_poll(ctx, false));
	ASSERT_EQ(d.n, 0);

	/* Scheduling it again after the cancel makes it run once. */
	aio_bh_schedule(d.bh);
	aio_bh_cancel(d.bh);
	aio_bh_schedule(d.bh);
	ASSERT_TRUE(aio_poll(ctx, false));
	ASSERT_EQ(d.n, 1);
	ASSERT_FALSE(aio_poll(ctx, false));
	ASSERT_EQ(d.n, 1);
	aio_bh_delete(d.bh);
}

/* #4: deleting a scheduled BH cancels it; reaping is not progress. */
static void test_bh_delete(AioContext *ctx)
{
	BHTestData d = { 0 };

	d.bh = aio_bh_new(ctx, lt_bh_test_cb, &d);
	aio_bh_schedule(d.bh);
	ASSERT_EQ(d.n, 0);
	aio_bh_delete(d.bh);
	ASSERT_EQ(d.n, 0);
	ASSERT_FALSE(aio_poll(ctx, false));
	ASSERT_EQ(d.n, 0);
	ASSERT_FALSE(aio_poll(ctx, false));
}

/* #5: a BH may delete itself in its callback. */
static void test_bh_delete_from_cb(AioContext *ctx)
{
	BHTestData d1 = { .max = 1 };
	int polls = 0;

	d1.bh = aio_bh_new(ctx, lt_bh_delete_cb, &d1);
	aio_bh_schedule(d1.bh);
	ASSERT_EQ(d1.n, 0);
	while (d1.n < d1.max) {
		aio_poll(ctx, true);
		ASSERT_LT(++polls, 100);
	}
	ASSERT_EQ(d1.n, 1);
	ASSERT_NULL(d1.bh);
	ASSERT_FALSE(aio_poll(ctx, false));
}

/* #6: one pass runs every BH scheduled before it, then each deletes. */
static void test_bh_delete_from_cb_many(AioContext *ctx)
{
	BHTestData d[4] = {
		{ .max = 1 }, { .max = 3 }, { .max = 2 }, { .max = 4 },
	};
	int polls = 0;
	bool done;

	for (int i = 0; i < 4; i++)
		d[i].bh = aio_bh_new(ctx, lt_bh_delete_cb, &d[i]);
	for (int i = 0; i < 4; i++)
		aio_bh_schedule(d[i].bh);
	for (int i = 0; i < 4; i++)
		ASSERT_EQ(d[i].n, 0);

	ASSERT_TRUE(aio_poll(ctx, false));
	for (int i = 0; i < 4; i++)
		ASSERT_EQ(d[i].n, 1);
	ASSERT_NULL(d[0].bh);

	do {
		done = true;
		aio_poll(ctx, true);
		for (int i = 0; i < 4; i++)
			if (d[i].n < d[i].max)
				done = false;
		ASSERT_LT(++polls, 100);
	} while (!done);
	for (int i = 0; i < 4; i++) {
		ASSERT_EQ(d[i].n, d[i].max);
		ASSERT_NULL(d[i].bh);
	}
	ASSERT_FALSE(aio_poll(ctx, false));
}

/*
 * #7 (docs/loop-contract.md section 11.1) and section 13, item 3: every BH
 * scheduled before a poll runs in that poll, once, however often it was
 * scheduled.
 */
static void test_bh_flush(AioContext *ctx)
{
	enum { N = 64 };
	BHTestData d[N];

	memset(d, 0, sizeof(d));
	for (int i = 0; i < N; i++)
		d[i].bh = aio_bh_new(ctx, lt_bh_test_cb, &d[i]);
	for (int i = 0; i < N; i++)
		aio_bh_schedule(d[i].bh);
	aio_bh_schedule(d[0].bh);
	aio_bh_schedule(d[0].bh);
	ASSERT_TRUE(aio_poll(ctx, true));
	for (int i = 0; i < N; i++)
		ASSERT_EQ(d[i].n, 1);
	ASSERT_FALSE(aio_poll(ctx, false));
	for (int i = 0; i < N; i++) {
		ASSERT_EQ(d[i].n, 1);
		aio_bh_delete(d[i].bh);
	}
	ASSERT_FALSE(aio_poll(ctx, false));
}

/* An idle BH runs but is not progress, and bounds a blocking wait. */
static void test_bh_idle(AioContext *ctx)
{
	BHTestData d = { 0 };
	AioTimer *safety;
	int fired = 0;
	int64_t t0, el;

	d.bh = aio_bh_new(ctx, lt_bh_test_cb, &d);
	aio_bh_schedule_idle(d.bh);
	ASSERT_FALSE(aio_poll(ctx, false));
	ASSERT_EQ(d.n, 1);
	ASSERT_FALSE(aio_poll(ctx, false));
	ASSERT_EQ(d.n, 1);

	/*
	 * A safety timer 2 s out catches an unbounded wait. Scheduling
	 * notifies the loop; accept that notification by hand so that the
	 * only thing ending the wait is the idle bound (QEMU: 10 ms).
	 */
	safety = aio_timer_new(ctx, AIO_CLOCK_REALTIME, AIO_SCALE_MS,
			       lt_count_cb, &fired);
	aio_timer_mod(safety, lt_now_ms() + 2000);
	lt_drain(ctx);
	aio_bh_schedule_idle(d.bh);
	aio_notify_accept(ctx);
	t0 = t_now_ns();
	ASSERT_FALSE(aio_poll(ctx, true));
	el = t_now_ns() - t0;
	ASSERT_EQ(fired, 0);
	ASSERT_EQ(d.n, 2);
	ASSERT_GE(el, 9 * LT_MS);
	ASSERT_LT(el, 1500 * LT_MS);
	aio_timer_free(safety);
	aio_bh_delete(d.bh);
	ASSERT_FALSE(aio_poll(ctx, false));
}

/* A oneshot BH runs once, counts as progress and is freed (ASan). */
static void test_bh_oneshot(AioContext *ctx)
{
	int n = 0;

	aio_bh_schedule_oneshot(ctx, lt_count_cb, &n);
	ASSERT_EQ(n, 0);
	ASSERT_TRUE(aio_poll(ctx, false));
	ASSERT_EQ(n, 1);
	ASSERT_FALSE(aio_poll(ctx, false));
	ASSERT_EQ(n, 1);

	for (int i = 0; i < 10; i++)
		aio_bh_schedule_oneshot(ctx, lt_count_cb, &n);
	ASSERT_TRUE(aio_poll(ctx, true));
	ASSERT_EQ(n, 11);
	ASSERT_FALSE(aio_poll(ctx, false));
}

struct chain {
	AioContext *ctx;
	int a, b;
};

static void chain_b(void *opaque)
{
	struct chain *c = opaque;

	c->b++;
}

static void chain_a(void *opaque)
{
	struct chain *c = opaque;

	c->a++;
	aio_bh_schedule_oneshot(c->ctx, chain_b, c);
}

/* A BH scheduled from a BH callback runs in the next poll, not this one. */
static void test_bh_oneshot_chain(AioContext *ctx)
{
	struct chain c = { .ctx = ctx };

	aio_bh_schedule_oneshot(ctx, chain_a, &c);
	ASSERT_TRUE(aio_poll(ctx, false));
	ASSERT_EQ(c.a, 1);
	ASSERT_EQ(c.b, 0);
	ASSERT_TRUE(aio_poll(ctx, true));
	ASSERT_EQ(c.b, 1);
	ASSERT_FALSE(aio_poll(ctx, false));
}

static const struct lt_case cases[] = {
	{ "bh/schedule", test_bh_schedule },
	{ "bh/schedule10", test_bh_schedule10 },
	{ "bh/cancel", test_bh_cancel },
	{ "bh/delete", test_bh_delete },
	{ "bh/callback-delete/one", test_bh_delete_from_cb },
	{ "bh/callback-delete/many", test_bh_delete_from_cb_many },
	{ "bh/flush", test_bh_flush },
	{ "bh/idle", test_bh_idle },
	{ "bh/oneshot", test_bh_oneshot },
	{ "bh/oneshot-chain", test_bh_oneshot_chain },
};

int main(void)
{
	return lt_run(cases, ARRAY_SIZE(cases), LT_ALL);
}
