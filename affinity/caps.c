/*
 * caps.c: what aiotune can do on a target, found by trying it (read-only).
 *
 * O_DIRECT: open the target with O_DIRECT and read its first 4 KiB.
 * IOPOLL: read the same block through an io_uring created with
 * IORING_SETUP_IOPOLL; a device without poll queues completes it with
 * -EOPNOTSUPP. Writes: never to a mounted or held block device; a file
 * needs write permission (and --allow-write when it already exists).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "affinity/aff-internal.h"

#define PROBE_BYTES 4096

static int set(char *why, size_t len, int verdict, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int set(char *why, size_t len, int verdict, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return verdict;
}

static void probe_direct(const char *path, void *buf, struct aff_caps *c)
{
	int fd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);
	ssize_t n;

	if (fd < 0) {
		c->o_direct = set(c->o_direct_why, sizeof(c->o_direct_why), 0,
				  "open with O_DIRECT failed: %s",
				  strerror(errno));
		return;
	}
	n = pread(fd, buf, PROBE_BYTES, 0);
	if (n < 0)
		c->o_direct = set(c->o_direct_why, sizeof(c->o_direct_why), 0,
				  "4 KiB O_DIRECT read failed: %s",
				  strerror(errno));
	else
		c->o_direct = set(c->o_direct_why, sizeof(c->o_direct_why), 1,
				  "4 KiB O_DIRECT read returned %zd bytes", n);
	close(fd);
}

static void probe_iopoll(const struct aff_device *d, void *buf,
			 struct aff_caps *c)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	int fd, ret;

	ret = io_uring_queue_init(2, &ring, IORING_SETUP_IOPOLL);
	if (ret < 0) {
		c->iopoll = set(c->iopoll_why, sizeof(c->iopoll_why), 0,
				"io_uring IOPOLL setup failed: %s",
				strerror(-ret));
		return;
	}
	fd = open(d->target, O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (fd < 0) {
		c->iopoll = set(c->iopoll_why, sizeof(c->iopoll_why), 0,
				"open failed: %s", strerror(errno));
		goto out;
	}
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read(sqe, fd, buf, PROBE_BYTES, 0);
	ret = io_uring_submit(&ring);
	if (ret == 1)
		ret = io_uring_wait_cqe(&ring, &cqe);
	else if (ret >= 0)
		ret = -EIO;
	if (ret < 0) {
		c->iopoll = set(c->iopoll_why, sizeof(c->iopoll_why), 0,
				"polled read not submitted: %s",
				strerror(-ret));
	} else if (cqe->res == -EOPNOTSUPP) {
		c->iopoll = set(c->iopoll_why, sizeof(c->iopoll_why), 0,
				"polled completions unsupported on this "
				"device (EOPNOTSUPP; io_poll=%d, poll "
				"queues %d)", d->io_poll, d->poll_queues);
		io_uring_cqe_seen(&ring, cqe);
	} else if (cqe->res < 0) {
		c->iopoll = set(c->iopoll_why, sizeof(c->iopoll_why), 0,
				"polled read failed: %s", strerror(-cqe->res));
		io_uring_cqe_seen(&ring, cqe);
	} else {
		c->iopoll = set(c->iopoll_why, sizeof(c->iopoll_why), 1,
				"polled 4 KiB read completed (%d bytes)",
				cqe->res);
		io_uring_cqe_seen(&ring, cqe);
	}
	close(fd);
out:
	io_uring_queue_exit(&ring);
}

static void probe_writes(const struct aff_device *d, const struct stat *st,
			 struct aff_caps *c)
{
	const char *dev = *d->part ? d->part : d->disk;

	if (S_ISBLK(st->st_mode)) {
		if (*d->mounted_on)
			c->writes = set(c->writes_why, sizeof(c->writes_why), 0,
					"refused: %s is mounted on %s", dev,
					d->mounted_on);
		else if (*d->held_by)
			c->writes = set(c->writes_why, sizeof(c->writes_why), 0,
					"refused: %s is held by %s", dev,
					d->held_by);
		else
			c->writes = set(c->writes_why, sizeof(c->writes_why), 1,
					"with --allow-write (destroys data "
					"on %s)", dev);
		return;
	}
	if (access(d->target, W_OK) < 0)
		c->writes = set(c->writes_why, sizeof(c->writes_why), 0,
				"not writable: %s", strerror(errno));
	else if (S_ISDIR(st->st_mode))
		c->writes = set(c->writes_why, sizeof(c->writes_why), 1,
				"new files can be created in this directory");
	else
		c->writes = set(c->writes_why, sizeof(c->writes_why), 1,
				"with --allow-write (the file exists)");
}

void aff_caps_probe(const struct aff_device *d, struct aff_caps *c)
{
	struct stat st;
	void *buf = NULL;

	memset(c, 0, sizeof(*c));
	c->o_direct = c->iopoll = c->writes = -1;
	if (d->kind == AFF_DEV_NONE || stat(d->target, &st) < 0) {
		const char *why = d->kind == AFF_DEV_NONE ?
				  "no host device under this target" :
				  strerror(errno);

		set(c->o_direct_why, sizeof(c->o_direct_why), -1, "%s", why);
		set(c->iopoll_why, sizeof(c->iopoll_why), -1, "%s", why);
		set(c->writes_why, sizeof(c->writes_why), -1, "%s", why);
		return;
	}
	probe_writes(d, &st, c);
	if (S_ISDIR(st.st_mode)) {
		set(c->o_direct_why, sizeof(c->o_direct_why), -1,
		    "not tried: the target is a directory (name a file)");
		set(c->iopoll_why, sizeof(c->iopoll_why), -1,
		    "not tried: the target is a directory (name a file)");
		return;
	}
	if (posix_memalign(&buf, PROBE_BYTES, PROBE_BYTES)) {
		set(c->o_direct_why, sizeof(c->o_direct_why), -1, "no memory");
		return;
	}
	probe_direct(d->target, buf, c);
	if (c->o_direct != 1)
		set(c->iopoll_why, sizeof(c->iopoll_why), -1,
		    "not tried: IOPOLL needs O_DIRECT");
	else if (S_ISREG(st.st_mode) && st.st_size < PROBE_BYTES)
		set(c->iopoll_why, sizeof(c->iopoll_why), -1,
		    "not tried: the file is smaller than 4 KiB");
	else
		probe_iopoll(d, buf, c);
	free(buf);
}
