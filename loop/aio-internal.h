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

/* fd-monitor backends (fdmon-*.c), chosen in fdmon.c. */
typedef struct FDMonOps {
	const char *name;
	/* Set up ctx->fdmon_state; 0 or -errno (the caller falls back). */
	int (*setup)(AioContext *ctx);
	/* Tear down. */
	void (*destroy)(AioContext *ctx);
	/* list_lock held: add (old NULL), remove (new NULL) or replace. */
	void (*update)(AioContext *ctx, AioHandler *old_node,
		       AioHandler *new_node);
	/* Wait up to timeout_ns (-1 forever, 0 non-blocking); add ready nodes. */
	int (*wait)(AioContext *ctx, AioHandlerList *ready, int64_t timeout_ns);
	/* Must wait() be called now? */
	bool (*need_wait)(AioContext *ctx);
	/*
	 * Optional. Take over from the poll backend when the fd count reaches
	 * AIO_EPOLL_ENABLE_THRESHOLD: register every live handler and set
	 * ctx->fdmon_ops to itself. Called with list_lock exclusively held.
	 */
	bool (*upgrade)(AioContext *ctx);
	/*
	 * GSource mode: one fd glib polls to learn that wait(ctx, ready, 0)
	 * has work (epoll fd, ring fd), or -1: glib polls every handler fd.
	 */
	int (*gsource_fd)(AioContext *ctx);
	/*
	 * Optional (io_uring): put one SQE on the context's ring, prepared
	 * by prep, its user data pointing at cqe_handler; wait() queues its
	 * CQE on ctx->cqe_head for aio_dispatch_cqe_handlers. Home thread
	 * only (aio_add_sqe checked). 0 or -errno.
	 */
	int (*add_sqe)(AioContext *ctx, AioPrepSqeFunc *prep, void *opaque,
		       CqeHandler *cqe_handler);
	/*
	 * Optional: ctx's owner thread (an IOThread) is now running and is
	 * the only one that will ever drive ctx; called there before its
	 * first aio_poll. A ring set up for one issuer is enabled here.
	 */
	void (*bind_thread)(AioContext *ctx);
	/* Optional: the ring setup flags in force, "none" etc. (statistics) */
	const char *(*ring_flags)(AioContext *ctx);
} FDMonOps;

/* The registry of fd monitors, NULL-terminated (fdmon.c). */
extern const FDMonOps *const fdmon_backends[];

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
/* "none", "coop", "single", "single,coop", "defer": names of AIO_RING_* */
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

	/* Notification. */
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

static inline int64_t aio_now_ns(void)
{
	return aio_clock_get_ns(AIO_CLOCK_REALTIME);
}

#endif
