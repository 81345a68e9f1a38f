/*
 * test-qm-window.c: the measured window of a QEMU run from the host's
 * samples (qemu/window.h): ramp skipped after the first request, the
 * runtime after that, cut where requests stop; too few samples give the
 * whole span; no request at all gives the whole run.
 */
#include <string.h>

#include "qemu/window.h"
#include "tests/lib/test.h"

/* 20 ms samples from t = 0; I/O from io0 to io1 (sample indexes). */
static size_t fill(struct qm_sample *s, size_t n, size_t io0, size_t io1)
{
	int64_t ops = 100;

	memset(s, 0, n * sizeof(*s));
	for (size_t i = 0; i < n; i++) {
		if (i >= io0 && i <= io1)
			ops += 50;
		s[i].t_us = (int64_t)i * 20000;
		s[i].ops = ops;
	}
	return n;
}

int main(void)
{
	static struct qm_sample s[400];
	struct qm_window w;

	/* Requests from sample 10 (200 ms) to 300 (6 s). */
	fill(s, 400, 10, 300);
	qm_find_window(1000000000LL, 3000000000LL, s, 400, &w);
	ASSERT_FALSE(w.whole);
	ASSERT_EQ(w.io_start_us, 200000);
	ASSERT_EQ(w.a, 60);             /* 200 ms + 1 s */
	ASSERT_EQ(w.b, 210);            /* + 3 s */

	/* fio ended early (sample 100): the window ends with the requests. */
	fill(s, 400, 10, 100);
	qm_find_window(1000000000LL, 3000000000LL, s, 400, &w);
	ASSERT_EQ(w.a, 60);
	ASSERT_EQ(w.b, 100);

	/* Shorter than the ramp: the whole span with requests. */
	fill(s, 400, 10, 40);
	qm_find_window(1000000000LL, 3000000000LL, s, 400, &w);
	ASSERT_TRUE(w.whole);
	ASSERT_EQ(w.a, 9);
	ASSERT_EQ(w.b, 40);

	/* No request at all. */
	fill(s, 50, 100, 100);
	qm_find_window(0, 1000000000LL, s, 50, &w);
	ASSERT_TRUE(w.whole);
	ASSERT_EQ(w.io_start_us, 0);
	ASSERT_EQ(w.a, 0);
	ASSERT_EQ(w.b, 49);

	/* Ramp 0: from the first request. */
	fill(s, 400, 5, 300);
	qm_find_window(0, 1000000000LL, s, 400, &w);
	ASSERT_EQ(w.a, 5);
	ASSERT_EQ(w.b, 55);
	return 0;
}
