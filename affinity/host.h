/*
 * host.h: facts about this host and its block devices, from procfs and
 * sysfs. affinity/ is the one module that reads /proc/cpuinfo,
 * /proc/interrupts, /sys/devices/system, /sys/block, /sys/dev/block and
 * /sys/module; every other module asks here (the topology itself comes
 * from hwloc, the device under a target from aff_device_probe(), both in
 * affinity.h).
 *
 * Each function reads one fact when called; nothing is cached. Actions
 * return 0 or -errno (-ENOENT: the host does not have it), predicates
 * bool; strings are cut to the buffer. Per-process facts stay with their
 * users (/proc/self/task/TID/stat in workloads/measure.c, a QEMU
 * process's threads in qemu/proc.c, the mounts and swap areas seen when
 * deciding whether a target may be written, workloads/target-use.c).
 */
#ifndef AIOTUNE_AFFINITY_HOST_H
#define AIOTUNE_AFFINITY_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "affinity/affinity.h"

/* ------------------------------------------------------------------ */
/* The host.                                                           */

/*
 * The CPU model: the first "model name" of /proc/cpuinfo ("AMD EPYC
 * 7B13"). 0, -ENOENT when there is none (some architectures), or -errno.
 */
int aff_host_cpu_model(char *buf, size_t len);
/*
 * Number of NUMA nodes: libnuma's configured nodes, else the node<N>
 * directories of /sys/devices/system/node, else 1. Always >= 1.
 */
int aff_host_numa_nodes(void);
/* NUMA node of cpu, or -1 when unknown (no NUMA support, no such CPU). */
int aff_node_of_cpu(int cpu);

/* A one-line setting of the host's kernel, for provenance. */
enum aff_host_setting {
	/* devices/system/clocksource/clocksource0/current_clocksource */
	AFF_HOST_CLOCKSOURCE,
	/* devices/system/cpu/cpuidle/current_driver ("none", "haltpoll") */
	AFF_HOST_CPUIDLE_DRIVER,
	/* devices/system/cpu/cpuidle/current_governor_ro ("menu") */
	AFF_HOST_CPUIDLE_GOVERNOR,
	/* devices/system/cpu/cpu0/cpufreq/scaling_governor */
	AFF_HOST_CPUFREQ_GOVERNOR,
	/* module/haltpoll/parameters/guest_halt_poll_ns (a number) */
	AFF_HOST_GUEST_HALT_POLL_NS,
	AFF_HOST_NR_SETTINGS,
};

/*
 * Setting s as the kernel shows it under /sys (trailing spaces cut).
 * 0, or -errno (-ENOENT: this kernel or host has no such setting).
 */
int aff_host_setting(enum aff_host_setting s, char *buf, size_t len);

/* ------------------------------------------------------------------ */
/* Block devices by number and name (/sys/dev/block, /sys/class/block). */

struct aff_blockdev {
	char name[32]; /* kernel name: "vda", "vda1", "loop0" */
	dev_t dev;
};

/* The kernel name of block device dev ("vda1"). 0 or -ENOENT. */
int aff_blockdev_name(dev_t dev, char *name, size_t len);
/*
 * The whole disk holding block device dev: its parent for a partition
 * ("vda" for vda1), its own name otherwise (stacked devices are not
 * followed: dm-0 stays dm-0). 0 or -ENOENT.
 */
int aff_blockdev_disk(dev_t dev, char *disk, size_t len);
/* Whether the block device called name is a partition. */
bool aff_blockdev_is_partition(const char *name);
/*
 * The first holder of the block device called name (device-mapper, md:
 * "dm-0"). 0, or -ENOENT when nothing holds it.
 */
int aff_blockdev_holder(const char *name, char *holder, size_t len);
/*
 * The partitions of the disk called disk: *out (malloc'ed; free() it, NULL
 * when none) gets each one's name and number. The count, or -errno.
 */
int aff_blockdev_partitions(const char *disk, struct aff_blockdev **out);
/* The loop devices of the host (loop0, ...), as aff_blockdev_partitions. */
int aff_loop_devices(struct aff_blockdev **out);
/*
 * The file behind the loop device called name (loop/backing_file, an
 * absolute path). 0, or -ENOENT when name is no loop device or has no
 * file.
 */
int aff_loop_backing_file(const char *name, char *path, size_t len);

/* ------------------------------------------------------------------ */
/* What a disk did: I/O counters and interrupts.                       */

/* /sys/block/<disk>/stat (the kernel's Documentation/block/stat.rst). */
struct aff_disk_stat {
	uint64_t rd_ios, rd_merges, rd_sectors, rd_ticks_ms;
	uint64_t wr_ios, wr_merges, wr_sectors, wr_ticks_ms;
	uint64_t in_flight, io_ticks_ms, time_in_queue_ms;
};

/* Whether the disk called disk has I/O counters (a readable stat). */
bool aff_disk_has_stat(const char *disk);
/* The counters of the disk called disk now. 0 or -errno. */
int aff_disk_stat(const char *disk, struct aff_disk_stat *out);
/*
 * The disk's driver device, the last component of /sys/block/<disk>/device
 * ("nvme0" for nvme0n1, "virtio1" for vda, "nvme-subsys0" under NVMe
 * multipath): the prefix of its rows in /proc/interrupts for nvme and
 * virtio. 0 or -ENOENT (loop, zram, dm have none).
 */
int aff_disk_ctrl(const char *disk, char *ctrl, size_t len);

/* Interrupts counted so far, per CPU. */
struct aff_irq_counts {
	uint64_t total;
	int ncpus;                    /* highest CPU seen + 1 */
	uint64_t cpu[AFF_MAX_CPUS];
};

/*
 * The sum of every /proc/interrupts row that has a name starting with
 * prefix and not going on with a digit ("virtio1" takes "virtio1-req.0",
 * not "virtio10-req.0"; "nvme0" takes "nvme0q3"). 0 or -errno.
 */
int aff_irq_counts(const char *prefix, struct aff_irq_counts *out);

#endif
