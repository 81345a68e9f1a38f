/*
 * test-acquire.c: aio_context_acquire/release with the 2015 semantics
 * (docs/loop-contract.md section 8.2): the lock is recursive; a blocking
 * aio_poll in thread A, even with the lock held recursively, releases it while
 * it blocks, so thread B can acquire it; B's acquire kicks A, whose aio_poll
 * returns (holding the lock again) only after B released it. Every case runs on
 * every available fd monitor.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "tests/loop/loop-test.h"

struct shared {
	AioContext *ctx;
	atomic_bool a_polling;    /* A is inside aio_poll */
	atomic_bool a_ready;      /* A is about to poll */
	atomic_bool b_inside;     /* B holds the lock */
	atomic_bool b_acquired;   /* B got the lock at least once */
	atomic_bool b_saw_a_poll; /* ... while A was inside aio_poll */
	int plain_counter;        /* only touched with the lock held */
};

static void *acquire_once(void *opaque)
{
	struct shared *s = opaque;

	aio_context_acquire(s->ctx);
	s->plain_counter++;
	atomic_store(&s->b_acquired, true);
	aio_context_release(s->ctx);
	return NULL;
}

/* Wait for flag up to 5 s. */
static bool wait_flag(atomic_bool *flag)
{
	int64_t end = t_now_ns() + 5000 * LT_MS;

	while (!atomic_load(flag)) {
		if (t_now_ns() > end)
			return false;
		t_sleep_ns(100000);
	}
	return true;
}

/* Recursive acquire/release; afterwards another thread can acquire. */
static void test_recursive(AioContext *ctx)
{
	struct shared s = { .ctx = ctx };
	pthread_t th;

	aio_context_acquire(ctx);
	aio_context_acquire(ctx);
	aio_context_acquire(ctx);
	s.plain_counter++;
	aio_context_release(ctx);
	aio_context_release(ctx);
	aio_context_release(ctx);

	ASSERT_EQ(pthread_create(&th, NULL, acquire_once, &s), 0);
	if (!wait_flag(&s.b_acquired))
		t_fail("another thread could not acquire after 3 releases");
	pthread_join(th, NULL);

	/* Holding it, a non-blocking poll works and keeps it held. */
	aio_context_acquire(ctx);
	aio_context_acquire(ctx);
	lt_drain(ctx);
	ASSERT_EQ(s.plain_counter, 2);
	aio_context_release(ctx);
	aio_context_release(ctx);
}

static void *contender(void *opaque)
{
	struct shared *s = opaque;

	if (!wait_flag(&s->a_ready))
		t_fail("thread A never got ready");
	/* Give A time to block in aio_poll. */
	t_sleep_ns(100 * LT_MS);
	aio_context_acquire(s->ctx);
	atomic_store(&s->b_inside, true);
	if (atomic_load(&s->a_polling))
		atomic_store(&s->b_saw_a_poll, true);
	atomic_store(&s->b_acquired, true);
	s->plain_counter++;
	t_sleep_ns(20 * LT_MS); /* hold it a while: A must not return now */
	atomic_store(&s->b_inside, false);
	aio_context_release(s->ctx);
	return NULL;
}

/*
 * A holds the lock twice and blocks in aio_poll; B acquires while A is
 * blocked, and A's aio_poll comes back (kicked) once B released.
 */
static void test_poll_releases_lock(AioContext *ctx)
{
	struct shared s = { .ctx = ctx };
	AioTimer *safety;
	pthread_t th;
	int fired = 0, calls = 0;
	int64_t t0;

	aio_context_acquire(ctx);
	aio_context_acquire(ctx);
	safety = aio_timer_new(ctx, AIO_CLOCK_REALTIME, AIO_SCALE_MS,
			       lt_count_cb, &fired);
	aio_timer_mod(safety, lt_now_ms() + 3000);
	lt_drain(ctx);

	ASSERT_EQ(pthread_create(&th, NULL, contender, &s), 0);
	t0 = t_now_ns();
	atomic_store(&s.a_ready, true);
	while (!atomic_load(&s.b_acquired) && !fired) {
		atomic_store(&s.a_polling, true);
		aio_poll(ctx, true);
		atomic_store(&s.a_polling, false);
		/* We hold the lock again: B cannot be inside. */
		ASSERT_FALSE(atomic_load(&s.b_inside));
		ASSERT_LT(++calls, 50);
	}
	if (!atomic_load(&s.b_acquired))
		t_fail("B never got the lock while A blocked in aio_poll");
	ASSERT_TRUE(atomic_load(&s.b_saw_a_poll));
	if (fired)
		t_fail("B acquired while A blocked in aio_poll, but A was not "
		       "kicked: only the 3 s safety timer ended its wait");
	ASSERT_LT(t_now_ns() - t0, 2500 * LT_MS);
	ASSERT_EQ(s.plain_counter, 1);

	aio_context_release(ctx);
	aio_context_release(ctx);
	pthread_join(th, NULL);
	aio_timer_free(safety);
}

static const struct lt_case cases[] = {
	{ "acquire/recursive", test_recursive },
	{ "acquire/poll-releases-lock", test_poll_releases_lock },
};

int main(void)
{
	return lt_run(cases, ARRAY_SIZE(cases), LT_ALL);
}
