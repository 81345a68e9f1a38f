/*
 * test-fdmon-remove-mt: handler changes from another thread while the loop
 * thread is blocked in aio_poll(true), on each fd monitor.
 *
 * blocked-remove: a handler removed while the loop sleeps wakes the loop
 * and is never called afterwards, even though its fd then becomes
 * readable (io_uring: its POLL_ADD is still in flight at removal).
 * stress: a second thread adds, removes, replaces and writes to 80 pipes
 * while the loop runs (crossing the 64-fd epoll upgrade with poll); every
 * byte written is read exactly once, by a handler or by the final drain.
 * Run under TSan as well.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "tests/fdmon/fdmon-test.h"

static const char *const fdmons[] = { "poll", "epoll", "io_uring" };

struct loop_thread {
	AioContext *ctx;
	atomic_bool stop;
	pthread_t tid;
};

static void *loop_fn(void *opaque)
{
	struct loop_thread *lt = opaque;

	while (!atomic_load(&lt->stop))
		aio_poll(lt->ctx, true);
	return NULL;
}

static void loop_start(struct loop_thread *lt, AioContext *ctx)
{
	lt->ctx = ctx;
	atomic_init(&lt->stop, false);
	if (pthread_create(&lt->tid, NULL, loop_fn, lt) != 0)
		t_fail("pthread_create");
}

static void loop_stop(struct loop_thread *lt)
{
	atomic_store(&lt->stop, true);
	aio_notify(lt->ctx);
	pthread_join(lt->tid, NULL);
}

static uint64_t stat_iterations(AioContext *ctx)
{
	AioStats st;

	aio_context_get_stats(ctx, &st);
	return st.iterations;
}

static uint64_t stat_blocking_waits(AioContext *ctx)
{
	AioStats st;

	aio_context_get_stats(ctx, &st);
	return st.blocking_waits;
}

struct pipe_data {
	int p[2];
	atomic_int calls;
	atomic_long bytes;
};

static void pipe_read_cb(void *opaque)
{
	struct pipe_data *d = opaque;

	atomic_fetch_add(&d->calls, 1);
	atomic_fetch_add(&d->bytes, ft_drain_fd(d->p[0]));
}

static void pipe_read_cb2(void *opaque)
{
	pipe_read_cb(opaque);
}

/* Wait (bounded) until the loop has entered a blocking wait again. */
static void wait_blocked(AioContext *ctx, uint64_t after)
{
	int64_t deadline = t_now_ns() + 5000000000LL;

	while (stat_blocking_waits(ctx) <= after) {
		if (t_now_ns() > deadline)
			t_fail("the loop thread never blocked");
		t_sleep_ns(1000000);
	}
	t_sleep_ns(10000000); /* let it get into the syscall */
}

static void case_blocked_remove(AioContext *ctx)
{
	struct loop_thread lt;
	struct pipe_data d;
	uint64_t it, bw;

	memset(&d, 0, sizeof(d));
	ft_pipe(d.p);
	aio_set_fd_handler(ctx, d.p[0], pipe_read_cb, NULL, NULL, NULL, &d);
	loop_start(&lt, ctx);

	/* The handler works while the loop runs in its own thread. */
	wait_blocked(ctx, 0);
	bw = stat_blocking_waits(ctx);
	ft_write_byte(d.p[1]);
	for (int i = 0; atomic_load(&d.calls) == 0; i++) {
		if (i > 5000)
			t_fail("handler never ran in the loop thread");
		t_sleep_ns(1000000);
	}

	/* Blocked again after running it (counted before blocking). */
	wait_blocked(ctx, bw);
	it = stat_iterations(ctx);
	aio_set_fd_handler(ctx, d.p[0], NULL, NULL, NULL, NULL, NULL);
	/* Removal notifies: the blocked aio_poll returns. */
	for (int i = 0; stat_iterations(ctx) == it; i++) {
		if (i > 5000)
			t_fail("removal did not wake the blocked loop");
		t_sleep_ns(1000000);
	}
	ft_write_byte(d.p[1]);
	t_sleep_ns(50000000);
	ASSERT_EQ(atomic_load(&d.calls), 1);
	/* The loop must still be alive and well. */
	it = stat_iterations(ctx);
	aio_notify(ctx);
	for (int i = 0; stat_iterations(ctx) == it; i++) {
		if (i > 5000)
			t_fail("the loop stopped iterating");
		t_sleep_ns(1000000);
	}
	loop_stop(&lt);
	ASSERT_EQ(atomic_load(&d.calls), 1);
	ASSERT_EQ(ft_drain_fd(d.p[0]), 1);
	close(d.p[0]);
	close(d.p[1]);
}

#define NPIPES 80

static void case_stress(AioContext *ctx)
{
	static struct pipe_data d[NPIPES];
	bool reg[NPIPES] = { false };
	double secs = t_stress_seconds(0.3, 3.0);
	struct loop_thread lt;
	long written = 0, got = 0;
	unsigned seed = 777;
	int64_t end;
	int ops = 0;

	for (int i = 0; i < NPIPES; i++) {
		memset(&d[i], 0, sizeof(d[i]));
		ft_pipe(d[i].p);
		if (i < 60) {
			aio_set_fd_handler(ctx, d[i].p[0], pipe_read_cb, NULL,
					   NULL, NULL, &d[i]);
			reg[i] = true;
		}
	}
	loop_start(&lt, ctx);
	end = t_now_ns() + (int64_t)(secs * 1e9);
	while (t_now_ns() < end || ops < 2000) {
		int i = rand_r(&seed) % NPIPES;

		switch (rand_r(&seed) % 4) {
		case 0:
			aio_set_fd_handler(ctx, d[i].p[0], pipe_read_cb, NULL,
					   NULL, NULL, &d[i]);
			reg[i] = true;
			break;
		case 1:
			aio_set_fd_handler(ctx, d[i].p[0], NULL, NULL, NULL,
					   NULL, NULL);
			reg[i] = false;
			break;
		case 2:
			if (reg[i])
				aio_set_fd_handler(ctx, d[i].p[0],
						   pipe_read_cb2, NULL, NULL,
						   NULL, &d[i]);
			break;
		default:
			ft_write_byte(d[i].p[1]);
			written++;
			break;
		}
		if (++ops % 64 == 0)
			t_sleep_ns(100000);
	}
	/* Everything registered gets drained by the loop. */
	for (int i = 0; i < NPIPES; i++) {
		if (!reg[i])
			aio_set_fd_handler(ctx, d[i].p[0], pipe_read_cb, NULL,
					   NULL, NULL, &d[i]);
	}
	for (int tries = 0;; tries++) {
		long sum = 0;

		for (int i = 0; i < NPIPES; i++)
			sum += atomic_load(&d[i].bytes);
		if (sum == written)
			break;
		if (tries > 5000)
			t_fail("handlers read %ld of %ld bytes", sum, written);
		t_sleep_ns(1000000);
	}
	loop_stop(&lt);
	for (int i = 0; i < NPIPES; i++) {
		aio_set_fd_handler(ctx, d[i].p[0], NULL, NULL, NULL, NULL,
				   NULL);
		got += atomic_load(&d[i].bytes) + ft_drain_fd(d[i].p[0]);
		close(d[i].p[0]);
		close(d[i].p[1]);
	}
	ASSERT_EQ(got, written);
	printf("  %d changes, %ld bytes, monitor now %s\n", ops, written,
	       aio_context_fdmon_name(ctx));
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t m = 0; m < ARRAY_SIZE(fdmons); m++) {
		AioContext *ctx = ft_context_new(fdmons[m]);

		if (!ctx)
			continue;
		ft_begin(fdmons[m], "blocked-remove", 30);
		case_blocked_remove(ctx);
		ft_end();
		aio_context_unref(ctx);

		ctx = ft_context_new(fdmons[m]);
		ASSERT_NOT_NULL(ctx);
		ft_begin(fdmons[m], "stress", 60);
		case_stress(ctx);
		ft_end();
		aio_context_unref(ctx);
	}
	return T_EXIT_PASS;
}
