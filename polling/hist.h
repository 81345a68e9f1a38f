/*
 * hist.h: the learned block-time distribution of the cost policy, kept in
 * struct poll_state's hist[] (POLL_HIST_BUCKETS counters).
 *
 * Buckets are relative to poll-max-ns (M), a quarter octave wide:
 *	bucket k (0 <= k <= 30) holds (edge(k-1), edge(k)], edge(k) = M * 2^((k-30)/4)
 *	bucket 0 holds [0, edge(0)] (edge(0) = M / 181),
 *	bucket 31 holds everything above M.
 * So the window can be chosen to within 19% anywhere from M/181 to M, and
 * the buckets move with M (new parameters reset the state anyway).
 * Counters are fixed point (POLL_HIST_ONE per sample) and decay by 1/8
 * every POLL_HIST_DECAY_EVERY samples, so old samples fade with a time
 * constant of about 128 samples. aux[1] holds the sum of the samples (each
 * capped at POLL_HIST_SUM_CAP), scaled and aged the same way, so that
 * aux[1] / sum(hist) is their mean; aux[0] counts samples to the next decay.
 */
#ifndef AIOTUNE_POLLING_HIST_H
#define AIOTUNE_POLLING_HIST_H

#include "polling/policy.h"

#define POLL_HIST_TOP (POLL_HIST_BUCKETS - 2) /* the bucket that ends at M */
#define POLL_HIST_OVER (POLL_HIST_BUCKETS - 1) /* above M */
#define POLL_HIST_ONE 256
#define POLL_HIST_DECAY_EVERY 16
#define POLL_HIST_SUM_CAP 1000000000000LL /* 1000 s: no overflow */

/* Upper edge of bucket k (0 <= k <= POLL_HIST_TOP) for poll-max-ns max_ns. */
int64_t poll_hist_edge(int64_t max_ns, int k);
/* The bucket holding block time v. */
int poll_hist_bucket(int64_t max_ns, int64_t v);
/* Count one sample of v in s->hist (and age the old ones). */
void poll_hist_add(struct poll_state *s, int64_t max_ns, int64_t v);

#endif
