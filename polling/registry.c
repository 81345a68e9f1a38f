/* registry.c: the one list of adaptive polling policies. */
#include <stddef.h>

#include "polling/policy.h"
#include "util/registry.h"
#include "util/util.h"

extern const struct poll_policy_ops poll_policy_qemu;
extern const struct poll_policy_ops poll_policy_qemu_ctx;
extern const struct poll_policy_ops poll_policy_weight;
extern const struct poll_policy_ops poll_policy_fixed;
extern const struct poll_policy_ops poll_policy_off;
extern const struct poll_policy_ops poll_policy_ski;
extern const struct poll_policy_ops poll_policy_cost;
extern const struct poll_policy_ops poll_policy_probe;

static const struct poll_policy_ops *const policies[] = {
	&poll_policy_qemu,
	&poll_policy_qemu_ctx,
	&poll_policy_weight,
	&poll_policy_fixed,
	&poll_policy_off,
	&poll_policy_ski,
	&poll_policy_cost,
	&poll_policy_probe,
	NULL,
};

static const char *policy_name(size_t i)
{
	return policies[i]->name;
}

/*
 * The required parts (policy.h): a description, and a way to set the
 * window: event(), iteration(), observe() or window().
 */
static const char *policy_lacks(size_t i)
{
	const struct poll_policy_ops *ops = policies[i];

	if (!ops->desc)
		return "desc";
	if (!ops->event && !ops->iteration && !ops->observe && !ops->window)
		return "event, iteration, observe or window";
	return NULL;
}

static struct util_registry registry =
	UTIL_REGISTRY_INIT("polling policy", ARRAY_SIZE(policies) - 1,
			   policy_name, policy_lacks, NULL);

struct util_registry *poll_policy_registry(void)
{
	return &registry;
}

const struct poll_policy_ops *const *poll_policy_all(void)
{
	util_registry_ready(&registry);
	return policies;
}

const struct poll_policy_ops *poll_policy_default(void)
{
	return &poll_policy_qemu;
}

const struct poll_policy_ops *poll_policy_find(const char *name)
{
	int i = util_registry_find(&registry, name);

	return i < 0 ? NULL : policies[i];
}

const char *poll_policy_names(void)
{
	return util_registry_names(&registry);
}

int64_t poll_policy_window(const struct poll_policy_ops *ops,
			   const struct poll_state *cs, int64_t max_handler_ns,
			   const struct poll_params *p)
{
	int64_t w;

	if (ops->window)
		w = ops->window(cs, max_handler_ns, p);
	else
		w = ops->per_context ? cs->ns : max_handler_ns;
	if (w < 0)
		w = 0;
	if (w > p->max_ns)
		w = p->max_ns;
	return w;
}
