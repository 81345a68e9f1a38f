/*
 * test-thread-pool-cancel.c: cancelling work (QEMU test-thread-pool.c
 * cancel / cancel-async). QEMU's jobs sleep 2 s so that they are still
 * running when the test cancels; ours wait on a gate the test opens after
 * cancelling, which holds on a loaded machine too. Work not yet started is
 * cancelled and its callback gets -ECANCELED from a BH; work already
 * running cannot be cancelled and completes normally.
 */
#include <errno.h>
#include <stdatomic.h>

#include "loop/aio.h"
#include "loop/thread-pool.h"
#include "tests/lib/test.h"

#define NJOBS 100
#define GATE_NS (20 * 1000000000LL) /* a job waits at most this long */

enum {
	N_STARTED = 1,  /* the worker claimed the job */
	N_FINISHED = 2, /* ... and slept it out */
	N_CLAIMED = 4,  /* the test claimed it first, to cancel it */
};

struct job {
	atomic_int n;
	int ret;
	bool cancelled; /* thread_pool_cancel returned true */
	ThreadPoolReq *req;
};

static int active;
static atomic_int gate_open;

static int long_cb(void *arg)
{
	struct job *j = arg;
	int expected = 0;
	int64_t end;

	if (!atomic_compare_exchange_strong(&j->n, &expected, N_STARTED))
		return -ESRCH; /* claimed for cancel, but cancel came late */
	end = t_now_ns() + GATE_NS;
	while (!atomic_load(&gate_open) && t_now_ns() < end)
		t_sleep_ns(1000000);
	atomic_fetch_or(&j->n, N_FINISHED);
	return 0;
}

static void done_cb(void *opaque, int ret)
{
	struct job *j = opaque;

	ASSERT_EQ(j->ret, -EINPROGRESS);
	j->ret = ret;
	j->req = NULL;
	active--;
}

static bool any_started(struct job *jobs)
{
	int i;

	for (i = 0; i < NJOBS; i++)
		if (atomic_load(&jobs[i].n) & N_STARTED)
			return true;
	return false;
}

static void test_cancel(AioContext *ctx)
{
	static struct job jobs[NJOBS];
	int i, expected, ncancelled = 0, nstarted = 0;
	int64_t end;

	for (i = 0; i < NJOBS; i++) {
		jobs[i].ret = -EINPROGRESS;
		jobs[i].req = thread_pool_submit(ctx, long_cb, &jobs[i],
						 done_cb, &jobs[i]);
		ASSERT_NOT_NULL(jobs[i].req);
	}
	active = NJOBS;
	/* Workers are created from a BH: run it. */
	aio_notify(ctx);
	aio_poll(ctx, false);
	ASSERT_EQ(active, NJOBS);

	end = t_now_ns() + 10000000000LL;
	while (!any_started(jobs)) {
		if (t_now_ns() > end)
			t_fail("no worker started a job in 10 s");
		t_sleep_ns(1000000);
	}
	/* No aio_poll since: no callback can have run. */
	ASSERT_EQ(active, NJOBS);

	/*
	 * From the tail of the queue: workers take jobs from its head, so
	 * the last job is still queued when we reach it.
	 */
	for (i = NJOBS - 1; i >= 0; i--) {
		expected = 0;
		if (!atomic_compare_exchange_strong(&jobs[i].n, &expected,
						    N_CLAIMED))
			continue;
		jobs[i].cancelled = thread_pool_cancel(ctx, jobs[i].req);
		if (jobs[i].cancelled) {
			ncancelled++;
			/* Delivered later, from a BH, not inside cancel. */
			ASSERT_EQ(jobs[i].ret, -EINPROGRESS);
			ASSERT_NOT_NULL(jobs[i].req);
		}
	}
	ASSERT_GE(ncancelled, 1);
	ASSERT_LT(ncancelled, NJOBS);
	ASSERT_EQ(active, NJOBS);

	/* Running jobs cannot be cancelled. */
	for (i = 0; i < NJOBS; i++)
		if (jobs[i].req && !jobs[i].cancelled &&
		    (atomic_load(&jobs[i].n) & N_STARTED))
			ASSERT_FALSE(thread_pool_cancel(ctx, jobs[i].req));
	atomic_store(&gate_open, 1);

	end = t_now_ns() + 20000000000LL;
	while (active > 0) {
		if (t_now_ns() > end)
			t_fail("%d callbacks missing after 20 s", active);
		aio_poll(ctx, true);
	}

	for (i = 0; i < NJOBS; i++) {
		int n = atomic_load(&jobs[i].n);

		ASSERT_NULL(jobs[i].req);
		if (n == (N_STARTED | N_FINISHED)) {
			ASSERT_FALSE(jobs[i].cancelled);
			ASSERT_EQ(jobs[i].ret, 0);
			nstarted++;
		} else if (n == N_CLAIMED) {
			ASSERT_EQ(jobs[i].ret,
				  jobs[i].cancelled ? -ECANCELED : -ESRCH);
		} else {
			t_fail("job %d ended with n = %d", i, n);
		}
	}
	/*
	 * Started jobs held their worker until the gate opened, after the
	 * cancels: never more than thread-pool-max (64) of them.
	 */
	ASSERT_GE(nstarted, 1);
	ASSERT_LE(nstarted, 64);
}

static int quick_cb(void *arg)
{
	atomic_fetch_add((atomic_int *)arg, 1);
	return 7;
}

static void quick_done(void *opaque, int ret)
{
	*(int *)opaque = ret;
}

/* Work that already ran cannot be cancelled: its result is delivered. */
static void test_cancel_finished(AioContext *ctx)
{
	atomic_int n = 0;
	int ret = -EINPROGRESS;
	ThreadPoolReq *req;
	int64_t end = t_now_ns() + 10000000000LL;

	req = thread_pool_submit(ctx, quick_cb, &n, quick_done, &ret);
	ASSERT_NOT_NULL(req);
	/* Workers exist from the test above: no BH needed to start it. */
	while (atomic_load(&n) == 0) {
		if (t_now_ns() > end)
			t_fail("quick job did not run in 10 s");
		t_sleep_ns(100000);
	}
	ASSERT_FALSE(thread_pool_cancel(ctx, req));
	while (ret == -EINPROGRESS) {
		if (t_now_ns() > end)
			t_fail("quick job's callback did not run in 10 s");
		aio_poll(ctx, true);
	}
	ASSERT_EQ(ret, 7);
}

/*
 * The cancelled callback arrives though nothing else completes: one worker
 * is held at the gate, a second request waits behind it and is cancelled.
 */
static void test_cancel_alone(void)
{
	AioContext *ctx = aio_context_new();
	struct job held = { .ret = -EINPROGRESS };
	struct job queued = { .ret = -EINPROGRESS };
	int64_t end = t_now_ns() + 10000000000LL;
	int n;

	ASSERT_NOT_NULL(ctx);
	atomic_store(&gate_open, 0);
	ASSERT_EQ(aio_context_set_thread_pool_params(ctx, 0, 1), 0);
	held.req = thread_pool_submit(ctx, long_cb, &held, done_cb, &held);
	queued.req = thread_pool_submit(ctx, long_cb, &queued, done_cb,
					&queued);
	ASSERT_NOT_NULL(held.req);
	ASSERT_NOT_NULL(queued.req);
	active = 2;
	aio_poll(ctx, false); /* create the worker */
	while (!(atomic_load(&held.n) & N_STARTED)) {
		if (t_now_ns() > end)
			t_fail("held job did not start in 10 s");
		t_sleep_ns(1000000);
	}
	ASSERT_TRUE(thread_pool_cancel(ctx, queued.req));
	while (queued.ret == -EINPROGRESS) {
		if (t_now_ns() > end)
			t_fail("cancelled callback missing after 10 s");
		aio_poll(ctx, false);
		t_sleep_ns(1000000);
	}
	ASSERT_EQ(queued.ret, -ECANCELED);
	n = atomic_load(&queued.n);
	ASSERT_EQ(n, 0);
	ASSERT_EQ(held.ret, -EINPROGRESS); /* still at the gate */

	atomic_store(&gate_open, 1);
	while (active > 0) {
		if (t_now_ns() > end)
			t_fail("held job's callback missing after 10 s");
		aio_poll(ctx, true);
	}
	ASSERT_EQ(held.ret, 0);
	aio_context_unref(ctx);
}

int main(void)
{
	AioContext *ctx = aio_context_new();

	ASSERT_NOT_NULL(ctx);
	test_cancel(ctx);
	test_cancel_finished(ctx);
	test_cancel_alone();
	aio_context_unref(ctx);
	return T_EXIT_PASS;
}
