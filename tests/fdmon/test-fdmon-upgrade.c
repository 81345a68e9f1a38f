/*
 * test-fdmon-upgrade: the poll monitor hands over to epoll at 64 fds (the
 * context's own notifier counts), never from a nested aio_poll; epoll
 * falls back to poll for good when epoll_ctl refuses an fd (a regular
 * file: EPERM), and the context keeps working; the name in the statistics
 * follows every switch.
 */
#include "tests/fdmon/fdmon-test.h"

#define MAXN 80

struct notifier_data {
	EventNotifier e;
	int calls;
};

static struct notifier_data nd[MAXN];

static void notifier_cb(EventNotifier *e)
{
	struct notifier_data *d = (struct notifier_data *)e;

	if (!event_notifier_test_and_clear(e))
		t_fail("notifier handler called while clear");
	d->calls++;
}

static void add_notifiers(AioContext *ctx, int from, int to)
{
	for (int i = from; i < to; i++) {
		nd[i].calls = 0;
		if (event_notifier_init(&nd[i].e, false) < 0)
			t_fail("event_notifier_init: errno %d", errno);
		aio_set_event_notifier(ctx, &nd[i].e, notifier_cb, NULL, NULL);
	}
}

static void remove_notifiers(AioContext *ctx, int from, int to)
{
	for (int i = from; i < to; i++) {
		aio_set_event_notifier(ctx, &nd[i].e, NULL, NULL, NULL);
		event_notifier_cleanup(&nd[i].e);
	}
}

/* Set every notifier in [from, to); each must run exactly once. */
static void check_all_dispatch(AioContext *ctx, int from, int to)
{
	for (int i = from; i < to; i++) {
		nd[i].calls = 0;
		event_notifier_set(&nd[i].e);
	}
	ASSERT_TRUE(aio_poll(ctx, true));
	ft_drain(ctx);
	for (int i = from; i < to; i++)
		if (nd[i].calls != 1)
			t_fail("notifier %d ran %d times", i, nd[i].calls);
}

/* 63 fds stay on poll; the 64th switches to epoll at the next wait. */
static void case_threshold(void)
{
	AioContext *ctx = ft_context_new("poll");

	add_notifiers(ctx, 0, 62); /* + the context's notifier = 63 */
	ft_drain(ctx);
	check_all_dispatch(ctx, 0, 62);
	ASSERT_STREQ(aio_context_fdmon_name(ctx), "poll");
	ASSERT_STREQ(ft_stats_fdmon(ctx), "poll");

	add_notifiers(ctx, 62, 63); /* 64 */
	ASSERT_STREQ(aio_context_fdmon_name(ctx), "poll");
	ASSERT_FALSE(aio_poll(ctx, false));
	ASSERT_STREQ(aio_context_fdmon_name(ctx), "epoll");
	ASSERT_STREQ(ft_stats_fdmon(ctx), "epoll");
	check_all_dispatch(ctx, 0, 63);

	/* No way back down when fds go away. */
	remove_notifiers(ctx, 10, 63);
	check_all_dispatch(ctx, 0, 10);
	ASSERT_STREQ(aio_context_fdmon_name(ctx), "epoll");
	/* Added after the upgrade: registered with epoll_ctl. */
	add_notifiers(ctx, 10, 20);
	check_all_dispatch(ctx, 0, 20);
	remove_notifiers(ctx, 0, 20);
	aio_context_unref(ctx);
}

/* fds without events (io_poll only) do not count towards the 64. */
static bool poll_never(void *opaque)
{
	return false;
}

static void noop_cb(void *opaque)
{
}

static void case_events_only(void)
{
	AioContext *ctx = ft_context_new("poll");
	int p[10][2];

	add_notifiers(ctx, 0, 60); /* 61 with events */
	for (int i = 0; i < 10; i++) {
		ft_pipe(p[i]);
		aio_set_fd_handler(ctx, p[i][0], NULL, NULL, poll_never,
				   noop_cb, NULL);
	}
	ft_drain(ctx);
	check_all_dispatch(ctx, 0, 60);
	ASSERT_STREQ(aio_context_fdmon_name(ctx), "poll");
	for (int i = 0; i < 10; i++) {
		aio_set_fd_handler(ctx, p[i][0], NULL, NULL, NULL, NULL, NULL);
		close(p[i][0]);
		close(p[i][1]);
	}
	remove_notifiers(ctx, 0, 60);
	aio_context_unref(ctx);
}

/* A nested aio_poll that sees 64 fds must not switch. */
static AioContext *nest_ctx;
static const char *nested_name;
static int nested_calls;

static void nesting_cb(EventNotifier *e)
{
	event_notifier_test_and_clear(e);
	nested_calls++;
	add_notifiers(nest_ctx, 61, 63); /* 65 fds */
	aio_poll(nest_ctx, false);
	aio_poll(nest_ctx, false);
	nested_name = aio_context_fdmon_name(nest_ctx);
}

static void case_nested(void)
{
	AioContext *ctx = ft_context_new("poll");
	EventNotifier trigger;

	nest_ctx = ctx;
	add_notifiers(ctx, 0, 61); /* 62 with the context's */
	if (event_notifier_init(&trigger, false) < 0)
		t_fail("event_notifier_init");
	aio_set_event_notifier(ctx, &trigger, nesting_cb, NULL, NULL); /* 63 */
	ft_drain(ctx);
	ASSERT_STREQ(aio_context_fdmon_name(ctx), "poll");

	event_notifier_set(&trigger);
	ASSERT_TRUE(aio_poll(ctx, true));
	ASSERT_EQ(nested_calls, 1);
	ASSERT_STREQ(nested_name, "poll");
	ASSERT_STREQ(aio_context_fdmon_name(ctx), "poll");
	/* The next outermost wait does it. */
	aio_poll(ctx, false);
	ASSERT_STREQ(aio_context_fdmon_name(ctx), "epoll");
	check_all_dispatch(ctx, 0, 63);

	aio_set_event_notifier(ctx, &trigger, NULL, NULL, NULL);
	event_notifier_cleanup(&trigger);
	remove_notifiers(ctx, 0, 63);
	aio_context_unref(ctx);
}

struct file_data {
	int fd;
	int calls;
};

static void file_read_cb(void *opaque)
{
	((struct file_data *)opaque)->calls++;
}

/* Chosen directly: a regular file makes epoll_ctl fail; poll goes on. */
static void case_ctl_failure_direct(void)
{
	AioContext *ctx = ft_context_new("epoll");
	struct file_data f = { .fd = ft_regular_file() };

	add_notifiers(ctx, 0, 4);
	check_all_dispatch(ctx, 0, 4);
	ASSERT_STREQ(aio_context_fdmon_name(ctx), "epoll");

	aio_set_fd_handler(ctx, f.fd, file_read_cb, NULL, NULL, NULL, &f);
	ASSERT_STREQ(aio_context_fdmon_name(ctx), "poll");
	ASSERT_STREQ(ft_stats_fdmon(ctx), "poll");
	/* poll(2) reports a regular file always readable. */
	ASSERT_TRUE(aio_poll(ctx, false));
	ASSERT_EQ(f.calls, 1);
	ASSERT_TRUE(aio_poll(ctx, true));
	ASSERT_EQ(f.calls, 2);
	aio_set_fd_handler(ctx, f.fd, NULL, NULL, NULL, NULL, NULL);
	ASSERT_FALSE(aio_poll(ctx, false));
	check_all_dispatch(ctx, 0, 4);
	ASSERT_EQ(f.calls, 2);

	/* For good: 70 fds later it is still poll. */
	add_notifiers(ctx, 4, 70);
	check_all_dispatch(ctx, 0, 70);
	ASSERT_STREQ(aio_context_fdmon_name(ctx), "poll");
	remove_notifiers(ctx, 0, 70);
	close(f.fd);
	aio_context_unref(ctx);
}

/* Reached by the upgrade, then a regular file: back to poll for good. */
static void case_ctl_failure_after_upgrade(void)
{
	AioContext *ctx = ft_context_new("poll");
	struct file_data f = { .fd = ft_regular_file() };

	add_notifiers(ctx, 0, 70);
	check_all_dispatch(ctx, 0, 70);
	ASSERT_STREQ(aio_context_fdmon_name(ctx), "epoll");

	aio_set_fd_handler(ctx, f.fd, file_read_cb, NULL, NULL, NULL, &f);
	ASSERT_STREQ(aio_context_fdmon_name(ctx), "poll");
	ASSERT_TRUE(aio_poll(ctx, false));
	ASSERT_EQ(f.calls, 1);
	aio_set_fd_handler(ctx, f.fd, NULL, NULL, NULL, NULL, NULL);
	check_all_dispatch(ctx, 0, 70);
	ASSERT_STREQ(aio_context_fdmon_name(ctx), "poll");
	ASSERT_STREQ(ft_stats_fdmon(ctx), "poll");
	remove_notifiers(ctx, 0, 70);
	close(f.fd);
	aio_context_unref(ctx);
}

/* The upgrade itself meets the regular file: it stays on poll. */
static void case_upgrade_refused(void)
{
	AioContext *ctx = ft_context_new("poll");
	struct file_data f = { .fd = ft_regular_file() };

	aio_set_fd_handler(ctx, f.fd, file_read_cb, NULL, NULL, NULL, &f);
	add_notifiers(ctx, 0, 70);
	ASSERT_TRUE(aio_poll(ctx, false));
	ASSERT_EQ(f.calls, 1);
	ASSERT_STREQ(aio_context_fdmon_name(ctx), "poll");
	aio_set_fd_handler(ctx, f.fd, NULL, NULL, NULL, NULL, NULL);
	check_all_dispatch(ctx, 0, 70);
	ASSERT_STREQ(aio_context_fdmon_name(ctx), "poll");
	remove_notifiers(ctx, 0, 70);
	close(f.fd);
	aio_context_unref(ctx);
}

/* io_uring polls regular files like poll(2) does: no fallback. */
static void case_io_uring_regular_file(void)
{
	AioContext *ctx = ft_context_new("io_uring");
	struct file_data f = { .fd = ft_regular_file() };

	if (!ctx) {
		close(f.fd);
		return;
	}
	aio_set_fd_handler(ctx, f.fd, file_read_cb, NULL, NULL, NULL, &f);
	ASSERT_TRUE(aio_poll(ctx, false));
	ASSERT_TRUE(aio_poll(ctx, true));
	ASSERT_EQ(f.calls, 2);
	ASSERT_STREQ(aio_context_fdmon_name(ctx), "io_uring");
	aio_set_fd_handler(ctx, f.fd, NULL, NULL, NULL, NULL, NULL);
	ft_drain(ctx);
	ASSERT_EQ(f.calls, 2);
	close(f.fd);
	aio_context_unref(ctx);
}

int main(void)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} cases[] = {
		{ "threshold", case_threshold },
		{ "events-only", case_events_only },
		{ "nested", case_nested },
		{ "ctl-failure-direct", case_ctl_failure_direct },
		{ "ctl-failure-after-upgrade", case_ctl_failure_after_upgrade },
		{ "upgrade-refused", case_upgrade_refused },
		{ "io_uring-regular-file", case_io_uring_regular_file },
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		ft_begin("upgrade", cases[i].name, 30);
		cases[i].fn();
		ft_end();
	}
	return T_EXIT_PASS;
}
