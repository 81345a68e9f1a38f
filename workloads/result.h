/*
 * result.h: a run result written out: the run JSON of docs/run-json.md
 * (jansson), a human summary and one CSV row.
 */
#ifndef AIOTUNE_WORKLOADS_RESULT_H
#define AIOTUNE_WORKLOADS_RESULT_H

#include <stdio.h>

#include <jansson.h>

#include "workloads/runner.h"

#define WL_RUN_FORMAT_VERSION 1

struct wl_provenance {
	const char *version;      /* aiotune version */
	const char *git;          /* git revision */
	const char *command_line; /* as typed, joined with spaces */
};

/*
 * The run JSON as a NUL-terminated, malloc'ed string (indented, ending
 * with a newline), or NULL on allocation failure.
 */
char *wl_result_json(const struct wl_result *r, const struct wl_provenance *p);
/* The "job" object of the run JSON: every setting of job. */
json_t *wl_job_json(const struct wl_job *job);
/* Write the run JSON as dir/run.json (dir is created). 0 or -errno. */
int wl_result_write_dir(const struct wl_result *r,
			const struct wl_provenance *p, const char *dir,
			char *err, size_t errlen);
/* The human summary. */
void wl_result_print_text(const struct wl_result *r, FILE *f);
/* CSV: a header line and one row (units in the column names). */
void wl_result_print_csv(const struct wl_result *r, FILE *f);

#endif
