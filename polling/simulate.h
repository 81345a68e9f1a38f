/*
 * simulate.h: replay a trace of event arrival gaps through a polling policy
 * with a virtual clock (the library behind `aiotune simulate`).
 *
 * Trace format (plain text, one event per line):
 *	<gap_ns> [handler]
 * gap_ns is the time from the moment the loop started waiting to the
 * event's arrival, a non-negative integer in ns (at most POLL_TRACE_MAX_GAP);
 * handler is an optional non-negative integer naming the handler (the fd in
 * traces recorded by aio_context_set_trace); without it every event belongs
 * to handler 0. Blank lines and text after '#' are ignored.
 *
 * The simulated loop does per event what aio_poll does: the window is
 * poll_policy_window() over the handlers in the poll set (none polls before
 * its first event, as in the loop); an event with gap <= window is caught
 * while polling (cost: gap ns of polling); otherwise the loop polls the
 * whole window, blocks, and sees the event wake_ns after it arrived. The
 * fired handler joins the poll set, then the policy hears of it (event, then
 * idle for the others, then iteration) with the block time the loop would
 * measure: the gap, plus wake_ns when it blocked. Handlers idle for 7 s of
 * virtual time leave the poll set (the loop does so with io_uring).
 *
 * With loops the trace is replayed several times end to end; with a
 * warm-up, everything before that virtual time is replayed (the policy
 * learns) but left out of the result, as a run's ramp is.
 *
 * Cost model (stated in the output): every block costs block_cost_ns of CPU
 * and delays its event by wake_ns. Per event, T = time (gap + delay) and
 * U = loop CPU (ns polled + block costs); cost = mean T x mean U in us^2,
 * which is 1 / (IOPS x IOPS per CPU-second) for a requester that waits on
 * each event (the event's own processing left out). Lower is better.
 */
#ifndef AIOTUNE_POLLING_SIMULATE_H
#define AIOTUNE_POLLING_SIMULATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "polling/policy.h"

#define POLL_TRACE_MAX_GAP 1000000000000LL /* 1000 s */
#define POLL_TRACE_MAX_HANDLERS 4096
#define POLL_SIM_IDLE_NS 7000000000LL      /* as the loop (QEMU): 7 s */

struct poll_trace_event {
	int64_t gap_ns;
	uint32_t handler; /* index into poll_trace.ids */
};

struct poll_trace {
	struct poll_trace_event *ev;
	size_t n, cap;
	int64_t *ids;  /* handler ids as written in the trace */
	size_t nids;
};

/* Append one event; -EINVAL (bad gap or id), -E2BIG (handlers), -ENOMEM. */
int poll_trace_add(struct poll_trace *t, int64_t gap_ns, int64_t id);
/*
 * The largest trace read: 256 MiB, some 20 million events at about 12
 * bytes a line ("15000 7"); in memory an event takes 16 bytes.
 */
#define POLL_TRACE_MAX_BYTES ((size_t)256 << 20)

/*
 * Parse the len bytes of text as a trace, appending to t. On a bad line
 * returns -EINVAL and writes "line N: ..." (naming the bad text and what
 * is allowed) to err. -ENODATA if the trace has no event.
 */
int poll_trace_parse(const char *text, size_t len, struct poll_trace *t,
		     char *err, size_t errlen);
/*
 * Read fp to its end (at most POLL_TRACE_MAX_BYTES: -EFBIG with "larger
 * than 256 MiB") and parse it as poll_trace_parse does; -errno on read
 * errors.
 */
int poll_trace_read(FILE *fp, struct poll_trace *t, char *err, size_t errlen);
/*
 * Read the regular file path (util_read_file, at most
 * POLL_TRACE_MAX_BYTES) and parse it; err names the file ("PATH: not a
 * regular file", "PATH: line 3: ...").
 */
int poll_trace_load(const char *path, struct poll_trace *t, char *err,
		    size_t errlen);
void poll_trace_free(struct poll_trace *t);

struct poll_sim_config {
	struct poll_params params; /* max_ns, grow, shrink, weight, block_cost */
	int64_t wake_ns;           /* delay a block adds; >= 0 */
	uint32_t loops;            /* replay the trace this many times end to
				    * end, the policy's state carried over
				    * (0 = once) */
	int64_t warmup_ns;         /* events before this virtual time are
				    * replayed but not counted (as a run's
				    * ramp); >= 0 */
};

struct poll_sim_result {
	uint64_t events;
	uint64_t hits;        /* caught while polling */
	uint64_t blocks;      /* polled the whole window (if any), blocked */
	uint64_t ready;       /* gap 0 with no window: found without either */
	uint64_t grow_events, shrink_events;
	int64_t poll_ns;      /* total ns spent polling */
	int64_t cpu_ns;       /* poll_ns + blocks x block_cost_ns */
	int64_t delay_ns;     /* blocks x wake_ns */
	int64_t virtual_ns;   /* virtual time at the end: gaps + delay_ns */
	double cost_us2;      /* (virtual_ns / events) x (cpu_ns / events),
			       * in us^2; 0 without events */
	int64_t window_sum_ns; /* sum of the windows used, per event */
	int64_t final_window_ns;
};

/* What happened to one event (for tests and step-by-step output). */
struct poll_sim_step {
	size_t index;
	uint32_t handler;
	int64_t gap_ns;
	int64_t window_ns; /* the window it was polled for */
	int64_t block_ns;  /* what the policy was told */
	bool hit;
	bool blocked;
};

typedef void PollSimStepFn(void *opaque, const struct poll_sim_step *s);

/*
 * Replay t through ops. 0, -EINVAL for a bad config (negative values,
 * events x loops overflows), -ENOMEM. step (may be NULL) is called after
 * each event, warm-up included; out covers what followed the warm-up.
 */
int poll_sim_run(const struct poll_policy_ops *ops, const struct poll_trace *t,
		 const struct poll_sim_config *cfg, struct poll_sim_result *out,
		 PollSimStepFn *step, void *opaque);

#endif
