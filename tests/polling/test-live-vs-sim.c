/*
 * test-live-vs-sim.c: the simulator predicts what the live loop did. A
 * thread raises an event notifier after scripted gaps while the loop runs
 * with a policy and records its trace (aio_context_set_trace); the recorded
 * trace is replayed through the same policy in the simulator (wake_ns 0:
 * recorded block times already contain the wake-up). The loop dispatches
 * one event per iteration, so trace line i is event i and the two can be
 * compared event by event:
 *  - an event the simulator says was caught while polling must have been
 *    caught live (at most 1% + 2 exceptions): the policy got the same
 *    block times live, so it had the same window;
 *  - an event caught live but predicted blocked is a late catch: the loop
 *    was preempted while polling and found the event after its window had
 *    run out (the recorded block time says so). Those are counted apart;
 *    hits must agree within 5% + 3 once they are added back.
 *
 * The handler's io_poll sees a flag the writer raises after writing the
 * eventfd, so an event is dispatched exactly once, either by polling
 * (io_poll_ready: a hit) or by the fd monitor (io_read: a block).
 *
 * poll and epoll only: with the io_uring monitor the loop as of this
 * writing never polls after an fd-dispatched event (the re-armed one-shot
 * POLL_ADD is still an unsubmitted SQE, so need_wait() is true when
 * try_poll_mode looks), which the simulator does not model: on this
 * script it caught 0 events live where the replay predicts ~230.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "tests/loop/loop-test.h"
#include "polling/simulate.h"

#define NEV 300

/* Cases in which the loop both caught events polling and blocked. */
static int both_paths;

/* The script: mostly short gaps, some far above any window. */
static const int64_t script_ns[] = { 3000, 3000, 8000, 3000, 400000, 20000,
				     3000, 150000, 3000, 40000 };

struct live {
	EventNotifier e;
	atomic_int posted;  /* events the writer raised */
	atomic_int handled; /* events the loop consumed */
	int seen;
	int hits, fds;
	bool caught[NEV]; /* event i was caught by polling */
};

struct verdict {
	const struct live *l;
	int missed; /* simulated hit, blocked live */
	int late;   /* caught live after the window, simulated block */
};

static void consume(struct live *l)
{
	event_notifier_test_and_clear(&l->e);
	l->seen++;
	atomic_store(&l->handled, l->seen);
}

static bool on_poll(void *opaque)
{
	struct live *l = opaque;

	return atomic_load(&l->posted) > l->seen;
}

static void on_poll_ready(EventNotifier *e)
{
	struct live *l = (struct live *)e;

	l->caught[l->seen] = true;
	l->hits++;
	consume(l);
}

static void on_read(EventNotifier *e)
{
	struct live *l = (struct live *)e;

	/* The eventfd is written just before the flag: wait for it. */
	while (atomic_load(&l->posted) <= l->seen)
		;
	l->fds++;
	consume(l);
}

static void spin_ns(int64_t ns)
{
	int64_t end = lt_now_ns() + ns;

	while (lt_now_ns() < end)
		;
}

static void judge(void *opaque, const struct poll_sim_step *s)
{
	struct verdict *v = opaque;

	if (s->hit && !v->l->caught[s->index])
		v->missed++;
	else if (!s->hit && v->l->caught[s->index])
		v->late++;
}

static void *writer(void *opaque)
{
	struct live *l = opaque;

	for (int i = 0; i < NEV; i++) {
		/* The gap starts when the loop is back to waiting. */
		while (atomic_load(&l->handled) < i)
			;
		spin_ns(script_ns[i % ARRAY_SIZE(script_ns)]);
		ASSERT_EQ(event_notifier_set(&l->e), 0);
		atomic_store(&l->posted, i + 1);
	}
	return NULL;
}

static void compare(AioContext *ctx, const char *policy, int64_t max_ns)
{
	static struct live l;
	struct verdict v = { .l = &l };
	struct poll_sim_config cfg = {
		.params = { .max_ns = max_ns, .block_cost_ns = 25000 },
		.wake_ns = 0,
	};
	struct poll_trace t = { 0 };
	struct poll_sim_result r;
	FILE *fp = tmpfile();
	pthread_t th;
	char err[256];
	int64_t tol;

	ASSERT_NOT_NULL(fp);
	memset(&l, 0, sizeof(l));
	ASSERT_EQ(aio_context_set_poll_policy(ctx, policy), 0);
	ASSERT_EQ(aio_context_set_poll_params(ctx, max_ns, 0, 0), 0);
	/* The block cost the simulation assumes, not the measured one. */
	ASSERT_EQ(aio_context_set_block_cost(ctx, cfg.params.block_cost_ns),
		  0);
	ASSERT_EQ(event_notifier_init(&l.e, false), 0);
	aio_set_event_notifier(ctx, &l.e, on_read, on_poll, on_poll_ready);
	lt_drain(ctx); /* apply the parameters, settle the notifier */
	aio_context_set_trace(ctx, fp);
	ASSERT_EQ(pthread_create(&th, NULL, writer, &l), 0);
	while (l.seen < NEV)
		aio_poll(ctx, true);
	ASSERT_EQ(pthread_join(th, NULL), 0);
	aio_context_set_trace(ctx, NULL);
	aio_set_event_notifier(ctx, &l.e, NULL, NULL, NULL);
	lt_drain(ctx);
	event_notifier_cleanup(&l.e);

	ASSERT_EQ(l.hits + l.fds, NEV);
	rewind(fp);
	if (poll_trace_read(fp, &t, err, sizeof(err)) < 0)
		t_fail("recorded trace: %s", err);
	fclose(fp);
	/* One line per event, all from our handler. */
	ASSERT_EQ(t.n, NEV);
	ASSERT_EQ(t.nids, 1);
	ASSERT_EQ(poll_sim_run(poll_policy_find(policy), &t, &cfg, &r, judge,
			       &v), 0);
	printf("  %s max %lld: live hits %d, blocks %d; simulated hits %llu, "
	       "blocks %llu; predicted hits blocked live %d, late catches %d\n",
	       policy, (long long)max_ns, l.hits, l.fds,
	       (unsigned long long)r.hits, (unsigned long long)r.blocks,
	       v.missed, v.late);
	ASSERT_LE(v.missed, 2 + NEV / 100);
	tol = 3 + NEV / 20;
	ASSERT_LE(llabs((long long)r.hits + v.late - l.hits), tol);
	/* Count the cases that took both paths cleanly (see main). */
	if (l.hits >= NEV / 10 && l.fds >= NEV / 10 && v.late <= NEV / 10)
		both_paths++;
	poll_trace_free(&t);
}

static void test_fixed(AioContext *ctx)
{
	compare(ctx, "fixed", 64000);
}

static void test_qemu(AioContext *ctx)
{
	compare(ctx, "qemu", 64000);
}

static void test_cost(AioContext *ctx)
{
	compare(ctx, "cost", 64000);
}

static const struct lt_case cases[] = {
	{ "fixed: simulated hits match the loop's", test_fixed },
	{ "qemu: simulated hits match the loop's", test_qemu },
	{ "cost: simulated hits match the loop's", test_cost },
};

int main(void)
{
	int ret = lt_run(cases, ARRAY_SIZE(cases), LT_POLL | LT_EPOLL);

	/*
	 * When the writer and the loop share a busy CPU, short gaps arrive
	 * only after the loop gave up polling: the comparison above still
	 * held, but it did not exercise hits, so say so rather than pass.
	 */
	if (ret == T_EXIT_PASS && both_paths == 0)
		t_skip("machine too busy: no case caught 10%% of events "
		       "polling without being preempted");
	return ret;
}
