/*
 * sys.c: hwloc, libnuma and the scheduler calls behind 0/-errno.
 *
 * These libraries report failure as -1 (or NULL) with errno set, and
 * sometimes with errno left at 0; every such call of affinity/ goes
 * through this file, which turns the pair into one negative errno.
 */
#include <errno.h>
#include <limits.h>
#include <numa.h>
#include <numaif.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "affinity/aff-internal.h"

/* -errno of the last failed call, never 0. */
static int neg_errno(int fallback)
{
	return errno > 0 ? -errno : -fallback;
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const unused_components[] = { "pci", "opencl", "gl" };

int aff__hwloc_init(hwloc_topology_t *topo, const char *xml, size_t len)
{
	hwloc_topology_t t;
	int ret;

	if (xml && len >= INT_MAX)
		return -EFBIG;
	errno = 0;
	if (hwloc_topology_init(&t) < 0)
		return neg_errno(ENOMEM);
	/* Keep PCI devices that lead to OS devices (disks, NICs). */
	if (hwloc_topology_set_io_types_filter(t,
				HWLOC_TYPE_FILTER_KEEP_IMPORTANT) < 0)
		goto fail;
	/*
	 * hwloc's Linux backend reads PCI locality from sysfs itself; the
	 * libpciaccess-based "pci" plugin adds nothing for block devices and
	 * leaks on every load (LeakSanitizer), the GPU plugins are not
	 * needed. A missing component is not an error.
	 */
	for (size_t i = 0; i < ARRAY_SIZE(unused_components); i++)
		hwloc_topology_set_components(t,
				HWLOC_TOPOLOGY_COMPONENTS_FLAG_BLACKLIST,
				unused_components[i]);
	if (xml && hwloc_topology_set_xmlbuffer(t, xml, (int)len) < 0)
		goto fail;
	if (hwloc_topology_load(t) < 0)
		goto fail;
	*topo = t;
	return 0;
fail:
	ret = neg_errno(EINVAL);
	hwloc_topology_destroy(t);
	return ret;
}

static cpu_set_t *to_cpu_set(const struct aff_cpuset *s, size_t *size)
{
	cpu_set_t *cs = CPU_ALLOC(AFF_MAX_CPUS);

	if (!cs)
		return NULL;
	*size = CPU_ALLOC_SIZE(AFF_MAX_CPUS);
	CPU_ZERO_S(*size, cs);
	for (int c = aff_cpuset_first(s); c >= 0; c = aff_cpuset_next(s, c))
		CPU_SET_S(c, *size, cs);
	return cs;
}

int aff__sched_setaffinity(pid_t tid, const struct aff_cpuset *set)
{
	size_t size;
	cpu_set_t *cs = to_cpu_set(set, &size);
	int ret = 0;

	if (!cs)
		return -ENOMEM;
	if (sched_setaffinity(tid, size, cs) < 0)
		ret = neg_errno(EINVAL);
	CPU_FREE(cs);
	return ret;
}

int aff__sched_getaffinity(pid_t tid, struct aff_cpuset *set)
{
	size_t size = CPU_ALLOC_SIZE(AFF_MAX_CPUS);
	cpu_set_t *cs = CPU_ALLOC(AFF_MAX_CPUS);
	int ret = 0;

	if (!cs)
		return -ENOMEM;
	CPU_ZERO_S(size, cs);
	if (sched_getaffinity(tid, size, cs) < 0) {
		ret = neg_errno(EINVAL);
		goto out;
	}
	aff_cpuset_zero(set);
	for (int c = 0; c < AFF_MAX_CPUS; c++)
		if (CPU_ISSET_S(c, size, cs))
			aff_cpuset_set(set, c);
out:
	CPU_FREE(cs);
	return ret;
}

int aff__getcpu(int *cpu, int *node)
{
	unsigned int c, n;

	if (getcpu(&c, &n) < 0)
		return neg_errno(ENOSYS);
	*cpu = (int)c;
	*node = (int)n;
	return 0;
}

pid_t aff__gettid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

bool aff__numa_ok(void)
{
	return numa_available() >= 0;
}

int aff__numa_nodes(void)
{
	int n;

	if (!aff__numa_ok())
		return -ENOSYS;
	n = numa_num_configured_nodes();
	return n > 0 ? n : -ENODATA;
}

int aff__numa_node_of_cpu(int cpu)
{
	int n;

	if (!aff__numa_ok())
		return -ENOSYS;
	errno = 0;
	n = numa_node_of_cpu(cpu);
	return n < 0 ? neg_errno(EINVAL) : n;
}

static int plain_alloc(size_t size, void **out)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return neg_errno(ENOMEM);
	*out = p;
	return 0;
}

int aff__numa_alloc(enum aff_mem_kind kind, int node, size_t size,
		    void **out)
{
	void *p = NULL;

	if (!aff__numa_ok()) {
		/* No NUMA in this kernel: one node, 0, holds everything. */
		if (kind == AFF_MEM_NODE && node != 0)
			return -ENOTSUP;
		return plain_alloc(size, out);
	}
	errno = 0;
	switch (kind) {
	case AFF_MEM_LOCAL:
		p = numa_alloc_local(size);
		break;
	case AFF_MEM_INTERLEAVE:
		p = numa_alloc_interleaved(size);
		break;
	case AFF_MEM_NODE:
		if (node < 0 || node > numa_max_node() ||
		    !numa_bitmask_isbitset(numa_all_nodes_ptr, node))
			return -ENOTSUP;
		p = numa_alloc_onnode(size, node);
		break;
	}
	if (!p)
		return neg_errno(ENOMEM);
	*out = p;
	return 0;
}

void aff__numa_free(void *p, size_t size)
{
	/* numa_alloc_* and plain_alloc both map whole pages. */
	munmap(p, size);
}

int aff__numa_page_node(const void *addr)
{
	long psz = sysconf(_SC_PAGESIZE);
	void *page = (void *)((uintptr_t)addr & ~((uintptr_t)psz - 1));
	int status = -1;

	errno = 0;
	if (numa_move_pages(0, 1, &page, NULL, &status, 0) < 0)
		return neg_errno(ENOSYS);
	return status; /* a node, or -errno for that page (-ENOENT) */
}
