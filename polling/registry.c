/* registry.c: the one list of adaptive polling policies. */
#include <string.h>

#include "polling/policy.h"

extern const struct poll_policy_ops poll_policy_qemu;
extern const struct poll_policy_ops poll_policy_qemu_ctx;

static const struct poll_policy_ops *const policies[] = {
	&poll_policy_qemu,
	&poll_policy_qemu_ctx,
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

const char *poll_policy_names(void)
{
	static char buf[256];

	if (!buf[0]) {
		for (size_t i = 0; policies[i]; i++) {
			if (i)
				strcat(buf, ", ");
			strcat(buf, policies[i]->name);
		}
	}
	return buf;
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
