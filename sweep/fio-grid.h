/*
 * fio-grid.h: the grid of an `aiotune fio` sweep: the points of an
 * aiotune grid as fio runs them (workloads/fio-cmd.h), in each variant,
 * and what fio leaves out, with the reason.
 */
#ifndef AIOTUNE_SWEEP_FIO_GRID_H
#define AIOTUNE_SWEEP_FIO_GRID_H

#include <stdbool.h>
#include <stddef.h>

#include "sweep/grid.h"
#include "workloads/fio-cmd.h"

/* A point fio leaves out (or collapses), and why. */
struct sw_fio_note {
	char what[160];   /* "engine=simnvme", "poll-max-ns=4k,8k" */
	char why[256];
};

#define SW_FIO_MAX_NOTES 32

/* The grid of an `aiotune fio` sweep. */
struct sw_fio_grid {
	struct sw_point *points;   /* fio points, each once */
	size_t n;
	struct sw_fio_note notes[SW_FIO_MAX_NOTES];
	int nnotes;
};

/*
 * Map the n aiotune points of a sweep grid to the fio points: every
 * expressible point in each variant of mask (hipri only where
 * hipri_ok(target) says the device completes polled I/O; its reason is
 * noted otherwise), polling settings reset (poll-max-ns 0, policy off),
 * duplicates dropped. Every point or variant left out is noted with the
 * reason. 0 or -ENOMEM.
 */
int sw_fio_grid_build(const struct sw_point *in, size_t n, unsigned mask,
		      bool (*hipri_ok)(const char *target, char *why,
				    size_t whylen),
		      struct sw_fio_grid *out);
void sw_fio_grid_free(struct sw_fio_grid *g);

/*
 * The fio command line of fio point p (its engine a fio name), as
 * wl_fio_argv; NULL with why when p cannot be mapped or its placement not
 * realized here (why is empty when memory ran out).
 */
char **sw_fio_point_argv(const struct sw_point *p, const char *fio_bin,
			 const char *json_out, char *why, size_t whylen);

#endif
