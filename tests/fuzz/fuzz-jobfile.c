/*
 * fuzz-jobfile.c: INI job files (sweep/jobfile.c, sweep/grid.c). An
 * accepted file must expand to points whose values are within each
 * dimension's limits, survive text -> value -> text, make a job `aiotune
 * run` accepts the syntax of, and become run arguments that parse back to
 * the same numbers.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "affinity/affinity.h"
#include "cli/cli.h"
#include "sweep/grid.h"
#include "tests/fuzz/fuzz.h"
#include "util/spawn.h"
#include "workloads/job.h"
#include "workloads/units.h"

#define NAME "fuzz.ini"
/* Points checked one by one (a grid may hold 100000). */
#define CHECK_POINTS 32

static void check_section(const struct sw_section *s)
{
	for (int d = 0; d < SW_NR_DIMS; d++)
		FUZZ_ASSERT(s->dims[d].n >= 0 &&
			    s->dims[d].n <= SW_MAX_VALUES);
}

/* The limits grid.c documents in its error messages. */
static void check_limits(const struct sw_point *p)
{
	struct aff_placement pl;
	char err[512];

	FUZZ_ASSERT(p->bs >= 1 && p->bs <= 64 << 20);
	FUZZ_ASSERT(p->iothreads >= 1 && p->iothreads <= 1024);
	FUZZ_ASSERT(p->iodepth >= 1 && p->iodepth <= 65536);
	FUZZ_ASSERT(p->poll_grow >= 0 && p->poll_shrink >= 0 &&
		    p->poll_weight >= 0);
	FUZZ_ASSERT(p->runtime_ns >= 1000000 && p->ramp_ns >= 0);
	FUZZ_ASSERT(p->poll_max_ns >= 0);
	if (aff_placement_parse(p->placement, &pl, err, sizeof(err)))
		fuzz_fail("placement '%s' accepted by the grid: %s",
			  p->placement, err);
}

/* text -> value -> text for every dimension. */
static void check_values(const struct sw_point *p)
{
	struct sw_point q;
	char buf[RES_TARGET_MAX];

	memset(&q, 0, sizeof(q));
	for (int d = 0; d < SW_NR_DIMS; d++) {
		sw_point_value(p, (enum sw_dim)d, buf, sizeof(buf));
		if (sw_point_set_value(&q, (enum sw_dim)d, buf))
			fuzz_fail("%s: its own value '%s' is refused",
				  sw_dim_key((enum sw_dim)d), buf);
	}
	FUZZ_ASSERT(sw_point_equal(p, &q));
}

/* The arguments of `aiotune run` give back the point's numbers. */
static void check_args(const struct sw_point *p)
{
	char **argv = sw_point_run_args(p);
	int64_t v;

	FUZZ_ASSERT(argv);
	for (int i = 0; argv[i]; i += 2) {
		const char *key = argv[i] + 2;

		FUZZ_ASSERT(argv[i + 1]);
		if (!strcmp(key, "runtime")) {
			FUZZ_ASSERT(!wl_parse_duration_ns(argv[i + 1],
							  1000000000, &v));
			FUZZ_ASSERT(v == p->runtime_ns);
		} else if (!strcmp(key, "ramp")) {
			FUZZ_ASSERT(!wl_parse_duration_ns(argv[i + 1],
							  1000000000, &v));
			FUZZ_ASSERT(v == p->ramp_ns);
		} else if (!strcmp(key, "poll-max-ns")) {
			FUZZ_ASSERT(!wl_parse_duration_ns(argv[i + 1], 1,
							  &v));
			FUZZ_ASSERT(v == p->poll_max_ns);
		} else if (!strcmp(key, "iodepth")) {
			FUZZ_ASSERT(!wl_parse_count(argv[i + 1], &v));
			FUZZ_ASSERT(v == p->iodepth);
		}
	}
	util_argv_free(argv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sw_grid g;
	struct wl_job job;
	char err[1024];
	int ret;

	sw_grid_init(&g);
	err[0] = '\0';
	ret = sw_grid_parse_job(&g, NAME, (const char *)data, size, err,
				sizeof(err));
	if (ret) {
		/* Refused: one message naming the file. */
		FUZZ_ASSERT(ret < 0);
		FUZZ_ASSERT(!strncmp(err, NAME ":", strlen(NAME ":")));
		sw_grid_free(&g);
		return 0;
	}
	FUZZ_ASSERT(g.repetitions >= 1 && g.repetitions <= 1000);
	FUZZ_ASSERT(g.nsections >= 0 && g.nsections <= SW_MAX_SECTIONS);
	FUZZ_ASSERT(g.name[0] && !strpbrk(g.name, " \t/"));
	check_section(&g.global);
	for (int i = 0; i < g.nsections; i++)
		check_section(g.sections[i]);
	ret = sw_grid_expand(&g, NULL, err, sizeof(err));
	if (ret) {
		FUZZ_ASSERT(ret == -E2BIG || ret == -ENOMEM);
		sw_grid_free(&g);
		return 0;
	}
	FUZZ_ASSERT(g.npoints >= 1);
	for (size_t i = 0; i < g.npoints; i++) {
		const struct sw_point *p = &g.points[i];

		check_limits(p);
		if (i >= CHECK_POINTS)
			continue;
		check_values(p);
		check_args(p);
		if (sw_point_job(p, &job, err, sizeof(err)))
			fuzz_fail("point %zu: %s", i, err);
	}
	sw_grid_free(&g);
	return 0;
}
