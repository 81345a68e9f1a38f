/*
 * test-bad-input.c: the loop API under bad or odd input. Invalid
 * parameter values return -EINVAL and change nothing; unknown fd monitor
 * and policy names are refused; removing handlers that do not exist,
 * deleting a BH from its own callback, double timer deletion and
 * per-handler queries for unknown fds are harmless; dropping the last
 * reference with a live BH aborts (docs/loop-contract.md section 13,
 * item 7).
 */
#include <sys/wait.h>

#include "tests/loop/loop-test.h"

static void test_param_values(AioContext *ctx)
{
	int64_t max, grow, shrink;

	ASSERT_EQ(aio_context_set_poll_params(ctx, 1000, 2, 3), 0);
	ASSERT_EQ(aio_context_set_poll_params(ctx, -1, 0, 0), -EINVAL);
	ASSERT_EQ(aio_context_set_poll_params(ctx, 0, -5, 0), -EINVAL);
	ASSERT_EQ(aio_context_set_poll_params(ctx, 0, 0, INT64_MIN), -EINVAL);
	aio_context_get_poll_params(ctx, &max, &grow, &shrink);
	ASSERT_EQ(max, 1000);
	ASSERT_EQ(grow, 2);
	ASSERT_EQ(shrink, 3);

	ASSERT_EQ(aio_context_set_aio_params(ctx, 32), 0);
	ASSERT_EQ(aio_context_set_aio_params(ctx, -1), -EINVAL);
	ASSERT_EQ(aio_context_get_aio_max_batch(ctx), 32);
	ASSERT_EQ(aio_context_set_aio_params(ctx, 0), 0);
	ASSERT_EQ(aio_context_get_aio_max_batch(ctx), 0);

	ASSERT_EQ(aio_context_set_poll_weight(ctx, -1), -EINVAL);
	ASSERT_EQ(aio_context_set_poll_weight(ctx, 64), -EINVAL);
	ASSERT_EQ(aio_context_set_poll_weight(ctx, INT64_MAX), -EINVAL);
	ASSERT_EQ(aio_context_set_poll_weight(ctx, 0), 0);
	ASSERT_EQ(aio_context_set_poll_weight(ctx, 63), 0);
	ASSERT_EQ(aio_context_set_poll_weight(ctx, 1), 0);
}

static void test_policy_names(AioContext *ctx)
{
	const char *before = aio_context_poll_policy_name(ctx);

	ASSERT_STREQ(before, "qemu");
	ASSERT_EQ(aio_context_set_poll_policy(ctx, "bogus"), -EINVAL);
	ASSERT_EQ(aio_context_set_poll_policy(ctx, ""), -EINVAL);
	ASSERT_EQ(aio_context_set_poll_policy(ctx, "QEMU"), -EINVAL);
	ASSERT_STREQ(aio_context_poll_policy_name(ctx), "qemu");
	ASSERT_EQ(aio_context_set_poll_policy(ctx, "qemu-ctx"), 0);
	ASSERT_STREQ(aio_context_poll_policy_name(ctx), "qemu-ctx");
	ASSERT_EQ(aio_context_set_poll_policy(ctx, "bogus"), -EINVAL);
	ASSERT_STREQ(aio_context_poll_policy_name(ctx), "qemu-ctx");
	ASSERT_EQ(aio_context_set_poll_policy(ctx, "qemu"), 0);
	ASSERT_STREQ(aio_context_poll_policy_name(ctx), "qemu");
}

/* aio_set_default_fdmon: unknown names refused, choice kept. */
static void test_fdmon_names(AioContext *ctx)
{
	AioContext *c2;

	ASSERT_TRUE(aio_fdmon_name_valid("poll"));
	ASSERT_TRUE(aio_fdmon_name_valid("epoll"));
	ASSERT_TRUE(aio_fdmon_name_valid("io_uring"));
	ASSERT_TRUE(aio_fdmon_name_valid("auto"));
	ASSERT_FALSE(aio_fdmon_name_valid("bogus"));
	ASSERT_FALSE(aio_fdmon_name_valid(""));
	ASSERT_FALSE(aio_fdmon_name_valid("POLL"));

	ASSERT_EQ(aio_set_default_fdmon("poll"), 0);
	ASSERT_EQ(aio_set_default_fdmon("bogus"), -EINVAL);
	ASSERT_EQ(aio_set_default_fdmon(""), -EINVAL);
	c2 = aio_context_new();
	ASSERT_NOT_NULL(c2);
	ASSERT_STREQ(aio_context_fdmon_name(c2), "poll");
	aio_context_unref(c2);

	/* "auto" gives one of the real monitors. */
	ASSERT_EQ(aio_set_default_fdmon("auto"), 0);
	c2 = aio_context_new();
	ASSERT_NOT_NULL(c2);
	ASSERT(strcmp(aio_context_fdmon_name(c2), "poll") == 0 ||
	       strcmp(aio_context_fdmon_name(c2), "epoll") == 0 ||
	       strcmp(aio_context_fdmon_name(c2), "io_uring") == 0);
	aio_context_unref(c2);
}

/* Removing handlers that do not exist, twice, on any fd. */
static void test_remove_missing_handlers(AioContext *ctx)
{
	EventNotifier e;
	AioHandlerStats hs;
	int fds[2];

	ASSERT_EQ(pipe(fds), 0);
	aio_set_fd_handler(ctx, fds[0], NULL, NULL, NULL, NULL, NULL);
	aio_set_fd_handler(ctx, fds[0], NULL, NULL, NULL, NULL, NULL);
	aio_set_fd_handler(ctx, 1000, NULL, NULL, NULL, NULL, NULL);
	ASSERT_EQ(event_notifier_init(&e, false), 0);
	aio_set_event_notifier(ctx, &e, NULL, NULL, NULL);
	/* Begin/end on an unregistered notifier is a no-op. */
	aio_set_event_notifier_poll(ctx, &e, NULL, NULL);
	aio_set_fd_poll(ctx, fds[1], NULL, NULL);
	ASSERT_EQ(aio_get_handler_stats(ctx, fds[0], &hs), -ENOENT);
	ASSERT_EQ(aio_get_handler_stats(ctx, -1, &hs), -ENOENT);
	ASSERT_EQ(aio_get_handler_stats(ctx, event_notifier_get_fd(&e), &hs),
		  -ENOENT);
	ASSERT_FALSE(aio_poll(ctx, false));
	ASSERT_FALSE(aio_poll(ctx, false));
	event_notifier_cleanup(&e);
	close(fds[0]);
	close(fds[1]);
}

/* Event notifier edge cases. */
static void test_event_notifier_edges(AioContext *ctx)
{
	EventNotifier never = { 0 }, e;

	event_notifier_cleanup(&never); /* never initialized: safe */
	ASSERT_EQ(event_notifier_init(&e, false), 0);
	ASSERT_FALSE(event_notifier_test_and_clear(&e));
	ASSERT_EQ(event_notifier_set(&e), 0);
	ASSERT_EQ(event_notifier_set(&e), 0);
	ASSERT_TRUE(event_notifier_test_and_clear(&e));
	ASSERT_FALSE(event_notifier_test_and_clear(&e));
	event_notifier_cleanup(&e);
	ASSERT_EQ(event_notifier_init(&e, true), 0);
	ASSERT_TRUE(event_notifier_test_and_clear(&e));
	event_notifier_cleanup(&e);
}

struct self_delete {
	AioBH *bh;
	int n;
};

static void self_delete_cb(void *opaque)
{
	struct self_delete *s = opaque;

	s->n++;
	aio_bh_delete(s->bh);
	/* Scheduling or cancelling after delete is not allowed: stop. */
}

/* BH edge cases: delete from its own callback, cancel unscheduled. */
static void test_bh_edges(AioContext *ctx)
{
	struct self_delete s = { 0 };
	AioBH *bh;
	int n = 0;

	s.bh = aio_bh_new(ctx, self_delete_cb, &s);
	aio_bh_schedule(s.bh);
	ASSERT_TRUE(aio_poll(ctx, false));
	ASSERT_EQ(s.n, 1);
	ASSERT_FALSE(aio_poll(ctx, false));
	ASSERT_EQ(s.n, 1);

	bh = aio_bh_new(ctx, lt_count_cb, &n);
	aio_bh_cancel(bh); /* not scheduled: no-op */
	aio_bh_cancel(bh);
	ASSERT_FALSE(aio_poll(ctx, false));
	ASSERT_EQ(n, 0);
	aio_bh_delete(bh); /* never scheduled */
	ASSERT_FALSE(aio_poll(ctx, false));
	ASSERT_EQ(n, 0);
}

/* Timer edge cases: delete twice, delete unarmed, free armed, past. */
static void test_timer_edges(AioContext *ctx)
{
	int n = 0;
	AioTimer *t = aio_timer_new(ctx, AIO_CLOCK_REALTIME, AIO_SCALE_NS,
				    lt_count_cb, &n);

	aio_timer_del(t);
	aio_timer_del(t);
	ASSERT_FALSE(aio_timer_pending(t));
	/* An expiry in the past fires on the next iteration. */
	aio_timer_mod(t, 1);
	ASSERT_TRUE(aio_timer_pending(t));
	ASSERT_TRUE(aio_poll(ctx, false));
	ASSERT_EQ(n, 1);
	/* A negative expiry is clamped to 0: it fires too. */
	aio_timer_mod(t, -1000);
	ASSERT_TRUE(aio_poll(ctx, false));
	ASSERT_EQ(n, 2);
	/* Freeing an armed timer disarms it. */
	aio_timer_mod(t, lt_now_ns() + 10000 * LT_MS);
	aio_timer_free(t);
	lt_drain(ctx);
	ASSERT_EQ(n, 2);
}

/*
 * Checklist 7: the last unref with a scheduled, non-deleted BH aborts (as
 * in QEMU, the check covers BHs still queued).
 */
static void test_unref_with_live_bh(AioContext *ctx)
{
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		AioContext *c = lt_context_new_on(lt_fdmon, true);
		int n = 0;

		if (!c)
			_exit(3);
		aio_bh_schedule(aio_bh_new(c, lt_count_cb, &n));
		aio_context_unref(c);
		_exit(0); /* reaching here is the failure */
	}
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGABRT)
		t_fail("unref with a live BH: expected SIGABRT, got status "
		       "0x%x", status);
}

static const struct lt_case cases[] = {
	{ "bad/param-values", test_param_values },
	{ "bad/policy-names", test_policy_names },
	{ "bad/fdmon-names", test_fdmon_names, LT_POLL },
	{ "bad/remove-missing-handlers", test_remove_missing_handlers },
	{ "bad/event-notifier-edges", test_event_notifier_edges, LT_POLL },
	{ "bad/bh-edges", test_bh_edges },
	{ "bad/timer-edges", test_timer_edges },
	{ "bad/unref-with-live-bh", test_unref_with_live_bh, LT_POLL },
};

int main(void)
{
	return lt_run(cases, ARRAY_SIZE(cases), LT_ALL);
}
