/*
 * test-event.c: event-notifier handlers (QEMU test-aio.c /aio/event/...,
 * docs/loop-contract.md sections 6.1-6.2, and section 13, items 10-13):
 * add/remove, wait, no-flush, auto-set flush, removing a handler that does not
 * exist, a handler deleted by an earlier callback of the same iteration, and
 * re-registration resetting the poll state. Every case runs on every available
 * fd monitor.
 */
#include "tests/loop/loop-test.h"

/* #8: registering notifies but is not progress; the fd is not set. */
static void test_set_event_notifier(AioContext *ctx)
{
	EventNotifierTestData d;

	lt_event_init(&d, 0, false);
	lt_set_event_notifier(ctx, &d.e, lt_event_ready_cb);
	ASSERT_FALSE(aio_poll(ctx, false));
	ASSERT_EQ(d.n, 0);

	lt_set_event_notifier(ctx, &d.e, NULL);
	ASSERT_FALSE(aio_poll(ctx, false));
	ASSERT_EQ(d.n, 0);
	event_notifier_cleanup(&d.e);
}

/* Checklist 10: registering a handler notifies the loop (not progress). */
static void test_register_notifies(AioContext *ctx)
{
	EventNotifierTestData d;
	AioTimer *t;
	int fired = 0;
	int64_t t0;

	lt_event_init(&d, 0, false);
	t = aio_timer_new(ctx, AIO_CLOCK_REALTIME, AIO_SCALE_MS, lt_count_cb,
			  &fired);
	aio_timer_mod(t, lt_now_ms() + 2000);
	lt_drain(ctx);

	lt_set_event_notifier(ctx, &d.e, lt_event_ready_cb);
	t0 = t_now_ns();
	ASSERT_FALSE(aio_poll(ctx, true));
	ASSERT_EQ(fired, 0);
	ASSERT_LT(t_now_ns() - t0, 1000 * LT_MS);
	ASSERT_EQ(d.n, 0);

	/* So does removing it. */
	lt_set_event_notifier(ctx, &d.e, NULL);
	ASSERT_FALSE(aio_poll(ctx, true));
	ASSERT_EQ(fired, 0);
	ASSERT_EQ(d.n, 0);
	aio_timer_free(t);
	event_notifier_cleanup(&d.e);
}

/* #9 */
static void test_wait_event_notifier(AioContext *ctx)
{
	EventNotifierTestData d;

	lt_event_init(&d, 1, false);
	lt_set_event_notifier(ctx, &d.e, lt_event_ready_cb);
	lt_drain(ctx);
	ASSERT_EQ(d.n, 0);
	ASSERT_EQ(d.active, 1);

	event_notifier_set(&d.e);
	ASSERT_TRUE(aio_poll(ctx, false));
	ASSERT_EQ(d.n, 1);
	ASSERT_EQ(d.active, 0);

	ASSERT_FALSE(aio_poll(ctx, false));
	ASSERT_EQ(d.n, 1);
	ASSERT_EQ(d.active, 0);

	lt_set_event_notifier(ctx, &d.e, NULL);
	ASSERT_FALSE(aio_poll(ctx, false));
	ASSERT_EQ(d.n, 1);
	event_notifier_cleanup(&d.e);
}

/* #10: a handler that never clears its notifier (dummy) must not block. */
static void test_wait_event_notifier_noflush(AioContext *ctx)
{
	EventNotifierTestData data, dummy;

	lt_event_init(&data, 0, false);
	lt_event_init(&dummy, 1, false);

	lt_set_event_notifier(ctx, &data.e, lt_event_ready_cb);
	ASSERT_FALSE(aio_poll(ctx, false));
	ASSERT_EQ(data.n, 0);

	/* Until there is an active descriptor, this may or may not call the
	 * callback, but it must not block. */
	event_notifier_set(&data.e);
	ASSERT_TRUE(aio_poll(ctx, true));
	data.n = 0;

	/* An active event notifier forces aio_poll to look at it. */
	lt_set_event_notifier(ctx, &dummy.e, lt_event_ready_cb);

	event_notifier_set(&data.e);
	ASSERT_TRUE(aio_poll(ctx, false));
	ASSERT_EQ(data.n, 1);
	ASSERT_FALSE(aio_poll(ctx, false));
	ASSERT_EQ(data.n, 1);

	event_notifier_set(&data.e);
	ASSERT_TRUE(aio_poll(ctx, false));
	ASSERT_EQ(data.n, 2);
	ASSERT_FALSE(aio_poll(ctx, false));
	ASSERT_EQ(data.n, 2);

	event_notifier_set(&dummy.e);
	lt_wait_until_inactive(ctx, &dummy);
	ASSERT_EQ(data.n, 2);
	ASSERT_EQ(dummy.n, 1);
	ASSERT_EQ(dummy.active, 0);

	lt_set_event_notifier(ctx, &dummy.e, NULL);
	lt_set_event_notifier(ctx, &data.e, NULL);
	ASSERT_FALSE(aio_poll(ctx, false));
	ASSERT_EQ(data.n, 2);
	event_notifier_cleanup(&data.e);
	event_notifier_cleanup(&dummy.e);
}

/* #11: the callback re-sets its own notifier ten times. */
static void test_flush_event_notifier(AioContext *ctx)
{
	EventNotifierTestData d;

	lt_event_init(&d, 10, true);
	lt_set_event_notifier(ctx, &d.e, lt_event_ready_cb);
	lt_drain(ctx);
	ASSERT_EQ(d.n, 0);
	ASSERT_EQ(d.active, 10);

	event_notifier_set(&d.e);
	ASSERT_TRUE(aio_poll(ctx, false));
	ASSERT_EQ(d.n, 1);
	ASSERT_EQ(d.active, 9);

	/* The callback set the notifier again. */
	ASSERT_TRUE(aio_poll(ctx, false));
	lt_wait_until_inactive(ctx, &d);
	ASSERT_EQ(d.n, 10);
	ASSERT_EQ(d.active, 0);
	ASSERT_FALSE(aio_poll(ctx, false));

	lt_set_event_notifier(ctx, &d.e, NULL);
	ASSERT_FALSE(aio_poll(ctx, false));
	event_notifier_cleanup(&d.e);
}

/*
 * Checklist 11: removing a handler that does not exist is a no-op and
 * does not notify. Observed through a blocking poll: a notification would
 * make it return false at once; without one it sleeps until the timer.
 */
static void test_remove_nonexistent(AioContext *ctx)
{
	EventNotifierTestData d;
	AioTimer *t;
	int fired = 0;
	int64_t t0;

	lt_event_init(&d, 0, false);
	t = aio_timer_new(ctx, AIO_CLOCK_REALTIME, AIO_SCALE_MS, lt_count_cb,
			  &fired);
	aio_timer_mod(t, lt_now_ms() + 50);
	lt_drain(ctx);

	lt_set_event_notifier(ctx, &d.e, NULL);
	aio_set_fd_handler(ctx, event_notifier_get_fd(&d.e), NULL, NULL,
			   NULL, NULL, NULL);
	t0 = t_now_ns();
	ASSERT_TRUE(aio_poll(ctx, true));
	ASSERT_EQ(fired, 1);
	ASSERT_GE(t_now_ns() - t0, 40 * LT_MS);

	/* And removing it after a real registration twice is harmless. */
	lt_set_event_notifier(ctx, &d.e, lt_event_ready_cb);
	lt_set_event_notifier(ctx, &d.e, NULL);
	lt_set_event_notifier(ctx, &d.e, NULL);
	event_notifier_set(&d.e);
	lt_drain(ctx);
	ASSERT_EQ(d.n, 0);
	aio_timer_free(t);
	event_notifier_cleanup(&d.e);
}

/* Two handlers; whichever runs first removes the other. */
struct pair {
	AioContext *ctx;
	EventNotifierTestData a, b;
	int runs;
};

static struct pair *pair_of;

static void pair_cb(EventNotifier *e)
{
	struct pair *p = pair_of;
	EventNotifierTestData *other = e == &p->a.e ? &p->b : &p->a;

	lt_event_ready_cb(e);
	p->runs++;
	lt_set_event_notifier(p->ctx, &other->e, NULL);
}

/* Checklist 13: a handler deleted by an earlier callback is not called. */
static void test_deleted_in_same_iteration(AioContext *ctx)
{
	struct pair p = { .ctx = ctx };

	pair_of = &p;
	lt_event_init(&p.a, 0, false);
	lt_event_init(&p.b, 0, false);
	lt_set_event_notifier(ctx, &p.a.e, pair_cb);
	lt_set_event_notifier(ctx, &p.b.e, pair_cb);
	lt_drain(ctx);

	for (int round = 0; round < 20; round++) {
		EventNotifierTestData *survivor;

		p.runs = 0;
		p.a.n = p.b.n = 0;
		event_notifier_set(&p.a.e);
		event_notifier_set(&p.b.e);
		ASSERT_TRUE(aio_poll(ctx, true));
		lt_drain(ctx);
		ASSERT_EQ(p.runs, 1);
		ASSERT_EQ(p.a.n + p.b.n, 1);

		/* The victim's notifier is still set, but it is gone. */
		survivor = p.a.n ? &p.a : &p.b;
		ASSERT_TRUE(event_notifier_test_and_clear(
			survivor == &p.a ? &p.b.e : &p.a.e));
		lt_set_event_notifier(ctx, survivor == &p.a ? &p.b.e : &p.a.e,
				      pair_cb);
		lt_drain(ctx);
	}
	lt_set_event_notifier(ctx, &p.a.e, NULL);
	lt_set_event_notifier(ctx, &p.b.e, NULL);
	lt_drain(ctx);
	event_notifier_cleanup(&p.a.e);
	event_notifier_cleanup(&p.b.e);
	pair_of = NULL;
}

/*
 * Checklist 12: re-registering a handler resets io_poll_begin/end, its
 * poll-set membership and its window.
 */
static void test_reregister_resets_poll(AioContext *ctx)
{
	struct lt_pollable p;
	AioHandlerStats hs;
	AioTimer *t;
	int fired = 0, begins, ends, polls;
	bool user_polling = !lt_fdmon_is("io_uring");

	ASSERT_EQ(aio_context_set_poll_params(ctx, 1000 * LT_MS, 0, 0), 0);
	t = aio_timer_new(ctx, AIO_CLOCK_REALTIME, AIO_SCALE_MS, lt_count_cb,
			  &fired);
	lt_pollable_init(&p);
	lt_pollable_add(ctx, &p, true);
	lt_drain(ctx);
	lt_handler_stats(ctx, event_notifier_get_fd(&p.e), &hs);
	ASSERT_FALSE(hs.in_poll_set);
	ASSERT_EQ(hs.window_ns, 0);

	/* First fd event: joins the poll set, window 0 -> 4000. */
	event_notifier_set(&p.e);
	ASSERT_TRUE(aio_poll(ctx, true));
	ASSERT_EQ(p.reads, 1);
	lt_handler_stats(ctx, event_notifier_get_fd(&p.e), &hs);
	ASSERT_TRUE(hs.in_poll_set);
	ASSERT_EQ(hs.window_ns, 4000);

	/* One transition into polling and out again. */
	ASSERT_TRUE(lt_poll_until_timer(ctx, t, &fired));
	if (user_polling) {
		ASSERT_EQ(p.begins, 1);
		ASSERT_EQ(p.ends, 1);
	} else {
		printf("note: %s: begins %d ends %d before re-registering\n",
		       lt_fdmon, p.begins, p.ends);
	}

	/* Re-register with the same callbacks: the poll state is reset. */
	lt_pollable_add(ctx, &p, false);
	lt_handler_stats(ctx, event_notifier_get_fd(&p.e), &hs);
	ASSERT_FALSE(hs.in_poll_set);
	ASSERT_EQ(hs.window_ns, 0);
	lt_drain(ctx);

	event_notifier_set(&p.e);
	ASSERT_TRUE(aio_poll(ctx, true));
	ASSERT_EQ(p.reads, 2);
	lt_handler_stats(ctx, event_notifier_get_fd(&p.e), &hs);
	ASSERT_TRUE(hs.in_poll_set);
	ASSERT_EQ(hs.window_ns, 4000);

	begins = p.begins;
	ends = p.ends;
	polls = p.polls;
	ASSERT_TRUE(lt_poll_until_timer(ctx, t, &fired));
	ASSERT_TRUE(lt_poll_until_timer(ctx, t, &fired));
	ASSERT_EQ(p.begins, begins);
	ASSERT_EQ(p.ends, ends);
	if (user_polling)
		ASSERT_GT(p.polls, polls); /* it was polled, without begin */

	aio_set_event_notifier(ctx, &p.e, NULL, NULL, NULL);
	lt_drain(ctx);
	aio_timer_free(t);
	event_notifier_cleanup(&p.e);
}

static const struct lt_case cases[] = {
	{ "event/add-remove", test_set_event_notifier },
	{ "event/register-notifies", test_register_notifies },
	{ "event/wait", test_wait_event_notifier },
	{ "event/wait/no-flush-cb", test_wait_event_notifier_noflush },
	{ "event/flush", test_flush_event_notifier },
	{ "event/remove-nonexistent", test_remove_nonexistent },
	{ "event/deleted-in-same-iteration", test_deleted_in_same_iteration },
	{ "event/reregister-resets-poll", test_reregister_resets_poll },
};

int main(void)
{
	return lt_run(cases, ARRAY_SIZE(cases), LT_ALL);
}
