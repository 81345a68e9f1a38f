/*
 * hist.c: the log-linear histogram (see hist.h). Bucket layout: indices
 * 0..2*WL_HIST_VAL-1 hold the values 0..2*WL_HIST_VAL-1 exactly (groups 0
 * and 1); after that each group g >= 2 covers [2^(g+BITS-1), 2^(g+BITS))
 * with WL_HIST_VAL buckets of width 2^(g-1).
 */
#include <string.h>

#include "workloads/hist.h"

void wl_hist_reset(struct wl_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

unsigned int wl_hist_index(uint64_t v)
{
	unsigned int msb, shift, idx;

	if (v < 2 * WL_HIST_VAL)
		return (unsigned int)v;
	msb = 63 - (unsigned int)__builtin_clzll(v);
	shift = msb - WL_HIST_BITS;
	idx = ((shift + 1) << WL_HIST_BITS) +
	      (unsigned int)((v >> shift) & (WL_HIST_VAL - 1));
	return idx < WL_HIST_NR ? idx : WL_HIST_NR - 1;
}

uint64_t wl_hist_bucket_lo(unsigned int idx)
{
	unsigned int group, shift;

	if (idx < 2 * WL_HIST_VAL)
		return idx;
	group = idx >> WL_HIST_BITS;
	shift = group - 1;
	return ((uint64_t)WL_HIST_VAL + (idx & (WL_HIST_VAL - 1))) << shift;
}

uint64_t wl_hist_value(unsigned int idx)
{
	unsigned int shift;

	if (idx < 2 * WL_HIST_VAL)
		return idx;
	shift = (idx >> WL_HIST_BITS) - 1;
	return wl_hist_bucket_lo(idx) + ((1ULL << shift) >> 1);
}

void wl_hist_add(struct wl_hist *h, uint64_t v)
{
	h->buckets[wl_hist_index(v)]++;
	h->n++;
	h->sum += (double)v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

void wl_hist_merge(struct wl_hist *dst, const struct wl_hist *src)
{
	if (!src->n)
		return;
	for (unsigned int i = 0; i < WL_HIST_NR; i++)
		dst->buckets[i] += src->buckets[i];
	dst->n += src->n;
	dst->sum += src->sum;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}

uint64_t wl_hist_percentile(const struct wl_hist *h, double p)
{
	uint64_t rank, seen = 0, v;

	if (!h->n)
		return 0;
	if (p <= 0)
		return h->min;
	if (p >= 100)
		return h->max;
	rank = (uint64_t)((p / 100.0) * (double)h->n + 0.999999);
	if (rank < 1)
		rank = 1;
	for (unsigned int i = 0; i < WL_HIST_NR; i++) {
		seen += h->buckets[i];
		if (seen >= rank) {
			v = wl_hist_value(i);
			if (v < h->min)
				v = h->min;
			if (v > h->max)
				v = h->max;
			return v;
		}
	}
	return h->max;
}

double wl_hist_mean(const struct wl_hist *h)
{
	return h->n ? h->sum / (double)h->n : 0.0;
}
