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

/* The required hooks (aio-internal.h); the optional ones: upgrade,
 * add_sqe, bind_thread, ring_flags. */
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

/* ---- The io_uring monitor's ring setup flags --------------------------- */

/*
 * "auto": defer, the flag set that did best in bench/fio-ring.sh on the
 * development VM (results/ref/fio-ring-ref/run2/pooled.txt, 8 interleaved
 * runs of each): at iodepth 1 the most IOPS (1.14x fio's best), the least
 * CPU per I/O (0.91x) and the shortest p99 (0.34x) of the four sets; at
 * iodepth 32 within the noise of the others (1.04x fio's IOPS, coop
 * 1.16x). README "The context ring".
 */
#define AIO_RING_AUTO (AIO_RING_SINGLE | AIO_RING_DEFER)

static const struct {
	const char *name;
	unsigned flags;
} ring_flag_sets[] = {
	{ "none", 0 },
	{ "coop", AIO_RING_COOP },
	{ "single", AIO_RING_SINGLE },
	{ "single+coop", AIO_RING_SINGLE | AIO_RING_COOP },
	{ "defer", AIO_RING_SINGLE | AIO_RING_DEFER },
};

#define RING_FLAG_SETS (sizeof(ring_flag_sets) / sizeof(ring_flag_sets[0]))

static atomic_int ring_flags_choice = -1; /* index, -1 = auto */
static atomic_bool ring_flags_from_env;

static int ring_flags_find(const char *name)
{
	for (size_t i = 0; name && i < RING_FLAG_SETS; i++)
		if (strcmp(ring_flag_sets[i].name, name) == 0)
			return (int)i;
	return -1;
}

bool aio_ring_flags_name_valid(const char *name)
{
	return name &&
	       (strcmp(name, "auto") == 0 || ring_flags_find(name) >= 0);
}

const char *aio_ring_flags_names(void)
{
	return "auto, none, coop, single, single+coop, defer";
}

int aio_set_default_ring_flags(const char *name)
{
	int i;

	if (!aio_ring_flags_name_valid(name))
		return -EINVAL;
	atomic_store(&ring_flags_from_env, true); /* an explicit call wins */
	i = strcmp(name, "auto") == 0 ? -1 : ring_flags_find(name);
	atomic_store(&ring_flags_choice, i);
	return 0;
}

unsigned fdmon_ring_flags_default(void)
{
	int i;

	if (!atomic_exchange(&ring_flags_from_env, true)) {
		const char *env = getenv("AIOTUNE_RING_FLAGS");

		if (env && *env && aio_set_default_ring_flags(env) < 0)
			fprintf(stderr, "aiotune: ignoring AIOTUNE_RING_FLAGS="
				"%s: allowed %s\n", env,
				aio_ring_flags_names());
	}
	i = atomic_load(&ring_flags_choice);
	return i < 0 ? AIO_RING_AUTO : ring_flag_sets[i].flags;
}

const char *fdmon_ring_flags_name(unsigned flags)
{
	if (flags & AIO_RING_DEFER)
		flags &= ~AIO_RING_COOP; /* defer has its own hand-off */
	for (size_t i = 0; i < RING_FLAG_SETS; i++)
		if (ring_flag_sets[i].flags == flags)
			return ring_flag_sets[i].name;
	return "?";
}

/* ---- Choosing ---------------------------------------------------------- */

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

const char *aio_context_ring_flags_name(AioContext *ctx)
{
	const FDMonOps *ops = __atomic_load_n(&ctx->fdmon_ops,
					      __ATOMIC_RELAXED);

	return ops && ops->ring_flags ? ops->ring_flags(ctx) : "-";
}

/* ---- The context's ring: aio_add_sqe ------------------------------------ */

bool aio_has_io_uring(AioContext *ctx)
{
	const FDMonOps *ops = __atomic_load_n(&ctx->fdmon_ops,
					      __ATOMIC_RELAXED);

	return ops && ops->add_sqe;
}

int aio_add_sqe(AioContext *ctx, AioPrepSqeFunc *prep, void *opaque,
		CqeHandler *cqe_handler)
{
	if (!aio_has_io_uring(ctx))
		return -ENOTSUP;
	if (!aio_context_in_home_thread(ctx))
		return -EPERM;
	return ctx->fdmon_ops->add_sqe(ctx, prep, opaque, cqe_handler);
}
