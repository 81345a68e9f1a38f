/*
 * test-loop-nopoll.c: with poll-max-ns 0 no poll callback ever runs, under
 * every policy and fd monitor, while the handler still joins the poll set
 * (docs/loop-contract.md section 13, item 15); with a window, the same fixture
 * does poll (so the counters can see polling when it happens).
 */
#include "tests/loop/loop-test.h"
#include "polling/policy.h"

struct counts {
	EventNotifier e;
	int reads, polls, poll_ready, begins, ends;
};

static void on_read(EventNotifier *e)
{
	struct counts *c = (struct counts *)e;

	event_notifier_test_and_clear(e);
	c->reads++;
}

static bool on_poll(void *opaque)
{
	struct counts *c = opaque;

	c->polls++;
	return false;
}

static void on_poll_ready(EventNotifier *e)
{
	((struct counts *)e)->poll_ready++;
}

static void on_begin(EventNotifier *e)
{
	((struct counts *)e)->begins++;
}

static void on_end(EventNotifier *e)
{
	((struct counts *)e)->ends++;
}

/* 20 events, each set before a blocking aio_poll. */
static void drive(AioContext *ctx, struct counts *c)
{
	ASSERT_EQ(event_notifier_init(&c->e, false), 0);
	aio_set_event_notifier(ctx, &c->e, on_read, on_poll, on_poll_ready);
	aio_set_event_notifier_poll(ctx, &c->e, on_begin, on_end);
	for (int i = 0; i < 20; i++) {
		ASSERT_EQ(event_notifier_set(&c->e), 0);
		while (c->reads <= i)
			aio_poll(ctx, true);
	}
	ASSERT_EQ(c->reads, 20);
}

static void undrive(AioContext *ctx, struct counts *c)
{
	aio_set_event_notifier(ctx, &c->e, NULL, NULL, NULL);
	lt_drain(ctx);
	event_notifier_cleanup(&c->e);
}

static void test_max_zero(AioContext *ctx)
{
	for (const struct poll_policy_ops *const *p = poll_policy_all(); *p;
	     p++) {
		struct counts c = { 0 };
		AioHandlerStats hs;
		AioStats st;

		ASSERT_EQ(aio_context_set_poll_policy(ctx, (*p)->name), 0);
		ASSERT_EQ(aio_context_set_poll_params(ctx, 0, 0, 0), 0);
		aio_context_reset_stats(ctx);
		drive(ctx, &c);
		if (c.polls || c.begins || c.ends || c.poll_ready)
			t_fail("policy %s, max 0: io_poll %d, begin %d, end %d, "
			       "poll_ready %d", (*p)->name, c.polls, c.begins,
			       c.ends, c.poll_ready);
		ASSERT_EQ(aio_get_handler_stats(ctx,
				event_notifier_get_fd(&c.e), &hs), 0);
		ASSERT_TRUE(hs.in_poll_set);
		ASSERT_EQ(hs.window_ns, 0);
		aio_context_get_stats(ctx, &st);
		ASSERT_EQ(st.poll_attempts, 0);
		ASSERT_EQ(st.poll_ns, 0);
		ASSERT_EQ(st.window_ns, 0);
		ASSERT_STREQ(st.policy, (*p)->name);
		undrive(ctx, &c);
	}
}

/*
 * Control: a 1 ms window (fixed) does call io_poll and begin/end. Only with
 * poll and epoll: io_uring already holds the event's CQE when aio_poll
 * starts (the notifier is set before), so it rightly skips polling.
 */
static void test_max_nonzero(AioContext *ctx)
{
	struct counts c = { 0 };

	ASSERT_EQ(aio_context_set_poll_policy(ctx, "fixed"), 0);
	ASSERT_EQ(aio_context_set_poll_params(ctx, 1000000, 0, 0), 0);
	drive(ctx, &c);
	ASSERT_GT(c.polls, 0);
	ASSERT_GT(c.begins, 0);
	undrive(ctx, &c);
}

static const struct lt_case cases[] = {
	{ "poll-max-ns 0: no poll callback, every policy", test_max_zero },
	{ "poll-max-ns 1 ms, fixed: io_poll runs", test_max_nonzero,
	  LT_POLL | LT_EPOLL },
};

int main(void)
{
	return lt_run(cases, ARRAY_SIZE(cases), LT_ALL);
}
