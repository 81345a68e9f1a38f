/*
 * aio.h: the AioContext event loop (public API of libaioloop).
 *
 * An AioContext is a single-threaded event loop with bottom halves, fd and
 * event-notifier handlers with userspace poll callbacks, timers and adaptive
 * busy polling. Behaviour: docs/loop-contract.md (QEMU's AioContext; the
 * differences we chose: docs/loop-contract.md section 14).
 *
 * Thread safety: aio_notify, aio_bh_schedule*, aio_bh_cancel, aio_bh_delete,
 * aio_bh_schedule_oneshot, aio_set_fd_handler, aio_set_event_notifier,
 * aio_timer_mod/del and aio_context_acquire/release may be called from any
 * thread. aio_poll runs in one thread at a time (the home thread).
 *
 * Errors: actions return 0 or -errno; predicates return bool.
 */
#ifndef AIOTUNE_LOOP_AIO_H
#define AIOTUNE_LOOP_AIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct AioContext AioContext;
typedef struct AioBH AioBH;
typedef struct AioTimer AioTimer;
typedef struct _GSource GSource;

typedef void AioBHFunc(void *opaque);
typedef void IOHandler(void *opaque);
typedef bool AioPollFn(void *opaque);

/* ---- Event notifiers (eventfd) ---------------------------------------- */

typedef struct EventNotifier {
	int rfd;
	int wfd;
	bool initialized;
} EventNotifier;

typedef void EventNotifierHandler(EventNotifier *e);

/* Create the eventfd; set it at once when active. 0 or -errno. */
int event_notifier_init(EventNotifier *e, bool active);
/* Close the eventfd; safe on a never-initialized notifier. */
void event_notifier_cleanup(EventNotifier *e);
/* Make the notifier readable (write 1 to the eventfd). 0 or -errno. */
int event_notifier_set(EventNotifier *e);
/* Clear the notifier; true when it was set. */
bool event_notifier_test_and_clear(EventNotifier *e);
/* The fd to wait on. */
int event_notifier_get_fd(const EventNotifier *e);

/* ---- Context ---------------------------------------------------------- */

/* A new context (refcount 1), or NULL with errno set. */
AioContext *aio_context_new(void);
/* Take a reference. */
void aio_context_ref(AioContext *ctx);
/* Drop a reference; the last one frees the context (aborts on live BHs). */
void aio_context_unref(AioContext *ctx);

/*
 * Run one iteration: BHs, then ready handlers, then expired timers.
 * With blocking, wait (polling first, per the policy) until something
 * happens. Returns true when progress was made (a callback other than the
 * context's own notifier ran); aio_notify alone gives false.
 */
bool aio_poll(AioContext *ctx, bool blocking);
/* Force the next or current aio_poll to re-evaluate (wakes a blocked one). */
void aio_notify(AioContext *ctx);
/* Clear the pending-notification flag (done by aio_poll itself). */
void aio_notify_accept(AioContext *ctx);

/*
 * 2015 lock semantics: a recursive lock; aio_poll releases it while blocked.
 * Contention kicks a blocked owner with aio_notify.
 */
void aio_context_acquire(AioContext *ctx);
void aio_context_release(AioContext *ctx);

/* The context's GSource (referenced): attach it to a GMainContext. */
GSource *aio_get_g_source(AioContext *ctx);

/* ---- Bottom halves ----------------------------------------------------- */

/* A new, unscheduled BH. */
AioBH *aio_bh_new(AioContext *ctx, AioBHFunc *cb, void *opaque);
/* Run cb once in the next aio_poll (any thread). */
void aio_bh_schedule(AioBH *bh);
/* As aio_bh_schedule, but not progress and only bounds waits to 10 ms. */
void aio_bh_schedule_idle(AioBH *bh);
/* Unschedule; racy against a concurrently running loop by design. */
void aio_bh_cancel(AioBH *bh);
/* Free the BH (never runs again); safe from its own callback. */
void aio_bh_delete(AioBH *bh);
/* Allocate, schedule and free after one run: run cb in ctx's thread. */
void aio_bh_schedule_oneshot(AioContext *ctx, AioBHFunc *cb, void *opaque);

/* ---- fd and event-notifier handlers ------------------------------------ */

/*
 * Register, replace or (all callbacks NULL) remove the handler for fd.
 * io_poll is ignored without io_poll_ready. Notifies the loop, except when
 * removing an fd that has no handler.
 */
void aio_set_fd_handler(AioContext *ctx, int fd, IOHandler *io_read,
			IOHandler *io_write, AioPollFn *io_poll,
			IOHandler *io_poll_ready, void *opaque);
/* Set io_poll_begin/end of fd's current handler (reset on re-register). */
void aio_set_fd_poll(AioContext *ctx, int fd, IOHandler *io_poll_begin,
		     IOHandler *io_poll_end);
/* aio_set_fd_handler on the notifier's fd with opaque = e. */
void aio_set_event_notifier(AioContext *ctx, EventNotifier *e,
			    EventNotifierHandler *io_read, AioPollFn *io_poll,
			    EventNotifierHandler *io_poll_ready);
/* aio_set_fd_poll for an event notifier. */
void aio_set_event_notifier_poll(AioContext *ctx, EventNotifier *e,
				 EventNotifierHandler *io_poll_begin,
				 EventNotifierHandler *io_poll_end);

/* ---- io_uring requests on the context's own ring (QEMU 10.2) ------------ */

struct io_uring_sqe;

/* The parts of a CQE a handler reads (struct io_uring_cqe, no CQE32 tail). */
typedef struct AioCqe {
	uint64_t user_data; /* the loop's own tag: not the caller's */
	int32_t res;        /* the request's result: bytes, 0 or -errno */
	uint32_t flags;     /* IORING_CQE_F_* */
} AioCqe;

typedef struct CqeHandler CqeHandler;
typedef void CqeHandlerFunc(CqeHandler *cqe_handler);

/*
 * One request's completion. The caller sets cb and keeps the handler alive
 * (usually inside its request) until cb has run; cqe is filled just before,
 * and so are the two times (CLOCK_MONOTONIC ns, as aio_clock_get_ns) that
 * split the request's latency into stages.
 */
struct CqeHandler {
	CqeHandlerFunc *cb;
	AioCqe cqe;
	int64_t submit_ns; /* the loop entered the kernel with its SQE */
	int64_t reap_ns;   /* the loop took its CQE from the ring */
	CqeHandler *next;  /* private to loop/: the context's ready queue */
};

/* Fills an SQE: opcode, fd, buffer... but never its user data. */
typedef void AioPrepSqeFunc(struct io_uring_sqe *sqe, void *opaque);

/* Whether ctx's fd monitor has a ring that takes SQEs (io_uring only). */
bool aio_has_io_uring(AioContext *ctx);

/*
 * Queue one request on ctx's own ring: prep(sqe, opaque) fills the SQE, the
 * loop sets its user data. Queued SQEs go to the kernel with the loop's next
 * wait (one io_uring_enter), or without a wait when the loop does not block.
 * cqe_handler->cb runs once, with the CQE, in the dispatch phase of an
 * aio_poll (before BHs; FIFO; at most aio-max-batch per aio_poll, the rest
 * in the next ones; a nested aio_poll runs those still pending).
 * One CQE per SQE: no multishot, no IOSQE_CQE_SKIP_SUCCESS. Only ctx's own
 * thread may call it (the IOThread, or the thread that last ran aio_poll
 * on ctx; before any, the creator). 0, -ENOTSUP when ctx's fd monitor has
 * no ring (nothing queued: use another path), -EPERM from another thread.
 * At teardown, requests in flight are cancelled and waited for, and no
 * callback runs after aio_context_unref frees ctx.
 */
int aio_add_sqe(AioContext *ctx, AioPrepSqeFunc *prep, void *opaque,
		CqeHandler *cqe_handler);

/* ---- Timers ------------------------------------------------------------ */

typedef enum {
	AIO_CLOCK_REALTIME = 0, /* CLOCK_MONOTONIC */
	AIO_CLOCK_MAX,
} AioClockType;

enum {
	AIO_SCALE_NS = 1,
	AIO_SCALE_US = 1000,
	AIO_SCALE_MS = 1000000,
};

typedef void AioTimerCB(void *opaque);

/* Now on the given clock, in ns. */
int64_t aio_clock_get_ns(AioClockType type);
/* A new unarmed timer of ctx; it fires only inside ctx's loop. */
AioTimer *aio_timer_new(AioContext *ctx, AioClockType type, int scale,
			AioTimerCB *cb, void *opaque);
/* Arm at absolute expiry (in the timer's scale); equal expiries are FIFO. */
void aio_timer_mod(AioTimer *t, int64_t expire);
/* Disarm; idempotent. */
void aio_timer_del(AioTimer *t);
/* Disarm and free. */
void aio_timer_free(AioTimer *t);
/* Whether the timer is armed. */
bool aio_timer_pending(const AioTimer *t);
/* Absolute expiry in the timer's scale, or -1 when not armed. */
int64_t aio_timer_expire_time(const AioTimer *t);

/* ---- Polling parameters and policy ------------------------------------- */

/* Set poll-max-ns, poll-grow, poll-shrink; -EINVAL if any is negative. */
int aio_context_set_poll_params(AioContext *ctx, int64_t max_ns, int64_t grow,
				int64_t shrink);
/* Select the adaptive policy by name (see polling/); -EINVAL if unknown. */
int aio_context_set_poll_policy(AioContext *ctx, const char *name);
/* poll-weight for the "weight" policy (0 = default 3); -EINVAL if < 0 or > 63. */
int aio_context_set_poll_weight(AioContext *ctx, int64_t weight);
/*
 * CPU cost of one block + wake-up that policies use (ski, cost, probe):
 * ns >= 0 fixes it, AIO_BLOCK_COST_AUTO (the default) makes it what the
 * loop measures on this host (see aio_context_calibrate); -EINVAL below.
 */
#define AIO_BLOCK_COST_AUTO (-1)
int aio_context_set_block_cost(AioContext *ctx, int64_t ns);
/*
 * Measure what a block and wake-up cost this thread: samples timed sleeps
 * of 50 us through the context's own fd monitor (home thread, outside
 * aio_poll; runs aio_poll, so pending work is dispatched). 0, -EINVAL
 * (more than 1024 samples) or -EBUSY (called from inside aio_poll).
 * Without it the loop still measures the blocking waits it does.
 */
int aio_context_calibrate(AioContext *ctx, unsigned samples);
/*
 * Report units of useful work done for ctx (requests completed): policies
 * that measure throughput (probe) use it instead of counting events. Any
 * thread.
 */
void aio_context_count_work(AioContext *ctx, uint64_t units);
/*
 * aio-max-batch (0 = engine default); also the most CQE handlers one
 * aio_poll runs (0 = 8). -EINVAL if negative.
 */
int aio_context_set_aio_params(AioContext *ctx, int64_t max_batch);
/* The current aio-max-batch. */
int64_t aio_context_get_aio_max_batch(AioContext *ctx);
/* Current poll-max-ns, poll-grow, poll-shrink (any pointer may be NULL). */
void aio_context_get_poll_params(AioContext *ctx, int64_t *max_ns,
				 int64_t *grow, int64_t *shrink);
/* Name of the adaptive policy in use. */
const char *aio_context_poll_policy_name(AioContext *ctx);

/*
 * Record the arrival gaps of polled handlers into fp, one line each:
 * "<gap_ns> <fd>". NULL stops recording. The caller owns fp.
 */
void aio_context_set_trace(AioContext *ctx, FILE *fp);

/* ---- Statistics -------------------------------------------------------- */

typedef struct AioStats {
	uint64_t iterations;          /* aio_poll calls */
	uint64_t progress_iterations; /* aio_poll calls that returned true */
	uint64_t poll_attempts;       /* busy-poll loops entered */
	uint64_t poll_hits;           /* ... that found an event */
	uint64_t poll_misses;         /* ... that ran out, then blocked */
	uint64_t blocking_waits;      /* fd waits with a non-zero timeout */
	uint64_t poll_ns;             /* total ns spent busy polling */
	uint64_t block_ns;            /* total ns spent in blocking waits */
	uint64_t grow_events;         /* policy grew a window */
	uint64_t shrink_events;       /* policy shrank a window */
	uint64_t notify_writes;       /* aio_notify wrote the eventfd */
	uint64_t bh_runs;             /* BH callbacks run */
	uint64_t timer_runs;          /* timer callbacks run */
	uint64_t dispatches;          /* fd/poll handler callbacks run */
	int64_t window_ns;            /* current window: max over polled handlers */
	int64_t poll_max_ns;          /* parameters in force */
	int64_t poll_grow;
	int64_t poll_shrink;
	const char *fdmon;            /* "poll", "epoll" or "io_uring" */
	const char *policy;           /* adaptive policy name */
	int64_t block_cost_ns;        /* measured CPU of a block + wake-up
				       * (median of recent samples; 0: none) */
	int64_t wake_ns;              /* measured wake-up delay (0: none) */
	uint64_t block_cost_samples;  /* blocking waits measured */
	uint64_t work;                /* aio_context_count_work units */
	const char *ring_flags;       /* io_uring monitor: the ring's setup
				       * flags ("none", "coop", "single",
				       * "single+coop", "defer"); else "-" */
	uint64_t reserved[4];
} AioStats;

/* Snapshot of ctx's counters (safe from any thread; values may tear). */
void aio_context_get_stats(AioContext *ctx, AioStats *out);
/* Zero the counters (not the window or parameters). */
void aio_context_reset_stats(AioContext *ctx);
/* Name of the fd monitor in use, after any fallback. */
const char *aio_context_fdmon_name(AioContext *ctx);

typedef struct AioHandlerStats {
	int64_t window_ns;    /* this handler's current poll window */
	uint64_t poll_hits;   /* busy polls that found this handler ready */
	uint64_t fd_events;   /* times it was dispatched from fd readiness */
	uint64_t grow_events;
	uint64_t shrink_events;
	bool in_poll_set;     /* currently polled */
} AioHandlerStats;

/* Per-handler query by fd; -ENOENT if fd has no handler. */
int aio_get_handler_stats(AioContext *ctx, int fd, AioHandlerStats *out);

typedef struct AioWindowSample {
	int64_t t_ns;      /* aio_clock_get_ns(AIO_CLOCK_REALTIME) */
	int64_t window_ns; /* context window after the change */
} AioWindowSample;

/*
 * Copy up to max of the most recent window changes (oldest first) into out;
 * returns how many. The ring keeps the last AIO_WINDOW_RING samples.
 */
#define AIO_WINDOW_RING 4096
size_t aio_context_get_window_trace(AioContext *ctx, AioWindowSample *out,
				    size_t max);

/* ---- fd monitor choice -------------------------------------------------- */

/*
 * Choose the fd monitor for contexts created from now on: one of
 * aio_fdmon_names(), that is "auto" (io_uring, falling back to poll) or a
 * monitor of the registry (loop/fdmon.c: "io_uring", "epoll", "poll").
 * The environment variable AIOTUNE_FDMON sets the initial choice.
 * -EINVAL if unknown.
 */
int aio_set_default_fdmon(const char *name);
/* Whether name is a known fd monitor (or "auto"). */
bool aio_fdmon_name_valid(const char *name);
/* The allowed choices, "auto, io_uring, epoll, poll" (registry order). */
const char *aio_fdmon_names(void);

/*
 * Setup flags of the io_uring monitor's ring for contexts created from now
 * on: "none"; "coop" (COOP_TASKRUN | TASKRUN_FLAG: no IPI to a running
 * loop thread); "single" (SINGLE_ISSUER); "single+coop"; "defer"
 * (SINGLE_ISSUER | DEFER_TASKRUN | TASKRUN_FLAG: completion work runs only
 * when the loop thread waits or polls the ring); "auto" (the measured
 * default: README "The context ring"). single and defer bind the ring to
 * one thread, so only an IOThread's context gets them (enabled in its
 * thread); any other context keeps the rest (coop or none). The flags in
 * force are AioStats.ring_flags. AIOTUNE_RING_FLAGS sets the initial
 * choice. -EINVAL if unknown.
 */
int aio_set_default_ring_flags(const char *name);
/* Whether name is a ring flag set above (or "auto"). */
bool aio_ring_flags_name_valid(const char *name);
/* The allowed choices, "auto, none, coop, single, single+coop, defer". */
const char *aio_ring_flags_names(void);

#endif
