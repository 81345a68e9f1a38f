/*
 * test-fdmon-gsource: each fd monitor under glib (the context attached as
 * a GSource to a private GMainContext). A handler registered before the
 * first, blocking, glib iteration is woken by another thread's write
 * (io_uring: its POLL_ADD must be armed before glib sleeps on the ring
 * fd); a removed handler is not called; the poll monitor's upgrade to
 * epoll happens under glib too, and every notifier still runs once.
 */
#include <glib.h>
#include <pthread.h>

#include "tests/fdmon/fdmon-test.h"

static const char *const fdmons[] = { "poll", "epoll", "io_uring" };

static GMainContext *gc;

static GSource *attach(AioContext *ctx)
{
	GSource *src = aio_get_g_source(ctx);

	gc = g_main_context_new();
	g_source_attach(src, gc);
	return src;
}

static void detach(GSource *src)
{
	g_source_destroy(src);
	g_source_unref(src);
	g_main_context_unref(gc);
	gc = NULL;
}

static void gdrain(void)
{
	for (int i = 0; g_main_context_iteration(gc, FALSE); i++)
		if (i > 1000)
			t_fail("glib iteration still busy after 1000");
}

struct pipe_data {
	int p[2];
	int calls;
};

static void pipe_read_cb(void *opaque)
{
	struct pipe_data *d = opaque;

	d->calls++;
	ft_drain_fd(d->p[0]);
}

static void *late_writer(void *opaque)
{
	t_sleep_ns(50000000);
	ft_write_byte(*(int *)opaque);
	return NULL;
}

static void case_first_blocking(const char *name)
{
	AioContext *ctx = ft_context_new(name);
	struct pipe_data d = { .calls = 0 };
	pthread_t tid;
	GSource *src;

	if (!ctx)
		return;
	ft_pipe(d.p);
	aio_set_fd_handler(ctx, d.p[0], pipe_read_cb, NULL, NULL, NULL, &d);
	src = attach(ctx);
	pthread_create(&tid, NULL, late_writer, &d.p[1]);
	while (d.calls == 0)
		g_main_context_iteration(gc, TRUE); /* watchdog if stuck */
	pthread_join(tid, NULL);
	ASSERT_EQ(d.calls, 1);

	/* And again, after the first dispatch (re-armed before sleeping). */
	pthread_create(&tid, NULL, late_writer, &d.p[1]);
	while (d.calls == 1)
		g_main_context_iteration(gc, TRUE);
	pthread_join(tid, NULL);
	ASSERT_EQ(d.calls, 2);

	/* Removed: never called again. */
	aio_set_fd_handler(ctx, d.p[0], NULL, NULL, NULL, NULL, NULL);
	ft_write_byte(d.p[1]);
	gdrain();
	ASSERT_EQ(d.calls, 2);
	detach(src);
	aio_context_unref(ctx);
	close(d.p[0]);
	close(d.p[1]);
}

#define NNOT 70

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

static void case_many(const char *name)
{
	static struct notifier_data nd[NNOT];
	AioContext *ctx = ft_context_new(name);
	GSource *src;
	int i, round;

	if (!ctx)
		return;
	src = attach(ctx);
	for (i = 0; i < NNOT; i++) {
		nd[i].calls = 0;
		if (event_notifier_init(&nd[i].e, false) < 0)
			t_fail("event_notifier_init");
		aio_set_event_notifier(ctx, &nd[i].e, notifier_cb, NULL, NULL);
	}
	gdrain();
	for (round = 1; round <= 3; round++) {
		for (i = 0; i < NNOT; i++)
			event_notifier_set(&nd[i].e);
		g_main_context_iteration(gc, TRUE);
		gdrain();
		for (i = 0; i < NNOT; i++)
			if (nd[i].calls != round)
				t_fail("round %d: notifier %d ran %d times",
				       round, i, nd[i].calls);
	}
	ASSERT_STREQ(aio_context_fdmon_name(ctx),
		     strcmp(name, "poll") ? name : "epoll");
	for (i = 0; i < NNOT; i++) {
		aio_set_event_notifier(ctx, &nd[i].e, NULL, NULL, NULL);
		event_notifier_cleanup(&nd[i].e);
	}
	gdrain();
	detach(src);
	aio_context_unref(ctx);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t m = 0; m < ARRAY_SIZE(fdmons); m++) {
		ft_begin(fdmons[m], "gsource/first-blocking", 20);
		case_first_blocking(fdmons[m]);
		ft_end();
		ft_begin(fdmons[m], "gsource/many", 20);
		case_many(fdmons[m]);
		ft_end();
	}
	return T_EXIT_PASS;
}
