/*
 * point.h: QEMU points in a sweep. A qemu engine's point has what a QEMU
 * guest has, whatever the grid said: the virtio front end (virtio-blk),
 * no guest think time, and the poll policy of the installed QEMU
 * (qm_policy_of_version); the grid's values are replaced, so results and
 * figures say what ran. The checks are `aiotune run`'s, with the target
 * checked as the engine of the same kind would (wl_qemu_engine_peer).
 */
#ifndef AIOTUNE_QEMU_POINT_H
#define AIOTUNE_QEMU_POINT_H

#include <stddef.h>

#include "sweep/grid.h"
#include "workloads/job.h"

/* Give a qemu engine's point its fixed settings (others unchanged). */
void qm_point_normalize(struct sw_point *p);
/*
 * Whether job (its engine a qemu one) can be run: 0, -EINVAL with one
 * line (bad settings, a target that cannot be used), -ENOTSUP (more
 * IOThreads than a QEMU guest's one disk has).
 */
int qm_job_check(const struct wl_job *job, char *err, size_t errlen);
/* The poll policy of the QEMU binary qemu ("qemu-ctx" for 7.2). */
const char *qm_binary_policy(const char *qemu);

#endif
