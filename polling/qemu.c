/*
 * qemu.c: QEMU's self-tuning poll window (docs/loop-contract.md section 3.2).
 * "qemu" keeps one window per handler (QEMU 10.x); "qemu-ctx" keeps one per
 * context and adjusts it after every iteration (QEMU 2.9-9.2).
 */
#include "polling/policy.h"

/* Polling starts at 4 us, as QEMU (and KVM halt-polling's grow start). */
#define POLL_QEMU_START_NS 4000

int poll_qemu_adjust(int64_t *ns, const struct poll_params *p,
		     int64_t block_ns)
{
	int64_t old = *ns;

	if (block_ns <= old)
		return POLL_SAME; /* the sweet spot */

	if (block_ns > p->max_ns) {
		*ns = p->shrink ? old / p->shrink : 0;
		return *ns != old ? POLL_SHRANK : POLL_SAME;
	}

	if (old < p->max_ns && block_ns < p->max_ns) {
		int64_t grow = p->grow ? p->grow : 2;
		int64_t next;

		if (old == 0)
			next = POLL_QEMU_START_NS;
		else if (__builtin_mul_overflow(old, grow, &next))
			next = p->max_ns;
		if (next > p->max_ns)
			next = p->max_ns;
		*ns = next;
		return next != old ? POLL_GREW : POLL_SAME;
	}
	return POLL_SAME;
}

static int qemu_event(struct poll_state *hs, struct poll_state *cs,
		      const struct poll_params *p, int64_t block_ns,
		      int64_t now_ns)
{
	return poll_qemu_adjust(&hs->ns, p, block_ns);
}

static int qemu_ctx_iteration(struct poll_state *cs,
			      const struct poll_params *p, int64_t block_ns,
			      int64_t max_event_ns, int64_t now_ns)
{
	return poll_qemu_adjust(&cs->ns, p, block_ns);
}

const struct poll_policy_ops poll_policy_qemu = {
	.name = "qemu",
	.desc = "QEMU 10.x: per-handler window, start 4 us, grow x2, reset on long block",
	.event = qemu_event,
};

const struct poll_policy_ops poll_policy_qemu_ctx = {
	.name = "qemu-ctx",
	.desc = "QEMU 2.9-9.2: one window per context, same grow/shrink arithmetic",
	.per_context = true,
	.iteration = qemu_ctx_iteration,
};
