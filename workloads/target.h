/*
 * target.h: real I/O targets (regular files and block devices) for the
 * io_uring, linux-aio and threads engines.
 *
 * Every engine gets its fd from wl_target_open(), so the safety rules live
 * here and no path can skip them:
 * - a job that only reads opens the target O_RDONLY: the kernel itself
 *   refuses any write through that fd;
 * - a job that writes needs allow_write (--allow-write) for an existing
 *   file and for any block device; a file that does not exist is created
 *   and filled with the pattern (with a message), which overwrites nothing,
 *   and writing to it again from the same process (another IOThread, the
 *   engine after its check()) needs no flag either;
 * - a block device that is mounted, holds a mounted partition, is used as
 *   swap or is held by device-mapper/md (sysfs holders) is refused for
 *   writes whatever the flags, naming what holds it; the write open also
 *   uses O_EXCL, so the kernel refuses a device claimed after the check.
 * Failures come back as -errno with one line in err naming the target and
 * the cause ("/dev/vda: open failed: operation not permitted (EPERM) ...").
 */
#ifndef AIOTUNE_WORKLOADS_TARGET_H
#define AIOTUNE_WORKLOADS_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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
	FILE *msg;        /* "creating ..." messages (NULL: silent) */
};

struct wl_target {
	char path[4096];
	int fd;                 /* -1 when closed */
	enum wl_target_kind kind;
	bool direct;            /* opened with O_DIRECT */
	bool writable;          /* opened for writing */
	bool created;           /* created and filled by this open */
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
/* Close the fd; safe on a closed or zeroed-then-failed target. */
void wl_target_close(struct wl_target *t);

/*
 * Whether the block device dev (or one of its partitions) is mounted, used
 * as swap or held by another driver; why names it ("vda1 mounted on /boot",
 * "loop0 held by dm-0").
 */
bool wl_blockdev_in_use(dev_t dev, char *why, size_t whylen);

/*
 * Name of the whole disk that holds dev ("vda" for vda1 or for a file on
 * vda1): 0, or -ENOENT when dev is no block device (tmpfs, overlay).
 */
int wl_disk_of_dev(dev_t dev, char *disk, size_t len);

/* "256 MiB", "12 KiB", "4097 bytes": exact, in the largest whole unit. */
void wl_size_str(uint64_t bytes, char *buf, size_t len);

/* Fill buf with the pattern for byte offset off (a 64-bit word stream). */
void wl_pattern_fill(void *buf, size_t len, uint64_t off, uint64_t seed);
/* Whether buf holds the pattern for off; *bad gets the first bad offset. */
bool wl_pattern_check(const void *buf, size_t len, uint64_t off,
		      uint64_t seed, uint64_t *bad);

#endif
