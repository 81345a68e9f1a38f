/* registry.c: the one list of I/O engines (see engine.h). */
#include <stddef.h>

#include "util/registry.h"
#include "util/util.h"
#include "workloads/engine.h"

extern const struct wl_engine_ops wl_engine_simnvme;
extern const struct wl_engine_ops wl_engine_io_uring;
extern const struct wl_engine_ops wl_engine_linux_aio;
extern const struct wl_engine_ops wl_engine_threads;

static const struct wl_engine_ops *const engines[] = {
	&wl_engine_simnvme,
	&wl_engine_io_uring,
	&wl_engine_linux_aio,
	&wl_engine_threads,
	NULL,
};

static const char *engine_name(size_t i)
{
	return engines[i]->name;
}

/* The required hooks (engine.h). */
static const char *engine_lacks(size_t i)
{
	const struct wl_engine_ops *ops = engines[i];

	if (!ops->init)
		return "init";
	if (!ops->queue)
		return "queue";
	if (!ops->cleanup)
		return "cleanup";
	return NULL;
}

static struct util_registry registry =
	UTIL_REGISTRY_INIT("engine", ARRAY_SIZE(engines) - 1, engine_name,
			   engine_lacks, NULL);

struct util_registry *wl_engine_registry(void)
{
	return &registry;
}

const struct wl_engine_ops *const *wl_engine_all(void)
{
	util_registry_ready(&registry);
	return engines;
}

const struct wl_engine_ops *wl_engine_find(const char *name)
{
	int i = util_registry_find(&registry, name);

	return i < 0 ? NULL : engines[i];
}

const char *wl_engine_names(void)
{
	return util_registry_names(&registry);
}
