/*
 * target.c: open real targets (files, block devices) under the safety rules
 * of target.h, create and fill missing files, and the data pattern used for
 * filling and verifying.
 */
#include <dirent.h>
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
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/fs.h>

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

/* ---- sysfs helpers ------------------------------------------------------- */

static int read_sysfs_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* The sysfs directory of dev: /sys/dev/block/MAJ:MIN, resolved. */
static int sysfs_dev_dir(dev_t dev, char *dir, size_t len)
{
	char link[64];

	snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", major(dev),
		 minor(dev));
	if (!realpath(link, dir))
		return -ENOENT;
	(void)len;
	return 0;
}

/* dir/leaf into out; false when it does not fit. */
static bool join_path(char *out, size_t len, const char *dir,
		      const char *leaf)
{
	int n = snprintf(out, len, "%s/%s", dir, leaf);

	return n > 0 && (size_t)n < len;
}

static bool sysfs_is_partition(const char *dir)
{
	char p[PATH_MAX];

	return join_path(p, sizeof(p), dir, "partition") &&
	       access(p, F_OK) == 0;
}

int wl_disk_of_dev(dev_t dev, char *disk, size_t len)
{
	char dir[PATH_MAX];
	char *slash;

	if (sysfs_dev_dir(dev, dir, sizeof(dir)))
		return -ENOENT;
	if (sysfs_is_partition(dir)) {
		slash = strrchr(dir, '/');
		if (!slash)
			return -ENOENT;
		*slash = '\0';
	}
	slash = strrchr(dir, '/');
	snprintf(disk, len, "%.63s", slash ? slash + 1 : dir);
	return 0;
}

/* ---- in-use checks ------------------------------------------------------- */

/* First entry of <dir>/holders, if any. */
static bool holder_of(const char *dir, char *who, size_t len)
{
	char p[PATH_MAX];
	struct dirent *de;
	bool found = false;
	DIR *d;

	if (!join_path(p, sizeof(p), dir, "holders"))
		return false;
	d = opendir(p);
	if (!d)
		return false;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(who, len, "%s", de->d_name);
		found = true;
		break;
	}
	closedir(d);
	return found;
}

/* Mount point of the filesystem on dev, from /proc/self/mountinfo. */
static bool mounted_at(dev_t dev, char *where, size_t len)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	char line[4096];
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned int maj, min;
		char mnt[4096];

		/* id parent maj:min root mount-point ... */
		if (sscanf(line, "%*d %*d %u:%u %*s %4095s", &maj, &min,
			   mnt) != 3)
			continue;
		if (maj == major(dev) && min == minor(dev)) {
			snprintf(where, len, "%s", mnt);
			found = true;
		}
	}
	fclose(f);
	return found;
}

static bool used_as_swap(dev_t dev)
{
	FILE *f = fopen("/proc/swaps", "r");
	char line[4096];
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char path[4096];
		struct stat st;

		if (sscanf(line, "%4095s", path) != 1 || path[0] != '/')
			continue;
		if (stat(path, &st) == 0 && S_ISBLK(st.st_mode) &&
		    st.st_rdev == dev)
			found = true;
	}
	fclose(f);
	return found;
}

/* One device (whole disk or partition): mounted, swap or held. */
static bool one_dev_in_use(dev_t dev, const char *dir, const char *name,
			   char *why, size_t whylen)
{
	char what[4096];

	if (mounted_at(dev, what, sizeof(what))) {
		snprintf(why, whylen, "%s is mounted on %s", name, what);
		return true;
	}
	if (used_as_swap(dev)) {
		snprintf(why, whylen, "%s is in use as swap", name);
		return true;
	}
	if (dir && holder_of(dir, what, sizeof(what))) {
		snprintf(why, whylen, "%s is held by %s (device-mapper/md)",
			 name, what);
		return true;
	}
	return false;
}

/* The dev_t in <dir>/dev ("MAJ:MIN"). */
static int sysfs_devt(const char *dir, dev_t *out)
{
	char p[PATH_MAX], val[64];
	unsigned int maj, min;

	if (!join_path(p, sizeof(p), dir, "dev") ||
	    read_sysfs_line(p, val, sizeof(val)) ||
	    sscanf(val, "%u:%u", &maj, &min) != 2)
		return -ENOENT;
	*out = makedev(maj, min);
	return 0;
}

/* Partitions of the disk at dir: subdirectories with a "partition" file. */
static bool partitions_in_use(const char *dir, char *why, size_t whylen)
{
	struct dirent *de;
	bool busy = false;
	DIR *d = opendir(dir);

	if (!d)
		return false;
	while (!busy && (de = readdir(d))) {
		char sub[PATH_MAX];
		dev_t part;

		if (de->d_name[0] == '.' ||
		    !join_path(sub, sizeof(sub), dir, de->d_name))
			continue;
		if (!sysfs_is_partition(sub) || sysfs_devt(sub, &part))
			continue;
		busy = one_dev_in_use(part, sub, de->d_name, why, whylen);
	}
	closedir(d);
	return busy;
}

bool wl_blockdev_in_use(dev_t dev, char *why, size_t whylen)
{
	char dir[PATH_MAX], name[64];
	const char *slash;
	bool have_dir = sysfs_dev_dir(dev, dir, sizeof(dir)) == 0;

	if (have_dir) {
		slash = strrchr(dir, '/');
		snprintf(name, sizeof(name), "%.63s",
			 slash ? slash + 1 : dir);
	} else {
		snprintf(name, sizeof(name), "%u:%u", major(dev), minor(dev));
	}
	if (one_dev_in_use(dev, have_dir ? dir : NULL, name, why, whylen))
		return true;
	if (have_dir && !sysfs_is_partition(dir))
		return partitions_in_use(dir, why, whylen);
	return false;
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
					     "TiB" };
	int u = 0;

	while (u < 4 && bytes >= 1024 && bytes % 1024 == 0) {
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

static int create_file(const char *path, const struct wl_target_opts *o,
		       bool *created, char *err, size_t errlen)
{
	uint64_t size = o->size ? o->size : WL_TARGET_DEFAULT_SIZE;
	int fd, ret;

	*created = false;
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
	char why[4096 + 64];

	if (S_ISBLK(st->st_mode) &&
	    wl_blockdev_in_use(st->st_rdev, why, sizeof(why))) {
		snprintf(err, errlen, "%s: refusing to write: %s", path, why);
		return -EBUSY;
	}
	if (created || o->allow_write ||
	    (S_ISREG(st->st_mode) && created_here(st)))
		return 0;
	snprintf(err, errlen, "%s: refusing to write to an existing %s "
		 "without --allow-write (its data would be overwritten)", path,
		 S_ISBLK(st->st_mode) ? "block device" : "file");
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

int wl_target_open(struct wl_target *t, const char *path,
		   const struct wl_target_opts *o, char *err, size_t errlen)
{
	struct stat st;
	uint64_t size = 0;
	int ret;

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

	if (stat(path, &st)) {
		if (errno != ENOENT)
			return open_error(path, "cannot stat", errno, false,
					  false, err, errlen);
		if (strncmp(path, "/dev/", 5) == 0)
			return open_error(path, "open failed", ENOENT,
					  false, true, err, errlen);
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
	} else {
		snprintf(err, errlen, "%s: not a regular file or a block "
			 "device", path);
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
		snprintf(err, errlen, "%s: is %" PRIu64 " bytes, smaller than "
			 "the %" PRIu64 " bytes the job needs (--size)", path,
			 size, o->size);
		ret = -ENOSPC;
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
	if (wl_disk_of_dev(t->kind == WL_TARGET_BLOCK ? st.st_rdev : st.st_dev,
			   t->disk, sizeof(t->disk)))
		t->disk[0] = '\0';
	return 0;
fail:
	wl_target_close(t);
	return ret;
}

void wl_target_close(struct wl_target *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}
