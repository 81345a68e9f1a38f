/*
 * affinity.h: where aiotune's threads run and where their memory lives.
 *
 * Polling results depend on placement: an IOThread on the CPU that takes
 * the device's interrupt, on the SMT sibling of the thread that feeds it,
 * on another core of the same L3, on another NUMA node, or on the node the
 * NVMe device hangs off can differ by large factors. This module gives the
 * workloads one API for all of it:
 *
 *   topology   aff_topo_load()       packages, NUMA nodes, L3 domains, cores,
 *                                    SMT siblings and block I/O devices, from
 *                                    hwloc (this host, or an XML file)
 *   device     aff_device_probe()    facts of the device under a target
 *              aff_device_locate()   (sysfs, /proc/interrupts) and its node
 *   placement  aff_placement_parse() a named placement or explicit lists
 *              aff_placement_resolve() -> a plan: one CPU per thread, or
 *                                    -ENOTSUP with the reason it cannot be
 *                                    realized on this host (never replaced)
 *   pinning    aff_pin_self(), aff_thread_record(): requested vs realized
 *   memory     aff_mem_policy_parse(), aff_alloc(): buffers, rings and
 *                                    histograms on the user's node (libnuma)
 *
 * Thread roles. A run has three kinds of threads, each numbered from 0:
 * - AFF_ROLE_IOTHREAD, "iothread" i: the thread running AioContext i (the
 *   loop under test). It is the anchor of every relation below.
 * - AFF_ROLE_GUEST, "guest" i: the virtio front end's vCPU thread, which
 *   submits into IOThread i's ring and waits for (or polls) its used ring.
 * - AFF_ROLE_DEVICE, "device" i: the busy-waiting device thread of the
 *   simulated NVMe device in thread mode.
 * Guest j and device thread j belong to the group of IOThread j mod N (N =
 * number of IOThreads); they are that IOThread's "companions", the threads
 * it exchanges work with. Relational placements (smt-sibling, same-l3,
 * remote-node) put each IOThread at that distance from its companions; an
 * IOThread without companions (direct front end on a real device) is
 * placed relative to the CPU that takes the device's completion interrupt.
 *
 * How a run uses it (the whole sequence, in the runner):
 *   aff_placement_parse(job->placement, &pl, err, len)   at flag parsing:
 *                                   -EINVAL -> cli_die(2, "%s", err)
 *   aff_topo_load(&topo, NULL)
 *   aff_device_probe(job->target, &dev); aff_device_locate(topo, &dev)
 *                                   (skip both for sim: targets: dev NULL)
 *   aff_placement_resolve(topo, &pl, &counts, dev, &plan, why, len)
 *                                   -ENOTSUP -> the point is "skipped"
 *                                   with why, nothing is measured
 *   in each thread, first thing:    aff_pin_and_record(&plan, role, i, &rec)
 *   then its memory:                aff_alloc(&mem_policy, size, &p)
 *   into the result:                aff_thread_rec_json(&rec) per thread
 * IOThreads inherit their creator's affinity: pin them from inside (a
 * oneshot BH in their context) or from outside with aff_pin_tid() and
 * aff_thread_record_tid() on IOThreadInfo.thread_id.
 *
 * Conventions: actions return 0 or -errno; predicates return bool. Every
 * CPU number is the OS index (as in taskset and /proc/cpuinfo), every node
 * number the OS node index. -1 means "not pinned" or "unknown".
 * The foreign -1+errno conventions of hwloc, libnuma and sched_* are
 * converted in one place, affinity/sys.c.
 */
#ifndef AIOTUNE_AFFINITY_H
#define AIOTUNE_AFFINITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AFF_MAX_CPUS 1024
#define AFF_MAX_THREADS 64	/* per role */
#define AFF_MAX_IRQS 64		/* interrupts recorded per device */
#define AFF_SPEC_MAX 256	/* placement spec string, with its NUL */

/* ------------------------------------------------------------------ */
/* CPU sets: a fixed bitmap, plain data, copyable.                     */

struct aff_cpuset {
	uint64_t bits[AFF_MAX_CPUS / 64];
};

void aff_cpuset_zero(struct aff_cpuset *s);
/* 0, or -EINVAL when cpu is outside [0, AFF_MAX_CPUS). */
int aff_cpuset_set(struct aff_cpuset *s, int cpu);
bool aff_cpuset_isset(const struct aff_cpuset *s, int cpu);
bool aff_cpuset_equal(const struct aff_cpuset *a, const struct aff_cpuset *b);
bool aff_cpuset_empty(const struct aff_cpuset *s);
int aff_cpuset_count(const struct aff_cpuset *s);
/* Lowest CPU in s, or -1. */
int aff_cpuset_first(const struct aff_cpuset *s);
/* Next CPU after prev (-1 to start), or -1 at the end. */
int aff_cpuset_next(const struct aff_cpuset *s, int prev);
void aff_cpuset_and(struct aff_cpuset *d, const struct aff_cpuset *a,
		    const struct aff_cpuset *b);
/* Linux cpulist syntax, "0-3,8,10-11": 0 or -EINVAL / -ERANGE. */
int aff_cpuset_parse(const char *s, struct aff_cpuset *out);
/* Write s as a cpulist ("" when empty); -ENOSPC when it does not fit. */
int aff_cpuset_format(const struct aff_cpuset *s, char *buf, size_t len);

/* ------------------------------------------------------------------ */
/* Thread roles.                                                       */

enum aff_role {
	AFF_ROLE_IOTHREAD,
	AFF_ROLE_GUEST,
	AFF_ROLE_DEVICE,
	AFF_ROLE_COUNT,
};

/* "iothread", "guest", "device". */
const char *aff_role_name(enum aff_role r);

/* How many threads of each role a run has. */
struct aff_roles {
	int n[AFF_ROLE_COUNT];
};

/* ------------------------------------------------------------------ */
/* Topology.                                                           */

struct aff_topo;

/* One processing unit (hardware thread), in hwloc's logical order. */
struct aff_pu {
	int cpu;     /* OS index */
	int core;    /* index into the core domains */
	int l3;      /* index into the L3 domains, -1 if hwloc saw no L3 */
	int package; /* index into the packages, -1 if none */
	int node;    /* OS index of its NUMA node, -1 if none */
	int smt;     /* rank among its core's hardware threads (0, 1, ...) */
};

enum aff_level {
	AFF_LEVEL_PACKAGE,
	AFF_LEVEL_NODE,
	AFF_LEVEL_L3,
	AFF_LEVEL_CORE,
	AFF_LEVEL_COUNT,
};

/* One package, NUMA node, L3 domain or core. */
struct aff_domain {
	int index;           /* logical index (position in its level) */
	int os_index;        /* node number for nodes; -1 where meaningless */
	uint64_t size_bytes; /* node memory or L3 size; 0 if unknown */
	struct aff_cpuset cpus;
};

/* A block device hwloc found under a PCI device (I/O objects). */
struct aff_iodev {
	char name[32];     /* "nvme0n1", "vda" */
	char pci[16];      /* "0000:40:00.0", or "" */
	char model[64];    /* hwloc's Model info, or "" */
	int node;          /* its NUMA node, -1 when not a single one */
	struct aff_cpuset local_cpus; /* CPUs of its non-I/O ancestor */
};

/*
 * The largest hwloc XML file read: 64 MiB (lstopo's XML of a two-socket,
 * 128-thread host with its PCI devices is under 1 MiB).
 */
#define AFF_TOPO_XML_MAX ((size_t)64 << 20)

/*
 * Load the topology of this host (xml_path NULL) or of an hwloc XML file
 * (as written by `lstopo --of xml`; a regular file of at most
 * AFF_TOPO_XML_MAX bytes). Only PUs the process may use are listed.
 * 0 or -errno (-EINVAL for a bad XML or a file that is not a regular one,
 * -EFBIG for a larger one).
 */
int aff_topo_load(struct aff_topo **out, const char *xml_path);
/*
 * The same from the len bytes of an XML document (need not end in a
 * NUL), source naming it (aff_topo_source). 0 or -errno (-EINVAL for a
 * bad XML).
 */
int aff_topo_load_xml(struct aff_topo **out, const char *xml, size_t len,
		      const char *source);
void aff_topo_free(struct aff_topo *t);
/* "this host" or the XML path. */
const char *aff_topo_source(const struct aff_topo *t);
/* Whether t describes the machine we run on (pinning is meaningful). */
bool aff_topo_is_this_host(const struct aff_topo *t);

int aff_topo_npus(const struct aff_topo *t);
/* i-th PU in logical order (0 <= i < npus). */
const struct aff_pu *aff_topo_pu(const struct aff_topo *t, int i);
/* The PU with OS index cpu, or NULL when it is not in the topology. */
const struct aff_pu *aff_topo_pu_of_cpu(const struct aff_topo *t, int cpu);
/* All usable CPUs. */
const struct aff_cpuset *aff_topo_cpus(const struct aff_topo *t);
int aff_topo_ndomains(const struct aff_topo *t, enum aff_level level);
const struct aff_domain *aff_topo_domain(const struct aff_topo *t,
					 enum aff_level level, int i);
/* The node domain with OS index node, or NULL. */
const struct aff_domain *aff_topo_node(const struct aff_topo *t, int node);
/* NUMA node of cpu, or -1. */
int aff_topo_node_of_cpu(const struct aff_topo *t, int cpu);
/* Whether some core has more than one hardware thread. */
bool aff_topo_has_smt(const struct aff_topo *t);
int aff_topo_niodevs(const struct aff_topo *t);
const struct aff_iodev *aff_topo_iodev(const struct aff_topo *t, int i);
/* The I/O block device named name ("nvme0n1"), or NULL. */
const struct aff_iodev *aff_topo_find_iodev(const struct aff_topo *t,
					    const char *name);

/* ------------------------------------------------------------------ */
/* The device under a target.                                          */

enum aff_dev_kind {
	AFF_DEV_NONE,  /* no host device (a simulated target) */
	AFF_DEV_BLOCK, /* the target is a block device */
	AFF_DEV_FILE,  /* a regular file; the device holds its filesystem */
};

struct aff_irq {
	int irq;
	char name[48];                 /* "nvme0q1", "virtio1-req.0" */
	struct aff_cpuset affinity;    /* smp_affinity_list */
	struct aff_cpuset effective;   /* effective_affinity_list */
	bool affinity_known, effective_known;
	uint64_t count;                /* interrupts so far, all CPUs */
	int top_cpu;                   /* CPU that took most of them, -1 */
};

struct aff_device {
	char target[1024];
	enum aff_dev_kind kind;
	char disk[32];         /* whole disk: "nvme0n1", "vda"; "" if none */
	char part[32];         /* partition holding the file ("vda1") or "" */
	char via[32];          /* stacked device followed (dm-0, md0) or "" */
	char ctrl[32];         /* driver device, the interrupt prefix ("nvme0") */
	char driver[32];       /* "nvme", "virtio_blk", "" */
	char pci[16];          /* PCI address of the controller, or "" */
	char model[64];        /* model string, PCI id, or "" */
	char firmware[32];     /* firmware revision, or "" */
	char vendor[32];       /* device/vendor (SCSI, virtio), or "" */
	int hw_queues;         /* /sys/block/X/mq entries; -1 unknown */
	int poll_queues;       /* nvme poll_queues parameter; -1 unknown */
	int io_poll;           /* queue/io_poll: 1, 0, or -1 unreadable */
	int io_poll_delay;     /* queue/io_poll_delay (-1 = classic) */
	bool io_poll_delay_known;
	char scheduler[32];    /* the selected one: "none", "mq-deadline" */
	int nr_requests;       /* -1 unknown */
	int logical_block;     /* bytes, -1 unknown */
	int rotational;        /* 1, 0, -1 unknown */
	int max_hw_sectors_kb; /* largest request the device takes; -1 */
	int nomerges;          /* queue/nomerges: 0, 1, 2; -1 unknown */
	int rq_affinity;       /* queue/rq_affinity: 0, 1, 2; -1 unknown */
	char mounted_on[256];  /* a mount point of the disk/partitions or "" */
	char held_by[32];      /* a holder (dm-0) or "" */

	int sysfs_node;        /* device/numa_node, -1 if unknown */
	int hwloc_node;        /* from hwloc's I/O objects, -1 if unknown */
	int numa_node;         /* the result: hwloc, else sysfs, else -1 */
	char node_source[16];  /* "hwloc", "sysfs", "one node", "" */
	struct aff_cpuset local_cpus;
	bool local_cpus_known;

	int nirqs;             /* completion interrupts recorded */
	int nirqs_total;       /* found (may exceed AFF_MAX_IRQS) */
	struct aff_irq irqs[AFF_MAX_IRQS];
	int irq_cpu;           /* CPU taking the completions, -1 unknown */
	char irq_note[160];    /* why irq_cpu is unknown, or how it was set */
};

/*
 * Describe the device under target: a block device (/dev/nvme0n1), a
 * regular file or directory (the disk holding its filesystem, found from
 * st_dev through /sys/dev/block/MAJ:MIN, a partition resolved to its disk,
 * a single-slave dm/md device followed to its slave), or a "sim:..." target
 * (kind AFF_DEV_NONE). Unreadable facts are left at -1/"", never guessed.
 * 0, -ENOENT (no such target), or -ENODEV (the filesystem has no block
 * device: tmpfs, overlay; kind stays AFF_DEV_NONE and irq_note says why).
 */
int aff_device_probe(const char *target, struct aff_device *out);
/*
 * Fill the device's NUMA node and local CPUs: hwloc's I/O objects for the
 * disk first, then sysfs numa_node/local_cpulist, then, on a one-node
 * topology, that node. Idempotent; no-op for AFF_DEV_NONE.
 */
void aff_device_locate(const struct aff_topo *t, struct aff_device *dev);
/* Set up dev for a disk named in an XML topology (no sysfs facts). */
int aff_device_from_topo(const struct aff_topo *t, const char *name,
			 struct aff_device *dev);

/* What aiotune can do on the device: 1 yes, 0 no, -1 not tried. */
struct aff_caps {
	int o_direct;
	char o_direct_why[160];
	int iopoll;
	char iopoll_why[160];
	int writes;
	char writes_why[160];
};

/*
 * Try it: open the target with O_DIRECT and read one block; read it again
 * through an io_uring set up with IORING_SETUP_IOPOLL; decide whether
 * writes are allowed (never to a mounted or held device). Read-only.
 */
void aff_caps_probe(const struct aff_device *dev, struct aff_caps *out);

/* ------------------------------------------------------------------ */
/* Placements.                                                         */

enum aff_placement_kind {
	AFF_PL_NONE,         /* no pinning */
	AFF_PL_COMPACT,      /* one CPU per thread, in logical order */
	AFF_PL_SPREAD,       /* one CPU per thread, as far apart as possible */
	AFF_PL_SAME_CORE,    /* every thread on one CPU */
	AFF_PL_SMT_SIBLING,  /* IOThread on the SMT sibling of its companion */
	AFF_PL_SAME_L3,      /* IOThread on another core of the same L3 */
	AFF_PL_DEVICE_LOCAL, /* all threads on the device's node */
	AFF_PL_REMOTE_NODE,  /* IOThread on a node other than its companions' */
	AFF_PL_IRQ_CPU,      /* IOThread on the CPU taking the interrupt */
	AFF_PL_EXPLICIT,     /* iothread=0,2;guest=1,3;device=4 */
	AFF_PL_COUNT,
};

struct aff_placement {
	enum aff_placement_kind kind;
	char spec[AFF_SPEC_MAX];                /* as given (canonical) */
	/* AFF_PL_EXPLICIT: CPUs per role; nlist 0 = role left unpinned. */
	int nlist[AFF_ROLE_COUNT];
	int list[AFF_ROLE_COUNT][AFF_MAX_THREADS];
};

/*
 * Parse a placement: one of the names above, or explicit role lists
 * "iothread=0,2;guest=1,3;device=4" (roles iothread, guest, device; CPU
 * lists in cpulist syntax, "0-3" = 0,1,2,3; CPU i of a list goes to thread
 * i of that role). 0, or -EINVAL with one line in err naming the bad part
 * and what is allowed.
 */
int aff_placement_parse(const char *spec, struct aff_placement *out,
			char *err, size_t errlen);
/* Name of a kind ("smt-sibling"); "explicit" for AFF_PL_EXPLICIT. */
const char *aff_placement_name(enum aff_placement_kind k);
/* The allowed values, for error messages. */
const char *aff_placement_allowed(void);

struct aff_slot {
	enum aff_role role;
	int index;
	int cpu;  /* -1: not pinned */
	int node; /* node of cpu, -1 when not pinned */
};

struct aff_plan {
	char placement[AFF_SPEC_MAX];
	int nslots;                 /* iothreads, then guests, then devices */
	struct aff_slot slots[AFF_ROLE_COUNT * AFF_MAX_THREADS];
	char note[256];             /* what anchored it, or "" */
	char warning[256];          /* e.g. an IOThread sharing a device
				       thread's CPU (it starves it), or "" */
};

/*
 * Map every thread of counts to a CPU under placement p on topology t.
 * dev (NULL for simulated targets) supplies the interrupt CPU and NUMA
 * node for irq-cpu, device-local, remote-node and the relational
 * placements of IOThreads without companions.
 * Returns 0 with out filled; -ENOTSUP when p cannot be realized here, with
 * the reason in why ("remote-node: this host has one NUMA node"); -EINVAL
 * for counts out of range (why says which).
 */
int aff_placement_resolve(const struct aff_topo *t,
			  const struct aff_placement *p,
			  const struct aff_roles *counts,
			  const struct aff_device *dev, struct aff_plan *out,
			  char *why, size_t whylen);
/*
 * The whole resolution on this host in one call: load the topology, find
 * the device under target (NULL for a simulated target; a filesystem
 * without a block device still anchors what it can) and resolve p for
 * counts. 0; -ENOTSUP when p cannot be realized here; other -errno (no
 * topology) with why filled either way.
 */
int aff_placement_resolve_here(const struct aff_placement *p,
			       const char *target,
			       const struct aff_roles *counts,
			       struct aff_plan *out, char *why,
			       size_t whylen);
/* The slot of thread (role, index), or NULL. */
const struct aff_slot *aff_plan_slot(const struct aff_plan *plan,
				     enum aff_role role, int index);
/* Its CPU, -1 if unpinned or absent. */
int aff_plan_cpu(const struct aff_plan *plan, enum aff_role role, int index);

/* ------------------------------------------------------------------ */
/* Pinning and what was realized.                                      */

/* Pin the calling thread to cpu (-1: leave it as it is). 0 or -errno. */
int aff_pin_self(int cpu);
/* Pin thread tid (a kernel TID) to cpu (-1: no-op). 0 or -errno. */
int aff_pin_tid(int tid, int cpu);

struct aff_thread_rec {
	/* Set by the caller (aff_thread_rec_init does it from a plan). */
	enum aff_role role;
	int index;
	int cpu_requested;  /* -1 = unpinned */
	int node_requested; /* -1 = unpinned */
	/* Filled by aff_thread_record. */
	int tid;
	int cpu_realized;   /* getcpu() (or /proc stat for another tid) */
	int node_realized;
	struct aff_cpuset allowed; /* sched_getaffinity */
	bool differs;       /* pinned, and allowed != {cpu_requested} or the
			       realized CPU or node is not the requested one */
};

void aff_thread_rec_init(struct aff_thread_rec *rec,
			 const struct aff_plan *plan, enum aff_role role,
			 int index);
/* Fill the realized half for the calling thread. 0 or -errno. */
int aff_thread_record(struct aff_thread_rec *rec);
/* The same for thread tid of this process (the last CPU it ran on). */
int aff_thread_record_tid(struct aff_thread_rec *rec, int tid);
/*
 * In the thread (role, index): pin it as plan says and record the result.
 * The usual one call at the top of a thread body. 0 or -errno (rec is
 * filled even when pinning failed, so the failure is visible).
 */
int aff_pin_and_record(const struct aff_plan *plan, enum aff_role role,
		       int index, struct aff_thread_rec *rec);

/* ------------------------------------------------------------------ */
/* Memory.                                                             */

enum aff_mem_kind {
	AFF_MEM_LOCAL,      /* the node of the allocating (pinned) thread */
	AFF_MEM_INTERLEAVE, /* pages interleaved over all nodes */
	AFF_MEM_NODE,       /* one given node */
};

struct aff_mem_policy {
	enum aff_mem_kind kind;
	int node; /* AFF_MEM_NODE */
};

/* "local", "interleave", "node:N". 0 or -EINVAL with err filled. */
int aff_mem_policy_parse(const char *s, struct aff_mem_policy *out,
			 char *err, size_t errlen);
/* Write p back as its string. */
int aff_mem_policy_format(const struct aff_mem_policy *p, char *buf,
			  size_t len);
/* -ENOTSUP with why when p names a node t does not have; else 0. */
int aff_mem_policy_check(const struct aff_topo *t,
			 const struct aff_mem_policy *p, char *why,
			 size_t whylen);
/*
 * Allocate size bytes (page-aligned, zeroed, pages faulted in by the
 * calling thread) under policy p (NULL = local). Call it from the thread
 * that will use the memory, after pinning. 0 with *out set, or -errno.
 */
int aff_alloc(const struct aff_mem_policy *p, size_t size, void **out);
/* Free memory from aff_alloc (size as given to it); NULL is a no-op. */
void aff_free(void *ptr, size_t size);
/* NUMA node holding the page of addr (after it was touched), or -errno. */
int aff_mem_node_of(const void *addr);

#endif
