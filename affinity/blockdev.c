/*
 * blockdev.c: block devices by number and name, and what a disk did (its
 * I/O counters), from sysfs (host.h). /sys/dev/block/MAJ:MIN leads from a
 * device number to the device's directory; /sys/class/block/<name> is
 * every disk and partition by name, /sys/block/<name> every disk.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "affinity/aff-internal.h"
#include "affinity/host.h"

/* The sysfs directory of block device dev, resolved. 0 or -ENOENT. */
static int dev_dir(const char *root, dev_t dev, char *dir)
{
	char link[PATH_MAX];

	if (aff__path(link, sizeof(link), "%s/sys/dev/block/%u:%u", root,
		      major(dev), minor(dev)))
		return -ENAMETOOLONG;
	if (!realpath(link, dir))
		return -ENOENT;
	return 0;
}

/* Whether the device directory dir is a partition's. */
static bool dir_is_partition(const char *dir)
{
	char path[PATH_MAX];

	return !aff__path(path, sizeof(path), "%s/partition", dir) &&
	       !access(path, F_OK);
}

/* The last component of dir into name. */
static int dir_name(const char *dir, char *name, size_t len)
{
	const char *slash = strrchr(dir, '/');

	if (!slash || !slash[1])
		return -ENOENT;
	aff__strlcpy(name, slash + 1, len);
	return 0;
}

int aff__blockdev_name(const char *root, dev_t dev, char *name, size_t len)
{
	char dir[PATH_MAX];
	int ret = dev_dir(root, dev, dir);

	return ret ? ret : dir_name(dir, name, len);
}

int aff_blockdev_name(dev_t dev, char *name, size_t len)
{
	return aff__blockdev_name("", dev, name, len);
}

int aff__blockdev_disk(const char *root, dev_t dev, char *disk, size_t len)
{
	char dir[PATH_MAX], *slash;
	int ret = dev_dir(root, dev, dir);

	if (ret)
		return ret;
	/* .../block/vda/vda1: the disk is the parent directory. */
	if (dir_is_partition(dir)) {
		slash = strrchr(dir, '/');
		if (!slash)
			return -ENOENT;
		*slash = '\0';
	}
	return dir_name(dir, disk, len);
}

int aff_blockdev_disk(dev_t dev, char *disk, size_t len)
{
	return aff__blockdev_disk("", dev, disk, len);
}

bool aff__blockdev_is_partition(const char *root, const char *name)
{
	char dir[PATH_MAX];

	return !aff__path(dir, sizeof(dir), "%s/sys/class/block/%s", root,
			  name) && dir_is_partition(dir);
}

bool aff_blockdev_is_partition(const char *name)
{
	return aff__blockdev_is_partition("", name);
}

int aff__blockdev_holder(const char *root, const char *name, char *holder,
			 size_t len)
{
	char path[PATH_MAX];
	struct dirent *e;
	int ret = -ENOENT;
	DIR *d;

	if (aff__path(path, sizeof(path), "%s/sys/class/block/%s/holders",
		      root, name))
		return -ENAMETOOLONG;
	d = opendir(path);
	if (!d)
		return -ENOENT;
	while (ret && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		aff__strlcpy(holder, e->d_name, len);
		ret = 0;
	}
	closedir(d);
	return ret;
}

int aff_blockdev_holder(const char *name, char *holder, size_t len)
{
	return aff__blockdev_holder("", name, holder, len);
}

/* The device number in dir/sub/dev ("MAJ:MIN"). 0 or -ENOENT. */
static int read_devt(const char *dir, const char *sub, dev_t *out)
{
	char val[32];
	unsigned int maj, min;

	if (aff__read_line(val, sizeof(val), "%s/%s/dev", dir, sub) ||
	    sscanf(val, "%u:%u", &maj, &min) != 2)
		return -ENOENT;
	*out = makedev(maj, min);
	return 0;
}

/* Append (name, dev) to the growing array *list of *n entries. */
static int push(struct aff_blockdev **list, int *n, const char *name,
		dev_t dev)
{
	struct aff_blockdev *l = realloc(*list, (size_t)(*n + 1) *
					 sizeof(*l));

	if (!l)
		return -ENOMEM;
	*list = l;
	aff__strlcpy(l[*n].name, name, sizeof(l[*n].name));
	l[*n].dev = dev;
	(*n)++;
	return 0;
}

/*
 * The entries of directory dir that keep(dir, name) and have a dev file:
 * the count with *out malloc'ed (NULL when none), or -errno.
 */
static int list_devs(const char *dir, bool (*keep)(const char *dir,
						   const char *name),
		     struct aff_blockdev **out)
{
	struct aff_blockdev *list = NULL;
	struct dirent *e;
	int n = 0, ret = 0;
	DIR *d = opendir(dir);

	*out = NULL;
	if (!d)
		return -errno;
	while (!ret && (e = readdir(d))) {
		dev_t dev;

		if (e->d_name[0] == '.' || !keep(dir, e->d_name) ||
		    read_devt(dir, e->d_name, &dev))
			continue;
		ret = push(&list, &n, e->d_name, dev);
	}
	closedir(d);
	if (ret) {
		free(list);
		return ret;
	}
	*out = list;
	return n;
}

static bool keep_partition(const char *dir, const char *name)
{
	char sub[PATH_MAX];

	return !aff__path(sub, sizeof(sub), "%s/%s", dir, name) &&
	       dir_is_partition(sub);
}

int aff__blockdev_partitions(const char *root, const char *disk,
			     struct aff_blockdev **out)
{
	char dir[PATH_MAX];

	*out = NULL;
	if (aff__path(dir, sizeof(dir), "%s/sys/class/block/%s", root, disk))
		return -ENAMETOOLONG;
	return list_devs(dir, keep_partition, out);
}

int aff_blockdev_partitions(const char *disk, struct aff_blockdev **out)
{
	return aff__blockdev_partitions("", disk, out);
}

static bool keep_loop(const char *dir, const char *name)
{
	return !strncmp(name, "loop", 4);
}

int aff__loop_devices(const char *root, struct aff_blockdev **out)
{
	char dir[PATH_MAX];

	*out = NULL;
	if (aff__path(dir, sizeof(dir), "%s/sys/block", root))
		return -ENAMETOOLONG;
	return list_devs(dir, keep_loop, out);
}

int aff_loop_devices(struct aff_blockdev **out)
{
	return aff__loop_devices("", out);
}

int aff__loop_backing_file(const char *root, const char *name, char *path,
			   size_t len)
{
	if (aff__read_line(path, len, "%s/sys/block/%s/loop/backing_file",
			   root, name) || path[0] != '/')
		return -ENOENT;
	return 0;
}

int aff_loop_backing_file(const char *name, char *path, size_t len)
{
	return aff__loop_backing_file("", name, path, len);
}

bool aff__disk_has_stat(const char *root, const char *disk)
{
	char path[PATH_MAX];

	return !aff__path(path, sizeof(path), "%s/sys/block/%s/stat", root,
			  disk) && !access(path, R_OK);
}

bool aff_disk_has_stat(const char *disk)
{
	return aff__disk_has_stat("", disk);
}

int aff__disk_stat(const char *root, const char *disk,
		   struct aff_disk_stat *s)
{
	char path[PATH_MAX];
	FILE *f;
	int n;

	if (aff__path(path, sizeof(path), "%s/sys/block/%s/stat", root, disk))
		return -ENAMETOOLONG;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	n = fscanf(f, "%" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64
		   " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64
		   " %" SCNu64 " %" SCNu64 " %" SCNu64,
		   &s->rd_ios, &s->rd_merges, &s->rd_sectors, &s->rd_ticks_ms,
		   &s->wr_ios, &s->wr_merges, &s->wr_sectors, &s->wr_ticks_ms,
		   &s->in_flight, &s->io_ticks_ms, &s->time_in_queue_ms);
	fclose(f);
	return n == 11 ? 0 : -EIO;
}

int aff_disk_stat(const char *disk, struct aff_disk_stat *out)
{
	return aff__disk_stat("", disk, out);
}

int aff__disk_ctrl(const char *root, const char *disk, char *ctrl,
		   size_t len)
{
	char path[PATH_MAX];

	if (aff__path(path, sizeof(path), "%s/sys/block/%s/device", root,
		      disk))
		return -ENAMETOOLONG;
	return aff__link_base(ctrl, len, path) ? -ENOENT : 0;
}

int aff_disk_ctrl(const char *disk, char *ctrl, size_t len)
{
	return aff__disk_ctrl("", disk, ctrl, len);
}
