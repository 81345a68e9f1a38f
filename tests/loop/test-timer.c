/*
 * test-timer.c: timers (QEMU test-aio.c /aio/timer/schedule;
 * docs/loop-contract.md section 7, and section 13, item 14): timers fire only
 * inside the loop, a blocking poll wakes for the earliest deadline and never
 * early, equal deadlines fire in arming order, and aio_timer_mod from another
 * thread to an earlier deadline wakes a blocked poll. Every case runs on every
 * available fd monitor. Times are short (50 ms) and asserted only as lower
 * bounds or with wide upper margins.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "tests/loop/loop-test.h"

typedef struct {
	AioTimer *timer;
	int n;
	int max;
	int64_t ns;
	int64_t last_fire_ns;
} TimerTestData;

static void timer_test_cb(void *opaque)
{
	TimerTestData *d = opaque;

	d->n++;
	d->last_fire_ns = lt_now_ns();
	if (d->n < d->max)
		aio_timer_mod(d->timer, lt_now_ns() + d->ns);
}

static void dummy_io_handler_read(EventNotifier *e)
{
}

/* #12, with 50 ms instead of 750 ms. */
static void test_timer_schedule(AioContext *ctx)
{
	TimerTestData d = { .max = 2, .ns = 50 * LT_MS };
	EventNotifier e;
	int64_t expiry;

	/* An fd to wait on, as in QEMU's test. */
	ASSERT_EQ(event_notifier_init(&e, false), 0);
	aio_set_event_notifier(ctx, &e, dummy_io_handler_read, NULL, NULL);
	aio_poll(ctx, false);

	d.timer = aio_timer_new(ctx, AIO_CLOCK_REALTIME, AIO_SCALE_NS,
				timer_test_cb, &d);
	ASSERT_FALSE(aio_timer_pending(d.timer));
	ASSERT_EQ(aio_timer_expire_time(d.timer), -1);
	expiry = lt_now_ns() + d.ns;
	aio_timer_mod(d.timer, expiry);
	ASSERT_TRUE(aio_timer_pending(d.timer));
	ASSERT_EQ(aio_timer_expire_time(d.timer), expiry);
	ASSERT_EQ(d.n, 0);

	/* aio_timer_mod may well call aio_notify, so use a drain loop. */
	lt_drain(ctx);
	ASSERT_FALSE(aio_poll(ctx, false));
	ASSERT_EQ(d.n, 0);

	/* Timers only fire inside the loop. */
	t_sleep_ns(100 * LT_MS);
	ASSERT_EQ(d.n, 0);
	ASSERT_TRUE(aio_timer_pending(d.timer));

	ASSERT_TRUE(aio_poll(ctx, false));
	ASSERT_EQ(d.n, 1);
	ASSERT_GE(d.last_fire_ns, expiry);

	/* The callback re-armed it 50 ms out. */
	lt_drain(ctx);
	ASSERT_FALSE(aio_poll(ctx, false));
	ASSERT_EQ(d.n, 1);

	/* A blocking poll sleeps until the timer, and not less. */
	expiry = aio_timer_expire_time(d.timer);
	ASSERT_TRUE(aio_poll(ctx, true));
	ASSERT_EQ(d.n, 2);
	ASSERT_GE(d.last_fire_ns, expiry);
	ASSERT_GE(lt_now_ns(), expiry);
	ASSERT_FALSE(aio_timer_pending(d.timer));

	ASSERT_FALSE(aio_poll(ctx, false));
	ASSERT_EQ(d.n, 2);

	aio_set_event_notifier(ctx, &e, NULL, NULL, NULL);
	event_notifier_cleanup(&e);
	aio_timer_del(d.timer);
	aio_timer_del(d.timer); /* idempotent */
	aio_timer_free(d.timer);
}

/* Repeated short blocking waits never return before the deadline. */
static void test_timer_never_early(AioContext *ctx)
{
	TimerTestData d = { .max = 1 };

	d.timer = aio_timer_new(ctx, AIO_CLOCK_REALTIME, AIO_SCALE_NS,
				timer_test_cb, &d);
	lt_drain(ctx);
	for (int i = 0; i < 20; i++) {
		/* Deadlines not on ms boundaries: rounding down is wrong. */
		int64_t expiry = lt_now_ns() + 1 * LT_MS + 300000 +
			(int64_t)i * 37000;

		d.n = 0;
		aio_timer_mod(d.timer, expiry);
		lt_drain(ctx);
		if (d.n)
			continue; /* descheduled past it: nothing to see */
		ASSERT_TRUE(aio_poll(ctx, true));
		ASSERT_EQ(d.n, 1);
		ASSERT_GE(d.last_fire_ns, expiry);
	}
	aio_timer_free(d.timer);
}

/* The earliest of several timers ends the wait; the others stay armed. */
static void test_timer_earliest(AioContext *ctx)
{
	TimerTestData late = { .max = 1 }, early = { .max = 1 };
	int64_t now = lt_now_ns();

	late.timer = aio_timer_new(ctx, AIO_CLOCK_REALTIME, AIO_SCALE_NS,
				   timer_test_cb, &late);
	early.timer = aio_timer_new(ctx, AIO_CLOCK_REALTIME, AIO_SCALE_US,
				    timer_test_cb, &early);
	aio_timer_mod(late.timer, now + 2000 * LT_MS);
	aio_timer_mod(early.timer, (now + 50 * LT_MS) / 1000);
	ASSERT_EQ(aio_timer_expire_time(early.timer), (now + 50 * LT_MS) / 1000);
	lt_drain(ctx);

	ASSERT_TRUE(aio_poll(ctx, true));
	ASSERT_EQ(early.n, 1);
	ASSERT_EQ(late.n, 0);
	ASSERT_GE(early.last_fire_ns, ((now + 50 * LT_MS) / 1000) * 1000);
	ASSERT_LT(lt_now_ns() - now, 1500 * LT_MS);
	ASSERT_TRUE(aio_timer_pending(late.timer));

	/* Deleting the late one leaves nothing to wait for. */
	aio_timer_del(late.timer);
	ASSERT_FALSE(aio_timer_pending(late.timer));
	ASSERT_EQ(aio_timer_expire_time(late.timer), -1);
	lt_drain(ctx);
	ASSERT_EQ(late.n, 0);
	aio_timer_free(late.timer);
	aio_timer_free(early.timer);
}

#define NFIFO 6

struct fifo {
	int order[NFIFO * 2];
	int len;
};

struct fifo_timer {
	struct fifo *f;
	int id;
};

static void fifo_cb(void *opaque)
{
	struct fifo_timer *ft = opaque;

	ft->f->order[ft->f->len++] = ft->id;
}

/* Equal deadlines fire in arming order; re-arming moves to the back. */
static void test_timer_fifo(AioContext *ctx)
{
	static const int arm[NFIFO] = { 3, 1, 4, 0, 5, 2 };
	struct fifo f = { .len = 0 };
	struct fifo_timer ft[NFIFO];
	AioTimer *t[NFIFO];
	int64_t expiry = lt_now_ms() + 30;

	for (int i = 0; i < NFIFO; i++) {
		ft[i].f = &f;
		ft[i].id = i;
		t[i] = aio_timer_new(ctx, AIO_CLOCK_REALTIME, AIO_SCALE_MS,
				     fifo_cb, &ft[i]);
	}
	for (int i = 0; i < NFIFO; i++)
		aio_timer_mod(t[arm[i]], expiry);
	/* Re-arming 4 at the same expiry puts it after all the others. */
	aio_timer_mod(t[4], expiry);

	while (f.len < NFIFO)
		aio_poll(ctx, true);
	ASSERT_EQ(f.len, NFIFO);
	ASSERT_EQ(f.order[0], 3);
	ASSERT_EQ(f.order[1], 1);
	ASSERT_EQ(f.order[2], 0);
	ASSERT_EQ(f.order[3], 5);
	ASSERT_EQ(f.order[4], 2);
	ASSERT_EQ(f.order[5], 4);
	ASSERT_FALSE(aio_poll(ctx, false));
	for (int i = 0; i < NFIFO; i++)
		aio_timer_free(t[i]);
}

struct mover {
	AioTimer *t;
	int64_t new_expiry_ns;
};

static void *mover_thread(void *opaque)
{
	struct mover *m = opaque;

	t_sleep_ns(50 * LT_MS);
	m->new_expiry_ns = lt_now_ns() + 20 * LT_MS;
	aio_timer_mod(m->t, m->new_expiry_ns);
	return NULL;
}

/* aio_timer_mod from another thread to an earlier deadline wakes us. */
static void test_timer_mod_cross_thread(AioContext *ctx)
{
	TimerTestData d = { .max = 1 };
	struct mover m;
	pthread_t th;
	int64_t t0;
	int calls = 0;

	d.timer = aio_timer_new(ctx, AIO_CLOCK_REALTIME, AIO_SCALE_NS,
				timer_test_cb, &d);
	aio_timer_mod(d.timer, lt_now_ns() + 10000 * LT_MS);
	lt_drain(ctx);
	m.t = d.timer;
	t0 = t_now_ns();
	ASSERT_EQ(pthread_create(&th, NULL, mover_thread, &m), 0);
	while (d.n == 0) {
		aio_poll(ctx, true);
		ASSERT_LT(++calls, 10);
	}
	pthread_join(th, NULL);
	ASSERT_LT(t_now_ns() - t0, 5000 * LT_MS);
	ASSERT_GE(d.last_fire_ns, m.new_expiry_ns);
	ASSERT_FALSE(aio_timer_pending(d.timer));
	aio_timer_free(d.timer);
}

static const struct lt_case cases[] = {
	{ "timer/schedule", test_timer_schedule },
	{ "timer/never-early", test_timer_never_early },
	{ "timer/earliest", test_timer_earliest },
	{ "timer/fifo", test_timer_fifo },
	{ "timer/mod-cross-thread", test_timer_mod_cross_thread },
};

int main(void)
{
	return lt_run(cases, ARRAY_SIZE(cases), LT_ALL);
}
