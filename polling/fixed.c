/*
 * fixed.c: the two non-adaptive baselines. "fixed" always polls up to
 * poll-max-ns before blocking; "off" never polls (block at once).
 */
#include "polling/policy.h"

static int64_t fixed_window(const struct poll_state *cs,
			    int64_t max_handler_ns,
			    const struct poll_params *p)
{
	return p->max_ns;
}

static int64_t off_window(const struct poll_state *cs, int64_t max_handler_ns,
			  const struct poll_params *p)
{
	return 0;
}

const struct poll_policy_ops poll_policy_fixed = {
	.name = "fixed",
	.desc = "always poll up to poll-max-ns, then block",
	.per_context = true,
	.window = fixed_window,
};

const struct poll_policy_ops poll_policy_off = {
	.name = "off",
	.desc = "never poll: block at once",
	.per_context = true,
	.window = off_window,
};
