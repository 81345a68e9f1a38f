/*
 * weight.c: the 2026 "poll-weight" proposal (docs/loop-contract.md section
 * 12.5, docs/anchors.md section 1.3; not merged upstream), written from its
 * description.
 *
 * Each polled handler keeps an exponentially weighted average of the block
 * times of the iterations in which it fired (hs->ns):
 *	first sample: ns = block_ns
 *	later:        ns = ns - ns / 2^w + block_ns / 2^w
 * with w = poll-weight (0 means 3: a new sample weighs about 1/8). A
 * handler that did not fire adds the iteration's block time to a non-zero
 * average. Either way the average drops to 0 once it reaches poll-max-ns.
 *
 * One window per context (cs->ns) follows the largest average among the
 * handlers that fired this iteration (0 when none did; our reading of the
 * proposal, which adjusts after every dispatch):
 *	larger than the window:  window = max(window * grow, that average),
 *	                         clamped to poll-max-ns (grow 0 means 2);
 *	below window / shrink:   window = window / shrink (shrink 0 means 2;
 *	                         unlike qemu it never resets to 0 at once);
 *	otherwise unchanged.
 */
#include "polling/policy.h"

#define POLL_WEIGHT_DEFAULT 3
#define POLL_WEIGHT_MAX 63

static int weight_shift(const struct poll_params *p)
{
	if (p->weight <= 0)
		return POLL_WEIGHT_DEFAULT;
	return p->weight > POLL_WEIGHT_MAX ? POLL_WEIGHT_MAX : (int)p->weight;
}

static int weight_event(struct poll_state *hs, struct poll_state *cs,
			const struct poll_params *p, int64_t block_ns,
			int64_t now_ns)
{
	int w = weight_shift(p);

	if (block_ns < 0)
		block_ns = 0;
	if (hs->ns == 0)
		hs->ns = block_ns;
	else
		hs->ns = hs->ns - (hs->ns >> w) + (block_ns >> w);
	if (hs->ns >= p->max_ns)
		hs->ns = 0;
	return POLL_SAME; /* only the context window counts as a change */
}

static void weight_idle(struct poll_state *hs, const struct poll_params *p,
			int64_t block_ns)
{
	if (hs->ns == 0 || block_ns <= 0)
		return;
	if (__builtin_add_overflow(hs->ns, block_ns, &hs->ns) ||
	    hs->ns >= p->max_ns)
		hs->ns = 0;
}

static int weight_iteration(struct poll_state *cs,
			    const struct poll_params *p, int64_t block_ns,
			    int64_t max_event_ns, int64_t now_ns)
{
	int64_t grow = p->grow ? p->grow : 2;
	int64_t shrink = p->shrink ? p->shrink : 2;
	int64_t m = max_event_ns > 0 ? max_event_ns : 0;
	int64_t old = cs->ns, next;

	if (m > old) {
		if (__builtin_mul_overflow(old, grow, &next))
			next = p->max_ns;
		if (m > next)
			next = m;
		if (next > p->max_ns)
			next = p->max_ns;
		cs->ns = next;
		return next > old ? POLL_GREW : POLL_SAME;
	}
	if (m < old / shrink) {
		cs->ns = old / shrink;
		return cs->ns < old ? POLL_SHRANK : POLL_SAME;
	}
	return POLL_SAME;
}

const struct poll_policy_ops poll_policy_weight = {
	.name = "weight",
	.desc = "2026 poll-weight proposal: per-context window following an EWMA of block time (weight 0 = 3)",
	.per_context = true,
	.event = weight_event,
	.idle = weight_idle,
	.iteration = weight_iteration,
};
