/*
 * blockcost.c: what one block and wake-up costs this loop's thread, as the
 * loop measures it on the host it runs on (the block_cost_ns and wake_ns
 * that policies get in struct poll_params).
 *
 * CPU cost (C): the thread's CPU time (CLOCK_THREAD_CPUTIME_ID) across a
 * blocking wait in the fd monitor that really slept (off CPU for at least
 * AIO_BC_MIN_OFFCPU_NS): the syscall, going to sleep, being woken and
 * scheduled back in, as charged to this thread. Sampled on the first
 * blocking wait and then on every AIO_BC_EVERY-th, so the two extra clock
 * reads (a syscall each, ~0.2 us here) cost nothing measurable.
 *
 * Wake-up delay (L): how late a wait that ended by its timeout returned
 * (wall time minus the timeout), i.e. how long the host takes to get a
 * sleeping thread running again. Only timed-out waits say it; I/O loops
 * rarely have them, so aio_context_calibrate() makes some: timed sleeps of
 * AIO_CALIB_SLEEP_NS through the context's own fd monitor (IOThreads do
 * this once when they start). The same sleeps also give C samples.
 *
 * Each estimate is the median of the last AIO_BC_RING samples (a preempted
 * or interrupted sample does not move it), 0 until the first sample.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loop/aio-internal.h"

int64_t aio_thread_cpu_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts))
		return 0;
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int64_t ring_median(const int64_t *ring, unsigned n)
{
	int64_t v[AIO_BC_RING];

	if (!n)
		return 0;
	memcpy(v, ring, n * sizeof(v[0]));
	qsort(v, n, sizeof(v[0]), cmp_i64);
	return v[n / 2];
}

static void ring_push(int64_t *ring, unsigned *n, unsigned *pos, int64_t v)
{
	ring[*pos] = v;
	*pos = (*pos + 1) % AIO_BC_RING;
	if (*n < AIO_BC_RING)
		(*n)++;
}

bool aio_blockcost_want_sample(AioContext *ctx)
{
	if (ctx->bc_calibrating)
		return true;
	if (ctx->bc_countdown) {
		ctx->bc_countdown--;
		return false;
	}
	ctx->bc_countdown = AIO_BC_EVERY - 1;
	return true;
}

/* Give the policies the current estimates (home thread). */
void aio_blockcost_apply(AioContext *ctx)
{
	if (ctx->bc_auto)
		ctx->params.block_cost_ns = ctx->bc_cpu_est;
	ctx->params.wake_ns = ctx->bc_wake_est;
}

void aio_blockcost_record(AioContext *ctx, int64_t cpu_ns, int64_t wall_ns,
			  int64_t timeout_ns, bool timed_out)
{
	bool changed = false;

	if (cpu_ns >= 0 && wall_ns - cpu_ns >= AIO_BC_MIN_OFFCPU_NS) {
		ring_push(ctx->bc_cpu, &ctx->bc_ncpu, &ctx->bc_cpu_pos, cpu_ns);
		ctx->bc_cpu_est = ring_median(ctx->bc_cpu, ctx->bc_ncpu);
		__atomic_store_n(&ctx->stats.block_cost_ns, ctx->bc_cpu_est,
				 __ATOMIC_RELAXED);
		__atomic_fetch_add(&ctx->stats.block_cost_samples, 1,
				   __ATOMIC_RELAXED);
		changed = true;
	}
	if (timed_out && timeout_ns > 0 && wall_ns >= timeout_ns) {
		ring_push(ctx->bc_wake, &ctx->bc_nwake, &ctx->bc_wake_pos,
			  wall_ns - timeout_ns);
		ctx->bc_wake_est = ring_median(ctx->bc_wake, ctx->bc_nwake);
		__atomic_store_n(&ctx->stats.wake_ns, ctx->bc_wake_est,
				 __ATOMIC_RELAXED);
		changed = true;
	}
	if (changed)
		aio_blockcost_apply(ctx);
}

static void calib_fired(void *opaque)
{
	*(bool *)opaque = true;
}

int aio_context_calibrate(AioContext *ctx, unsigned samples)
{
	AioTimer *t;
	bool fired;

	if (samples > AIO_CALIB_MAX)
		return -EINVAL;
	if (ctx->nesting)
		return -EBUSY;
	t = aio_timer_new(ctx, AIO_CLOCK_REALTIME, AIO_SCALE_NS, calib_fired,
			  &fired);
	if (!t)
		return -ENOMEM;
	ctx->bc_calibrating = true;
	for (unsigned i = 0; i < samples; i++) {
		fired = false;
		aio_timer_mod(t, aio_now_ns() + AIO_CALIB_SLEEP_NS);
		/* Other events may end a wait first: wait for the timer. */
		while (!fired)
			aio_poll(ctx, true);
	}
	ctx->bc_calibrating = false;
	aio_timer_free(t);
	return 0;
}
