/*
 * test-blockcost.c: the loop's own measurement of what a block and wake-up
 * cost (loop/blockcost.c) and what policies get from it, on every fd
 * monitor. Asserts counts and exact relations, never a duration:
 *
 * - a fresh context has measured nothing (0, 0, no samples);
 * - aio_context_calibrate makes timed sleeps that the loop measures
 *   (samples appear, the estimates are what AioStats reports), refuses
 *   more than 1024 samples and a call from inside aio_poll;
 * - with the block cost left to the loop (the default), a policy that
 *   reads it (ski: window = 2 x block cost) polls exactly for twice the
 *   measured figure; a fixed block cost wins over the measurement, and
 *   AIO_BLOCK_COST_AUTO gives it back; anything below it is -EINVAL;
 * - aio_context_count_work adds up, from any thread;
 * - an IOThread has calibrated when iothread_create returns (8 timed
 *   sleeps: samples and a block cost), and its statistics can be
 *   read from another thread while its loop keeps measuring (TSan checks
 *   that the reads and the loop's updates do not race).
 */
#include <pthread.h>

#include "loop/iothread.h"
#include "tests/loop/loop-test.h"

static void test_fresh_and_calibrate(AioContext *ctx)
{
	AioStats st;

	aio_context_get_stats(ctx, &st);
	ASSERT_EQ(st.block_cost_samples, 0);
	ASSERT_EQ(st.block_cost_ns, 0);
	ASSERT_EQ(st.wake_ns, 0);

	ASSERT_EQ(aio_context_calibrate(ctx, 1025), -EINVAL);
	ASSERT_EQ(aio_context_calibrate(ctx, 0), 0);
	aio_context_get_stats(ctx, &st);
	ASSERT_EQ(st.block_cost_samples, 0);

	ASSERT_EQ(aio_context_calibrate(ctx, 6), 0);
	aio_context_get_stats(ctx, &st);
	/* Each sleep slept (50 us off CPU); a very slow host may skip one. */
	ASSERT_GE(st.block_cost_samples, 1);
	ASSERT_LE(st.block_cost_samples, 6);
	ASSERT_GT(st.block_cost_ns, 0);
	ASSERT_GE(st.wake_ns, 0);
	/* Nothing left pending: a non-blocking pass has nothing to do. */
	ASSERT_FALSE(aio_poll(ctx, false));
}

static int nested_ret = 1;

static void calibrate_bh(void *opaque)
{
	nested_ret = aio_context_calibrate(opaque, 1);
}

static void test_calibrate_nested(AioContext *ctx)
{
	aio_bh_schedule_oneshot(ctx, calibrate_bh, ctx);
	ASSERT_TRUE(aio_poll(ctx, false));
	ASSERT_EQ(nested_ret, -EBUSY);
}

/* The window ski polls for, as the stats see it after one pass. */
static int64_t ski_window(AioContext *ctx)
{
	AioStats st;

	aio_poll(ctx, false); /* applies parameters, updates window_ns */
	aio_context_get_stats(ctx, &st);
	return st.window_ns;
}

static void test_policies_get_it(AioContext *ctx)
{
	const int64_t max = 10000000; /* 10 ms: above any 2 x block cost */
	AioStats st;

	ASSERT_EQ(aio_context_set_poll_policy(ctx, "ski"), 0);
	ASSERT_EQ(aio_context_set_poll_params(ctx, max, 0, 0), 0);
	/* Nothing measured yet: a block costs 0, ski does not poll. */
	ASSERT_EQ(ski_window(ctx), 0);

	ASSERT_EQ(aio_context_calibrate(ctx, 4), 0);
	aio_context_get_stats(ctx, &st);
	ASSERT_GT(st.block_cost_ns, 0);
	ASSERT_EQ(ski_window(ctx), 2 * st.block_cost_ns);

	/* A fixed figure wins over the measurement ... */
	ASSERT_EQ(aio_context_set_block_cost(ctx, 12345), 0);
	ASSERT_EQ(ski_window(ctx), 24690);
	ASSERT_EQ(aio_context_calibrate(ctx, 2), 0);
	ASSERT_EQ(ski_window(ctx), 24690);
	/* ... until the loop is given it back. */
	ASSERT_EQ(aio_context_set_block_cost(ctx, AIO_BLOCK_COST_AUTO), 0);
	aio_context_get_stats(ctx, &st);
	ASSERT_EQ(ski_window(ctx), 2 * st.block_cost_ns);
	ASSERT_EQ(aio_context_set_block_cost(ctx, -2), -EINVAL);
	ASSERT_EQ(aio_context_set_block_cost(ctx, INT64_MIN), -EINVAL);
	ASSERT_EQ(ski_window(ctx), 2 * st.block_cost_ns);
	ASSERT_EQ(aio_context_set_block_cost(ctx, 0), 0);
	ASSERT_EQ(ski_window(ctx), 0);
	ASSERT_EQ(aio_context_set_poll_params(ctx, 0, 0, 0), 0);
	ASSERT_EQ(aio_context_set_poll_policy(ctx, "qemu"), 0);
	ASSERT_EQ(aio_context_set_block_cost(ctx, AIO_BLOCK_COST_AUTO), 0);
}

static void *count_work(void *opaque)
{
	for (int i = 0; i < 1000; i++)
		aio_context_count_work(opaque, 2);
	return NULL;
}

static void test_count_work(AioContext *ctx)
{
	pthread_t th[2];
	AioStats st;

	aio_context_count_work(ctx, 5);
	for (int i = 0; i < 2; i++)
		ASSERT_EQ(pthread_create(&th[i], NULL, count_work, ctx), 0);
	for (int i = 0; i < 2; i++)
		ASSERT_EQ(pthread_join(th[i], NULL), 0);
	aio_context_get_stats(ctx, &st);
	ASSERT_EQ(st.work, 4005);
}

static void bump(void *opaque)
{
	__atomic_fetch_add((int *)opaque, 1, __ATOMIC_RELAXED);
}

static void test_iothread_calibrated(AioContext *unused)
{
	char err[256];
	IOThread *t = iothread_create("bc-test", NULL, err, sizeof(err));
	AioContext *ctx;
	AioStats st;
	int done = 0;

	ASSERT_NOT_NULL(t);
	ctx = iothread_get_aio_context(t);
	aio_context_get_stats(ctx, &st);
	/* As above: a very slow host may skip a sleep, not all 8. */
	ASSERT_GE(st.block_cost_samples, 1);
	ASSERT_GT(st.block_cost_ns, 0);
	ASSERT_GE(st.wake_ns, 0);
	/* Wake-ups the loop samples (1 in 16) while this thread reads. */
	for (int i = 0; i < 256; i++) {
		aio_bh_schedule_oneshot(ctx, bump, &done);
		aio_context_get_stats(ctx, &st);
		ASSERT_GE(st.block_cost_samples, 1);
		if (i % 8 == 0)
			usleep(100);
	}
	while (__atomic_load_n(&done, __ATOMIC_RELAXED) < 256)
		usleep(100);
	iothread_destroy(t);
}

static const struct lt_case cases[] = {
	{ "fresh context, calibration", test_fresh_and_calibrate },
	{ "calibrate refuses inside aio_poll", test_calibrate_nested },
	{ "policies get the measured block cost", test_policies_get_it },
	{ "work counted from several threads", test_count_work },
	{ "an IOThread calibrates, stats read meanwhile",
	  test_iothread_calibrated },
};

int main(void)
{
	return lt_run(cases, ARRAY_SIZE(cases), LT_ALL);
}
