/* resolve.h: helpers for the placement tests. */
#ifndef AIOTUNE_TESTS_AFFINITY_RESOLVE_H
#define AIOTUNE_TESTS_AFFINITY_RESOLVE_H

#include <errno.h>

#include "tests/affinity/xml.h"

/* Resolve spec; fails the test unless the result is want_ret. */
static inline void resolve(const struct aff_topo *t, const char *spec,
			   struct aff_roles r, const struct aff_device *dev,
			   struct aff_plan *plan, int want_ret, char *why,
			   size_t whylen)
{
	struct aff_placement p;
	char err[512];
	int ret;

	if (aff_placement_parse(spec, &p, err, sizeof(err)))
		t_fail("parse %s: %s", spec, err);
	ret = aff_placement_resolve(t, &p, &r, dev, plan, why, whylen);
	if (ret != want_ret)
		t_fail("%s: resolve returned %d, want %d (%s)", spec, ret,
		       want_ret, why);
}

/* Resolve; it must succeed. */
static inline void ok(const struct aff_topo *t, const char *spec,
		      struct aff_roles r, const struct aff_device *dev,
		      struct aff_plan *plan)
{
	char why[512] = "";

	resolve(t, spec, r, dev, plan, 0, why, sizeof(why));
}

/* Resolve; it must be skipped with a reason naming it and holding part. */
static inline void skipped(const struct aff_topo *t, const char *spec,
			   struct aff_roles r, const struct aff_device *dev,
			   const char *part)
{
	struct aff_plan plan;
	char why[512] = "";

	resolve(t, spec, r, dev, &plan, -ENOTSUP, why, sizeof(why));
	if (strncmp(why, spec, strlen(spec)) && strncmp(why, "explicit", 8))
		t_fail("%s: reason does not start with its name: %s", spec,
		       why);
	if (!strstr(why, part))
		t_fail("%s: reason lacks '%s': %s", spec, part, why);
	for (int i = 0; i < plan.nslots; i++)
		if (plan.slots[i].cpu != -1)
			t_fail("%s: a skipped plan pins slot %d", spec, i);
}

#define IO AFF_ROLE_IOTHREAD
#define GUEST AFF_ROLE_GUEST
#define DEV AFF_ROLE_DEVICE

static inline int cpu_of(const struct aff_plan *p, enum aff_role r, int i)
{
	const struct aff_slot *s = aff_plan_slot(p, r, i);

	if (!s)
		t_fail("no slot %s %d", aff_role_name(r), i);
	return s->cpu;
}

/* A device as aff_device_probe would describe one, for tests. */
static inline void fake_device(struct aff_device *d, const char *disk,
			       int node)
{
	memset(d, 0, sizeof(*d));
	d->kind = AFF_DEV_BLOCK;
	snprintf(d->disk, sizeof(d->disk), "%s", disk);
	d->numa_node = node;
	d->sysfs_node = node;
	d->hwloc_node = -1;
	d->irq_cpu = -1;
	snprintf(d->irq_note, sizeof(d->irq_note), "no interrupts read");
}

static inline void fake_irq(struct aff_device *d, int irq, int cpu,
			    uint64_t count)
{
	struct aff_irq *q = &d->irqs[d->nirqs++];

	memset(q, 0, sizeof(*q));
	q->irq = irq;
	snprintf(q->name, sizeof(q->name), "%sq%d", d->disk, d->nirqs);
	aff_cpuset_set(&q->effective, cpu);
	q->effective_known = true;
	q->count = count;
	q->top_cpu = cpu;
	d->nirqs_total = d->nirqs;
}

#endif
