/*
 * test-policy-weight.c: deterministic trajectories of the "weight" policy
 * (QEMU's 2026 poll-weight adaptive polling, polling/weight.c).
 */
#include "polling/policy.h"
#include "tests/lib/test.h"

static const struct poll_policy_ops *w;

/* One iteration in which handler hs fired after block_ns. */
static int fire(struct poll_state *hs, struct poll_state *cs,
		const struct poll_params *p, int64_t block_ns)
{
	ASSERT_EQ(w->event(hs, cs, p, block_ns, 0), POLL_SAME);
	return w->iteration(cs, p, block_ns, hs->ns, 0);
}

static void test_trajectory(void)
{
	struct poll_params p = { .max_ns = 32768 }; /* weight 0 = 3 */
	struct poll_state hs = { 0 }, cs = { 0 };

	/* First sample is taken as is; the window jumps to it. */
	ASSERT_EQ(fire(&hs, &cs, &p, 8000), POLL_GREW);
	ASSERT_EQ(hs.ns, 8000);
	ASSERT_EQ(cs.ns, 8000);
	/* EWMA 1/8: 8000 - 1000 + 2000; above the window: doubles. */
	ASSERT_EQ(fire(&hs, &cs, &p, 16000), POLL_GREW);
	ASSERT_EQ(hs.ns, 9000);
	ASSERT_EQ(cs.ns, 16000);
	/* 9000 - 1125 + 125 = 8000, not below 16000 / 2: unchanged. */
	ASSERT_EQ(fire(&hs, &cs, &p, 1000), POLL_SAME);
	ASSERT_EQ(hs.ns, 8000);
	ASSERT_EQ(cs.ns, 16000);
	/* 7000 < 8000: halves (shrink 0 means 2, never a reset to 0). */
	ASSERT_EQ(fire(&hs, &cs, &p, 0), POLL_SHRANK);
	ASSERT_EQ(hs.ns, 7000);
	ASSERT_EQ(cs.ns, 8000);
	/* A block above max only moves the average: 7000 - 875 + 5000. */
	ASSERT_EQ(fire(&hs, &cs, &p, 40000), POLL_GREW);
	ASSERT_EQ(hs.ns, 11125);
	ASSERT_EQ(cs.ns, 16000);
	/* Reaching max resets the average to 0; the window halves. */
	hs.ns = 30000;
	ASSERT_EQ(fire(&hs, &cs, &p, 60000), POLL_SHRANK);
	ASSERT_EQ(hs.ns, 0);
	ASSERT_EQ(cs.ns, 8000);
	ASSERT_EQ(poll_policy_window(w, &cs, 123, &p), 8000);
}

/*
 * The defaults are QEMU's IOThread defaults (poll-grow 2, poll-shrink 2,
 * poll-weight 3): 0 (not set) must behave exactly as those values.
 */
static void test_defaults_are_2_2_3(void)
{
	static const int64_t blocks[] = { 8000, 16000, 1000, 0, 40000, 3000,
					  25000, 0, 0, 0, 12000, 31000 };
	struct poll_params dflt = { .max_ns = 32768 };
	struct poll_params expl = { .max_ns = 32768, .grow = 2, .shrink = 2,
				    .weight = 3 };
	struct poll_state h0 = { 0 }, c0 = { 0 }, h1 = { 0 }, c1 = { 0 };

	for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++) {
		ASSERT_EQ(fire(&h0, &c0, &dflt, blocks[i]),
			  fire(&h1, &c1, &expl, blocks[i]));
		ASSERT_EQ(h0.ns, h1.ns);
		ASSERT_EQ(c0.ns, c1.ns);
	}
	/* ... and differ from weight 2 (the January RFC's shift). */
	expl.weight = 2;
	h1 = (struct poll_state){ .ns = 8000 };
	w->event(&h1, &c1, &expl, 16000, 0);
	ASSERT_EQ(h1.ns, 10000);
}

static void test_weights(void)
{
	struct poll_params p = { .max_ns = 1000000, .weight = 1 };
	struct poll_state hs = { .ns = 8000 }, cs = { 0 };

	w->event(&hs, &cs, &p, 16000, 0);
	ASSERT_EQ(hs.ns, 12000); /* weight 1: half old, half new */
	p.weight = 3;
	hs.ns = 8000;
	w->event(&hs, &cs, &p, 16000, 0);
	ASSERT_EQ(hs.ns, 9000);
	p.weight = 0; /* default 3 */
	hs.ns = 8000;
	w->event(&hs, &cs, &p, 16000, 0);
	ASSERT_EQ(hs.ns, 9000);
}

static void test_idle_and_grow(void)
{
	struct poll_params p = { .max_ns = 32768 };
	struct poll_state hs = { .ns = 5000 }, zero = { 0 }, cs = { 0 };

	/* Idle handlers accumulate block time and reset at max. */
	w->idle(&hs, &p, 10000);
	ASSERT_EQ(hs.ns, 15000);
	w->idle(&hs, &p, 20000);
	ASSERT_EQ(hs.ns, 0);
	w->idle(&zero, &p, 20000);
	ASSERT_EQ(zero.ns, 0);
	/* Grow jumps straight to a sample above window * grow. */
	cs.ns = 1000;
	ASSERT_EQ(w->iteration(&cs, &p, 0, 5000, 0), POLL_GREW);
	ASSERT_EQ(cs.ns, 5000);
	/* ... and clamps to max. */
	cs.ns = 20000;
	ASSERT_EQ(w->iteration(&cs, &p, 0, 25000, 0), POLL_GREW);
	ASSERT_EQ(cs.ns, 32768);
	/*
	 * An iteration in which no polled handler fired (a BH, a timer)
	 * leaves the window alone, as QEMU only adjusts when some handler
	 * had an event.
	 */
	ASSERT_EQ(w->iteration(&cs, &p, 0, -1, 0), POLL_SAME);
	ASSERT_EQ(cs.ns, 32768);
	ASSERT_EQ(w->iteration(&cs, &p, 900000, -1, 0), POLL_SAME);
	ASSERT_EQ(cs.ns, 32768);
	/* A handler whose average was reset at max (0) halves it. */
	ASSERT_EQ(w->iteration(&cs, &p, 0, 0, 0), POLL_SHRANK);
	ASSERT_EQ(cs.ns, 16384);
	/* poll-grow 4 / poll-shrink 4. */
	p.grow = 4;
	p.shrink = 4;
	cs.ns = 2000;
	w->iteration(&cs, &p, 0, 3000, 0);
	ASSERT_EQ(cs.ns, 8000);
	w->iteration(&cs, &p, 0, 2500, 0); /* not below 8000 / 4 */
	ASSERT_EQ(cs.ns, 8000);
	w->iteration(&cs, &p, 0, 1999, 0);
	ASSERT_EQ(cs.ns, 2000);
}

int main(void)
{
	w = poll_policy_find("weight");
	ASSERT_NOT_NULL(w);
	ASSERT_TRUE(w->per_context);
	test_trajectory();
	test_weights();
	test_defaults_are_2_2_3();
	test_idle_and_grow();
	return T_EXIT_PASS;
}
