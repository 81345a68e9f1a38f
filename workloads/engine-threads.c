/*
 * engine-threads.c: the threads engine (QEMU's aio=threads): each request
 * is one preadv/pwritev run by a worker of the context's thread pool
 * (loop/thread-pool.h); its completion runs in the IOThread, delivered by
 * the pool. There is no submission batching: every request is handed to
 * the pool at once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/uio.h>

#include "loop/thread-pool.h"
#include "workloads/engine-real.h"

struct threads {
	struct wl_target tgt;
	unsigned int inflight;
};

struct threads_req {
	struct wl_engine *e;
	struct wl_io *io;
	int fd;
	int64_t result; /* set by the worker */
};

/* Worker thread: the whole transfer, retrying short counts and EINTR. */
static int threads_work(void *arg)
{
	struct threads_req *r = arg;
	struct wl_io *io = r->io;
	size_t done = 0;

	while (done < io->len) {
		struct iovec iov = {
			.iov_base = (char *)io->buf + done,
			.iov_len = io->len - done,
		};
		off_t off = (off_t)(io->offset + done);
		ssize_t n = io->ddir == WL_DDIR_WRITE ?
			    pwritev(r->fd, &iov, 1, off) :
			    preadv(r->fd, &iov, 1, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r->result = -errno;
			return (int)r->result;
		}
		if (n == 0)
			break; /* end of file: a short transfer */
		done += (size_t)n;
	}
	r->result = (int64_t)done;
	return 0;
}

/* IOThread: the pool delivers the completion. */
static void threads_done(void *opaque, int ret)
{
	struct threads_req *r = opaque;
	struct wl_engine *e = r->e;
	struct threads *t = e->priv;
	struct wl_io *io = r->io;

	io->result = ret < 0 ? ret : r->result;
	t->inflight--;
	free(r);
	e->complete(io, e->opaque);
}

static int threads_check(const struct wl_job *job, char *err, size_t errlen)
{
	return wl_real_check(job, err, errlen);
}

static int threads_init(struct wl_engine *e)
{
	struct threads *t = calloc(1, sizeof(*t));
	int ret;

	if (!t)
		return -ENOMEM;
	ret = wl_real_open(e, &t->tgt);
	if (ret) {
		free(t);
		return ret;
	}
	e->priv = t;
	return 0;
}

static enum wl_q_ret threads_queue(struct wl_engine *e, struct wl_io *io)
{
	struct threads *t = e->priv;
	struct threads_req *r;

	if (!wl_real_io_allowed(&t->tgt, io))
		return wl_engine_q_fail(e, -EBADF);
	r = malloc(sizeof(*r));
	if (!r)
		return wl_engine_q_fail(e, -ENOMEM);
	r->e = e;
	r->io = io;
	r->fd = t->tgt.fd;
	r->result = 0;
	io->eng_priv = r;
	if (!thread_pool_submit(e->ctx, threads_work, r, threads_done, r)) {
		free(r);
		snprintf(e->err, sizeof(e->err), "thread_pool_submit failed");
		return wl_engine_q_fail(e, -ENOMEM);
	}
	t->inflight++;
	return WL_Q_QUEUED;
}

static void threads_cleanup(struct wl_engine *e)
{
	struct threads *t = e->priv;

	if (!t)
		return;
	wl_target_close(&t->tgt);
	free(t);
	e->priv = NULL;
}

const struct wl_engine_ops wl_engine_threads = {
	.name = "threads",
	.desc = "thread pool (aio=threads): preadv/pwritev in the context's "
		"worker threads",
	.flags = WL_ENG_REAL,
	.check = threads_check,
	.prepare = wl_real_prepare,
	.init = threads_init,
	.queue = threads_queue,
	.cleanup = threads_cleanup,
};
