/*
 * runjson.h: the run result that `aiotune run --format json` prints (the
 * contract is docs/run-json.md): written from a measured run
 * (runjson-write.c) and read back into a results row (runjson.c).
 */
#ifndef AIOTUNE_RESULTS_RUNJSON_H
#define AIOTUNE_RESULTS_RUNJSON_H

#include <stddef.h>

#include <jansson.h>

#include "results/row.h"
#include "workloads/runner.h"

/* The run format written and understood. */
#define RES_RUN_FORMAT_VERSION 1

/* Where a run came from, for its JSON. */
struct res_run_prov {
	const char *version;      /* aiotune version */
	const char *git;          /* git revision */
	const char *command_line; /* as typed, joined with spaces */
};

/*
 * The run JSON of r as a NUL-terminated, malloc'ed string (indented,
 * ending with a newline), or NULL on allocation failure.
 */
char *res_run_json(const struct wl_result *r, const struct res_run_prov *p);
/* The "job" object of the run JSON: every setting of job. */
json_t *res_job_json(const struct wl_job *job);
/*
 * Write the run JSON as dir/run.json (dir is created; written aside and
 * renamed). 0 or -errno with err.
 */
int res_run_write_dir(const struct wl_result *r, const struct res_run_prov *p,
		      const char *dir, char *err, size_t errlen);

/* Parse text as a run object. 0 or -EINVAL with err; *out is owned. */
int res_run_parse(const char *text, json_t **out, char *err, size_t errlen);
/*
 * Same, from a file (a regular file of at most RES_READ_MAX bytes); err
 * names the file.
 */
int res_run_load(const char *path, json_t **out, char *err, size_t errlen);
/*
 * Any JSON document from a file, read as res_run_load reads (meta.json,
 * plan.json). 0 or -errno with err naming the file.
 */
int res_json_load(const char *path, json_t **out, char *err, size_t errlen);
/*
 * Fill r's settings and measurements from a run object. Fields the
 * sweep knows better (run_id, point, rep, order, section, wall_ns, json)
 * are left alone. Needs format_version 1, "job" and "result.iops";
 * anything else missing stays empty. 0 or -EINVAL with err.
 */
int res_row_from_run(json_t *run, struct res_row *r, char *err,
		     size_t errlen);

#endif
