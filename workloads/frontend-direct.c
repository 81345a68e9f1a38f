/*
 * frontend-direct.c: requests generated inside the IOThread. iodepth
 * requests are kept in flight; each completion is accounted and issues
 * the next request at once from the completion callback (the engine
 * submits what was queued there at the end of its reap, see engine.h).
 * Synchronous completions (WL_Q_COMPLETED) are handled from a BH so a
 * synchronous engine cannot recurse without bound. With --verify, writes
 * carry the target's data pattern (target.h, seeded by the job's seed,
 * as a created file is filled) and reads are checked against it; a
 * mismatch completes the request with -EILSEQ, counted as an error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workloads/frontend.h"
#include "workloads/target.h"

struct direct {
	struct wl_fe *fe;
	struct wl_gen gen;
	struct wl_io *ios;
	uint32_t nios;
	uint32_t inflight;    /* queued in the engine or on the done list */
	bool stopping;
	struct wl_io *busy;   /* refused with WL_Q_BUSY, to retry */
	struct wl_io *done;   /* completed synchronously, to account */
	AioBH *done_bh;
};

static void direct_complete(struct wl_io *io, void *opaque);

static void direct_fatal(struct direct *d, int ret, const char *what)
{
	wl_fe_set_fatal(d->fe, ret, what);
	d->stopping = true;
}

/* Queue io (already generated) in the engine. */
static void direct_queue(struct direct *d, struct wl_io *io)
{
	struct wl_engine *e = d->fe->eng;

	io->start_ns = aio_clock_get_ns(AIO_CLOCK_REALTIME);
	io->submit_ns = io->reap_ns = 0;
	io->result = 0;
	switch (e->ops->queue(e, io)) {
	case WL_Q_QUEUED:
		d->inflight++;
		break;
	case WL_Q_COMPLETED:
		d->inflight++;
		io->next = d->done;
		d->done = io;
		aio_bh_schedule(d->done_bh);
		break;
	case WL_Q_BUSY:
		if (!d->inflight) {
			direct_fatal(d, -EAGAIN,
				     "engine refused a request with none in flight");
			break;
		}
		io->next = d->busy;
		d->busy = io;
		break;
	case WL_Q_FAILED:
		direct_fatal(d, e->q_err, "submission failed");
		break;
	}
}

static void direct_issue(struct direct *d, struct wl_io *io)
{
	if (d->stopping)
		return;
	wl_gen_next(&d->gen, io);
	if (d->fe->job->verify && io->ddir == WL_DDIR_WRITE)
		wl_pattern_fill(io->buf, io->len, io->offset, d->fe->job->seed);
	direct_queue(d, io);
}

static void direct_commit(struct direct *d)
{
	struct wl_engine *e = d->fe->eng;
	int ret;

	if (!e->ops->commit)
		return;
	ret = e->ops->commit(e);
	if (ret < 0)
		direct_fatal(d, ret, "commit failed");
}

static void direct_finish(struct direct *d, struct wl_io *io)
{
	struct wl_io *retry;

	d->inflight--;
	if (d->fe->job->verify && io->ddir == WL_DDIR_READ &&
	    io->result == (int64_t)io->len &&
	    !wl_pattern_check(io->buf, io->len, io->offset, d->fe->job->seed,
			      NULL))
		io->result = -EILSEQ;
	wl_fe_account(d->fe, io, aio_clock_get_ns(AIO_CLOCK_REALTIME));
	if (d->busy && !d->stopping) {
		retry = d->busy;
		d->busy = retry->next;
		direct_queue(d, retry);
	}
	direct_issue(d, io);
}

static void direct_complete(struct wl_io *io, void *opaque)
{
	direct_finish(opaque, io);
}

static void direct_done_bh(void *opaque)
{
	struct direct *d = opaque;
	struct wl_io *list = d->done;

	d->done = NULL;
	while (list) {
		struct wl_io *io = list;

		list = io->next;
		direct_finish(d, io);
	}
	direct_commit(d);
}

static int direct_start(struct wl_fe *fe)
{
	struct wl_engine *e = fe->eng;
	const struct wl_job *job = fe->job;
	size_t align = e->mem_align < sizeof(void *) ? sizeof(void *)
						      : e->mem_align;
	struct direct *d;
	int ret;

	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->fe = fe;
	fe->priv = d;
	ret = wl_gen_init(&d->gen, job, e->size, e->align,
			  job->seed + 0x9e3779b97f4a7c15ULL * (uint64_t)fe->index,
			  fe->err, sizeof(fe->err));
	if (ret)
		return ret;
	d->nios = job->iodepth;
	d->ios = calloc(d->nios, sizeof(*d->ios));
	if (!d->ios)
		return -ENOMEM;
	for (uint32_t i = 0; i < d->nios; i++) {
		if (posix_memalign(&d->ios[i].buf, align, job->bs))
			return -ENOMEM;
		memset(d->ios[i].buf, 0, job->bs);
		d->ios[i].slot = i;
		d->ios[i].fe_priv = d;
	}
	d->done_bh = aio_bh_new(fe->ctx, direct_done_bh, d);
	e->complete = direct_complete;
	e->opaque = d;
	for (uint32_t i = 0; i < d->nios && !d->stopping; i++)
		direct_issue(d, &d->ios[i]);
	direct_commit(d);
	return fe->fatal;
}

static void direct_stop(struct wl_fe *fe)
{
	struct direct *d = fe->priv;

	if (d)
		d->stopping = true;
}

static bool direct_idle(struct wl_fe *fe)
{
	struct direct *d = fe->priv;

	return !d || d->inflight == 0;
}

static void direct_cleanup(struct wl_fe *fe)
{
	struct direct *d = fe->priv;

	if (!d)
		return;
	if (d->done_bh)
		aio_bh_delete(d->done_bh);
	for (uint32_t i = 0; d->ios && i < d->nios; i++)
		free(d->ios[i].buf);
	free(d->ios);
	free(d);
	fe->priv = NULL;
}

const struct wl_frontend_ops wl_frontend_direct = {
	.name = "direct",
	.desc = "requests generated in the IOThread; a completion issues the next",
	.start = direct_start,
	.stop = direct_stop,
	.idle = direct_idle,
	.cleanup = direct_cleanup,
};
