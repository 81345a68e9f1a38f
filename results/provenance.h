/*
 * provenance.h: what meta.json records about where and how a sweep ran:
 * aiotune version and git revision, command line, start time, host
 * (name, kernel, CPU model, cores, NUMA nodes, timer slack, clock source,
 * cpuidle driver; read by affinity/host.h) and, for each target, the
 * device behind it (model, firmware, queue settings) where sysfs has them.
 */
#ifndef AIOTUNE_RESULTS_PROVENANCE_H
#define AIOTUNE_RESULTS_PROVENANCE_H

#include <stddef.h>

#include <jansson.h>

/* The host facts (a new object). */
json_t *res_prov_host(void);
/*
 * Facts about target: "simulated" for sim:..., else the block device
 * holding it (a device node, or a file's filesystem device) with what
 * aff_device_probe() finds (affinity/affinity.h). Never fails: unknown
 * facts are left out.
 */
json_t *res_prov_device(const char *target);
/* Current UTC time as ISO 8601 ("2026-11-23T14:00:00Z"). */
void res_prov_utc_now(char *buf, size_t size);

#endif
