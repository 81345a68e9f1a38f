/*
 * plan.h: the run plan of a sweep: every grid point times the number of
 * repetitions, in a randomized order (seeded, so a plan can be rebuilt
 * and checked), saved as plan.json in the results directory. A resumed
 * sweep reloads the plan and runs what is not done yet.
 */
#ifndef AIOTUNE_SWEEP_PLAN_H
#define AIOTUNE_SWEEP_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "sweep/grid.h"

#define RES_PLAN_FORMAT_VERSION 1

struct res_slot {
	char run_id[RES_NAME_MAX];  /* p<point>-r<rep>, e.g. p0007-r2 */
	size_t point;
	int rep;                    /* 1-based */
};

struct res_plan {
	uint64_t seed;
	int repetitions;
	struct res_point *points;   /* owned copy of the grid */
	size_t npoints;
	struct res_slot *runs;      /* in run order */
	size_t nruns;
};

/*
 * Plan reps repetitions of each of the n points, shuffled with seed
 * (Fisher-Yates over splitmix64). 0 or -ENOMEM.
 */
int res_plan_build(struct res_plan *p, const struct res_point *pts,
		   size_t n, int reps, uint64_t seed);
void res_plan_free(struct res_plan *p);
/* The slot called run_id, or -1. */
long res_plan_find(const struct res_plan *p, const char *run_id);

json_t *res_plan_to_json(const struct res_plan *p);
/* 0 or -EINVAL with err. */
int res_plan_from_json(json_t *j, struct res_plan *p, char *err,
		       size_t errlen);
/*
 * Whether a and b plan the same grid, repetitions and order; if not, why
 * says what differs first.
 */
bool res_plan_same(const struct res_plan *a, const struct res_plan *b,
		   char *why, size_t size);

/* splitmix64: the next value of *state. */
uint64_t res_rand_next(uint64_t *state);

#endif
