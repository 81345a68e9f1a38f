/*
 * loop-costs.c: what the loop's basic operations cost on this host. Prints
 * one machine-readable line per figure (median of 3 repetitions):
 *   empty non-blocking aio_poll; BH schedule + run in the same thread;
 *   cross-thread wake-up (aio_bh_schedule from another thread until the BH
 *   runs) with the target blocked in ppoll, and with it busy polling.
 * The waker runs on CPU 0 and the loop thread on CPU 1.
 * Compare with docs/machine.md section 2 (trivial syscall 0.17-0.20 us,
 * cross-CPU wake 21-28 us, busy-spin handoff 0.08-0.10 us).
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>

#include "loop/aio.h"

#define REPS 3

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int64_t median(int64_t *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_i64);
	return v[n / 2];
}

static int64_t now(void)
{
	return aio_clock_get_ns(AIO_CLOCK_REALTIME);
}

static void nop_bh(void *opaque)
{
}

static int64_t bench_empty_poll(int iters)
{
	AioContext *ctx = aio_context_new();
	int64_t t0;

	while (aio_poll(ctx, false))
		;
	t0 = now();
	for (int i = 0; i < iters; i++)
		aio_poll(ctx, false);
	t0 = now() - t0;
	aio_context_unref(ctx);
	return t0 / iters;
}

static int64_t bench_bh(int iters)
{
	AioContext *ctx = aio_context_new();
	AioBH *bh = aio_bh_new(ctx, nop_bh, NULL);
	int64_t t0;

	t0 = now();
	for (int i = 0; i < iters; i++) {
		aio_bh_schedule(bh);
		aio_poll(ctx, false);
	}
	t0 = now() - t0;
	aio_bh_delete(bh);
	aio_poll(ctx, false);
	aio_context_unref(ctx);
	return t0 / iters;
}

struct wake {
	AioContext *ctx;
	AioBH *bh;
	atomic_bool stop;
	atomic_llong ran_at;
};

static void wake_bh(void *opaque)
{
	struct wake *w = opaque;

	atomic_store(&w->ran_at, now());
}

/* Pin the calling thread to cpu when the host has it (else leave it). */
static void pin(int cpu)
{
	cpu_set_t set;

	if (cpu >= CPU_SETSIZE)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void *loop_thread(void *opaque)
{
	struct wake *w = opaque;

	prctl(PR_SET_TIMERSLACK, 1);
	pin(1);
	while (!atomic_load(&w->stop))
		aio_poll(w->ctx, true);
	return NULL;
}

static void stop_bh(void *opaque)
{
	struct wake *w = opaque;

	atomic_store(&w->stop, true);
}

/* Median ns from aio_bh_schedule in this thread to the BH running there. */
static int64_t bench_wake(int iters, int64_t poll_max_ns, int64_t gap_ns)
{
	struct wake w = { .ctx = aio_context_new() };
	int64_t *lat = calloc(iters, sizeof(*lat)), t0, res;
	pthread_t th;

	aio_context_set_poll_params(w.ctx, poll_max_ns, 0, 0);
	/* fixed: always poll the whole window (measures the polling path) */
	aio_context_set_poll_policy(w.ctx, poll_max_ns ? "fixed" : "qemu");
	w.bh = aio_bh_new(w.ctx, wake_bh, &w);
	pthread_create(&th, NULL, loop_thread, &w);
	for (int i = -50; i < iters; i++) {
		int64_t until = now() + gap_ns;

		while (now() < until) /* let the target settle */
			;
		atomic_store(&w.ran_at, 0);
		t0 = now();
		aio_bh_schedule(w.bh);
		while (!atomic_load(&w.ran_at))
			;
		if (i >= 0)
			lat[i] = atomic_load(&w.ran_at) - t0;
	}
	aio_bh_schedule_oneshot(w.ctx, stop_bh, &w);
	pthread_join(th, NULL);
	aio_bh_delete(w.bh);
	aio_poll(w.ctx, false);
	aio_context_unref(w.ctx);
	res = median(lat, iters);
	free(lat);
	return res;
}

static void report(const char *name, int64_t v[REPS])
{
	printf("name=%s value=%lld unit=ns reps=%d\n", name,
	       (long long)median(v, REPS), REPS);
}

int main(void)
{
	int64_t a[REPS], b[REPS], c[REPS], d[REPS];

	prctl(PR_SET_TIMERSLACK, 1);
	pin(0); /* the waker on CPU 0, the loop thread on CPU 1 */
	for (int r = 0; r < REPS; r++) {
		a[r] = bench_empty_poll(200000);
		b[r] = bench_bh(200000);
		c[r] = bench_wake(2000, 0, 50000);
		d[r] = bench_wake(2000, 1000000, 50000);
	}
	report("aio_poll_nonblocking_empty", a);
	report("bh_schedule_run_same_thread", b);
	report("cross_thread_wake_blocked", c);
	report("cross_thread_wake_polling", d);
	return 0;
}
