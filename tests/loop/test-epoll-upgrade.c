/*
 * test-epoll-upgrade.c: a context on the poll monitor switches to epoll once 64
 * or more fds with events are registered (docs/loop-contract.md section 6.4,
 * and section 13, item 21; QEMU's old test-fdmon-epoll), and dispatch keeps
 * working across and after the switch; with fewer it stays on poll. Skipped
 * (77) when no epoll monitor is available.
 */
#include "tests/loop/loop-test.h"

#define MANY 200

static EventNotifierTestData notifiers[MANY];

static void add_notifiers(AioContext *ctx, int n)
{
	for (int i = 0; i < n; i++) {
		lt_event_init(&notifiers[i], 0, false);
		lt_set_event_notifier(ctx, &notifiers[i].e, lt_event_ready_cb);
	}
}

static void remove_notifiers(AioContext *ctx, int n)
{
	for (int i = 0; i < n; i++) {
		lt_set_event_notifier(ctx, &notifiers[i].e, NULL);
		event_notifier_cleanup(&notifiers[i].e);
	}
}

/* Set a few notifiers one at a time: exactly that one's handler runs. */
static void check_dispatch(AioContext *ctx, int n)
{
	static const int picks[] = { 0, 1, 31, 62, 63, 64, 99, 150, 199 };

	for (size_t k = 0; k < ARRAY_SIZE(picks); k++) {
		int i = picks[k], sum = 0;

		if (i >= n)
			continue;
		event_notifier_set(&notifiers[i].e);
		ASSERT_TRUE(aio_poll(ctx, true));
		ASSERT_EQ(notifiers[i].n, 1);
		notifiers[i].n = 0;
		for (int j = 0; j < n; j++)
			sum += notifiers[j].n;
		ASSERT_EQ(sum, 0);
	}
}

/* Set all n at once: every handler runs exactly once. */
static void check_all(AioContext *ctx, int n)
{
	int polls = 0;

	for (int i = 0; i < n; i++)
		event_notifier_set(&notifiers[i].e);
	ASSERT_TRUE(aio_poll(ctx, true));
	while (aio_poll(ctx, false))
		ASSERT_LT(++polls, 100);
	for (int i = 0; i < n; i++) {
		ASSERT_EQ(notifiers[i].n, 1);
		notifiers[i].n = 0;
	}
}

/* 62 user notifiers (+ the context's own: 63 fds) stay on poll. */
static void test_below_threshold(AioContext *ctx)
{
	add_notifiers(ctx, 62);
	lt_drain(ctx);
	check_dispatch(ctx, 62);
	check_all(ctx, 62);
	ASSERT_STREQ(aio_context_fdmon_name(ctx), "poll");
	remove_notifiers(ctx, 62);
	lt_drain(ctx);
	ASSERT_STREQ(aio_context_fdmon_name(ctx), "poll");
}

/* 64 or more: the first wait upgrades; dispatch works before and after. */
static void test_upgrade(AioContext *ctx)
{
	AioStats st;

	add_notifiers(ctx, 64);
	lt_drain(ctx);
	check_dispatch(ctx, 64);
	ASSERT_STREQ(aio_context_fdmon_name(ctx), "epoll");
	aio_context_get_stats(ctx, &st);
	ASSERT_STREQ(st.fdmon, "epoll");
	check_all(ctx, 64);

	/* More handlers after the switch, then remove most of them. */
	for (int i = 64; i < MANY; i++) {
		lt_event_init(&notifiers[i], 0, false);
		lt_set_event_notifier(ctx, &notifiers[i].e, lt_event_ready_cb);
	}
	check_dispatch(ctx, MANY);
	check_all(ctx, MANY);
	for (int i = 10; i < MANY; i++) {
		lt_set_event_notifier(ctx, &notifiers[i].e, NULL);
		event_notifier_cleanup(&notifiers[i].e);
	}
	lt_drain(ctx);
	check_dispatch(ctx, 10);
	check_all(ctx, 10);
	/* No automatic downgrade. */
	ASSERT_STREQ(aio_context_fdmon_name(ctx), "epoll");
	remove_notifiers(ctx, 10);
	lt_drain(ctx);
}

static const struct lt_case cases[] = {
	{ "epoll-upgrade/below-threshold", test_below_threshold },
	{ "epoll-upgrade/upgrade", test_upgrade },
};

int main(void)
{
	AioContext *probe = lt_context_new_on("epoll", false);

	if (!probe)
		t_skip("no epoll fd monitor: nothing to upgrade to");
	aio_context_unref(probe);
	return lt_run(cases, ARRAY_SIZE(cases), LT_POLL);
}
