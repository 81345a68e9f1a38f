/* spawn.c: fork and exec, then wait on a pidfd with a timeout. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/spawn.h"

extern char **environ;

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * The file of argv[0] as execvp would find it (in PATH when it has no
 * '/'), looked up before fork: the child then only makes system calls.
 */
static int find_exe(const char *name, char *buf, size_t size)
{
	const char *path = getenv("PATH"), *p, *end;
	struct stat st;

	if (strchr(name, '/')) {
		if (snprintf(buf, size, "%s", name) >= (int)size)
			return -ENAMETOOLONG;
		return 0;
	}
	if (!path || !*path)
		path = "/usr/bin:/bin";
	for (p = path; ; p = end + 1) {
		end = strchr(p, ':');
		if (!end)
			end = p + strlen(p);
		if (snprintf(buf, size, "%.*s%s%s", (int)(end - p), p,
			     end > p ? "/" : "", name) < (int)size &&
		    stat(buf, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(buf, X_OK) == 0)
			return 0;
		if (!*end)
			return -ENOENT;
	}
}

/* In the child: report -err to the parent through fd and exit. */
static void child_fail(int fd, int err)
{
	ssize_t n = write(fd, &err, sizeof(err));

	(void)n;
	_exit(127);
}

static void child_redirect(int report, int to, const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC, 0644);

	if (fd < 0 || dup2(fd, to) < 0)
		child_fail(report, errno);
	if (fd != to)
		close(fd);
}

/*
 * The child: its own process group, stdin from /dev/null, stdout and
 * stderr to the files (one file when both are the same path), no
 * blocked signals, default INT/TERM/PIPE, and SIGKILL when the parent
 * dies (PR_SET_PDEATHSIG): a sweep killed outright leaves no run behind
 * to write into its directory. If the parent died before that was set,
 * the child never starts. (The kernel sends it when the thread that
 * forked ends: callers spawn from the thread that waits.)
 */
static void child(char *const argv[], const char *exe, const char *out_path,
		  const char *err_path, pid_t parent, int report)
{
	static const int defs[] = { SIGINT, SIGTERM, SIGPIPE };
	sigset_t none;

	setpgid(0, 0);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		child_fail(report, errno);
	if (getppid() != parent)
		_exit(127);
	for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++)
		signal(defs[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	child_redirect(report, 0, "/dev/null", O_RDONLY);
	child_redirect(report, 1, out_path, O_WRONLY | O_CREAT | O_TRUNC);
	if (!strcmp(out_path, err_path)) {
		if (dup2(1, 2) < 0)
			child_fail(report, errno);
	} else {
		child_redirect(report, 2, err_path,
			       O_WRONLY | O_CREAT | O_TRUNC);
	}
	execve(exe, argv, environ);
	child_fail(report, errno);
}

static int start(char *const argv[], const char *out_path,
		 const char *err_path, pid_t *pid)
{
	char exe[PATH_MAX];
	pid_t parent = getpid();
	int pipefd[2], err = 0, ret;
	ssize_t n;

	ret = find_exe(argv[0], exe, sizeof(exe));
	if (ret)
		return ret;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	*pid = fork();
	if (*pid < 0) {
		ret = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return ret;
	}
	if (*pid == 0) {
		close(pipefd[0]);
		child(argv, exe, out_path, err_path, parent, pipefd[1]);
	}
	setpgid(*pid, *pid); /* as the child does: no window without it */
	close(pipefd[1]);
	/* The pipe closes at exec (0 bytes) or carries the child's errno. */
	do {
		n = read(pipefd[0], &err, sizeof(err));
	} while (n < 0 && errno == EINTR);
	close(pipefd[0]);
	if (n == sizeof(err) && err) {
		while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
			;
		return -err;
	}
	return 0;
}

/* Wait up to ms for the child to exit: 1 exited, 0 not yet, -EINTR. */
static int wait_exit(pid_t pid, int pidfd, int ms, int *status)
{
	pid_t r;

	if (pidfd >= 0) {
		struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
		int n = poll(&pfd, 1, ms);

		if (n < 0)
			return errno == EINTR ? -EINTR : -errno;
		if (n == 0)
			return 0;
	} else {
		/* No pidfd (kernel before 5.3): look every 20 ms. */
		struct timespec ts = { 0, 20000000 };

		r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return 1;
		if (ms > 20)
			ms = 20;
		ts.tv_nsec = (long)ms * 1000000L;
		if (nanosleep(&ts, NULL) < 0)
			return -EINTR;
		return 0;
	}
	do {
		r = waitpid(pid, status, 0);
	} while (r < 0 && errno == EINTR);
	return 1;
}

static void kill_group(pid_t pid, int pidfd, int *status)
{
	kill(-pid, SIGTERM);
	kill(pid, SIGTERM);
	for (int i = 0; i < 50; i++)
		if (wait_exit(pid, pidfd, 20, status) == 1)
			return;
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
}

int util_spawn_wait(char *const argv[], const char *out_path,
		    const char *err_path, int64_t timeout_ns,
		    volatile sig_atomic_t *abort, int *status)
{
	return util_spawn_watch(argv, out_path, err_path, timeout_ns, abort,
				0, NULL, NULL, status);
}

int util_spawn_watch(char *const argv[], const char *out_path,
		     const char *err_path, int64_t timeout_ns,
		     volatile sig_atomic_t *abort, int tick_ms,
		     void (*tick)(void *arg), void *arg, int *status)
{
	int64_t deadline = now_ns() + timeout_ns, next_tick = 0;
	pid_t pid;
	int pidfd, ret;

	ret = start(argv, out_path, err_path, &pid);
	if (ret)
		return ret;
	if (tick)
		next_tick = now_ns() + (int64_t)tick_ms * 1000000;
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	for (;;) {
		int64_t t = now_ns(), left = deadline - t;
		int ms = left <= 0 ? 0 : left > 60000000000LL ? 60000 :
			 (int)(left / 1000000 + 1);

		if (abort && *abort) {
			kill_group(pid, pidfd, status);
			ret = -ECANCELED;
			break;
		}
		if (left <= 0) {
			kill_group(pid, pidfd, status);
			ret = -ETIMEDOUT;
			break;
		}
		if (tick) {
			if (t >= next_tick) {
				tick(arg);
				next_tick = t + (int64_t)tick_ms * 1000000;
			}
			if (ms > tick_ms)
				ms = tick_ms;
		}
		ret = wait_exit(pid, pidfd, ms, status);
		if (ret == 1) {
			ret = 0;
			break;
		}
		if (ret < 0 && ret != -EINTR) {
			kill_group(pid, pidfd, status);
			break;
		}
	}
	if (pidfd >= 0)
		close(pidfd);
	return ret;
}

void util_argv_free(char **argv)
{
	if (!argv)
		return;
	for (int i = 0; argv[i]; i++)
		free(argv[i]);
	free(argv);
}

void util_argv_add(struct util_argv *a, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	if (a->oom)
		return;
	if (a->n + 2 > a->cap) {
		int cap = a->cap ? 2 * a->cap : 32;
		char **v = realloc(a->v, (size_t)cap * sizeof(*v));

		if (!v) {
			a->oom = true;
			return;
		}
		a->v = v;
		a->cap = cap;
	}
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s) {
		a->oom = true;
		return;
	}
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
}
