/*
 * policy.h: adaptive polling policies ("how long to spin before blocking").
 *
 * Policy code is pure: it never reads a clock or makes a syscall. The loop
 * (or the offline simulator) owns the state, passes parameters, block times
 * and the current time in, and reads the window out:
 *
 *   before polling:  window = poll_policy_window(ops, ctx_state, max_handler_ns, p)
 *   per fired handler in the poll set, after dispatch:
 *                    ops->event(handler_state, ctx_state, p, block_ns, now)
 *   per polled handler that did not fire (optional):
 *                    ops->idle(handler_state, p, block_ns)
 *   once per loop iteration when poll_max_ns != 0 (optional):
 *                    ops->iteration(ctx_state, p, block_ns, max_event_ns, now)
 *                or, for a policy that has it, instead:
 *                    ops->observe(ctx_state, p, &obs)
 *                where obs (struct poll_obs) adds what the loop measured:
 *                the window it polled, whether polling caught the event,
 *                cumulative events, application work and thread CPU time.
 *
 * block_ns is the time from entering the iteration until the wait returned
 * (polling included, handler execution excluded), as QEMU measures it.
 * Each callback returns POLL_GREW, POLL_SHRANK or POLL_SAME so the caller can
 * count grow and shrink events.
 *
 * Policies (polling/registry.c): qemu, qemu-ctx (qemu.c), weight (weight.c),
 * fixed, off (fixed.c), ski, cost (cost.c), probe (probe.c). The offline
 * simulator that replays traces through them is polling/simulate.h.
 */
#ifndef AIOTUNE_POLLING_POLICY_H
#define AIOTUNE_POLLING_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum poll_change { POLL_SHRANK = -1, POLL_SAME = 0, POLL_GREW = 1 };

struct poll_params {
	int64_t max_ns;        /* poll-max-ns; 0 disables polling */
	int64_t grow;          /* poll-grow; 0 = default 2 */
	int64_t shrink;        /* poll-shrink; 0 = reset to 0 */
	int64_t weight;        /* poll-weight (weight policy); 0 = default 3 */
	int64_t block_cost_ns; /* CPU cost of one block + wake-up (ski, cost,
				* probe): the loop's measurement unless set;
				* ski and cost also assume a block delays the
				* event by as much (see cost.c) */
	int64_t wake_ns;       /* delay a block adds to its event, as the loop
				* measured it; 0 = unknown (probe) */
};

#define POLL_HIST_BUCKETS 32
#define POLL_STATE_EXT 96

/* Per-handler or per-context policy state; zeroed means "fresh". */
struct poll_state {
	int64_t ns;                       /* current window */
	int64_t est;                      /* policy estimate (EWMA, ...) */
	bool has_event;                   /* fired this iteration */
	uint32_t nsamples;
	uint64_t hist[POLL_HIST_BUCKETS]; /* learned block-time distribution */
	int64_t aux[4];
	int64_t ext[POLL_STATE_EXT];      /* more private state (probe) */
};

/* One loop iteration as the loop measured it (observe). */
struct poll_obs {
	int64_t now_ns;       /* end of the iteration's wait */
	int64_t block_ns;     /* as for iteration */
	int64_t max_event_ns; /* as for iteration; -1: no polled handler fired */
	int64_t window_ns;    /* the window this iteration polled for (0: none) */
	bool caught;          /* polling found work: the loop did not block */
	uint64_t events;      /* polled-handler events so far (cumulative) */
	uint64_t work;        /* work units the application reported so far
			       * (requests completed); 0 if it reports none */
	int64_t cpu_ns;       /* CPU time of the loop thread so far ... */
	int64_t cpu_at_ns;    /* ... as sampled at this time (0: never) */
};

struct poll_policy_ops {
	const char *name;
	const char *desc;    /* one line for --help and README */
	bool per_context;    /* the window is ctx_state->ns, not per handler */
	int (*event)(struct poll_state *hs, struct poll_state *cs,
		     const struct poll_params *p, int64_t block_ns,
		     int64_t now_ns);
	void (*idle)(struct poll_state *hs, const struct poll_params *p,
		     int64_t block_ns);
	int (*iteration)(struct poll_state *cs, const struct poll_params *p,
			 int64_t block_ns, int64_t max_event_ns,
			 int64_t now_ns);
	/* Optional; called instead of iteration when set. */
	int (*observe)(struct poll_state *cs, const struct poll_params *p,
		       const struct poll_obs *o);
	/* Optional override of the window; default per_context ? cs->ns : max. */
	int64_t (*window)(const struct poll_state *cs, int64_t max_handler_ns,
			  const struct poll_params *p);
};

/*
 * The registry (polling/registry.c, util/registry.h): checked once, at
 * its first use: every policy has a name (unique), a desc, and at least
 * one of event(), iteration(), observe() and window(), which set the
 * window.
 */
/* The policy called name, or NULL. */
const struct poll_policy_ops *poll_policy_find(const char *name);
/* The default policy ("qemu"). */
const struct poll_policy_ops *poll_policy_default(void);
/* NULL-terminated list of all policies, in registry order. */
const struct poll_policy_ops *const *poll_policy_all(void);
/* Comma-separated names of all policies, in registry order (built once). */
const char *poll_policy_names(void);
/* The registry itself (its check, for tests). */
struct util_registry;
struct util_registry *poll_policy_registry(void);
/* Window to poll for this iteration (clamped to [0, p->max_ns]). */
int64_t poll_policy_window(const struct poll_policy_ops *ops,
			   const struct poll_state *cs, int64_t max_handler_ns,
			   const struct poll_params *p);

/* QEMU's grow/shrink step on one window (shared by qemu and qemu-ctx). */
int poll_qemu_adjust(int64_t *ns, const struct poll_params *p,
		     int64_t block_ns);

#endif
