/* atomic.c: temporary file, fsync, rename; mkdir -p; whole-file reads. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "results/atomic.h"

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int fsync_dir_of(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd, ret = 0;

	if (!slash) {
		strcpy(dir, ".");
	} else if (slash == path) {
		strcpy(dir, "/");
	} else {
		if ((size_t)(slash - path) >= sizeof(dir))
			return -ENAMETOOLONG;
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = '\0';
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0 && errno != EINVAL)
		ret = -errno;
	close(fd);
	return ret;
}

/*
 * Create path.tmp.<pid>.<n>, a name no other writer (nor an earlier one
 * whose file a crash left behind) is using: O_EXCL, the next n on EEXIST.
 */
static int create_tmp(const char *path, char *tmp, size_t size)
{
	static unsigned int next;

	for (int tries = 0; tries < 1000; tries++) {
		unsigned int n = __atomic_fetch_add(&next, 1, __ATOMIC_RELAXED);
		int fd;

		if (snprintf(tmp, size, "%s.tmp.%d.%u", path, (int)getpid(),
			     n) >= (int)size)
			return -ENAMETOOLONG;
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd >= 0 || errno != EEXIST)
			return fd >= 0 ? fd : -errno;
	}
	return -EEXIST;
}

int res_write_atomic(const char *path, const void *buf, size_t len)
{
	char tmp[PATH_MAX];
	int fd, ret;

	fd = create_tmp(path, tmp, sizeof(tmp));
	if (fd < 0)
		return fd;
	ret = write_all(fd, buf, len);
	if (!ret && fsync(fd) < 0)
		ret = -errno;
	if (close(fd) < 0 && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path) < 0)
		ret = -errno;
	if (ret) {
		unlink(tmp);
		return ret;
	}
	return fsync_dir_of(path);
}

int res_mkdirs(const char *path)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int res_read_file(const char *path, char **out, size_t *len)
{
	return util_read_file(path, RES_READ_MAX, out, len, NULL, 0);
}

bool res_path_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

int res_join(char *buf, size_t size, const char *a, const char *b)
{
	int n;

	if (!*a) {
		/* "" + "/b" would name b at the root of the file system. */
		if (size)
			buf[0] = '\0';
		return -EINVAL;
	}
	n = snprintf(buf, size, "%s/%s", a, b);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

void res_last_line(const char *path, char *buf, size_t size)
{
	char *text = NULL, *end, *start;

	buf[0] = '\0';
	if (res_read_file(path, &text, NULL))
		return;
	end = text + strlen(text);
	while (end > text && (end[-1] == '\n' || end[-1] == ' '))
		*--end = '\0';
	start = strrchr(text, '\n');
	snprintf(buf, size, "%s", start ? start + 1 : text);
	free(text);
}
