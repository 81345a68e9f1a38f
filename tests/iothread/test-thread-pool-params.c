/*
 * test-thread-pool-params.c: thread-pool-min/max, applied when the pool is
 * created and live afterwards; idle workers exit above min; max bounds the
 * concurrency; context teardown drops queued work (no callbacks), waits for
 * running work, and copes with workers requested but not yet created.
 */
#include <errno.h>
#include <stdatomic.h>

#include "loop/aio.h"
#include "loop/thread-pool.h"
#include "tests/lib/test.h"

#define SEC 1000000000LL

static atomic_int running, max_running;
static int callbacks;

static void note_running(void)
{
	int now = atomic_fetch_add(&running, 1) + 1;
	int old = atomic_load(&max_running);

	while (now > old &&
	       !atomic_compare_exchange_weak(&max_running, &old, now))
		;
}

/* Wait until *arg jobs run at once: proves that many workers exist. */
static int barrier_cb(void *arg)
{
	int want = *(int *)arg;
	int64_t end = t_now_ns() + 10 * SEC;

	note_running();
	while (atomic_load(&running) < want) {
		if (t_now_ns() > end) {
			atomic_fetch_sub(&running, 1);
			return -ETIMEDOUT;
		}
		t_sleep_ns(100000);
	}
	/* Stay until the others have seen the count too. */
	t_sleep_ns(20000000);
	atomic_fetch_sub(&running, 1);
	return 0;
}

static int sleep_cb(void *arg)
{
	note_running();
	t_sleep_ns(*(int64_t *)arg);
	atomic_fetch_sub(&running, 1);
	return 0;
}

static void count_cb(void *opaque, int ret)
{
	ASSERT_EQ(ret, 0);
	callbacks++;
}

static void run_until_callbacks(AioContext *ctx, int n)
{
	int64_t end = t_now_ns() + 20 * SEC;

	while (callbacks < n) {
		if (t_now_ns() > end)
			t_fail("%d of %d callbacks after 20 s", callbacks, n);
		aio_poll(ctx, true);
	}
}

/* Worker exit needs no loop iteration: just wait for the count. */
static void wait_nr_threads(AioContext *ctx, int n)
{
	int64_t end = t_now_ns() + 10 * SEC;

	while (thread_pool_nr_threads(ctx) != n) {
		if (t_now_ns() > end)
			t_fail("nr_threads %d, want %d",
			       thread_pool_nr_threads(ctx), n);
		t_sleep_ns(1000000);
	}
}

static void submit_n(AioContext *ctx, ThreadPoolFunc *fn, void *arg, int n)
{
	int i;

	callbacks = 0;
	for (i = 0; i < n; i++)
		ASSERT_NOT_NULL(thread_pool_submit(ctx, fn, arg, count_cb,
						   NULL));
	run_until_callbacks(ctx, n);
}

static void test_min_max(AioContext *ctx)
{
	int two = 2, three = 3, four = 4, peak;
	int64_t job_ns = 30000000;

	ASSERT_EQ(aio_context_set_thread_pool_params(ctx, 3, 8), 0);
	/* Three barrier jobs meet: three workers ran them at once. */
	submit_n(ctx, barrier_cb, &three, 3);
	/* min workers, no more: the submits found them starting. */
	ASSERT_EQ(thread_pool_nr_threads(ctx), 3);

	/* Live max: surplus workers exit; two jobs at most at once. */
	ASSERT_EQ(aio_context_set_thread_pool_params(ctx, 0, 2), 0);
	wait_nr_threads(ctx, 2);
	submit_n(ctx, barrier_cb, &two, 2);
	atomic_store(&max_running, 0);
	submit_n(ctx, sleep_cb, &job_ns, 10);
	peak = atomic_load(&max_running);
	ASSERT_LE(peak, 2);
	ASSERT_LE(thread_pool_nr_threads(ctx), 2);

	/* Idle workers above min exit after the idle timeout. */
	ASSERT_EQ(thread_pool_set_idle_timeout(ctx, 0), -EINVAL);
	ASSERT_EQ(thread_pool_set_idle_timeout(ctx, 50000000), 0);
	ASSERT_EQ(aio_context_set_thread_pool_params(ctx, 1, 2), 0);
	wait_nr_threads(ctx, 1);
	ASSERT_EQ(aio_context_set_thread_pool_params(ctx, 0, 2), 0);
	wait_nr_threads(ctx, 0);

	/* Live min: workers are created (from a BH) and stay while idle. */
	ASSERT_EQ(aio_context_set_thread_pool_params(ctx, 4, 8), 0);
	ASSERT_EQ(thread_pool_nr_threads(ctx), 4);
	aio_poll(ctx, false);
	submit_n(ctx, barrier_cb, &four, 4);
	t_sleep_ns(300000000); /* six idle timeouts */
	ASSERT_EQ(thread_pool_nr_threads(ctx), 4);
	ASSERT_EQ(aio_context_set_thread_pool_params(ctx, 0, 1), 0);
	wait_nr_threads(ctx, 0);
}

struct tracked {
	atomic_int started, finished;
};

static int tracked_cb(void *arg)
{
	struct tracked *t = arg;

	atomic_store(&t->started, 1);
	t_sleep_ns(100000000);
	atomic_store(&t->finished, 1);
	return 0;
}

/* Teardown waits for running work and drops queued work, no callbacks. */
static void test_free_with_work(void)
{
	AioContext *ctx = aio_context_new();
	struct tracked jobs[3] = { 0 };
	int64_t end = t_now_ns() + 10 * SEC;
	int i, finished, started;

	ASSERT_NOT_NULL(ctx);
	ASSERT_EQ(aio_context_set_thread_pool_params(ctx, 0, 1), 0);
	callbacks = 0;
	for (i = 0; i < 3; i++)
		ASSERT_NOT_NULL(thread_pool_submit(ctx, tracked_cb, &jobs[i],
						   count_cb, NULL));
	aio_poll(ctx, false); /* create the worker */
	while (!atomic_load(&jobs[0].started)) {
		if (t_now_ns() > end)
			t_fail("first job did not start in 10 s");
		t_sleep_ns(1000000);
	}
	aio_context_unref(ctx);
	finished = atomic_load(&jobs[0].finished);
	ASSERT_EQ(finished, 1);
	for (i = 1; i < 3; i++) {
		started = atomic_load(&jobs[i].started);
		ASSERT_EQ(started, 0);
	}
	ASSERT_EQ(callbacks, 0);
}

/* Teardown before the spawn BH ran: no worker to wait for, work dropped. */
static void test_free_before_spawn(void)
{
	AioContext *ctx = aio_context_new();
	struct tracked job = { 0 };
	int started;

	ASSERT_NOT_NULL(ctx);
	ASSERT_EQ(aio_context_set_thread_pool_params(ctx, 2, 4), 0);
	callbacks = 0;
	ASSERT_NOT_NULL(thread_pool_submit(ctx, tracked_cb, &job, count_cb,
					   NULL));
	ASSERT_EQ(thread_pool_nr_threads(ctx), 2); /* requested, not created */
	aio_context_unref(ctx);
	started = atomic_load(&job.started);
	ASSERT_EQ(started, 0);
	ASSERT_EQ(callbacks, 0);
}

int main(void)
{
	AioContext *ctx = aio_context_new();

	ASSERT_NOT_NULL(ctx);
	/* Rejected like QEMU's "bad thread-pool-min/thread-pool-max values". */
	ASSERT_EQ(aio_context_set_thread_pool_params(ctx, 5, 2), -EINVAL);
	ASSERT_EQ(aio_context_set_thread_pool_params(ctx, 0, 0), -EINVAL);
	ASSERT_EQ(aio_context_set_thread_pool_params(ctx, -1, 4), -EINVAL);
	test_min_max(ctx);
	aio_context_unref(ctx);
	test_free_with_work();
	test_free_before_spawn();
	return T_EXIT_PASS;
}
