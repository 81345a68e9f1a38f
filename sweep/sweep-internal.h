/*
 * sweep-internal.h: the state of a sweep session (sweep.h), shared by
 * session.c (plan, new directory, resume), meta.c (meta.json), run.c
 * (the runs) and print.c (dry run, progress).
 */
#ifndef AIOTUNE_SWEEP_SWEEP_INTERNAL_H
#define AIOTUNE_SWEEP_SWEEP_INTERNAL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "results/row.h"
#include "sweep/fio-grid.h"
#include "sweep/grid.h"
#include "sweep/plan.h"
#include "sweep/sweep.h"

/* Start-up and tear-down of one child beyond runtime + ramp (estimate). */
#define SW_RUN_OVERHEAD_NS 300000000LL

struct sw_sweep {
	const struct sw_opts *o;

	/* Options as they apply (the flags, the job file, the directory). */
	const char *name;
	char name_buf[RES_NAME_MAX];
	const char *accel;            /* QEMU points: --accel (qemu/qemu.h) */
	char accel_buf[8];
	unsigned variants;            /* fio variants */

	/* State. */
	struct sw_grid grid;
	char *job_text;               /* the job file as read, once */
	size_t job_len;
	const struct sw_plan *stored; /* resume: the directory's plan */
	char dir[PATH_MAX];
	char start_time[32];
	struct sw_plan plan;
	bool *done;
	bool *may_write;              /* per point: runs get --allow-write */
	size_t ndone;
	size_t skipped;               /* runs this host cannot realize */
	int failed;
	bool interrupted;             /* a signal asked to stop */
	struct res_table table;
	json_t *meta;
	json_t *session;
	char **run_cmd;               /* argv prefix of the child */
	char *run_cmd_buf;            /* AIOTUNE_RUN_CMD's words, or NULL */
	int nrun_cmd;
	bool show[SW_NR_DIMS];        /* dimensions in labels */
	bool tty;
	struct sw_fio_grid fio_grid;  /* aiotune fio: points and notes */
	char qemu_session[256];       /* QEMU points: the VM's session */
	char err[2048];               /* the last error */
};

/* Put a message in s->err; returns ret. */
int sw_fail(struct sw_sweep *s, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * The plan from the flags and/or the job file (a resume: with the stored
 * plan's seed and repetitions, s->stored). 0 or -errno with s->err.
 */
int sw_build_plan(struct sw_sweep *s);
/*
 * A resume uses the directory's own seed and repetitions: a value given
 * (by_flag, or by the job file) that differs is refused rather than
 * ignored. 0 or -EINVAL with s->err.
 */
int sw_resume_agrees(struct sw_sweep *s, const char *what, bool given,
		     bool by_flag, uint64_t v, uint64_t stored);
/* Make s->dir this process's alone for its whole life (claim.h). */
int sw_claim_dir(struct sw_sweep *s);
/* Resume o->resume_dir (resume.c). 0 or -errno with s->err. */
int sw_start_resume(struct sw_sweep *s);

/* DIR/name into buf. 0 or -ENAMETOOLONG with s->err. */
int sw_path_in(struct sw_sweep *s, const char *name, char *buf,
	       size_t size);
/* Write j as DIR/name, atomically. 0 or -errno with s->err. */
int sw_save_json(struct sw_sweep *s, const char *name, json_t *j);
/* Write s->table as DIR/results.csv. 0 or -errno with s->err. */
int sw_save_csv(struct sw_sweep *s);

/* meta.json of a new sweep (its plan built). NULL when out of memory. */
json_t *sw_meta_new(struct sw_sweep *s);
/* A new session object (command line, start, runs done before). */
json_t *sw_meta_session(const struct sw_sweep *s);
/* Write meta.json with the session's end time and counts. 0 or -errno. */
int sw_meta_save(struct sw_sweep *s);
/* Add v to the array meta[key] unless it is there already. */
void sw_meta_note(json_t *meta, const char *key, json_t *v);
/* Drop the failed_runs entries of run_id (it has a result now). */
void sw_meta_forget_failure(json_t *meta, const char *run_id);
/* The fio variants a fio sweep's meta.json lists, as a mask. */
unsigned sw_meta_variants(json_t *meta);

/* Which dimensions labels show: those that vary, iodepth, poll-max-ns. */
void sw_label_dims(struct sw_sweep *s);
/* Seconds the runs not done yet will take (done may be NULL). */
double sw_estimate_s(const struct sw_plan *p, const bool *done);
/* "1:02:03" or "2:03". */
void sw_fmt_duration(double s, char *buf, size_t size);
/* What fio leaves out of a fio sweep, one "aiotune: fio: ..." line each. */
void sw_print_fio_notes(const struct sw_sweep *s, FILE *f);
/* The line of a run: "[3/20] iodepth=1 poll-max-ns=4k rep 1/3 ...". */
void sw_print_progress(const struct sw_sweep *s, size_t slot, size_t nth,
		       size_t total, double eta_s, const struct res_row *last);

#endif
