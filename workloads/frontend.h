/*
 * frontend.h: front ends, what feeds requests to an engine inside one
 * IOThread, the way a guest would:
 *   direct  requests are generated in the IOThread itself: iodepth are
 *           kept in flight and each completion issues the next (fio run
 *           inside the loop);
 *   virtio  a guest thread submits into a shared ring with notification
 *           suppression and an eventfd kick; the IOThread polls the ring
 *           (io_poll), completions go back through a used ring and an
 *           "irqfd" eventfd (workloads/frontend-virtio.c).
 *
 * A front end is a `const struct wl_frontend_ops` listed in
 * workloads/frontend.c. One instance (struct wl_fe) per IOThread. The
 * runner fills the "set by the runner" fields, runs start() in the
 * IOThread after the engine's init(), flips the measurement window with
 * wl_fe_set_measuring() (in the IOThread), then runs stop(), polls idle()
 * until it says true, and runs cleanup(), all in the IOThread.
 *
 * Hooks: Required: name, start, stop, idle, cleanup (checked by the
 * registry). Optional: desc, check.
 *
 * Accounting: a front end calls wl_fe_account() in the IOThread for each
 * completed request (engine latency: queue to completion); a guest-side
 * latency (virtio) goes into fe->guest_lat from the guest thread, only
 * while wl_fe_measuring() is true. A fatal engine error (queue() < 0)
 * is stored in fe->fatal (first one wins, message in fe->err) and the
 * front end stops issuing; the runner reports it.
 */
#ifndef AIOTUNE_WORKLOADS_FRONTEND_H
#define AIOTUNE_WORKLOADS_FRONTEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loop/aio.h"
#include "workloads/engine.h"
#include "workloads/gen.h"
#include "workloads/job.h"
#include "workloads/stats.h"

struct wl_frontend_ops;

/* A named count a front end reports (virtio: "kicks", "calls", ...). */
#define WL_FE_COUNTERS_MAX 16
struct wl_fe_counter {
	const char *name;           /* static string */
	uint64_t value;
};

struct wl_fe {
	/* Set by the runner before start(). */
	const struct wl_frontend_ops *ops;
	AioContext *ctx;
	struct wl_engine *eng;      /* initialized; start() sets complete */
	const struct wl_job *job;
	int index;                  /* IOThread index */
	struct wl_stats *stats;     /* IOThread side (wl_fe_account) */
	struct wl_hist *guest_lat;  /* guest side; NULL-safe for direct */
	int measuring;              /* use wl_fe_measuring / _set_measuring */
	uint64_t ios_all;           /* wl_fe_account calls, window or not */

	/* Set by the front end. */
	void *priv;
	struct wl_aux_thread aux[WL_AUX_MAX];
	int naux;                   /* helper threads (virtio: "guest") */
	int fatal;                  /* first fatal -errno, 0 if none */
	char err[256];
	/*
	 * Optional counters for the run result, covering the measurement
	 * window; final once idle() returned true. The runner sums them
	 * by name over IOThreads.
	 */
	struct wl_fe_counter counters[WL_FE_COUNTERS_MAX];
	int ncounters;
};

struct wl_frontend_ops {
	const char *name;
	const char *desc;
	/* Optional, main thread: validate job options. 0 or -EINVAL + err. */
	int (*check)(const struct wl_job *job, char *err, size_t errlen);
	/* Required, IOThread: allocate, start helpers, issue first requests. */
	int (*start)(struct wl_fe *fe);
	/* Required, IOThread: stop issuing (in-flight ones still complete). */
	void (*stop)(struct wl_fe *fe);
	/* Required, IOThread: true when nothing is in flight any more. */
	bool (*idle)(struct wl_fe *fe);
	/* Required, IOThread: join helpers and free; after idle() or timeout. */
	void (*cleanup)(struct wl_fe *fe);
};

/*
 * The registry (workloads/frontend.c, util/registry.h): checked once, at
 * its first use, for the required hooks above and unique names.
 */
/* The front end called name, or NULL. */
const struct wl_frontend_ops *wl_frontend_find(const char *name);
/* NULL-terminated list, registry order. */
const struct wl_frontend_ops *const *wl_frontend_all(void);
/* Comma-separated names, in registry order (built once). */
const char *wl_frontend_names(void);
/* The registry itself (its check, for tests). */
struct util_registry;
struct util_registry *wl_frontend_registry(void);

/* Whether the measurement window is open (any thread). */
bool wl_fe_measuring(const struct wl_fe *fe);
/* Open or close the window (the runner, in the IOThread). */
void wl_fe_set_measuring(struct wl_fe *fe, bool on);
/*
 * Account one completed request at time now_ns (IOThread): latency from
 * io->start_ns, bytes, errors. Does nothing outside the window.
 */
void wl_fe_account(struct wl_fe *fe, const struct wl_io *io, int64_t now_ns);
/* Record a fatal error once: keeps the first, formats fe->err. */
void wl_fe_set_fatal(struct wl_fe *fe, int err, const char *what);

#endif
