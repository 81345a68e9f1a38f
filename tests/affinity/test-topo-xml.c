/*
 * test-topo-xml.c: topologies loaded from hwloc XML: levels, the PU
 * fields every placement relies on, and block devices among the I/O
 * objects with their NUMA node.
 */
#include <errno.h>

#include "tests/affinity/xml.h"

static void check_2s_smt(void)
{
	struct aff_topo *t = load_xml(XML_2S_SMT);
	const struct aff_pu *p0, *p8, *p4;
	char buf[64];

	ASSERT_FALSE(aff_topo_is_this_host(t));
	ASSERT_STREQ(aff_topo_source(t), XML_2S_SMT);
	ASSERT_EQ(aff_topo_npus(t), 16);
	ASSERT_EQ(aff_topo_ndomains(t, AFF_LEVEL_PACKAGE), 2);
	ASSERT_EQ(aff_topo_ndomains(t, AFF_LEVEL_NODE), 2);
	ASSERT_EQ(aff_topo_ndomains(t, AFF_LEVEL_L3), 4);
	ASSERT_EQ(aff_topo_ndomains(t, AFF_LEVEL_CORE), 8);
	ASSERT_TRUE(aff_topo_has_smt(t));

	/* Logical order: core 0 holds CPUs 0 and 8. */
	ASSERT_EQ(aff_topo_pu(t, 0)->cpu, 0);
	ASSERT_EQ(aff_topo_pu(t, 1)->cpu, 8);
	ASSERT_EQ(aff_topo_pu(t, 2)->cpu, 1);
	p0 = aff_topo_pu_of_cpu(t, 0);
	p8 = aff_topo_pu_of_cpu(t, 8);
	p4 = aff_topo_pu_of_cpu(t, 4);
	ASSERT_EQ(p0->core, p8->core);
	ASSERT_EQ(p0->smt, 0);
	ASSERT_EQ(p8->smt, 1);
	ASSERT_EQ(p0->node, 0);
	ASSERT_EQ(p4->node, 1);
	ASSERT_EQ(p4->package, 1);
	ASSERT_EQ(aff_topo_pu_of_cpu(t, 2)->l3, 1);
	ASSERT_EQ(aff_topo_pu_of_cpu(t, 1)->l3, 0);
	ASSERT_NULL(aff_topo_pu_of_cpu(t, 16));
	ASSERT_EQ(aff_topo_node_of_cpu(t, 13), 1);
	ASSERT_EQ(aff_topo_node_of_cpu(t, 99), -1);

	ASSERT_EQ(aff_cpuset_format(&aff_topo_node(t, 1)->cpus, buf,
				    sizeof(buf)), 0);
	ASSERT_STREQ(buf, "4-7,12-15");
	ASSERT_EQ(aff_cpuset_format(&aff_topo_domain(t, AFF_LEVEL_L3, 1)->cpus,
				    buf, sizeof(buf)), 0);
	ASSERT_STREQ(buf, "2-3,10-11");
	ASSERT_EQ(aff_topo_domain(t, AFF_LEVEL_L3, 0)->size_bytes, 16 << 20);
	ASSERT_NULL(aff_topo_node(t, 2));
	ASSERT_EQ(aff_topo_niodevs(t), 0);
	aff_topo_free(t);
}

static void check_1node(void)
{
	struct aff_topo *t = load_xml(XML_1NODE);

	ASSERT_EQ(aff_topo_npus(t), 4);
	ASSERT_EQ(aff_topo_ndomains(t, AFF_LEVEL_NODE), 1);
	ASSERT_EQ(aff_topo_ndomains(t, AFF_LEVEL_CORE), 4);
	ASSERT_FALSE(aff_topo_has_smt(t));
	for (int i = 0; i < 4; i++) {
		ASSERT_EQ(aff_topo_pu(t, i)->cpu, i);
		ASSERT_EQ(aff_topo_pu(t, i)->smt, 0);
		ASSERT_EQ(aff_topo_pu(t, i)->node, 0);
	}
	aff_topo_free(t);
}

static void check_nvme(void)
{
	struct aff_topo *t = load_xml(XML_NVME);
	const struct aff_iodev *nv, *vda;
	struct aff_device dev;
	char buf[64];

	ASSERT_EQ(aff_topo_niodevs(t), 2);
	nv = aff_topo_find_iodev(t, "nvme0n1");
	ASSERT_NOT_NULL(nv);
	ASSERT_EQ(nv->node, 1);
	ASSERT_STREQ(nv->pci, "0000:40:00.0");
	ASSERT_STREQ(nv->model, "Synthetic NVMe SSD 1TB");
	ASSERT_EQ(aff_cpuset_format(&nv->local_cpus, buf, sizeof(buf)), 0);
	ASSERT_STREQ(buf, "4-7");
	ASSERT_TRUE(aff_topo_find_iodev(t, "/dev/nvme0n1") == nv);
	/* vda hangs off the root: local to both nodes, so to no one node. */
	vda = aff_topo_find_iodev(t, "vda");
	ASSERT_NOT_NULL(vda);
	ASSERT_EQ(vda->node, -1);
	ASSERT_NULL(aff_topo_find_iodev(t, "sda"));

	ASSERT_EQ(aff_device_from_topo(t, "nvme0n1", &dev), 0);
	ASSERT_EQ(dev.kind, AFF_DEV_BLOCK);
	ASSERT_EQ(dev.numa_node, 1);
	ASSERT_STREQ(dev.node_source, "hwloc");
	ASSERT_TRUE(dev.local_cpus_known);
	ASSERT_EQ(dev.irq_cpu, -1);
	ASSERT_EQ(aff_device_from_topo(t, "vda", &dev), 0);
	ASSERT_EQ(dev.numa_node, -1);
	ASSERT_EQ(aff_device_from_topo(t, "sdz", &dev), -ENOENT);

	/* The sysfs fallback: hwloc knows nothing, sysfs says node 0. */
	ASSERT_EQ(aff_device_from_topo(t, "vda", &dev), 0);
	dev.sysfs_node = 0;
	aff_device_locate(t, &dev);
	ASSERT_EQ(dev.numa_node, 0);
	ASSERT_STREQ(dev.node_source, "sysfs");
	ASSERT_EQ(aff_cpuset_format(&dev.local_cpus, buf, sizeof(buf)), 0);
	ASSERT_STREQ(buf, "0-3");
	aff_topo_free(t);
}

int main(void)
{
	struct aff_topo *t = NULL;

	check_2s_smt();
	check_1node();
	check_nvme();
	ASSERT_EQ(aff_topo_load(&t, "tests/affinity/no-such.xml"), -ENOENT);
	ASSERT_NE(aff_topo_load(&t, "Makefile"), 0); /* not XML */
	/* Not a regular file: refused, never read. */
	ASSERT_EQ(aff_topo_load(&t, "/dev/zero"), -EINVAL);
	return 0;
}
