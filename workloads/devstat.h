/*
 * devstat.h: what a real block device did during a run, from the deltas of
 * its I/O counters (/sys/block/<disk>/stat) and of its rows of
 * /proc/interrupts, both read by affinity/host.h.
 *
 * The disk is the one holding the target (wl_target.disk: "vda" for a file
 * on /dev/vda1). Interrupt rows are found from the disk's driver device
 * (aff_disk_ctrl: "virtio1", "nvme0"): every /proc/interrupts row whose
 * name starts with that ("virtio1-req.0", "nvme0q3") is summed, per CPU.
 * Disks without such a device (loop, zram, dm) report their I/O counters
 * and no interrupts (has_irqs false).
 */
#ifndef AIOTUNE_WORKLOADS_DEVSTAT_H
#define AIOTUNE_WORKLOADS_DEVSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "affinity/affinity.h"

#define WL_DEVSTAT_MAX_CPUS AFF_MAX_CPUS

struct wl_devstat {
	char disk[64];          /* "vda" */
	char irq_prefix[64];    /* "virtio1", "nvme0", or "" */
	bool has_irqs;
	/* Fields of /sys/block/<disk>/stat (Documentation/block/stat.rst). */
	uint64_t rd_ios, rd_merges, rd_sectors, rd_ticks_ms;
	uint64_t wr_ios, wr_merges, wr_sectors, wr_ticks_ms;
	uint64_t in_flight, io_ticks_ms, time_in_queue_ms;
	/* Interrupts of the device, total and per CPU. */
	uint64_t irqs;
	int ncpus;
	uint64_t irqs_cpu[WL_DEVSTAT_MAX_CPUS];
};

/* Prepare s for disk ("vda"): find its interrupt rows. 0 or -ENOENT. */
int wl_devstat_init(struct wl_devstat *s, const char *disk);
/* Read the counters now. 0 or -errno. */
int wl_devstat_sample(struct wl_devstat *s);
/* d = b - a (counters; in_flight is b's). */
void wl_devstat_delta(const struct wl_devstat *a, const struct wl_devstat *b,
		      struct wl_devstat *d);
/* The CPU that took most of d's interrupts, or -1 when none. */
int wl_devstat_top_cpu(const struct wl_devstat *d);

#endif
