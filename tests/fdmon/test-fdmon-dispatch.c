/*
 * test-fdmon-dispatch: each fd monitor (poll, epoll, io_uring) dispatches
 * handlers on readiness, level-triggered; write and hang-up events; a
 * replaced handler only calls its new callbacks; a removed one is never
 * called; 100 event notifiers with random sets each run exactly when set;
 * the monitor's name is what the statistics record.
 */
#include <stdlib.h>

#include "tests/fdmon/fdmon-test.h"

static const char *const fdmons[] = { "poll", "epoll", "io_uring" };

struct pipe_data {
	int p[2];
	int reads, writes;
	bool drain;   /* the read callback empties the pipe */
	int tag;      /* which registration ran (replace case) */
	int last_tag;
};

static void pipe_read_cb(void *opaque)
{
	struct pipe_data *d = opaque;

	d->reads++;
	if (d->drain)
		ft_drain_fd(d->p[0]);
}

static void pipe_tag_cb(void *opaque)
{
	struct pipe_data *d = opaque;

	d->reads++;
	d->last_tag = d->tag;
	ft_drain_fd(d->p[0]);
}

static void pipe_write_cb(void *opaque)
{
	struct pipe_data *d = opaque;

	d->writes++;
}

/* Readiness, and level triggering: an undrained fd is reported again. */
static void case_readiness(AioContext *ctx)
{
	struct pipe_data d = { .drain = false };

	ft_pipe(d.p);
	aio_set_fd_handler(ctx, d.p[0], pipe_read_cb, NULL, NULL, NULL, &d);
	ft_drain(ctx);
	ASSERT_EQ(d.reads, 0);
	ASSERT_FALSE(aio_poll(ctx, false));

	ft_write_byte(d.p[1]);
	ASSERT_TRUE(aio_poll(ctx, true));
	ASSERT_EQ(d.reads, 1);
	/* Not drained: still readable, so reported again (level). */
	ASSERT_TRUE(aio_poll(ctx, false));
	ASSERT_EQ(d.reads, 2);
	ASSERT_TRUE(aio_poll(ctx, true));
	ASSERT_EQ(d.reads, 3);

	d.drain = true;
	ASSERT_TRUE(aio_poll(ctx, false));
	ASSERT_EQ(d.reads, 4);
	ASSERT_FALSE(aio_poll(ctx, false));
	ASSERT_EQ(d.reads, 4);

	/* Again after an idle round. */
	ft_write_byte(d.p[1]);
	ft_write_byte(d.p[1]);
	ASSERT_TRUE(aio_poll(ctx, true));
	ASSERT_EQ(d.reads, 5);
	ASSERT_FALSE(aio_poll(ctx, false));

	aio_set_fd_handler(ctx, d.p[0], NULL, NULL, NULL, NULL, NULL);
	close(d.p[0]);
	close(d.p[1]);
}

/* io_write on a writable fd; hang-up reaches io_read. */
static void case_write_and_hup(AioContext *ctx)
{
	struct pipe_data d = { .drain = true };

	ft_pipe(d.p);
	aio_set_fd_handler(ctx, d.p[1], NULL, pipe_write_cb, NULL, NULL, &d);
	ASSERT_TRUE(aio_poll(ctx, false));
	ASSERT_EQ(d.writes, 1);
	ASSERT_TRUE(aio_poll(ctx, true));
	ASSERT_EQ(d.writes, 2);
	aio_set_fd_handler(ctx, d.p[1], NULL, NULL, NULL, NULL, NULL);
	ASSERT_FALSE(aio_poll(ctx, false));
	ASSERT_EQ(d.writes, 2);

	aio_set_fd_handler(ctx, d.p[0], pipe_read_cb, NULL, NULL, NULL, &d);
	ASSERT_FALSE(aio_poll(ctx, false));
	close(d.p[1]);
	ASSERT_TRUE(aio_poll(ctx, true));
	ASSERT_GE(d.reads, 1);
	aio_set_fd_handler(ctx, d.p[0], NULL, NULL, NULL, NULL, NULL);
	ASSERT_FALSE(aio_poll(ctx, false));
	close(d.p[0]);
}

/* Replacing a handler, before and after it was armed in a wait. */
static void case_replace(AioContext *ctx)
{
	struct pipe_data a = { 0 }, b = { 0 };

	ft_pipe(a.p);
	b.p[0] = a.p[0];
	b.p[1] = a.p[1];
	a.tag = 1;
	b.tag = 2;

	/* Never waited on as "a": replaced at once. */
	aio_set_fd_handler(ctx, a.p[0], pipe_tag_cb, NULL, NULL, NULL, &a);
	aio_set_fd_handler(ctx, a.p[0], pipe_tag_cb, NULL, NULL, NULL, &b);
	ft_write_byte(a.p[1]);
	ASSERT_TRUE(aio_poll(ctx, true));
	ASSERT_EQ(a.reads, 0);
	ASSERT_EQ(b.reads, 1);
	ASSERT_EQ(b.last_tag, 2);
	ASSERT_FALSE(aio_poll(ctx, false));

	/* "b" is armed now (waited on); replace it by "a". */
	aio_set_fd_handler(ctx, a.p[0], pipe_tag_cb, NULL, NULL, NULL, &a);
	ASSERT_FALSE(aio_poll(ctx, false));
	ft_write_byte(a.p[1]);
	ASSERT_TRUE(aio_poll(ctx, true));
	ASSERT_EQ(a.reads, 1);
	ASSERT_EQ(a.last_tag, 1);
	ASSERT_EQ(b.reads, 1);

	/* Readable at the moment of the switch. */
	ft_write_byte(a.p[1]);
	aio_set_fd_handler(ctx, a.p[0], pipe_tag_cb, NULL, NULL, NULL, &b);
	ASSERT_TRUE(aio_poll(ctx, true));
	ASSERT_EQ(a.reads, 1);
	ASSERT_EQ(b.reads, 2);
	ft_drain(ctx);

	aio_set_fd_handler(ctx, a.p[0], NULL, NULL, NULL, NULL, NULL);
	close(a.p[0]);
	close(a.p[1]);
}

/* A handler removed while readable (and armed) is never called. */
static void case_remove(AioContext *ctx)
{
	struct pipe_data d[8];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(d); i++) {
		memset(&d[i], 0, sizeof(d[i]));
		d[i].drain = true;
		ft_pipe(d[i].p);
		aio_set_fd_handler(ctx, d[i].p[0], pipe_read_cb, NULL, NULL,
				   NULL, &d[i]);
	}
	ASSERT_FALSE(aio_poll(ctx, false)); /* armed, nothing ready */
	for (i = 0; i < ARRAY_SIZE(d); i++) {
		ft_write_byte(d[i].p[1]);
		if (i % 2)
			aio_set_fd_handler(ctx, d[i].p[0], NULL, NULL, NULL,
					   NULL, NULL);
	}
	ft_drain(ctx);
	for (i = 0; i < ARRAY_SIZE(d); i++)
		ASSERT_EQ(d[i].reads, i % 2 ? 0 : 1);
	for (i = 0; i < ARRAY_SIZE(d); i++)
		ft_write_byte(d[i].p[1]);
	ASSERT_TRUE(aio_poll(ctx, true));
	ft_drain(ctx);
	for (i = 0; i < ARRAY_SIZE(d); i++) {
		ASSERT_EQ(d[i].reads, i % 2 ? 0 : 2);
		aio_set_fd_handler(ctx, d[i].p[0], NULL, NULL, NULL, NULL,
				   NULL);
		close(d[i].p[0]);
		close(d[i].p[1]);
	}
}

#define NNOTIFIERS 100

struct notifier_data {
	EventNotifier e;
	int calls;
};

static void notifier_cb(EventNotifier *e)
{
	struct notifier_data *d = (struct notifier_data *)e;

	if (!event_notifier_test_and_clear(e))
		t_fail("notifier handler called while clear");
	d->calls++;
}

/* 100 notifiers, random subsets set: exactly those run, once each. */
static void case_many_notifiers(AioContext *ctx, const char *name)
{
	static struct notifier_data d[NNOTIFIERS];
	int expect[NNOTIFIERS] = { 0 };
	unsigned seed = 12345;
	int i, round;

	for (i = 0; i < NNOTIFIERS; i++) {
		d[i].calls = 0;
		if (event_notifier_init(&d[i].e, false) < 0)
			t_fail("event_notifier_init: errno %d", errno);
		aio_set_event_notifier(ctx, &d[i].e, notifier_cb, NULL, NULL);
	}
	for (round = 0; round < 30; round++) {
		int nset = 0;

		for (i = 0; i < NNOTIFIERS; i++) {
			if (rand_r(&seed) % 3 == 0) {
				event_notifier_set(&d[i].e);
				expect[i]++;
				nset++;
			}
		}
		if (nset)
			ASSERT_TRUE(aio_poll(ctx, true));
		ft_drain(ctx);
		for (i = 0; i < NNOTIFIERS; i++)
			if (d[i].calls != expect[i])
				t_fail("round %d notifier %d: %d calls, "
				       "expected %d", round, i, d[i].calls,
				       expect[i]);
	}
	/* poll hands over to epoll at 64 fds; the others keep theirs. */
	ASSERT_STREQ(aio_context_fdmon_name(ctx),
		     strcmp(name, "poll") ? name : "epoll");
	for (i = 0; i < NNOTIFIERS; i++) {
		aio_set_event_notifier(ctx, &d[i].e, NULL, NULL, NULL);
		event_notifier_cleanup(&d[i].e);
	}
	ASSERT_FALSE(aio_poll(ctx, false));
}

/* Removal of half the notifiers while all are set. */
static void case_many_remove(AioContext *ctx)
{
	static struct notifier_data d[NNOTIFIERS];
	int i;

	for (i = 0; i < NNOTIFIERS; i++) {
		d[i].calls = 0;
		if (event_notifier_init(&d[i].e, false) < 0)
			t_fail("event_notifier_init: errno %d", errno);
		aio_set_event_notifier(ctx, &d[i].e, notifier_cb, NULL, NULL);
	}
	ASSERT_FALSE(aio_poll(ctx, false));
	for (i = 0; i < NNOTIFIERS; i++)
		event_notifier_set(&d[i].e);
	for (i = 0; i < NNOTIFIERS; i += 2)
		aio_set_event_notifier(ctx, &d[i].e, NULL, NULL, NULL);
	ft_drain(ctx);
	for (i = 0; i < NNOTIFIERS; i++) {
		ASSERT_EQ(d[i].calls, i % 2);
		if (i % 2)
			aio_set_event_notifier(ctx, &d[i].e, NULL, NULL, NULL);
		event_notifier_cleanup(&d[i].e);
	}
}

int main(void)
{
	int ran = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t m = 0; m < ARRAY_SIZE(fdmons); m++) {
		const char *name = fdmons[m];
		static const struct {
			const char *name;
			void (*fn)(AioContext *ctx);
		} cases[] = {
			{ "readiness", case_readiness },
			{ "write-and-hup", case_write_and_hup },
			{ "replace", case_replace },
			{ "remove", case_remove },
			{ "many-remove", case_many_remove },
		};
		AioContext *ctx = ft_context_new(name);

		if (!ctx)
			continue;
		ran++;
		ft_begin(name, "stats-name", 10);
		ASSERT_STREQ(aio_context_fdmon_name(ctx), name);
		ASSERT_STREQ(ft_stats_fdmon(ctx), name);
		ft_end();
		aio_context_unref(ctx);

		for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
			ctx = ft_context_new(name);
			ASSERT_NOT_NULL(ctx);
			ft_begin(name, cases[i].name, 30);
			cases[i].fn(ctx);
			ft_end();
			aio_context_unref(ctx);
		}
		ctx = ft_context_new(name);
		ASSERT_NOT_NULL(ctx);
		ft_begin(name, "many-notifiers", 30);
		case_many_notifiers(ctx, name);
		ASSERT_STREQ(ft_stats_fdmon(ctx), aio_context_fdmon_name(ctx));
		ft_end();
		aio_context_unref(ctx);
	}
	if (ran < 2)
		t_fail("poll and epoll must always be available");
	return T_EXIT_PASS;
}
