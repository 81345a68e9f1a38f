/*
 * test-placement-2s.c: every placement on a 2-socket SMT host (16 CPUs,
 * Linux numbering: CPU n and n+8 are SMT siblings, node 0 = 0-3,8-11):
 * the exact CPUs, and the relation each name promises.
 */
#include "tests/affinity/resolve.h"

static const struct aff_pu *pu(const struct aff_topo *t, int cpu)
{
	const struct aff_pu *p = aff_topo_pu_of_cpu(t, cpu);

	if (!p)
		t_fail("CPU %d not in topology", cpu);
	return p;
}

static void one_pair(const struct aff_topo *t)
{
	struct aff_plan plan;
	struct aff_roles r = roles(1, 1, 0);
	int io, g;

	ok(t, "none", r, NULL, &plan);
	ASSERT_EQ(plan.nslots, 2);
	ASSERT_EQ(cpu_of(&plan, IO, 0), -1);
	ASSERT_EQ(plan.slots[0].node, -1);

	ok(t, "compact", r, NULL, &plan);
	ASSERT_EQ(cpu_of(&plan, IO, 0), 0);
	ASSERT_EQ(cpu_of(&plan, GUEST, 0), 8);	/* next PU: the sibling */

	ok(t, "spread", r, NULL, &plan);
	io = cpu_of(&plan, IO, 0);
	g = cpu_of(&plan, GUEST, 0);
	ASSERT_EQ(io, 0);
	ASSERT_EQ(g, 4);
	ASSERT_NE(pu(t, io)->package, pu(t, g)->package);
	ASSERT_EQ(aff_plan_slot(&plan, GUEST, 0)->node, 1);

	ok(t, "same-core", r, NULL, &plan);
	ASSERT_EQ(cpu_of(&plan, IO, 0), cpu_of(&plan, GUEST, 0));

	ok(t, "smt-sibling", r, NULL, &plan);
	io = cpu_of(&plan, IO, 0);
	g = cpu_of(&plan, GUEST, 0);
	ASSERT_EQ(g, 0);
	ASSERT_EQ(io, 8);
	ASSERT_EQ(pu(t, io)->core, pu(t, g)->core);

	ok(t, "same-l3", r, NULL, &plan);
	io = cpu_of(&plan, IO, 0);
	g = cpu_of(&plan, GUEST, 0);
	ASSERT_EQ(g, 0);
	ASSERT_EQ(io, 1);
	ASSERT_EQ(pu(t, io)->l3, pu(t, g)->l3);
	ASSERT_NE(pu(t, io)->core, pu(t, g)->core);

	ok(t, "remote-node", r, NULL, &plan);
	io = cpu_of(&plan, IO, 0);
	g = cpu_of(&plan, GUEST, 0);
	ASSERT_EQ(g, 0);
	ASSERT_EQ(io, 4);
	ASSERT_NE(pu(t, io)->node, pu(t, g)->node);

	ok(t, "iothread=15;guest=7", r, NULL, &plan);
	ASSERT_EQ(cpu_of(&plan, IO, 0), 15);
	ASSERT_EQ(aff_plan_slot(&plan, IO, 0)->node, 1);
	ASSERT_EQ(cpu_of(&plan, GUEST, 0), 7);
	/* A role without a list stays unpinned. */
	ok(t, "iothread=3", r, NULL, &plan);
	ASSERT_EQ(cpu_of(&plan, IO, 0), 3);
	ASSERT_EQ(cpu_of(&plan, GUEST, 0), -1);
	ASSERT_STREQ(plan.placement, "iothread=3");

	/* No device: the device placements say so. */
	skipped(t, "device-local", r, NULL, "no host device");
	skipped(t, "irq-cpu", r, NULL, "no host device");
}

static void two_groups(const struct aff_topo *t)
{
	struct aff_plan plan;
	struct aff_roles r = roles(2, 2, 0);

	ok(t, "smt-sibling", r, NULL, &plan);
	ASSERT_EQ(cpu_of(&plan, GUEST, 0), 0);
	ASSERT_EQ(cpu_of(&plan, IO, 0), 8);
	ASSERT_EQ(cpu_of(&plan, GUEST, 1), 1);
	ASSERT_EQ(cpu_of(&plan, IO, 1), 9);

	/* Groups go round the L3 domains. */
	ok(t, "same-l3", r, NULL, &plan);
	ASSERT_EQ(cpu_of(&plan, GUEST, 0), 0);
	ASSERT_EQ(cpu_of(&plan, IO, 0), 1);
	ASSERT_EQ(cpu_of(&plan, GUEST, 1), 2);
	ASSERT_EQ(cpu_of(&plan, IO, 1), 3);

	ok(t, "remote-node", r, NULL, &plan);
	ASSERT_EQ(cpu_of(&plan, IO, 0), 4);
	ASSERT_EQ(cpu_of(&plan, IO, 1), 6);
	ASSERT_EQ(cpu_of(&plan, GUEST, 0), 0);
	ASSERT_EQ(cpu_of(&plan, GUEST, 1), 2);

	/* Compact keeps each IOThread beside its guest. */
	ok(t, "compact", r, NULL, &plan);
	ASSERT_EQ(cpu_of(&plan, IO, 0), 0);
	ASSERT_EQ(cpu_of(&plan, GUEST, 0), 8);
	ASSERT_EQ(cpu_of(&plan, IO, 1), 1);
	ASSERT_EQ(cpu_of(&plan, GUEST, 1), 9);

	/* Spread: four threads on four different L3 domains. */
	ok(t, "spread", r, NULL, &plan);
	for (int i = 0; i < plan.nslots; i++)
		for (int j = i + 1; j < plan.nslots; j++)
			ASSERT_NE(pu(t, plan.slots[i].cpu)->l3,
				  pu(t, plan.slots[j].cpu)->l3);

	/* Explicit lists too short for the run. */
	skipped(t, "iothread=0;guest=1,2", r, NULL, "1 CPU(s) listed for "
		"iothread");
	skipped(t, "iothread=0,16", r, NULL, "CPU 16 is not usable");
}

static void capacity(const struct aff_topo *t)
{
	struct aff_plan plan;

	skipped(t, "compact", roles(9, 9, 0), NULL,
		"18 threads need one CPU each, this host has 16");
	skipped(t, "spread", roles(16, 1, 0), NULL, "17 threads");
	/* Three threads per group do not fit a 2-thread core. */
	skipped(t, "smt-sibling", roles(1, 1, 1), NULL,
		"no free core has 3 hardware threads");
	/* Nine pairs need nine cores: there are eight. */
	skipped(t, "smt-sibling", roles(9, 9, 0), NULL, "IOThread 8");
	skipped(t, "same-l3", roles(1, 2, 0), NULL,
		"no L3 domain has 3 free cores");
	/* same-core puts everything on one CPU, and warns about the
	 * device thread it starves. */
	ok(t, "same-core", roles(1, 0, 1), NULL, &plan);
	ASSERT_EQ(cpu_of(&plan, DEV, 0), cpu_of(&plan, IO, 0));
	ASSERT_NOT_NULL(strstr(plan.warning, "starves"));
	ok(t, "compact", roles(1, 0, 1), NULL, &plan);
	ASSERT_STREQ(plan.warning, "");
	skipped(t, "smt-sibling", roles(0, 1, 0), NULL, "has none");
}

static void irq_anchored(const struct aff_topo *t)
{
	struct aff_device d;
	struct aff_plan plan;

	fake_device(&d, "nvme0n1", 1);
	fake_irq(&d, 40, 5, 100);
	fake_irq(&d, 41, 6, 500);
	d.irq_cpu = 6;

	/* No companions: the IOThread is placed against the interrupt. */
	ok(t, "smt-sibling", roles(1, 0, 0), &d, &plan);
	ASSERT_EQ(cpu_of(&plan, IO, 0), 14);
	ASSERT_NOT_NULL(strstr(plan.note, "interrupt CPU 6"));
	ok(t, "same-l3", roles(1, 0, 0), &d, &plan);
	ASSERT_EQ(cpu_of(&plan, IO, 0), 7);
	ok(t, "irq-cpu", roles(1, 1, 0), &d, &plan);
	ASSERT_EQ(cpu_of(&plan, IO, 0), 6);
	ASSERT_EQ(cpu_of(&plan, GUEST, 0), 0);
	/* Two IOThreads: the busiest vector's CPU, then the other one. */
	ok(t, "irq-cpu", roles(2, 0, 0), &d, &plan);
	ASSERT_EQ(cpu_of(&plan, IO, 0), 6);
	ASSERT_EQ(cpu_of(&plan, IO, 1), 5);
	skipped(t, "irq-cpu", roles(3, 0, 0), &d, "go to 2 CPU(s)");
	/* remote-node without companions: away from the device's node. */
	ok(t, "remote-node", roles(1, 0, 0), &d, &plan);
	ASSERT_EQ(aff_plan_slot(&plan, IO, 0)->node, 0);
	/* With a guest: the guest on the device's node, IOThread away. */
	ok(t, "remote-node", roles(1, 1, 0), &d, &plan);
	ASSERT_EQ(aff_plan_slot(&plan, GUEST, 0)->node, 1);
	ASSERT_EQ(aff_plan_slot(&plan, IO, 0)->node, 0);
	/* device-local: node 1 has 8 CPUs. */
	ok(t, "device-local", roles(2, 2, 0), &d, &plan);
	for (int i = 0; i < plan.nslots; i++)
		ASSERT_EQ(plan.slots[i].node, 1);
	skipped(t, "device-local", roles(5, 4, 0), &d, "9 threads");

	/* Unknown interrupt CPU: the relational ones cannot anchor. */
	d.irq_cpu = -1;
	d.nirqs = 0;
	skipped(t, "smt-sibling", roles(1, 0, 0), &d, "no interrupts read");
	skipped(t, "irq-cpu", roles(1, 0, 0), &d, "no interrupts read");
}

int main(void)
{
	struct aff_topo *t = load_xml(XML_2S_SMT);
	struct aff_placement p;
	struct aff_plan plan;
	struct aff_roles bad = roles(65, 0, 0);
	char why[256];

	one_pair(t);
	two_groups(t);
	capacity(t);
	irq_anchored(t);
	ASSERT_EQ(aff_placement_parse("compact", &p, why, sizeof(why)), 0);
	ASSERT_EQ(aff_placement_resolve(t, &p, &bad, NULL, &plan, why,
					sizeof(why)), -EINVAL);
	ASSERT_NOT_NULL(strstr(why, "65 iothread"));
	aff_topo_free(t);
	return 0;
}
