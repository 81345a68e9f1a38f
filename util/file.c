/* file.c: bounded reads of regular files (file.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/file.h"

static void set_err(char *err, size_t errlen, const char *name,
		    const char *what)
{
	if (err && errlen)
		snprintf(err, errlen, "%s: %s", name, what);
}

int util_open_regular(const char *path, char *err, size_t errlen)
{
	struct stat st;
	int fd, e;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		e = errno;
		set_err(err, errlen, path, strerror(e));
		return -e;
	}
	if (fstat(fd, &st) < 0) {
		e = errno;
		close(fd);
		set_err(err, errlen, path, strerror(e));
		return -e;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		set_err(err, errlen, path, "not a regular file");
		return -EINVAL;
	}
	return fd;
}

static void too_big(char *err, size_t errlen, const char *name, size_t max)
{
	char what[64];

	if (max >= UTIL_MIB && max % UTIL_MIB == 0)
		snprintf(what, sizeof(what), "larger than %zu MiB",
			 max / UTIL_MIB);
	else
		snprintf(what, sizeof(what), "larger than %zu bytes", max);
	set_err(err, errlen, name, what);
}

/* Wait until fd is readable (a non-blocking pipe); 0 or -errno. */
static int wait_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	while (poll(&p, 1, -1) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

int util_read_fd(int fd, const char *name, size_t max, char **out,
		 size_t *len, char *err, size_t errlen)
{
	struct stat st;
	size_t cap = 8192, n = 0;
	char *buf;
	int ret;

	/* A regular file says its size: refuse before reading it. */
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) &&
	    (unsigned long long)st.st_size > max) {
		too_big(err, errlen, name, max);
		return -EFBIG;
	}
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) &&
	    (size_t)st.st_size >= cap)
		cap = (size_t)st.st_size + 2;
	if (cap > max + 2)
		cap = max + 2;
	buf = malloc(cap);
	if (!buf) {
		set_err(err, errlen, name, strerror(ENOMEM));
		return -ENOMEM;
	}
	for (;;) {
		ssize_t got;

		if (n > max) {
			too_big(err, errlen, name, max);
			ret = -EFBIG;
			goto fail;
		}
		if (cap - n < 2) {
			size_t nc = cap * 2 > max + 2 ? max + 2 : cap * 2;
			char *nb = realloc(buf, nc);

			if (!nb) {
				ret = -ENOMEM;
				set_err(err, errlen, name, strerror(ENOMEM));
				goto fail;
			}
			buf = nb;
			cap = nc;
		}
		got = read(fd, buf + n, cap - n - 1);
		if (got == 0)
			break;
		if (got > 0) {
			n += (size_t)got;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN) {
			ret = wait_readable(fd);
			if (!ret)
				continue;
		} else {
			ret = -errno;
		}
		set_err(err, errlen, name, strerror(-ret));
		goto fail;
	}
	buf[n] = '\0';
	*out = buf;
	if (len)
		*len = n;
	return 0;
fail:
	free(buf);
	return ret;
}

int util_read_file(const char *path, size_t max, char **out, size_t *len,
		   char *err, size_t errlen)
{
	int fd = util_open_regular(path, err, errlen), ret;

	if (fd < 0)
		return fd;
	ret = util_read_fd(fd, path, max, out, len, err, errlen);
	close(fd);
	return ret;
}
