/*
 * point.h: what a QEMU point may be. A QEMU guest has the virtio front
 * end (virtio-blk), no guest think time and the poll policy of the
 * installed QEMU (qm_policy_of_version); the sweep gives its points these
 * (sweep/grid.c). The checks are `aiotune run`'s, with the target
 * checked as the engine of the same kind would (wl_qemu_engine_peer).
 */
#ifndef AIOTUNE_QEMU_POINT_H
#define AIOTUNE_QEMU_POINT_H

#include <stddef.h>

#include "workloads/job.h"

/*
 * Whether job (its engine a qemu one) can be run: 0, -EINVAL with one
 * line (bad settings, a target that cannot be used), -ENOTSUP (more
 * IOThreads than a QEMU guest's one disk has).
 */
int qm_job_check(const struct wl_job *job, char *err, size_t errlen);
/* The poll policy of the QEMU binary qemu ("qemu-ctx" for 7.2). */
const char *qm_binary_policy(const char *qemu);

#endif
