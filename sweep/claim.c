/*
 * claim.c: the results directory lock. A POSIX record lock is used rather
 * than flock(2) because F_GETLK names the holder's pid, so a refused
 * writer can say who holds the directory. Such a lock goes away when the
 * process closes any descriptor of the file, so the file is opened once
 * and its descriptor is never closed (it is O_CLOEXEC: runs started by
 * the holder do not keep it).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "results/atomic.h"
#include "sweep/claim.h"

static int lock_path(const char *dir, char *buf, size_t size)
{
	return res_join(buf, size, dir, SW_CLAIM_FILE);
}

int sw_claim(const char *dir, pid_t *holder)
{
	return sw_claim_file(dir, SW_CLAIM_FILE, holder);
}

/* Who holds fd's lock: a pid, 0 for nobody, or -errno. */
static pid_t lock_owner(int fd)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

	if (fcntl(fd, F_GETLK, &fl) < 0)
		return -errno;
	return fl.l_type == F_UNLCK ? 0 : fl.l_pid;
}

int sw_claim_file(const char *dir, const char *file, pid_t *holder)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	char path[PATH_MAX], pid[32];
	int fd, ret, n;

	*holder = 0;
	ret = res_join(path, sizeof(path), dir, file);
	if (ret)
		return ret;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (fcntl(fd, F_SETLK, &fl) < 0) {
		ret = -errno;
		if (ret == -EAGAIN || ret == -EACCES) {
			pid_t p = lock_owner(fd);

			*holder = p > 0 ? p : 0;
			ret = -EBUSY;
		}
		close(fd);
		return ret;
	}
	/* For people looking: the pid of the writer (the lock says it too). */
	n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
		ret = -errno;
		close(fd);
		return ret ? ret : -EIO;
	}
	return 0; /* fd stays open: the lock lasts as long as the process */
}

pid_t sw_claim_holder(const char *dir)
{
	char path[PATH_MAX];
	pid_t p;
	int fd;

	if (lock_path(dir, path, sizeof(path)))
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	p = lock_owner(fd);
	close(fd);
	return p > 0 ? p : 0;
}
