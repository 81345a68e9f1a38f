/*
 * test-notify.c: aio_notify and cross-thread wake-ups (docs/loop-contract.md
 * section 4, and section 13, items 8-9). aio_notify then aio_poll(true) returns
 * false without blocking; a blocked aio_poll(true) is woken by aio_notify, by
 * aio_bh_schedule and by aio_bh_schedule_oneshot from another thread, many
 * times over with random delays, without a lost wake-up. Every case runs on
 * every available fd monitor.
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>

#include "tests/loop/loop-test.h"

/* A safety timer far out: if it fires, a wake-up was lost. */
static AioTimer *safety_new(AioContext *ctx, int *fired, int64_t ms)
{
	AioTimer *t = aio_timer_new(ctx, AIO_CLOCK_REALTIME, AIO_SCALE_MS,
				    lt_count_cb, fired);

	aio_timer_mod(t, lt_now_ms() + ms);
	lt_drain(ctx); /* arming the earliest timer notifies */
	return t;
}

/* Checklist 8. */
static void test_notify_then_poll(AioContext *ctx)
{
	int fired = 0, n = 0;
	AioTimer *t = safety_new(ctx, &fired, 2000);
	int64_t t0;

	aio_notify(ctx);
	t0 = t_now_ns();
	ASSERT_FALSE(aio_poll(ctx, true));
	ASSERT_LT(t_now_ns() - t0, 1000 * LT_MS);
	ASSERT_EQ(fired, 0);
	ASSERT_FALSE(aio_poll(ctx, false));

	/* Many notifications coalesce into one non-progress wake-up. */
	for (int i = 0; i < 100; i++)
		aio_notify(ctx);
	ASSERT_FALSE(aio_poll(ctx, true));
	ASSERT_FALSE(aio_poll(ctx, false));
	ASSERT_EQ(fired, 0);

	/* Notify plus real work: the work is progress. */
	aio_notify(ctx);
	aio_bh_schedule_oneshot(ctx, lt_count_cb, &n);
	ASSERT_TRUE(aio_poll(ctx, true));
	ASSERT_EQ(n, 1);
	ASSERT_FALSE(aio_poll(ctx, false));
	ASSERT_EQ(fired, 0);
	aio_timer_free(t);
}

enum kick { KICK_NOTIFY, KICK_BH, KICK_ONESHOT, KICK_NR };

struct kicker {
	AioContext *ctx;
	AioBH *bh;
	atomic_int bh_runs;
	atomic_int oneshot_runs;
	sem_t go;
	int rounds;
	int64_t first_delay_ns;
	unsigned seed;
};

static void kick_bh_cb(void *opaque)
{
	struct kicker *k = opaque;

	atomic_fetch_add(&k->bh_runs, 1);
}

static void kick_oneshot_cb(void *opaque)
{
	struct kicker *k = opaque;

	atomic_fetch_add(&k->oneshot_runs, 1);
}

static void kick(struct kicker *k, enum kick how)
{
	switch (how) {
	case KICK_NOTIFY:
		aio_notify(k->ctx);
		break;
	case KICK_BH:
		aio_bh_schedule(k->bh);
		break;
	default:
		aio_bh_schedule_oneshot(k->ctx, kick_oneshot_cb, k);
		break;
	}
}

/* Thread B: per round, wait for "go", sleep a little, kick. */
static void *kicker_thread(void *opaque)
{
	struct kicker *k = opaque;

	for (int r = 0; r < k->rounds; r++) {
		int64_t delay;

		sem_wait(&k->go);
		if (k->first_delay_ns)
			delay = k->first_delay_ns;
		else
			delay = (rand_r(&k->seed) % 4) ?
				rand_r(&k->seed) % 200000 : 0;
		if (delay)
			t_sleep_ns(delay);
		kick(k, (enum kick)(r % KICK_NR));
	}
	return NULL;
}

static void kicker_init(struct kicker *k, AioContext *ctx, int rounds)
{
	memset(k, 0, sizeof(*k));
	k->ctx = ctx;
	k->bh = aio_bh_new(ctx, kick_bh_cb, k);
	k->rounds = rounds;
	k->seed = 12345;
	sem_init(&k->go, 0, 0);
}

/*
 * A blocked aio_poll(true) is woken by each kind of kick from another
 * thread. With a 20 ms delay the poll is blocked when the kick comes:
 * it must have waited, and must wake long before the safety timer.
 */
static void test_cross_thread_wake(AioContext *ctx)
{
	struct kicker k;
	pthread_t th;
	int fired = 0;
	AioTimer *t = safety_new(ctx, &fired, 10000);

	kicker_init(&k, ctx, KICK_NR);
	k.first_delay_ns = 20 * LT_MS;
	ASSERT_EQ(pthread_create(&th, NULL, kicker_thread, &k), 0);
	for (int r = 0; r < KICK_NR; r++) {
		int64_t t0 = t_now_ns(), el;
		bool progress;

		sem_post(&k.go);
		progress = aio_poll(ctx, true);
		el = t_now_ns() - t0;
		ASSERT_EQ(fired, 0);
		ASSERT_GE(el, 15 * LT_MS);
		ASSERT_LT(el, 5000 * LT_MS);
		if (r == KICK_NOTIFY) {
			ASSERT_FALSE(progress);
		} else {
			ASSERT_TRUE(progress);
			ASSERT_EQ(atomic_load(&k.bh_runs) +
				  atomic_load(&k.oneshot_runs), r);
		}
	}
	pthread_join(th, NULL);
	ASSERT_FALSE(aio_poll(ctx, false));
	ASSERT_EQ(atomic_load(&k.bh_runs), 1);
	ASSERT_EQ(atomic_load(&k.oneshot_runs), 1);
	aio_bh_delete(k.bh);
	aio_timer_free(t);
	sem_destroy(&k.go);
}

/*
 * Checklist 9 under stress: many rounds with random delays (often none),
 * so kicks land before, during and after the waiter's notify_me window.
 * Nothing may be lost (the safety timer would fire) and a blocking poll
 * must not spin (few calls per round).
 */
static void test_cross_thread_rounds(AioContext *ctx)
{
	enum { ROUNDS = 300 };
	struct kicker k;
	pthread_t th;
	int fired = 0, max_calls = 0;
	AioTimer *t = safety_new(ctx, &fired, 20000);

	kicker_init(&k, ctx, ROUNDS);
	ASSERT_EQ(pthread_create(&th, NULL, kicker_thread, &k), 0);
	for (int r = 0; r < ROUNDS; r++) {
		enum kick how = (enum kick)(r % KICK_NR);
		int want_bh = atomic_load(&k.bh_runs) + (how == KICK_BH);
		int want_os = atomic_load(&k.oneshot_runs) +
			(how == KICK_ONESHOT);
		int calls = 0;

		sem_post(&k.go);
		if (how == KICK_NOTIFY) {
			ASSERT_FALSE(aio_poll(ctx, true));
			calls = 1;
		} else {
			while (atomic_load(&k.bh_runs) < want_bh ||
			       atomic_load(&k.oneshot_runs) < want_os) {
				aio_poll(ctx, true);
				calls++;
			}
		}
		ASSERT_EQ(fired, 0);
		if (calls > max_calls)
			max_calls = calls;
	}
	pthread_join(th, NULL);
	lt_drain(ctx);
	ASSERT_EQ(fired, 0);
	ASSERT_EQ(atomic_load(&k.bh_runs), ROUNDS / KICK_NR);
	ASSERT_EQ(atomic_load(&k.oneshot_runs), ROUNDS / KICK_NR);
	printf("  %d rounds, at most %d aio_poll calls per round\n", ROUNDS,
	       max_calls);
	ASSERT_LE(max_calls, 5);
	aio_bh_delete(k.bh);
	aio_timer_free(t);
	sem_destroy(&k.go);
}

static const struct lt_case cases[] = {
	{ "notify/then-poll", test_notify_then_poll },
	{ "notify/cross-thread-wake", test_cross_thread_wake },
	{ "notify/cross-thread-rounds", test_cross_thread_rounds },
};

int main(void)
{
	return lt_run(cases, ARRAY_SIZE(cases), LT_ALL);
}
