/*
 * trace.h: QEMU's polling trace events, read back as aiotune's loop
 * statistics. QEMU (7.2, Debian's build: the "log" trace backend) runs
 * with -trace for poll_grow, poll_shrink, run_poll_handlers_begin and
 * run_poll_handlers_end, -msg timestamp=on and -D FILE, so each event is
 * one line
 *
 *   TID@SECONDS.MICROSECONDS:EVENT ctx 0x... ARGS
 *
 * where TID is the thread that fired it (the IOThread, for its context)
 * and the time is the host's wall clock. QEMU 7.2 keeps one poll window
 * per AioContext: a busy-poll attempt is one run_poll_handlers_begin, a
 * hit an _end with "progress 1" (the loop then does not block), and each
 * adjustment after a wait is a poll_grow or poll_shrink "old N new M".
 * QEMU traces a shrink even when the window was already 0 (old 0 new 0);
 * aiotune's loop counts only changes, and so does shrinks here.
 */
#ifndef AIOTUNE_QEMU_TRACE_H
#define AIOTUNE_QEMU_TRACE_H

#include <stddef.h>
#include <stdint.h>

#define QM_TRACE_MAX_SAMPLES 4096

struct qm_window_sample {
	int64_t t_ns;        /* since the start of the measured window */
	int64_t window_ns;   /* the window after the change */
};

struct qm_loop {
	uint64_t lines;          /* event lines of the thread, in the window */
	uint64_t bad_lines;      /* lines that are not a trace event */
	uint64_t other_threads;  /* events of other threads (not counted) */
	uint64_t attempts;       /* run_poll_handlers_begin */
	uint64_t hits;           /* run_poll_handlers_end progress 1 */
	uint64_t misses;         /* run_poll_handlers_end progress 0 */
	uint64_t grow;           /* poll_grow that changed the window */
	uint64_t shrink;         /* poll_shrink that changed the window */
	uint64_t shrink_traced;  /* every poll_shrink, 0 -> 0 included */
	int64_t poll_budget_ns;  /* sum of max_ns over the attempts */
	int64_t window_ns;       /* the window at the end (-1: no event) */
	int64_t window_max_ns;   /* largest window seen */
	size_t nsamples;         /* window trajectory: the last changes, */
	struct qm_window_sample samples[QM_TRACE_MAX_SAMPLES]; /* in order */
	size_t dropped;          /* earlier changes not kept */
};

/*
 * Fold the trace text (len bytes, any number of lines) into *out: the
 * events of thread tid (0: any thread) whose time lies in [t0_us, t1_us)
 * (host wall clock, microseconds since the epoch) are counted; earlier
 * ones only move the window, which is window0_ns when the text begins
 * (-1: unknown; a qom-set of poll-max-ns makes it 0). A last line without
 * its newline (a log still being written) is not read; lines that do not
 * parse are counted in bad_lines, never fatal.
 */
void qm_trace_fold(const char *text, size_t len, int tid, int64_t t0_us,
		   int64_t t1_us, int64_t window0_ns, struct qm_loop *out);

#endif
