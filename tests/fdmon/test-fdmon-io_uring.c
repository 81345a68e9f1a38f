/*
 * test-fdmon-io_uring: what is particular to the io_uring fd monitor.
 *
 * fallback: where the kernel refuses io_uring_setup (here a seccomp filter
 * in a child process, as container runtimes install; the sysctl
 * kernel.io_uring_disabled has the same effect) "io_uring" and "auto"
 * give a working poll context that says "poll"; where io_uring works,
 * "auto" gives "io_uring".
 * thread-exit: polls armed by a thread that exits are cancelled by the
 * kernel (-ECANCELED); the context re-arms them in the next loop thread.
 * removed-armed: handlers removed while their POLL_ADD is in flight are
 * freed only after it completes, and never called (ASan checks the rest).
 */
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "config.h"
#include "tests/fdmon/fdmon-test.h"

#ifdef HAVE_LIBURING
#include <liburing.h>
#endif

#if defined(__x86_64__)
#define FT_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define FT_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

/* Whether this process may create an io_uring at all. */
static bool io_uring_usable(void)
{
#ifdef HAVE_LIBURING
	struct io_uring ring;

	if (io_uring_queue_init(4, &ring, 0) < 0)
		return false;
	io_uring_queue_exit(&ring);
	return true;
#else
	return false;
#endif
}

struct pipe_data {
	int p[2];
	int calls;
};

static void pipe_read_cb(void *opaque)
{
	struct pipe_data *d = opaque;

	d->calls++;
	ft_drain_fd(d->p[0]);
}

/* A context asked for name works and says "poll" (in the child). */
static int check_fell_back(const char *name)
{
	struct pipe_data d = { .calls = 0 };
	AioContext *ctx;

	if (aio_set_default_fdmon(name) < 0)
		return 10;
	ctx = aio_context_new();
	if (!ctx)
		return 11;
	if (strcmp(aio_context_fdmon_name(ctx), "poll") != 0)
		return 12;
	if (strcmp(ft_stats_fdmon(ctx), "poll") != 0)
		return 13;
	ft_pipe(d.p);
	aio_set_fd_handler(ctx, d.p[0], pipe_read_cb, NULL, NULL, NULL, &d);
	ft_write_byte(d.p[1]);
	if (!aio_poll(ctx, true) || d.calls != 1)
		return 14;
	aio_set_fd_handler(ctx, d.p[0], NULL, NULL, NULL, NULL, NULL);
	aio_context_unref(ctx);
	close(d.p[0]);
	close(d.p[1]);
	return 0;
}

static void case_fallback(void)
{
#ifdef FT_AUDIT_ARCH
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, FT_AUDIT_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {
		.len = ARRAY_SIZE(filter),
		.filter = filter,
	};
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		t_fail("fork: errno %d", errno);
	if (pid == 0) {
		int ret;

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
			_exit(77);
		if (io_uring_usable())
			_exit(20); /* the filter did not bite */
		ret = check_fell_back("io_uring");
		if (!ret)
			ret = check_fell_back("auto");
		_exit(ret);
	}
	if (waitpid(pid, &status, 0) < 0)
		t_fail("waitpid: errno %d", errno);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
		fprintf(stderr, "note: no seccomp here: fallback not tested\n");
		return;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		t_fail("child with io_uring refused: status 0x%x", status);
#else
	fprintf(stderr, "note: unknown arch for seccomp: fallback not "
		"tested\n");
#endif
}

static void case_auto(void)
{
	AioContext *ctx;

	ASSERT_EQ(aio_set_default_fdmon("auto"), 0);
	ctx = aio_context_new();
	ASSERT_NOT_NULL(ctx);
	ASSERT_STREQ(aio_context_fdmon_name(ctx),
		     io_uring_usable() ? "io_uring" : "poll");
	aio_context_unref(ctx);
}

struct exit_arg {
	AioContext *ctx;
};

static void *arm_and_exit(void *opaque)
{
	struct exit_arg *a = opaque;

	aio_poll(a->ctx, false); /* submits the POLL_ADDs, then exits */
	aio_poll(a->ctx, false);
	return NULL;
}

static void case_thread_exit(void)
{
	AioContext *ctx = ft_context_new("io_uring");
	struct pipe_data d = { .calls = 0 };
	struct exit_arg a = { .ctx = ctx };
	pthread_t tid;

	if (!ctx)
		return;
	ft_pipe(d.p);
	aio_set_fd_handler(ctx, d.p[0], pipe_read_cb, NULL, NULL, NULL, &d);
	pthread_create(&tid, NULL, arm_and_exit, &a);
	pthread_join(tid, NULL);
	ASSERT_EQ(d.calls, 0);
	t_sleep_ns(20000000); /* let the kernel finish the cancellation */

	ft_write_byte(d.p[1]);
	ASSERT_TRUE(aio_poll(ctx, true)); /* hangs if not re-armed */
	ASSERT_EQ(d.calls, 1);
	ft_write_byte(d.p[1]);
	ASSERT_TRUE(aio_poll(ctx, true));
	ASSERT_EQ(d.calls, 2);
	ASSERT_FALSE(aio_poll(ctx, false));
	aio_set_fd_handler(ctx, d.p[0], NULL, NULL, NULL, NULL, NULL);
	aio_context_unref(ctx);
	close(d.p[0]);
	close(d.p[1]);
}

#define NARMED 50

static void case_removed_armed(void)
{
	static struct pipe_data d[NARMED];
	AioContext *ctx = ft_context_new("io_uring");
	int i;

	if (!ctx)
		return;
	for (i = 0; i < NARMED; i++) {
		d[i].calls = 0;
		ft_pipe(d[i].p);
		aio_set_fd_handler(ctx, d[i].p[0], pipe_read_cb, NULL, NULL,
				   NULL, &d[i]);
	}
	ASSERT_FALSE(aio_poll(ctx, false)); /* all armed, none ready */
	for (i = 0; i < NARMED; i++)
		aio_set_fd_handler(ctx, d[i].p[0], NULL, NULL, NULL, NULL,
				   NULL);
	/* Readable after removal: the in-flight polls may complete. */
	for (i = 0; i < NARMED; i += 2)
		ft_write_byte(d[i].p[1]);
	for (i = 0; i < 5; i++)
		ASSERT_FALSE(aio_poll(ctx, false));
	for (i = 0; i < NARMED; i++)
		ASSERT_EQ(d[i].calls, 0);

	/* Removed while armed, context destroyed before any wait. */
	for (i = 0; i < NARMED; i++)
		aio_set_fd_handler(ctx, d[i].p[0], pipe_read_cb, NULL, NULL,
				   NULL, &d[i]);
	ft_drain(ctx);
	for (i = 0; i < NARMED; i++) {
		ASSERT_EQ(d[i].calls, i % 2 ? 0 : 1);
		aio_set_fd_handler(ctx, d[i].p[0], NULL, NULL, NULL, NULL,
				   NULL);
	}
	aio_context_unref(ctx);
	for (i = 0; i < NARMED; i++) {
		close(d[i].p[0]);
		close(d[i].p[1]);
	}
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	ft_begin("io_uring", "fallback", 30);
	case_fallback();
	ft_end();
	ft_begin("io_uring", "auto", 10);
	case_auto();
	ft_end();
	if (!io_uring_usable())
		t_skip("io_uring unavailable here: only the fallback tested");
	ft_begin("io_uring", "thread-exit", 30);
	case_thread_exit();
	ft_end();
	ft_begin("io_uring", "removed-armed", 30);
	case_removed_armed();
	ft_end();
	return T_EXIT_PASS;
}
