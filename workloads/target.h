/*
 * target.h: real I/O targets (regular files and block devices) for the
 * io_uring, linux-aio and threads engines.
 *
 * Every engine gets its fd from wl_target_open(), so the safety rules live
 * here and no path can skip them:
 * - a target is a regular file on a real filesystem or a block device:
 *   FIFOs, character devices, directories and files on kernel interfaces
 *   (procfs, sysfs, debugfs, cgroup, ...) are refused, naming what the
 *   path is;
 * - a job that only reads opens the target O_RDONLY: the kernel itself
 *   refuses any write through that fd;
 * - a job that writes needs allow_write (--allow-write) for an existing
 *   file and for any block device; a file that does not exist is created
 *   and filled with the pattern (with a message), which overwrites nothing,
 *   and writing to it again from the same process (another IOThread, the
 *   engine after its prepare()) needs no flag either;
 * - writes are refused whatever the flags to something in use: a block
 *   device that is mounted, holds a mounted partition, is used as swap or
 *   is held by device-mapper/md (sysfs holders); a loop device whose
 *   backing file is in use; and a file that is a swap file, the backing
 *   file of a loop device in use, or open in another process (naming
 *   what holds it). The write open of a device also uses O_EXCL, so the
 *   kernel refuses a device claimed after the check;
 * - a file is only created where it fits: statvfs() of its directory must
 *   show its size free (to an unprivileged writer) first.
 * wl_target_check() applies the same rules and creates and writes nothing
 * (dry runs, plan checks); wl_target_open() creates a missing file only
 * when asked to (o->create).
 * Failures come back as -errno with one line in err naming the target and
 * the cause ("/dev/vda: open failed: operation not permitted (EPERM) ...");
 * -EINVAL for what the user can fix (a bad path kind, a size too large).
 */
#ifndef AIOTUNE_WORKLOADS_TARGET_H
#define AIOTUNE_WORKLOADS_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

/* Size of a file created for a job that names no size. */
#define WL_TARGET_DEFAULT_SIZE (256ULL << 20)

enum wl_target_kind {
	WL_TARGET_FILE,
	WL_TARGET_BLOCK,
};

struct wl_target_opts {
	uint64_t size;    /* bytes the job uses; 0 = the whole target */
	bool write;       /* the job writes */
	bool allow_write; /* --allow-write */
	bool direct;      /* O_DIRECT (--direct, the default) */
	uint64_t seed;    /* pattern seed for filling a created file */
	bool create;      /* a missing file is created and filled */
	FILE *msg;        /* "creating ..." messages (NULL: silent) */
};

struct wl_target {
	char path[4096];
	int fd;                 /* -1 when closed */
	enum wl_target_kind kind;
	bool direct;            /* opened with O_DIRECT */
	bool writable;          /* opened for writing */
	bool created;           /* created and filled by this open */
	bool missing;           /* wl_target_check: does not exist yet */
	uint64_t size;          /* usable bytes (a multiple of align) */
	uint32_t align;         /* offset/length alignment for O_DIRECT */
	uint32_t mem_align;     /* buffer alignment (at least a page) */
	char disk[64];          /* disk holding the data ("vda"), or "" */
};

/*
 * Open (creating and filling a missing file) the target at path for a job
 * described by o, applying the rules above. 0 or -errno with err filled.
 */
int wl_target_open(struct wl_target *t, const char *path,
		   const struct wl_target_opts *o, char *err, size_t errlen);
/*
 * Check path for a job described by o under the same rules, creating and
 * writing nothing: an existing target is opened and closed again (t then
 * describes it, fd -1); a missing file passes when it could be created
 * (its directory exists on a real filesystem, is writable and has room)
 * and sets t->missing. 0 or -errno with err filled.
 */
int wl_target_check(struct wl_target *t, const char *path,
		    const struct wl_target_opts *o, char *err, size_t errlen);
/* Close the fd; safe on a closed or zeroed-then-failed target. */
void wl_target_close(struct wl_target *t);

/* "a regular file", "a FIFO (named pipe)", ... for messages. */
const char *wl_file_kind(mode_t mode);

/* In target-use.c: */
/*
 * Whether the block device dev (or one of its partitions) is mounted, used
 * as swap or held by another driver, or, for a loop device, whether its
 * backing file is in use (wl_file_in_use, other loop devices than dev);
 * why names it ("vda1 is mounted on /boot", "loop0 is held by dm-0").
 */
bool wl_blockdev_in_use(dev_t dev, char *why, size_t whylen);
/*
 * Whether the file st (at path) is a swap file, the backing file of a loop
 * device that is mounted, swap or held, or open in another process (as
 * far as /proc shows this user); why names it.
 */
bool wl_file_in_use(const struct stat *st, const char *path, char *why,
		    size_t whylen);
/* The kernel-interface filesystem path is on ("sysfs"), or NULL. */
const char *wl_pseudo_fs(const char *path);

/* "256 MiB", "12 KiB", "4097 bytes": exact, in the largest whole unit. */
void wl_size_str(uint64_t bytes, char *buf, size_t len);

/* Fill buf with the pattern for byte offset off (a 64-bit word stream). */
void wl_pattern_fill(void *buf, size_t len, uint64_t off, uint64_t seed);
/* Whether buf holds the pattern for off; *bad gets the first bad offset. */
bool wl_pattern_check(const void *buf, size_t len, uint64_t off,
		      uint64_t seed, uint64_t *bad);

#endif
