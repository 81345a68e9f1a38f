/*
 * test-aio-add-sqe: io_uring requests on the context's own ring
 * (aio_add_sqe, QEMU 10.2's interface; docs/loop-contract.md section 6.6).
 *
 * Every case runs on a plain context of the io_uring monitor (driven by
 * this thread) and, except where noted, inside an IOThread once per ring
 * flag set (none, coop, single, single+coop, defer), where the IOThread
 * is the home thread and the ring may be bound to it.
 *
 * refused: monitors without a ring (poll, epoll) answer -ENOTSUP and never
 * call prep; aio_has_io_uring says so.
 * order: nothing is submitted before the loop runs; CQE handlers run in
 * the dispatch phase of aio_poll, in CQE order, before BHs, with a copy
 * of their CQE and the loop's own user data (the caller's is replaced).
 * batch: one aio_poll runs at most aio-max-batch CQE handlers; the rest
 * keep the next aio_poll from blocking and run there, in order.
 * nested: a handler's nested aio_poll runs the handlers its parent left
 * pending, in order, and a CQE that arrives during the nested aio_poll.
 * other-thread: a thread other than the home thread is refused (-EPERM,
 * prep not called); on a plain context the thread that runs aio_poll
 * becomes home.
 * polled: the ring's built-in poll handler joins the poll set after the
 * first CQE handler, the policy's window grows from its block times, and
 * a completion that arrives inside the window is found by polling, with
 * no blocking wait.
 * teardown: unref with requests queued (never submitted) and in flight
 * (cancelled; on a plain context also one blocked in an io-wq worker):
 * no handler runs, and no request consumed the data written to its pipe
 * afterwards or waits on the FIFO (ASan: nothing leaks, nothing is used
 * after free).
 * gsource: a CQE handler runs from a glib iteration.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <glib.h>

#include "config.h"
#include "loop/iothread.h"
#include "tests/fdmon/fdmon-test.h"

#ifdef HAVE_LIBURING
#include <liburing.h>

#define SEC 1000000000LL
#define LOG_MAX 64

struct req {
	CqeHandler h;           /* first: the handler is the request */
	int id;
	struct tst *t;
	int fd;                 /* read: the pipe */
	char buf[16];
	struct __kernel_timespec ts; /* timeout: valid until submitted */
	char path[160];         /* openat: valid until submitted */
	void (*then)(struct req *r);
};

struct tst {
	AioContext *ctx;
	int log[LOG_MAX];
	int nlog;
	int preps;
	struct req r[8];
};

static void t_log(struct tst *t, int v)
{
	if (t->nlog >= LOG_MAX)
		t_fail("log overflow");
	t->log[t->nlog++] = v;
}

static void req_cb(CqeHandler *h)
{
	struct req *r = (struct req *)h;

	t_log(r->t, r->id);
	if (r->then)
		r->then(r);
}

static void req_init(struct tst *t, struct req *r, int id)
{
	memset(r, 0, sizeof(*r));
	r->h.cb = req_cb;
	r->id = id;
	r->t = t;
	r->fd = -1;
}

/* A NOP whose prep also sets the user data: the loop must replace it. */
static void prep_nop(struct io_uring_sqe *sqe, void *opaque)
{
	struct req *r = opaque;

	r->t->preps++;
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 0xdeadbeef);
}

static void prep_read(struct io_uring_sqe *sqe, void *opaque)
{
	struct req *r = opaque;

	r->t->preps++;
	io_uring_prep_read(sqe, r->fd, r->buf, sizeof(r->buf), -1);
}

/* Open a FIFO for reading: an io-wq worker blocks until a writer comes. */
static void prep_open_fifo(struct io_uring_sqe *sqe, void *opaque)
{
	struct req *r = opaque;

	r->t->preps++;
	/* O_TRUNC (ignored for a FIFO) keeps io_uring from trying a
	 * non-blocking open first, which would succeed at once. */
	io_uring_prep_openat(sqe, AT_FDCWD, r->path,
			     O_RDONLY | O_TRUNC | O_CLOEXEC, 0);
}

static void prep_timeout(struct io_uring_sqe *sqe, void *opaque)
{
	struct req *r = opaque;

	r->t->preps++;
	io_uring_prep_timeout(sqe, &r->ts, 0, 0);
}

static void add(struct tst *t, struct req *r, AioPrepSqeFunc *prep)
{
	int ret = aio_add_sqe(t->ctx, prep, r, &r->h);

	if (ret)
		t_fail("aio_add_sqe(request %d): %d", r->id, ret);
}

static void expect_log(struct tst *t, const int *want, int n)
{
	char got[256] = "", exp[256] = "";

	for (int i = 0; i < t->nlog; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%d ",
			 t->log[i]);
	for (int i = 0; i < n; i++)
		snprintf(exp + strlen(exp), sizeof(exp) - strlen(exp), "%d ",
			 want[i]);
	if (strcmp(got, exp) != 0)
		t_fail("callback order: got [%s], want [%s]", got, exp);
}

static int pipe_bytes(int fd)
{
	int n = -1;

	if (ioctl(fd, FIONREAD, &n) < 0)
		t_fail("FIONREAD: errno %d", errno);
	return n;
}

static void bh_log(void *opaque)
{
	t_log(opaque, 100);
}

/* Each case runs in ctx's home thread. */
typedef void case_fn(AioContext *ctx);

static void case_order(AioContext *ctx)
{
	struct tst t = { .ctx = ctx };
	static const int want[] = { 0, 1, 2, 3, 100 };
	int p[2];

	aio_context_set_poll_params(ctx, 0, 0, 0);
	ASSERT_TRUE(aio_has_io_uring(ctx));
	for (int i = 0; i < 4; i++) {
		req_init(&t, &t.r[i], i);
		add(&t, &t.r[i], prep_nop);
	}
	ASSERT_EQ(t.preps, 4); /* prep runs inside aio_add_sqe */
	ASSERT_EQ(t.nlog, 0);  /* handlers only in aio_poll */
	aio_bh_schedule_oneshot(ctx, bh_log, &t);
	ASSERT_TRUE(aio_poll(ctx, true));
	expect_log(&t, want, 5);
	for (int i = 0; i < 4; i++) {
		ASSERT_EQ(t.r[i].h.cqe.res, 0);
		ASSERT_EQ(t.r[i].h.cqe.user_data & ~1ULL,
			  (uintptr_t)&t.r[i].h);
	}
	ASSERT_FALSE(aio_poll(ctx, false));

	/* Queued, not submitted, until the loop runs. */
	ft_pipe(p);
	if (write(p[1], "abc", 3) != 3)
		t_fail("write: errno %d", errno);
	t.nlog = 0;
	req_init(&t, &t.r[5], 5);
	t.r[5].fd = p[0];
	add(&t, &t.r[5], prep_read);
	ASSERT_EQ(pipe_bytes(p[0]), 3);
	ASSERT_EQ(t.nlog, 0);
	ASSERT_TRUE(aio_poll(ctx, true));
	ASSERT_EQ(t.nlog, 1);
	ASSERT_EQ(t.r[5].h.cqe.res, 3);
	ASSERT_TRUE(memcmp(t.r[5].buf, "abc", 3) == 0);
	ASSERT_EQ(pipe_bytes(p[0]), 0);
	close(p[0]);
	close(p[1]);
}

static void case_batch(AioContext *ctx)
{
	struct tst t = { .ctx = ctx };
	static const int want[] = { 0, 1, 2, 3, 4 };

	aio_context_set_poll_params(ctx, 0, 0, 0);
	ASSERT_EQ(aio_context_set_aio_params(ctx, 2), 0);
	for (int i = 0; i < 5; i++) {
		req_init(&t, &t.r[i], i);
		add(&t, &t.r[i], prep_nop);
	}
	ASSERT_TRUE(aio_poll(ctx, true));
	ASSERT_EQ(t.nlog, 2);
	ASSERT_TRUE(aio_poll(ctx, true)); /* would block if none were left */
	ASSERT_EQ(t.nlog, 4);
	ASSERT_TRUE(aio_poll(ctx, false));
	expect_log(&t, want, 5);
	ASSERT_FALSE(aio_poll(ctx, false));
	ASSERT_EQ(aio_context_set_aio_params(ctx, 0), 0);
}

/* Request 0's handler: a nested aio_poll runs 1 and 2 (left pending). */
static void nested_then(struct req *r)
{
	struct tst *t = r->t;
	static const int want[] = { 0, 1, 2 };

	ASSERT_TRUE(aio_poll(t->ctx, false));
	expect_log(t, want, 3);
	t_log(t, 50);
}

/* Request 0's handler: add a 1 ms timeout, poll until it completes. */
static void arrive_then(struct req *r)
{
	struct tst *t = r->t;
	struct req *late = &t->r[7];
	int i = 0;

	req_init(t, late, 9);
	late->ts.tv_nsec = 1000000;
	add(t, late, prep_timeout);
	while (t->nlog < 3) {
		aio_poll(t->ctx, true);
		if (++i > 1000)
			t_fail("the timeout never completed");
	}
	t_log(t, 50);
}

static void case_nested(AioContext *ctx)
{
	struct tst t = { .ctx = ctx };
	static const int want1[] = { 0, 1, 2, 50 };
	static const int want2[] = { 0, 1, 9, 50 };

	aio_context_set_poll_params(ctx, 0, 0, 0);
	for (int i = 0; i < 3; i++) {
		req_init(&t, &t.r[i], i);
		add(&t, &t.r[i], prep_nop);
	}
	t.r[0].then = nested_then;
	ASSERT_TRUE(aio_poll(ctx, true));
	expect_log(&t, want1, 4);
	ASSERT_FALSE(aio_poll(ctx, false));

	t.nlog = 0;
	for (int i = 0; i < 2; i++) {
		req_init(&t, &t.r[i], i);
		add(&t, &t.r[i], prep_nop);
	}
	t.r[0].then = arrive_then;
	ASSERT_TRUE(aio_poll(ctx, true));
	expect_log(&t, want2, 4);
	ASSERT_EQ(t.r[7].h.cqe.res, -ETIME);
	ASSERT_FALSE(aio_poll(ctx, false));
}

struct other {
	AioContext *ctx;
	struct tst *t;
	int ret;
	bool poll_first;
};

static void *other_thread(void *opaque)
{
	struct other *o = opaque;

	if (o->poll_first) {
		aio_poll(o->ctx, false);
		req_init(o->t, &o->t->r[1], 1);
		o->ret = aio_add_sqe(o->ctx, prep_nop, &o->t->r[1],
				     &o->t->r[1].h);
		while (!o->ret && o->t->nlog < 1)
			aio_poll(o->ctx, true);
		return NULL;
	}
	req_init(o->t, &o->t->r[0], 0);
	o->ret = aio_add_sqe(o->ctx, prep_nop, &o->t->r[0], &o->t->r[0].h);
	return NULL;
}

static int from_other_thread(AioContext *ctx, struct tst *t, bool poll_first)
{
	struct other o = { .ctx = ctx, .t = t, .poll_first = poll_first };
	pthread_t tid;

	if (pthread_create(&tid, NULL, other_thread, &o))
		t_fail("pthread_create");
	pthread_join(tid, NULL);
	return o.ret;
}

static void case_other_thread(AioContext *ctx)
{
	struct tst t = { .ctx = ctx };

	ASSERT_EQ(from_other_thread(ctx, &t, false), -EPERM);
	ASSERT_EQ(t.preps, 0);
	ASSERT_FALSE(aio_poll(ctx, false));
	ASSERT_EQ(t.nlog, 0);
	/* The home thread still may. */
	req_init(&t, &t.r[2], 2);
	add(&t, &t.r[2], prep_nop);
	ASSERT_TRUE(aio_poll(ctx, true));
	ASSERT_EQ(t.nlog, 1);
}

/* Plain contexts only: the thread that runs aio_poll becomes home. */
static void case_home_moves(AioContext *ctx)
{
	struct tst t = { .ctx = ctx };

	ASSERT_EQ(from_other_thread(ctx, &t, true), 0);
	ASSERT_EQ(t.nlog, 1);
	req_init(&t, &t.r[3], 3);
	ASSERT_EQ(aio_add_sqe(ctx, prep_nop, &t.r[3], &t.r[3].h), -EPERM);
	aio_poll(ctx, false); /* this thread is home again */
	add(&t, &t.r[3], prep_nop);
	ASSERT_TRUE(aio_poll(ctx, true));
	ASSERT_EQ(t.nlog, 2);
}

static void case_polled(AioContext *ctx)
{
	struct tst t = { .ctx = ctx };
	AioStats a, b;
	bool hit = false;

	/* Large enough for any delay on a busy machine. */
	aio_context_set_poll_params(ctx, 5 * SEC, 0, 0);
	aio_context_set_poll_policy(ctx, "qemu");
	for (int i = 0; i < 60 && !hit; i++) {
		req_init(&t, &t.r[0], 0);
		t.r[0].ts.tv_nsec = 1000000;
		t.nlog = 0;
		add(&t, &t.r[0], prep_timeout);
		aio_context_get_stats(ctx, &a);
		while (t.nlog == 0)
			aio_poll(ctx, true);
		aio_context_get_stats(ctx, &b);
		ASSERT_EQ(t.r[0].h.cqe.res, -ETIME);
		/* The block time reached the policy: the window grew. */
		ASSERT_GT(b.window_ns, 0);
		hit = b.poll_hits > a.poll_hits &&
		      b.blocking_waits == a.blocking_waits;
	}
	if (!hit)
		t_fail("no completion was found by polling in 60 tries");
	aio_context_set_poll_params(ctx, 0, 0, 0);
	aio_poll(ctx, false);
}

/* ---- drivers ------------------------------------------------------------ */

static void run_plain(const char *name, case_fn *fn)
{
	AioContext *ctx;

	ft_begin("io_uring", name, 60);
	ctx = ft_context_new("io_uring");
	if (!ctx) {
		ft_end();
		return;
	}
	fn(ctx);
	ft_drain(ctx);
	aio_context_unref(ctx);
	ft_end();
}

struct in_thread {
	case_fn *fn;
	AioContext *ctx;
	atomic_int done;
};

static void in_thread_bh(void *opaque)
{
	struct in_thread *it = opaque;

	it->fn(it->ctx);
	atomic_store(&it->done, 1);
}

/* Whether this kernel takes the flag set (else the loop drops it). */
static bool kernel_has(const char *flags)
{
	unsigned f = 0;
	struct io_uring ring;

	if (!strcmp(flags, "coop") || !strcmp(flags, "single+coop"))
		f |= IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG;
	if (!strcmp(flags, "single") || !strcmp(flags, "single+coop"))
		f |= IORING_SETUP_SINGLE_ISSUER;
	if (!strcmp(flags, "defer"))
		f |= IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
		     IORING_SETUP_TASKRUN_FLAG;
	if (io_uring_queue_init(4, &ring, f) < 0)
		return false;
	io_uring_queue_exit(&ring);
	return true;
}

/* An IOThread on io_uring with the given ring flags, or NULL. */
static IOThread *flagged_iothread(const char *flags)
{
	char err[256];
	IOThread *io;
	AioStats st;

	ASSERT_EQ(aio_set_default_fdmon("io_uring"), 0);
	ASSERT_EQ(aio_set_default_ring_flags(flags), 0);
	io = iothread_create("sqe", NULL, err, sizeof(err));
	ASSERT_EQ(aio_set_default_ring_flags("auto"), 0);
	if (!io)
		t_fail("iothread_create: %s", err);
	aio_context_get_stats(iothread_get_aio_context(io), &st);
	if (strcmp(st.fdmon, "io_uring") != 0) {
		fprintf(stderr, "note: io_uring unavailable here\n");
		iothread_destroy(io);
		return NULL;
	}
	if (kernel_has(flags))
		ASSERT_STREQ(st.ring_flags, flags);
	else
		fprintf(stderr, "note: kernel refuses ring flags %s (got "
			"%s)\n", flags, st.ring_flags);
	return io;
}

static void run_iothread(const char *flags, const char *name, case_fn *fn)
{
	struct in_thread it = { .fn = fn };
	char label[64];
	IOThread *io;

	snprintf(label, sizeof(label), "%s in an IOThread, flags %s", name,
		 flags);
	ft_begin("io_uring", label, 60);
	io = flagged_iothread(flags);
	if (!io) {
		ft_end();
		return;
	}
	it.ctx = iothread_get_aio_context(io);
	if (fn == case_other_thread) {
		/* This thread is not the IOThread. */
		struct tst t = { .ctx = it.ctx };

		req_init(&t, &t.r[0], 0);
		ASSERT_EQ(aio_add_sqe(it.ctx, prep_nop, &t.r[0], &t.r[0].h),
			  -EPERM);
		ASSERT_EQ(t.preps, 0);
	}
	aio_bh_schedule_oneshot(it.ctx, in_thread_bh, &it);
	while (!atomic_load(&it.done))
		t_sleep_ns(1000000);
	iothread_destroy(io);
	ft_end();
}

/* ---- teardown ----------------------------------------------------------- */

struct teardown {
	struct tst t;
	int p[2], q[2];
	char fifo[160]; /* "": no open in an io-wq worker */
};

static void teardown_fifo(struct teardown *d)
{
	static int n;

	snprintf(d->fifo, sizeof(d->fifo), "%s/fifo%d", t_tmpdir(), n++);
	unlink(d->fifo);
	if (mkfifo(d->fifo, 0600) < 0)
		t_fail("mkfifo %s: errno %d", d->fifo, errno);
}

static void teardown_setup(struct teardown *d, AioContext *ctx)
{
	d->t.ctx = ctx;
	/* In flight: a read on an empty pipe. */
	req_init(&d->t, &d->t.r[0], 0);
	d->t.r[0].fd = d->p[0];
	add(&d->t, &d->t.r[0], prep_read);
	/*
	 * In flight in an io-wq worker, blocked in open(2): closing the ring
	 * alone does not stop it at once. Plain contexts only: when the
	 * thread that submitted it exits first (an IOThread), the kernel
	 * (6.18) may fail to interrupt the worker and the exit hangs.
	 */
	if (d->fifo[0]) {
		req_init(&d->t, &d->t.r[2], 2);
		snprintf(d->t.r[2].path, sizeof(d->t.r[2].path), "%s",
			 d->fifo);
		add(&d->t, &d->t.r[2], prep_open_fifo);
	}
	ASSERT_FALSE(aio_poll(ctx, false)); /* submitted, nothing done */
	/* Queued only (plain contexts): a read of data already there. */
	req_init(&d->t, &d->t.r[1], 1);
	d->t.r[1].fd = d->q[0];
	add(&d->t, &d->t.r[1], prep_read);
}

struct teardown_call {
	struct teardown *d;
	AioContext *ctx;
	atomic_int done;
};

static void teardown_in_thread(void *opaque)
{
	struct teardown_call *c = opaque;

	teardown_setup(c->d, c->ctx);
	atomic_store(&c->done, 1);
}

/* Neither request took data; no handler ran. */
static void teardown_check(struct teardown *d, bool q_queued_only)
{
	char c = 0;
	int fd;

	ASSERT_EQ(d->t.nlog, 0);
	if (q_queued_only)
		ASSERT_EQ(pipe_bytes(d->q[0]), 1);
	ft_write_byte(d->p[1]);
	ASSERT_EQ(read(d->p[0], &c, 1), 1);
	ASSERT_EQ(c, 'x');
	/* No reader is left waiting on the FIFO (it would leak an fd). */
	if (d->fifo[0]) {
		fd = open(d->fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd >= 0)
			t_fail("the FIFO still had a reader after teardown");
		ASSERT_EQ(errno, ENXIO);
		unlink(d->fifo);
	}
	for (int i = 0; i < 2; i++) {
		close(d->p[i]);
		close(d->q[i]);
	}
}

static void case_teardown_plain(void)
{
	struct teardown d = { .t.nlog = 0 };
	AioContext *ctx;

	ft_begin("io_uring", "teardown with requests queued and in flight",
		 60);
	ctx = ft_context_new("io_uring");
	if (!ctx) {
		ft_end();
		return;
	}
	ft_pipe(d.p);
	ft_pipe(d.q);
	teardown_fifo(&d);
	ft_write_byte(d.q[1]);
	teardown_setup(&d, ctx);
	ASSERT_EQ(pipe_bytes(d.q[0]), 1);
	aio_context_unref(ctx);
	teardown_check(&d, true);
	ft_end();
}

static void case_teardown_iothread(const char *flags)
{
	struct teardown d = { .t.nlog = 0 };
	struct teardown_call it = { .d = &d };
	char label[64];
	IOThread *io;

	snprintf(label, sizeof(label), "teardown in flight, IOThread, flags "
		 "%s", flags);
	ft_begin("io_uring", label, 60);
	io = flagged_iothread(flags);
	if (!io) {
		ft_end();
		return;
	}
	it.ctx = iothread_get_aio_context(io);
	ft_pipe(d.p);
	ft_pipe(d.q);
	aio_bh_schedule_oneshot(it.ctx, teardown_in_thread, &it);
	while (!atomic_load(&it.done))
		t_sleep_ns(1000000);
	iothread_destroy(io);
	teardown_check(&d, false);
	ft_end();
}

/* ---- glib, and monitors without a ring ---------------------------------- */

static void case_gsource(void)
{
	struct tst t = { .nlog = 0 };
	GMainContext *gctx;
	GSource *src;
	int i = 0;

	ft_begin("io_uring", "gsource", 60);
	t.ctx = ft_context_new("io_uring");
	if (!t.ctx) {
		ft_end();
		return;
	}
	gctx = g_main_context_new();
	src = aio_get_g_source(t.ctx);
	g_source_attach(src, gctx);
	g_source_unref(src);
	while (g_main_context_iteration(gctx, false))
		;
	req_init(&t, &t.r[0], 0);
	add(&t, &t.r[0], prep_nop);
	ASSERT_EQ(t.nlog, 0);
	while (t.nlog == 0) {
		g_main_context_iteration(gctx, true);
		if (++i > 1000)
			t_fail("the CQE handler never ran under glib");
	}
	ASSERT_EQ(t.nlog, 1);
	while (g_main_context_iteration(gctx, false))
		;
	ASSERT_EQ(t.nlog, 1);
	g_source_destroy((GSource *)t.ctx);
	aio_context_unref(t.ctx);
	g_main_context_unref(gctx);
	ft_end();
}

static void case_refused(const char *fdmon)
{
	struct tst t = { .nlog = 0 };
	AioContext *ctx;
	AioStats st;

	ft_begin(fdmon, "refused: no ring", 30);
	ctx = ft_context_new(fdmon);
	t.ctx = ctx;
	ASSERT_FALSE(aio_has_io_uring(ctx));
	req_init(&t, &t.r[0], 0);
	ASSERT_EQ(aio_add_sqe(ctx, prep_nop, &t.r[0], &t.r[0].h), -ENOTSUP);
	ASSERT_EQ(t.preps, 0);
	aio_context_get_stats(ctx, &st);
	ASSERT_STREQ(st.ring_flags, "-");
	ft_drain(ctx);
	aio_context_unref(ctx);
	ft_end();
}

static const struct {
	const char *name;
	case_fn *fn;
} cases[] = {
	{ "order", case_order },
	{ "batch", case_batch },
	{ "nested", case_nested },
	{ "other-thread", case_other_thread },
	{ "polled", case_polled },
};

static const char *const flag_sets[] = {
	"none", "coop", "single", "single+coop", "defer",
};

int main(void)
{
	case_refused("poll");
	case_refused("epoll");
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		run_plain(cases[i].name, cases[i].fn);
	run_plain("home-moves", case_home_moves);
	case_teardown_plain();
	case_gsource();
	for (size_t f = 0; f < ARRAY_SIZE(flag_sets); f++) {
		for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
			run_iothread(flag_sets[f], cases[i].name,
				     cases[i].fn);
		case_teardown_iothread(flag_sets[f]);
	}
	return 0;
}

#else /* !HAVE_LIBURING */

int main(void)
{
	t_skip("built without liburing");
}

#endif
