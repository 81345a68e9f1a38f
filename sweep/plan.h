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

#define SW_PLAN_FORMAT_VERSION 1

struct sw_slot {
	char run_id[RES_NAME_MAX];  /* p<point>-r<rep>, e.g. p0007-r2 */
	size_t point;
	int rep;                    /* 1-based */
};

struct sw_plan {
	uint64_t seed;
	int repetitions;
	struct sw_point *points;   /* owned copy of the grid */
	size_t npoints;
	struct sw_slot *runs;      /* in run order */
	size_t nruns;
};

/*
 * Plan reps repetitions of each of the n points, shuffled with seed
 * (Fisher-Yates over splitmix64). 0 or -ENOMEM.
 */
int sw_plan_build(struct sw_plan *p, const struct sw_point *pts,
		  size_t n, int reps, uint64_t seed);
void sw_plan_free(struct sw_plan *p);
/* The slot called run_id, or -1. */
long sw_plan_find(const struct sw_plan *p, const char *run_id);

json_t *sw_plan_to_json(const struct sw_plan *p);
/* 0 or -EINVAL with err. */
int sw_plan_from_json(json_t *j, struct sw_plan *p, char *err,
		      size_t errlen);
/*
 * Whether a and b plan the same grid, repetitions and order; if not, why
 * says what differs first.
 */
bool sw_plan_same(const struct sw_plan *a, const struct sw_plan *b,
		  char *why, size_t size);

/* splitmix64: the next value of *state. */
uint64_t sw_rand_next(uint64_t *state);

#endif
