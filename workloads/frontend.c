/* frontend.c: the one list of front ends and their shared accounting. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/registry.h"
#include "util/util.h"
#include "workloads/frontend.h"

extern const struct wl_frontend_ops wl_frontend_direct;
extern const struct wl_frontend_ops wl_frontend_virtio;

static const struct wl_frontend_ops *const frontends[] = {
	&wl_frontend_direct,
	&wl_frontend_virtio,
	NULL,
};

static const char *frontend_name(size_t i)
{
	return frontends[i]->name;
}

/* The required hooks (frontend.h). */
static const char *frontend_lacks(size_t i)
{
	const struct wl_frontend_ops *ops = frontends[i];

	if (!ops->start)
		return "start";
	if (!ops->stop)
		return "stop";
	if (!ops->idle)
		return "idle";
	if (!ops->cleanup)
		return "cleanup";
	return NULL;
}

static struct util_registry registry =
	UTIL_REGISTRY_INIT("front end", ARRAY_SIZE(frontends) - 1,
			   frontend_name, frontend_lacks, NULL);

struct util_registry *wl_frontend_registry(void)
{
	return &registry;
}

const struct wl_frontend_ops *const *wl_frontend_all(void)
{
	util_registry_ready(&registry);
	return frontends;
}

const struct wl_frontend_ops *wl_frontend_find(const char *name)
{
	int i = util_registry_find(&registry, name);

	return i < 0 ? NULL : frontends[i];
}

const char *wl_frontend_names(void)
{
	return util_registry_names(&registry);
}

bool wl_fe_measuring(const struct wl_fe *fe)
{
	return __atomic_load_n(&fe->measuring, __ATOMIC_ACQUIRE) != 0;
}

void wl_fe_set_measuring(struct wl_fe *fe, bool on)
{
	__atomic_store_n(&fe->measuring, on ? 1 : 0, __ATOMIC_RELEASE);
}

void wl_fe_account(struct wl_fe *fe, const struct wl_io *io, int64_t now_ns)
{
	struct wl_stats *s = fe->stats;
	int64_t lat = now_ns - io->start_ns;

	/* A request done: what throughput-measuring policies count. */
	if (fe->eng && fe->eng->ctx)
		aio_context_count_work(fe->eng->ctx, 1);
	fe->ios_all++;
	if (!s || !wl_fe_measuring(fe))
		return;
	s->ios++;
	if (io->ddir == WL_DDIR_WRITE)
		s->writes++;
	else
		s->reads++;
	if (io->result == (int64_t)io->len) {
		s->bytes += io->len;
	} else {
		s->errors++;
		if (!s->first_error)
			s->first_error = io->result < 0 ? (uint64_t)-io->result
							: EIO;
	}
	wl_hist_add(&s->lat, lat > 0 ? (uint64_t)lat : 0);
	/* Stages, where the engine stamped them (stats.h). */
	if (io->submit_ns && io->submit_ns >= io->start_ns &&
	    io->reap_ns >= io->submit_ns && now_ns >= io->reap_ns) {
		s->staged++;
		wl_hist_add(&s->hold, (uint64_t)(io->submit_ns -
						 io->start_ns));
		wl_hist_add(&s->device, (uint64_t)(io->reap_ns -
						   io->submit_ns));
		wl_hist_add(&s->dispatch, (uint64_t)(now_ns - io->reap_ns));
	}
}

void wl_fe_set_fatal(struct wl_fe *fe, int err, const char *what)
{
	if (fe->fatal)
		return;
	fe->fatal = err < 0 ? err : -err;
	if (fe->eng && fe->eng->err[0])
		snprintf(fe->err, sizeof(fe->err), "%.40s: %.200s", what,
			 fe->eng->err);
	else
		snprintf(fe->err, sizeof(fe->err), "%s: %s", what,
			 strerror(-fe->fatal));
}
