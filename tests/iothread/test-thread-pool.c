/*
 * test-thread-pool.c: submit, submit with a completion, many submissions
 * (QEMU tests/unit/test-thread-pool.c: submit, submit-aio, submit-many),
 * and the completion running in the context's thread.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>

#include "loop/aio.h"
#include "loop/thread-pool.h"
#include "tests/lib/test.h"

#define NJOBS 100

struct job {
	atomic_int n;        /* worker increments */
	int ret;             /* -EINPROGRESS until the callback */
	bool cb_in_home;     /* the callback ran in the context's thread */
	bool worker_in_home; /* func ran in the context's thread (wrong) */
	ThreadPoolReq *req;
};

static pthread_t home;
static int active;

static int worker_cb(void *arg)
{
	struct job *j = arg;

	j->worker_in_home = pthread_equal(pthread_self(), home);
	atomic_fetch_add(&j->n, 1);
	return 0;
}

static void done_cb(void *opaque, int ret)
{
	struct job *j = opaque;

	ASSERT(j->ret == -EINPROGRESS);
	j->cb_in_home = pthread_equal(pthread_self(), home);
	j->ret = ret;
	j->req = NULL;
	active--;
}

/* Poll until cond or 10 s: a lost completion fails instead of hanging. */
#define POLL_UNTIL(ctx, cond)                                               \
	do {                                                                \
		int64_t end_ = t_now_ns() + 10000000000LL;                  \
		while (!(cond)) {                                           \
			if (t_now_ns() > end_)                              \
				t_fail("timed out waiting for %s", #cond);  \
			aio_poll(ctx, true);                                \
		}                                                           \
	} while (0)

static void test_submit(AioContext *ctx)
{
	struct job j = { .ret = -EINPROGRESS };

	ASSERT_NOT_NULL(thread_pool_submit(ctx, worker_cb, &j, NULL, NULL));
	POLL_UNTIL(ctx, atomic_load(&j.n) != 0);
	ASSERT_EQ(atomic_load(&j.n), 1);
	ASSERT_FALSE(j.worker_in_home);
}

static void test_submit_aio(AioContext *ctx)
{
	struct job j = { .ret = -EINPROGRESS };

	j.req = thread_pool_submit(ctx, worker_cb, &j, done_cb, &j);
	ASSERT_NOT_NULL(j.req);
	active = 1;
	/* Callbacks never run before the first wait. */
	ASSERT_EQ(j.ret, -EINPROGRESS);
	POLL_UNTIL(ctx, active == 0);
	ASSERT_EQ(atomic_load(&j.n), 1);
	ASSERT_EQ(j.ret, 0);
	ASSERT_NULL(j.req);
	ASSERT_TRUE(j.cb_in_home);
	ASSERT_FALSE(j.worker_in_home);
}

static void test_submit_many(AioContext *ctx)
{
	static struct job jobs[NJOBS];
	int i;

	for (i = 0; i < NJOBS; i++) {
		jobs[i].ret = -EINPROGRESS;
		atomic_init(&jobs[i].n, 0);
		jobs[i].req = thread_pool_submit(ctx, worker_cb, &jobs[i],
						 done_cb, &jobs[i]);
		ASSERT_NOT_NULL(jobs[i].req);
	}
	active = NJOBS;
	POLL_UNTIL(ctx, active == 0);
	for (i = 0; i < NJOBS; i++) {
		ASSERT_EQ(atomic_load(&jobs[i].n), 1);
		ASSERT_EQ(jobs[i].ret, 0);
		ASSERT_TRUE(jobs[i].cb_in_home);
		ASSERT_FALSE(jobs[i].worker_in_home);
	}
	/* Never more workers than thread-pool-max (default 64). */
	ASSERT_LE(thread_pool_nr_threads(ctx), 64);
	ASSERT_GE(thread_pool_nr_threads(ctx), 1);
}

static int return_errno(void *arg)
{
	return -(int)(intptr_t)arg;
}

static void ret_cb(void *opaque, int ret)
{
	*(int *)opaque = ret;
}

/* func's return value reaches the callback unchanged. */
static void test_return_value(AioContext *ctx)
{
	int ret = 1;

	ASSERT_NOT_NULL(thread_pool_submit(ctx, return_errno,
					   (void *)(intptr_t)EIO, ret_cb,
					   &ret));
	POLL_UNTIL(ctx, ret != 1);
	ASSERT_EQ(ret, -EIO);
}

int main(void)
{
	AioContext *ctx = aio_context_new();

	ASSERT_NOT_NULL(ctx);
	home = pthread_self();
	/* No pool, no workers, until the first submit. */
	ASSERT_EQ(thread_pool_nr_threads(ctx), 0);
	test_submit(ctx);
	test_submit_aio(ctx);
	test_submit_many(ctx);
	test_return_value(ctx);
	/* Tears the pool down: workers are idle and exit. */
	aio_context_unref(ctx);
	return T_EXIT_PASS;
}
