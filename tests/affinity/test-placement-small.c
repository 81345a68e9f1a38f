/*
 * test-placement-small.c: placements on a 1-node host without SMT and on
 * a 2-node host with an NVMe device on node 1: what cannot be realized is
 * skipped with its reason, never replaced.
 */
#include "tests/affinity/resolve.h"

static void one_node(void)
{
	struct aff_topo *t = load_xml(XML_1NODE);
	struct aff_device d;
	struct aff_plan plan;

	skipped(t, "remote-node", roles(1, 1, 0), NULL, "one NUMA node");
	skipped(t, "smt-sibling", roles(1, 1, 0), NULL, "no SMT");
	skipped(t, "iothread=0;guest=7", roles(1, 1, 0), NULL,
		"CPU 7 is not usable on this host (usable: 0-3)");
	skipped(t, "compact", roles(3, 2, 0), NULL, "this host has 4");
	ok(t, "same-l3", roles(1, 1, 0), NULL, &plan);
	ASSERT_EQ(cpu_of(&plan, GUEST, 0), 0);
	ASSERT_EQ(cpu_of(&plan, IO, 0), 1);
	ok(t, "spread", roles(2, 2, 0), NULL, &plan);
	ASSERT_EQ(cpu_of(&plan, IO, 0), 0);
	ASSERT_EQ(cpu_of(&plan, GUEST, 0), 1);
	ASSERT_EQ(cpu_of(&plan, IO, 1), 2);
	ASSERT_EQ(cpu_of(&plan, GUEST, 1), 3);

	/* A device with no node on a one-node host is local to node 0. */
	fake_device(&d, "sda", -1);
	d.sysfs_node = -1;
	aff_device_locate(t, &d);
	ASSERT_EQ(d.numa_node, 0);
	ASSERT_STREQ(d.node_source, "one node");
	ok(t, "device-local", roles(1, 1, 0), &d, &plan);
	ASSERT_EQ(cpu_of(&plan, IO, 0), 0);
	ASSERT_EQ(cpu_of(&plan, GUEST, 0), 1);
	aff_topo_free(t);
}

static void nvme_node1(void)
{
	struct aff_topo *t = load_xml(XML_NVME);
	struct aff_device nv, vda;
	struct aff_plan plan;

	ASSERT_EQ(aff_device_from_topo(t, "nvme0n1", &nv), 0);
	ASSERT_EQ(aff_device_from_topo(t, "vda", &vda), 0);

	ok(t, "device-local", roles(1, 1, 0), &nv, &plan);
	ASSERT_EQ(cpu_of(&plan, IO, 0), 4);
	ASSERT_EQ(cpu_of(&plan, GUEST, 0), 5);
	ASSERT_NOT_NULL(strstr(plan.note, "nvme0n1 on node 1 (hwloc)"));
	ok(t, "device-local", roles(2, 2, 0), &nv, &plan);
	for (int i = 0; i < plan.nslots; i++)
		ASSERT_EQ(plan.slots[i].node, 1);
	skipped(t, "device-local", roles(3, 2, 0), &nv,
		"5 threads need one CPU each, node 1 (local to nvme0n1) has 4");

	/* remote-node: away from the device's node. */
	ok(t, "remote-node", roles(1, 0, 0), &nv, &plan);
	ASSERT_EQ(cpu_of(&plan, IO, 0), 0);
	ok(t, "remote-node", roles(1, 1, 0), &nv, &plan);
	ASSERT_EQ(aff_plan_slot(&plan, IO, 0)->node, 0);
	ASSERT_EQ(aff_plan_slot(&plan, GUEST, 0)->node, 1);

	/* vda has no single node: nothing is device-local, nothing remote. */
	skipped(t, "device-local", roles(1, 1, 0), &vda, "of vda is unknown");
	skipped(t, "remote-node", roles(1, 0, 0), &vda,
		"nothing to be remote from");
	/* An XML topology has no interrupt facts. */
	skipped(t, "irq-cpu", roles(1, 0, 0), &nv, "no interrupt facts");
	skipped(t, "smt-sibling", roles(1, 0, 0), &nv, "no SMT");
	aff_topo_free(t);
}

int main(void)
{
	one_node();
	nvme_node1();
	return 0;
}
