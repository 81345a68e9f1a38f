/*
 * test-poll-params.c: polling parameters and adaptive busy polling
 * (docs/loop-contract.md sections 2.2-2.4 and 3, and section 13, items
 * 15-18 and 20).
 *
 * - negative parameters are rejected with -EINVAL and change nothing;
 * - with poll_max_ns 0 no io_poll callback ever runs, handlers still do;
 * - with poll_max_ns set a handler joins the poll set on its first fd
 *   event and its window grows 0 -> 4000 -> 8000 ...; a wait longer than
 *   poll_max_ns shrinks it (to 0, or divided by poll-shrink);
 * - io_poll_begin once per transition into polling, io_poll_end only when
 *   about to block, followed by exactly one more io_poll;
 * - with poll/epoll a handler without io_poll disables busy polling;
 * - a non-blocking aio_poll never busy-polls;
 * - io_poll without io_poll_ready is ignored.
 *
 * Block times are made long on purpose with a timerfd (it cannot fire
 * early), so growth and shrinking are deterministic on a noisy machine.
 */
#include <poll.h>
#include <sys/timerfd.h>

#include "tests/loop/loop-test.h"

static void test_params_einval(AioContext *ctx)
{
	int64_t max, grow, shrink;
	AioStats st;

	aio_context_get_poll_params(ctx, &max, &grow, &shrink);
	ASSERT_EQ(max, 0);
	ASSERT_EQ(grow, 0);
	ASSERT_EQ(shrink, 0);
	ASSERT_STREQ(aio_context_poll_policy_name(ctx), "qemu");

	ASSERT_EQ(aio_context_set_poll_params(ctx, 100000, 3, 4), 0);
	ASSERT_EQ(aio_context_set_poll_params(ctx, -1, 0, 0), -EINVAL);
	ASSERT_EQ(aio_context_set_poll_params(ctx, 0, -1, 0), -EINVAL);
	ASSERT_EQ(aio_context_set_poll_params(ctx, 0, 0, -1), -EINVAL);
	ASSERT_EQ(aio_context_set_poll_params(ctx, INT64_MIN, 2, 2), -EINVAL);
	aio_context_get_poll_params(ctx, &max, &grow, &shrink);
	ASSERT_EQ(max, 100000);
	ASSERT_EQ(grow, 3);
	ASSERT_EQ(shrink, 4);
	aio_context_get_poll_params(ctx, NULL, NULL, NULL);

	aio_context_get_stats(ctx, &st);
	ASSERT_EQ(st.poll_max_ns, 100000);
	ASSERT_EQ(st.poll_grow, 3);
	ASSERT_EQ(st.poll_shrink, 4);
	ASSERT_STREQ(st.fdmon, lt_fdmon);
	ASSERT_STREQ(st.policy, "qemu");

	ASSERT_EQ(aio_context_set_poll_params(ctx, INT64_MAX, 0, 0), 0);
	ASSERT_EQ(aio_context_set_poll_params(ctx, 0, 0, 0), 0);
	aio_context_get_poll_params(ctx, &max, NULL, NULL);
	ASSERT_EQ(max, 0);
}

/* Checklist 15: poll_max_ns 0 means no io_poll call at all. */
static void test_max0_never_polls(AioContext *ctx)
{
	struct lt_pollable p;
	AioHandlerStats hs;
	AioStats st;
	AioTimer *t;
	int fired = 0;

	lt_pollable_init(&p);
	lt_pollable_add(ctx, &p, true);
	t = aio_timer_new(ctx, AIO_CLOCK_REALTIME, AIO_SCALE_MS, lt_count_cb,
			  &fired);
	lt_drain(ctx);
	aio_context_reset_stats(ctx);
	for (int i = 1; i <= 10; i++) {
		p.flag = true;
		event_notifier_set(&p.e);
		ASSERT_TRUE(aio_poll(ctx, true));
		ASSERT_EQ(p.reads, i);
		lt_poll_until_timer(ctx, t, &fired);
	}
	ASSERT_EQ(p.polls, 0);
	ASSERT_EQ(p.begins, 0);
	ASSERT_EQ(p.ends, 0);
	ASSERT_EQ(p.readies, 0);
	lt_handler_stats(ctx, event_notifier_get_fd(&p.e), &hs);
	ASSERT_EQ(hs.window_ns, 0);
	ASSERT_EQ(hs.fd_events, 10);
	aio_context_get_stats(ctx, &st);
	ASSERT_EQ(st.poll_attempts, 0);
	ASSERT_EQ(st.window_ns, 0);

	aio_set_event_notifier(ctx, &p.e, NULL, NULL, NULL);
	aio_timer_free(t);
	event_notifier_cleanup(&p.e);
}

/* A timerfd handler: becomes readable a chosen time after arming. */
struct tfd {
	int fd;
	int reads, polls, readies;
};

static void tfd_consume(struct tfd *t)
{
	uint64_t v;

	if (read(t->fd, &v, sizeof(v)) != sizeof(v))
		t_fail("timerfd read: errno %d", errno);
}

static void tfd_read(void *opaque)
{
	struct tfd *t = opaque;

	tfd_consume(t);
	t->reads++;
}

static bool tfd_poll(void *opaque)
{
	struct tfd *t = opaque;
	struct pollfd pfd = { .fd = t->fd, .events = POLLIN };

	t->polls++;
	return poll(&pfd, 1, 0) == 1;
}

static void tfd_ready(void *opaque)
{
	struct tfd *t = opaque;

	tfd_consume(t);
	t->readies++;
}

static void tfd_init(AioContext *ctx, struct tfd *t)
{
	memset(t, 0, sizeof(*t));
	t->fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (t->fd < 0)
		t_fail("timerfd_create: errno %d", errno);
	aio_set_fd_handler(ctx, t->fd, tfd_read, NULL, tfd_poll, tfd_ready,
			   t);
}

static void tfd_fini(AioContext *ctx, struct tfd *t)
{
	aio_set_fd_handler(ctx, t->fd, NULL, NULL, NULL, NULL, NULL);
	close(t->fd);
}

/* Arm the timerfd delay_ns out, then poll until its event dispatched. */
static void tfd_event(AioContext *ctx, struct tfd *t, int64_t delay_ns)
{
	struct itimerspec its = {
		.it_value = { delay_ns / 1000000000LL,
			      delay_ns % 1000000000LL },
	};
	int before = t->reads + t->readies, calls = 0;

	if (timerfd_settime(t->fd, 0, &its, NULL) < 0)
		t_fail("timerfd_settime: errno %d", errno);
	while (t->reads + t->readies == before) {
		aio_poll(ctx, true);
		ASSERT_LT(++calls, 100);
	}
	ASSERT_EQ(t->reads + t->readies, before + 1);
}

static int64_t tfd_window(AioContext *ctx, struct tfd *t)
{
	AioHandlerStats hs;

	lt_handler_stats(ctx, t->fd, &hs);
	return hs.window_ns;
}

/*
 * Checklist 16 (the parts a real clock can drive): join on the first fd
 * event, 0 -> 4000 -> 8000 -> 16000 -> 32000 for waits of ~1 ms under a
 * 1 s maximum; set_poll_params resets windows; a wait above the maximum
 * resets to 0 with shrink 0 and halves with shrink 2.
 */
static void test_join_and_grow(AioContext *ctx)
{
	static const int64_t seq[] = { 4000, 8000, 16000, 32000 };
	AioHandlerStats hs;
	AioStats st;
	struct tfd t;
	int tries;

	ASSERT_EQ(aio_context_set_poll_params(ctx, 1000 * LT_MS, 0, 0), 0);
	tfd_init(ctx, &t);
	lt_drain(ctx);
	lt_handler_stats(ctx, t.fd, &hs);
	ASSERT_FALSE(hs.in_poll_set);
	ASSERT_EQ(hs.window_ns, 0);
	aio_context_reset_stats(ctx);

	for (size_t i = 0; i < ARRAY_SIZE(seq); i++) {
		tfd_event(ctx, &t, 1 * LT_MS);
		lt_handler_stats(ctx, t.fd, &hs);
		ASSERT_TRUE(hs.in_poll_set);
		ASSERT_EQ(hs.window_ns, seq[i]);
	}
	ASSERT_EQ(hs.grow_events, 4);
	ASSERT_EQ(hs.shrink_events, 0);
	ASSERT_GE(hs.fd_events, 1);
	aio_context_get_stats(ctx, &st);
	ASSERT_EQ(st.window_ns, 32000);
	ASSERT_GE(st.grow_events, 4);
	/*
	 * The window was non-zero for three waits. io_uring's need_wait is
	 * true while the re-armed POLL_ADD is unsubmitted, so it may skip
	 * busy polling (QEMU skips test-nested-aio-poll there for this).
	 */
	if (!lt_fdmon_is("io_uring"))
		ASSERT_GE(st.poll_attempts, 3);

	/*
	 * New parameters reset every window (QEMU: poll.ns = 0), once the
	 * loop has taken them (the next iteration).
	 */
	ASSERT_EQ(aio_context_set_poll_params(ctx, 500000, 0, 0), 0);
	lt_drain(ctx);
	ASSERT_EQ(tfd_window(ctx, &t), 0);

	/* Grow once with a short wait (retry while noise exceeds max). */
	for (tries = 0; tfd_window(ctx, &t) == 0 && tries < 20; tries++)
		tfd_event(ctx, &t, 100000);
	ASSERT_EQ(tfd_window(ctx, &t), 4000);
	/* A wait above poll_max_ns: shrink 0 resets the window to 0. */
	tfd_event(ctx, &t, 2 * LT_MS);
	ASSERT_EQ(tfd_window(ctx, &t), 0);
	lt_handler_stats(ctx, t.fd, &hs);
	ASSERT_GE(hs.shrink_events, 1);

	/* With shrink 2 it halves instead. */
	ASSERT_EQ(aio_context_set_poll_params(ctx, 500000, 0, 2), 0);
	lt_drain(ctx);
	ASSERT_EQ(tfd_window(ctx, &t), 0);
	for (tries = 0; tfd_window(ctx, &t) == 0 && tries < 20; tries++)
		tfd_event(ctx, &t, 100000);
	ASSERT_EQ(tfd_window(ctx, &t), 4000);
	tfd_event(ctx, &t, 2 * LT_MS);
	ASSERT_EQ(tfd_window(ctx, &t), 2000);

	tfd_fini(ctx, &t);
}

/* Get p into the poll set with a non-zero window through one fd event. */
static void pollable_join(AioContext *ctx, struct lt_pollable *p)
{
	AioHandlerStats hs;

	lt_drain(ctx);
	event_notifier_set(&p->e);
	ASSERT_TRUE(aio_poll(ctx, true));
	lt_handler_stats(ctx, event_notifier_get_fd(&p->e), &hs);
	ASSERT_TRUE(hs.in_poll_set);
	ASSERT_EQ(hs.window_ns, 4000);
	lt_log_reset(p);
}

static struct lt_pollable *timer_log;

static void log_timer_cb(void *opaque)
{
	(*(int *)opaque)++;
	lt_log(timer_log, 'T');
}

/*
 * Checklist 17: begin once per transition into polling; end only when
 * about to block, then exactly one more io_poll; polling stays on across
 * iterations that find events.
 */
static void test_begin_end(AioContext *ctx)
{
	struct lt_pollable p;
	AioTimer *t;
	int fired = 0;

	ASSERT_EQ(aio_context_set_poll_params(ctx, 1000 * LT_MS, 0, 0), 0);
	lt_pollable_init(&p);
	lt_pollable_add(ctx, &p, true);
	timer_log = &p;
	t = aio_timer_new(ctx, AIO_CLOCK_REALTIME, AIO_SCALE_MS, log_timer_cb,
			  &fired);
	pollable_join(ctx, &p);

	/* Idle: begin, poll, end, one more poll, block until the timer. */
	ASSERT_TRUE(lt_poll_until_timer(ctx, t, &fired));
	ASSERT_STREQ(p.log, "BPEPT");

	/* An event found by polling: begin, hit, ready; polling stays on. */
	lt_log_reset(&p);
	p.flag = true;
	ASSERT_TRUE(aio_poll(ctx, true));
	ASSERT_STREQ(p.log, "BPR");

	/* Again: no second begin while polling is on. */
	lt_log_reset(&p);
	p.flag = true;
	ASSERT_TRUE(aio_poll(ctx, true));
	ASSERT_STREQ(p.log, "PR");

	/* About to block: end, one more poll, then the wait. */
	lt_log_reset(&p);
	ASSERT_TRUE(lt_poll_until_timer(ctx, t, &fired));
	ASSERT_STREQ(p.log, "PEPT");

	/* A new transition gets a new begin. */
	lt_log_reset(&p);
	ASSERT_TRUE(lt_poll_until_timer(ctx, t, &fired));
	ASSERT_STREQ(p.log, "BPEPT");
	ASSERT_EQ(p.begins, 3);
	ASSERT_EQ(p.ends, 3);
	ASSERT_EQ(p.readies, 2);

	aio_set_event_notifier(ctx, &p.e, NULL, NULL, NULL);
	lt_drain(ctx);
	aio_timer_free(t);
	timer_log = NULL;
	event_notifier_cleanup(&p.e);
}

static void plain_read(EventNotifier *e)
{
	event_notifier_test_and_clear(e);
}

/*
 * Checklist 18: with poll/epoll one handler without io_poll disables busy
 * polling for every handler; removing it enables polling again. With
 * io_uring (which sees fd readiness from user space) it does not.
 */
static void test_disable_without_io_poll(AioContext *ctx)
{
	struct lt_pollable p;
	EventNotifier plain;
	AioStats st;
	AioTimer *t;
	int fired = 0, polls, begins;
	bool uring = lt_fdmon_is("io_uring");

	ASSERT_EQ(aio_context_set_poll_params(ctx, 1000 * LT_MS, 0, 0), 0);
	lt_pollable_init(&p);
	lt_pollable_add(ctx, &p, true);
	t = aio_timer_new(ctx, AIO_CLOCK_REALTIME, AIO_SCALE_MS, lt_count_cb,
			  &fired);
	pollable_join(ctx, &p);

	ASSERT_EQ(event_notifier_init(&plain, false), 0);
	aio_set_event_notifier(ctx, &plain, plain_read, NULL, NULL);
	lt_drain(ctx);
	aio_context_reset_stats(ctx);
	polls = p.polls;
	begins = p.begins;
	ASSERT_TRUE(lt_poll_until_timer(ctx, t, &fired));
	ASSERT_TRUE(lt_poll_until_timer(ctx, t, &fired));
	aio_context_get_stats(ctx, &st);
	if (uring) {
		ASSERT_GE(st.poll_attempts, 1);
		ASSERT_GT(p.polls, polls);
	} else {
		ASSERT_EQ(st.poll_attempts, 0);
		ASSERT_EQ(p.polls, polls);
		ASSERT_EQ(p.begins, begins);
	}

	/* Without the plain handler, polling is back. */
	aio_set_event_notifier(ctx, &plain, NULL, NULL, NULL);
	lt_drain(ctx);
	aio_context_reset_stats(ctx);
	polls = p.polls;
	ASSERT_TRUE(lt_poll_until_timer(ctx, t, &fired));
	aio_context_get_stats(ctx, &st);
	ASSERT_GE(st.poll_attempts, 1);
	ASSERT_GT(p.polls, polls);

	aio_set_event_notifier(ctx, &p.e, NULL, NULL, NULL);
	lt_drain(ctx);
	aio_timer_free(t);
	event_notifier_cleanup(&p.e);
	event_notifier_cleanup(&plain);
}

/* Checklist 20: a non-blocking aio_poll never busy-polls. */
static void test_nonblocking_never_polls(AioContext *ctx)
{
	struct lt_pollable p;
	AioStats st;
	int polls, n = 0;

	ASSERT_EQ(aio_context_set_poll_params(ctx, 1000 * LT_MS, 0, 0), 0);
	lt_pollable_init(&p);
	lt_pollable_add(ctx, &p, true);
	pollable_join(ctx, &p);

	aio_context_reset_stats(ctx);
	polls = p.polls;
	for (int i = 0; i < 100; i++) {
		if (i % 10 == 0)
			aio_bh_schedule_oneshot(ctx, lt_count_cb, &n);
		aio_poll(ctx, false);
	}
	ASSERT_EQ(n, 10);
	aio_context_get_stats(ctx, &st);
	ASSERT_EQ(st.poll_attempts, 0);
	ASSERT_EQ(p.polls, polls);
	ASSERT_EQ(p.begins, 0);
	ASSERT_GE(st.iterations, 100);

	aio_set_event_notifier(ctx, &p.e, NULL, NULL, NULL);
	lt_drain(ctx);
	event_notifier_cleanup(&p.e);
}

/*
 * io_poll given without io_poll_ready is dropped (docs/loop-contract.md
 * section 6.1).
 */
static void test_io_poll_needs_ready(AioContext *ctx)
{
	struct lt_pollable p;
	AioHandlerStats hs;
	AioStats st;
	AioTimer *t;
	int fired = 0;

	ASSERT_EQ(aio_context_set_poll_params(ctx, 1000 * LT_MS, 0, 0), 0);
	lt_pollable_init(&p);
	aio_set_event_notifier(ctx, &p.e, lt_pl_read, lt_pl_poll, NULL);
	t = aio_timer_new(ctx, AIO_CLOCK_REALTIME, AIO_SCALE_MS, lt_count_cb,
			  &fired);
	lt_drain(ctx);
	for (int i = 1; i <= 3; i++) {
		event_notifier_set(&p.e);
		ASSERT_TRUE(aio_poll(ctx, true));
		ASSERT_EQ(p.reads, i);
		lt_poll_until_timer(ctx, t, &fired);
	}
	ASSERT_EQ(p.polls, 0);
	lt_handler_stats(ctx, event_notifier_get_fd(&p.e), &hs);
	ASSERT_FALSE(hs.in_poll_set);
	if (!lt_fdmon_is("io_uring")) {
		aio_context_get_stats(ctx, &st);
		ASSERT_EQ(st.poll_attempts, 0);
	}
	aio_set_event_notifier(ctx, &p.e, NULL, NULL, NULL);
	lt_drain(ctx);
	aio_timer_free(t);
	event_notifier_cleanup(&p.e);
}

static const struct lt_case cases[] = {
	{ "poll/params-einval", test_params_einval },
	{ "poll/max0-never-polls", test_max0_never_polls },
	{ "poll/join-and-grow", test_join_and_grow },
	{ "poll/begin-end", test_begin_end, LT_POLL | LT_EPOLL },
	{ "poll/disable-without-io_poll", test_disable_without_io_poll },
	{ "poll/nonblocking-never-polls", test_nonblocking_never_polls },
	{ "poll/io_poll-needs-ready", test_io_poll_needs_ready },
};

int main(void)
{
	return lt_run(cases, ARRAY_SIZE(cases), LT_ALL);
}
