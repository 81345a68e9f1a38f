/*
 * fdmon-io_uring.c: the io_uring fd monitor (liburing).
 *
 * One ring per context. Each handler with events has one one-shot
 * IORING_OP_POLL_ADD in flight, re-armed after every completion. One-shot
 * keeps poll(2)'s level-triggered contract: a handler that leaves its fd
 * readable is reported again on the next wait. (Multishot polls are edge
 * triggered and would lose such wake-ups.)
 *
 * Threads. update() runs in any thread with list_lock's mutex held; it only
 * queues the node on a change list under this backend's own mutex. The
 * ring is touched only by the loop thread, in wait() and need_wait() (and
 * the GSource callbacks, which run there too), which turn the change list
 * into SQEs. Lock order: list_lock's mutex, then ours.
 *
 * Lifetime. A node removed while its POLL_ADD is in flight (or queued) is
 * marked deleted by update() and stays ours: aio-posix.c leaves such a
 * node alone. A POLL_REMOVE hurries the completion; once the POLL_ADD's
 * CQE is reaped and the node is on no change list, it goes onto
 * ctx->deleted_handlers and aio_free_deleted_handlers() frees it. So no
 * CQE can ever point at freed memory.
 *
 * node->fdmon_flags, under our mutex: see FDMON_IOU_*.
 * node->fdmon_data: the next node on the change list.
 *
 * The context's ring (aio_add_sqe, QEMU 10.2's interface). Other modules
 * put their own SQEs on this ring; the user data is the CqeHandler's
 * address with bit 0 set (a handler node's is even, a POLL_REMOVE's 0,
 * liburing's timeout all ones), and wait() queues such a CQE's handler on
 * the context for aio_dispatch_cqe_handlers. Queued SQEs reach the kernel
 * with the next wait (submit and wait in one io_uring_enter), or from
 * need_wait() without a wait when the loop will not block. During the
 * poll window the built-in handler st->ring_node (in the poll set after
 * the first CQE handler ran, never on the handler list) reads the CQ in
 * user space, and fetches completion work the kernel left pending
 * (IORING_SQ_TASKRUN) with one io_uring_get_events.
 *
 * Setup flags (fdmon_ring_flags_default, aio_set_default_ring_flags):
 * COOP_TASKRUN | TASKRUN_FLAG for any context; SINGLE_ISSUER and
 * DEFER_TASKRUN only for an owned context (an IOThread's), whose ring is
 * created disabled (R_DISABLED) and enabled by bind_thread in the IOThread
 * itself, so the kernel takes that thread as the one issuer. Flags the
 * kernel refuses are dropped, the weakest set that works is kept, and
 * ring_flags() says which.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>

#include "config.h"
#include "loop/aio-internal.h"

extern const FDMonOps fdmon_io_uring_ops; /* listed in fdmon.c's registry */

#ifdef HAVE_LIBURING
#include <liburing.h>

#define FDMON_IOU_ENTRIES 128
/* Bit 0 of a CQE's user data: it belongs to an aio_add_sqe handler. */
#define FDMON_IOU_SQE_TAG 1ULL
/* How long teardown waits for cancelled aio_add_sqe requests. */
#define FDMON_IOU_DRAIN_NS (10LL * 1000000000LL)

enum {
	FDMON_IOU_QUEUED = 1,   /* on the change list */
	FDMON_IOU_ADD = 2,      /* wants a POLL_ADD */
	FDMON_IOU_CANCEL = 4,   /* wants a POLL_REMOVE of its POLL_ADD */
	FDMON_IOU_ARMED = 8,    /* its POLL_ADD is in the ring */
	FDMON_IOU_REMOVED = 16, /* removed: never re-arm, hand back when idle */
	FDMON_IOU_EVENTS_SHIFT = 8, /* node->events, copied under our mutex */
};

typedef struct FDMonIoUring {
	struct io_uring ring;
	pthread_mutex_t lock;    /* the change list and fdmon_flags */
	AioHandler *head, *tail; /* change list, FIFO */
	atomic_bool changes;     /* head != NULL, read without the lock */
	unsigned setup_flags;    /* IORING_SETUP_* in force */
	const char *_Atomic flags_name; /* the AIO_RING_* set, for stats */
	bool taskrun_flag;       /* the kernel sets IORING_SQ_TASKRUN */
	unsigned long sqes;      /* aio_add_sqe requests not yet completed
				  * (in the SQ or in the kernel) */
	int gsource_efd;         /* DEFER_TASKRUN under glib, else -1 */
	AioHandler ring_node;    /* built-in poll handler for the CQ */
} FDMonIoUring;

static FDMonIoUring *fdmon_iou(AioContext *ctx)
{
	return ctx->fdmon_state;
}

static unsigned fdmon_iou_events(const AioHandler *node)
{
	return (unsigned)node->fdmon_flags >> FDMON_IOU_EVENTS_SHIFT;
}

/*
 * About to enter the kernel with what is in the SQ: stamp the handlers of
 * the aio_add_sqe requests among it with the time (CqeHandler.submit_ns).
 */
static void fdmon_iou_stamp_sq(FDMonIoUring *st)
{
	struct io_uring_sq *sq = &st->ring.sq;
	int64_t now = 0;

	for (unsigned i = sq->sqe_head; i != sq->sqe_tail; i++) {
		uint64_t ud = sq->sqes[i & sq->ring_mask].user_data;
		CqeHandler *h;

		if (!(ud & FDMON_IOU_SQE_TAG) || ud == LIBURING_UDATA_TIMEOUT)
			continue;
		if (!now)
			now = aio_now_ns();
		h = (CqeHandler *)(uintptr_t)(ud & ~FDMON_IOU_SQE_TAG);
		h->submit_ns = now;
	}
}

/* io_uring_submit, with the handlers stamped. */
static int fdmon_iou_submit(FDMonIoUring *st)
{
	fdmon_iou_stamp_sq(st);
	return io_uring_submit(&st->ring);
}

/* Our mutex held. */
static void fdmon_iou_enqueue(FDMonIoUring *st, AioHandler *node, int flag)
{
	node->fdmon_flags |= flag;
	if (node->fdmon_flags & FDMON_IOU_QUEUED)
		return;
	node->fdmon_flags |= FDMON_IOU_QUEUED;
	node->fdmon_data = NULL;
	if (st->tail)
		st->tail->fdmon_data = node;
	else
		st->head = node;
	st->tail = node;
	atomic_store_explicit(&st->changes, true, memory_order_release);
}

static void fdmon_iou_update(AioContext *ctx, AioHandler *old_node,
			     AioHandler *new_node)
{
	FDMonIoUring *st = fdmon_iou(ctx);

	pthread_mutex_lock(&st->lock);
	if (old_node && (old_node->fdmon_flags &
			 (FDMON_IOU_QUEUED | FDMON_IOU_ARMED))) {
		/* It stays ours until its POLL_ADD is gone. */
		atomic_store_explicit(&old_node->deleted, true,
				      memory_order_release);
		old_node->fdmon_flags &= ~FDMON_IOU_ADD;
		old_node->fdmon_flags |= FDMON_IOU_REMOVED;
		if (old_node->fdmon_flags & FDMON_IOU_ARMED)
			fdmon_iou_enqueue(st, old_node, FDMON_IOU_CANCEL);
	}
	if (new_node && new_node->events) {
		/* Copied: node->events is cleared at removal, unlocked. */
		new_node->fdmon_flags = (unsigned short)new_node->events
					<< FDMON_IOU_EVENTS_SHIFT;
		fdmon_iou_enqueue(st, new_node, FDMON_IOU_ADD);
	}
	pthread_mutex_unlock(&st->lock);
}

/* Hand removed nodes back to aio-posix.c for freeing (loop thread). */
static void fdmon_iou_hand_back(AioContext *ctx, AioHandler *list)
{
	AioHandler *node, *next;

	if (!list)
		return;
	aio_lockcnt_lock(&ctx->list_lock);
	for (node = list; node; node = next) {
		next = node->fdmon_data;
		node->fdmon_data = NULL;
		node->fdmon_flags = 0;
		node->next_deleted = ctx->deleted_handlers;
		__atomic_store_n(&ctx->deleted_handlers, node,
				 __ATOMIC_RELEASE);
	}
	aio_lockcnt_unlock(&ctx->list_lock);
}

/* Our mutex held: one change-list node to SQEs; false if the SQ is full. */
static bool fdmon_iou_prep(FDMonIoUring *st, AioHandler *node,
			   AioHandler **done)
{
	struct io_uring_sqe *sqe;
	int f = node->fdmon_flags;

	if (io_uring_sq_space_left(&st->ring) < 2) {
		fdmon_iou_submit(st);
		if (io_uring_sq_space_left(&st->ring) < 2)
			return false;
	}
	if ((f & FDMON_IOU_CANCEL) && (f & FDMON_IOU_ARMED)) {
		sqe = io_uring_get_sqe(&st->ring);
		io_uring_prep_poll_remove(sqe, (uintptr_t)node);
		io_uring_sqe_set_data64(sqe, 0);
	}
	if ((f & FDMON_IOU_ADD) && !(f & FDMON_IOU_ARMED)) {
		sqe = io_uring_get_sqe(&st->ring);
		io_uring_prep_poll_add(sqe, node->fd, fdmon_iou_events(node));
		io_uring_sqe_set_data(sqe, node);
		f |= FDMON_IOU_ARMED;
	}
	f &= ~(FDMON_IOU_QUEUED | FDMON_IOU_ADD | FDMON_IOU_CANCEL);
	node->fdmon_flags = f;
	if ((f & FDMON_IOU_REMOVED) && !(f & FDMON_IOU_ARMED)) {
		node->fdmon_data = *done;
		*done = node;
	}
	return true;
}

/*
 * Turn the change list into SQEs (loop thread). Removed nodes found idle
 * are collected on *done for fdmon_iou_hand_back. What does not fit in
 * the SQ stays queued for the next call.
 */
static void fdmon_iou_fill_sq(FDMonIoUring *st, AioHandler **done)
{
	AioHandler *node;

	if (!atomic_load_explicit(&st->changes, memory_order_acquire))
		return;
	pthread_mutex_lock(&st->lock);
	while ((node = st->head)) {
		AioHandler *next = node->fdmon_data;

		if (!fdmon_iou_prep(st, node, done))
			break;
		st->head = next;
		if (!next)
			st->tail = NULL;
	}
	atomic_store_explicit(&st->changes, st->head != NULL,
			      memory_order_relaxed);
	pthread_mutex_unlock(&st->lock);
}

/* An aio_add_sqe CQE: hand its handler a copy, queued for dispatch. */
static void fdmon_iou_complete_sqe(AioContext *ctx, FDMonIoUring *st,
				   struct io_uring_cqe *cqe, int64_t *now)
{
	CqeHandler *h = (CqeHandler *)(uintptr_t)(cqe->user_data &
						  ~FDMON_IOU_SQE_TAG);

	if (!*now)
		*now = aio_now_ns();
	h->reap_ns = *now;
	h->cqe.user_data = cqe->user_data;
	h->cqe.res = cqe->res;
	h->cqe.flags = cqe->flags;
	st->sqes--;
	aio_cqe_handler_queue(ctx, h);
}

/* Our mutex held: one CQE; true when it made a handler ready or queued a
 * CQE handler. */
static bool fdmon_iou_complete(AioContext *ctx, FDMonIoUring *st,
			       AioHandlerList *ready, struct io_uring_cqe *cqe,
			       AioHandler **done, int64_t *now)
{
	AioHandler *node = io_uring_cqe_get_data(cqe);
	short revents;

	/* POLL_REMOVE and liburing's own timeouts carry no node. */
	if (!node || cqe->user_data == LIBURING_UDATA_TIMEOUT)
		return false;
	if (cqe->user_data & FDMON_IOU_SQE_TAG) {
		fdmon_iou_complete_sqe(ctx, st, cqe, now);
		return true;
	}
	node->fdmon_flags &= ~FDMON_IOU_ARMED;
	if (node->fdmon_flags & FDMON_IOU_REMOVED) {
		if (!(node->fdmon_flags & FDMON_IOU_QUEUED)) {
			node->fdmon_data = *done;
			*done = node;
		}
		return false;
	}
	/*
	 * Level-triggered: arm again at the next wait, after the handler has
	 * run, whatever the result (-ECANCELED: the thread that submitted it
	 * exited).
	 */
	fdmon_iou_enqueue(st, node, FDMON_IOU_ADD);
	if (cqe->res <= 0)
		return false;
	revents = (short)(cqe->res & fdmon_iou_events(node));
	if (!revents)
		return false;
	aio_add_ready_handler(ready, node, revents, false);
	return true;
}

/* Reap every CQE into ready and the CQE queue; how many went there. */
static int fdmon_iou_reap(AioContext *ctx, FDMonIoUring *st,
			  AioHandlerList *ready, AioHandler **done)
{
	struct io_uring_cqe *cqe;
	unsigned head, seen = 0;
	int64_t now = 0;
	int n = 0;

	if (io_uring_cq_has_overflow(&st->ring))
		io_uring_get_events(&st->ring);
	if (!io_uring_cq_ready(&st->ring))
		return 0;
	pthread_mutex_lock(&st->lock);
	io_uring_for_each_cqe(&st->ring, head, cqe) {
		seen++;
		n += fdmon_iou_complete(ctx, st, ready, cqe, done, &now);
	}
	pthread_mutex_unlock(&st->lock);
	io_uring_cq_advance(&st->ring, seen);
	return n;
}

/* Submit, then wait for a CQE until deadline_ns (-1: no deadline). */
static int fdmon_iou_submit_wait(FDMonIoUring *st, int64_t deadline_ns)
{
	struct __kernel_timespec ts;
	struct io_uring_cqe *cqe;
	int64_t left;
	int ret;

	fdmon_iou_stamp_sq(st);
	if (deadline_ns < 0)
		return io_uring_submit_and_wait(&st->ring, 1);
	left = deadline_ns - aio_now_ns();
	if (left <= 0)
		return -ETIME;
	ts.tv_sec = left / 1000000000LL;
	ts.tv_nsec = left % 1000000000LL;
	ret = io_uring_submit_and_wait_timeout(&st->ring, &cqe, 1, &ts, NULL);
	return ret == -ETIME ? -ETIME : ret;
}

/*
 * Wait until a handler is ready, a CQE handler is queued or the timeout
 * passes; queued SQEs go in the same io_uring_enter. CQEs that make
 * nothing ready (cancelled or removed polls) do not end a blocking wait,
 * nor do signals: a wake-up without progress is left to aio_notify.
 */
static int fdmon_iou_wait(AioContext *ctx, AioHandlerList *ready,
			  int64_t timeout_ns)
{
	FDMonIoUring *st = fdmon_iou(ctx);
	int64_t deadline = timeout_ns > 0 ? aio_now_ns() + timeout_ns : -1;
	AioHandler *done = NULL;
	int ret, n = 0;

	for (;;) {
		fdmon_iou_fill_sq(st, &done);
		if (timeout_ns == 0 || io_uring_cq_ready(&st->ring))
			ret = fdmon_iou_submit(st);
		else
			ret = fdmon_iou_submit_wait(st, deadline);
		n += fdmon_iou_reap(ctx, st, ready, &done);
		if (n || timeout_ns == 0 || ret == -ETIME)
			break;
		if (ret < 0 && ret != -EINTR && ret != -EAGAIN &&
		    ret != -EBUSY)
			break;
	}
	fdmon_iou_hand_back(ctx, done);
	if (ret < 0 && ret != -ETIME && ret != -EINTR && ret != -EAGAIN &&
	    ret != -EBUSY)
		return ret;
	return n;
}

/* Completion work the kernel left for us to run (COOP, DEFER_TASKRUN). */
static bool fdmon_iou_work_pending(FDMonIoUring *st)
{
	return st->taskrun_flag &&
	       (IO_URING_READ_ONCE(*st->ring.sq.kflags) &
		(IORING_SQ_TASKRUN | IORING_SQ_CQ_OVERFLOW));
}

/*
 * Must the loop wait()? Only when a CQE is there to reap (or completion
 * work to run). Queued changes (new handlers, the re-arm of every one-shot
 * POLL_ADD that fired) and queued aio_add_sqe SQEs are submitted here
 * instead, in one io_uring_enter without waiting: in QEMU 10.2 they make
 * need_wait() true, which keeps the loop from busy-polling after an
 * fd-dispatched event or while SQEs are queued, so poll-max-ns had no
 * effect under io_uring. One io_uring_enter per batch is far cheaper than
 * the blocking wait it avoids, and the requests must be in flight for
 * polling to find their completions.
 */
static bool fdmon_iou_need_wait(AioContext *ctx)
{
	FDMonIoUring *st = fdmon_iou(ctx);

	if (atomic_load_explicit(&st->changes, memory_order_acquire) ||
	    io_uring_sq_ready(&st->ring)) {
		AioHandler *done = NULL;

		fdmon_iou_fill_sq(st, &done);
		fdmon_iou_submit(st);
		fdmon_iou_hand_back(ctx, done);
	}
	return io_uring_cq_ready(&st->ring) || fdmon_iou_work_pending(st) ||
	       atomic_load_explicit(&st->changes, memory_order_acquire);
}

/* ---- aio_add_sqe and the built-in poll handler --------------------------- */

/* Home thread (aio_add_sqe checked it). */
static int fdmon_iou_add_sqe(AioContext *ctx, AioPrepSqeFunc *prep,
			     void *opaque, CqeHandler *cqe_handler)
{
	FDMonIoUring *st = fdmon_iou(ctx);
	struct io_uring_sqe *sqe = io_uring_get_sqe(&st->ring);
	int ret;

	if (!sqe) {
		/* The SQ is full: send what is there, without waiting. */
		do {
			ret = fdmon_iou_submit(st);
		} while (ret == -EINTR);
		sqe = io_uring_get_sqe(&st->ring);
		if (!sqe)
			return ret < 0 ? ret : -EAGAIN;
	}
	prep(sqe, opaque);
	io_uring_sqe_set_data64(sqe, (uintptr_t)cqe_handler |
				     FDMON_IOU_SQE_TAG);
	cqe_handler->next = NULL;
	st->sqes++;
	return 0;
}

/*
 * io_poll of the built-in handler: a CQE is there, read from user space;
 * or the kernel says completion work is pending (IORING_SQ_TASKRUN: with
 * COOP_TASKRUN it sends no IPI to this running thread, with DEFER_TASKRUN
 * it runs the work only when we enter), which one io_uring_get_events
 * turns into CQEs.
 */
static bool fdmon_iou_ring_poll(void *opaque)
{
	FDMonIoUring *st = opaque;

	if (io_uring_cq_ready(&st->ring))
		return true;
	if (!fdmon_iou_work_pending(st))
		return false;
	io_uring_get_events(&st->ring);
	return io_uring_cq_ready(&st->ring) > 0;
}

/* Never called: aio-posix.c dispatches the CQEs (aio_dispatch_cqe_handlers). */
static void fdmon_iou_ring_poll_ready(void *opaque)
{
}

/* AIO_RING_* to IORING_SETUP_* (owned: one thread will drive the ring). */
static unsigned fdmon_iou_setup_flags(unsigned want, bool owned)
{
	unsigned f = 0;

	if (!owned)
		want &= ~(AIO_RING_SINGLE | AIO_RING_DEFER);
	if (want & AIO_RING_DEFER)
		f |= IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
		     IORING_SETUP_TASKRUN_FLAG;
	else if (want & AIO_RING_COOP)
		f |= IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG;
	if (want & AIO_RING_SINGLE)
		f |= IORING_SETUP_SINGLE_ISSUER;
	/* One issuer: created disabled, enabled in that thread. */
	if (f & IORING_SETUP_SINGLE_ISSUER)
		f |= IORING_SETUP_R_DISABLED;
	return f;
}

static unsigned fdmon_iou_aio_flags(unsigned f)
{
	unsigned a = 0;

	if (f & IORING_SETUP_DEFER_TASKRUN)
		a |= AIO_RING_DEFER;
	if (f & IORING_SETUP_COOP_TASKRUN)
		a |= AIO_RING_COOP;
	if (f & IORING_SETUP_SINGLE_ISSUER)
		a |= AIO_RING_SINGLE;
	return a;
}

/* Create the ring with f, dropping what the kernel refuses (-EINVAL). */
static int fdmon_iou_ring_init(FDMonIoUring *st, unsigned f)
{
	static const unsigned drop[] = {
		IORING_SETUP_DEFER_TASKRUN,
		IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_R_DISABLED,
		IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG,
	};
	int ret = io_uring_queue_init(FDMON_IOU_ENTRIES, &st->ring, f);

	for (size_t i = 0; ret == -EINVAL && i < sizeof(drop) / sizeof(*drop);
	     i++) {
		if (!(f & drop[i]))
			continue;
		f &= ~drop[i];
		/* TASKRUN_FLAG needs COOP or DEFER. */
		if (!(f & (IORING_SETUP_DEFER_TASKRUN |
			   IORING_SETUP_COOP_TASKRUN)))
			f &= ~IORING_SETUP_TASKRUN_FLAG;
		ret = io_uring_queue_init(FDMON_IOU_ENTRIES, &st->ring, f);
	}
	if (ret < 0)
		return ret;
	st->setup_flags = f;
	st->taskrun_flag = f & IORING_SETUP_TASKRUN_FLAG;
	atomic_store(&st->flags_name,
		     fdmon_ring_flags_name(fdmon_iou_aio_flags(f)));
	return 0;
}

static int fdmon_iou_setup(AioContext *ctx)
{
	FDMonIoUring *st = calloc(1, sizeof(*st));
	unsigned f = fdmon_iou_setup_flags(fdmon_ring_flags_default(),
					   ctx->owned);
	int ret;

	if (!st)
		return -ENOMEM;
	ret = fdmon_iou_ring_init(st, f);
	if (ret < 0) {
		free(st);
		return ret;
	}
	pthread_mutex_init(&st->lock, NULL);
	atomic_init(&st->changes, false);
	st->gsource_efd = -1;
	st->ring_node.fd = st->ring.ring_fd;
	st->ring_node.io_poll = fdmon_iou_ring_poll;
	st->ring_node.io_poll_ready = fdmon_iou_ring_poll_ready;
	st->ring_node.opaque = st;
	ctx->fdmon_state = st;
	ctx->ring_node = &st->ring_node;
	return 0;
}

/*
 * The owner thread runs (an IOThread, before its first aio_poll): enable
 * a ring created for one issuer, which makes this thread the issuer. If
 * the kernel refuses, set the ring up again without the one-issuer flags:
 * nothing has been submitted yet (a disabled ring cannot be entered, and
 * only this thread enters it), and handler changes are still queued.
 */
static void fdmon_iou_bind_thread(AioContext *ctx)
{
	FDMonIoUring *st = fdmon_iou(ctx);
	unsigned f = st->setup_flags;
	int ret;

	if (!(f & IORING_SETUP_R_DISABLED))
		return;
	/* liburing 2.3 declares io_uring_enable_rings but does not export
	 * it: the system call itself. */
	ret = (int)syscall(__NR_io_uring_register, st->ring.ring_fd,
			   IORING_REGISTER_ENABLE_RINGS, NULL, 0);
	if (ret == 0)
		return;
	ret = -errno;
	fprintf(stderr, "aiotune: IORING_REGISTER_ENABLE_RINGS: %s; the "
		"context ring goes on without SINGLE_ISSUER/DEFER_TASKRUN\n",
		strerror(-ret));
	io_uring_queue_exit(&st->ring);
	f &= ~(IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
	       IORING_SETUP_R_DISABLED);
	if (!(f & IORING_SETUP_COOP_TASKRUN))
		f &= ~IORING_SETUP_TASKRUN_FLAG;
	ret = fdmon_iou_ring_init(st, f);
	if (ret < 0) {
		fprintf(stderr, "aiotune: io_uring_queue_init: %s, after a "
			"first success: aborting\n", strerror(-ret));
		abort();
	}
	st->ring_node.fd = st->ring.ring_fd;
}

static const char *fdmon_iou_ring_flags(AioContext *ctx)
{
	FDMonIoUring *st = fdmon_iou(ctx);

	return st ? atomic_load(&st->flags_name) : "-";
}

/*
 * Teardown with aio_add_sqe requests outstanding. Those still in the SQ
 * become NOPs (never started); those in the kernel are cancelled and their
 * CQEs awaited, so that no buffer is written after the context is gone.
 * No handler is called. Where this thread may not enter the ring (one
 * issuer, and it is not that thread), the issuer has exited, and the
 * kernel cancelled and waited for its requests then.
 */
static void fdmon_iou_drain_sqes(FDMonIoUring *st)
{
	struct io_uring *ring = &st->ring;
	struct __kernel_timespec ts = { .tv_nsec = 100000000 };
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	int64_t deadline;
	unsigned head;
	bool cancelled = false;
	int ret;

	for (unsigned i = ring->sq.sqe_head; i != ring->sq.sqe_tail; i++) {
		sqe = &ring->sq.sqes[i & ring->sq.ring_mask];
		if ((sqe->user_data & FDMON_IOU_SQE_TAG) &&
		    sqe->user_data != LIBURING_UDATA_TIMEOUT)
			st->sqes--;
		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, 0);
	}
	if (!st->sqes || (st->setup_flags & IORING_SETUP_R_DISABLED))
		return;
	deadline = aio_now_ns() + FDMON_IOU_DRAIN_NS;
	while (st->sqes && aio_now_ns() < deadline) {
		if (!cancelled) {
			sqe = io_uring_get_sqe(ring);
			if (sqe) {
				/* Every request, the handlers' polls too. */
				io_uring_prep_cancel64(sqe, 0,
						IORING_ASYNC_CANCEL_ANY);
				io_uring_sqe_set_data64(sqe, 0);
				cancelled = true;
			}
		}
		ret = io_uring_submit_and_wait_timeout(ring, &cqe, 1, &ts,
						       NULL);
		if (ret == -EEXIST)
			return; /* not the issuer: it exited (see above) */
		io_uring_for_each_cqe(ring, head, cqe) {
			if ((cqe->user_data & FDMON_IOU_SQE_TAG) &&
			    cqe->user_data != LIBURING_UDATA_TIMEOUT)
				st->sqes--;
			io_uring_cqe_seen(ring, cqe);
		}
	}
	if (st->sqes)
		fprintf(stderr, "aiotune: %lu io_uring request(s) still in "
			"flight at context teardown after %lld s\n", st->sqes,
			FDMON_IOU_DRAIN_NS / 1000000000LL);
}

/*
 * Context teardown: every handler node has been freed by
 * aio_handlers_destroy already, so neither the change list nor a handler
 * node's CQE may be looked at. aio_add_sqe requests are drained first;
 * exiting the ring cancels the polls still in flight.
 */
static void fdmon_iou_destroy(AioContext *ctx)
{
	FDMonIoUring *st = fdmon_iou(ctx);

	if (!st)
		return;
	fdmon_iou_drain_sqes(st);
	ctx->ring_node = NULL;
	io_uring_queue_exit(&st->ring);
	if (st->gsource_efd >= 0)
		close(st->gsource_efd);
	pthread_mutex_destroy(&st->lock);
	free(st);
	ctx->fdmon_state = NULL;
}

/*
 * GSource mode: glib polls the ring fd, readable when the CQ has entries,
 * and dispatch reaps with wait(ctx, ready, 0). Called by the GSource's
 * prepare in the loop thread, so this is where queued changes (new
 * handlers, re-arms after the last dispatch) reach the kernel before glib
 * blocks; without it glib could sleep with nothing armed.
 */
static int fdmon_iou_gsource_fd(AioContext *ctx)
{
	FDMonIoUring *st = fdmon_iou(ctx);
	AioHandler *done = NULL;
	uint64_t cnt;

	fdmon_iou_fill_sq(st, &done);
	fdmon_iou_submit(st);
	fdmon_iou_hand_back(ctx, done);
	if (!(st->setup_flags & IORING_SETUP_DEFER_TASKRUN))
		return st->ring.ring_fd;
	/*
	 * DEFER_TASKRUN: completion work waits for this thread to enter the
	 * ring, and nothing wakes a thread sleeping in glib's poll of the
	 * ring fd. An eventfd registered with the ring is signalled when such
	 * work arrives; glib polls that. Cleared first, then the pending work
	 * is run, so work arriving afterwards signals it again; CQEs already
	 * there make glib return at once.
	 */
	if (st->gsource_efd < 0) {
		int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

		if (efd < 0 || io_uring_register_eventfd(&st->ring, efd)) {
			fprintf(stderr, "aiotune: cannot register an eventfd "
				"with the context ring for glib: aborting\n");
			abort();
		}
		st->gsource_efd = efd;
	}
	if (read(st->gsource_efd, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
		abort();
	io_uring_get_events(&st->ring);
	if (io_uring_cq_ready(&st->ring))
		eventfd_write(st->gsource_efd, 1);
	return st->gsource_efd;
}

const FDMonOps fdmon_io_uring_ops = {
	.name = "io_uring",
	.setup = fdmon_iou_setup,
	.destroy = fdmon_iou_destroy,
	.update = fdmon_iou_update,
	.wait = fdmon_iou_wait,
	.need_wait = fdmon_iou_need_wait,
	.gsource_fd = fdmon_iou_gsource_fd,
	.add_sqe = fdmon_iou_add_sqe,
	.bind_thread = fdmon_iou_bind_thread,
	.ring_flags = fdmon_iou_ring_flags,
};

#else /* !HAVE_LIBURING */

/*
 * Built without liburing: setup fails, so the context falls back to poll
 * and no other hook is ever called; they exist because the registry
 * requires every table to be whole.
 */
static int fdmon_iou_setup(AioContext *ctx)
{
	return -ENOSYS;
}

static void fdmon_iou_destroy(AioContext *ctx)
{
}

static void fdmon_iou_update(AioContext *ctx, AioHandler *old_node,
			     AioHandler *new_node)
{
}

static int fdmon_iou_wait(AioContext *ctx, AioHandlerList *ready,
			  int64_t timeout_ns)
{
	return -ENOSYS;
}

static bool fdmon_iou_need_wait(AioContext *ctx)
{
	return true;
}

static int fdmon_iou_gsource_fd(AioContext *ctx)
{
	return -1;
}

const FDMonOps fdmon_io_uring_ops = {
	.name = "io_uring",
	.setup = fdmon_iou_setup,
	.destroy = fdmon_iou_destroy,
	.update = fdmon_iou_update,
	.wait = fdmon_iou_wait,
	.need_wait = fdmon_iou_need_wait,
	.gsource_fd = fdmon_iou_gsource_fd,
};

#endif
