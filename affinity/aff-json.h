/*
 * aff-json.h: affinity/ objects as jansson JSON, for `aiotune topo` and
 * for the run result (cpu.threads[], host provenance). Each returns a new
 * reference, or NULL when out of memory.
 */
#ifndef AIOTUNE_AFFINITY_JSON_H
#define AIOTUNE_AFFINITY_JSON_H

#include <jansson.h>

#include "affinity/affinity.h"

/* Host summary, domains, PUs and I/O block devices. */
json_t *aff_topo_json(const struct aff_topo *t);
/* Device facts; caps may be NULL. */
json_t *aff_device_json(const struct aff_device *d,
			const struct aff_caps *caps);
/* {"placement", "status": "ok"|"skipped", "reason"?, "threads": [...]} */
json_t *aff_plan_json(const struct aff_plan *plan, int status,
		      const char *why);
/* The per-thread fields of docs/run-json.md (cpu_requested, ...). */
json_t *aff_thread_rec_json(const struct aff_thread_rec *rec);
/* A cpulist string ("0-3,8") as a JSON string. */
json_t *aff_cpuset_json(const struct aff_cpuset *s);

#endif
