/*
 * test-mem.c: memory policies: parsing, checks against a topology, and
 * real allocations whose pages must be on the node the policy names.
 */
#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include "tests/affinity/xml.h"

static void good(const char *s, enum aff_mem_kind k, int node)
{
	struct aff_mem_policy p;
	char err[256], back[32];

	ASSERT_EQ(aff_mem_policy_parse(s, &p, err, sizeof(err)), 0);
	ASSERT_EQ(p.kind, k);
	if (k == AFF_MEM_NODE)
		ASSERT_EQ(p.node, node);
	ASSERT_EQ(aff_mem_policy_format(&p, back, sizeof(back)), 0);
	ASSERT_STREQ(back, s);
}

static void bad(const char *s)
{
	struct aff_mem_policy p;
	char err[256] = "";

	ASSERT_EQ(aff_mem_policy_parse(s, &p, err, sizeof(err)), -EINVAL);
	ASSERT_NOT_NULL(strstr(err, "allowed local, interleave, node:N"));
	if (s && !strstr(err, s))
		t_fail("error does not name '%s': %s", s, err);
}

static void checks(void)
{
	struct aff_topo *t = load_xml(XML_2S_SMT);
	struct aff_mem_policy p;
	char why[256] = "";

	aff_mem_policy_parse("node:1", &p, why, sizeof(why));
	ASSERT_EQ(aff_mem_policy_check(t, &p, why, sizeof(why)), 0);
	aff_mem_policy_parse("node:2", &p, why, sizeof(why));
	ASSERT_EQ(aff_mem_policy_check(t, &p, why, sizeof(why)), -ENOTSUP);
	ASSERT_NOT_NULL(strstr(why, "no NUMA node 2"));
	aff_mem_policy_parse("interleave", &p, why, sizeof(why));
	ASSERT_EQ(aff_mem_policy_check(t, &p, why, sizeof(why)), 0);
	aff_topo_free(t);
}

static void allocations(void)
{
	struct aff_topo *t;
	struct aff_mem_policy p;
	struct aff_thread_rec rec;
	size_t size = 1 << 20, psz = (size_t)sysconf(_SC_PAGESIZE);
	unsigned char *m;
	void *v;
	char why[256];
	int node;

	ASSERT_EQ(aff_topo_load(&t, NULL), 0);
	/* Pin, then allocate locally: the pages are on our node. */
	ASSERT_EQ(aff_pin_self(aff_topo_pu(t, 0)->cpu), 0);
	aff_thread_rec_init(&rec, NULL, AFF_ROLE_IOTHREAD, 0);
	ASSERT_EQ(aff_thread_record(&rec), 0);
	ASSERT_EQ(aff_alloc(NULL, size, &v), 0);
	m = v;
	ASSERT_EQ((uintptr_t)m % psz, 0);
	for (size_t i = 0; i < size; i += psz)
		ASSERT_EQ(m[i], 0);
	node = aff_mem_node_of(m + size / 2);
	if (node == -ENOSYS)
		t_skip("this kernel cannot tell the node of a page");
	ASSERT_EQ(node, rec.node_realized);
	aff_free(v, size);

	/* The first node of this host, by number. */
	p.kind = AFF_MEM_NODE;
	p.node = aff_topo_domain(t, AFF_LEVEL_NODE, 0)->os_index;
	ASSERT_EQ(aff_mem_policy_check(t, &p, why, sizeof(why)), 0);
	ASSERT_EQ(aff_alloc(&p, 3 * psz + 1, &v), 0);
	ASSERT_EQ(aff_mem_node_of((char *)v + 3 * psz), p.node);
	aff_free(v, 3 * psz + 1);

	p.kind = AFF_MEM_INTERLEAVE;
	ASSERT_EQ(aff_alloc(&p, 8 * psz, &v), 0);
	for (size_t i = 0; i < 8; i++)
		ASSERT_NOT_NULL(aff_topo_node(t, aff_mem_node_of(
			(char *)v + i * psz)));
	aff_free(v, 8 * psz);

	/* A node this host does not have. */
	p.kind = AFF_MEM_NODE;
	p.node = 4000;
	ASSERT_EQ(aff_mem_policy_check(t, &p, why, sizeof(why)), -ENOTSUP);
	ASSERT_EQ(aff_alloc(&p, psz, &v), -ENOTSUP);
	ASSERT_EQ(aff_alloc(NULL, 0, &v), -EINVAL);
	aff_free(NULL, 0);
	ASSERT_EQ(aff_pin_self(-1), 0);
	aff_topo_free(t);
}

int main(void)
{
	good("local", AFF_MEM_LOCAL, -1);
	good("interleave", AFF_MEM_INTERLEAVE, -1);
	good("node:0", AFF_MEM_NODE, 0);
	good("node:12", AFF_MEM_NODE, 12);
	bad("");
	bad("remote");
	bad("node:");
	bad("node:x");
	bad("node:-1");
	bad("node:1x");
	bad("node:99999");
	bad(NULL);
	checks();
	allocations();
	return 0;
}
