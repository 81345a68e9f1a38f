/*
 * grid.h: the sweep grid. A sweep is one or more sections (a flag grid is
 * one section, "cli"; a job file has [global] defaults and one section per
 * sweep); each section gives a list of values per dimension, and the grid
 * is the Cartesian product of each section's lists, sections in order.
 *
 * Dimensions are `aiotune run`'s options (workloads/option.h), named as
 * its flags (poll-max-ns, iodepth, ...); job files use the same names (an
 * underscore may stand for a dash).
 * Lists are comma-separated, except target, whose values contain commas
 * (sim:lat=lognormal:20us,0.3) and are separated by '|', and explicit
 * placements (iothread=0,1;guest=2), also separated by '|'.
 */
#ifndef AIOTUNE_SWEEP_GRID_H
#define AIOTUNE_SWEEP_GRID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "results/row.h"

#define SW_MAX_VALUES 64
#define SW_MAX_SECTIONS 64

/* One measured setting: what one `aiotune run` is asked to do. */
struct sw_point {
	char section[RES_NAME_MAX];
	char engine[RES_NAME_MAX];
	char target[RES_TARGET_MAX];
	char rw[RES_NAME_MAX];
	int64_t bs;
	char frontend[RES_NAME_MAX];
	char guest_think[RES_NAME_MAX];
	int64_t iothreads;
	char placement[RES_PLACEMENT_MAX];
	int64_t iodepth;
	char poll_policy[RES_NAME_MAX];
	int64_t poll_grow;
	int64_t poll_shrink;
	int64_t poll_weight;
	char fdmon[RES_NAME_MAX];
	char uring_ring[RES_NAME_MAX];
	char ring_flags[RES_NAME_MAX];
	int64_t runtime_ns;
	int64_t ramp_ns;
	int64_t poll_max_ns;
};

/* Dimensions, outermost first (poll-max-ns varies fastest). */
enum sw_dim {
	SW_DIM_ENGINE,
	SW_DIM_TARGET,
	SW_DIM_RW,
	SW_DIM_BS,
	SW_DIM_FRONTEND,
	SW_DIM_GUEST_THINK,
	SW_DIM_IOTHREADS,
	SW_DIM_PLACEMENT,
	SW_DIM_IODEPTH,
	SW_DIM_POLL_POLICY,
	SW_DIM_POLL_GROW,
	SW_DIM_POLL_SHRINK,
	SW_DIM_POLL_WEIGHT,
	SW_DIM_FDMON,
	SW_DIM_URING_RING,
	SW_DIM_RING_FLAGS,
	SW_DIM_RUNTIME,
	SW_DIM_RAMP,
	SW_DIM_POLL_MAX_NS,
	SW_NR_DIMS
};

struct sw_list {
	int n;                       /* 0: not given here */
	int line;                    /* job-file line that set it, or 0 */
	char *str[SW_MAX_VALUES];   /* canonical text of each value */
	int64_t num[SW_MAX_VALUES]; /* numeric dimensions */
};

struct sw_section {
	char name[RES_NAME_MAX];
	struct sw_list dims[SW_NR_DIMS];
};

struct sw_grid {
	struct sw_section global;   /* defaults ([global] or the flags) */
	struct sw_section *sections[SW_MAX_SECTIONS];
	int nsections;
	int repetitions;             /* default 3 */
	bool repetitions_set;        /* given by the job file */
	uint64_t seed;
	bool seed_set;
	char name[RES_NAME_MAX];     /* results/<name>-<time>/ */
	char accel[8];               /* QEMU points' --accel, "" = auto */
	/* Filled by sw_grid_expand(). */
	struct sw_point *points;
	size_t npoints;
};

/* Key of a dimension ("poll-max-ns"). */
const char *sw_dim_key(enum sw_dim d);
/* Comma-separated keys of all dimensions, for error messages. */
const char *sw_dim_keys(void);
/* The dimension called key (dashes or underscores), or -1. */
int sw_dim_find(const char *key);

void sw_grid_init(struct sw_grid *g);
void sw_grid_free(struct sw_grid *g);

/*
 * Parse value (a list) for dimension d into section s, appending to what
 * s already has; each item is checked as `aiotune run` checks the option
 * (workloads/option.h). 0, or -EINVAL with the option's line in err,
 * "invalid value 'v' for --KEY: allowed ..." (as_flag) or "... for KEY:
 * ..." (a job file's key); -E2BIG with too many values.
 */
int sw_section_set(struct sw_section *s, enum sw_dim d, const char *value,
		   bool as_flag, char *err, size_t errlen);
/* Free the lists of s (s itself is the caller's). */
void sw_section_free(struct sw_section *s);
/* Whether s gives a list for d. */
bool sw_section_has(const struct sw_section *s, enum sw_dim d);

/*
 * Read an INI job file: [global] sets defaults and the sweep options
 * (repetitions, seed, name), every other section is one sweep. Unknown
 * keys, bad values and repeated keys are errors "path:line: ...".
 * 0 or -errno.
 */
int sw_grid_load_job(struct sw_grid *g, const char *path, char *err,
		     size_t errlen);
/*
 * The same for job-file text in memory (len bytes), whose messages name it
 * name ("name:line: ...").
 */
int sw_grid_parse_job(struct sw_grid *g, const char *name,
		      const char *text, size_t len, char *err, size_t errlen);

/* The largest job file read: far above any real one (64 sections). */
#define SW_JOB_MAX_BYTES (1 << 20)

/*
 * Read the job file path: a regular text file (no NUL byte) of at most
 * SW_JOB_MAX_BYTES, opened without blocking (a FIFO or a device is
 * refused, never read), into a NUL-terminated malloc'ed *text. 0, or
 * -errno with why it is not a job file in err (not naming the path):
 * -ENOENT/-EACCES..., -EISDIR, -EINVAL (not a regular or text file),
 * -EFBIG, -EIO, -ENOMEM.
 */
int sw_job_read(const char *path, char **text, size_t *len, char *err,
		size_t errlen);

/*
 * Build g->points: for each section (or the global one alone when there
 * is none), each dimension takes over's list (flags given beside a job
 * file win), else the section's, else global's, else the default. over
 * may be NULL. 0, -E2BIG (too many points) or -ENOMEM, with err.
 */
int sw_grid_expand(struct sw_grid *g, const struct sw_section *over,
		   char *err, size_t errlen);

/* Which dimensions take more than one value over g->points. */
void sw_grid_varying(const struct sw_grid *g, bool varying[SW_NR_DIMS]);

/* Whether dimension d is a number (else a name). */
bool sw_dim_numeric(enum sw_dim d);
/* Set dimension d of p from v (a plain integer for numbers). 0/-EINVAL. */
int sw_point_set_value(struct sw_point *p, enum sw_dim d, const char *v);
/* Text of dimension d of p ("16384", "randread"). */
void sw_point_value(const struct sw_point *p, enum sw_dim d, char *buf,
		    size_t size);
/*
 * Human label of p from the dimensions marked in show, e.g.
 * "iodepth=32 poll-max-ns=16k".
 */
void sw_point_label(const struct sw_point *p, const bool show[SW_NR_DIMS],
		    char *buf, size_t size);
/* Whether p and q are the same setting (section ignored). */
bool sw_point_equal(const struct sw_point *p, const struct sw_point *q);
/*
 * Whether the run row r measured point p; if not, why names the first
 * field that differs.
 */
bool sw_point_matches(const struct sw_point *p, const struct res_row *r,
		      char *why, size_t size);
struct wl_job;
/*
 * The job `aiotune run` would measure for p (its settings; the rest at
 * run's defaults). 0, or -EINVAL with err when p's rw is unknown.
 */
int sw_point_job(const struct sw_point *p, struct wl_job *job, char *err,
		 size_t errlen);
/*
 * Whether `aiotune run` would accept p (registries, target syntax, the
 * engine's and front end's checks): 0, -EINVAL with one line in err, or
 * -errno (e.g. a target that cannot be opened).
 */
int sw_point_check(const struct sw_point *p, char *err, size_t errlen);
/*
 * The `aiotune run` arguments for p (after "run"): a NULL-terminated
 * malloc'ed array of malloc'ed strings; free with util_argv_free
 * (util/spawn.h). NULL when out of memory.
 */
char **sw_point_run_args(const struct sw_point *p);

#endif
