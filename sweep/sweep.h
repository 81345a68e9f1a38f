/*
 * sweep.h: one sweep session. A sweep runs a grid of points, each
 * repetition as its own `aiotune run ... --format json` child process
 * (fresh process state per point), in a seeded random order, writing
 * every finished run at once (results/atomic.h) to its results directory:
 *
 *   plan.json         the grid, the seed and the run order (plan.h)
 *   meta.json         provenance (results/meta.h, results/provenance.h)
 *                     and progress: sessions, failed and skipped runs
 *   results.csv       one row per finished run (results/row.h)
 *   runs/<id>.json    each run's JSON (histogram, loop statistics), with a
 *                     "sweep" object added (run id, point, rep, order)
 *   logs/<id>.log     stderr of runs that failed
 *   job.ini           a copy of the job file, if one was used
 *   sweep.lock        locked while a sweep writes here (claim.h)
 *   tmp/              each attempt's output while its run is in flight
 *
 * SIGINT or SIGTERM stops after the current run (a second one stops the
 * current run too); a resume runs what is missing.
 *
 * Errors: each call returns 0 or -errno with one line in err. -EINVAL
 * means the input was refused (a flag, a job file, a results directory
 * that cannot be used, a point `aiotune run` refused): the command line
 * is to blame. Any other code is a failure (out of memory, a file that
 * cannot be written, stored data that does not read back). Nothing here
 * exits.
 *
 * Test hook: AIOTUNE_RUN_CMD, when set, replaces the aiotune binary in the
 * child command line (split at spaces, e.g. "sh tests/sweep/fake-run.sh");
 * meta.json records it.
 */
#ifndef AIOTUNE_SWEEP_SWEEP_H
#define AIOTUNE_SWEEP_SWEEP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sweep/grid.h"

/* A sweep's options, as the command line gave them. */
struct sw_opts {
	struct sw_section flags;   /* grid dimensions given as flags */
	bool have_flag_dims;
	const char *job_path;      /* --job, or NULL */
	const char *resume_dir;    /* --resume, or NULL */
	const char *output;        /* --output, or NULL: results/NAME-TIME */
	bool allow_write;          /* --allow-write, for every run */
	int reps;                  /* --repetitions when reps_set */
	bool reps_set;
	uint64_t seed;             /* --seed when seed_set */
	bool seed_set;
	const char *name;          /* --name, or NULL */
	bool fio;                  /* aiotune fio: the grid through fio */
	unsigned variants;         /* fio variants (workloads/fio-cmd.h) */
	bool variants_set;
	const char *accel;         /* QEMU points: --accel, or NULL */
	const char *command_line;  /* for meta.json */
};

struct sw_sweep;

/* How a sweep's runs went (sw_run). */
struct sw_outcome {
	size_t runs;               /* runs in the plan */
	size_t done;               /* with a result, this session or before */
	size_t skipped;            /* settings this host cannot realize */
	int failed;                /* runs that failed this session */
	int stop_signal;           /* the signal that stopped it, or 0 */
	const char *dir;           /* the results directory (s's) */
};

/*
 * A new sweep of o (which, with the strings it points at, must outlive
 * it); NULL when out of memory.
 */
struct sw_sweep *sw_sweep_new(const struct sw_opts *o);
void sw_sweep_free(struct sw_sweep *s);

/*
 * A new sweep's plan, from the flags and/or the job file: the grid, each
 * distinct setting checked as `aiotune run` would check it, the run
 * order. Reads the job file once; writes nothing.
 */
int sw_sweep_plan(struct sw_sweep *s, char *err, size_t errlen);
/*
 * The name of a planned sweep (--name, the job file's, the job file's
 * base name) and its seed (--seed, the job file's, or drawn from the
 * clock), after sw_sweep_plan.
 */
const char *sw_sweep_name(const struct sw_sweep *s);
uint64_t sw_sweep_seed(const struct sw_sweep *s);
/* The job file's text as the plan read it (NULL without --job). */
const char *sw_sweep_job_text(const struct sw_sweep *s, size_t *len);
/*
 * Print the planned grid, the fio command lines of a fio sweep and the
 * estimated time (--dry-run), after sw_sweep_plan.
 */
void sw_sweep_print_plan(const struct sw_sweep *s, FILE *f);
/*
 * Make the results directory this sweep's: a new sweep (after
 * sw_sweep_plan) creates and claims it (refused unless it is new or
 * empty) and writes plan.json, job.ini, meta.json and results.csv; a
 * resume claims o->resume_dir and reads back what it holds (refused when
 * the flags or the job file given say something else). Then creates the
 * missing target files and opens a session in meta.json.
 */
int sw_sweep_start(struct sw_sweep *s, char *err, size_t errlen);
/*
 * Run every run not done yet, in plan order, each as a child process,
 * until all are done or a signal stops it; progress on stderr. 0 with
 * *out filled (failed runs are in out, not errors), or -errno when the
 * sweep cannot go on (-EINVAL: a run refused its settings).
 */
int sw_sweep_run(struct sw_sweep *s, struct sw_outcome *out, char *err,
		 size_t errlen);

#endif
