/*
 * test-engine-verify.c: every real engine, driven through its ops table in
 * an AioContext, against a small fresh file under the build directory:
 * - the file is created and filled with the pattern of the job's seed;
 * - a pattern of another seed written to the even blocks (random order,
 *   iodepth 8, O_DIRECT and buffered) reads back exactly, while the odd
 *   blocks still hold the fill: data lands where it was sent, no more;
 * - a read-only job cannot write: the engine refuses a write request and
 *   the target's fd is read-only.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "tests/lib/test.h"
#include "util/util.h"
#include "workloads/engine.h"
#include "workloads/target.h"

#define BS 4096
#define NBLK 64
#define DEPTH 8

struct drive {
	int done;
	int errors;
};

static void on_complete(struct wl_io *io, void *opaque)
{
	struct drive *d = opaque;

	d->done++;
	if (io->result != (int64_t)io->len) {
		fprintf(stderr, "io at %llu: result %lld\n",
			(unsigned long long)io->offset, (long long)io->result);
		d->errors++;
	}
}

/* Run the blocks in order[0..n) as ddir through e, DEPTH at a time. */
static void run_ios(struct wl_engine *e, const int *order, int n,
		    enum wl_ddir ddir, void **bufs, uint64_t seed,
		    bool commit)
{
	struct wl_io ios[NBLK];
	struct drive *d = e->opaque;
	int next = 0, start_done = d->done;

	memset(ios, 0, sizeof(ios));
	while (d->done - start_done < n) {
		while (next < n && next - (d->done - start_done) < DEPTH) {
			struct wl_io *io = &ios[next];
			int blk = order[next];
			enum wl_q_ret ret;

			io->offset = (uint64_t)blk * BS;
			io->len = BS;
			io->ddir = ddir;
			io->buf = bufs[blk];
			io->slot = (uint32_t)next;
			if (ddir == WL_DDIR_WRITE)
				wl_pattern_fill(io->buf, BS, io->offset, seed);
			else
				memset(io->buf, 0, BS);
			ret = e->ops->queue(e, io);
			if (ret == WL_Q_BUSY)
				break;
			ASSERT_EQ(ret, WL_Q_QUEUED);
			next++;
		}
		/* Without commit() the engine's own BH must submit. */
		if (commit && e->ops->commit)
			ASSERT_EQ(e->ops->commit(e), 0);
		aio_poll(e->ctx, true);
	}
	ASSERT_EQ(d->errors, 0);
}

static void check_blocks(void **bufs, int first, int step, uint64_t seed)
{
	for (int b = first; b < NBLK; b += step) {
		uint64_t bad = 0;

		if (!wl_pattern_check(bufs[b], BS, (uint64_t)b * BS, seed,
				      &bad))
			t_fail("block %d (seed %llu): wrong data at byte %llu",
			       b, (unsigned long long)seed,
			       (unsigned long long)bad);
	}
}

extern const struct wl_engine_ops wl_engine_io_uring;
extern const struct wl_engine_ops wl_engine_linux_aio;
extern const struct wl_engine_ops wl_engine_threads;

static void one_engine(const struct wl_engine_ops *ops, const char *dir,
		       bool direct)
{
	const char *name = ops->name;
	struct wl_engine e;
	struct wl_job job;
	struct drive d = { 0 };
	void *bufs[NBLK];
	int even[NBLK / 2], all[NBLK];
	char err[512];
	AioContext *ctx;
	struct wl_io wio;
	bool created;

	wl_job_init(&job);
	snprintf(job.engine, sizeof(job.engine), "%s", name);
	snprintf(job.target, sizeof(job.target), "%s/verify-%s-%d.dat", dir,
		 name, direct);
	unlink(job.target);
	job.rw = WL_RW_RANDWRITE;
	job.bs = BS;
	job.iodepth = DEPTH;
	job.size = NBLK * BS;
	job.direct = direct;
	job.seed = 11;

	/*
	 * check() creates nothing; prepare() creates and fills the missing
	 * file (no --allow-write needed), and says so.
	 */
	ASSERT_EQ(ops->check(&job, err, sizeof(err)), 0);
	ASSERT_EQ(access(job.target, F_OK), -1);
	ASSERT_NOT_NULL(ops->prepare);
	created = false;
	ASSERT_EQ(ops->prepare(&job, &created, err, sizeof(err)), 0);
	ASSERT_TRUE(created);

	ctx = aio_context_new();
	ASSERT_NOT_NULL(ctx);
	/* Batches of 3: queue() itself submits when one is full. */
	ASSERT_EQ(aio_context_set_aio_params(ctx, 3), 0);
	memset(&e, 0, sizeof(e));
	e.ops = ops;
	e.ctx = ctx;
	e.job = &job;
	e.complete = on_complete;
	e.opaque = &d;
	if (ops->init(&e))
		t_fail("%s init: %s", name, e.err);
	ASSERT_EQ(e.size, NBLK * BS);
	ASSERT_EQ(BS % e.align, 0);

	for (int i = 0; i < NBLK; i++) {
		ASSERT_EQ(posix_memalign(&bufs[i], e.mem_align, BS), 0);
		all[i] = i;
	}
	/* Even blocks in a scrambled order. */
	for (int i = 0; i < NBLK / 2; i++)
		even[i] = ((i * 7) % (NBLK / 2)) * 2;

	run_ios(&e, all, NBLK, WL_DDIR_READ, bufs, 0, true);
	check_blocks(bufs, 0, 1, 11);           /* the fill */
	run_ios(&e, even, NBLK / 2, WL_DDIR_WRITE, bufs, 22, true);
	run_ios(&e, all, NBLK, WL_DDIR_READ, bufs, 0, false);
	check_blocks(bufs, 0, 2, 22);           /* written */
	check_blocks(bufs, 1, 2, 11);           /* untouched */
	ops->cleanup(&e);

	/* The same file, read-only job: writes are refused. */
	job.rw = WL_RW_RANDREAD;
	memset(&e, 0, sizeof(e));
	e.ops = ops;
	e.ctx = ctx;
	e.job = &job;
	e.complete = on_complete;
	e.opaque = &d;
	ASSERT_EQ(ops->init(&e), 0);
	memset(&wio, 0, sizeof(wio));
	wio.len = BS;
	wio.ddir = WL_DDIR_WRITE;
	wio.buf = bufs[0];
	ASSERT_EQ(ops->queue(&e, &wio), WL_Q_FAILED);
	ASSERT_EQ(e.q_err, -EBADF);
	ops->cleanup(&e);

	for (int i = 0; i < NBLK; i++)
		free(bufs[i]);
	aio_context_unref(ctx);
	unlink(job.target);
	printf("%s direct=%d: ok\n", name, direct);
}

int main(void)
{
	static const struct wl_engine_ops *const engines[] = {
		&wl_engine_io_uring, &wl_engine_linux_aio, &wl_engine_threads,
	};
	const char *build = getenv("BUILD");
	char dir[1024];

	snprintf(dir, sizeof(dir), "%s/tmp", build ? build : t_tmpdir());
	mkdir(dir, 0755);
	for (size_t i = 0; i < ARRAY_SIZE(engines); i++) {
		one_engine(engines[i], dir, true);
		one_engine(engines[i], dir, false);
	}
	return T_EXIT_PASS;
}
