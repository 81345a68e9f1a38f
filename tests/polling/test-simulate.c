/*
 * test-simulate.c: the offline simulator (polling/simulate.c): accounting,
 * the loop's order of policy calls, poll-set joining and idle removal,
 * per-handler vs per-context windows, which policy wins a bimodal trace,
 * replaying a trace several times with a warm-up left out.
 */
#include <errno.h>

#include "polling/simulate.h"
#include "tests/lib/test.h"
#include "util/util.h"

#define MAXW 32768

static struct poll_sim_config config(int64_t max, int64_t wake)
{
	struct poll_sim_config c = {
		.params = { .max_ns = max, .block_cost_ns = 25000 },
		.wake_ns = wake,
	};
	return c;
}

static struct poll_sim_result run(const char *policy,
				  const struct poll_trace *t,
				  const struct poll_sim_config *c,
				  PollSimStepFn *fn, void *opaque)
{
	struct poll_sim_result r;

	ASSERT_EQ(poll_sim_run(poll_policy_find(policy), t, c, &r, fn, opaque),
		  0);
	ASSERT_EQ(r.events, t->n);
	ASSERT_EQ(r.hits + r.blocks + r.ready, t->n);
	ASSERT_EQ(r.delay_ns, (int64_t)r.blocks * c->wake_ns);
	ASSERT_EQ(r.cpu_ns,
		  r.poll_ns + (int64_t)r.blocks * c->params.block_cost_ns);
	ASSERT_DBL((double)r.virtual_ns / r.events / 1e3 *
		   ((double)r.cpu_ns / r.events / 1e3), ==, r.cost_us2);
	return r;
}

struct windows {
	int64_t wake; /* the config's wake_ns */
	int64_t w[64];
	bool hit[64];
	size_t n;
};

static void record(void *opaque, const struct poll_sim_step *s)
{
	struct windows *ws = opaque;

	ASSERT_EQ(s->index, ws->n);
	if (ws->n < 64) {
		ws->w[ws->n] = s->window_ns;
		ws->hit[ws->n] = s->hit;
	}
	ws->n++;
	ASSERT_TRUE(s->hit != s->blocked || s->gap_ns == 0);
	ASSERT_EQ(s->block_ns, s->hit ? s->gap_ns :
		  s->blocked ? s->gap_ns + ws->wake : 0);
}

static void test_fixed_and_off(void)
{
	static const int64_t gaps[] = { 5000, 1000, 40000, 32768, 0, 20000 };
	struct poll_sim_config c = config(MAXW, 1000);
	struct poll_trace t = { 0 };
	struct poll_sim_result r;
	struct windows ws = { .wake = 1000 };

	for (size_t i = 0; i < ARRAY_SIZE(gaps); i++)
		ASSERT_EQ(poll_trace_add(&t, gaps[i], 9), 0);
	/* The first event blocks: no handler polls before it fired once. */
	r = run("fixed", &t, &c, record, &ws);
	ASSERT_EQ(ws.w[0], 0);
	ASSERT_EQ(ws.w[1], MAXW);
	ASSERT_FALSE(ws.hit[0]);
	ASSERT_TRUE(ws.hit[1]);
	ASSERT_FALSE(ws.hit[2]);
	ASSERT_TRUE(ws.hit[3]); /* exactly the window: caught */
	ASSERT_EQ(r.hits, 4);   /* 1000, 32768, 0, 20000 */
	ASSERT_EQ(r.blocks, 2); /* 5000 (no poll set yet), 40000 */
	ASSERT_EQ(r.poll_ns, 1000 + MAXW + 0 + 20000 + MAXW);
	ASSERT_EQ(r.final_window_ns, MAXW);
	ASSERT_EQ(r.virtual_ns, 5000 + 1000 + 1000 + 40000 + 1000 + 32768 +
		  20000);

	r = run("off", &t, &c, NULL, NULL);
	ASSERT_EQ(r.hits, 0);
	ASSERT_EQ(r.ready, 1); /* the gap of 0 */
	ASSERT_EQ(r.blocks, 5);
	ASSERT_EQ(r.poll_ns, 0);
	ASSERT_EQ(r.cpu_ns, 5 * 25000);
	ASSERT_EQ(r.delay_ns, 5 * 1000);
	poll_trace_free(&t);
}

static void test_qemu_trajectory(void)
{
	struct poll_sim_config c = config(MAXW, 1000);
	struct poll_trace t = { 0 };
	struct windows ws = { .wake = 1000 };
	struct poll_sim_result r;

	/* Gaps of 5 us (reported 6 us when blocked): 0 -> 4000 -> 8000. */
	for (int i = 0; i < 10; i++)
		ASSERT_EQ(poll_trace_add(&t, 5000, 3), 0);
	r = run("qemu", &t, &c, record, &ws);
	ASSERT_EQ(ws.w[0], 0);
	ASSERT_EQ(ws.w[1], 4000);
	ASSERT_EQ(ws.w[2], 8000);
	ASSERT_EQ(ws.w[9], 8000);
	ASSERT_EQ(r.hits, 8);
	ASSERT_EQ(r.grow_events, 2);
	ASSERT_EQ(r.shrink_events, 0);
	/* One gap above max resets; the next event restarts at 4 us. */
	ASSERT_EQ(poll_trace_add(&t, 50000, 3), 0);
	ASSERT_EQ(poll_trace_add(&t, 5000, 3), 0);
	ASSERT_EQ(poll_trace_add(&t, 5000, 3), 0);
	ws.n = 0;
	r = run("qemu", &t, &c, record, &ws);
	ASSERT_EQ(ws.w[10], 8000);
	ASSERT_EQ(ws.w[11], 0);
	ASSERT_EQ(ws.w[12], 4000);
	ASSERT_EQ(r.shrink_events, 1);
	/* poll-max-ns 0: nothing ever polls, whatever the policy. */
	c = config(0, 1000);
	for (const struct poll_policy_ops *const *p = poll_policy_all(); *p;
	     p++) {
		ASSERT_EQ(poll_sim_run(*p, &t, &c, &r, NULL, NULL), 0);
		ASSERT_EQ(r.hits, 0);
		ASSERT_EQ(r.poll_ns, 0);
		ASSERT_EQ(r.window_sum_ns, 0);
		ASSERT_EQ(r.grow_events + r.shrink_events, 0);
	}
	poll_trace_free(&t);
}

/* A fast handler (10 us) and a slow one (100 us > max), alternating. */
static void test_per_handler_vs_context(void)
{
	struct poll_sim_config c = config(MAXW, 0);
	struct poll_trace t = { 0 };
	struct poll_sim_result q, qc;

	for (int i = 0; i < 100; i++) {
		ASSERT_EQ(poll_trace_add(&t, 10000, 4), 0);
		ASSERT_EQ(poll_trace_add(&t, 100000, 5), 0);
	}
	q = run("qemu", &t, &c, NULL, NULL);
	qc = run("qemu-ctx", &t, &c, NULL, NULL);
	/* qemu learns the fast one (3 misses while growing to 16 us). */
	ASSERT_GE(q.hits, 96);
	ASSERT_EQ(qc.hits, 0); /* the slow one resets the shared window */
	ASSERT_DBL(q.cost_us2, <, qc.cost_us2);
	poll_trace_free(&t);
}

static void test_idle_removal(void)
{
	struct poll_sim_config c = config(MAXW, 0);
	struct poll_trace t = { 0 };
	struct windows ws = { .wake = 0 };

	ASSERT_EQ(poll_trace_add(&t, 1000, 1), 0); /* A joins, 0 -> 4000 */
	ASSERT_EQ(poll_trace_add(&t, 1000, 1), 0); /* caught */
	for (int i = 0; i < 8; i++) /* B, once a second */
		ASSERT_EQ(poll_trace_add(&t, 1000000000, 2), 0);
	ASSERT_EQ(poll_trace_add(&t, 1000, 1), 0);
	run("qemu", &t, &c, record, &ws);
	ASSERT_EQ(ws.w[1], 4000);
	ASSERT_TRUE(ws.hit[1]);
	for (int i = 2; i <= 8; i++)
		ASSERT_EQ(ws.w[i], 4000); /* A still polled for B's sake */
	ASSERT_EQ(ws.w[9], 0);  /* A idle for 7 s: left the poll set */
	ASSERT_EQ(ws.w[10], 0); /* A must fire again to rejoin */
	poll_trace_free(&t);
}

static void test_bad_config(void)
{
	struct poll_sim_config c = config(MAXW, 0);
	struct poll_trace t = { 0 };
	struct poll_sim_result r;
	const struct poll_policy_ops *q = poll_policy_find("qemu");

	ASSERT_EQ(poll_trace_add(&t, 1000, 1), 0);
	c.wake_ns = -1;
	ASSERT_EQ(poll_sim_run(q, &t, &c, &r, NULL, NULL), -EINVAL);
	c = config(-1, 0);
	ASSERT_EQ(poll_sim_run(q, &t, &c, &r, NULL, NULL), -EINVAL);
	c = config(MAXW, 0);
	c.params.block_cost_ns = -5;
	ASSERT_EQ(poll_sim_run(q, &t, &c, &r, NULL, NULL), -EINVAL);
	c = config(MAXW, 0);
	c.params.shrink = -2;
	ASSERT_EQ(poll_sim_run(q, &t, &c, &r, NULL, NULL), -EINVAL);
	ASSERT_EQ(poll_sim_run(NULL, &t, &c, &r, NULL, NULL), -EINVAL);
	/* Huge values saturate instead of overflowing. */
	c = config(INT64_MAX, INT64_MAX);
	c.params.block_cost_ns = INT64_MAX;
	for (int i = 0; i < 3; i++)
		ASSERT_EQ(poll_trace_add(&t, POLL_TRACE_MAX_GAP, 1), 0);
	ASSERT_EQ(poll_sim_run(poll_policy_find("off"), &t, &c, &r, NULL,
			       NULL), 0);
	ASSERT_EQ(r.cpu_ns, INT64_MAX);
	ASSERT_EQ(r.virtual_ns, INT64_MAX);
	poll_trace_free(&t);
}

/* The shipped example's recipe: 70% ~15 us, 30% ~500 us, one handler. */
static void bimodal(struct poll_trace *t, int n, int short_pct)
{
	long long x = 1;

	for (int i = 0; i < n; i++) {
		int r, j;

		x = (x * 16807) % 2147483647;
		r = (int)(x % 100);
		x = (x * 16807) % 2147483647;
		j = (int)(x % 1001);
		ASSERT_EQ(poll_trace_add(t, r < short_pct ? 14000 + 2 * j :
					 475000 + 50 * j, 5), 0);
	}
}

static void test_bimodal(void)
{
	struct poll_sim_config c = config(MAXW, 25000);
	struct poll_trace t = { 0 };
	struct poll_sim_result cost, r, again;

	bimodal(&t, 4000, 70);
	cost = run("cost", &t, &c, NULL, NULL);
	/* It catches every short gap and polls about 16 us, not 32. */
	ASSERT_GE(cost.hits, 2780);
	ASSERT_LT(cost.window_sum_ns / 4000, 20000);
	for (const struct poll_policy_ops *const *p = poll_policy_all(); *p;
	     p++) {
		if (!strcmp((*p)->name, "cost"))
			continue;
		r = run((*p)->name, &t, &c, NULL, NULL);
		if (r.cost_us2 <= cost.cost_us2)
			t_fail("%s costs %.1f <= cost's %.1f", (*p)->name,
			       r.cost_us2, cost.cost_us2);
	}
	/* Deterministic: the same trace gives the same answer. */
	again = run("cost", &t, &c, NULL, NULL);
	ASSERT_EQ(memcmp(&cost, &again, sizeof(cost)), 0);
	/* With 15% short gaps, it learns to block at once, as "off". */
	poll_trace_free(&t);
	bimodal(&t, 4000, 15);
	cost = run("cost", &t, &c, NULL, NULL);
	r = run("off", &t, &c, NULL, NULL);
	ASSERT_DBL(cost.cost_us2, <=, r.cost_us2 * 1.02);
	r = run("fixed", &t, &c, NULL, NULL);
	ASSERT_DBL(cost.cost_us2, <, r.cost_us2);
	poll_trace_free(&t);
}

/*
 * 100 gaps of 10 us, fixed at 32k (all caught): twice with loops 2; with a
 * 500 us warm-up the events that start before 500 us of virtual time are
 * replayed but not counted; a warm-up past the end counts nothing.
 */
static void test_loops_and_warmup(void)
{
	struct poll_sim_config c = config(MAXW, 25000);
	const struct poll_policy_ops *f = poll_policy_find("fixed");
	struct poll_trace t = { 0 };
	struct poll_sim_result r;
	struct windows ws = { .wake = 25000 };

	for (int i = 0; i < 100; i++)
		ASSERT_EQ(poll_trace_add(&t, 10000, 0), 0);
	c.loops = 2;
	ASSERT_EQ(poll_sim_run(f, &t, &c, &r, NULL, NULL), 0);
	ASSERT_EQ(r.events, 200);
	/* The first event finds no poll set: one block, then 199 hits. */
	ASSERT_EQ(r.hits, 199);
	ASSERT_EQ(r.virtual_ns, 199 * 10000 + 10000 + 25000);

	c.loops = 1;
	c.warmup_ns = 500000;
	ASSERT_EQ(poll_sim_run(f, &t, &c, &r, record, &ws), 0);
	ASSERT_EQ(ws.n, 100); /* every event replayed ... */
	/* ... 35 us for the first, 10 us each after: 48 start before
	 * 500 us (the 48th at 505 us is the first counted). */
	ASSERT_EQ(r.events, 52);
	ASSERT_EQ(r.hits, 52);
	ASSERT_EQ(r.blocks, 0);
	ASSERT_EQ(r.virtual_ns, 52 * 10000);
	ASSERT_EQ(r.poll_ns, 52 * 10000);

	c.warmup_ns = 1000000000;
	ASSERT_EQ(poll_sim_run(f, &t, &c, &r, NULL, NULL), 0);
	ASSERT_EQ(r.events, 0);
	ASSERT_DBL(r.cost_us2, ==, 0);
	c.warmup_ns = -1;
	ASSERT_EQ(poll_sim_run(f, &t, &c, &r, NULL, NULL), -EINVAL);
	poll_trace_free(&t);
}

int main(void)
{
	test_fixed_and_off();
	test_qemu_trajectory();
	test_per_handler_vs_context();
	test_idle_removal();
	test_bad_config();
	test_bimodal();
	test_loops_and_warmup();
	return T_EXIT_PASS;
}
