/*
 * aio-internal.h: AioContext internals shared by the files of loop/.
 * Nothing outside loop/ includes this.
 */
#ifndef AIOTUNE_LOOP_AIO_INTERNAL_H
#define AIOTUNE_LOOP_AIO_INTERNAL_H

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "loop/aio.h"
#include "polling/policy.h"

#define AIO_POLL_IDLE_INTERVAL_NS (7LL * 1000000000LL) /* QEMU: 7 s */
#define AIO_IDLE_BH_TIMEOUT_NS (10LL * 1000000LL)      /* QEMU: 10 ms */
#define AIO_EPOLL_ENABLE_THRESHOLD 64                  /* QEMU: 64 fds */
/*
 * CQE handlers dispatched per aio_poll when aio-max-batch is 0: the
 * value that gave the lowest p50 at iodepth 32 in make bench-fio's
 * aio-max-batch comparison (README "The context ring").
 */
#define AIO_CQE_BATCH_DEFAULT 8

/* Block-cost measurement (blockcost.c). */
#define AIO_BC_RING 16             /* estimates: median of the last 16 */
#define AIO_BC_EVERY 16            /* sample 1 blocking wait in 16 */
#define AIO_BC_MIN_OFFCPU_NS 2000  /* a wait that slept was off CPU >= 2 us */
#define AIO_CALIB_SLEEP_NS 50000   /* calibration sleeps: 50 us */
#define AIO_CALIB_MAX 1024
/* How often a policy with observe() gets a fresh thread CPU time. */
#define AIO_CPU_SAMPLE_NS 1000000

/* poll(2) event bits used in AioHandler.events / revents. */
#define AIO_EV_IN (POLLIN | POLLHUP | POLLERR)
#define AIO_EV_OUT (POLLOUT | POLLERR)

/*
 * A counter of list walkers plus a mutex (QEMU's QemuLockCnt). Walkers
 * only touch the counter; writers take the mutex and may free nodes only
 * when the count is zero. Incrementing from zero takes the mutex, so a
 * writer holding it knows no walk is starting.
 */
typedef struct AioLockCnt {
	atomic_uint count;
	pthread_mutex_t mutex;
} AioLockCnt;

void aio_lockcnt_init(AioLockCnt *lc);
void aio_lockcnt_destroy(AioLockCnt *lc);
void aio_lockcnt_inc(AioLockCnt *lc);
void aio_lockcnt_dec(AioLockCnt *lc);
/* If the count is exactly 1: make it 0, lock the mutex, return true. */
bool aio_lockcnt_dec_if_lock(AioLockCnt *lc);
/* Increment the count and unlock the mutex. */
void aio_lockcnt_inc_and_unlock(AioLockCnt *lc);
void aio_lockcnt_lock(AioLockCnt *lc);
void aio_lockcnt_unlock(AioLockCnt *lc);
unsigned aio_lockcnt_count(AioLockCnt *lc);

typedef struct AioHandler AioHandler;
typedef struct AioHandlerList AioHandlerList;

struct AioHandler {
	int fd;
	short events;  /* AIO_EV_IN | AIO_EV_OUT, 0 once removed (atomic) */
	short revents; /* filled by the fd monitor's wait */
	IOHandler *io_read;
	IOHandler *io_write;
	AioPollFn *io_poll;
	IOHandler *io_poll_ready;
	IOHandler *io_poll_begin;
	IOHandler *io_poll_end;
	void *opaque;

	AioHandler *_Atomic next; /* aio_handlers (head insertion) */
	AioHandler *next_deleted; /* deleted_handlers */
	AioHandler *next_ready;   /* ready list of one aio_poll */
	AioHandler *next_poll;    /* poll_handlers */
	AioHandlerList *ready_list; /* the ready list it is on, if any */
	atomic_bool deleted;
	bool in_poll_set;
	bool poll_ready;          /* polling saw it ready */
	int64_t poll_idle_timeout;
	int64_t last_event_ns;    /* for the arrival-gap trace */

	struct poll_state poll;   /* the policy's per-handler state */
	AioHandlerStats stats;

	void *fdmon_data;         /* backend-private (io_uring, ...) */
	int fdmon_flags;
};

/* A ready list, LIFO: handlers found ready by poll or the fd monitor. */
struct AioHandlerList {
	AioHandler *head;
};

/* Pop the most recently pushed node, or NULL. */
AioHandler *aio_ready_list_pop(AioHandlerList *list);
/* Push node on list (removing it from any other ready list first). */
void aio_add_ready_handler(AioHandlerList *list, AioHandler *node,
			   int revents, bool poll_ready);

/*
 * fd-monitor backends (fdmon-poll.c, fdmon-epoll.c, fdmon-io_uring.c): how
 * a context learns which handler fds are ready. One const table each,
 * listed in fdmon.c's registry (every hook but upgrade is required);
 * fdmon_choose() is the one place that picks one for a context and falls
 * back to poll. docs/loop-contract.md section 1.3 (the table) and 6.4
 * (each backend, the choice, the upgrade).
 *
 * Threads. A context has one loop thread at a time: the thread inside
 * aio_poll() (the IOThread, or a thread holding aio_context_acquire) or
 * running its GSource callbacks. wait, need_wait, upgrade and gsource_fd
 * run only there. update runs in whichever thread calls
 * aio_set_fd_handler(), possibly while the loop thread is blocked in wait.
 * setup runs in the thread creating the context, destroy in the thread
 * dropping its last reference, when no other thread can reach it.
 *
 * Locks. ctx->list_lock (AioLockCnt) guards the handler list: update is
 * called with its mutex held (so two updates never overlap, and no walk
 * starts); wait and need_wait are called with its count raised (nodes seen
 * in the list stay allocated until the count drops, see
 * aio_free_deleted_handlers); upgrade with the list held exclusively
 * (count 0, mutex held: fdmon_try_upgrade). A backend that shares state
 * between update and wait takes its own lock inside list_lock's mutex
 * (io_uring: lock order list_lock's mutex, then the backend's).
 *
 * ctx->fdmon_ops itself changes after setup only by an upgrade (poll to
 * epoll, loop thread) or an epoll fallback (epoll to poll, in update, any
 * thread); both store it with release, readers outside the loop thread
 * load it (aio_context_fdmon_name).
 */
typedef struct FDMonOps {
	/* "poll", "epoll", "io_uring": recorded in AioStats.fdmon. */
	const char *name;
	/*
	 * Create the backend's state in ctx (fdmon_state, epollfd, ring), at
	 * context creation, before any handler exists. 0, or -errno when
	 * this host cannot have it (fdmon_choose falls back to poll).
	 */
	int (*setup)(AioContext *ctx);
	/*
	 * Free what setup (or an upgrade) created, at context teardown,
	 * after every handler was removed. The poll backend's destroy also
	 * runs when another backend took over from it.
	 */
	void (*destroy)(AioContext *ctx);
	/*
	 * A handler changed, list_lock's mutex held, any thread: old_node
	 * NULL means new_node was added, new_node NULL means old_node was
	 * removed (its events are 0 already), both mean new_node replaces
	 * old_node (same fd). new_node is already at the head of the list;
	 * old_node is unlinked or parked on the deleted list right after,
	 * and stays allocated while a walk may see it. Must not wait for
	 * the loop thread, which may be blocked in wait(): the caller calls
	 * aio_notify() afterwards to wake it.
	 */
	void (*update)(AioContext *ctx, AioHandler *old_node,
		       AioHandler *new_node);
	/*
	 * Loop thread, list_lock's count raised: wait up to timeout_ns (-1
	 * forever, 0 not at all) until some handler fd is ready, and push
	 * each ready node with its revents onto ready
	 * (aio_add_ready_handler). Returns how many it pushed, or -errno
	 * for a failure of the wait itself; an interrupted wait (EINTR)
	 * returns 0. aio_poll ignores the value beyond that: the ready list
	 * is what counts. The context's notifier is one of the fds, so
	 * aio_notify() ends a blocking wait (section 4 of the contract).
	 */
	int (*wait)(AioContext *ctx, AioHandlerList *ready, int64_t timeout_ns);
	/*
	 * Loop thread, list_lock's count raised: must wait() be called in
	 * this iteration even though the timeout is 0? poll and epoll say
	 * aio_poll_disabled() (some handler has no io_poll, so only the
	 * kernel can see its readiness); io_uring says whether a completion
	 * is there to reap or completion work is pending (and submits queued
	 * changes and aio_add_sqe SQEs meanwhile, without waiting).
	 */
	bool (*need_wait)(AioContext *ctx);
	/*
	 * Optional (epoll only). Loop thread, from the poll backend's wait,
	 * list_lock held exclusively: take over from poll now that
	 * AIO_EPOLL_ENABLE_THRESHOLD fds are live. Register every live
	 * handler and store ctx->fdmon_ops = itself. True when done; false
	 * leaves poll in charge (and may forbid later attempts).
	 */
	bool (*upgrade)(AioContext *ctx);
	/*
	 * GSource mode, loop thread (glib's prepare): one fd glib polls to
	 * learn that wait(ctx, ready, 0) has work (epoll fd, ring fd), or
	 * -1: glib polls every handler fd itself. io_uring submits its
	 * queued changes first, so glib never sleeps with a handler unarmed
	 * (and, for a DEFER_TASKRUN ring, gives an eventfd instead).
	 */
	int (*gsource_fd)(AioContext *ctx);
	/*
	 * Optional (io_uring). Home thread (aio_add_sqe checked it): put
	 * one SQE on the context's ring, prepared by prep, its user data
	 * pointing at cqe_handler; wait() queues its CQE on ctx->cqe_head
	 * for aio_dispatch_cqe_handlers. 0 or -errno (nothing queued).
	 */
	int (*add_sqe)(AioContext *ctx, AioPrepSqeFunc *prep, void *opaque,
		       CqeHandler *cqe_handler);
	/*
	 * Optional (io_uring). The owner thread of an owned context (an
	 * IOThread), before its first aio_poll: it is the only one that
	 * will ever drive ctx. A ring set up for one issuer is enabled here.
	 */
	void (*bind_thread)(AioContext *ctx);
	/* Optional (io_uring), any thread: the ring flags in force ("none"). */
	const char *(*ring_flags)(AioContext *ctx);
} FDMonOps;

/* The registry of fd monitors, NULL-terminated (fdmon.c). */
extern const FDMonOps *const fdmon_backends[];
/*
 * The same as a util_registry (util/registry.h), checked once at its
 * first use: every hook but upgrade, add_sqe, bind_thread and ring_flags
 * is required.
 */
struct util_registry;
struct util_registry *fdmon_registry(void);

extern const FDMonOps fdmon_poll_ops;

/* Pick and set up ctx->fdmon_ops per the default choice, with fallback. */
int fdmon_choose(AioContext *ctx);
/*
 * The io_uring monitor's ring setup flags for new contexts (fdmon.c):
 * AIO_RING_* bits, from aio_set_default_ring_flags or AIOTUNE_RING_FLAGS.
 */
enum {
	AIO_RING_COOP = 1,   /* COOP_TASKRUN | TASKRUN_FLAG */
	AIO_RING_SINGLE = 2, /* SINGLE_ISSUER: owned contexts only */
	AIO_RING_DEFER = 4,  /* DEFER_TASKRUN | TASKRUN_FLAG (implies SINGLE) */
};
unsigned fdmon_ring_flags_default(void);
/* "none", "coop", "single", "single+coop", "defer": names of AIO_RING_* */
const char *fdmon_ring_flags_name(unsigned flags);
/* The ring flags in force on ctx's monitor, or "-" without a ring. */
const char *aio_context_ring_flags_name(AioContext *ctx);
/*
 * Called by the poll backend's wait with npfd live fds: at >= 64 and when
 * not nested, hand over to the "epoll" backend's upgrade op. True if done.
 */
bool fdmon_try_upgrade(AioContext *ctx, unsigned npfd);
/* need_wait for backends that cannot see readiness from user space. */
bool aio_poll_disabled(AioContext *ctx);

/* Timer lists (timer.c): a binary min-heap per clock, FIFO on ties. */
typedef struct AioTimerList {
	pthread_mutex_t lock;
	AioTimer **heap;
	size_t len, cap;
	uint64_t seq;
} AioTimerList;

void aio_timerlist_init(AioTimerList *tl);
void aio_timerlist_destroy(AioTimerList *tl);
/* ns until the earliest timer: -1 none, 0 expired. */
int64_t aio_timerlist_deadline_ns(AioTimerList *tl, AioClockType type);
/* Run expired timers; true when any ran. */
bool aio_timerlist_run(AioContext *ctx, AioTimerList *tl, AioClockType type);

struct ThreadPool;
void thread_pool_free(struct ThreadPool *pool);
void thread_pool_update_params(struct ThreadPool *pool, int min, int max);

/* BH flags. */
enum {
	BH_PENDING = 1,
	BH_SCHEDULED = 2,
	BH_DELETED = 4,
	BH_ONESHOT = 8,
	BH_IDLE = 16,
};

typedef struct BHListSlice BHListSlice;
struct BHListSlice {
	AioBH *head;
	BHListSlice *next;
};

struct AioContext {
	GSource source; /* first member: the context is a GSource */
	bool initialized;

	/* Lock with 2015 semantics (aio_context_acquire/release). */
	pthread_mutex_t lock;
	atomic_ulong lock_owner; /* pthread_self() of the holder, or 0 */
	unsigned lock_depth;
	atomic_uint lock_waiters;
	atomic_bool lock_released_for_wait; /* aio_poll dropped it to block */

	/* Handlers. */
	AioLockCnt list_lock;
	AioHandler *_Atomic aio_handlers;
	AioHandler *deleted_handlers;
	AioHandler *poll_handlers;
	atomic_int poll_disable_cnt; /* handlers without io_poll */
	bool poll_started;
	unsigned nhandlers;
	atomic_uint handlers_gen; /* bumped by every aio_set_fd_handler */

	/*
	 * Notification: aio_notify() (any thread) wakes the loop thread, and
	 * writes the eventfd only when the loop may be blocked. The protocol
	 * is docs/loop-contract.md section 4; tests/model/aio_notify.pml
	 * models it in Promela and tests/model/spin-notify.sh checks it with
	 * spin (the correct protocol verifies, each broken variant named
	 * below loses a wake-up).
	 *
	 * notify_me: non-zero while the loop thread may block, so that
	 * aio_notify() must write the eventfd. Bits 1 and up count
	 * aio_poll()'s blocking waits (+2 before, -2 after; only the loop
	 * thread writes them, so a load and a store suffice); bit 0 is the
	 * GSource path's (set by prepare with fetch_or, cleared by check
	 * with fetch_and-release: glib may call prepare without check, so
	 * it cannot be a count). Other threads only read it, in
	 * aio_notify().
	 *
	 * notified: "there may be new work". Set by aio_notify() after the
	 * caller published its work (BH flags, list link, timer); cleared
	 * by aio_notify_accept() in the loop thread before it looks at that
	 * work. The notifier handler's io_poll reads it, so a notify during
	 * busy polling ends the polling without a system call.
	 *
	 * The barriers, and what each pairs with:
	 *  (A) aio_poll (aio-posix.c), when it may block: notify_me += 2,
	 *      full fence, load notified (true: timeout 0). The GSource
	 *      prepare (gsource.c): fetch_or(notify_me, 1), full fence, then
	 *      the BH and timer reads that compute glib's timeout.
	 *  (B) aio_notify (async.c): release fence, notified = true, full
	 *      fence, load notify_me (non-zero: write the eventfd).
	 *      A's fence pairs with B's full fence (Dekker's pattern: each
	 *      side stores, fences, loads the other's variable, so at least
	 *      one sees the other's store): either the loop sees notified
	 *      or the work and does not block, or aio_notify sees notify_me
	 *      and its eventfd write ends the wait. Raising notify_me after
	 *      looking (BUG_LATE_NOTIFY_ME in the model, what a missing
	 *      fence allows) or skipping the write because notified was
	 *      already set (BUG_SKIP_WHEN_NOTIFIED: the eventfd is cleared
	 *      lazily) loses wake-ups.
	 *  (C) B's release fence pairs with the full fence of
	 *      aio_notify_accept() (notified = false, full fence), which
	 *      follows the loop's load that saw notified set (A, or the
	 *      notifier's io_poll): the notifier's work is then visible to
	 *      the BH and timer reads after aio_notify_accept(). The clear
	 *      comes before those reads, so a notify racing with it either
	 *      has its work seen now or leaves notified set for the next
	 *      iteration (which then does not block).
	 *  (D) aio_poll lowers notify_me with a store-release after its wait
	 *      (GSource check: the fetch_and-release), so the wait is over
	 *      before notifiers may skip the eventfd write; a notify that
	 *      sees the lowered value is caught by (C) instead.
	 */
	atomic_uint notify_me;
	atomic_bool notified;
	EventNotifier notifier;

	/* Bottom halves. */
	AioBH *_Atomic bh_list;
	BHListSlice *bh_slice_head, *bh_slice_tail;
	int bh_poll_depth;

	/* Timers. */
	AioTimerList tlg[AIO_CLOCK_MAX];

	/*
	 * Polling parameters: set from any thread into pset (under pset_lock,
	 * pset_gen bumped); the home thread applies them at the start of
	 * aio_poll (resetting every window), so the loop reads its own copy.
	 */
	pthread_mutex_t pset_lock;
	struct poll_params pset;
	const struct poll_policy_ops *pset_policy;
	atomic_uint pset_gen;
	unsigned applied_gen;
	struct poll_params params;          /* home thread's copy */
	int64_t poll_max_ns;                /* == params.max_ns */
	const struct poll_policy_ops *policy;
	struct poll_state ctx_poll;         /* per-context policy state */
	atomic_llong aio_max_batch;
	FILE *trace;                        /* under trace_lock */

	/*
	 * Block cost (blockcost.c), home thread only: sample rings, their
	 * medians, whether params.block_cost_ns follows the measurement.
	 */
	int64_t bc_cpu[AIO_BC_RING], bc_wake[AIO_BC_RING];
	unsigned bc_ncpu, bc_nwake, bc_cpu_pos, bc_wake_pos;
	unsigned bc_countdown;
	bool bc_calibrating;
	bool bc_auto;
	int64_t bc_cpu_est, bc_wake_est;

	/* What observe() policies get (home thread, except work). */
	uint64_t work;                      /* atomic: aio_context_count_work */
	uint64_t events;                    /* polled-handler events */
	int64_t cpu_sample_ns, cpu_sample_at;
	int64_t polled_window;              /* window of this iteration's poll */
	bool polled_caught;                 /* ... and whether it found work */

	/* fd monitor. */
	const FDMonOps *fdmon_ops;
	void *fdmon_state;      /* the epoll / io_uring backend's state */
	void *fdmon_poll_state; /* the poll backend's arrays (kept after an
				 * upgrade; freed by fdmon_poll_ops.destroy) */
	int epollfd;
	unsigned nesting; /* aio_poll depth, for the epoll upgrade */

	/* GSource mode (gsource.c). */
	GArray *gsource_pfds; /* GPollFD per handler fd (poll backend) */
	gpointer gsource_tag; /* unix fd of epoll/io_uring backends */
	int gsource_tag_fd;
	unsigned gsource_gen; /* handlers_gen the GPollFDs were built for */
	bool gsource_synced;

	/*
	 * The home thread: the only one that may add SQEs (aio_add_sqe).
	 * The creator, then whoever runs aio_poll or the GSource; an owned
	 * context (an IOThread's) has none until its thread binds it, and
	 * then keeps it.
	 */
	atomic_ulong home_thread; /* pthread_self(), 0 = none */
	bool owned;               /* created for an IOThread */
	bool home_bound;          /* bound: aio_poll no longer moves it */

	/*
	 * CQEs of aio_add_sqe requests, reaped by the fd monitor's wait and
	 * not yet dispatched (FIFO), and the built-in poll handler that
	 * watches the ring's CQ in user space (io_uring only, else NULL).
	 */
	CqeHandler *cqe_head, *cqe_tail;
	int cqe_dispatch_depth;
	AioHandler *ring_node;

	/* Thread pool (thread-pool.c), created lazily in the home thread. */
	struct ThreadPool *_Atomic thread_pool;
	int64_t thread_pool_min, thread_pool_max; /* under pset_lock */

	/* Statistics. */
	AioStats stats;
	pthread_mutex_t trace_lock;
	AioWindowSample *window_ring;
	size_t window_ring_pos, window_ring_len;
	int64_t last_window;
};

/* The context's notifier handler callbacks (never progress). */
bool aio_context_notifier_is(AioContext *ctx, AioHandler *node);
/* The notifier or the ring's built-in poll handler: never progress. */
bool aio_node_is_internal(AioContext *ctx, AioHandler *node);
/* async.c: an owned (IOThread) context; its thread calls bind_home. */
AioContext *aio_context_new_owned(void);
/* async.c: in the owner thread, before its first aio_poll. */
void aio_context_bind_home(AioContext *ctx);
/* async.c: whether the caller is ctx's home thread. */
bool aio_context_in_home_thread(AioContext *ctx);
/* async.c: a thread entering aio_poll or the GSource becomes home. */
void aio_context_enter_home(AioContext *ctx);
/*
 * aio-posix.c: run the queued CQE handlers (one at a time, so a nested
 * aio_poll runs the rest) and tell the policy about the ring's poll
 * handler; true when any ran.
 */
bool aio_dispatch_cqe_handlers(AioContext *ctx, int64_t block_ns);
/* fdmon-io_uring.c: queue a reaped CQE's handler (loop thread). */
void aio_cqe_handler_queue(AioContext *ctx, CqeHandler *h);
/* async.c: run pending BHs; true when a non-idle BH ran. */
bool aio_bh_poll(AioContext *ctx);
/* async.c: the blocking timeout from BHs and timers (ns, -1 = forever). */
int64_t aio_compute_timeout(AioContext *ctx);
/* async.c: whether any non-deleted BH is scheduled (GSource check). */
bool aio_bh_any_scheduled(AioContext *ctx);
/* aio-posix.c: dispatch every node of ready (block_ns for the policy). */
bool aio_dispatch_ready_handlers(AioContext *ctx, AioHandlerList *ready,
				 int64_t block_ns);
/* aio-posix.c: free handlers deferred while the list was walked. */
void aio_free_deleted_handlers(AioContext *ctx);
/* aio-posix.c: turn poll mode on/off (begin/end callbacks, final poll). */
bool aio_poll_set_started(AioContext *ctx, AioHandlerList *ready,
			  bool started);
/* aio-posix.c: GSource-path dispatch (BHs, ready handlers, timers). */
void aio_dispatch(AioContext *ctx);
/* async.c: apply parameters set from other threads (home thread). */
void aio_apply_params(AioContext *ctx);
/* aio-posix.c: the context's current window (policy, handlers). */
int64_t aio_current_window(AioContext *ctx);
/* gsource.c: the GSource callbacks. */
extern GSourceFuncs aio_source_funcs;
/* async.c: the GSource finalizer. */
void aio_ctx_finalize(GSource *source);
/* Relaxed atomic counter update for AioStats fields. */
#define AIO_STAT_ADD(ctx, field, n)                                          \
	__atomic_fetch_add(&(ctx)->stats.field, (n), __ATOMIC_RELAXED)
/* aio-posix.c: remove every handler and free them (context teardown). */
void aio_handlers_destroy(AioContext *ctx);
/* stats.c: record a window change in the ring. */
void aio_stats_window(AioContext *ctx, int64_t now_ns);
/* Lock/unlock around a blocking wait: returns saved depth (0 = not held). */
unsigned aio_context_release_all(AioContext *ctx);
void aio_context_reacquire(AioContext *ctx, unsigned depth);

/* The sooner of two timeouts in ns, where -1 means forever. */
static inline int64_t aio_soonest(int64_t a, int64_t b)
{
	return (uint64_t)a < (uint64_t)b ? a : b;
}

/* blockcost.c: CPU time of the calling thread, ns (0 on error). */
int64_t aio_thread_cpu_ns(void);
/* blockcost.c: whether to measure this blocking wait (counts down). */
bool aio_blockcost_want_sample(AioContext *ctx);
/*
 * blockcost.c: one measured blocking wait: the thread's CPU time and the
 * wall time across it, its timeout, whether it ended by the timeout.
 */
void aio_blockcost_record(AioContext *ctx, int64_t cpu_ns, int64_t wall_ns,
			  int64_t timeout_ns, bool timed_out);
/* blockcost.c: put the estimates into ctx->params (home thread). */
void aio_blockcost_apply(AioContext *ctx);

static inline int64_t aio_now_ns(void)
{
	return aio_clock_get_ns(AIO_CLOCK_REALTIME);
}

#endif
