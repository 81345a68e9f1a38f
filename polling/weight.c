/*
 * weight.c: QEMU's adaptive polling with poll-weight (2026), written from
 * its description and patch text (docs/FINDINGS.md "The 2026 poll-weight
 * policy, as merged" has the sources; docs/loop-contract.md section 12.5
 * and docs/anchors.md section 1.3 describe the proposal).
 *
 * The series "improve aio-polling efficiency" (Jaehoon Kim, IBM; RFC
 * 2026-01-13, v5 2026-04-23) was merged into QEMU's master through Stefan
 * Hajnoczi's block pull request of 2026-04-29/30: commits ed21d9d65c93
 * ("aio-poll: avoid unnecessary polling time computation"), 9563d0b5e2d2
 * ("aio-poll: refine iothread polling using weighted handler intervals")
 * and 9fea80ddf0f5 ("qapi/iothread: introduce poll-weight parameter for
 * aio-poll"). It replaces QEMU 10.x's per-handler grow/shrink (our "qemu")
 * as QEMU's adaptive polling from 11.1 on.
 *
 * Each polled handler keeps an exponentially weighted average of the block
 * times of the iterations in which it fired (hs->ns):
 *	first sample: ns = block_ns
 *	later:        ns = ns - ns / 2^w + block_ns / 2^w
 * with w = poll-weight. A handler that did not fire adds the iteration's
 * block time to a non-zero average. Either way the average drops to 0 once
 * it reaches poll-max-ns.
 *
 * One window per context (cs->ns) follows the largest average among the
 * handlers that fired this iteration; an iteration in which none fired
 * (a BH, a timer) changes nothing:
 *	larger than the window:  window = max(window * grow, that average),
 *	                         clamped to poll-max-ns;
 *	below window / shrink:   window = window / shrink;
 *	otherwise unchanged.
 *
 * Defaults, as merged: poll-grow 2, poll-shrink 2 (a long block no longer
 * resets the window to 0, unlike QEMU 10.x) and poll-weight 3 (a new
 * sample weighs 1/8; the January RFC used 2). The merged patch moves these
 * defaults into the IOThread's initialisation and its text keeps "when set
 * to 0, a default value of 3 is used" for poll-weight; aiotune's 0 means
 * "not set", so 0 selects 2, 2 and 3 here. poll-weight is 0-63.
 */
#include "polling/policy.h"

#define POLL_WEIGHT_DEFAULT 3 /* IOTHREAD_POLL_WEIGHT_DEFAULT, as merged */
#define POLL_WEIGHT_MAX 63
#define POLL_WEIGHT_GROW_DEFAULT 2
#define POLL_WEIGHT_SHRINK_DEFAULT 2

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
	int64_t grow = p->grow ? p->grow : POLL_WEIGHT_GROW_DEFAULT;
	int64_t shrink = p->shrink ? p->shrink : POLL_WEIGHT_SHRINK_DEFAULT;
	int64_t m = max_event_ns, old = cs->ns, next;

	if (m < 0)
		return POLL_SAME; /* no polled handler fired */

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
	.desc = "QEMU 11.1 (poll-weight, merged 2026): per-context window following an EWMA of block time (weight 0 = 3)",
	.per_context = true,
	.event = weight_event,
	.idle = weight_idle,
	.iteration = weight_iteration,
};
