/*
 * target-use.c: what else uses a block device or a file, so that a write
 * would corrupt it (the rules in target.h): mounts, swap, device-mapper/md
 * holders, loop devices and the files behind them, other processes; and
 * which filesystems are kernel interfaces rather than storage.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/magic.h>

#include "affinity/host.h"
#include "util/util.h"
#include "workloads/target.h"

/* ---- helpers ------------------------------------------------------------ */

/* The first line of a small procfs file, newline cut. 0 or -errno. */
static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");

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

/* dir/leaf into out; false when it does not fit. */
static bool join_path(char *out, size_t len, const char *dir,
		      const char *leaf)
{
	int n = snprintf(out, len, "%s/%s", dir, leaf);

	return n > 0 && (size_t)n < len;
}

/* ---- block devices (their sysfs facts: affinity/host.h) ------------------ */

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

/*
 * A swap area in /proc/swaps that is the block device dev (blk) or the
 * file (dev, ino) (!blk): its path into what.
 */
static bool used_as_swap(bool blk, dev_t dev, ino_t ino, char *what,
			 size_t len)
{
	FILE *f = fopen("/proc/swaps", "r");
	char line[4096];
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char path[4096];
		struct stat st;

		if (sscanf(line, "%4095s", path) != 1 || path[0] != '/' ||
		    stat(path, &st))
			continue;
		if (blk)
			found = S_ISBLK(st.st_mode) && st.st_rdev == dev;
		else
			found = S_ISREG(st.st_mode) && st.st_dev == dev &&
				st.st_ino == ino;
		if (found)
			snprintf(what, len, "%s", path);
	}
	fclose(f);
	return found;
}

/*
 * One device (whole disk or partition): mounted, swap or held. name is
 * its kernel name ("vda1"), or NULL when sysfs does not know it.
 */
static bool one_dev_in_use(dev_t dev, const char *name, char *why,
			   size_t whylen)
{
	char what[4096];
	char label[64];

	if (name)
		snprintf(label, sizeof(label), "%s", name);
	else
		snprintf(label, sizeof(label), "%u:%u", major(dev), minor(dev));
	if (mounted_at(dev, what, sizeof(what))) {
		snprintf(why, whylen, "%s is mounted on %s", label, what);
		return true;
	}
	if (used_as_swap(true, dev, 0, what, sizeof(what))) {
		snprintf(why, whylen, "%s is in use as swap", label);
		return true;
	}
	if (name && !aff_blockdev_holder(name, what, sizeof(what))) {
		snprintf(why, whylen, "%s is held by %s (device-mapper/md)",
			 label, what);
		return true;
	}
	return false;
}

/* The partitions of the disk called disk: mounted, swap or held. */
static bool partitions_in_use(const char *disk, char *why, size_t whylen)
{
	struct aff_blockdev *parts;
	int n = aff_blockdev_partitions(disk, &parts);
	bool busy = false;

	for (int i = 0; i < n && !busy; i++)
		busy = one_dev_in_use(parts[i].dev, parts[i].name, why,
				      whylen);
	if (n > 0)
		free(parts);
	return busy;
}

/*
 * dev itself, or for a whole disk one of its partitions: mounted, swap or
 * held. name gets the kernel's name of dev ("loop0") when known, else
 * "MAJ:MIN".
 */
static bool dev_used_directly(dev_t dev, char *name, size_t namelen,
			      char *why, size_t whylen)
{
	bool known = aff_blockdev_name(dev, name, namelen) == 0;

	if (!known)
		snprintf(name, namelen, "%u:%u", major(dev), minor(dev));
	if (one_dev_in_use(dev, known ? name : NULL, why, whylen))
		return true;
	if (known && !aff_blockdev_is_partition(name))
		return partitions_in_use(name, why, whylen);
	return false;
}

/* ---- loop devices -------------------------------------------------------- */

/*
 * The backing file of the loop device called name ("loop1"): its path and
 * stat. -ENOENT when name is no loop device, has no file or the file is
 * gone (deleted).
 */
static int loop_backing(const char *name, char *path, size_t len,
			struct stat *st)
{
	if (aff_loop_backing_file(name, path, len) || stat(path, st))
		return -ENOENT;
	return 0;
}

/*
 * A loop device other than skip ("loop1", or NULL) whose backing file is
 * (dev, ino) and that is mounted, swap or held: why gets a phrase with no
 * subject ("backs loop0, and loop0 is mounted on /mnt").
 */
static bool loop_over_file_in_use(dev_t dev, ino_t ino, const char *skip,
				  char *why, size_t whylen)
{
	struct aff_blockdev *loops;
	int n = aff_loop_devices(&loops);
	bool busy = false;

	for (int i = 0; i < n && !busy; i++) {
		char path[PATH_MAX], name[64], inner[4096];
		struct stat st;

		if ((skip && !strcmp(loops[i].name, skip)) ||
		    loop_backing(loops[i].name, path, sizeof(path), &st) ||
		    st.st_dev != dev || st.st_ino != ino)
			continue;
		busy = dev_used_directly(loops[i].dev, name, sizeof(name),
					 inner, sizeof(inner));
		if (busy)
			snprintf(why, whylen, "backs %s, and %s", name, inner);
	}
	if (n > 0)
		free(loops);
	return busy;
}

/* ---- files --------------------------------------------------------------- */

/* A process other than this one with (dev, ino) open: "pid 12 (qemu)". */
static bool open_elsewhere(dev_t dev, ino_t ino, char *who, size_t len)
{
	DIR *proc = opendir("/proc");
	pid_t self = getpid();
	struct dirent *pe;
	bool found = false;

	if (!proc)
		return false;
	while (!found && (pe = readdir(proc))) {
		char fddir[64], p[PATH_MAX], comm[64] = "?";
		struct dirent *fe;
		struct stat st;
		DIR *fds;

		if (!isdigit((unsigned char)pe->d_name[0]) ||
		    atoi(pe->d_name) == self)
			continue;
		snprintf(fddir, sizeof(fddir), "/proc/%.20s/fd", pe->d_name);
		fds = opendir(fddir);
		if (!fds)
			continue; /* gone, or not ours to look at */
		while (!found && (fe = readdir(fds))) {
			if (fe->d_name[0] == '.' ||
			    !join_path(p, sizeof(p), fddir, fe->d_name))
				continue;
			found = stat(p, &st) == 0 && S_ISREG(st.st_mode) &&
				st.st_dev == dev && st.st_ino == ino;
		}
		closedir(fds);
		if (found) {
			snprintf(p, sizeof(p), "/proc/%.20s/comm", pe->d_name);
			read_line(p, comm, sizeof(comm));
			snprintf(who, len, "process %.20s (%.63s)", pe->d_name,
				 comm);
		}
	}
	closedir(proc);
	return found;
}

/*
 * The file st is in use: a swap file, backing a loop device (other than
 * skip) that is in use, or open in another process. why gets a phrase
 * with no subject ("is open in process 12 (qemu)").
 */
static bool file_used(const struct stat *st, const char *skip, char *why,
		      size_t whylen)
{
	char what[4096];

	if (used_as_swap(false, st->st_dev, st->st_ino, what, sizeof(what))) {
		snprintf(why, whylen, "is in use as swap");
		return true;
	}
	if (loop_over_file_in_use(st->st_dev, st->st_ino, skip, why, whylen))
		return true;
	if (open_elsewhere(st->st_dev, st->st_ino, what, sizeof(what))) {
		snprintf(why, whylen, "is open in %s", what);
		return true;
	}
	return false;
}

bool wl_file_in_use(const struct stat *st, const char *path, char *why,
		    size_t whylen)
{
	char phrase[4096 + 128];

	if (!file_used(st, NULL, phrase, sizeof(phrase)))
		return false;
	snprintf(why, whylen, "%s %s", path, phrase);
	return true;
}

bool wl_blockdev_in_use(dev_t dev, char *why, size_t whylen)
{
	char name[64], file[PATH_MAX], phrase[4096 + 128];
	struct stat st;

	if (dev_used_directly(dev, name, sizeof(name), why, whylen))
		return true;
	/* A loop device: what its file is to everything else. */
	if (loop_backing(name, file, sizeof(file), &st) ||
	    !file_used(&st, name, phrase, sizeof(phrase)))
		return false;
	snprintf(why, whylen, "%s's backing file %s also %s", name, file,
		 phrase);
	return true;
}

/* ---- filesystems --------------------------------------------------------- */

#ifndef CONFIGFS_MAGIC
#define CONFIGFS_MAGIC 0x62656570
#endif
#ifndef FUSECTL_MAGIC
#define FUSECTL_MAGIC 0x65735543
#endif
#ifndef MQUEUE_MAGIC
#define MQUEUE_MAGIC 0x19800202
#endif
#ifndef RPC_PIPEFS_MAGIC
#define RPC_PIPEFS_MAGIC 0x67596969
#endif

/* Kernel interfaces that look like files but store no data. */
static const struct {
	unsigned long magic;
	const char *name;
} pseudo_fs[] = {
	{ PROC_SUPER_MAGIC, "procfs" },
	{ SYSFS_MAGIC, "sysfs" },
	{ DEBUGFS_MAGIC, "debugfs" },
	{ TRACEFS_MAGIC, "tracefs" },
	{ SECURITYFS_MAGIC, "securityfs" },
	{ SELINUX_MAGIC, "selinuxfs" },
	{ SMACK_MAGIC, "smackfs" },
	{ CGROUP_SUPER_MAGIC, "cgroup" },
	{ CGROUP2_SUPER_MAGIC, "cgroup2" },
	{ CONFIGFS_MAGIC, "configfs" },
	{ BPF_FS_MAGIC, "bpffs" },
	{ PSTOREFS_MAGIC, "pstore" },
	{ EFIVARFS_MAGIC, "efivarfs" },
	{ DEVPTS_SUPER_MAGIC, "devpts" },
	{ BINFMTFS_MAGIC, "binfmt_misc" },
	{ FUSECTL_MAGIC, "fusectl" },
	{ MQUEUE_MAGIC, "mqueue" },
	{ RPC_PIPEFS_MAGIC, "rpc_pipefs" },
	{ NSFS_MAGIC, "nsfs" },
	{ HUGETLBFS_MAGIC, "hugetlbfs" },
};

const char *wl_pseudo_fs(const char *path)
{
	struct statfs sf;

	if (statfs(path, &sf))
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(pseudo_fs); i++)
		if ((unsigned long)sf.f_type == pseudo_fs[i].magic)
			return pseudo_fs[i].name;
	return NULL;
}
