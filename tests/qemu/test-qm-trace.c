/*
 * test-qm-trace.c: QEMU's polling trace lines into loop statistics
 * (qemu/trace.h): counts per thread and time window, hits, changes only
 * for grow/shrink, the window trajectory, and lines that are garbled or
 * still being written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu/trace.h"
#include "tests/lib/test.h"

/* Lines as Debian's QEMU 7.2 writes them (-msg timestamp=on, -D). */
static const char trace[] =
	/* Before the window: moves the window only. */
	"100@1000.000100:poll_grow ctx 0x55f5 old 0 new 4000\n"
	"100@1000.000200:run_poll_handlers_begin ctx 0x55f5 max_ns 4000 timeout -1\n"
	/* The window: [1001.000000, 1002.000000). */
	"100@1001.000000:run_poll_handlers_begin ctx 0x55f5 max_ns 4000 timeout -1\n"
	"100@1001.000010:run_poll_handlers_end ctx 0x55f5 progress 1 new timeout 0\n"
	"100@1001.000020:poll_grow ctx 0x55f5 old 4000 new 8000\n"
	"100@1001.000030:run_poll_handlers_begin ctx 0x55f5 max_ns 8000 timeout -1\n"
	"100@1001.000040:run_poll_handlers_end ctx 0x55f5 progress 0 new timeout -1\n"
	"100@1001.000050:poll_shrink ctx 0x55f5 old 8000 new 0\n"
	"100@1001.000060:poll_shrink ctx 0x55f5 old 0 new 0\n"
	/* Another thread (the main loop): not the IOThread's. */
	"200@1001.000070:run_poll_handlers_begin ctx 0x77aa max_ns 4000 timeout -1\n"
	"200@1001.000080:poll_grow ctx 0x77aa old 0 new 4000\n"
	/* Garbage and an event of no interest. */
	"qemu-system-x86_64: something else\n"
	"100@1001.00009:poll_grow ctx 0x55f5 old 0 new 4000\n"
	"100@1001.000095:poll_grow ctx 0x55f5 old zero new 4000\n"
	"100@1001.000096:aio_co_schedule ctx 0x55f5 co 0x1\n"
	"100@1001.000100:poll_grow ctx 0x55f5 old 0 new 4000\n"
	"100@1001.000110:run_poll_handlers_begin ctx 0x55f5 max_ns 4000 timeout -1\n"
	"100@1001.000120:run_poll_handlers_end ctx 0x55f5 progress 1 new timeout 0\n"
	/* After the window. */
	"100@1002.000000:run_poll_handlers_begin ctx 0x55f5 max_ns 4000 timeout -1\n"
	"100@1002.000010:poll_grow ctx 0x55f5 old 4000 new 8000\n"
	/* A line still being written. */
	"100@1001.500000:run_poll_handlers_begin ctx 0x55f5 max";

int main(void)
{
	static struct qm_loop l;

	qm_trace_fold(trace, strlen(trace), 100, 1001000000LL, 1002000000LL,
		      0, &l);
	ASSERT_EQ(l.attempts, 3);
	ASSERT_EQ(l.hits, 2);
	ASSERT_EQ(l.misses, 1);
	ASSERT_EQ(l.poll_budget_ns, 4000 + 8000 + 4000);
	ASSERT_EQ(l.grow, 2);           /* 4000->8000, 0->4000 */
	ASSERT_EQ(l.shrink, 1);         /* 8000->0; 0->0 is no change */
	ASSERT_EQ(l.shrink_traced, 2);
	ASSERT_EQ(l.bad_lines, 3);
	ASSERT_EQ(l.other_threads, 2);
	ASSERT_EQ(l.window_ns, 4000);
	ASSERT_EQ(l.window_max_ns, 8000);
	ASSERT_EQ(l.nsamples, 3);
	ASSERT_EQ(l.samples[0].t_ns, 20000);
	ASSERT_EQ(l.samples[0].window_ns, 8000);
	ASSERT_EQ(l.samples[1].window_ns, 0);
	ASSERT_EQ(l.samples[2].t_ns, 100000);
	ASSERT_EQ(l.samples[2].window_ns, 4000);

	/* tid 0: every thread counts. */
	qm_trace_fold(trace, strlen(trace), 0, 1001000000LL, 1002000000LL, 0,
		      &l);
	ASSERT_EQ(l.attempts, 4);
	ASSERT_EQ(l.other_threads, 0);

	/* The window before the span comes from the earlier lines. */
	qm_trace_fold(trace, strlen(trace), 100, 1000000150LL, 1001000000LL,
		      0, &l);
	ASSERT_EQ(l.attempts, 1);
	ASSERT_EQ(l.grow, 0);
	ASSERT_EQ(l.window_ns, 4000);

	/* Truncated in the middle of the first line: nothing, no crash. */
	qm_trace_fold(trace, 30, 100, 0, 2000000000LL, -1, &l);
	ASSERT_EQ(l.lines, 0);
	ASSERT_EQ(l.bad_lines, 0);
	ASSERT_EQ(l.window_ns, -1);

	/* More changes than kept: the last ones, in time order. */
	{
		size_t n = QM_TRACE_MAX_SAMPLES + 10, len = 0;
		char *big = malloc(n * 64);

		for (size_t i = 0; i < n; i++)
			len += (size_t)sprintf(big + len, "100@1001.%06zu:"
					       "poll_grow ctx 0x1 old %zu new "
					       "%zu\n", i, i, i + 1);
		qm_trace_fold(big, len, 100, 1001000000LL, 1002000000LL, 0,
			      &l);
		ASSERT_EQ(l.grow, n);
		ASSERT_EQ(l.nsamples, QM_TRACE_MAX_SAMPLES);
		ASSERT_EQ(l.dropped, 10);
		ASSERT_EQ(l.samples[0].window_ns, 11);
		ASSERT_EQ(l.samples[0].t_ns, 10000);
		ASSERT_EQ(l.samples[QM_TRACE_MAX_SAMPLES - 1].window_ns,
			  (int64_t)n);
		free(big);
	}

	/* Pure garbage. */
	qm_trace_fold("\n\n@@@\n1@2.3:x\n\xff\xfe\n", 17, 0, 0,
		      2000000000LL, 0, &l);
	ASSERT_EQ(l.attempts, 0);
	ASSERT_EQ(l.bad_lines, 5);
	return 0;
}
