/*
 * fio-result.h: the guest's fio output (--output-format=json+) as a run
 * object (docs/run-json.md): fio's figures through results/fio-import.h,
 * its latency as the guest's (guest_lat_ns as well as lat_ns), and its
 * completion-latency bins as aiotune's histogram (result.hist), which
 * has the same buckets (workloads/hist.h). Without bins, result.missing
 * says so.
 */
#ifndef AIOTUNE_QEMU_FIO_RESULT_H
#define AIOTUNE_QEMU_FIO_RESULT_H

#include <stddef.h>

#include <jansson.h>

#include "workloads/job.h"

/*
 * Parse text (fio's JSON document with one job of direction rw): 0 with
 * *run a new run object, or -EBADMSG with why (not JSON, not fio's, not
 * one job, bins that are not counts).
 */
int qm_fio_result(const char *text, enum wl_rw rw, json_t **run, char *why,
		  size_t whylen);

#endif
