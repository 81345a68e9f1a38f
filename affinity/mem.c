/*
 * mem.c: memory policies for buffers, rings and histograms.
 *
 * local (the default) puts a thread's memory on the node it runs on: the
 * thread allocates after it was pinned, and aff_alloc faults every page in
 * from that thread. interleave spreads pages over all nodes; node:N binds
 * them to node N. libnuma does the work (sys.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "affinity/aff-internal.h"

int aff_mem_policy_parse(const char *s, struct aff_mem_policy *out,
			 char *err, size_t errlen)
{
	char *end;
	long n;

	out->node = -1;
	if (s && !strcmp(s, "local")) {
		out->kind = AFF_MEM_LOCAL;
		return 0;
	}
	if (s && !strcmp(s, "interleave")) {
		out->kind = AFF_MEM_INTERLEAVE;
		return 0;
	}
	if (s && !strncmp(s, "node:", 5) && s[5] >= '0' && s[5] <= '9') {
		n = strtol(s + 5, &end, 10);
		if (!*end && n < 4096) {
			out->kind = AFF_MEM_NODE;
			out->node = (int)n;
			return 0;
		}
	}
	snprintf(err, errlen, "invalid memory policy '%s': allowed local, "
		 "interleave, node:N (N a NUMA node number)", s ? s : "");
	return -EINVAL;
}

int aff_mem_policy_format(const struct aff_mem_policy *p, char *buf,
			  size_t len)
{
	int n;

	switch (p->kind) {
	case AFF_MEM_LOCAL:
		n = snprintf(buf, len, "local");
		break;
	case AFF_MEM_INTERLEAVE:
		n = snprintf(buf, len, "interleave");
		break;
	default:
		n = snprintf(buf, len, "node:%d", p->node);
		break;
	}
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

int aff_mem_policy_check(const struct aff_topo *t,
			 const struct aff_mem_policy *p, char *why,
			 size_t whylen)
{
	if (p->kind != AFF_MEM_NODE || aff_topo_node(t, p->node))
		return 0;
	snprintf(why, whylen, "mem-policy node:%d: this host has no NUMA "
		 "node %d (%d node(s))", p->node, p->node,
		 aff_topo_ndomains(t, AFF_LEVEL_NODE));
	return -ENOTSUP;
}

static size_t page_round(size_t size)
{
	size_t psz = (size_t)sysconf(_SC_PAGESIZE);

	return (size + psz - 1) / psz * psz;
}

int aff_alloc(const struct aff_mem_policy *p, size_t size, void **out)
{
	static const struct aff_mem_policy local = { AFF_MEM_LOCAL, -1 };
	void *mem;
	int ret;

	if (!size)
		return -EINVAL;
	if (!p)
		p = &local;
	size = page_round(size);
	ret = aff__numa_alloc(p->kind, p->node, size, &mem);
	if (ret)
		return ret;
	/* Fault every page in now, from this thread, under the policy. */
	memset(mem, 0, size);
	*out = mem;
	return 0;
}

void aff_free(void *ptr, size_t size)
{
	if (ptr)
		aff__numa_free(ptr, page_round(size));
}

int aff_mem_node_of(const void *addr)
{
	return aff__numa_page_node(addr);
}
