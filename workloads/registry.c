/* registry.c: the one list of I/O engines (see engine.h). */
#include <stddef.h>
#include <string.h>

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

const struct wl_engine_ops *const *wl_engine_all(void)
{
	return engines;
}

const struct wl_engine_ops *wl_engine_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; engines[i]; i++)
		if (strcmp(engines[i]->name, name) == 0)
			return engines[i];
	return NULL;
}

const char *wl_engine_names(void)
{
	static char buf[256];

	if (!buf[0]) {
		for (size_t i = 0; engines[i]; i++) {
			if (i)
				strncat(buf, ", ", sizeof(buf) - strlen(buf) - 1);
			strncat(buf, engines[i]->name,
				sizeof(buf) - strlen(buf) - 1);
		}
	}
	return buf;
}
