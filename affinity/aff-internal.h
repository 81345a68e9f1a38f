/*
 * aff-internal.h: internals of affinity/ shared between its files and its
 * tests. Not for other modules: they use affinity/affinity.h.
 */
#ifndef AIOTUNE_AFFINITY_INTERNAL_H
#define AIOTUNE_AFFINITY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <hwloc.h>

#include "affinity/affinity.h"
#include "affinity/host.h"

/*
 * sys.c: the one place where hwloc, libnuma and the sched_* calls, which
 * report -1 with errno (or NULL with errno), become 0/-errno.
 */
/* This host (xml NULL) or the len bytes of an hwloc XML document. */
int aff__hwloc_init(hwloc_topology_t *topo, const char *xml, size_t len);
int aff__sched_setaffinity(pid_t tid, const struct aff_cpuset *set);
int aff__sched_getaffinity(pid_t tid, struct aff_cpuset *set);
/* getcpu(2): the CPU and node the caller runs on now. */
int aff__getcpu(int *cpu, int *node);
pid_t aff__gettid(void);
/* Whether libnuma works here (numa_available() >= 0). */
bool aff__numa_ok(void);
/* libnuma's configured node count, or -ENOSYS without NUMA support. */
int aff__numa_nodes(void);
int aff__numa_node_of_cpu(int cpu);
int aff__numa_alloc(enum aff_mem_kind kind, int node, size_t size,
		    void **out);
void aff__numa_free(void *p, size_t size);
int aff__numa_page_node(const void *addr);

/*
 * util.c: small sysfs/procfs readers. Paths are built from a root prefix
 * ("" for the real system) so tests can point them at a fake tree.
 */
/* Read the first line of a file, newline stripped. 0 or -errno. */
int aff__read_line(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Read an integer file. 0 or -errno (-EINVAL when not a number). */
int aff__read_int(int *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* snprintf that reports truncation as -ENAMETOOLONG. */
int aff__path(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Copy with truncation, always terminated. */
void aff__strlcpy(char *dst, const char *src, size_t len);
/* Last component of the symlink at path ("nvme" for .../drivers/nvme). */
int aff__link_base(char *buf, size_t len, const char *path);

/*
 * The readers of host.h under a filesystem root (root "" = this machine;
 * a test passes a directory that holds sys/ and proc/ trees). The public
 * functions call them with "".
 */
int aff__cpu_model(const char *root, char *buf, size_t len);
/* The node<N> directories of sys/devices/system/node: count or -errno. */
int aff__sysfs_numa_nodes(const char *root);
int aff__host_setting(const char *root, enum aff_host_setting s, char *buf,
		      size_t len);
int aff__blockdev_name(const char *root, dev_t dev, char *name, size_t len);
int aff__blockdev_disk(const char *root, dev_t dev, char *disk, size_t len);
bool aff__blockdev_is_partition(const char *root, const char *name);
int aff__blockdev_holder(const char *root, const char *name, char *holder,
			 size_t len);
int aff__blockdev_partitions(const char *root, const char *disk,
			     struct aff_blockdev **out);
int aff__loop_devices(const char *root, struct aff_blockdev **out);
int aff__loop_backing_file(const char *root, const char *name, char *path,
			   size_t len);
bool aff__disk_has_stat(const char *root, const char *disk);
int aff__disk_stat(const char *root, const char *disk,
		   struct aff_disk_stat *out);
int aff__disk_ctrl(const char *root, const char *disk, char *ctrl,
		   size_t len);
int aff__irq_counts(const char *root, const char *prefix,
		    struct aff_irq_counts *out);

/*
 * device.c internals, for tests: dev set up for target with every fact
 * unknown (-1, ""), as aff_device_probe starts; then probe the disk named
 * disk under root. Fills the sysfs half of dev.
 */
void aff__device_init(struct aff_device *dev, const char *target);
int aff__device_probe_disk(const char *root, const char *disk,
			   struct aff_device *dev);
/* irq.c: read the interrupts of controller dev->ctrl under root. */
int aff__irq_probe(const char *root, const char *pci_dir,
		   struct aff_device *dev);

#endif
