/*
 * engine-io_uring.c: the io_uring engine (liburing).
 *
 * Which ring (--uring-ring). "context": requests go on the AioContext's
 * own ring through aio_add_sqe (loop/aio.h, QEMU 10.2's block/io_uring.c
 * does the same): the loop submits them with its next wait, in the same
 * io_uring_enter, and runs each completion's CqeHandler in its dispatch
 * phase; its built-in poll handler reads the CQ while it polls. No
 * eventfd, no handler of our own, and commit() has nothing to do. "own"
 * (below): a private ring with an eventfd the loop waits on. "auto" (the
 * default) is context where the context's fd monitor has a ring and
 * --hipri is off (an IOPOLL ring cannot watch fds), else own.
 *
 * Own ring. Submission: queue() only prepares an SQE; prepared SQEs go to
 * the kernel in one io_uring_submit() when aio-max-batch of them are
 * waiting, at commit(), at the end of a completion callback that queued
 * new ones, or at the latest from a BH scheduled by the first unsubmitted
 * SQE, so they are batched per loop iteration.
 *
 * Completion: an eventfd is registered with the ring (the interrupt path,
 * for a loop that blocks). The loop's io_poll callback peeks the CQ ring in
 * user space (no syscall). While the loop busy-polls, io_poll_begin turns
 * the ring's eventfd notifications off (IORING_CQ_EVENTFD_DISABLED) and
 * io_poll_end turns them back on and rechecks, as virtio does with guest
 * kicks.
 *
 * How a completion reaches the IOThread (--uring-taskrun): the kernel
 * posts a CQE from task work run in the submitting thread. With "signal"
 * (io_uring's default) a thread that is running, such as one busy-polling
 * the CQ ring, is interrupted by an IPI per completion to run that work;
 * on a VM each IPI is an exit and an injected interrupt. With "coop" (the
 * default here: IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG) no
 * IPI is sent; the kernel sets IORING_SQ_TASKRUN instead, which io_poll
 * reads in user space and answers with one io_uring_get_events(). A
 * sleeping thread is woken either way.
 *
 * --hipri: an IOPOLL ring. Polled completions have no interrupt, so a BH
 * reaps them (io_uring_get_events) for as long as requests are in flight:
 * the IOThread spins, as fio's hipri does. Devices without poll queues fail
 * such reads with EOPNOTSUPP; check() and init() probe one read and say
 * "polled completions unsupported on this device".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/stat.h>

#include "config.h"
#include "workloads/engine-real.h"

#ifdef HAVE_LIBURING
#include <liburing.h>

#define URING_REAP_BATCH 64

/* A request on the context ring: its completion handler. */
struct uring_req {
	CqeHandler h;         /* first: the handler is the request */
	struct wl_engine *e;
	struct wl_io *io;
	struct uring_req *next_free;
};

struct uring {
	struct io_uring ring;
	struct wl_target tgt;
	int efd;              /* registered with the ring */
	bool hipri;
	bool coop;            /* COOP_TASKRUN: look for IORING_SQ_TASKRUN */
	unsigned int pending; /* prepared SQEs not yet submitted */
	unsigned int inflight;
	unsigned int max_batch;
	AioBH *submit_bh;     /* submits what a loop iteration queued */
	AioBH *reap_bh;       /* hipri: reaps polled completions */
	bool in_reap;         /* defer submission to the end of reap */
	bool ctx_ring;        /* --uring-ring context: aio_add_sqe */
	struct uring_req *free_reqs;
	struct uring_req **req_chunks;
	unsigned int nchunks;
};

static unsigned int ring_entries(uint32_t iodepth)
{
	unsigned int n = 1;

	while (n < iodepth && n < 32768)
		n <<= 1;
	return n < 4 ? 4 : n;
}

/* Stamp the requests in the SQ: they go to the kernel now. */
static void uring_stamp_sq(struct uring *u)
{
	struct io_uring_sq *sq = &u->ring.sq;
	int64_t now = aio_clock_get_ns(AIO_CLOCK_REALTIME);

	for (unsigned int i = sq->sqe_head; i != sq->sqe_tail; i++) {
		struct wl_io *io = (struct wl_io *)(uintptr_t)
				   sq->sqes[i & sq->ring_mask].user_data;

		io->submit_ns = now;
	}
}

static int uring_submit(struct uring *u)
{
	int ret;

	while (u->pending) {
		uring_stamp_sq(u);
		ret = io_uring_submit(&u->ring);
		if (ret == -EINTR)
			continue;
		if (ret == -EAGAIN || ret == -EBUSY) {
			/* Kernel short of resources: retry next iteration. */
			aio_bh_schedule(u->submit_bh);
			return 0;
		}
		if (ret < 0)
			return ret;
		u->pending = io_uring_sq_ready(&u->ring);
		if (ret == 0)
			break;
	}
	return 0;
}

static void uring_submit_bh(void *opaque)
{
	struct wl_engine *e = opaque;
	struct uring *u = e->priv;
	int ret = uring_submit(u);

	if (ret)
		snprintf(e->err, sizeof(e->err), "io_uring_submit: %s",
			 strerror(-ret));
}

/*
 * Reap the CQEs present when the reap started (bounded, see engine.h);
 * complete() may queue more, which later iterations reap.
 */
static bool uring_reap(struct wl_engine *e)
{
	struct uring *u = e->priv;
	struct io_uring_cqe *cqes[URING_REAP_BATCH];
	struct wl_io *ios[URING_REAP_BATCH];
	int64_t res[URING_REAP_BATCH];
	bool progress = false;
	unsigned int n, budget = io_uring_cq_ready(&u->ring);
	int64_t now = budget ? aio_clock_get_ns(AIO_CLOCK_REALTIME) : 0;

	u->in_reap = true;
	while (budget && (n = io_uring_peek_batch_cqe(&u->ring, cqes,
					budget < URING_REAP_BATCH ? budget :
					URING_REAP_BATCH)) > 0) {
		budget -= n;
		for (unsigned int i = 0; i < n; i++) {
			ios[i] = io_uring_cqe_get_data(cqes[i]);
			res[i] = cqes[i]->res;
		}
		io_uring_cq_advance(&u->ring, n);
		u->inflight -= n;
		for (unsigned int i = 0; i < n; i++) {
			ios[i]->result = res[i];
			ios[i]->reap_ns = now;
			e->complete(ios[i], e->opaque);
		}
		progress = true;
	}
	u->in_reap = false;
	/* Submit what the completion callbacks queued, in one call. */
	if (u->pending)
		uring_submit_bh(e);
	return progress;
}

static void uring_read(void *opaque)
{
	struct wl_engine *e = opaque;
	struct uring *u = e->priv;
	uint64_t cnt;

	if (read(u->efd, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
		snprintf(e->err, sizeof(e->err), "eventfd read: %s",
			 strerror(errno));
	uring_reap(e);
}

static bool uring_poll(void *opaque)
{
	struct wl_engine *e = opaque;
	struct uring *u = e->priv;

	if (io_uring_cq_ready(&u->ring) > 0)
		return true;
	/* coop: completions wait in task work until we enter the kernel. */
	if (u->coop &&
	    (IO_URING_READ_ONCE(*u->ring.sq.kflags) & IORING_SQ_TASKRUN)) {
		io_uring_get_events(&u->ring);
		return io_uring_cq_ready(&u->ring) > 0;
	}
	return false;
}

static void uring_poll_ready(void *opaque)
{
	uring_reap(opaque);
}

static void uring_poll_begin(void *opaque)
{
	struct wl_engine *e = opaque;
	struct uring *u = e->priv;

	io_uring_cq_eventfd_toggle(&u->ring, false);
}

static void uring_poll_end(void *opaque)
{
	struct wl_engine *e = opaque;
	struct uring *u = e->priv;

	io_uring_cq_eventfd_toggle(&u->ring, true);
	/* A CQE posted while notifications were off signalled nothing. */
	if (io_uring_cq_ready(&u->ring) > 0)
		eventfd_write(u->efd, 1);
}

static void uring_reap_bh(void *opaque)
{
	struct wl_engine *e = opaque;
	struct uring *u = e->priv;

	if (!io_uring_cq_ready(&u->ring))
		io_uring_get_events(&u->ring);
	uring_reap(e);
	if (u->inflight)
		aio_bh_schedule(u->reap_bh);
}

/* ---- The context ring (--uring-ring context) ----------------------------- */

static void uring_ctx_prep(struct io_uring_sqe *sqe, void *opaque)
{
	struct uring_req *r = opaque;
	struct uring *u = r->e->priv;
	struct wl_io *io = r->io;

	if (io->ddir == WL_DDIR_WRITE)
		io_uring_prep_write(sqe, u->tgt.fd, io->buf, io->len,
				    io->offset);
	else
		io_uring_prep_read(sqe, u->tgt.fd, io->buf, io->len,
				   io->offset);
}

/* CQE handler, in the loop's dispatch phase (one per completion). */
static void uring_ctx_done(CqeHandler *h)
{
	struct uring_req *r = (struct uring_req *)h;
	struct wl_engine *e = r->e;
	struct uring *u = e->priv;
	struct wl_io *io = r->io;

	io->result = h->cqe.res;
	io->submit_ns = h->submit_ns;
	io->reap_ns = h->reap_ns;
	r->next_free = u->free_reqs;
	u->free_reqs = r;
	u->inflight--;
	e->complete(io, e->opaque);
}

/* A free request; more are allocated when a front end has more ios. */
static struct uring_req *uring_req_get(struct wl_engine *e)
{
	struct uring *u = e->priv;
	unsigned int n = e->job->iodepth ? e->job->iodepth : 1;
	struct uring_req *r, **chunks;

	if (!u->free_reqs) {
		chunks = realloc(u->req_chunks,
				 (u->nchunks + 1) * sizeof(*chunks));
		if (!chunks)
			return NULL;
		u->req_chunks = chunks;
		r = calloc(n, sizeof(*r));
		if (!r)
			return NULL;
		chunks[u->nchunks++] = r;
		for (unsigned int i = 0; i < n; i++) {
			r[i].h.cb = uring_ctx_done;
			r[i].e = e;
			r[i].next_free = u->free_reqs;
			u->free_reqs = &r[i];
		}
	}
	r = u->free_reqs;
	u->free_reqs = r->next_free;
	return r;
}

static enum wl_q_ret uring_ctx_queue(struct wl_engine *e, struct wl_io *io)
{
	struct uring *u = e->priv;
	struct uring_req *r = uring_req_get(e);
	int ret;

	if (!r)
		return wl_engine_q_fail(e, -ENOMEM);
	r->io = io;
	r->h.submit_ns = r->h.reap_ns = 0;
	ret = aio_add_sqe(e->ctx, uring_ctx_prep, r, &r->h);
	if (ret) {
		r->next_free = u->free_reqs;
		u->free_reqs = r;
		snprintf(e->err, sizeof(e->err), "aio_add_sqe: %s",
			 strerror(-ret));
		/* The SQ was full and the kernel took nothing: later. */
		if (ret == -EAGAIN || ret == -EBUSY)
			return WL_Q_BUSY;
		return wl_engine_q_fail(e, ret);
	}
	u->inflight++;
	return WL_Q_QUEUED;
}

/*
 * Which ring: "context" needs the context's ring and no --hipri; "auto"
 * takes it where it can. 0, or -EINVAL with e->err set.
 */
static int uring_pick_ring(struct wl_engine *e, bool *ctx_ring)
{
	const char *want = e->job->uring_ring;
	bool can = aio_has_io_uring(e->ctx) && !e->job->hipri;

	*ctx_ring = strcmp(want, "own") != 0 && can;
	if (strcmp(want, "context") || can)
		return 0;
	if (e->job->hipri)
		snprintf(e->err, sizeof(e->err), "--uring-ring context cannot "
			 "be used with --hipri (polled completions need an "
			 "IOPOLL ring of their own): use --uring-ring own");
	else
		snprintf(e->err, sizeof(e->err), "--uring-ring context needs "
			 "the io_uring fd monitor, and this context uses %s: "
			 "use --fdmon io_uring (where the kernel allows it) or "
			 "--uring-ring own", aio_context_fdmon_name(e->ctx));
	return -EINVAL;
}

/*
 * Probe polled completions on the target: one read on an IOPOLL ring.
 * 0 when they work, -EOPNOTSUPP (message in err) when the device has no
 * poll queues.
 */
static int hipri_probe(const struct wl_target *t, char *err, size_t errlen)
{
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	void *buf;
	int ret;

	if (!t->direct) {
		snprintf(err, errlen, "%s: --hipri needs direct I/O (polled "
			 "completions bypass the page cache); drop --direct=0",
			 t->path);
		return -EINVAL;
	}
	ret = io_uring_queue_init(4, &ring, IORING_SETUP_IOPOLL);
	if (ret) {
		snprintf(err, errlen, "%s: polled completions unsupported: "
			 "cannot create an IOPOLL ring: %s", t->path,
			 strerror(-ret));
		return ret;
	}
	if (posix_memalign(&buf, t->mem_align, t->align)) {
		io_uring_queue_exit(&ring);
		return -ENOMEM;
	}
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read(sqe, t->fd, buf, t->align, 0);
	ret = io_uring_submit(&ring);
	if (ret == 1)
		ret = io_uring_wait_cqe(&ring, &cqe);
	else if (ret >= 0)
		ret = -EIO;
	if (ret == 0) {
		ret = cqe->res < 0 ? cqe->res : 0;
		io_uring_cqe_seen(&ring, cqe);
	}
	io_uring_queue_exit(&ring);
	free(buf);
	if (ret == -EOPNOTSUPP)
		snprintf(err, errlen, "%s: polled completions unsupported on "
			 "this device (%s has no poll queues; IOPOLL read "
			 "failed with EOPNOTSUPP): run without --hipri",
			 t->path, t->disk[0] ? t->disk : "its disk");
	else if (ret)
		snprintf(err, errlen, "%s: polled read failed: %s", t->path,
			 strerror(-ret));
	return ret;
}

/* --hipri: probe polled completions on an existing target (one read). */
static int hipri_check(const struct wl_job *job, char *err, size_t errlen)
{
	struct wl_target_opts o;
	struct wl_target t;
	int ret;

	wl_real_target_opts(job, &o);
	ret = wl_target_open(&t, job->target, &o, err, errlen);
	if (ret)
		return ret;
	ret = hipri_probe(&t, err, errlen);
	wl_target_close(&t);
	return ret;
}

static int uring_check(const struct wl_job *job, char *err, size_t errlen)
{
	struct stat st;
	int ret;

	if (!strcmp(job->uring_ring, "context") && job->hipri) {
		snprintf(err, errlen, "--uring-ring context cannot be used "
			 "with --hipri (polled completions need an IOPOLL ring "
			 "of their own): use --uring-ring own");
		return -EINVAL;
	}
	if (!strcmp(job->uring_ring, "context") &&
	    (!strcmp(job->fdmon, "poll") || !strcmp(job->fdmon, "epoll"))) {
		snprintf(err, errlen, "--uring-ring context needs the io_uring "
			 "fd monitor, not --fdmon %s: use --fdmon io_uring or "
			 "auto, or --uring-ring own", job->fdmon);
		return -EINVAL;
	}
	ret = wl_real_check(job, err, errlen);

	/* A missing file is probed by prepare(), once it exists. */
	if (ret || !job->hipri || stat(job->target, &st))
		return ret;
	return hipri_check(job, err, errlen);
}

static int uring_prepare(const struct wl_job *job, bool *created, char *err,
			 size_t errlen)
{
	int ret = wl_real_prepare(job, created, err, errlen);

	return ret || !job->hipri ? ret : hipri_check(job, err, errlen);
}

static int uring_init(struct wl_engine *e)
{
	struct uring *u = calloc(1, sizeof(*u));
	int64_t batch = aio_context_get_aio_max_batch(e->ctx);
	unsigned int entries = ring_entries(e->job->iodepth);
	int ret;

	if (!u)
		return -ENOMEM;
	u->efd = -1;
	u->hipri = e->job->hipri;
	ret = uring_pick_ring(e, &u->ctx_ring);
	if (ret)
		goto fail;
	ret = wl_real_open(e, &u->tgt);
	if (ret)
		goto fail;
	if (u->ctx_ring) {
		e->priv = u;
		e->ring = "context";
		return 0;
	}
	e->ring = "own";
	if (u->hipri) {
		ret = hipri_probe(&u->tgt, e->err, sizeof(e->err));
		if (ret)
			goto fail_tgt;
	}
	u->coop = !u->hipri && !strcmp(e->job->uring_taskrun, "coop");
	ret = io_uring_queue_init(entries, &u->ring,
				  u->hipri ? IORING_SETUP_IOPOLL :
				  u->coop ? IORING_SETUP_COOP_TASKRUN |
					    IORING_SETUP_TASKRUN_FLAG : 0);
	if (ret == -EINVAL && u->coop) {
		snprintf(e->err, sizeof(e->err), "io_uring_queue_init: "
			 "IORING_SETUP_COOP_TASKRUN refused (Linux 5.19 or "
			 "later needed): use --uring-taskrun signal");
		goto fail_tgt;
	}
	if (ret) {
		snprintf(e->err, sizeof(e->err), "io_uring_queue_init(%u): %s",
			 entries, strerror(-ret));
		goto fail_tgt;
	}
	u->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (u->efd < 0) {
		ret = -errno;
		snprintf(e->err, sizeof(e->err), "eventfd: %s",
			 strerror(errno));
		goto fail_ring;
	}
	ret = io_uring_register_eventfd(&u->ring, u->efd);
	if (ret) {
		snprintf(e->err, sizeof(e->err), "io_uring_register_eventfd: "
			 "%s", strerror(-ret));
		goto fail_efd;
	}
	/* Default batch: everything a loop iteration queued (<= iodepth). */
	u->max_batch = batch > 0 && batch < entries ? (unsigned int)batch
						    : entries;
	e->priv = u;
	u->submit_bh = aio_bh_new(e->ctx, uring_submit_bh, e);
	u->reap_bh = aio_bh_new(e->ctx, uring_reap_bh, e);
	aio_set_fd_handler(e->ctx, u->efd, uring_read, NULL, uring_poll,
			   uring_poll_ready, e);
	aio_set_fd_poll(e->ctx, u->efd, uring_poll_begin, uring_poll_end);
	return 0;

fail_efd:
	close(u->efd);
fail_ring:
	io_uring_queue_exit(&u->ring);
fail_tgt:
	wl_target_close(&u->tgt);
fail:
	free(u);
	e->priv = NULL;
	return ret;
}

static enum wl_q_ret uring_queue(struct wl_engine *e, struct wl_io *io)
{
	struct uring *u = e->priv;
	struct io_uring_sqe *sqe;
	int ret;

	if (!wl_real_io_allowed(&u->tgt, io))
		return wl_engine_q_fail(e, -EBADF);
	if (u->ctx_ring)
		return uring_ctx_queue(e, io);
	sqe = io_uring_get_sqe(&u->ring);
	if (!sqe) {
		ret = uring_submit(u);
		if (ret)
			return wl_engine_q_fail(e, ret);
		sqe = io_uring_get_sqe(&u->ring);
		if (!sqe)
			return WL_Q_BUSY;
	}
	if (io->ddir == WL_DDIR_WRITE)
		io_uring_prep_write(sqe, u->tgt.fd, io->buf, io->len,
				    io->offset);
	else
		io_uring_prep_read(sqe, u->tgt.fd, io->buf, io->len,
				   io->offset);
	io_uring_sqe_set_data(sqe, io);
	u->pending++;
	u->inflight++;
	if (u->hipri && u->inflight == 1)
		aio_bh_schedule(u->reap_bh);
	if (u->pending >= u->max_batch) {
		ret = uring_submit(u);
		return ret ? wl_engine_q_fail(e, ret) : WL_Q_QUEUED;
	}
	if (u->pending == 1 && !u->in_reap)
		aio_bh_schedule(u->submit_bh);
	return WL_Q_QUEUED;
}

static int uring_commit(struct wl_engine *e)
{
	struct uring *u = e->priv;

	int ret;

	/* The context ring: the loop submits with its next wait. */
	if (u->ctx_ring || u->in_reap)
		return 0; /* own: uring_reap submits once, at its end */
	ret = uring_submit(u);
	/* Nothing left for the backstop BH: spare the loop an iteration. */
	if (!ret && !u->pending)
		aio_bh_cancel(u->submit_bh);
	return ret;
}

static void uring_cleanup(struct wl_engine *e)
{
	struct uring *u = e->priv;

	if (!u)
		return;
	if (u->ctx_ring) {
		/* Nothing is in flight (engine.h): no handler is pending. */
		for (unsigned int i = 0; i < u->nchunks; i++)
			free(u->req_chunks[i]);
		free(u->req_chunks);
		wl_target_close(&u->tgt);
		free(u);
		e->priv = NULL;
		return;
	}
	aio_set_fd_handler(e->ctx, u->efd, NULL, NULL, NULL, NULL, NULL);
	aio_bh_delete(u->submit_bh);
	aio_bh_delete(u->reap_bh);
	io_uring_unregister_eventfd(&u->ring);
	io_uring_queue_exit(&u->ring);
	close(u->efd);
	wl_target_close(&u->tgt);
	free(u);
	e->priv = NULL;
}

const struct wl_engine_ops wl_engine_io_uring = {
	.name = "io_uring",
	.desc = "io_uring (liburing): on the event loop's own ring "
		"(--uring-ring context) or a private one with an eventfd "
		"(own); --hipri for an IOPOLL ring",
	.flags = WL_ENG_REAL,
	.check = uring_check,
	.prepare = uring_prepare,
	.init = uring_init,
	.queue = uring_queue,
	.commit = uring_commit,
	.cleanup = uring_cleanup,
};

#else /* !HAVE_LIBURING */

static int uring_missing(const struct wl_job *job, char *err, size_t errlen)
{
	snprintf(err, errlen, "engine io_uring: aiotune was built without "
		 "liburing (install liburing-dev and rebuild)");
	return -ENOTSUP;
}

static int uring_init_missing(struct wl_engine *e)
{
	return uring_missing(e->job, e->err, sizeof(e->err));
}

static enum wl_q_ret uring_queue_missing(struct wl_engine *e,
					 struct wl_io *io)
{
	return wl_engine_q_fail(e, -ENOTSUP);
}

static void uring_cleanup_missing(struct wl_engine *e)
{
}

const struct wl_engine_ops wl_engine_io_uring = {
	.name = "io_uring",
	.desc = "io_uring (not built: liburing missing)",
	.flags = WL_ENG_REAL,
	.check = uring_missing,
	.init = uring_init_missing,
	.queue = uring_queue_missing,
	.cleanup = uring_cleanup_missing,
};

#endif
