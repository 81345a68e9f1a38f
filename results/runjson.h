/*
 * runjson.h: reading the run result that `aiotune run --format json`
 * prints (the contract is docs/run-json.md) into a results row.
 */
#ifndef AIOTUNE_RESULTS_RUNJSON_H
#define AIOTUNE_RESULTS_RUNJSON_H

#include <stddef.h>

#include <jansson.h>

#include "results/row.h"

/* The run format this reader understands. */
#define RES_RUN_FORMAT_VERSION 1

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
