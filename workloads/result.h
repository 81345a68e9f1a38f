/*
 * result.h: a run result printed: a human summary and one CSV row (the
 * run JSON is results/runjson.h's).
 */
#ifndef AIOTUNE_WORKLOADS_RESULT_H
#define AIOTUNE_WORKLOADS_RESULT_H

#include <stdio.h>

#include "workloads/runner.h"

/* The human summary. */
void wl_result_print_text(const struct wl_result *r, FILE *f);
/* CSV: a header line and one row (units in the column names). */
void wl_result_print_csv(const struct wl_result *r, FILE *f);

#endif
