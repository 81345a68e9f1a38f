/*
 * fdmon-test.h: shared fixture of the fd-monitor tests (tests/fdmon/).
 *
 * ft_context_new(name) gives a fresh context on that fd monitor, or NULL
 * (with a note) when the library falls back to another one, as it does for
 * io_uring where the kernel refuses it. A watchdog alarm turns a hung case
 * into a failure naming the case. Everything is static inline: each test is
 * a single program.
 */
#ifndef AIOTUNE_TESTS_FDMON_TEST_H
#define AIOTUNE_TESTS_FDMON_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "loop/aio.h"
#include "tests/lib/test.h"
#include "util/util.h"

static const char *ft_case;

static inline void ft_alarm(int sig)
{
	static const char msg[] = "FAIL: watchdog: case hung: ";
	ssize_t r;

	(void)sig;
	r = write(2, msg, sizeof(msg) - 1);
	if (ft_case)
		r = write(2, ft_case, strlen(ft_case));
	r = write(2, "\n", 1);
	(void)r;
	_exit(T_EXIT_FAIL);
}

/* Start a case: name it for the watchdog and arm it (seconds). */
static inline void ft_begin(const char *fdmon, const char *name, int secs)
{
	static char buf[128];

	snprintf(buf, sizeof(buf), "[%s] %s", fdmon, name);
	ft_case = buf;
	printf("%s\n", buf);
	fflush(stdout);
	signal(SIGALRM, ft_alarm);
	alarm(secs);
}

static inline void ft_end(void)
{
	alarm(0);
	ft_case = NULL;
}

/* A context on fd monitor name, or NULL when another one was given. */
static inline AioContext *ft_context_new(const char *name)
{
	AioContext *ctx;

	if (aio_set_default_fdmon(name) < 0)
		t_fail("aio_set_default_fdmon(\"%s\") refused", name);
	ctx = aio_context_new();
	if (!ctx)
		t_fail("aio_context_new (%s): errno %d", name, errno);
	if (strcmp(aio_context_fdmon_name(ctx), name) != 0) {
		if (strcmp(name, "io_uring") != 0)
			t_fail("asked for %s, got %s", name,
			       aio_context_fdmon_name(ctx));
		fprintf(stderr, "note: %s unavailable here (got %s)\n", name,
			aio_context_fdmon_name(ctx));
		aio_context_unref(ctx);
		return NULL;
	}
	return ctx;
}

/* The fd monitor the context's statistics report. */
static inline const char *ft_stats_fdmon(AioContext *ctx)
{
	AioStats st;

	aio_context_get_stats(ctx, &st);
	return st.fdmon ? st.fdmon : "(null)";
}

/* aio_poll(ctx, false) until it returns false (bounded). */
static inline void ft_drain(AioContext *ctx)
{
	int i = 0;

	while (aio_poll(ctx, false))
		if (++i > 1000)
			t_fail("aio_poll(false) still makes progress after "
			       "1000 calls");
}

/* A non-blocking pipe: p[0] read end, p[1] write end. */
static inline void ft_pipe(int p[2])
{
	if (pipe2(p, O_NONBLOCK | O_CLOEXEC) < 0)
		t_fail("pipe2: errno %d", errno);
}

static inline void ft_write_byte(int fd)
{
	char c = 'x';

	if (write(fd, &c, 1) != 1)
		t_fail("write(%d): errno %d", fd, errno);
}

/* Read everything there is; the number of bytes read. */
static inline int ft_drain_fd(int fd)
{
	char buf[256];
	int total = 0;
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += (int)n;
	return total;
}

/* A regular file's fd (epoll refuses these with EPERM; poll reports it
 * always readable). */
static inline int ft_regular_file(void)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/regular", t_tmpdir());
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		t_fail("open %s: errno %d", path, errno);
	unlink(path);
	return fd;
}

#endif
