/*
 * test-multithread.c: QEMU's test-aio-multithread (docs/loop-contract.md
 * section 11.2) with oneshot BHs in place of coroutines. Four contexts, each
 * run by a plain pthread looping aio_poll(ctx, true) until a stop flag set by a
 * oneshot BH in that thread.
 *
 * schedule: each context owns a token. A token's BH, in its own loop,
 *   picks a random context n and, if n's token is parked (published in
 *   to_schedule[n]), takes it and schedules it there with
 *   aio_bh_schedule_oneshot; then it parks itself. The main thread kicks
 *   too. A token must only run in its own loop, never while parked, never
 *   twice for one scheduling; once kicking stops, every scheduled BH must
 *   run (a lost wake-up leaves one pending forever).
 * mutex: workers hop between loops as oneshot BHs, incrementing a counter
 *   under a pthread mutex and an atomic after unlocking; both must agree.
 *
 * Each case runs for 0.5 s (AIOTUNE_SLOW=1: 5 s) on every available fd
 * monitor.
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <time.h>

#include "tests/loop/loop-test.h"

#define NUM_CONTEXTS 4

struct loop {
	AioContext *ctx;
	pthread_t th;
	int id;
	atomic_bool stop;
};

static struct loop loops[NUM_CONTEXTS];
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
	struct loop *l = opaque;

	atomic_store(&l->stop, true);
}

/* Loop 0 runs the harness's context; the others get fresh ones. */
static void start_loops(AioContext *ctx0)
{
	for (int i = 0; i < NUM_CONTEXTS; i++) {
		struct loop *l = &loops[i];

		l->id = i;
		atomic_store(&l->stop, false);
		if (i == 0) {
			l->ctx = ctx0;
			aio_context_ref(ctx0);
		} else {
			l->ctx = lt_context_new_on(lt_fdmon, true);
			ASSERT_NOT_NULL(l->ctx);
		}
		ASSERT_EQ(pthread_create(&l->th, NULL, loop_main, l), 0);
	}
}

static void join_with_timeout(pthread_t th, const char *what)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 5;
	if (pthread_timedjoin_np(th, NULL, &ts) != 0)
		t_fail("%s did not stop within 5 s", what);
}

static void stop_loops(void)
{
	for (int i = 0; i < NUM_CONTEXTS; i++)
		aio_bh_schedule_oneshot(loops[i].ctx, stop_bh, &loops[i]);
	/*
	 * Join every thread before dropping any context: a loop thread may
	 * still be inside aio_notify() of another loop's context after the
	 * BH it scheduled there has run.
	 */
	for (int i = 0; i < NUM_CONTEXTS; i++)
		join_with_timeout(loops[i].th, "a loop thread");
	for (int i = 0; i < NUM_CONTEXTS; i++) {
		aio_context_unref(loops[i].ctx);
		loops[i].ctx = NULL;
	}
}

/* Run cb in loop i and wait for it (5 s: a lost wake-up fails). */
struct ctx_run {
	void (*cb)(void);
	sem_t done;
};

static void ctx_run_bh(void *opaque)
{
	struct ctx_run *r = opaque;

	r->cb();
	sem_post(&r->done);
}

static void ctx_run(int i, void (*cb)(void))
{
	struct ctx_run r = { .cb = cb };
	struct timespec ts;

	sem_init(&r.done, 0, 0);
	aio_bh_schedule_oneshot(loops[i].ctx, ctx_run_bh, &r);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 5;
	while (sem_timedwait(&r.done, &ts) < 0)
		if (errno != EINTR)
			t_fail("BH in loop %d did not run within 5 s", i);
	sem_destroy(&r.done);
}

/* ---- schedule --------------------------------------------------------- */

struct token {
	int owner;
	atomic_int pending;
	int runs; /* only touched in the owner's loop */
};

static struct token tokens[NUM_CONTEXTS];
static struct token *_Atomic to_schedule[NUM_CONTEXTS];
static atomic_bool token_stop[NUM_CONTEXTS];
static atomic_ulong count_here, count_other, count_retry;
static atomic_ulong n_scheduled, n_ran;
static __thread unsigned seed;

static void token_cb(void *opaque);

static void schedule_next(int n)
{
	struct token *t = atomic_exchange(&to_schedule[n], NULL);

	if (!t) {
		atomic_fetch_add(&count_retry, 1);
		return;
	}
	atomic_fetch_add(n == my_id ? &count_here : &count_other, 1);
	if (atomic_fetch_add(&t->pending, 1) != 0)
		t_fail("token %d scheduled twice", n);
	atomic_fetch_add(&n_scheduled, 1);
	aio_bh_schedule_oneshot(loops[n].ctx, token_cb, t);
}

static void token_cb(void *opaque)
{
	struct token *t = opaque;
	int id = t->owner;

	if (my_id != id)
		t_fail("token %d ran in loop %d", id, my_id);
	if (atomic_fetch_sub(&t->pending, 1) != 1)
		t_fail("token %d ran without being scheduled once", id);
	if (atomic_load(&to_schedule[id]) != NULL)
		t_fail("token %d ran while parked", id);
	atomic_fetch_add(&n_ran, 1);
	t->runs++;
	if (atomic_load(&token_stop[id]))
		return;
	schedule_next(rand_r(&seed) % NUM_CONTEXTS);
	atomic_store(&to_schedule[id], t); /* park (seq_cst) */
}

static void park_token_cb(void)
{
	seed = 1000 + my_id;
	atomic_store(&to_schedule[my_id], &tokens[my_id]);
}

static void finish_cb(void)
{
	atomic_store(&token_stop[my_id], true);
	schedule_next(my_id); /* wake our own token if parked */
}

static void test_multi_schedule(AioContext *ctx)
{
	int64_t end, quiet_since = 0;
	unsigned long runs = 0;

	for (int i = 0; i < NUM_CONTEXTS; i++) {
		tokens[i].owner = i;
		atomic_store(&tokens[i].pending, 0);
		tokens[i].runs = 0;
		atomic_store(&to_schedule[i], NULL);
		atomic_store(&token_stop[i], false);
	}
	atomic_store(&count_here, 0);
	atomic_store(&count_other, 0);
	atomic_store(&count_retry, 0);
	atomic_store(&n_scheduled, 0);
	atomic_store(&n_ran, 0);
	seed = 42;

	start_loops(ctx);
	for (int i = 0; i < NUM_CONTEXTS; i++)
		ctx_run(i, park_token_cb);

	end = t_now_ns() + (int64_t)(t_stress_seconds(0.5, 5) * 1e9);
	while (t_now_ns() < end) {
		schedule_next(rand_r(&seed) % NUM_CONTEXTS);
		t_sleep_ns(20000);
	}

	/*
	 * Kicking stopped; the tokens' chains die out by themselves. Then
	 * every scheduled BH must have run: one left pending means its
	 * loop slept through the wake-up.
	 */
	end = t_now_ns() + 5000 * LT_MS;
	for (;;) {
		unsigned long s = atomic_load(&n_scheduled);
		unsigned long r = atomic_load(&n_ran);

		if (s == r) {
			if (!quiet_since)
				quiet_since = t_now_ns();
			else if (t_now_ns() - quiet_since > 20 * LT_MS)
				break;
		} else {
			quiet_since = 0;
		}
		if (t_now_ns() > end)
			t_fail("lost wake-up: %lu BHs scheduled, %lu ran",
			       s, r);
		t_sleep_ns(1000000);
	}

	for (int i = 0; i < NUM_CONTEXTS; i++) {
		ctx_run(i, finish_cb);
		ASSERT_NULL(atomic_load(&to_schedule[i]));
	}
	stop_loops();
	ASSERT_EQ(atomic_load(&n_scheduled), atomic_load(&n_ran));
	for (int i = 0; i < NUM_CONTEXTS; i++)
		runs += tokens[i].runs;
	ASSERT_EQ(runs, atomic_load(&n_ran));
	printf("  scheduled %lu here, %lu elsewhere, %lu retries\n",
	       atomic_load(&count_here), atomic_load(&count_other),
	       atomic_load(&count_retry));
	ASSERT_GT(atomic_load(&count_here) + atomic_load(&count_other), 100);
}

/* ---- mutex ------------------------------------------------------------ */

#define NUM_WORKERS 6

static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static atomic_long atomic_counter;
static atomic_bool now_stopping;
static atomic_int running;

static void mutex_worker_bh(void *opaque)
{
	for (int k = 0; k < 50; k++) {
		pthread_mutex_lock(&mutex);
		counter++;
		pthread_mutex_unlock(&mutex);
		/* After unlocking, as in QEMU: otherwise spurious failures. */
		atomic_fetch_add(&atomic_counter, 1);
	}
	if (atomic_load(&now_stopping)) {
		atomic_fetch_sub(&running, 1);
		return;
	}
	aio_bh_schedule_oneshot(loops[rand_r(&seed) % NUM_CONTEXTS].ctx,
				mutex_worker_bh, NULL);
}

static void test_multi_mutex(AioContext *ctx)
{
	int64_t end;

	counter = 0;
	atomic_store(&atomic_counter, 0);
	atomic_store(&now_stopping, false);
	atomic_store(&running, NUM_WORKERS);
	start_loops(ctx);
	for (int i = 0; i < NUM_WORKERS; i++)
		aio_bh_schedule_oneshot(loops[i % NUM_CONTEXTS].ctx,
					mutex_worker_bh, NULL);
	t_sleep_ns((int64_t)(t_stress_seconds(0.5, 5) * 1e9));
	atomic_store(&now_stopping, true);
	end = t_now_ns() + 5000 * LT_MS;
	while (atomic_load(&running) > 0) {
		if (t_now_ns() > end)
			t_fail("%d workers still running after 5 s",
			       atomic_load(&running));
		t_sleep_ns(1000000);
	}
	stop_loops();
	pthread_mutex_lock(&mutex);
	ASSERT_EQ(counter, atomic_load(&atomic_counter));
	pthread_mutex_unlock(&mutex);
	printf("  %ld increments\n", counter);
	ASSERT_GT(counter, 1000);
}

static const struct lt_case cases[] = {
	{ "multi/schedule", test_multi_schedule },
	{ "multi/mutex/pthread", test_multi_mutex },
};

int main(void)
{
	return lt_run(cases, ARRAY_SIZE(cases), LT_ALL);
}
