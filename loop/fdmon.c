/*
 * fdmon.c: the registry of fd monitors and the one place that chooses
 * between them (with fallback to poll, recorded in the statistics).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loop/aio-internal.h"
#include "util/registry.h"
#include "util/util.h"

extern const FDMonOps fdmon_epoll_ops, fdmon_io_uring_ops;

/* The choice that is no monitor: try them in the order below. */
static const char fdmon_auto[] = "auto";

/* In order of preference for "auto" (the last entry is the fallback). */
const FDMonOps *const fdmon_backends[] = {
	&fdmon_io_uring_ops,
	&fdmon_epoll_ops,
	&fdmon_poll_ops,
	NULL,
};

static const char *fdmon_name(size_t i)
{
	return fdmon_backends[i]->name;
}

/* The required hooks (aio-internal.h); upgrade is the optional one. */
static const char *fdmon_lacks(size_t i)
{
	const FDMonOps *ops = fdmon_backends[i];

	if (!ops->setup)
		return "setup";
	if (!ops->destroy)
		return "destroy";
	if (!ops->update)
		return "update";
	if (!ops->wait)
		return "wait";
	if (!ops->need_wait)
		return "need_wait";
	if (!ops->gsource_fd)
		return "gsource_fd";
	return NULL;
}

static struct util_registry registry =
	UTIL_REGISTRY_INIT("fd monitor", ARRAY_SIZE(fdmon_backends) - 1,
			   fdmon_name, fdmon_lacks, fdmon_auto);

struct util_registry *fdmon_registry(void)
{
	return &registry;
}

/* The choice for new contexts: NULL = auto. Set once from AIOTUNE_FDMON. */
static const char *_Atomic default_fdmon;
static atomic_bool default_from_env;

static const FDMonOps *fdmon_find(const char *name)
{
	int i = util_registry_find(&registry, name);

	return i < 0 ? NULL : fdmon_backends[i];
}

bool aio_fdmon_name_valid(const char *name)
{
	return util_registry_valid(&registry, name);
}

const char *aio_fdmon_names(void)
{
	return util_registry_names(&registry);
}

int aio_set_default_fdmon(const char *name)
{
	const FDMonOps *ops;

	if (!name)
		return -EINVAL;
	atomic_store(&default_from_env, true); /* an explicit call wins */
	if (strcmp(name, fdmon_auto) == 0) {
		atomic_store(&default_fdmon, NULL);
		return 0;
	}
	ops = fdmon_find(name);
	if (!ops)
		return -EINVAL;
	atomic_store(&default_fdmon, ops->name);
	return 0;
}

static const char *fdmon_default_name(void)
{
	if (!atomic_exchange(&default_from_env, true)) {
		const char *env = getenv("AIOTUNE_FDMON");

		if (env && *env && aio_set_default_fdmon(env) < 0)
			fprintf(stderr, "aiotune: ignoring AIOTUNE_FDMON=%s: "
				"allowed %s\n", env, aio_fdmon_names());
	}
	return atomic_load(&default_fdmon);
}

static int fdmon_try(AioContext *ctx, const FDMonOps *ops)
{
	int ret = ops->setup(ctx);

	if (ret == 0)
		ctx->fdmon_ops = ops;
	return ret;
}

int fdmon_choose(AioContext *ctx)
{
	const char *name = fdmon_default_name();
	const FDMonOps *ops;

	if (name) {
		ops = fdmon_find(name);
		if (ops && fdmon_try(ctx, ops) == 0)
			return 0;
		/* Unavailable here: fall back to poll (recorded by name). */
	} else {
		for (size_t i = 0; fdmon_backends[i]; i++) {
			ops = fdmon_backends[i];
			/* epoll is reached by upgrade, not chosen up front. */
			if (ops->upgrade)
				continue;
			if (fdmon_try(ctx, ops) == 0)
				return 0;
		}
	}
	return fdmon_try(ctx, &fdmon_poll_ops);
}

bool fdmon_try_upgrade(AioContext *ctx, unsigned npfd)
{
	bool ok = false;

	if (npfd < AIO_EPOLL_ENABLE_THRESHOLD)
		return false;
	for (size_t i = 0; fdmon_backends[i]; i++) {
		const FDMonOps *ops = fdmon_backends[i];

		if (!ops->upgrade)
			continue;
		/* The list must not change, and we must not be nested. */
		if (!aio_lockcnt_dec_if_lock(&ctx->list_lock))
			return false;
		ok = ops->upgrade(ctx);
		aio_lockcnt_inc_and_unlock(&ctx->list_lock);
		break;
	}
	return ok;
}

const char *aio_context_fdmon_name(AioContext *ctx)
{
	const FDMonOps *ops = __atomic_load_n(&ctx->fdmon_ops,
					      __ATOMIC_RELAXED);

	return ops ? ops->name : "none";
}
