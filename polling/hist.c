/* hist.c: quarter-octave block-time histogram relative to poll-max-ns. */
#include "polling/hist.h"

/* 2^(-j/4) in Q16, j = 0..3. */
static const uint32_t quarter_octave_q16[4] = { 65536, 55109, 46341, 38968 };

int64_t poll_hist_edge(int64_t max_ns, int k)
{
	int q = POLL_HIST_TOP - k;
	unsigned __int128 v;

	if (max_ns <= 0)
		return 0;
	if (q <= 0)
		return max_ns;
	v = (unsigned __int128)max_ns * quarter_octave_q16[q & 3];
	return (int64_t)(v >> (16 + q / 4));
}

int poll_hist_bucket(int64_t max_ns, int64_t v)
{
	int lo = 0, hi = POLL_HIST_TOP;

	if (v > max_ns)
		return POLL_HIST_OVER;
	/* The smallest k with v <= edge(k); edges increase with k. */
	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (v <= poll_hist_edge(max_ns, mid))
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

void poll_hist_add(struct poll_state *s, int64_t max_ns, int64_t v)
{
	if (v < 0)
		v = 0;
	s->hist[poll_hist_bucket(max_ns, v)] += POLL_HIST_ONE;
	/* The sum, for the mean (above max the buckets do not say). */
	s->aux[1] += (v < POLL_HIST_SUM_CAP ? v : POLL_HIST_SUM_CAP) *
		     POLL_HIST_ONE;
	if (s->nsamples < UINT32_MAX)
		s->nsamples++;
	if (++s->aux[0] >= POLL_HIST_DECAY_EVERY) {
		s->aux[0] = 0;
		for (int i = 0; i < POLL_HIST_BUCKETS; i++)
			s->hist[i] -= s->hist[i] >> 3;
		s->aux[1] -= s->aux[1] >> 3;
	}
}
