/*
 * test-iothread.c: IOThread lifecycle. Create runs the thread (named
 * "IO <id>", timer slack 1 ns) before returning; BHs run in it; query
 * returns QEMU's defaults; stop joins and is idempotent; destroy stops.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "loop/aio.h"
#include "loop/iothread.h"
#include "tests/iothread/iothread-test.h"

struct bh_probe {
	IOThread *t;
	atomic_int ran;
	bool is_current;
	bool on_main;
	long slack; /* the thread's timer slack, ns */
};

static pthread_t main_thread;

static void probe_bh(void *opaque)
{
	struct bh_probe *p = opaque;

	p->is_current = iothread_is_current(p->t);
	p->on_main = pthread_equal(pthread_self(), main_thread);
	p->slack = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
	atomic_store(&p->ran, 1);
}

static void test_defaults(void)
{
	char err[256] = "", buf[64];
	struct bh_probe p = { 0 };
	IOThreadInfo info;
	IOThread *t;

	t = iothread_create("t0", NULL, err, sizeof(err));
	if (!t)
		t_fail("iothread_create: %s", err);
	iothread_query(t, &info);
	ASSERT_STREQ(info.id, "t0");
	ASSERT_EQ(info.poll_max_ns, 32768);
	ASSERT_EQ(info.poll_grow, 0);
	ASSERT_EQ(info.poll_shrink, 0);
	ASSERT_EQ(info.aio_max_batch, 0);
	ASSERT_EQ(info.poll_weight, 0);
	ASSERT_STREQ(info.poll_policy, "qemu");
	/* Create returned only once the thread ran: its TID is known. */
	ASSERT_GT(info.thread_id, 0);
	ASSERT_NE(info.thread_id, getpid());
	ASSERT_TRUE(t_task_exists(info.thread_id));

	ASSERT_EQ(t_read_task_file(info.thread_id, "comm", buf, sizeof(buf)),
		  0);
	ASSERT_STREQ(buf, "IO t0");

	/* The parameters reached the thread's context. */
	t_wait_poll_params(iothread_get_aio_context(t), 32768, 0, 0);

	/* BHs scheduled from here run in the IOThread. */
	p.t = t;
	aio_bh_schedule_oneshot(iothread_get_aio_context(t), probe_bh, &p);
	t_wait_flag(&p.ran, "the oneshot BH");
	ASSERT_TRUE(p.is_current);
	ASSERT_FALSE(p.on_main);
	/* 1 ns, not the default 50 us (docs/machine.md section 3). */
	ASSERT_EQ(p.slack, 1);
	ASSERT_FALSE(iothread_is_current(t));

	/* Stop joins: the thread is gone when it returns; twice is fine. */
	iothread_stop(t);
	ASSERT_FALSE(t_task_exists(info.thread_id));
	iothread_stop(t);
	iothread_query(t, &info);
	ASSERT_STREQ(info.id, "t0");
	iothread_destroy(t);
}

static void test_long_name(void)
{
	char buf[64];
	IOThreadInfo info;
	IOThread *t;

	t = iothread_create("a-rather-long-iothread-id", NULL, NULL, 0);
	ASSERT_NOT_NULL(t);
	iothread_query(t, &info);
	ASSERT_STREQ(info.id, "a-rather-long-iothread-id");
	ASSERT_EQ(t_read_task_file(info.thread_id, "comm", buf, sizeof(buf)),
		  0);
	/* 15 characters: the kernel's limit. */
	ASSERT_STREQ(buf, "IO a-rather-lon");
	/* Destroy without stop stops and joins. */
	iothread_destroy(t);
	ASSERT_FALSE(t_task_exists(info.thread_id));
}

static void test_several(void)
{
	IOThread *t[3];
	IOThreadInfo a, b;
	char id[8];
	int i;

	for (i = 0; i < 3; i++) {
		snprintf(id, sizeof(id), "m%d", i);
		t[i] = iothread_create(id, NULL, NULL, 0);
		ASSERT_NOT_NULL(t[i]);
	}
	iothread_query(t[0], &a);
	iothread_query(t[1], &b);
	ASSERT_NE(a.thread_id, b.thread_id);
	ASSERT_TRUE(iothread_get_aio_context(t[0]) !=
		    iothread_get_aio_context(t[1]));
	for (i = 2; i >= 0; i--)
		iothread_destroy(t[i]);
}

static void test_bad_id(void)
{
	char err[128] = "";

	errno = 0;
	ASSERT_NULL(iothread_create("", NULL, err, sizeof(err)));
	ASSERT_EQ(errno, EINVAL);
	ASSERT_TRUE(strstr(err, "IOThread id") != NULL);
}

int main(void)
{
	main_thread = pthread_self();
	test_defaults();
	test_long_name();
	test_several();
	test_bad_id();
	/* Stop and destroy of NULL are no-ops. */
	iothread_stop(NULL);
	iothread_destroy(NULL);
	return T_EXIT_PASS;
}
