/*
 * topo.c: the topology, read once from hwloc into plain arrays.
 *
 * hwloc is only used while loading: PUs (in logical order, only those the
 * process may use), packages, NUMA nodes, L3 domains, cores, and the block
 * devices among hwloc's I/O objects with the CPUs and node they are local
 * to. Placement logic then works on these arrays alone, so it behaves the
 * same on a host and on an XML topology of another host.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "affinity/aff-internal.h"
#include "util/file.h"

struct aff_topo {
	char source[1024];
	bool this_host;
	bool smt;
	int npus;
	struct aff_pu *pus;
	struct aff_cpuset cpus;
	int ndom[AFF_LEVEL_COUNT];
	struct aff_domain *dom[AFF_LEVEL_COUNT];
	int niodevs;
	struct aff_iodev *iodevs;
};

static void from_bitmap(struct aff_cpuset *s, hwloc_const_bitmap_t bm,
			const struct aff_cpuset *mask)
{
	unsigned int i;

	aff_cpuset_zero(s);
	if (!bm)
		return;
	hwloc_bitmap_foreach_begin(i, bm) {
		if (i >= AFF_MAX_CPUS)
			break;
		if (!mask || aff_cpuset_isset(mask, (int)i))
			aff_cpuset_set(s, (int)i);
	}
	hwloc_bitmap_foreach_end();
}

static const hwloc_obj_type_t level_type[AFF_LEVEL_COUNT] = {
	[AFF_LEVEL_PACKAGE] = HWLOC_OBJ_PACKAGE,
	[AFF_LEVEL_NODE] = HWLOC_OBJ_NUMANODE,
	[AFF_LEVEL_L3] = HWLOC_OBJ_L3CACHE,
	[AFF_LEVEL_CORE] = HWLOC_OBJ_CORE,
};

static int load_level(struct aff_topo *t, hwloc_topology_t h,
		      enum aff_level lv)
{
	int n = hwloc_get_nbobjs_by_type(h, level_type[lv]);

	if (n <= 0)
		return 0;
	t->dom[lv] = calloc((size_t)n, sizeof(*t->dom[lv]));
	if (!t->dom[lv])
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		hwloc_obj_t o = hwloc_get_obj_by_type(h, level_type[lv], i);
		struct aff_domain *d = &t->dom[lv][i];

		d->index = i;
		d->os_index = -1;
		if (lv == AFF_LEVEL_NODE) {
			d->os_index = (int)o->os_index;
			d->size_bytes = o->attr->numanode.local_memory;
		} else if (lv == AFF_LEVEL_L3) {
			d->size_bytes = o->attr->cache.size;
		}
		from_bitmap(&d->cpus, o->cpuset, &t->cpus);
	}
	t->ndom[lv] = n;
	return 0;
}

static int logical_of(hwloc_topology_t h, hwloc_obj_t pu,
		      hwloc_obj_type_t type)
{
	hwloc_obj_t a = hwloc_get_ancestor_obj_by_type(h, type, pu);

	return a ? (int)a->logical_index : -1;
}

/* Some hosts (and VMs) expose no Core objects: one core per PU then. */
static int own_cores(struct aff_topo *t)
{
	t->dom[AFF_LEVEL_CORE] = calloc((size_t)t->npus,
					sizeof(struct aff_domain));
	if (!t->dom[AFF_LEVEL_CORE])
		return -ENOMEM;
	for (int i = 0; i < t->npus; i++) {
		struct aff_domain *d = &t->dom[AFF_LEVEL_CORE][i];

		d->index = i;
		d->os_index = -1;
		aff_cpuset_zero(&d->cpus);
		aff_cpuset_set(&d->cpus, t->pus[i].cpu);
		t->pus[i].core = i;
	}
	t->ndom[AFF_LEVEL_CORE] = t->npus;
	return 0;
}

static int node_of_pu(const struct aff_topo *t, int cpu)
{
	for (int i = 0; i < t->ndom[AFF_LEVEL_NODE]; i++)
		if (aff_cpuset_isset(&t->dom[AFF_LEVEL_NODE][i].cpus, cpu))
			return t->dom[AFF_LEVEL_NODE][i].os_index;
	return -1;
}

static int load_pus(struct aff_topo *t, hwloc_topology_t h)
{
	int n = hwloc_get_nbobjs_by_type(h, HWLOC_OBJ_PU);
	hwloc_const_bitmap_t allowed = hwloc_topology_get_allowed_cpuset(h);

	if (n <= 0)
		return -ENODEV;
	t->pus = calloc((size_t)n, sizeof(*t->pus));
	if (!t->pus)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		hwloc_obj_t o = hwloc_get_obj_by_type(h, HWLOC_OBJ_PU, i);
		struct aff_pu *pu = &t->pus[t->npus];

		if (o->os_index >= AFF_MAX_CPUS)
			continue;
		if (allowed && !hwloc_bitmap_isset(allowed, o->os_index))
			continue;
		pu->cpu = (int)o->os_index;
		pu->core = logical_of(h, o, HWLOC_OBJ_CORE);
		pu->l3 = logical_of(h, o, HWLOC_OBJ_L3CACHE);
		pu->package = logical_of(h, o, HWLOC_OBJ_PACKAGE);
		aff_cpuset_set(&t->cpus, pu->cpu);
		t->npus++;
	}
	return t->npus ? 0 : -ENODEV;
}

/* Node and SMT rank of each PU, once domains are known. */
static void finish_pus(struct aff_topo *t)
{
	for (int i = 0; i < t->npus; i++) {
		struct aff_pu *pu = &t->pus[i];

		pu->node = node_of_pu(t, pu->cpu);
		pu->smt = 0;
		for (int j = 0; j < i; j++)
			if (t->pus[j].core == pu->core)
				pu->smt++;
		if (pu->smt)
			t->smt = true;
	}
}

static void pci_name(hwloc_obj_t o, char *buf, size_t len)
{
	buf[0] = '\0';
	for (; o; o = o->parent) {
		if (o->type != HWLOC_OBJ_PCI_DEVICE)
			continue;
		snprintf(buf, len, "%04x:%02x:%02x.%01x",
			 o->attr->pcidev.domain, o->attr->pcidev.bus,
			 o->attr->pcidev.dev, o->attr->pcidev.func);
		return;
	}
}

static int load_iodevs(struct aff_topo *t, hwloc_topology_t h)
{
	hwloc_obj_t o = NULL;
	int n = 0;

	while ((o = hwloc_get_next_osdev(h, o)))
		if (o->attr->osdev.type == HWLOC_OBJ_OSDEV_BLOCK)
			n++;
	if (!n)
		return 0;
	t->iodevs = calloc((size_t)n, sizeof(*t->iodevs));
	if (!t->iodevs)
		return -ENOMEM;
	while ((o = hwloc_get_next_osdev(h, o))) {
		struct aff_iodev *d = &t->iodevs[t->niodevs];
		hwloc_obj_t anc;
		const char *model;

		if (o->attr->osdev.type != HWLOC_OBJ_OSDEV_BLOCK || !o->name)
			continue;
		aff__strlcpy(d->name, o->name, sizeof(d->name));
		pci_name(o, d->pci, sizeof(d->pci));
		model = hwloc_obj_get_info_by_name(o, "Model");
		aff__strlcpy(d->model, model ? model : "", sizeof(d->model));
		d->node = -1;
		anc = hwloc_get_non_io_ancestor_obj(h, o);
		if (anc) {
			from_bitmap(&d->local_cpus, anc->cpuset, &t->cpus);
			if (anc->nodeset &&
			    hwloc_bitmap_weight(anc->nodeset) == 1)
				d->node = hwloc_bitmap_first(anc->nodeset);
		}
		t->niodevs++;
	}
	return 0;
}

static int topo_load(struct aff_topo **out, const char *xml, size_t len,
		     const char *source)
{
	struct aff_topo *t;
	hwloc_topology_t h;
	int ret;

	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	ret = aff__hwloc_init(&h, xml, len);
	if (ret) {
		free(t);
		return ret;
	}
	aff__strlcpy(t->source, source ? source : "this host",
		     sizeof(t->source));
	t->this_host = !xml && hwloc_topology_is_thissystem(h);
	ret = load_pus(t, h);
	for (int lv = 0; !ret && lv < AFF_LEVEL_COUNT; lv++)
		ret = load_level(t, h, lv);
	if (!ret && !t->ndom[AFF_LEVEL_CORE])
		ret = own_cores(t);
	if (!ret)
		ret = load_iodevs(t, h);
	hwloc_topology_destroy(h);
	if (ret) {
		aff_topo_free(t);
		return ret;
	}
	finish_pus(t);
	*out = t;
	return 0;
}

int aff_topo_load_xml(struct aff_topo **out, const char *xml, size_t len,
		      const char *source)
{
	char *copy;
	int ret;

	/* hwloc's own XML reader wants a NUL after the document. */
	if (len >= INT_MAX)
		return -EFBIG;
	copy = malloc(len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, xml, len);
	copy[len] = '\0';
	ret = topo_load(out, copy, len, source ? source : "XML");
	free(copy);
	return ret;
}

int aff_topo_load(struct aff_topo **out, const char *xml_path)
{
	char *xml;
	size_t len;
	int ret;

	if (!xml_path)
		return topo_load(out, NULL, 0, NULL);
	ret = util_read_file(xml_path, AFF_TOPO_XML_MAX, &xml, &len, NULL, 0);
	if (ret)
		return ret;
	ret = aff_topo_load_xml(out, xml, len, xml_path);
	free(xml);
	return ret;
}

void aff_topo_free(struct aff_topo *t)
{
	if (!t)
		return;
	for (int lv = 0; lv < AFF_LEVEL_COUNT; lv++)
		free(t->dom[lv]);
	free(t->pus);
	free(t->iodevs);
	free(t);
}

const char *aff_topo_source(const struct aff_topo *t)
{
	return t->source;
}

bool aff_topo_is_this_host(const struct aff_topo *t)
{
	return t->this_host;
}

int aff_topo_npus(const struct aff_topo *t)
{
	return t->npus;
}

const struct aff_pu *aff_topo_pu(const struct aff_topo *t, int i)
{
	return i >= 0 && i < t->npus ? &t->pus[i] : NULL;
}

const struct aff_pu *aff_topo_pu_of_cpu(const struct aff_topo *t, int cpu)
{
	for (int i = 0; i < t->npus; i++)
		if (t->pus[i].cpu == cpu)
			return &t->pus[i];
	return NULL;
}

const struct aff_cpuset *aff_topo_cpus(const struct aff_topo *t)
{
	return &t->cpus;
}

int aff_topo_ndomains(const struct aff_topo *t, enum aff_level level)
{
	return level < AFF_LEVEL_COUNT ? t->ndom[level] : 0;
}

const struct aff_domain *aff_topo_domain(const struct aff_topo *t,
					 enum aff_level level, int i)
{
	if (level >= AFF_LEVEL_COUNT || i < 0 || i >= t->ndom[level])
		return NULL;
	return &t->dom[level][i];
}

const struct aff_domain *aff_topo_node(const struct aff_topo *t, int node)
{
	for (int i = 0; i < t->ndom[AFF_LEVEL_NODE]; i++)
		if (t->dom[AFF_LEVEL_NODE][i].os_index == node)
			return &t->dom[AFF_LEVEL_NODE][i];
	return NULL;
}

int aff_topo_node_of_cpu(const struct aff_topo *t, int cpu)
{
	const struct aff_pu *pu = aff_topo_pu_of_cpu(t, cpu);

	return pu ? pu->node : -1;
}

bool aff_topo_has_smt(const struct aff_topo *t)
{
	return t->smt;
}

int aff_topo_niodevs(const struct aff_topo *t)
{
	return t->niodevs;
}

const struct aff_iodev *aff_topo_iodev(const struct aff_topo *t, int i)
{
	return i >= 0 && i < t->niodevs ? &t->iodevs[i] : NULL;
}

const struct aff_iodev *aff_topo_find_iodev(const struct aff_topo *t,
					    const char *name)
{
	if (!strncmp(name, "/dev/", 5))
		name += 5;
	for (int i = 0; i < t->niodevs; i++)
		if (!strcmp(t->iodevs[i].name, name))
			return &t->iodevs[i];
	return NULL;
}
