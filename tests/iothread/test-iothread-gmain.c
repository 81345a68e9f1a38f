/*
 * test-iothread-gmain.c: GMainLoop mode. After iothread_get_g_main_context
 * the thread runs a GMainLoop over its context: glib sources attached to
 * that GMainContext run in the IOThread (plain aio_poll never runs them),
 * BHs and timers of the context still run, and the stop BH quits the
 * GMainLoop so stop returns.
 */
#include <glib.h>
#include <pthread.h>
#include <stdatomic.h>

#include "loop/aio.h"
#include "loop/iothread.h"
#include "tests/iothread/iothread-test.h"

#ifdef __SANITIZE_THREAD__
/*
 * glib is not built with TSan, and its GMutex is a bare futex TSan cannot
 * see: a GSource allocated here and freed by glib in the IOThread (after
 * g_source_attach handed it over under that mutex) reads as a race. Ignore
 * what glib's own code does; our code stays checked.
 */
const char *__tsan_default_suppressions(void);
const char *__tsan_default_suppressions(void)
{
	return "called_from_lib:libglib-2.0.so\n";
}
#endif

struct probe {
	IOThread *t;
	atomic_int ran;
	bool is_current;
};

static void probe_bh(void *opaque)
{
	struct probe *p = opaque;

	p->is_current = iothread_is_current(p->t);
	atomic_store(&p->ran, 1);
}

static gboolean probe_idle(gpointer opaque)
{
	probe_bh(opaque);
	return G_SOURCE_REMOVE;
}

static void attach_idle(GMainContext *gc, struct probe *p)
{
	GSource *src = g_idle_source_new();

	g_source_set_callback(src, probe_idle, p, NULL);
	g_source_attach(src, gc);
	g_source_unref(src);
}

static void test_gmain(bool switch_first)
{
	struct probe bh = { 0 }, idle = { 0 }, timer = { 0 }, late = { 0 };
	GMainContext *gc;
	IOThreadInfo info;
	AioTimer *tm;
	IOThread *t;
	AioContext *ctx;

	t = iothread_create("gm", NULL, NULL, 0);
	ASSERT_NOT_NULL(t);
	ctx = iothread_get_aio_context(t);
	bh.t = idle.t = timer.t = late.t = t;
	iothread_query(t, &info);

	if (!switch_first) {
		/* Before the switch a BH runs through aio_poll. */
		aio_bh_schedule_oneshot(ctx, probe_bh, &bh);
		t_wait_flag(&bh.ran, "a BH before the switch");
		atomic_store(&bh.ran, 0);
	}
	gc = iothread_get_g_main_context(t);
	ASSERT_NOT_NULL(gc);
	ASSERT_TRUE(iothread_get_g_main_context(t) == gc);

	/* A glib source: only a running GMainLoop dispatches it. */
	attach_idle(gc, &idle);
	t_wait_flag(&idle.ran, "a glib idle source in the IOThread");
	ASSERT_TRUE(idle.is_current);

	/* The context's BHs and timers still run, via its GSource. */
	aio_bh_schedule_oneshot(ctx, probe_bh, &bh);
	t_wait_flag(&bh.ran, "a BH in GMainLoop mode");
	ASSERT_TRUE(bh.is_current);
	tm = aio_timer_new(ctx, AIO_CLOCK_REALTIME, AIO_SCALE_NS, probe_bh,
			   &timer);
	aio_timer_mod(tm, aio_clock_get_ns(AIO_CLOCK_REALTIME) + 2000000);
	t_wait_flag(&timer.ran, "a timer in GMainLoop mode");
	ASSERT_TRUE(timer.is_current);

	/* Stop quits the GMainLoop: it returns, and the thread is gone. */
	iothread_stop(t);
	ASSERT_FALSE(t_task_exists(info.thread_id));
	/* Nothing runs the loop any more. */
	attach_idle(gc, &late);
	t_sleep_ns(20000000);
	ASSERT_EQ(atomic_load(&late.ran), 0);
	aio_timer_free(tm);
	iothread_destroy(t);
}

int main(void)
{
	/* Stop fails to quit the loop: fail instead of waiting for the runner. */
	alarm(60);
	test_gmain(false);
	test_gmain(true);
	return T_EXIT_PASS;
}
