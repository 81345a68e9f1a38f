/*
 * test-policy-cost.c: the baselines (fixed, off), ski and the learning cost
 * policy, plus the registry's names and errors.
 */
#include "polling/hist.h"
#include "polling/policy.h"
#include "tests/lib/test.h"
#include "util/util.h"

#define WAKE 25000 /* what the policies assume a block delays an event */

static const struct poll_policy_ops *cost;

/*
 * One loop iteration with the cost policy: the event arrives gap ns after
 * the wait began; a block adds the wake-up delay to the measured time.
 */
static int64_t step(struct poll_state *cs, const struct poll_params *p,
		    int64_t gap)
{
	int64_t w = poll_policy_window(cost, cs, 0, p);
	int64_t block = gap <= w ? gap : gap + WAKE;

	cost->iteration(cs, p, block, 0, 0);
	return poll_policy_window(cost, cs, 0, p);
}

static void test_baselines(void)
{
	const struct poll_policy_ops *fixed = poll_policy_find("fixed");
	const struct poll_policy_ops *off = poll_policy_find("off");
	const struct poll_policy_ops *ski = poll_policy_find("ski");
	struct poll_params p = { .max_ns = 32768, .block_cost_ns = 25000 };
	struct poll_state cs = { .ns = 777 };

	ASSERT_NOT_NULL(fixed);
	ASSERT_NOT_NULL(off);
	ASSERT_NOT_NULL(ski);
	ASSERT_EQ(poll_policy_window(fixed, &cs, 5, &p), 32768);
	ASSERT_EQ(poll_policy_window(off, &cs, 5000, &p), 0);
	/* ski: 2 x block cost (CPU + wake-up delay), clamped to max. */
	ASSERT_EQ(poll_policy_window(ski, &cs, 0, &p), 32768);
	p.max_ns = 1000000;
	ASSERT_EQ(poll_policy_window(ski, &cs, 0, &p), 50000);
	ASSERT_EQ(poll_policy_window(fixed, &cs, 0, &p), 1000000);
	p.block_cost_ns = 0;
	ASSERT_EQ(poll_policy_window(ski, &cs, 0, &p), 0);
	p.block_cost_ns = INT64_MAX; /* saturates */
	ASSERT_EQ(poll_policy_window(ski, &cs, 0, &p), 1000000);
}

static void test_hist(void)
{
	/* Edges: a quarter octave apart, ending at max. */
	ASSERT_EQ(poll_hist_edge(32768, POLL_HIST_TOP), 32768);
	ASSERT_EQ(poll_hist_edge(32768, POLL_HIST_TOP - 4), 16384);
	ASSERT_EQ(poll_hist_edge(32768, POLL_HIST_TOP - 1), 27554);
	ASSERT_EQ(poll_hist_bucket(32768, 0), 0);
	ASSERT_EQ(poll_hist_bucket(32768, 16384), POLL_HIST_TOP - 4);
	ASSERT_EQ(poll_hist_bucket(32768, 16385), POLL_HIST_TOP - 3);
	ASSERT_EQ(poll_hist_bucket(32768, 32768), POLL_HIST_TOP);
	ASSERT_EQ(poll_hist_bucket(32768, 32769), POLL_HIST_OVER);
	for (int k = 1; k <= POLL_HIST_TOP; k++)
		ASSERT_GT(poll_hist_edge(1000000, k),
			  poll_hist_edge(1000000, k - 1));
	/* Huge max: no overflow. */
	ASSERT_EQ(poll_hist_edge(INT64_MAX, POLL_HIST_TOP), INT64_MAX);
	ASSERT_GT(poll_hist_edge(INT64_MAX, POLL_HIST_TOP - 1), INT64_MAX / 2);
}

static void test_learns(void)
{
	struct poll_params p = { .max_ns = 32768, .block_cost_ns = 25000 };
	struct poll_state cs = { 0 };
	int64_t w = 0;
	unsigned x = 12345;

	/* Before 16 samples it behaves as ski. */
	ASSERT_EQ(poll_policy_window(cost, &cs, 0, &p), 32768);
	/* All gaps 15 us: poll just long enough to catch them. */
	for (int i = 0; i < 200; i++)
		w = step(&cs, &p, 15000);
	ASSERT_EQ(w, 16384);
	/* Then all gaps 500 us: polling cannot pay, stop within 200. */
	for (int i = 0; i < 200; i++)
		w = step(&cs, &p, 500000);
	ASSERT_EQ(w, 0);
	/* While blocking, 15 us gaps are seen as 40 us; it must still learn
	 * them (block time minus the wake-up) and poll again. */
	for (int i = 0; i < 200; i++)
		w = step(&cs, &p, 15000);
	ASSERT_EQ(w, 16384);
	/* Bimodal, 70% 15 us and 30% 500 us: catching the short ones pays
	 * (0.7 x 15 + 0.3 x (16 + 50) = 30 us < 50 us per event). */
	for (int i = 0; i < 1000; i++) {
		x = x * 1103515245u + 12345u;
		w = step(&cs, &p, (x >> 16) % 10 < 7 ? 15000 : 500000);
	}
	ASSERT_EQ(w, 16384);
	/* Bimodal with 15% short: block at once (0.15 x 15 + 0.85 x 66 >
	 * 50). */
	for (int i = 0; i < 1000; i++) {
		x = x * 1103515245u + 12345u;
		w = step(&cs, &p, (x >> 16) % 100 < 15 ? 15000 : 500000);
	}
	ASSERT_EQ(w, 0);
}

static void test_censoring_and_no_event(void)
{
	struct poll_params p = { .max_ns = 32768, .block_cost_ns = 25000 };
	struct poll_state cs = { 0 };
	uint32_t n;
	int64_t w;

	for (int i = 0; i < 100; i++)
		step(&cs, &p, 1000);
	/* Gaps of 1 us: the smallest edge at or above 1000 ns. */
	ASSERT_GE(poll_policy_window(cost, &cs, 0, &p), 1000);
	ASSERT_LE(poll_policy_window(cost, &cs, 0, &p), 1200);
	/* An iteration in which no polled handler fired teaches nothing. */
	n = cs.nsamples;
	ASSERT_EQ(cost->iteration(&cs, &p, 900000, -1, 0), POLL_SAME);
	ASSERT_EQ(cs.nsamples, n);
	/* A blocked sample just above the window lands above it, even when
	 * the block time minus the wake-up is below the window. */
	n = cs.nsamples;
	w = poll_policy_window(cost, &cs, 0, &p);
	ASSERT_EQ(cs.hist[poll_hist_bucket(32768, w + 1)], 0);
	cost->iteration(&cs, &p, w + 2000, 0, 0);
	ASSERT_EQ(cs.nsamples, n + 1);
	ASSERT_GT(cs.hist[poll_hist_bucket(32768, w + 1)], 0);
	/* Without a block cost, polling never pays. */
	p.block_cost_ns = 0;
	cs = (struct poll_state){ 0 };
	for (int i = 0; i < 100; i++)
		step(&cs, &p, 1000);
	ASSERT_EQ(poll_policy_window(cost, &cs, 0, &p), 0);
}

static void test_registry(void)
{
	const struct poll_policy_ops *const *all = poll_policy_all();
	static const char *const names[] = { "qemu", "qemu-ctx", "weight",
					     "fixed", "off", "ski", "cost",
					     "probe" };
	size_t n = 0;

	for (; all[n]; n++) {
		ASSERT_TRUE(poll_policy_find(all[n]->name) == all[n]);
		ASSERT_NOT_NULL(all[n]->desc);
		ASSERT_TRUE(all[n]->event || all[n]->iteration ||
			    all[n]->observe || all[n]->window);
	}
	ASSERT_EQ(n, ARRAY_SIZE(names));
	for (size_t i = 0; i < n; i++)
		ASSERT_STREQ(all[i]->name, names[i]);
	ASSERT_STREQ(poll_policy_names(),
		     "qemu, qemu-ctx, weight, fixed, off, ski, cost, probe");
	ASSERT_NULL(poll_policy_find("QEMU"));
	ASSERT_NULL(poll_policy_find("qemu "));
	ASSERT_NULL(poll_policy_find(""));
	ASSERT_NULL(poll_policy_find(NULL));
}

int main(void)
{
	cost = poll_policy_find("cost");
	ASSERT_NOT_NULL(cost);
	test_baselines();
	test_hist();
	test_learns();
	test_censoring_and_no_event();
	test_registry();
	return T_EXIT_PASS;
}
