/*
 * target.c: open real targets (files, block devices) under the safety rules
 * of target.h, check them without side effects, create and fill missing
 * files, and the data pattern used for filling and verifying. What else
 * uses a device or file is found by target-use.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <linux/fs.h>

#include "affinity/host.h"
#include "workloads/target.h"

#define FILL_CHUNK (1U << 20)

/* ---- the data pattern --------------------------------------------------- */

/* splitmix64: a different 64-bit word for every 8-byte slot of the target. */
static uint64_t pattern_word(uint64_t slot, uint64_t seed)
{
	uint64_t z = slot + seed * 0x9e3779b97f4a7c15ULL +
		     0x632be59bd9b4e019ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void wl_pattern_fill(void *buf, size_t len, uint64_t off, uint64_t seed)
{
	uint64_t *w = buf;

	for (size_t i = 0; i < len / 8; i++)
		w[i] = pattern_word(off / 8 + i, seed);
}

bool wl_pattern_check(const void *buf, size_t len, uint64_t off,
		      uint64_t seed, uint64_t *bad)
{
	const uint64_t *w = buf;

	for (size_t i = 0; i < len / 8; i++) {
		if (w[i] != pattern_word(off / 8 + i, seed)) {
			if (bad)
				*bad = off + i * 8;
			return false;
		}
	}
	return true;
}

/* ---- messages ------------------------------------------------------------ */

static const char *errno_name(int e)
{
	const char *n = strerrorname_np(e);

	return n ? n : "?";
}

/* One line: "<path>: <what>: <strerror> (<ENAME>)<hint>". */
static int open_error(const char *path, const char *what, int e,
		      bool direct, bool blk, char *err, size_t errlen)
{
	const char *hint = "";

	switch (e) {
	case EINVAL:
		if (direct)
			hint = "; this filesystem does not support O_DIRECT "
			       "(run with --direct=0)";
		break;
	case EPERM:
		hint = blk ? "; this host forbids opening the raw device "
			     "(use a file on its filesystem)"
			   : "; the file is immutable or the host forbids it";
		break;
	case EACCES:
		hint = "; check the permissions of the target and its "
		       "directories";
		break;
	case ENOENT:
		hint = "; the target (or its directory) does not exist";
		break;
	case EROFS:
		hint = "; it is on a read-only filesystem";
		break;
	case EBUSY:
		hint = "; the device is claimed by a filesystem or another "
		       "driver";
		break;
	default:
		break;
	}
	snprintf(err, errlen, "%s: %s: %s (%s)%s", path, what, strerror(e),
		 errno_name(e), hint);
	return -e;
}

/* ---- sizes and alignment ------------------------------------------------ */

static void probe_alignment(struct wl_target *t)
{
	long page = sysconf(_SC_PAGESIZE);
	uint32_t mem = page > 0 ? (uint32_t)page : 4096;
	uint32_t off = 4096;

	if (t->kind == WL_TARGET_BLOCK) {
		int lbs = 0;

		if (ioctl(t->fd, BLKSSZGET, &lbs) == 0 && lbs > 0)
			off = (uint32_t)lbs;
	} else {
#ifdef STATX_DIOALIGN
		struct statx stx;

		if (statx(t->fd, "", AT_EMPTY_PATH, STATX_DIOALIGN,
			  &stx) == 0 && (stx.stx_mask & STATX_DIOALIGN) &&
		    stx.stx_dio_offset_align) {
			off = stx.stx_dio_offset_align;
			if (stx.stx_dio_mem_align > mem)
				mem = stx.stx_dio_mem_align;
		}
#endif
	}
	t->align = off;
	t->mem_align = mem;
}

static int target_size(struct wl_target *t, const struct stat *st,
		       uint64_t *out)
{
	if (t->kind == WL_TARGET_BLOCK) {
		uint64_t sz;

		if (ioctl(t->fd, BLKGETSIZE64, &sz))
			return -errno;
		*out = sz;
	} else {
		*out = (uint64_t)st->st_size;
	}
	return 0;
}

/* ---- creation ------------------------------------------------------------ */

void wl_size_str(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "bytes", "KiB", "MiB", "GiB",
					     "TiB", "PiB", "EiB" };
	int u = 0;

	while (u < 6 && bytes >= 1024 && bytes % 1024 == 0) {
		bytes /= 1024;
		u++;
	}
	snprintf(buf, len, "%" PRIu64 " %s", bytes, units[u]);
}

/*
 * Files this process created and filled. Process-wide on purpose: an
 * engine's check() creates the file once in the main thread, then every
 * IOThread's init() opens it again, and writing over data aiotune itself
 * just wrote overwrites nothing of the user's. A later aiotune process
 * sees an existing file and needs --allow-write.
 */
#define CREATED_MAX 64
static pthread_mutex_t created_lock = PTHREAD_MUTEX_INITIALIZER;
static struct { dev_t dev; ino_t ino; } created_files[CREATED_MAX];
static int nr_created;

static void remember_created(const struct stat *st)
{
	pthread_mutex_lock(&created_lock);
	if (nr_created < CREATED_MAX) {
		created_files[nr_created].dev = st->st_dev;
		created_files[nr_created].ino = st->st_ino;
		nr_created++;
	}
	pthread_mutex_unlock(&created_lock);
}

static bool created_here(const struct stat *st)
{
	bool found = false;

	pthread_mutex_lock(&created_lock);
	for (int i = 0; i < nr_created && !found; i++)
		found = created_files[i].dev == st->st_dev &&
			created_files[i].ino == st->st_ino;
	pthread_mutex_unlock(&created_lock);
	return found;
}

/* Fill a freshly created file with the pattern, then flush it. */
static int fill_file(int fd, uint64_t size, uint64_t seed)
{
	void *buf;
	int ret = 0;

	if (posix_memalign(&buf, 4096, FILL_CHUNK))
		return -ENOMEM;
	for (uint64_t off = 0; off < size; off += FILL_CHUNK) {
		size_t n = size - off < FILL_CHUNK ? (size_t)(size - off)
						   : FILL_CHUNK;
		size_t done = 0;

		wl_pattern_fill(buf, n, off, seed);
		while (done < n) {
			ssize_t w = pwrite(fd, (char *)buf + done, n - done,
					   (off_t)(off + done));

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				ret = w < 0 ? -errno : -EIO;
				goto out;
			}
			done += (size_t)w;
		}
	}
	if (fsync(fd))
		ret = -errno;
	/* Drop the cached copy so buffered and direct runs start cold. */
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
out:
	free(buf);
	return ret;
}

/* ---- what a target may be ---------------------------------------------- */

const char *wl_file_kind(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return "a regular file";
	case S_IFBLK:
		return "a block device";
	case S_IFDIR:
		return "a directory";
	case S_IFCHR:
		return "a character device";
	case S_IFIFO:
		return "a FIFO (named pipe)";
	case S_IFSOCK:
		return "a socket";
	case S_IFLNK:
		return "a symbolic link";
	default:
		return "of an unknown file type";
	}
}

/* The directory that holds path: "." for a bare name, "/" for "/x". */
static void dir_of(const char *path, char *dir, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(dir, len, ".");
	else if (slash == path)
		snprintf(dir, len, "/");
	else
		snprintf(dir, len, "%.*s", (int)(slash - path), path);
}

/* "80.2 GiB", "512 bytes": one decimal, for sizes that are not exact. */
static void size_approx(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB",
					     "PiB", "EiB" };
	double v = (double)bytes;
	int u = -1;

	while (u < 5 && v >= 1024) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%" PRIu64 " bytes", bytes);
	else
		snprintf(buf, len, "%.1f %s", v, units[u]);
}

/* A file of size bytes fits on the filesystem of dir (for path). */
static int check_space(const char *path, const char *dir, uint64_t size,
		       char *err, size_t errlen)
{
	char need[32], have[32];
	struct statvfs sv;
	uint64_t avail;

	if (statvfs(dir, &sv))
		return open_error(path, "cannot create", errno, false, false,
				  err, errlen);
	/* f_bavail: what an unprivileged writer may use (root's reserve
	 * stays free even when we run as root). */
	if (__builtin_mul_overflow((uint64_t)sv.f_bavail,
				   (uint64_t)sv.f_frsize, &avail))
		avail = UINT64_MAX;
	if (avail >= size)
		return 0;
	wl_size_str(size, need, sizeof(need));
	size_approx(avail, have, sizeof(have));
	snprintf(err, errlen, "%s: cannot create a %s file: only %s free on "
		 "the filesystem of %s (make --size smaller or free space)",
		 path, need, have, dir);
	return -EINVAL;
}

/* A file on procfs, sysfs and the like: refused, naming the filesystem. */
static int check_real_fs(const char *path, const char *where, char *err,
			 size_t errlen)
{
	const char *fs = wl_pseudo_fs(where);

	if (!fs)
		return 0;
	snprintf(err, errlen, "%s: is on %s, a kernel interface that stores "
		 "no data: a target is a regular file on a real filesystem or "
		 "a block device", path, fs);
	return -EINVAL;
}

/*
 * A missing file: whether it could be created (its directory exists on a
 * real filesystem, is writable and has room). Creates nothing.
 */
static int check_missing(const char *path, const struct wl_target_opts *o,
			 char *err, size_t errlen)
{
	uint64_t size = o->size ? o->size : WL_TARGET_DEFAULT_SIZE;
	char dir[PATH_MAX];
	struct stat st;
	int ret;

	if (strncmp(path, "/dev/", 5) == 0)
		return open_error(path, "open failed", ENOENT, false, true,
				  err, errlen);
	dir_of(path, dir, sizeof(dir));
	if (stat(dir, &st))
		return open_error(path, "cannot create", errno, false, false,
				  err, errlen);
	if (!S_ISDIR(st.st_mode))
		return open_error(path, "cannot create", ENOTDIR, false, false,
				  err, errlen);
	ret = check_real_fs(path, dir, err, errlen);
	if (ret)
		return ret;
	if (access(dir, W_OK | X_OK))
		return open_error(path, "cannot create", errno, false, false,
				  err, errlen);
	return check_space(path, dir, size, err, errlen);
}

static int create_file(const char *path, const struct wl_target_opts *o,
		       bool *created, char *err, size_t errlen)
{
	uint64_t size = o->size ? o->size : WL_TARGET_DEFAULT_SIZE;
	int fd, ret;

	*created = false;
	ret = check_missing(path, o, err, errlen);
	if (ret)
		return ret;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		if (errno == EEXIST)
			return 0; /* appeared meanwhile: an existing file */
		return open_error(path, "cannot create", errno, false, false,
				  err, errlen);
	}
	if (o->msg) {
		char human[32];

		wl_size_str(size, human, sizeof(human));
		fprintf(o->msg, "aiotune: %s does not exist: creating it "
			"(%s of pattern data)\n", path, human);
	}
	ret = fill_file(fd, size, o->seed);
	close(fd);
	if (ret) {
		unlink(path);
		return open_error(path, "cannot fill", -ret, false, false, err,
				  errlen);
	}
	*created = true;
	return 0;
}

/* ---- open ---------------------------------------------------------------- */

static int check_write_allowed(const char *path, const struct stat *st,
			       bool created, const struct wl_target_opts *o,
			       char *err, size_t errlen)
{
	bool blk = S_ISBLK(st->st_mode);
	char why[8192];

	/* In use by something else: refused whatever the flags. */
	if (blk ? wl_blockdev_in_use(st->st_rdev, why, sizeof(why)) :
		  wl_file_in_use(st, path, why, sizeof(why))) {
		snprintf(err, errlen, "%s: refusing to write: %.3800s", path,
			 why);
		return -EBUSY;
	}
	if (created || o->allow_write || (!blk && created_here(st)))
		return 0;
	snprintf(err, errlen, "%s: refusing to write to an existing %s "
		 "without --allow-write (its data would be overwritten)", path,
		 blk ? "block device" : "file");
	return -EPERM;
}

static int open_checked(struct wl_target *t, const struct stat *st,
			const struct wl_target_opts *o, char *err,
			size_t errlen)
{
	bool blk = S_ISBLK(st->st_mode);
	int flags = O_CLOEXEC | (o->write ? O_RDWR : O_RDONLY);
	struct stat st2;

	if (o->direct)
		flags |= O_DIRECT;
	/* The kernel refuses O_EXCL on a device mounted or claimed. */
	if (blk && o->write)
		flags |= O_EXCL;
	t->fd = open(t->path, flags);
	if (t->fd < 0)
		return open_error(t->path, "open failed", errno, o->direct,
				  blk, err, errlen);
	/* The path may have been replaced between the checks and the open. */
	if (fstat(t->fd, &st2) || st2.st_dev != st->st_dev ||
	    st2.st_ino != st->st_ino) {
		snprintf(err, errlen, "%s: changed while it was being opened",
			 t->path);
		close(t->fd);
		t->fd = -1;
		return -EAGAIN;
	}
	return 0;
}

/* Set up t for path: 0, or -errno with err filled. */
static int target_init(struct wl_target *t, const char *path, char *err,
		       size_t errlen)
{
	memset(t, 0, sizeof(*t));
	t->fd = -1;
	if (!path || !*path) {
		snprintf(err, errlen, "no target given");
		return -EINVAL;
	}
	if (strlen(path) >= sizeof(t->path)) {
		snprintf(err, errlen, "%.64s...: path too long", path);
		return -ENAMETOOLONG;
	}
	snprintf(t->path, sizeof(t->path), "%s", path);
	return 0;
}

int wl_target_open(struct wl_target *t, const char *path,
		   const struct wl_target_opts *o, char *err, size_t errlen)
{
	struct stat st;
	uint64_t size = 0;
	int ret;

	ret = target_init(t, path, err, errlen);
	if (ret)
		return ret;
	if (stat(path, &st)) {
		if (errno != ENOENT)
			return open_error(path, "cannot stat", errno, false,
					  false, err, errlen);
		if (!o->create) {
			ret = check_missing(path, o, err, errlen);
			return ret ? ret : open_error(path, "open failed",
						      ENOENT, false, false,
						      err, errlen);
		}
		ret = create_file(path, o, &t->created, err, errlen);
		if (ret)
			return ret;
		if (stat(path, &st))
			return open_error(path, "cannot stat", errno, false,
					  false, err, errlen);
		if (t->created)
			remember_created(&st);
	}
	if (S_ISBLK(st.st_mode)) {
		t->kind = WL_TARGET_BLOCK;
	} else if (S_ISREG(st.st_mode)) {
		t->kind = WL_TARGET_FILE;
		ret = check_real_fs(path, path, err, errlen);
		if (ret)
			return ret;
	} else {
		snprintf(err, errlen, "%s: is %s: a target is a regular file "
			 "or a block device", path, wl_file_kind(st.st_mode));
		return -EINVAL;
	}
	if (o->write) {
		ret = check_write_allowed(path, &st, t->created, o, err,
					  errlen);
		if (ret)
			return ret;
	}
	ret = open_checked(t, &st, o, err, errlen);
	if (ret)
		return ret;
	t->direct = o->direct;
	t->writable = o->write;

	ret = target_size(t, &st, &size);
	if (ret) {
		open_error(path, "cannot get its size", -ret, false, true, err,
			   errlen);
		goto fail;
	}
	probe_alignment(t);
	if (o->size && o->size > size) {
		char need[32], have[32];

		wl_size_str(o->size, need, sizeof(need));
		wl_size_str(size, have, sizeof(have));
		snprintf(err, errlen, "%s: is %s, smaller than the %s the job "
			 "needs (--size plus --offset); it is not extended",
			 path, have, need);
		ret = -EINVAL;
		goto fail;
	}
	if (o->size)
		size = o->size;
	t->size = size - size % t->align;
	if (t->size == 0) {
		snprintf(err, errlen, "%s: is empty (%" PRIu64 " bytes, less "
			 "than one %u-byte block)", path, size, t->align);
		ret = -EINVAL;
		goto fail;
	}
	if (aff_blockdev_disk(t->kind == WL_TARGET_BLOCK ? st.st_rdev :
			      st.st_dev, t->disk, sizeof(t->disk)))
		t->disk[0] = '\0';
	return 0;
fail:
	wl_target_close(t);
	return ret;
}

int wl_target_check(struct wl_target *t, const char *path,
		    const struct wl_target_opts *o, char *err, size_t errlen)
{
	struct wl_target_opts no_create = *o;
	struct stat st;
	int ret;

	ret = target_init(t, path, err, errlen);
	if (ret)
		return ret;
	if (stat(path, &st) && errno == ENOENT) {
		ret = check_missing(path, o, err, errlen);
		t->missing = !ret;
		t->kind = WL_TARGET_FILE;
		return ret;
	}
	/* It exists: opening it creates and writes nothing. */
	no_create.create = false;
	no_create.msg = NULL;
	ret = wl_target_open(t, path, &no_create, err, errlen);
	wl_target_close(t);
	return ret;
}

void wl_target_close(struct wl_target *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}
