/*
 * engine-real.h: what the io_uring, linux-aio and threads engines share:
 * opening the job's target through workloads/target.h (so the safety rules
 * apply to every one of them) and their common check().
 */
#ifndef AIOTUNE_WORKLOADS_ENGINE_REAL_H
#define AIOTUNE_WORKLOADS_ENGINE_REAL_H

#include <stdbool.h>
#include <stddef.h>

#include "workloads/engine.h"
#include "workloads/job.h"
#include "workloads/target.h"

/* Target options for job: write iff rw writes, --allow-write, --direct. */
void wl_real_target_opts(const struct wl_job *job, struct wl_target_opts *o);

/*
 * check() of the real engines, main thread: refuse a sim: target, then
 * check the target under the safety rules (wl_target_check: creates and
 * writes nothing) and the block size against its alignment. 0 or -errno
 * with one line in err.
 */
int wl_real_check(const struct wl_job *job, char *err, size_t errlen);

/*
 * prepare() of the real engines, main thread: open the target once under
 * the safety rules, creating and filling a missing file (with a message
 * on stderr; *created says so when created is not NULL), then close it.
 * 0 or -errno with one line in err.
 */
int wl_real_prepare(const struct wl_job *job, bool *created, char *err,
		    size_t errlen);

/*
 * Open the target for engine e (IOThread) and set e->size, e->align and
 * e->mem_align from it; a missing target is an error (prepare() creates
 * it, once, before the IOThreads start). 0 or -errno with e->err set.
 */
int wl_real_open(struct wl_engine *e, struct wl_target *t);

/*
 * Whether e may issue io: a write needs a target opened for writing. The
 * engines call it in queue(), so not even a front end bug can write
 * through a read-only job (the fd is O_RDONLY as well).
 */
bool wl_real_io_allowed(const struct wl_target *t, const struct wl_io *io);

#endif
