/*
 * placement.c: resolve a placement into one CPU per thread.
 *
 * Threads are grouped: IOThread g with the guests and device threads whose
 * index is g modulo the number of IOThreads (its companions). Placements
 * that use one CPU per thread assign them group by group (IOThread, then
 * its guests, then its device threads) so that a group stays together
 * under compact and apart under spread.
 *
 * Every placement either realizes exactly what its name promises or fails
 * with -ENOTSUP and a reason: nothing is quietly replaced by something
 * else (a smt-sibling run without SMT would measure another placement).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "affinity/aff-internal.h"

struct ctx {
	const struct aff_topo *t;
	const struct aff_placement *p;
	const struct aff_device *dev;
	struct aff_plan *plan;
	struct aff_cpuset used;
	int ngroups;
	int *spread;   /* PU indices in spread order */
	char *why;
	size_t whylen;
};

static int skip(struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int skip(struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!c->why || !c->whylen)
		return -ENOTSUP;
	n = snprintf(c->why, c->whylen, "%s: ",
		     aff_placement_name(c->p->kind));
	if (n < 0 || (size_t)n >= c->whylen)
		return -ENOTSUP;
	va_start(ap, fmt);
	vsnprintf(c->why + n, c->whylen - (size_t)n, fmt, ap);
	va_end(ap);
	return -ENOTSUP;
}

static int group_of(const struct ctx *c, const struct aff_slot *s)
{
	return s->index % c->ngroups;
}

static int ncompanions(const struct ctx *c, int g)
{
	int n = 0;

	for (int i = 0; i < c->plan->nslots; i++) {
		const struct aff_slot *s = &c->plan->slots[i];

		if (s->role != AFF_ROLE_IOTHREAD && group_of(c, s) == g)
			n++;
	}
	return n;
}

/* Slots in group-major order: IOThread g, its guests, its devices. */
static int group_order(const struct ctx *c, int *order)
{
	int n = 0;

	for (int g = 0; g < c->ngroups; g++)
		for (int r = 0; r < AFF_ROLE_COUNT; r++)
			for (int i = 0; i < c->plan->nslots; i++)
				if (c->plan->slots[i].role == (enum aff_role)r &&
				    group_of(c, &c->plan->slots[i]) == g)
					order[n++] = i;
	return n;
}

static void put(struct ctx *c, struct aff_slot *s, int cpu)
{
	s->cpu = cpu;
	aff_cpuset_set(&c->used, cpu);
}

static bool pu_free(const struct ctx *c, const struct aff_pu *pu)
{
	return !aff_cpuset_isset(&c->used, pu->cpu);
}

/* A core none of whose PUs is used. */
static bool core_free(const struct ctx *c, int core)
{
	const struct aff_domain *d = aff_topo_domain(c->t, AFF_LEVEL_CORE,
						     core);
	struct aff_cpuset both;

	aff_cpuset_and(&both, &d->cpus, &c->used);
	return aff_cpuset_empty(&both);
}

/* Lowest index of the PUs sharing key with pu (l3 or package groups). */
static int min_in(const struct aff_topo *t, int i, bool by_l3, bool cores)
{
	const struct aff_pu *pu = aff_topo_pu(t, i);
	int best = cores ? pu->core : pu->l3;

	for (int j = 0; j < aff_topo_npus(t); j++) {
		const struct aff_pu *q = aff_topo_pu(t, j);
		int v = cores ? q->core : q->l3;
		bool same = by_l3 ? q->l3 == pu->l3 && q->package == pu->package
				  : q->package == pu->package;

		if (same && v < best)
			best = v;
	}
	return best;
}

struct spread_key {
	int smt, core_rank, l3_rank, package, index;
};

static int cmp_spread(const void *a, const void *b)
{
	const struct spread_key *x = a, *y = b;

	if (x->smt != y->smt)
		return x->smt - y->smt;
	if (x->core_rank != y->core_rank)
		return x->core_rank - y->core_rank;
	if (x->l3_rank != y->l3_rank)
		return x->l3_rank - y->l3_rank;
	if (x->package != y->package)
		return x->package - y->package;
	return x->index - y->index;
}

/*
 * Spread order: first hardware threads before second ones; within those,
 * the first core of every L3 of every package before any second core,
 * packages alternating fastest. Consecutive threads land as far apart as
 * the topology allows.
 */
static int make_spread(struct ctx *c)
{
	int n = aff_topo_npus(c->t);
	struct spread_key *k = calloc((size_t)n, sizeof(*k));

	c->spread = calloc((size_t)n, sizeof(*c->spread));
	if (!k || !c->spread) {
		free(k);
		return -ENOMEM;
	}
	for (int i = 0; i < n; i++) {
		const struct aff_pu *pu = aff_topo_pu(c->t, i);

		k[i].smt = pu->smt;
		k[i].core_rank = pu->core - min_in(c->t, i, true, true);
		k[i].l3_rank = pu->l3 < 0 ? 0 : pu->l3 - min_in(c->t, i, false,
							      false);
		k[i].package = pu->package;
		k[i].index = i;
	}
	qsort(k, (size_t)n, sizeof(*k), cmp_spread);
	for (int i = 0; i < n; i++)
		c->spread[i] = k[i].index;
	free(k);
	return 0;
}

/* First free PU in spread (or logical) order inside set (NULL: any). */
static int take_free(struct ctx *c, bool spread, const struct aff_cpuset *set)
{
	for (int i = 0; i < aff_topo_npus(c->t); i++) {
		const struct aff_pu *pu =
			aff_topo_pu(c->t, spread ? c->spread[i] : i);

		if (pu_free(c, pu) && (!set || aff_cpuset_isset(set, pu->cpu)))
			return pu->cpu;
	}
	return -1;
}

static int count_free(const struct ctx *c, const struct aff_cpuset *set)
{
	int n = 0;

	for (int i = 0; i < aff_topo_npus(c->t); i++) {
		const struct aff_pu *pu = aff_topo_pu(c->t, i);

		if (pu_free(c, pu) && (!set || aff_cpuset_isset(set, pu->cpu)))
			n++;
	}
	return n;
}

/* compact, spread, device-local: one CPU per thread from an order. */
static int one_each(struct ctx *c, bool spread, const struct aff_cpuset *set,
		    const char *where)
{
	int order[AFF_ROLE_COUNT * AFF_MAX_THREADS];
	int n = group_order(c, order);
	int avail = count_free(c, set);

	if (n > avail)
		return skip(c, "%d threads need one CPU each, %s has %d", n,
			    where, avail);
	for (int i = 0; i < n; i++)
		put(c, &c->plan->slots[order[i]], take_free(c, spread, set));
	return 0;
}

static int same_core(struct ctx *c)
{
	int cpu = aff_topo_pu(c->t, 0)->cpu;

	for (int i = 0; i < c->plan->nslots; i++)
		put(c, &c->plan->slots[i], cpu);
	return 0;
}

static struct aff_slot *iothread_slot(struct ctx *c, int g)
{
	for (int i = 0; i < c->plan->nslots; i++)
		if (c->plan->slots[i].role == AFF_ROLE_IOTHREAD &&
		    c->plan->slots[i].index == g)
			return &c->plan->slots[i];
	return NULL;
}

/* The device's interrupt CPU when it is on this topology, else -1. */
static int irq_anchor(const struct ctx *c)
{
	if (!c->dev || c->dev->irq_cpu < 0 ||
	    !aff_topo_pu_of_cpu(c->t, c->dev->irq_cpu))
		return -1;
	return c->dev->irq_cpu;
}

static const char *irq_unknown(const struct ctx *c)
{
	if (!c->dev || c->dev->kind == AFF_DEV_NONE)
		return "the target has no host device";
	if (c->dev->irq_cpu >= 0)
		return "its interrupt CPU is not on this topology";
	return *c->dev->irq_note ? c->dev->irq_note : "interrupt CPU unknown";
}

static void note(struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note(struct ctx *c, const char *fmt, ...)
{
	size_t n = strlen(c->plan->note);
	va_list ap;

	if (n + 3 >= sizeof(c->plan->note))
		return;
	if (n)
		strcat(c->plan->note, "; ");
	n = strlen(c->plan->note);
	va_start(ap, fmt);
	vsnprintf(c->plan->note + n, sizeof(c->plan->note) - n, fmt, ap);
	va_end(ap);
}

/* Put the companions of group g on PUs of core; the IOThread on the next. */
static void fill_core(struct ctx *c, int g, int core)
{
	const struct aff_domain *d = aff_topo_domain(c->t, AFF_LEVEL_CORE,
						     core);
	int order[AFF_ROLE_COUNT * AFF_MAX_THREADS];
	int n = group_order(c, order);

	/* Companions first, then the IOThread, each on a free sibling. */
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < n; i++) {
			struct aff_slot *s = &c->plan->slots[order[i]];
			bool io = s->role == AFF_ROLE_IOTHREAD;
			int cpu;

			if (group_of(c, s) != g || io != (pass == 1))
				continue;
			for (cpu = aff_cpuset_first(&d->cpus); cpu >= 0;
			     cpu = aff_cpuset_next(&d->cpus, cpu))
				if (!aff_cpuset_isset(&c->used, cpu))
					break;
			put(c, s, cpu);
		}
	}
}

static int smt_sibling(struct ctx *c)
{
	int ncores = aff_topo_ndomains(c->t, AFF_LEVEL_CORE);

	if (!aff_topo_has_smt(c->t))
		return skip(c, "this host has no SMT (one hardware thread "
			    "per core)");
	for (int g = 0; g < c->ngroups; g++) {
		int size = 1 + ncompanions(c, g), anchor, core = -1;

		if (size == 1) {
			const struct aff_pu *a;
			int cpu = -1;

			anchor = irq_anchor(c);
			if (anchor < 0)
				return skip(c, "IOThread %d has no guest or "
					    "device thread to be the sibling "
					    "of, and no interrupt CPU (%s)", g,
					    irq_unknown(c));
			a = aff_topo_pu_of_cpu(c->t, anchor);
			for (int i = 0; i < aff_topo_npus(c->t); i++) {
				const struct aff_pu *pu = aff_topo_pu(c->t, i);

				if (pu->core == a->core && pu->cpu != anchor &&
				    pu_free(c, pu)) {
					cpu = pu->cpu;
					break;
				}
			}
			if (cpu < 0)
				return skip(c, "interrupt CPU %d has no free "
					    "SMT sibling for IOThread %d",
					    anchor, g);
			put(c, iothread_slot(c, g), cpu);
			note(c, "IOThread %d on the sibling of interrupt "
			     "CPU %d", g, anchor);
			continue;
		}
		for (int k = 0; k < ncores && core < 0; k++) {
			const struct aff_domain *d =
				aff_topo_domain(c->t, AFF_LEVEL_CORE, k);

			if (core_free(c, k) && aff_cpuset_count(&d->cpus) >= size)
				core = k;
		}
		if (core < 0)
			return skip(c, "no free core has %d hardware threads "
				    "for IOThread %d and its %d companion(s)",
				    size, g, size - 1);
		fill_core(c, g, core);
	}
	return 0;
}

/* A free core in L3 l3 other than not_core; -1 if none. */
static int free_core_in(const struct ctx *c, int l3, int not_core)
{
	for (int i = 0; i < aff_topo_npus(c->t); i++) {
		const struct aff_pu *pu = aff_topo_pu(c->t, i);

		if (pu->l3 == l3 && pu->core != not_core && pu->smt == 0 &&
		    core_free(c, pu->core))
			return pu->core;
	}
	return -1;
}

static int free_cores_in(const struct ctx *c, int l3)
{
	int n = 0;

	for (int i = 0; i < aff_topo_npus(c->t); i++) {
		const struct aff_pu *pu = aff_topo_pu(c->t, i);

		if (pu->l3 == l3 && pu->smt == 0 && core_free(c, pu->core))
			n++;
	}
	return n;
}

static int first_cpu_of_core(const struct ctx *c, int core)
{
	return aff_cpuset_first(&aff_topo_domain(c->t, AFF_LEVEL_CORE,
						 core)->cpus);
}

/* Each member of group g on its own core of L3 l3, companions first. */
static void fill_l3(struct ctx *c, int g, int l3)
{
	int order[AFF_ROLE_COUNT * AFF_MAX_THREADS];
	int n = group_order(c, order);

	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < n; i++) {
			struct aff_slot *s = &c->plan->slots[order[i]];
			bool io = s->role == AFF_ROLE_IOTHREAD;

			if (group_of(c, s) != g || io != (pass == 1))
				continue;
			put(c, s, first_cpu_of_core(c, free_core_in(c, l3, -1)));
		}
	}
}

static int same_l3(struct ctx *c)
{
	int nl3 = aff_topo_ndomains(c->t, AFF_LEVEL_L3);

	if (!nl3)
		return skip(c, "hwloc found no L3 cache on this host");
	for (int g = 0; g < c->ngroups; g++) {
		int size = 1 + ncompanions(c, g), l3 = -1, most = 0;

		if (size == 1) {
			int anchor = irq_anchor(c), core;
			const struct aff_pu *a;

			if (anchor < 0)
				return skip(c, "IOThread %d has no guest or "
					    "device thread to share an L3 "
					    "with, and no interrupt CPU (%s)",
					    g, irq_unknown(c));
			a = aff_topo_pu_of_cpu(c->t, anchor);
			core = a->l3 < 0 ? -1 : free_core_in(c, a->l3, a->core);
			if (core < 0)
				return skip(c, "the L3 of interrupt CPU %d has "
					    "no other free core for "
					    "IOThread %d", anchor, g);
			put(c, iothread_slot(c, g), first_cpu_of_core(c, core));
			note(c, "IOThread %d shares the L3 of interrupt CPU "
			     "%d", g, anchor);
			continue;
		}
		/* Groups go round the L3 domains, starting at g. */
		for (int k = 0; k < nl3 && l3 < 0; k++) {
			int cand = (g + k) % nl3, n = free_cores_in(c, cand);

			if (n >= size)
				l3 = cand;
			if (n > most)
				most = n;
		}
		if (l3 < 0)
			return skip(c, "no L3 domain has %d free cores for "
				    "IOThread %d and its %d companion(s) (at "
				    "most %d)", size, g, size - 1, most);
		fill_l3(c, g, l3);
	}
	return 0;
}

static int nodes_with_cpus(const struct aff_topo *t)
{
	int n = 0;

	for (int i = 0; i < aff_topo_ndomains(t, AFF_LEVEL_NODE); i++)
		if (!aff_cpuset_empty(&aff_topo_domain(t, AFF_LEVEL_NODE,
						       i)->cpus))
			n++;
	return n;
}

static int remote_node(struct ctx *c)
{
	const struct aff_domain *nb = NULL, *na = NULL;
	int ncomp = 0, nio = 0;

	if (nodes_with_cpus(c->t) < 2)
		return skip(c, "this host has one NUMA node with CPUs");
	if (c->dev && c->dev->numa_node >= 0)
		nb = aff_topo_node(c->t, c->dev->numa_node);
	for (int g = 0; g < c->ngroups; g++)
		ncomp += ncompanions(c, g);
	if (!nb && !ncomp)
		return skip(c, "the IOThreads have no guest or device thread "
			    "and the device's NUMA node is unknown: nothing "
			    "to be remote from");
	if (!nb)
		nb = aff_topo_node(c->t, aff_topo_pu(c->t, 0)->node);
	for (int i = 0; i < aff_topo_ndomains(c->t, AFF_LEVEL_NODE) && !na;
	     i++) {
		const struct aff_domain *d = aff_topo_domain(c->t,
							     AFF_LEVEL_NODE, i);

		if (d != nb && !aff_cpuset_empty(&d->cpus))
			na = d;
	}
	if (!nb || aff_cpuset_empty(&nb->cpus))
		return skip(c, "the device's node has no CPUs");
	for (int i = 0; i < c->plan->nslots; i++)
		if (c->plan->slots[i].role == AFF_ROLE_IOTHREAD)
			nio++;
	if (count_free(c, &nb->cpus) < ncomp)
		return skip(c, "node %d has %d CPUs for %d companion threads",
			    nb->os_index, count_free(c, &nb->cpus), ncomp);
	if (count_free(c, &na->cpus) < nio)
		return skip(c, "node %d has %d CPUs for %d IOThreads",
			    na->os_index, count_free(c, &na->cpus), nio);
	for (int i = 0; i < c->plan->nslots; i++) {
		struct aff_slot *s = &c->plan->slots[i];
		bool io = s->role == AFF_ROLE_IOTHREAD;

		put(c, s, take_free(c, true, io ? &na->cpus : &nb->cpus));
	}
	note(c, "IOThreads on node %d, %s on node %d", na->os_index,
	     ncomp ? "companions" : "device", nb->os_index);
	return 0;
}

static int device_local(struct ctx *c)
{
	const struct aff_device *d = c->dev;
	struct aff_cpuset local;
	char where[64];

	if (!d || d->kind == AFF_DEV_NONE)
		return skip(c, "the target has no host device");
	if (d->numa_node < 0)
		return skip(c, "the NUMA node of %s is unknown (sysfs "
			    "numa_node -1, no hwloc locality)", d->disk);
	if (d->local_cpus_known)
		aff_cpuset_and(&local, &d->local_cpus, aff_topo_cpus(c->t));
	else if (aff_topo_node(c->t, d->numa_node))
		local = aff_topo_node(c->t, d->numa_node)->cpus;
	else
		aff_cpuset_zero(&local);
	if (aff_cpuset_empty(&local))
		return skip(c, "no usable CPU is local to %s (node %d)",
			    d->disk, d->numa_node);
	snprintf(where, sizeof(where), "node %d (local to %s)", d->numa_node,
		 d->disk);
	note(c, "%s on node %d (%s)", d->disk, d->numa_node, d->node_source);
	return one_each(c, true, &local, where);
}

/* The CPU a vector's completions go to, -1 if unknown. */
static int vector_cpu(const struct aff_irq *irq)
{
	if (irq->effective_known && aff_cpuset_count(&irq->effective) == 1)
		return aff_cpuset_first(&irq->effective);
	return irq->top_cpu;
}

/* Distinct interrupt CPUs on t, dev->irq_cpu first, then by count. */
static int irq_cpus(const struct ctx *c, int *cpus)
{
	const struct aff_device *d = c->dev;
	bool taken[AFF_MAX_IRQS] = { false };
	int n = 1;

	cpus[0] = d->irq_cpu;
	for (int round = 0; round < d->nirqs; round++) {
		int best = -1, cpu;
		bool seen = false;

		for (int i = 0; i < d->nirqs; i++)
			if (!taken[i] &&
			    (best < 0 || d->irqs[i].count > d->irqs[best].count))
				best = i;
		taken[best] = true;
		cpu = vector_cpu(&d->irqs[best]);
		if (cpu < 0 || !aff_topo_pu_of_cpu(c->t, cpu))
			continue;
		for (int j = 0; j < n; j++)
			seen |= cpus[j] == cpu;
		if (!seen)
			cpus[n++] = cpu;
	}
	return n;
}

static int irq_cpu(struct ctx *c)
{
	int cpus[AFF_MAX_IRQS + 1], ncpus, nio = 0, k = 0;

	if (irq_anchor(c) < 0)
		return skip(c, "%s", irq_unknown(c));
	ncpus = irq_cpus(c, cpus);
	for (int i = 0; i < c->plan->nslots; i++)
		if (c->plan->slots[i].role == AFF_ROLE_IOTHREAD)
			nio++;
	if (nio > ncpus)
		return skip(c, "the device's completions go to %d CPU(s), "
			    "%d IOThreads asked for one each", ncpus, nio);
	for (int i = 0; i < c->plan->nslots; i++)
		if (c->plan->slots[i].role == AFF_ROLE_IOTHREAD)
			put(c, &c->plan->slots[i], cpus[k++]);
	if (c->plan->nslots - nio > count_free(c, NULL))
		return skip(c, "no CPU left for %d companion thread(s) beside "
			    "the interrupt CPU(s)", c->plan->nslots - nio);
	for (int i = 0; i < c->plan->nslots; i++)
		if (c->plan->slots[i].role != AFF_ROLE_IOTHREAD)
			put(c, &c->plan->slots[i], take_free(c, false, NULL));
	note(c, "%s", c->dev->irq_note);
	return 0;
}

static int explicit_lists(struct ctx *c)
{
	char cpus[256];

	for (int i = 0; i < c->plan->nslots; i++) {
		struct aff_slot *s = &c->plan->slots[i];
		int nl = c->p->nlist[s->role], cpu;

		if (!nl)
			continue;
		if (s->index >= nl)
			return skip(c, "%d CPU(s) listed for %s, the run has "
				    "more %ss", nl, aff_role_name(s->role),
				    aff_role_name(s->role));
		cpu = c->p->list[s->role][s->index];
		if (!aff_topo_pu_of_cpu(c->t, cpu)) {
			aff_cpuset_format(aff_topo_cpus(c->t), cpus,
					  sizeof(cpus));
			return skip(c, "CPU %d is not usable on this host "
				    "(usable: %s)", cpu, cpus);
		}
		put(c, s, cpu);
	}
	return 0;
}

static void fill_slots(struct ctx *c, const struct aff_roles *counts)
{
	for (int r = 0; r < AFF_ROLE_COUNT; r++) {
		for (int i = 0; i < counts->n[r]; i++) {
			struct aff_slot *s =
				&c->plan->slots[c->plan->nslots++];

			s->role = (enum aff_role)r;
			s->index = i;
			s->cpu = -1;
			s->node = -1;
		}
	}
}

static void warn_shared(struct ctx *c)
{
	struct aff_plan *plan = c->plan;

	for (int i = 0; i < plan->nslots; i++) {
		const struct aff_slot *a = &plan->slots[i];

		if (a->role != AFF_ROLE_IOTHREAD || a->cpu < 0)
			continue;
		for (int j = 0; j < plan->nslots; j++) {
			const struct aff_slot *b = &plan->slots[j];

			if (b->role != AFF_ROLE_DEVICE || b->cpu != a->cpu)
				continue;
			snprintf(plan->warning, sizeof(plan->warning),
				 "iothread %d and device thread %d share CPU "
				 "%d: a polling IOThread starves a "
				 "busy-waiting device thread", a->index,
				 b->index, a->cpu);
			return;
		}
	}
}

static int dispatch(struct ctx *c)
{
	switch (c->p->kind) {
	case AFF_PL_NONE:
		return 0;
	case AFF_PL_COMPACT:
		return one_each(c, false, NULL, "this host");
	case AFF_PL_SPREAD:
		return one_each(c, true, NULL, "this host");
	case AFF_PL_SAME_CORE:
		return same_core(c);
	case AFF_PL_SMT_SIBLING:
		return smt_sibling(c);
	case AFF_PL_SAME_L3:
		return same_l3(c);
	case AFF_PL_DEVICE_LOCAL:
		return device_local(c);
	case AFF_PL_REMOTE_NODE:
		return remote_node(c);
	case AFF_PL_IRQ_CPU:
		return irq_cpu(c);
	case AFF_PL_EXPLICIT:
		return explicit_lists(c);
	case AFF_PL_COUNT:
		break;
	}
	return -EINVAL;
}

static bool relational(enum aff_placement_kind k)
{
	return k == AFF_PL_SMT_SIBLING || k == AFF_PL_SAME_L3 ||
	       k == AFF_PL_REMOTE_NODE || k == AFF_PL_IRQ_CPU;
}

int aff_placement_resolve(const struct aff_topo *t,
			  const struct aff_placement *p,
			  const struct aff_roles *counts,
			  const struct aff_device *dev, struct aff_plan *out,
			  char *why, size_t whylen)
{
	struct ctx c = {
		.t = t, .p = p, .dev = dev, .plan = out, .why = why,
		.whylen = whylen,
	};
	int ret;

	memset(out, 0, sizeof(*out));
	if (why && whylen)
		why[0] = '\0';
	aff__strlcpy(out->placement, p->kind == AFF_PL_EXPLICIT ? p->spec :
		     aff_placement_name(p->kind), sizeof(out->placement));
	for (int r = 0; r < AFF_ROLE_COUNT; r++) {
		if (counts->n[r] < 0 || counts->n[r] > AFF_MAX_THREADS) {
			snprintf(why, whylen, "%d %s threads: allowed 0 to %d",
				 counts->n[r], aff_role_name(r),
				 AFF_MAX_THREADS);
			return -EINVAL;
		}
	}
	c.ngroups = counts->n[AFF_ROLE_IOTHREAD] ?
		    counts->n[AFF_ROLE_IOTHREAD] : 1;
	fill_slots(&c, counts);
	if (relational(p->kind) && !counts->n[AFF_ROLE_IOTHREAD])
		return skip(&c, "it places IOThreads, and the run has none");
	ret = make_spread(&c);
	if (!ret)
		ret = dispatch(&c);
	free(c.spread);
	if (ret) {
		/* A skipped plan pins nothing. */
		for (int i = 0; i < out->nslots; i++)
			out->slots[i].cpu = -1;
		return ret;
	}
	for (int i = 0; i < out->nslots; i++)
		out->slots[i].node = out->slots[i].cpu < 0 ? -1 :
			aff_topo_node_of_cpu(t, out->slots[i].cpu);
	warn_shared(&c);
	return 0;
}

const struct aff_slot *aff_plan_slot(const struct aff_plan *plan,
				     enum aff_role role, int index)
{
	for (int i = 0; i < plan->nslots; i++)
		if (plan->slots[i].role == role && plan->slots[i].index == index)
			return &plan->slots[i];
	return NULL;
}

int aff_plan_cpu(const struct aff_plan *plan, enum aff_role role, int index)
{
	const struct aff_slot *s = aff_plan_slot(plan, role, index);

	return s ? s->cpu : -1;
}

int aff_placement_resolve_here(const struct aff_placement *p,
			       const char *target,
			       const struct aff_roles *counts,
			       struct aff_plan *out, char *why,
			       size_t whylen)
{
	struct aff_topo *topo = NULL;
	struct aff_device dev, *devp = NULL;
	int ret;

	ret = aff_topo_load(&topo, NULL);
	if (ret) {
		snprintf(why, whylen, "no topology: %s", strerror(-ret));
		return ret;
	}
	if (target) {
		memset(&dev, 0, sizeof(dev));
		ret = aff_device_probe(target, &dev);
		if (ret == 0 || ret == -ENODEV) {
			aff_device_locate(topo, &dev);
			devp = &dev;
		}
	}
	ret = aff_placement_resolve(topo, p, counts, devp, out, why, whylen);
	aff_topo_free(topo);
	return ret;
}
