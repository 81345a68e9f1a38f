/*
 * test-thread-pool-bounded.c: one run of the pool's completion BH runs the
 * completions that were done when it started, not "until the done list is
 * empty". A completion callback that submits new work which is done before
 * the callback returns (a page-cache read a worker finishes in a
 * microsecond; here, made certain, a request cancelled at once while the
 * only worker is held at a gate) would otherwise keep one loop iteration
 * running for as long as the chain lasts, and every BH and timer of the
 * context (the runner's measurement window, the stop request) would wait.
 * The first callback schedules a marker BH; the marker must run after a
 * handful of callbacks, not after the whole chain of CHAIN.
 */
#include <errno.h>
#include <stdatomic.h>

#include "loop/aio.h"
#include "loop/thread-pool.h"
#include "tests/lib/test.h"

#define CHAIN 1000
#define GATE_NS (20 * 1000000000LL) /* the blocker waits at most this long */

static atomic_int blocker_started, gate_open;
static int blocker_ret = -EINPROGRESS;
static AioContext *ctx;
static int chained;        /* chain callbacks run */
static int marker_at = -1; /* chained when the marker BH ran */

static int blocker(void *arg)
{
	int64_t end = t_now_ns() + GATE_NS;

	(void)arg;
	atomic_store(&blocker_started, 1);
	while (!atomic_load(&gate_open) && t_now_ns() < end)
		t_sleep_ns(1000000);
	return 0;
}

static void blocker_done(void *opaque, int ret)
{
	(void)opaque;
	blocker_ret = ret;
}

static int never_runs(void *arg)
{
	(void)arg;
	t_fail("a cancelled request ran");
	return 0;
}

static void marker_bh(void *opaque)
{
	(void)opaque;
	marker_at = chained;
}

/* Queue one more link, done at once: cancelled while the worker is held. */
static void chain_cb(void *opaque, int ret);

static void chain_next(void)
{
	ThreadPoolReq *req = thread_pool_submit(ctx, never_runs, NULL,
						chain_cb, NULL);

	ASSERT_NOT_NULL(req);
	ASSERT_TRUE(thread_pool_cancel(ctx, req));
}

static void chain_cb(void *opaque, int ret)
{
	(void)opaque;
	ASSERT_EQ(ret, -ECANCELED);
	if (++chained == 1)
		aio_bh_schedule_oneshot(ctx, marker_bh, NULL);
	if (chained < CHAIN)
		chain_next();
}

int main(void)
{
	int64_t end;

	ctx = aio_context_new();
	ASSERT_NOT_NULL(ctx);
	ASSERT_EQ(aio_context_set_thread_pool_params(ctx, 1, 1), 0);
	ASSERT_NOT_NULL(thread_pool_submit(ctx, blocker, NULL, blocker_done,
					   NULL));
	end = t_now_ns() + GATE_NS;
	while (!atomic_load(&blocker_started) && t_now_ns() < end) {
		aio_poll(ctx, false);
		t_sleep_ns(1000000);
	}
	ASSERT_TRUE(atomic_load(&blocker_started));

	chain_next();
	while (chained < CHAIN || marker_at < 0)
		aio_poll(ctx, true);
	printf("marker BH ran after %d of %d chained callbacks\n", marker_at,
	       CHAIN);
	ASSERT_LE(marker_at, 4);

	atomic_store(&gate_open, 1);
	while (blocker_ret == -EINPROGRESS)
		aio_poll(ctx, true);
	ASSERT_EQ(blocker_ret, 0);
	aio_context_unref(ctx);
	return T_EXIT_PASS;
}
