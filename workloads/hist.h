/*
 * hist.h: log-linear latency histogram, bin-compatible with fio's
 * (docs/anchors.md section 3.3): values are grouped by their most
 * significant bit and the next WL_HIST_BITS bits index a bucket inside the
 * group, so the relative error is at most 1/2^(WL_HIST_BITS+1) (0.78%).
 * Values below 2^WL_HIST_BITS are exact; values past 2^(GROUPS+BITS-1) ns
 * (about 17 s) land in the last bucket. Percentiles use bucket midpoints.
 *
 * A histogram is plain data (no locking): one writer thread at a time.
 */
#ifndef AIOTUNE_WORKLOADS_HIST_H
#define AIOTUNE_WORKLOADS_HIST_H

#include <stdint.h>

#define WL_HIST_BITS 6
#define WL_HIST_VAL (1u << WL_HIST_BITS)
#define WL_HIST_GROUPS 29
#define WL_HIST_NR (WL_HIST_GROUPS * WL_HIST_VAL)

struct wl_hist {
	uint64_t n;
	uint64_t min;    /* exact, UINT64_MAX when empty */
	uint64_t max;    /* exact */
	double sum;      /* for the mean */
	uint64_t buckets[WL_HIST_NR];
};

/* Empty the histogram. */
void wl_hist_reset(struct wl_hist *h);
/* Record one value (ns). */
void wl_hist_add(struct wl_hist *h, uint64_t v);
/* Add every sample of src into dst. */
void wl_hist_merge(struct wl_hist *dst, const struct wl_hist *src);
/* Bucket index of value v. */
unsigned int wl_hist_index(uint64_t v);
/* Representative value (midpoint) of bucket idx. */
uint64_t wl_hist_value(unsigned int idx);
/* Lowest value that maps to bucket idx. */
uint64_t wl_hist_bucket_lo(unsigned int idx);
/*
 * Percentile p (0 < p <= 100): the midpoint of the bucket holding the
 * sample of rank ceil(p/100 * n), clamped to [min, max]; 0 when empty.
 */
uint64_t wl_hist_percentile(const struct wl_hist *h, double p);
/* Mean of the exact values; 0 when empty. */
double wl_hist_mean(const struct wl_hist *h);

#endif
