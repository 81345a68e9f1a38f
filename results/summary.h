/*
 * summary.h: repetitions folded into points and points into curves.
 *
 * A point (struct res_agg) is every row with the same settings from one
 * results directory ("source"); each metric gets its median, minimum and
 * maximum over the repetitions. A curve (struct res_series) is the points
 * that differ only in poll-max-ns, sorted by it: what the figures draw
 * as one line and what the recommendation looks for a knee in.
 */
#ifndef AIOTUNE_RESULTS_SUMMARY_H
#define AIOTUNE_RESULTS_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>

#include "results/row.h"

enum res_metric {
	RES_M_IOPS,
	RES_M_LAT_P50,
	RES_M_LAT_P99,
	RES_M_LAT_MEAN,
	RES_M_CPU,          /* cpu_iothread_pct */
	RES_M_IOPS_PER_CPU,
	RES_M_POLL_HIT,     /* poll_hit_pct */
	RES_M_GUEST_P50,
	RES_M_GUEST_P99,
	RES_NR_METRICS
};

struct res_stat {
	int n;              /* values present (NaNs are skipped) */
	double med, min, max;
};

struct res_agg {
	struct res_row key;   /* settings (from the first row) */
	int source;
	int nrows;
	struct res_stat m[RES_NR_METRICS];
	double spread;        /* (max - min) / median of IOPS; 0 if n < 2 */
	const struct res_row *first; /* a row of the point (for its JSON) */
};

#define RES_MAX_SOURCES 16

struct res_series {
	char label[256];      /* what sets it apart: "iodepth=32" */
	char workload[256];   /* label without the polling settings */
	char config[128];     /* polling settings but poll-max-ns */
	int source;
	size_t *pts;          /* indices into aggs, by poll_max_ns */
	size_t n;
};

struct res_summary {
	struct res_agg *aggs;
	size_t naggs;
	struct res_series *series;
	size_t nseries;
	int nsources;
	char source_label[RES_MAX_SOURCES][RES_NAME_MAX];
	const struct res_table *tables[RES_MAX_SOURCES];
};

/* Name of a metric's column ("iops", "lat_p99_ns"). */
const char *res_metric_col(enum res_metric m);

/*
 * Fold the rows of ntables tables (one per results directory, labelled
 * labels[i]) into points and curves. The tables must outlive s.
 * 0 or -ENOMEM / -EINVAL (no rows).
 */
int res_summary_build(struct res_summary *s, const struct res_table *tables,
		      const char *const *labels, int ntables);
void res_summary_free(struct res_summary *s);

/* Median, min, max of n values (NaNs skipped); v is reordered. */
struct res_stat res_stat_of(double *v, size_t n);

/* The point of curve c at poll-max-ns p, or NULL. */
const struct res_agg *res_series_at(const struct res_summary *s,
				    const struct res_series *c, int64_t p);

/* "16k" for 16384, "0", "1500" for non-multiples of 1024. */
void res_fmt_ns_short(int64_t ns, char *buf, size_t size);

#endif
