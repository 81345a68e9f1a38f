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
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <time.h>

#include "config.h"
#include "loop/aio-internal.h"

extern const FDMonOps fdmon_io_uring_ops; /* listed in fdmon.c's registry */

#ifdef HAVE_LIBURING
#include <liburing.h>

#define FDMON_IOU_ENTRIES 128

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
} FDMonIoUring;

static FDMonIoUring *fdmon_iou(AioContext *ctx)
{
	return ctx->fdmon_state;
}

static unsigned fdmon_iou_events(const AioHandler *node)
{
	return (unsigned)node->fdmon_flags >> FDMON_IOU_EVENTS_SHIFT;
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
		io_uring_submit(&st->ring);
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

/* Our mutex held: one CQE; true when it made node ready. */
static bool fdmon_iou_complete(FDMonIoUring *st, AioHandlerList *ready,
			       struct io_uring_cqe *cqe, AioHandler **done)
{
	AioHandler *node = io_uring_cqe_get_data(cqe);
	short revents;

	/* POLL_REMOVE and liburing's own timeouts carry no node. */
	if (!node || cqe->user_data == LIBURING_UDATA_TIMEOUT)
		return false;
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

/* Reap every CQE into ready; the number of handlers pushed. */
static int fdmon_iou_reap(FDMonIoUring *st, AioHandlerList *ready,
			  AioHandler **done)
{
	struct io_uring_cqe *cqe;
	unsigned head, seen = 0;
	int n = 0;

	if (io_uring_cq_has_overflow(&st->ring))
		io_uring_get_events(&st->ring);
	if (!io_uring_cq_ready(&st->ring))
		return 0;
	pthread_mutex_lock(&st->lock);
	io_uring_for_each_cqe(&st->ring, head, cqe) {
		seen++;
		n += fdmon_iou_complete(st, ready, cqe, done);
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
 * Wait until a handler is ready or the timeout passes. CQEs that make
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
			ret = io_uring_submit(&st->ring);
		else
			ret = fdmon_iou_submit_wait(st, deadline);
		n += fdmon_iou_reap(st, ready, &done);
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

/*
 * Must the loop wait()? Only when a CQE is there to reap. Queued changes
 * (new handlers, the re-arm of every one-shot POLL_ADD that fired) are
 * submitted here instead: in QEMU 10.2 they make need_wait() true, which
 * keeps the loop from ever busy-polling after an fd-dispatched event, so
 * poll-max-ns had no effect under io_uring. One io_uring_enter per change
 * batch is far cheaper than the blocking wait it avoids.
 */
static bool fdmon_iou_need_wait(AioContext *ctx)
{
	FDMonIoUring *st = fdmon_iou(ctx);

	if (atomic_load_explicit(&st->changes, memory_order_acquire) ||
	    io_uring_sq_ready(&st->ring)) {
		AioHandler *done = NULL;

		fdmon_iou_fill_sq(st, &done);
		io_uring_submit(&st->ring);
		fdmon_iou_hand_back(ctx, done);
	}
	return io_uring_cq_ready(&st->ring) ||
	       atomic_load_explicit(&st->changes, memory_order_acquire);
}

static int fdmon_iou_setup(AioContext *ctx)
{
	FDMonIoUring *st = calloc(1, sizeof(*st));
	int ret;

	if (!st)
		return -ENOMEM;
	ret = io_uring_queue_init(FDMON_IOU_ENTRIES, &st->ring, 0);
	if (ret < 0) {
		free(st);
		return ret;
	}
	pthread_mutex_init(&st->lock, NULL);
	atomic_init(&st->changes, false);
	ctx->fdmon_state = st;
	return 0;
}

/*
 * Context teardown: every handler node, ours included, has been freed by
 * aio_handlers_destroy already, so neither the change list nor the CQ may
 * be looked at. Exiting the ring cancels what is still in flight.
 */
static void fdmon_iou_destroy(AioContext *ctx)
{
	FDMonIoUring *st = fdmon_iou(ctx);

	if (!st)
		return;
	io_uring_queue_exit(&st->ring);
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

	fdmon_iou_fill_sq(st, &done);
	io_uring_submit(&st->ring);
	fdmon_iou_hand_back(ctx, done);
	return st->ring.ring_fd;
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
