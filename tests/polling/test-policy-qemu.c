/*
 * test-policy-qemu.c: deterministic window trajectories of the "qemu" and
 * "qemu-ctx" policies against docs/loop-contract.md section 3.2 and
 * section 13, item 16.
 */
#include "polling/policy.h"
#include "tests/lib/test.h"
#include "util/util.h"

static const struct poll_policy_ops *qemu, *qemu_ctx;

static struct poll_params params(int64_t max, int64_t grow, int64_t shrink)
{
	struct poll_params p = { .max_ns = max, .grow = grow, .shrink = shrink,
				 .block_cost_ns = 25000 };
	return p;
}

/* One fired handler: what aio_dispatch_ready_handlers does. */
static int fire(struct poll_state *hs, struct poll_state *cs,
		const struct poll_params *p, int64_t block_ns)
{
	return qemu->event(hs, cs, p, block_ns, 0);
}

static void test_sequence(void)
{
	struct poll_params p = params(32768, 0, 0);
	struct poll_state hs = { 0 }, cs = { 0 };
	static const int64_t want[] = { 4000, 8000, 16000, 32000, 32768 };

	ASSERT_EQ(hs.ns, 0);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		/* A block time above the window but below max grows it. */
		ASSERT_EQ(fire(&hs, &cs, &p, hs.ns + 1), POLL_GREW);
		ASSERT_EQ(hs.ns, want[i]);
	}
	/* Clamped at max: a block below max does not grow further. */
	ASSERT_EQ(fire(&hs, &cs, &p, 32767), POLL_SAME);
	ASSERT_EQ(hs.ns, 32768);
	/* Exactly max: unchanged (neither > max nor < max). */
	ASSERT_EQ(fire(&hs, &cs, &p, 32768), POLL_SAME);
	ASSERT_EQ(hs.ns, 32768);
	/* One block above max resets to 0 with shrink 0. */
	ASSERT_EQ(fire(&hs, &cs, &p, 32769), POLL_SHRANK);
	ASSERT_EQ(hs.ns, 0);
	/* The next qualifying event restarts at 4 us. */
	ASSERT_EQ(fire(&hs, &cs, &p, 100), POLL_GREW);
	ASSERT_EQ(hs.ns, 4000);
	/* The policy never touched the context state. */
	ASSERT_EQ(cs.ns, 0);
}

static void test_sweet_spot(void)
{
	struct poll_params p = params(32768, 0, 0);
	struct poll_state hs = { .ns = 16000 }, cs = { 0 };

	ASSERT_EQ(fire(&hs, &cs, &p, 16000), POLL_SAME);
	ASSERT_EQ(fire(&hs, &cs, &p, 1), POLL_SAME);
	ASSERT_EQ(fire(&hs, &cs, &p, 0), POLL_SAME);
	ASSERT_EQ(hs.ns, 16000);
}

static void test_shrink_and_grow_factors(void)
{
	struct poll_params p = params(32768, 0, 2);
	struct poll_state hs = { .ns = 32768 }, cs = { 0 };
	static const int64_t halves[] = { 16384, 8192, 4096, 2048, 1024 };

	for (size_t i = 0; i < ARRAY_SIZE(halves); i++) {
		ASSERT_EQ(fire(&hs, &cs, &p, 40000), POLL_SHRANK);
		ASSERT_EQ(hs.ns, halves[i]);
	}
	/* grow 3: 0 -> 4000 -> 12000 -> 32768 (clamped from 36000). */
	p = params(32768, 3, 0);
	hs.ns = 0;
	fire(&hs, &cs, &p, 5);
	ASSERT_EQ(hs.ns, 4000);
	fire(&hs, &cs, &p, 5000);
	ASSERT_EQ(hs.ns, 12000);
	fire(&hs, &cs, &p, 13000);
	ASSERT_EQ(hs.ns, 32768);
	/* shrink 1: dividing by 1 changes nothing and is not a shrink. */
	p = params(32768, 0, 1);
	ASSERT_EQ(fire(&hs, &cs, &p, 50000), POLL_SAME);
	ASSERT_EQ(hs.ns, 32768);
}

static void test_small_max_and_overflow(void)
{
	/* The 4 us start applies even when max < 4000; the clamp wins. */
	struct poll_params p = params(1000, 0, 0);
	struct poll_state hs = { 0 }, cs = { 0 };

	ASSERT_EQ(fire(&hs, &cs, &p, 500), POLL_GREW);
	ASSERT_EQ(hs.ns, 1000);
	/* A huge grow factor saturates at max instead of overflowing. */
	p = params(INT64_MAX / 2, INT64_MAX, 0);
	hs.ns = 4000;
	ASSERT_EQ(fire(&hs, &cs, &p, 5000), POLL_GREW);
	ASSERT_EQ(hs.ns, INT64_MAX / 2);
}

/*
 * Two handlers, one fast (10 us) and one slow (100 us > max), firing
 * alternately: qemu keeps their windows apart and the loop polls for the
 * fast one's window; qemu-ctx shares one window that the slow one keeps
 * resetting, so it never gets past 4 us.
 */
static void test_two_handlers(void)
{
	struct poll_params p = params(32768, 0, 0);
	struct poll_state fast = { 0 }, slow = { 0 }, cs = { 0 };
	struct poll_state ctx = { 0 }, unused = { 0 };
	int64_t max_ctx = 0;

	for (int i = 0; i < 20; i++) {
		fire(&fast, &cs, &p, 10000);
		fire(&slow, &cs, &p, 100000);
		qemu_ctx->iteration(&ctx, &p, 10000, 0, 0);
		if (poll_policy_window(qemu_ctx, &ctx, 0, &p) > max_ctx)
			max_ctx = poll_policy_window(qemu_ctx, &ctx, 0, &p);
		qemu_ctx->iteration(&ctx, &p, 100000, 0, 0);
	}
	ASSERT_EQ(fast.ns, 16000);
	ASSERT_EQ(slow.ns, 0);
	ASSERT_EQ(poll_policy_window(qemu, &unused, fast.ns, &p), 16000);
	ASSERT_EQ(max_ctx, 4000);
	ASSERT_EQ(poll_policy_window(qemu_ctx, &ctx, fast.ns, &p), 0);
	ASSERT_TRUE(qemu_ctx->per_context);
	ASSERT_FALSE(qemu->per_context);
	ASSERT_NULL(qemu_ctx->event);
}

static void test_window_clamp(void)
{
	struct poll_params p = params(20000, 0, 0);
	struct poll_state cs = { .ns = 50000 };

	/* Windows never exceed max, even if state is stale. */
	ASSERT_EQ(poll_policy_window(qemu, &cs, 30000, &p), 20000);
	ASSERT_EQ(poll_policy_window(qemu_ctx, &cs, 0, &p), 20000);
	ASSERT_EQ(poll_policy_window(qemu, &cs, -5, &p), 0);
}

int main(void)
{
	qemu = poll_policy_find("qemu");
	qemu_ctx = poll_policy_find("qemu-ctx");
	ASSERT_NOT_NULL(qemu);
	ASSERT_NOT_NULL(qemu_ctx);
	ASSERT_TRUE(poll_policy_default() == qemu);
	test_sequence();
	test_sweet_spot();
	test_shrink_and_grow_factors();
	test_small_max_and_overflow();
	test_two_handlers();
	test_window_clamp();
	return T_EXIT_PASS;
}
