/* registry.c: the one list of adaptive polling policies. */
#include <pthread.h>
#include <string.h>

#include "polling/policy.h"

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

const struct poll_policy_ops *const *poll_policy_all(void)
{
	return policies;
}

const struct poll_policy_ops *poll_policy_default(void)
{
	return &poll_policy_qemu;
}

const struct poll_policy_ops *poll_policy_find(const char *name)
{
	for (size_t i = 0; name && policies[i]; i++)
		if (strcmp(policies[i]->name, name) == 0)
			return policies[i];
	return NULL;
}

static char names_buf[256];
static pthread_once_t names_once = PTHREAD_ONCE_INIT;

static void names_build(void)
{
	for (size_t i = 0; policies[i]; i++) {
		if (i)
			strcat(names_buf, ", ");
		strcat(names_buf, policies[i]->name);
	}
}

const char *poll_policy_names(void)
{
	/* Once, so that threads reporting errors at the same time agree. */
	pthread_once(&names_once, names_build);
	return names_buf;
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
