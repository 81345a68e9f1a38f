/* json.c: affinity/ objects as JSON (jansson). */
#include <errno.h>
#include <stdlib.h>

#include "affinity/aff-json.h"

json_t *aff_cpuset_json(const struct aff_cpuset *s)
{
	char *buf = malloc(8192);
	json_t *j;

	if (!buf)
		return NULL;
	if (aff_cpuset_format(s, buf, 8192))
		buf[0] = '\0';
	j = json_string(buf);
	free(buf);
	return j;
}

static const char *const level_key[AFF_LEVEL_COUNT] = {
	[AFF_LEVEL_PACKAGE] = "packages",
	[AFF_LEVEL_NODE] = "numa_nodes",
	[AFF_LEVEL_L3] = "l3",
	[AFF_LEVEL_CORE] = "cores",
};

static json_t *domains_json(const struct aff_topo *t, enum aff_level lv)
{
	json_t *a = json_array();

	for (int i = 0; i < aff_topo_ndomains(t, lv); i++) {
		const struct aff_domain *d = aff_topo_domain(t, lv, i);
		json_t *o = json_pack("{s:i, s:o}", "index", d->index, "cpus",
				      aff_cpuset_json(&d->cpus));

		if (lv == AFF_LEVEL_NODE)
			json_object_set_new(o, "node", json_integer(d->os_index));
		if (lv == AFF_LEVEL_NODE || lv == AFF_LEVEL_L3)
			json_object_set_new(o, lv == AFF_LEVEL_NODE ?
					    "memory_bytes" : "size_bytes",
					    json_integer((json_int_t)d->size_bytes));
		json_array_append_new(a, o);
	}
	return a;
}

json_t *aff_topo_json(const struct aff_topo *t)
{
	json_t *o, *pus = json_array(), *io = json_array();
	int threads = 1;

	for (int i = 0; i < aff_topo_npus(t); i++) {
		const struct aff_pu *p = aff_topo_pu(t, i);

		if (p->smt + 1 > threads)
			threads = p->smt + 1;
		json_array_append_new(pus, json_pack(
			"{s:i, s:i, s:i, s:i, s:i, s:i}", "cpu", p->cpu,
			"core", p->core, "l3", p->l3, "package", p->package,
			"node", p->node, "smt", p->smt));
	}
	for (int i = 0; i < aff_topo_niodevs(t); i++) {
		const struct aff_iodev *d = aff_topo_iodev(t, i);

		json_array_append_new(io, json_pack(
			"{s:s, s:s, s:s, s:i, s:o}", "name", d->name, "pci",
			d->pci, "model", d->model, "node", d->node,
			"local_cpus", aff_cpuset_json(&d->local_cpus)));
	}
	o = json_pack("{s:s, s:b, s:i, s:o, s:i, s:i, s:i, s:i, s:b, s:i}",
		      "source", aff_topo_source(t), "this_host",
		      aff_topo_is_this_host(t), "cpu_count", aff_topo_npus(t),
		      "cpu_list", aff_cpuset_json(aff_topo_cpus(t)),
		      "package_count", aff_topo_ndomains(t, AFF_LEVEL_PACKAGE),
		      "numa_node_count", aff_topo_ndomains(t, AFF_LEVEL_NODE),
		      "l3_count", aff_topo_ndomains(t, AFF_LEVEL_L3),
		      "core_count", aff_topo_ndomains(t, AFF_LEVEL_CORE),
		      "smt", aff_topo_has_smt(t), "threads_per_core", threads);
	if (!o)
		return NULL;
	for (int lv = 0; lv < AFF_LEVEL_COUNT; lv++)
		json_object_set_new(o, level_key[lv] ? level_key[lv] : "?",
				    domains_json(t, lv));
	json_object_set_new(o, "pus", pus);
	json_object_set_new(o, "io_devices", io);
	return o;
}

static json_t *irq_json(const struct aff_irq *q)
{
	json_t *o = json_pack("{s:i, s:s, s:I, s:i}", "irq", q->irq, "name",
			      q->name, "count", (json_int_t)q->count,
			      "top_cpu", q->top_cpu);

	json_object_set_new(o, "affinity", q->affinity_known ?
			    aff_cpuset_json(&q->affinity) : json_null());
	json_object_set_new(o, "effective", q->effective_known ?
			    aff_cpuset_json(&q->effective) : json_null());
	return o;
}

static json_t *int_or_null(int v)
{
	return v < 0 ? json_null() : json_integer(v);
}

static json_t *cap_json(int verdict, const char *why)
{
	return json_pack("{s:o, s:s}", "ok", verdict < 0 ? json_null() :
			 json_boolean(verdict), "why", why);
}

json_t *aff_device_json(const struct aff_device *d,
			const struct aff_caps *caps)
{
	static const char *const kinds[] = { "none", "block", "file" };
	json_t *o, *irqs = json_array();

	for (int i = 0; i < d->nirqs; i++)
		json_array_append_new(irqs, irq_json(&d->irqs[i]));
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
		      "target", d->target, "kind", kinds[d->kind], "disk",
		      d->disk, "partition", d->part, "via", d->via,
		      "controller", d->ctrl, "driver", d->driver, "pci",
		      d->pci, "model", d->model, "firmware", d->firmware);
	if (!o)
		return NULL;
	json_object_set_new(o, "hw_queues", int_or_null(d->hw_queues));
	json_object_set_new(o, "poll_queues", int_or_null(d->poll_queues));
	json_object_set_new(o, "io_poll", int_or_null(d->io_poll));
	json_object_set_new(o, "io_poll_delay", d->io_poll_delay_known ?
			    json_integer(d->io_poll_delay) : json_null());
	json_object_set_new(o, "scheduler", json_string(d->scheduler));
	json_object_set_new(o, "nr_requests", int_or_null(d->nr_requests));
	json_object_set_new(o, "logical_block_bytes",
			    int_or_null(d->logical_block));
	json_object_set_new(o, "rotational", int_or_null(d->rotational));
	json_object_set_new(o, "mounted_on", json_string(d->mounted_on));
	json_object_set_new(o, "held_by", json_string(d->held_by));
	json_object_set_new(o, "numa_node", int_or_null(d->numa_node));
	json_object_set_new(o, "node_source", json_string(d->node_source));
	json_object_set_new(o, "sysfs_numa_node", json_integer(d->sysfs_node));
	json_object_set_new(o, "hwloc_numa_node", json_integer(d->hwloc_node));
	json_object_set_new(o, "local_cpus", d->local_cpus_known ?
			    aff_cpuset_json(&d->local_cpus) : json_null());
	json_object_set_new(o, "irqs", irqs);
	json_object_set_new(o, "irqs_total", json_integer(d->nirqs_total));
	json_object_set_new(o, "irq_cpu", int_or_null(d->irq_cpu));
	json_object_set_new(o, "irq_note", json_string(d->irq_note));
	if (caps)
		json_object_set_new(o, "can", json_pack(
			"{s:o, s:o, s:o}",
			"o_direct", cap_json(caps->o_direct, caps->o_direct_why),
			"iopoll", cap_json(caps->iopoll, caps->iopoll_why),
			"writes", cap_json(caps->writes, caps->writes_why)));
	return o;
}

json_t *aff_plan_json(const struct aff_plan *plan, int status,
		      const char *why)
{
	json_t *o, *th = json_array();

	for (int i = 0; !status && i < plan->nslots; i++) {
		const struct aff_slot *s = &plan->slots[i];

		json_array_append_new(th, json_pack(
			"{s:s, s:i, s:i, s:i}", "role", aff_role_name(s->role),
			"index", s->index, "cpu", s->cpu, "node", s->node));
	}
	o = json_pack("{s:s, s:s, s:o}", "placement", plan->placement,
		      "status", status ? "skipped" : "ok", "threads", th);
	if (!o)
		return NULL;
	if (status)
		json_object_set_new(o, "reason", json_string(why ? why : ""));
	if (*plan->note)
		json_object_set_new(o, "note", json_string(plan->note));
	if (*plan->warning)
		json_object_set_new(o, "warning", json_string(plan->warning));
	return o;
}

json_t *aff_thread_rec_json(const struct aff_thread_rec *r)
{
	return json_pack("{s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:o, s:b}",
			 "role", aff_role_name(r->role), "index", r->index,
			 "tid", r->tid, "cpu_requested", r->cpu_requested,
			 "cpu_realized", r->cpu_realized, "node_requested",
			 r->node_requested, "node_realized", r->node_realized,
			 "cpus_allowed", aff_cpuset_json(&r->allowed),
			 "differs", r->differs);
}
