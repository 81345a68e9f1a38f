/* spawn.c: posix_spawn, then wait on a pidfd with a timeout. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "results/spawn.h"

extern char **environ;

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int start(char *const argv[], const char *out_path,
		 const char *err_path, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, defs;
	int ret;

	sigemptyset(&none);
	sigemptyset(&defs);
	sigaddset(&defs, SIGINT);
	sigaddset(&defs, SIGTERM);
	sigaddset(&defs, SIGPIPE);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, out_path,
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_addopen(&fa, 2, err_path,
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
				 POSIX_SPAWN_SETSIGMASK |
				 POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &defs);
	ret = posix_spawnp(pid, argv[0], &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return -ret;
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

int res_spawn_wait(char *const argv[], const char *out_path,
		   const char *err_path, int64_t timeout_ns,
		   volatile sig_atomic_t *abort, int *status)
{
	int64_t deadline = now_ns() + timeout_ns;
	pid_t pid;
	int pidfd, ret;

	ret = start(argv, out_path, err_path, &pid);
	if (ret)
		return ret;
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	for (;;) {
		int64_t left = deadline - now_ns();
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
