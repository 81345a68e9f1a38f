/*
 * test-stress.c: several producer threads schedule oneshot BHs into,
 * re-schedule a persistent BH of, and notify several loop threads for a
 * bounded time. Every oneshot BH runs exactly once, in its own loop; the
 * persistent BH runs at least once after its last scheduling; nothing is
 * left pending (a lost wake-up) and nothing leaks (ASan). 0.7 s per fd
 * monitor (AIOTUNE_SLOW=1: 10 s).
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>

#include "tests/loop/loop-test.h"

#define NLOOPS 3
#define NPRODUCERS 3
#define MAX_INFLIGHT 2000 /* per loop, so producers cannot run away */
#define MAX_RECS 200000   /* per producer */

struct rec {
	atomic_int ran;
	int loop;
};

struct pbh {
	AioBH *bh;
	atomic_ulong requested; /* bumped before each schedule */
	atomic_ulong seen;      /* requested, as the callback last read it */
	atomic_ulong runs;
};

struct loop {
	AioContext *ctx;
	pthread_t th;
	int id;
	atomic_bool stop;
	atomic_ulong scheduled, ran;
	struct pbh pbh;
};

struct producer {
	pthread_t th;
	unsigned seed;
	struct rec *recs;
	size_t nrecs;
	unsigned long notifies, pbh_schedules;
};

static struct loop loops[NLOOPS];
static struct producer producers[NPRODUCERS];
static atomic_bool producers_stop;
static __thread int my_id = -1;

static void *loop_main(void *opaque)
{
	struct loop *l = opaque;

	my_id = l->id;
	while (!atomic_load(&l->stop))
		aio_poll(l->ctx, true);
	return NULL;
}

static void stop_bh(void *opaque)
{
	atomic_store(&((struct loop *)opaque)->stop, true);
}

static void rec_cb(void *opaque)
{
	struct rec *r = opaque;

	if (my_id != r->loop)
		t_fail("BH for loop %d ran in loop %d", r->loop, my_id);
	if (atomic_fetch_add(&r->ran, 1) != 0)
		t_fail("a oneshot BH ran twice");
	atomic_fetch_add(&loops[r->loop].ran, 1);
}

static void pbh_cb(void *opaque)
{
	struct pbh *p = opaque;

	atomic_store(&p->seen, atomic_load(&p->requested));
	atomic_fetch_add(&p->runs, 1);
}

static void *producer_main(void *opaque)
{
	struct producer *p = opaque;

	while (!atomic_load(&producers_stop) && p->nrecs < MAX_RECS) {
		int n = rand_r(&p->seed) % NLOOPS;
		struct loop *l = &loops[n];
		int what = rand_r(&p->seed) % 16;
		struct rec *r;

		if (atomic_load(&l->scheduled) - atomic_load(&l->ran) >
		    MAX_INFLIGHT) {
			sched_yield();
			continue;
		}
		if (what == 0) {
			aio_notify(l->ctx);
			p->notifies++;
		} else if (what == 1) {
			atomic_fetch_add(&l->pbh.requested, 1);
			aio_bh_schedule(l->pbh.bh);
			p->pbh_schedules++;
		} else {
			r = &p->recs[p->nrecs++];
			r->loop = n;
			atomic_store(&r->ran, 0);
			atomic_fetch_add(&l->scheduled, 1);
			aio_bh_schedule_oneshot(l->ctx, rec_cb, r);
		}
	}
	return NULL;
}

static bool all_done(void)
{
	for (int i = 0; i < NLOOPS; i++) {
		struct loop *l = &loops[i];

		if (atomic_load(&l->ran) != atomic_load(&l->scheduled))
			return false;
		if (atomic_load(&l->pbh.seen) !=
		    atomic_load(&l->pbh.requested))
			return false;
	}
	return true;
}

static void join_with_timeout(pthread_t th, const char *what)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 5;
	if (pthread_timedjoin_np(th, NULL, &ts) != 0)
		t_fail("%s did not stop within 5 s", what);
}

static void test_stress(AioContext *ctx)
{
	unsigned long total = 0, ran = 0, notifies = 0, pbhs = 0;
	int64_t end;

	for (int i = 0; i < NLOOPS; i++) {
		struct loop *l = &loops[i];

		memset(l, 0, sizeof(*l));
		l->id = i;
		if (i == 0) {
			l->ctx = ctx;
			aio_context_ref(ctx);
		} else {
			l->ctx = lt_context_new_on(lt_fdmon, true);
			ASSERT_NOT_NULL(l->ctx);
		}
		l->pbh.bh = aio_bh_new(l->ctx, pbh_cb, &l->pbh);
		ASSERT_EQ(pthread_create(&l->th, NULL, loop_main, l), 0);
	}
	atomic_store(&producers_stop, false);
	for (int i = 0; i < NPRODUCERS; i++) {
		struct producer *p = &producers[i];

		memset(p, 0, sizeof(*p));
		p->seed = 7 + i;
		p->recs = calloc(MAX_RECS, sizeof(*p->recs));
		ASSERT_NOT_NULL(p->recs);
		ASSERT_EQ(pthread_create(&p->th, NULL, producer_main, p), 0);
	}

	t_sleep_ns((int64_t)(t_stress_seconds(0.7, 10) * 1e9));
	atomic_store(&producers_stop, true);
	for (int i = 0; i < NPRODUCERS; i++)
		join_with_timeout(producers[i].th, "a producer");

	/* Everything scheduled must now run without further kicks. */
	end = t_now_ns() + 5000 * LT_MS;
	while (!all_done()) {
		if (t_now_ns() > end) {
			for (int i = 0; i < NLOOPS; i++)
				fprintf(stderr, "loop %d: scheduled %lu ran "
					"%lu; pbh requested %lu seen %lu\n", i,
					atomic_load(&loops[i].scheduled),
					atomic_load(&loops[i].ran),
					atomic_load(&loops[i].pbh.requested),
					atomic_load(&loops[i].pbh.seen));
			t_fail("lost wake-up: work left pending for 5 s");
		}
		t_sleep_ns(1000000);
	}

	for (int i = 0; i < NLOOPS; i++)
		aio_bh_schedule_oneshot(loops[i].ctx, stop_bh, &loops[i]);
	for (int i = 0; i < NLOOPS; i++) {
		join_with_timeout(loops[i].th, "a loop thread");
		aio_bh_delete(loops[i].pbh.bh);
		aio_context_unref(loops[i].ctx);
	}

	for (int i = 0; i < NPRODUCERS; i++) {
		struct producer *p = &producers[i];

		for (size_t k = 0; k < p->nrecs; k++) {
			if (atomic_load(&p->recs[k].ran) != 1)
				t_fail("producer %d BH %zu ran %d times", i, k,
				       atomic_load(&p->recs[k].ran));
			ran++;
		}
		total += p->nrecs;
		notifies += p->notifies;
		pbhs += p->pbh_schedules;
		free(p->recs);
	}
	ASSERT_EQ(ran, total);
	for (int i = 0; i < NLOOPS; i++) {
		ASSERT_GE(atomic_load(&loops[i].pbh.runs), 1);
		ASSERT_LE(atomic_load(&loops[i].pbh.runs),
			  atomic_load(&loops[i].pbh.requested));
	}
	printf("  %lu oneshot BHs, %lu persistent-BH schedules, %lu "
	       "notifies\n", total, pbhs, notifies);
	ASSERT_GT(total, 1000);
}

static const struct lt_case cases[] = {
	{ "stress/bh-notify", test_stress },
};

int main(void)
{
	return lt_run(cases, ARRAY_SIZE(cases), LT_ALL);
}
