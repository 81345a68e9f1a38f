/*
 * engine-linux-aio.c: the linux-aio engine (libaio; QEMU's aio=native).
 *
 * Submission: iocbs are collected and handed to io_submit() in one call
 * when aio-max-batch (default 32, as QEMU) are waiting, at commit(), at the
 * end of a completion callback that queued new ones, or from a BH
 * scheduled by the first waiting iocb: one batch per loop iteration.
 *
 * Completion: every iocb carries an eventfd (io_set_eventfd), the path for
 * a loop that blocks. The io_poll callback reads the kernel's completion
 * ring straight from user space: an io_context_t is the address of a
 * struct aio_ring (id, nr, head, tail, magic, ...) followed by nr io_events;
 * events between head and tail are complete, and the consumer advances
 * head. No syscall, never blocks. Should the ring not carry the expected
 * magic, reaping falls back to io_getevents() with a zero timeout.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include "config.h"
#include "workloads/engine-real.h"

#ifdef HAVE_LIBAIO
#include <libaio.h>

#define LAIO_DEFAULT_BATCH 32
#define LAIO_REAP_BATCH 64
#define AIO_RING_MAGIC 0xa10a10a1

/* The kernel's ring header (fs/aio.c), mapped into our address space. */
struct aio_ring {
	unsigned int id;
	unsigned int nr;       /* number of io_events */
	unsigned int head;     /* written by the consumer */
	unsigned int tail;     /* written by the kernel */
	unsigned int magic;
	unsigned int compat_features;
	unsigned int incompat_features;
	unsigned int header_length;
	struct io_event io_events[];
};

struct laio {
	io_context_t ctx;
	struct aio_ring *ring;  /* NULL: use io_getevents */
	struct wl_target tgt;
	int efd;
	struct iocb *iocbs;     /* iodepth of them */
	struct iocb **free;     /* free list (stack) */
	unsigned int nfree;
	struct iocb **batch;    /* waiting for io_submit */
	unsigned int pending;
	unsigned int depth;
	unsigned int max_batch;
	AioBH *submit_bh;
	bool in_reap;
};

static int laio_submit(struct wl_engine *e)
{
	struct laio *l = e->priv;
	int ret;

	while (l->pending) {
		ret = io_submit(l->ctx, l->pending, l->batch);
		if (ret == -EINTR)
			continue;
		if (ret == -EAGAIN) {
			aio_bh_schedule(l->submit_bh);
			return 0;
		}
		if (ret < 0)
			return ret;
		l->pending -= (unsigned int)ret;
		memmove(l->batch, l->batch + ret,
			l->pending * sizeof(l->batch[0]));
		if (ret == 0)
			break;
	}
	return 0;
}

static void laio_submit_bh(void *opaque)
{
	struct wl_engine *e = opaque;
	int ret = laio_submit(e);

	if (ret)
		snprintf(e->err, sizeof(e->err), "io_submit: %s",
			 strerror(-ret));
}

static bool ring_has_events(struct aio_ring *r)
{
	unsigned int tail = atomic_load_explicit(
		(_Atomic unsigned int *)&r->tail, memory_order_acquire);

	return tail != r->head;
}

/* Copy up to max events out of the ring and advance its head. */
static unsigned int ring_take(struct aio_ring *r, struct io_event *ev,
			      unsigned int max)
{
	unsigned int head = r->head, n = 0;
	unsigned int tail = atomic_load_explicit(
		(_Atomic unsigned int *)&r->tail, memory_order_acquire);

	while (head != tail && n < max) {
		ev[n++] = r->io_events[head];
		head = head + 1 == r->nr ? 0 : head + 1;
	}
	/* The events are copied out before the kernel may reuse the slots. */
	atomic_store_explicit((_Atomic unsigned int *)&r->head, head,
			      memory_order_release);
	return n;
}

/* Completions waiting in the ring now (those a reap may take). */
static unsigned int ring_ready(struct aio_ring *r)
{
	unsigned int tail = atomic_load_explicit(
		(_Atomic unsigned int *)&r->tail, memory_order_acquire);

	return tail >= r->head ? tail - r->head : r->nr - r->head + tail;
}

static unsigned int laio_take(struct laio *l, struct io_event *ev,
			      unsigned int max)
{
	struct timespec zero = { 0, 0 };
	int n;

	if (l->ring)
		return ring_take(l->ring, ev, max);
	n = io_getevents(l->ctx, 0, max, ev, &zero);
	return n > 0 ? (unsigned int)n : 0;
}

/*
 * Reap the completions present when the reap started (bounded, see
 * engine.h): what complete() queues is submitted inside this reap once a
 * batch is full, and buffered I/O on cached pages completes inside that
 * io_submit(), so "until the ring is empty" would never end. Without the
 * user-space ring the bound is the requests in flight at the start.
 */
static bool laio_reap(struct wl_engine *e)
{
	struct laio *l = e->priv;
	struct io_event ev[LAIO_REAP_BATCH];
	bool progress = false;
	unsigned int n, budget;

	budget = l->ring ? ring_ready(l->ring) : l->depth - l->nfree;
	l->in_reap = true;
	while (budget && (n = laio_take(l, ev, budget < LAIO_REAP_BATCH ?
					budget : LAIO_REAP_BATCH)) > 0) {
		budget -= n;
		for (unsigned int i = 0; i < n; i++) {
			struct iocb *cb = ev[i].obj;
			struct wl_io *io = cb->data;

			l->free[l->nfree++] = cb;
			io->result = (int64_t)(long)ev[i].res;
			e->complete(io, e->opaque);
		}
		progress = true;
	}
	l->in_reap = false;
	if (l->pending)
		laio_submit_bh(e);
	return progress;
}

static void laio_read(void *opaque)
{
	struct wl_engine *e = opaque;
	struct laio *l = e->priv;
	uint64_t cnt;

	if (read(l->efd, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
		snprintf(e->err, sizeof(e->err), "eventfd read: %s",
			 strerror(errno));
	laio_reap(e);
}

static bool laio_poll(void *opaque)
{
	struct wl_engine *e = opaque;
	struct laio *l = e->priv;

	if (!l->ring)
		return l->nfree < l->depth; /* ask io_getevents */
	return ring_has_events(l->ring);
}

static void laio_poll_ready(void *opaque)
{
	laio_reap(opaque);
}

static int laio_check(const struct wl_job *job, char *err, size_t errlen)
{
	return wl_real_check(job, err, errlen);
}

static int laio_alloc(struct laio *l, unsigned int depth)
{
	l->depth = depth;
	l->iocbs = calloc(depth, sizeof(*l->iocbs));
	l->free = calloc(depth, sizeof(*l->free));
	l->batch = calloc(depth, sizeof(*l->batch));
	if (!l->iocbs || !l->free || !l->batch)
		return -ENOMEM;
	for (unsigned int i = 0; i < depth; i++)
		l->free[i] = &l->iocbs[depth - 1 - i];
	l->nfree = depth;
	return 0;
}

static void laio_free(struct laio *l)
{
	free(l->iocbs);
	free(l->free);
	free(l->batch);
	free(l);
}

static int laio_init(struct wl_engine *e)
{
	struct laio *l = calloc(1, sizeof(*l));
	int64_t batch = aio_context_get_aio_max_batch(e->ctx);
	unsigned int depth = e->job->iodepth ? e->job->iodepth : 1;
	int ret;

	if (!l)
		return -ENOMEM;
	l->efd = -1;
	ret = laio_alloc(l, depth);
	if (ret)
		goto fail;
	ret = wl_real_open(e, &l->tgt);
	if (ret)
		goto fail;
	ret = io_setup((int)depth, &l->ctx);
	if (ret) {
		snprintf(e->err, sizeof(e->err), "io_setup(%u): %s%s", depth,
			 strerror(-ret), ret == -EAGAIN ?
			 " (raise /proc/sys/fs/aio-max-nr)" : "");
		goto fail_tgt;
	}
	l->ring = (struct aio_ring *)l->ctx;
	if (l->ring->magic != AIO_RING_MAGIC || l->ring->incompat_features)
		l->ring = NULL;
	l->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (l->efd < 0) {
		ret = -errno;
		snprintf(e->err, sizeof(e->err), "eventfd: %s",
			 strerror(errno));
		goto fail_ctx;
	}
	if (batch <= 0)
		batch = LAIO_DEFAULT_BATCH;
	l->max_batch = batch < depth ? (unsigned int)batch : depth;
	e->priv = l;
	l->submit_bh = aio_bh_new(e->ctx, laio_submit_bh, e);
	aio_set_fd_handler(e->ctx, l->efd, laio_read, NULL, laio_poll,
			   laio_poll_ready, e);
	return 0;

fail_ctx:
	io_destroy(l->ctx);
fail_tgt:
	wl_target_close(&l->tgt);
fail:
	laio_free(l);
	e->priv = NULL;
	return ret;
}

static enum wl_q_ret laio_queue(struct wl_engine *e, struct wl_io *io)
{
	struct laio *l = e->priv;
	struct iocb *cb;
	int ret;

	if (!wl_real_io_allowed(&l->tgt, io))
		return wl_engine_q_fail(e, -EBADF);
	if (!l->nfree)
		return WL_Q_BUSY;
	cb = l->free[--l->nfree];
	if (io->ddir == WL_DDIR_WRITE)
		io_prep_pwrite(cb, l->tgt.fd, io->buf, io->len,
			       (long long)io->offset);
	else
		io_prep_pread(cb, l->tgt.fd, io->buf, io->len,
			      (long long)io->offset);
	io_set_eventfd(cb, l->efd);
	cb->data = io;
	io->eng_priv = cb;
	l->batch[l->pending++] = cb;
	if (l->pending >= l->max_batch) {
		ret = laio_submit(e);
		return ret ? wl_engine_q_fail(e, ret) : WL_Q_QUEUED;
	}
	if (l->pending == 1 && !l->in_reap)
		aio_bh_schedule(l->submit_bh);
	return WL_Q_QUEUED;
}

static int laio_commit(struct wl_engine *e)
{
	struct laio *l = e->priv;

	int ret;

	if (l->in_reap)
		return 0; /* laio_reap submits once, at its end */
	ret = laio_submit(e);
	/* Nothing left for the backstop BH: spare the loop an iteration. */
	if (!ret && !l->pending)
		aio_bh_cancel(l->submit_bh);
	return ret;
}

static void laio_cleanup(struct wl_engine *e)
{
	struct laio *l = e->priv;

	if (!l)
		return;
	aio_set_fd_handler(e->ctx, l->efd, NULL, NULL, NULL, NULL, NULL);
	aio_bh_delete(l->submit_bh);
	io_destroy(l->ctx);
	close(l->efd);
	wl_target_close(&l->tgt);
	laio_free(l);
	e->priv = NULL;
}

const struct wl_engine_ops wl_engine_linux_aio = {
	.name = "linux-aio",
	.desc = "linux-aio (libaio, aio=native): completion ring read in "
		"user space, eventfd for blocking",
	.flags = WL_ENG_REAL,
	.check = laio_check,
	.prepare = wl_real_prepare,
	.init = laio_init,
	.queue = laio_queue,
	.commit = laio_commit,
	.cleanup = laio_cleanup,
};

#else /* !HAVE_LIBAIO */

static int laio_missing(const struct wl_job *job, char *err, size_t errlen)
{
	snprintf(err, errlen, "engine linux-aio: aiotune was built without "
		 "libaio (install libaio-dev and rebuild)");
	return -ENOTSUP;
}

static int laio_init_missing(struct wl_engine *e)
{
	return laio_missing(e->job, e->err, sizeof(e->err));
}

static enum wl_q_ret laio_queue_missing(struct wl_engine *e,
					struct wl_io *io)
{
	return wl_engine_q_fail(e, -ENOTSUP);
}

static void laio_cleanup_missing(struct wl_engine *e)
{
}

const struct wl_engine_ops wl_engine_linux_aio = {
	.name = "linux-aio",
	.desc = "linux-aio (not built: libaio missing)",
	.flags = WL_ENG_REAL,
	.check = laio_missing,
	.init = laio_init_missing,
	.queue = laio_queue_missing,
	.cleanup = laio_cleanup_missing,
};

#endif
