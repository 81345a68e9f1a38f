/*
 * test-virtio-ring.c: the virtio front end under stress, in an AioContext
 * run by this thread (the IOThread) with the front end's guest thread, and
 * a test engine that completes every request from a BH and checks that no
 * request is queued twice.
 * - no lost or duplicated request: with random guest think times and
 *   iodepth 1 and 8, everything the guest submitted was taken off the
 *   ring once, queued once, completed once and consumed once, with the
 *   right tag (bad_completions 0), both with and without polling;
 * - kicks are suppressed while the IOThread polls: with poll-max-ns 0
 *   every QD1 request kicks; with polling on, only requests taken outside
 *   polling (plus one race per poll session boundary) do;
 * - calls likewise: at most one per time the guest armed used_event, none
 *   for what a polling guest (guest_poll_ns) found by spinning.
 * Runs under TSan as well (TSAN_TESTS).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tests/lib/test.h"
#include "workloads/frontend-virtio.h"

#define MAX_DEPTH 64

/* ---- a test engine: completes from a BH, checks for double queueing ---- */

struct nulleng {
	AioBH *bh;
	struct wl_io *list;
	bool inflight[MAX_DEPTH];
	uint64_t queued, completed, dups;
};

static void null_bh(void *opaque)
{
	struct wl_engine *e = opaque;
	struct nulleng *n = e->priv;
	struct wl_io *list = n->list;

	n->list = NULL;
	while (list) {
		struct wl_io *io = list;

		list = io->next;
		n->inflight[io->slot] = false;
		n->completed++;
		io->result = io->len;
		e->complete(io, e->opaque);
	}
}

static int null_init(struct wl_engine *e)
{
	struct nulleng *n = calloc(1, sizeof(*n));

	n->bh = aio_bh_new(e->ctx, null_bh, e);
	e->priv = n;
	e->size = 1 << 20;
	e->align = 512;
	e->mem_align = 4096;
	return 0;
}

static enum wl_q_ret null_queue(struct wl_engine *e, struct wl_io *io)
{
	struct nulleng *n = e->priv;

	if (io->slot >= MAX_DEPTH || n->inflight[io->slot])
		n->dups++;
	else
		n->inflight[io->slot] = true;
	n->queued++;
	io->next = n->list;
	n->list = io;
	aio_bh_schedule(n->bh);
	return WL_Q_QUEUED;
}

static void null_cleanup(struct wl_engine *e)
{
	struct nulleng *n = e->priv;

	aio_bh_delete(n->bh);
	free(n);
}

static const struct wl_engine_ops null_ops = {
	.name = "test-null",
	.init = null_init,
	.queue = null_queue,
	.cleanup = null_cleanup,
};

/* ---- one run ------------------------------------------------------------- */

extern const struct wl_frontend_ops wl_frontend_virtio;

struct outcome {
	struct wl_virtio_counts c;
	uint64_t queued, completed, dups, accounted;
};

static void run(uint32_t depth, const char *think, int64_t poll_max_ns,
		int64_t guest_poll_ns, double seconds, struct outcome *out)
{
	AioContext *ctx = aio_context_new();
	struct wl_engine e;
	struct wl_stats stats;
	struct wl_hist guest_lat;
	struct wl_job job;
	struct wl_fe fe;
	struct nulleng *n;
	int64_t end, give_up;

	ASSERT_NOT_NULL(ctx);
	ASSERT_EQ(aio_context_set_poll_params(ctx, poll_max_ns, 0, 0), 0);
	wl_job_init(&job);
	strcpy(job.frontend, "virtio");
	job.iodepth = depth;
	job.bs = 4096;
	job.guest_poll_ns = guest_poll_ns;
	snprintf(job.guest_think, sizeof(job.guest_think), "%s", think);
	ASSERT_EQ(wl_frontend_virtio.check(&job, fe.err, sizeof(fe.err)), 0);

	memset(&e, 0, sizeof(e));
	e.ops = &null_ops;
	e.ctx = ctx;
	e.job = &job;
	ASSERT_EQ(e.ops->init(&e), 0);

	memset(&fe, 0, sizeof(fe));
	wl_stats_reset(&stats);
	wl_hist_reset(&guest_lat);
	fe.ops = &wl_frontend_virtio;
	fe.ctx = ctx;
	fe.eng = &e;
	fe.job = &job;
	fe.stats = &stats;
	fe.guest_lat = &guest_lat;
	wl_fe_set_measuring(&fe, true);
	if (fe.ops->start(&fe))
		t_fail("start: %s", fe.err);
	ASSERT_EQ(fe.naux, 1);
	ASSERT_GT(fe.aux[0].tid, 0);

	end = t_now_ns() + (int64_t)(seconds * 1e9);
	while (t_now_ns() < end)
		aio_poll(ctx, true);
	fe.ops->stop(&fe);
	give_up = t_now_ns() + 10 * 1000000000LL;
	while (!fe.ops->idle(&fe)) {
		if (t_now_ns() > give_up)
			t_fail("virtio front end did not drain");
		aio_poll(ctx, true);
	}
	ASSERT_EQ(fe.fatal, 0);
	wl_virtio_get_counts(&fe, &out->c, NULL);
	/* The counters for the run result: the window was open throughout. */
	ASSERT_GT(fe.ncounters, 0);
	for (int i = 0; i < fe.ncounters; i++) {
		if (!strcmp(fe.counters[i].name, "kicks"))
			ASSERT_EQ(fe.counters[i].value, out->c.kicks);
		if (!strcmp(fe.counters[i].name, "submitted"))
			ASSERT_EQ(fe.counters[i].value, out->c.submitted);
	}
	n = e.priv;
	out->queued = n->queued;
	out->completed = n->completed;
	out->dups = n->dups;
	fe.ops->cleanup(&fe);
	out->accounted = stats.ios;
	/* The guest thread is joined: its histogram is ours now. */
	ASSERT_EQ(guest_lat.n, out->c.completed);
	e.ops->cleanup(&e);
	aio_context_unref(ctx);
	printf("depth %u think %s poll %lld: submitted %llu kicks %llu "
	       "(suppressed %llu) calls %llu waits %llu poll sessions %llu\n",
	       depth, think, (long long)poll_max_ns,
	       (unsigned long long)out->c.submitted,
	       (unsigned long long)out->c.kicks,
	       (unsigned long long)out->c.kicks_suppressed,
	       (unsigned long long)out->c.calls,
	       (unsigned long long)out->c.guest_waits,
	       (unsigned long long)out->c.poll_sessions);
}

static void assert_exact(const struct outcome *o)
{
	ASSERT_GT(o->c.submitted, 100);
	ASSERT_EQ(o->c.completed, o->c.submitted);
	ASSERT_EQ(o->c.dequeued, o->c.submitted);
	ASSERT_EQ(o->queued, o->c.submitted);
	ASSERT_EQ(o->completed, o->c.submitted);
	ASSERT_EQ(o->accounted, o->c.submitted);
	ASSERT_EQ(o->dups, 0);
	ASSERT_EQ(o->c.bad_completions, 0);
	ASSERT_EQ(o->c.kicks + o->c.kicks_suppressed, o->c.submitted);
	ASSERT_EQ(o->c.calls + o->c.calls_suppressed, o->c.submitted);
	/* Each time the guest arms used_event it allows one call. */
	ASSERT_LE(o->c.calls, o->c.guest_waits);
}

int main(void)
{
	double secs = t_stress_seconds(0.5, 5.0);
	struct outcome block, poll, stress;

	/* Stress: random think times, several in flight, both modes. */
	run(8, "uniform:0us-20us", 0, 0, secs, &stress);
	assert_exact(&stress);
	run(8, "exp:5us", 10000000, 0, secs, &stress);
	assert_exact(&stress);

	/*
	 * Kick suppression at QD1. Without polling the IOThread re-arms
	 * kicks after every pass, before the request can complete: every
	 * request kicks. With polling, kicks are off from io_poll_begin to
	 * io_poll_end: only requests taken outside polling need one, plus at
	 * most one racing each boundary of a poll session.
	 */
	run(1, "uniform:2us-10us", 0, 0, secs, &block);
	assert_exact(&block);
	ASSERT_EQ(block.c.poll_sessions, 0);
	ASSERT_EQ(block.c.dequeued_polling, 0);
	ASSERT_EQ(block.c.kicks, block.c.submitted);
	run(1, "uniform:2us-10us", 10000000, 0, secs, &poll);
	assert_exact(&poll);
	ASSERT_GT(poll.c.poll_sessions, 0);
	ASSERT_GT(poll.c.dequeued_polling, 0);

	/*
	 * A polling guest: what its spin finds needs no call. The spin
	 * (10 ms) outlasts a scheduler time slice, so an IOThread that
	 * shares the guest's CPU on a busy host still runs within it; the
	 * run is four times as long, so that even if every spin came back
	 * empty it still completes well over 100 requests; a run whose
	 * every spin came back empty is retried, at most twice.
	 */
	for (int i = 0; i < 3; i++) {
		run(1, "uniform:2us-10us", 10000000, 10000000, 4 * secs,
		    &stress);
		assert_exact(&stress);
		if (stress.c.guest_poll_hits > 0)
			break;
	}
	ASSERT_GT(stress.c.guest_poll_hits, 0);
	ASSERT_LE(stress.c.calls, stress.c.completed -
				  stress.c.guest_poll_hits);
	ASSERT_LE(poll.c.kicks, poll.c.dequeued - poll.c.dequeued_polling +
				2 * poll.c.poll_sessions);
	printf("kicks per request: %.3f without polling, %.3f polling "
	       "(%llu of %llu requests taken while polling)\n",
	       (double)block.c.kicks / (double)block.c.submitted,
	       (double)poll.c.kicks / (double)poll.c.submitted,
	       (unsigned long long)poll.c.dequeued_polling,
	       (unsigned long long)poll.c.dequeued);
	return T_EXIT_PASS;
}
