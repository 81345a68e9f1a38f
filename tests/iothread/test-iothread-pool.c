/*
 * test-iothread-pool.c: the thread pool of an IOThread's context. Work is
 * submitted from the IOThread (through a oneshot BH), completions run back
 * in the IOThread, and thread-pool-min/max set on the IOThread (at creation
 * and live, as qom-set) drive the pool's worker count.
 */
#include <errno.h>
#include <stdatomic.h>

#include "loop/aio.h"
#include "loop/iothread.h"
#include "loop/thread-pool.h"
#include "tests/iothread/iothread-test.h"

#define NJOBS 20

struct batch {
	IOThread *t;
	atomic_int worked;    /* func runs */
	atomic_int completed; /* callbacks */
	atomic_int wrong_thread;
	atomic_int submitted;
};

static int work(void *arg)
{
	struct batch *b = arg;

	if (iothread_is_current(b->t))
		atomic_fetch_add(&b->wrong_thread, 1);
	atomic_fetch_add(&b->worked, 1);
	t_sleep_ns(1000000);
	return 0;
}

static void done(void *opaque, int ret)
{
	struct batch *b = opaque;

	if (!iothread_is_current(b->t) || ret != 0)
		atomic_fetch_add(&b->wrong_thread, 1);
	atomic_fetch_add(&b->completed, 1);
}

/* Runs in the IOThread: submit is for the context's thread only. */
static void submit_bh(void *opaque)
{
	struct batch *b = opaque;
	int i;

	for (i = 0; i < NJOBS; i++)
		if (!thread_pool_submit(iothread_get_aio_context(b->t), work, b,
					done, b))
			atomic_fetch_add(&b->wrong_thread, 1);
	atomic_store(&b->submitted, 1);
}

static void wait_count(atomic_int *v, int want, const char *what)
{
	int64_t end = t_now_ns() + 10 * T_SEC;

	while (atomic_load(v) != want) {
		if (t_now_ns() > end)
			t_fail("%s: %d, want %d", what, atomic_load(v), want);
		t_sleep_ns(1000000);
	}
}

/* Surplus workers exit on their own: no loop iteration needed. */
static void wait_nr_at_most(AioContext *ctx, int max)
{
	int64_t end = t_now_ns() + 10 * T_SEC;

	while (thread_pool_nr_threads(ctx) > max) {
		if (t_now_ns() > end)
			t_fail("nr_threads %d > max %d",
			       thread_pool_nr_threads(ctx), max);
		t_sleep_ns(1000000);
	}
}

static void run_batch(IOThread *t)
{
	struct batch b = { .t = t };

	aio_bh_schedule_oneshot(iothread_get_aio_context(t), submit_bh, &b);
	t_wait_flag(&b.submitted, "the submit BH");
	wait_count(&b.completed, NJOBS, "callbacks");
	ASSERT_EQ(atomic_load(&b.worked), NJOBS);
	ASSERT_EQ(atomic_load(&b.wrong_thread), 0);
}

int main(void)
{
	char err[256] = "";
	IOThreadParams p;
	AioContext *ctx;
	IOThread *t;

	iothread_params_init(&p);
	p.thread_pool_min = 2;
	p.thread_pool_max = 4;
	t = iothread_create("pool", &p, err, sizeof(err));
	if (!t)
		t_fail("iothread_create: %s", err);
	ctx = iothread_get_aio_context(t);
	ASSERT_EQ(thread_pool_nr_threads(ctx), 0); /* created on first use */

	run_batch(t);
	/* At least min stay after the work, never more than max. */
	ASSERT_GE(thread_pool_nr_threads(ctx), 2);
	ASSERT_LE(thread_pool_nr_threads(ctx), 4);

	/* Live: min 0, max 1 leaves at most one worker. */
	ASSERT_EQ(iothread_set_param(t, "thread-pool-max", "1", err,
				     sizeof(err)), -EINVAL);
	ASSERT_STREQ(err, "bad thread-pool-min/thread-pool-max values");
	ASSERT_EQ(iothread_set_param(t, "thread-pool-min", "0", err,
				     sizeof(err)), 0);
	ASSERT_EQ(iothread_set_param(t, "thread-pool-max", "1", err,
				     sizeof(err)), 0);
	wait_nr_at_most(ctx, 1);
	run_batch(t);
	ASSERT_LE(thread_pool_nr_threads(ctx), 1);

	/* Live min 3: three workers, created in the IOThread by a BH. */
	ASSERT_EQ(iothread_set_param(t, "thread-pool-max", "8", err,
				     sizeof(err)), 0);
	ASSERT_EQ(iothread_set_param(t, "thread-pool-min", "3", err,
				     sizeof(err)), 0);
	ASSERT_GE(thread_pool_nr_threads(ctx), 3);
	run_batch(t);
	ASSERT_GE(thread_pool_nr_threads(ctx), 3);

	/* Destroy frees the pool with its idle workers (ASan: no leak). */
	iothread_destroy(t);
	return T_EXIT_PASS;
}
