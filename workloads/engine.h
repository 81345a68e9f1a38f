/*
 * engine.h: I/O engines, the things that carry a request to a device and
 * report its completion (io_uring, linux-aio, threads, simnvme).
 *
 * An engine is a `const struct wl_engine_ops` table listed once in
 * workloads/registry.c. One engine instance (struct wl_engine) exists per
 * IOThread and is bound to that IOThread's AioContext: every hook except
 * check() runs in the IOThread, so an engine needs no locking of its own
 * (a helper thread it starts is its own business).
 *
 * Life of an instance (the runner and the front end drive it):
 *
 *   main thread:   ops->check(job, err)          validates; creates and
 *                                                writes nothing (dry runs
 *                                                and plan checks use it)
 *                  ops->prepare(job, ...)        once per run that will
 *                                                happen, optional: creates
 *                                                a missing target file
 *   IOThread:      e = {ops, ctx, job, index, complete, opaque}
 *                  ops->init(e)                  opens the target, sets
 *                                                e->size/align/mem_align,
 *                                                registers its handlers
 *                  loop: ops->queue(e, io) ... ops->commit(e)
 *                        completions: e->complete(io, e->opaque)
 *                  ops->cleanup(e)               only when nothing is in
 *                                                flight; unregisters
 *
 * Completion delivery goes through the AioContext, never through a
 * blocking call of the engine's own: init() registers a handler with
 * aio_set_fd_handler(ctx, fd, io_read, NULL, io_poll, io_poll_ready, e)
 * whose io_poll checks for completions WITHOUT a syscall where possible
 * (CQ ring head, AIO ring, simulated deadline vs clock) and whose fd
 * (eventfd, timerfd) becomes readable when a completion arrives, so the
 * loop can block. Both io_read and io_poll_ready reap completions and call
 * e->complete() for each, in the IOThread. Optional io_poll_begin/end
 * (aio_set_fd_poll) may suppress interrupts while the loop polls.
 *
 * queue() returns enum wl_q_ret, tri-state as fio's plus a failure:
 *   WL_Q_QUEUED     accepted; it completes later through e->complete()
 *                   (it may sit in a submission batch until commit()).
 *   WL_Q_COMPLETED  done synchronously: io->result is set, e->complete()
 *                   is NOT called; the caller accounts it itself.
 *   WL_Q_BUSY       no room now: nothing was done; retry the same io after
 *                   a completion (the engine must then have one in flight).
 *   WL_Q_FAILED     fatal submission error; the run stops. The engine set
 *                   e->q_err to the -errno (wl_engine_q_fail() does it)
 *                   and may have put one line in e->err.
 * An I/O error of one request is not a queue() failure: it completes with
 * io->result = -errno (counted as an error by the front end).
 *
 * Hooks: Required: name, init, queue, cleanup (checked by the registry).
 *        Optional: desc, flags, check, prepare, commit (NULL: queue()
 *        submits at once), reap_max (hint only).
 * Batching: an engine that batches honours aio_context_get_aio_max_batch()
 * (0 = its own default) and submits when the batch is full or at commit().
 * A front end calls commit() after queuing outside a completion callback;
 * what complete() queues from inside the engine's reap, the engine itself
 * submits at the end of that reap (as QEMU's linux-aio does), so a front
 * end never calls commit() from complete().
 * A reap must be bounded: it completes the completions present when it
 * started (or a fixed batch), not "until the ring is empty". What
 * complete() queued may finish inside its own submission (page-cache
 * reads, a synchronous device) and would otherwise keep one loop
 * iteration running forever, starving BHs and timers (the runner's
 * measurement window is opened and closed by BHs).
 */
#ifndef AIOTUNE_WORKLOADS_ENGINE_H
#define AIOTUNE_WORKLOADS_ENGINE_H

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "loop/aio.h"
#include "workloads/job.h"

enum wl_ddir { WL_DDIR_READ = 0, WL_DDIR_WRITE = 1 };

/* One request. Owned by the front end; lent to the engine while queued. */
struct wl_io {
	uint64_t offset;       /* bytes, aligned to the engine's align */
	uint32_t len;          /* bytes, a multiple of align */
	enum wl_ddir ddir;
	void *buf;             /* len bytes, aligned to mem_align */
	int64_t start_ns;      /* when the front end queued it (CLOCK_MONOTONIC) */
	int64_t result;        /* set by the engine: bytes done or -errno */
	uint32_t slot;         /* front end's index of this io */
	int64_t submit_ns;     /* set by engines that can tell (io_uring),
				  else 0: when it went to the kernel... */
	int64_t reap_ns;       /* ...and when its completion was seen */
	void *fe_priv;         /* front end's per-request data */
	void *eng_priv;        /* engine's per-request data (while queued) */
	struct wl_io *next;    /* free for the engine's lists while queued */
};

/* What queue() did with a request (see above). */
enum wl_q_ret {
	WL_Q_QUEUED,
	WL_Q_COMPLETED,
	WL_Q_BUSY,
	WL_Q_FAILED,
};

/* Called in the IOThread once per completed request. */
typedef void wl_complete_fn(struct wl_io *io, void *opaque);

/* A helper thread an engine or front end runs (for CPU accounting). */
struct wl_aux_thread {
	const char *role;      /* "device", "guest", "worker" */
	pid_t tid;             /* kernel thread id (gettid) */
	pthread_t thread;
	int cpu_requested;     /* -1 = any */
};

#define WL_AUX_MAX 4

struct wl_engine_ops;

/* One engine instance: per IOThread, used only in that IOThread. */
struct wl_engine {
	/* Set by the caller before init(). */
	const struct wl_engine_ops *ops;
	AioContext *ctx;
	const struct wl_job *job;
	int index;               /* IOThread index, 0.. */
	wl_complete_fn *complete;
	void *opaque;            /* passed to complete() */

	/* Set by init(). */
	uint64_t size;           /* usable bytes from offset 0 of the target */
	uint32_t align;          /* offset and length granularity (>= 1) */
	uint32_t mem_align;      /* buffer alignment (>= sizeof(void *)) */
	void *priv;              /* engine state */
	char disk[64];           /* real targets: the block device holding
				    the data ("vda"; workloads/devstat.h
				    samples it), "" otherwise */
	struct wl_aux_thread aux[WL_AUX_MAX];
	int naux;                /* helper threads the engine started */
	const char *ring;        /* io_uring: the ring requests go through,
				    "context" or "own"; NULL otherwise */
	char err[256];           /* why init() or a submission failed */
	int q_err;               /* -errno of the last WL_Q_FAILED */
};

/* Engine flags. */
#define WL_ENG_SIMULATED  (1u << 0) /* no real target: data is not stored */
#define WL_ENG_REAL       (1u << 1) /* opens a file or block device */

struct wl_engine_ops {
	const char *name;
	const char *desc;        /* one line for --help and the README */
	unsigned int flags;      /* WL_ENG_* */
	/*
	 * Optional, main thread, before any IOThread exists: validate the
	 * target and options (syntax, safety). 0 or -errno with one line in
	 * err; the CLI prints it and exits 2 for -EINVAL, 1 otherwise.
	 */
	int (*check)(const struct wl_job *job, char *err, size_t errlen);
	/*
	 * Optional, main thread, after check() and only for a run that will
	 * happen (never for a dry run), before any IOThread exists: create
	 * what the job needs (a missing target file). *created (when not
	 * NULL): whether it created something. 0 or -errno, as check().
	 */
	int (*prepare)(const struct wl_job *job, bool *created, char *err,
		       size_t errlen);
	/* Required: set up e (see above). 0 or -errno with e->err set. */
	int (*init)(struct wl_engine *e);
	/* Required: start one request (see enum wl_q_ret above). */
	enum wl_q_ret (*queue)(struct wl_engine *e, struct wl_io *io);
	/* Optional: submit what queue() batched. 0 or -errno. */
	int (*commit)(struct wl_engine *e);
	/* Required: release everything; nothing is in flight. */
	void (*cleanup)(struct wl_engine *e);
};

/*
 * For queue(): record the fatal submission error err (-errno; anything
 * else counts as -EIO) in e->q_err and return WL_Q_FAILED.
 */
static inline enum wl_q_ret wl_engine_q_fail(struct wl_engine *e, int err)
{
	e->q_err = err < 0 ? err : -EIO;
	return WL_Q_FAILED;
}

/*
 * The registry (workloads/registry.c, util/registry.h): checked once, at
 * its first use, for the required hooks above and unique names.
 */
/* The engine called name, or NULL. */
const struct wl_engine_ops *wl_engine_find(const char *name);
/* NULL-terminated list of all engines, in registry order. */
const struct wl_engine_ops *const *wl_engine_all(void);
/* Comma-separated engine names, in registry order (built once). */
const char *wl_engine_names(void);
/* The registry itself (its check, for tests). */
struct util_registry;
struct util_registry *wl_engine_registry(void);

#endif
