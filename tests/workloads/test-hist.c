/* test-hist.c: log-linear histogram layout, round trip and percentiles. */
#include "tests/lib/test.h"
#include "util/util.h"
#include "workloads/hist.h"

static struct wl_hist h, h2;

int main(void)
{
	unsigned int prev = 0;

	/* Small values are exact. */
	for (uint64_t v = 0; v < 128; v++) {
		ASSERT_EQ(wl_hist_index(v), v);
		ASSERT_EQ(wl_hist_value((unsigned int)v), v);
	}
	/* fio's layout at the group boundaries. */
	ASSERT_EQ(wl_hist_index(128), 128);
	ASSERT_EQ(wl_hist_index(129), 128);
	ASSERT_EQ(wl_hist_index(130), 129);
	ASSERT_EQ(wl_hist_index(255), 191);
	ASSERT_EQ(wl_hist_index(256), 192);
	ASSERT_EQ(wl_hist_value(128), 129);
	ASSERT_EQ(wl_hist_index(UINT64_MAX), WL_HIST_NR - 1);

	/* Round trip: monotonic, value inside its bucket, error <= 1/128. */
	for (uint64_t v = 1; v < (1ULL << 34); v = v * 9 / 8 + 1) {
		unsigned int idx = wl_hist_index(v);
		uint64_t mid = wl_hist_value(idx);
		double err = (double)(mid > v ? mid - v : v - mid) / (double)v;

		ASSERT_GE(idx, prev);
		prev = idx;
		ASSERT_LE(wl_hist_bucket_lo(idx), v);
		ASSERT_GT(wl_hist_bucket_lo(idx + 1), v);
		ASSERT_EQ(wl_hist_index(mid), idx);
		ASSERT_DBL(err, <=, 1.0 / 128);
	}

	/* Percentiles on known data: 1..1000 us, uniform. */
	wl_hist_reset(&h);
	ASSERT_EQ(wl_hist_percentile(&h, 50), 0);
	for (uint64_t i = 1; i <= 1000; i++)
		wl_hist_add(&h, i * 1000);
	ASSERT_EQ(h.n, 1000);
	ASSERT_EQ(h.min, 1000);
	ASSERT_EQ(h.max, 1000000);
	ASSERT_DBL(wl_hist_mean(&h), ==, 500500.0);
	struct { double p; double want; } cases[] = {
		{ 50, 500000 }, { 90, 900000 }, { 99, 990000 },
		{ 99.9, 999000 }, { 1, 10000 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		double got = (double)wl_hist_percentile(&h, cases[i].p);

		ASSERT_DBL(got, >=, cases[i].want * (1 - 1.0 / 128));
		ASSERT_DBL(got, <=, cases[i].want * (1 + 1.0 / 128));
	}
	ASSERT_EQ(wl_hist_percentile(&h, 100), 1000000);

	/* A single value comes back exactly (clamped to min/max). */
	wl_hist_reset(&h2);
	wl_hist_add(&h2, 15123);
	ASSERT_EQ(wl_hist_percentile(&h2, 50), 15123);
	ASSERT_EQ(wl_hist_percentile(&h2, 99.9), 15123);

	/* Merge adds counts, keeps extremes. */
	wl_hist_merge(&h2, &h);
	ASSERT_EQ(h2.n, 1001);
	ASSERT_EQ(h2.min, 1000);
	ASSERT_EQ(h2.max, 1000000);
	return T_EXIT_PASS;
}
