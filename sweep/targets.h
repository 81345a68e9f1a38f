/*
 * targets.h: the targets of a sweep's points and writing to them.
 *
 * A sweep checks every point as `aiotune run` would, creating nothing
 * (so --dry-run leaves no file behind). Before its first run (never in a
 * dry run) it creates each missing target file once, as `aiotune run`
 * would, and decides which points may write: every point when the sweep
 * got --allow-write, otherwise those whose target file this sweep has
 * just created (it holds nothing of the user's). Those points' runs get
 * --allow-write. A point that writes to a target that existed before,
 * without --allow-write, is refused in one line naming the flag.
 */
#ifndef AIOTUNE_SWEEP_TARGETS_H
#define AIOTUNE_SWEEP_TARGETS_H

#include <stdbool.h>
#include <stddef.h>

#include "sweep/grid.h"
#include "sweep/plan.h"

/*
 * Whether `aiotune run` would accept p (sw_point_check) with
 * --allow-write when allow_write. Creates nothing. 0, -EINVAL with one
 * line in err, or -errno.
 */
int sw_point_check_writes(const struct sw_point *p, bool allow_write,
			  char *err, size_t errlen);

/*
 * Create the plan's missing target files and fill may_write (npoints
 * entries): whether the runs of each point get --allow-write. 0, or
 * -errno with one line in err naming the point's target.
 */
int sw_plan_prepare_targets(const struct sw_plan *plan, bool allow_write,
			    bool *may_write, char *err, size_t errlen);

#endif
