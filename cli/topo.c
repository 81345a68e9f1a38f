/*
 * topo.c: `aiotune topo`: the CPU and NUMA topology, the facts of a
 * target's device, what aiotune can do there, and how each placement maps
 * onto this host (or onto an hwloc XML topology of another one).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "affinity/aff-json.h"
#include "affinity/affinity.h"
#include "cli/cli.h"
#include "util/file.h"
#include "workloads/target.h"
#include "workloads/units.h"

struct topo_opts {
	const char *target;
	const char *xml;
	const char *placement;  /* NULL: every named placement */
	struct aff_roles roles;
	bool json;
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: aiotune topo [options]\n"
"Print the CPU and NUMA topology (hwloc), the facts of a target's device\n"
"(model, firmware, queues, io_poll, scheduler, NUMA node, interrupt CPU),\n"
"what aiotune can do on it (O_DIRECT, IOPOLL, writes; tried, read-only),\n"
"and the CPU each thread gets under each placement, or why a placement\n"
"cannot be realized here.\n"
"\n"
"  --target T          a regular file, directory or block device, or\n"
"                      sim:...\n"
"                      (with --xml: a block device named in the XML)\n"
"  --xml FILE          use an hwloc XML topology (lstopo --of xml) instead\n"
"                      of this host\n"
"  --placement P       resolve only P: %s\n"
"  --iothreads N       IOThreads to place (default 1)\n"
"  --guests N          virtio guest threads to place (default 1)\n"
"  --device-threads N  simnvme device threads to place (default 0)\n"
"  --format F          text or json (default text)\n",
		aff_placement_allowed());
}

static int count_in(const char *flag, const char *val)
{
	char allowed[64];
	int64_t v;

	snprintf(allowed, sizeof(allowed), "an integer 0-%d", AFF_MAX_THREADS);
	if (!val || wl_parse_int64(val, &v) || v < 0 || v > AFF_MAX_THREADS)
		cli_bad_value(flag, val, allowed);
	return (int)v;
}

static void parse_flag(struct topo_opts *o, const char *flag, const char *val)
{
	struct aff_placement p;
	char err[512];

	if (!strcmp(flag, "--target")) {
		if (!val || !*val)
			cli_bad_value(flag, val, "a path or sim:...");
		o->target = val;
	} else if (!strcmp(flag, "--xml")) {
		if (!val || !*val)
			cli_bad_value(flag, val, "an hwloc XML file");
		o->xml = val;
	} else if (!strcmp(flag, "--placement")) {
		if (aff_placement_parse(val, &p, err, sizeof(err)))
			cli_die(CLI_EXIT_USAGE, "--placement: %s", err);
		o->placement = val;
	} else if (!strcmp(flag, "--iothreads")) {
		o->roles.n[AFF_ROLE_IOTHREAD] = count_in(flag, val);
	} else if (!strcmp(flag, "--guests")) {
		o->roles.n[AFF_ROLE_GUEST] = count_in(flag, val);
	} else if (!strcmp(flag, "--device-threads")) {
		o->roles.n[AFF_ROLE_DEVICE] = count_in(flag, val);
	} else if (!strcmp(flag, "--format")) {
		if (val && !strcmp(val, "json"))
			o->json = true;
		else if (val && !strcmp(val, "text"))
			o->json = false;
		else
			cli_bad_value(flag, val, "text, json");
	} else {
		cli_die(CLI_EXIT_USAGE, "unknown option '%s' for topo: "
			"'aiotune topo --help' lists them", flag);
	}
}

static void parse_args(int argc, char **argv, struct topo_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->roles.n[AFF_ROLE_IOTHREAD] = 1;
	o->roles.n[AFF_ROLE_GUEST] = 1;
	for (int i = 1; i < argc; i++) {
		char flag[64];
		const char *arg = argv[i], *eq = strchr(arg, '='), *val = NULL;

		if (strncmp(arg, "--", 2))
			cli_die(CLI_EXIT_USAGE, "unexpected argument '%s' for "
				"topo: options are --flag VALUE", arg);
		if (eq && (size_t)(eq - arg) < sizeof(flag)) {
			snprintf(flag, sizeof(flag), "%.*s", (int)(eq - arg),
				 arg);
			val = eq + 1;
		} else {
			snprintf(flag, sizeof(flag), "%s", arg);
			if (i + 1 < argc)
				val = argv[++i];
		}
		parse_flag(o, flag, val);
	}
}

/* ---- text output ------------------------------------------------- */

static const char *cpus_str(const struct aff_cpuset *s)
{
	static char buf[4096];

	if (aff_cpuset_format(s, buf, sizeof(buf)))
		snprintf(buf, sizeof(buf), "(%d CPUs)", aff_cpuset_count(s));
	return buf;
}

static void print_size(const char *label, uint64_t bytes)
{
	if (!bytes)
		return;
	if (bytes >= (1ULL << 30))
		printf(", %s %.1f GiB", label, (double)bytes / (1ULL << 30));
	else
		printf(", %s %llu MiB", label,
		       (unsigned long long)(bytes >> 20));
}

static void print_topo(const struct aff_topo *t)
{
	int threads = 1;

	for (int i = 0; i < aff_topo_npus(t); i++)
		if (aff_topo_pu(t, i)->smt + 1 > threads)
			threads = aff_topo_pu(t, i)->smt + 1;
	printf("topology (%s): %d CPUs (%s), %d package(s), %d NUMA node(s), "
	       "%d L3 domain(s), %d cores, SMT %s\n", aff_topo_source(t),
	       aff_topo_npus(t), cpus_str(aff_topo_cpus(t)),
	       aff_topo_ndomains(t, AFF_LEVEL_PACKAGE),
	       aff_topo_ndomains(t, AFF_LEVEL_NODE),
	       aff_topo_ndomains(t, AFF_LEVEL_L3),
	       aff_topo_ndomains(t, AFF_LEVEL_CORE),
	       aff_topo_has_smt(t) ? "yes" : "no");
	if (threads > 1)
		printf("  %d hardware threads per core\n", threads);
	for (int i = 0; i < aff_topo_ndomains(t, AFF_LEVEL_PACKAGE); i++)
		printf("  package %d: CPUs %s\n", i, cpus_str(
		       &aff_topo_domain(t, AFF_LEVEL_PACKAGE, i)->cpus));
	for (int i = 0; i < aff_topo_ndomains(t, AFF_LEVEL_NODE); i++) {
		const struct aff_domain *d = aff_topo_domain(t, AFF_LEVEL_NODE,
							     i);

		printf("  node %d: CPUs %s", d->os_index,
		       aff_cpuset_empty(&d->cpus) ? "none" : cpus_str(&d->cpus));
		print_size("memory", d->size_bytes);
		printf("\n");
	}
	for (int i = 0; i < aff_topo_ndomains(t, AFF_LEVEL_L3); i++) {
		const struct aff_domain *d = aff_topo_domain(t, AFF_LEVEL_L3, i);

		printf("  L3 %d: CPUs %s", i, cpus_str(&d->cpus));
		print_size("size", d->size_bytes);
		printf("\n");
	}
	printf("  cores (CPUs of each, SMT siblings together):");
	for (int i = 0; i < aff_topo_ndomains(t, AFF_LEVEL_CORE); i++)
		printf(" %s%s", i ? "| " : "",
		       cpus_str(&aff_topo_domain(t, AFF_LEVEL_CORE, i)->cpus));
	printf("\n");
	for (int i = 0; i < aff_topo_niodevs(t); i++) {
		const struct aff_iodev *d = aff_topo_iodev(t, i);

		printf("  block device %s", d->name);
		if (*d->pci)
			printf(" (PCI %s)", d->pci);
		if (d->node >= 0)
			printf(": node %d, local CPUs %s\n", d->node,
			       cpus_str(&d->local_cpus));
		else
			printf(": no single NUMA node\n");
	}
}

static const char *yes_no(int v)
{
	return v < 0 ? "not tried" : v ? "yes" : "no";
}

static void print_int(const char *label, int v, bool known)
{
	if (known)
		printf("%s %d", label, v);
	else
		printf("%s ?", label);
}

static void print_device(const struct aff_device *d,
			 const struct aff_caps *c)
{
	printf("\ntarget %s\n", d->target);
	if (d->kind == AFF_DEV_NONE) {
		printf("  no host device: %s\n", d->irq_note);
		return;
	}
	printf("  device: %s", d->disk);
	if (*d->part)
		printf(" (file on partition %s)", d->part);
	if (*d->via)
		printf(" (under %s)", d->via);
	printf(", driver %s, controller %s, PCI %s\n",
	       *d->driver ? d->driver : "?", *d->ctrl ? d->ctrl : "?",
	       *d->pci ? d->pci : "none");
	printf("  model: %s, firmware: %s\n", *d->model ? d->model : "?",
	       *d->firmware ? d->firmware : "?");
	printf("  queues: ");
	print_int("hardware", d->hw_queues, d->hw_queues >= 0);
	print_int(", poll", d->poll_queues, d->poll_queues >= 0);
	print_int(", io_poll", d->io_poll, d->io_poll >= 0);
	print_int(", io_poll_delay", d->io_poll_delay, d->io_poll_delay_known);
	printf(", scheduler %s", *d->scheduler ? d->scheduler : "?");
	print_int(", nr_requests", d->nr_requests, d->nr_requests >= 0);
	print_int(", logical block", d->logical_block, d->logical_block >= 0);
	printf("\n");
	if (d->numa_node >= 0)
		printf("  NUMA node: %d (from %s)", d->numa_node,
		       d->node_source);
	else
		printf("  NUMA node: unknown");
	if (*d->ctrl) /* sysfs was read */
		printf(", sysfs numa_node %d", d->sysfs_node);
	if (d->local_cpus_known)
		printf(", local CPUs %s", cpus_str(&d->local_cpus));
	printf("\n");
	for (int i = 0; i < d->nirqs; i++) {
		const struct aff_irq *q = &d->irqs[i];

		printf("  irq %d %s: affinity %s", q->irq, q->name,
		       q->affinity_known ? cpus_str(&q->affinity) : "?");
		printf(", effective %s, %llu interrupts",
		       q->effective_known ? cpus_str(&q->effective) : "?",
		       (unsigned long long)q->count);
		if (q->top_cpu >= 0)
			printf(" (most on CPU %d)", q->top_cpu);
		printf("\n");
	}
	if (d->nirqs_total > d->nirqs)
		printf("  ... %d more completion interrupts\n",
		       d->nirqs_total - d->nirqs);
	if (d->irq_cpu >= 0)
		printf("  completion interrupt CPU: %d (%s)\n", d->irq_cpu,
		       d->irq_note);
	else
		printf("  completion interrupt CPU: unknown (%s)\n",
		       d->irq_note);
	if (*d->mounted_on)
		printf("  mounted on %s\n", d->mounted_on);
	printf("  can: O_DIRECT %s (%s)\n", yes_no(c->o_direct),
	       c->o_direct_why);
	printf("       IOPOLL %s (%s)\n", yes_no(c->iopoll), c->iopoll_why);
	printf("       writes %s (%s)\n", yes_no(c->writes), c->writes_why);
}

static void print_plan(const struct aff_plan *plan, int ret, const char *why)
{
	printf("  %-14s ", plan->placement);
	if (ret) {
		size_t n = strlen(plan->placement);

		/* why starts with "<placement>: "; the column says it. */
		if (!strncmp(why, plan->placement, n) && why[n] == ':')
			why += n + 2;
		printf("skipped: %s\n", why);
		return;
	}
	if (!plan->nslots || plan->slots[0].cpu < 0) {
		printf("not pinned\n");
		return;
	}
	for (int i = 0; i < plan->nslots; i++) {
		const struct aff_slot *s = &plan->slots[i];

		printf("%s%s%d=", i ? " " : "", aff_role_name(s->role),
		       s->index);
		if (s->cpu < 0)
			printf("-");
		else
			printf("%d(n%d)", s->cpu, s->node);
	}
	printf("\n");
	if (*plan->note)
		printf("  %-14s (%s)\n", "", plan->note);
	if (*plan->warning)
		printf("  %-14s warning: %s\n", "", plan->warning);
}

/* ---- main -------------------------------------------------------- */

static int resolve_one(const struct aff_topo *t, const char *spec,
		       const struct topo_opts *o, const struct aff_device *dev,
		       json_t *arr)
{
	struct aff_placement p;
	struct aff_plan *plan = malloc(sizeof(*plan));
	char err[512], why[512];
	int ret;

	if (!plan)
		return -ENOMEM;
	if (aff_placement_parse(spec, &p, err, sizeof(err)))
		cli_die(CLI_EXIT_USAGE, "--placement: %s", err);
	ret = aff_placement_resolve(t, &p, &o->roles, dev, plan, why,
				    sizeof(why));
	if (ret && ret != -ENOTSUP)
		cli_die(CLI_EXIT_USAGE, "%s", why);
	if (arr)
		json_array_append_new(arr, aff_plan_json(plan, ret, why));
	else
		print_plan(plan, ret, why);
	free(plan);
	return 0;
}

#define TARGET_ALLOWED "a regular file, a directory, a block device or sim:..."

/* Why aff_device_probe refused target: one line; -EINVAL for bad input. */
static int target_error(const char *target, int ret, char *msg, size_t len)
{
	struct stat st;

	if (ret == -ENOENT || ret == -ENOTDIR) {
		snprintf(msg, len, "invalid value '%s' for --target: %s "
			 "(allowed %s)", target, ret == -ENOENT ?
			 "no such file or directory" :
			 "a component of the path is not a directory",
			 TARGET_ALLOWED);
		return -EINVAL;
	}
	if (ret == -EINVAL && stat(target, &st) == 0) {
		snprintf(msg, len, "invalid value '%s' for --target: it is %s "
			 "(allowed %s)", target, wl_file_kind(st.st_mode),
			 TARGET_ALLOWED);
		return -EINVAL;
	}
	snprintf(msg, len, "%s: cannot look at the target: %s (%s)", target,
		 strerror(-ret), strerrorname_np(-ret) ?: "?");
	return ret;
}

/*
 * Writes as `aiotune run` judges them (workloads/target.h): also refused
 * on a kernel-interface filesystem, to a loop device or file under a
 * mounted filesystem, to a file open elsewhere. Looks, opens nothing.
 */
static void writes_as_run(const char *target, struct aff_caps *caps)
{
	char why[sizeof(caps->writes_why)];
	const char *fs;
	struct stat st;
	bool busy;

	if (caps->writes != 1 || stat(target, &st))
		return;
	if (!S_ISBLK(st.st_mode) && (fs = wl_pseudo_fs(target))) {
		snprintf(caps->writes_why, sizeof(caps->writes_why),
			 "refused: on %s, a kernel interface", fs);
		caps->writes = 0;
		return;
	}
	if (S_ISBLK(st.st_mode))
		busy = wl_blockdev_in_use(st.st_rdev, why, sizeof(why));
	else if (S_ISREG(st.st_mode))
		busy = wl_file_in_use(&st, target, why, sizeof(why));
	else
		return;
	if (busy) {
		snprintf(caps->writes_why, sizeof(caps->writes_why),
			 "refused: %.*s", (int)sizeof(why) - 16, why);
		caps->writes = 0;
	}
}

/* 0, or -errno with msg filled (-EINVAL: a bad --target). */
static int load_device(const struct aff_topo *t, const struct topo_opts *o,
		       struct aff_device *dev, struct aff_caps *caps,
		       char *msg, size_t len)
{
	int ret;

	if (o->xml) {
		ret = aff_device_from_topo(t, o->target, dev);
		if (ret) {
			snprintf(msg, len, "invalid value '%s' for --target: "
				 "no block device of that name in %s (allowed "
				 "a block device the XML names)", o->target,
				 o->xml);
			return -EINVAL;
		}
		/* Not this host: nothing can be tried. */
		memset(caps, 0, sizeof(*caps));
		caps->o_direct = caps->iopoll = caps->writes = -1;
		snprintf(caps->o_direct_why, sizeof(caps->o_direct_why),
			 "not tried: topology from XML");
		snprintf(caps->iopoll_why, sizeof(caps->iopoll_why),
			 "not tried: topology from XML");
		snprintf(caps->writes_why, sizeof(caps->writes_why),
			 "not tried: topology from XML");
		return 0;
	}
	ret = aff_device_probe(o->target, dev);
	if (ret && ret != -ENODEV)
		return target_error(o->target, ret, msg, len);
	aff_device_locate(t, dev);
	aff_caps_probe(dev, caps);
	writes_as_run(o->target, caps);
	return 0;
}

static int cmd_topo(int argc, char **argv)
{
	static const enum aff_placement_kind all[] = {
		AFF_PL_NONE, AFF_PL_COMPACT, AFF_PL_SPREAD, AFF_PL_SAME_CORE,
		AFF_PL_SMT_SIBLING, AFF_PL_SAME_L3, AFF_PL_DEVICE_LOCAL,
		AFF_PL_REMOTE_NODE, AFF_PL_IRQ_CPU,
	};
	struct aff_device *dev = NULL;
	struct aff_caps caps;
	struct aff_topo *t;
	struct topo_opts o;
	json_t *root = NULL, *plans = NULL;
	int ret;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		}
	}
	parse_args(argc, argv, &o);
	if (o.xml) {
		char *xml, msg[1024];
		size_t len;

		ret = util_read_file(o.xml, AFF_TOPO_XML_MAX, &xml, &len, msg,
				     sizeof(msg));
		if (ret)
			cli_die(ret == -ENOMEM ? 1 : CLI_EXIT_USAGE, "--xml %s",
				msg);
		ret = aff_topo_load_xml(&t, xml, len, o.xml);
		free(xml);
		if (ret == -EINVAL)
			cli_die(CLI_EXIT_USAGE, "--xml %s: not an hwloc XML "
				"topology (as lstopo --of xml writes)", o.xml);
	} else {
		ret = aff_topo_load(&t, NULL);
	}
	if (ret)
		cli_die(1, "cannot load the topology%s%s: %s",
			o.xml ? " from " : "", o.xml ? o.xml : "",
			strerror(-ret));
	if (o.target) {
		char msg[1200];

		dev = calloc(1, sizeof(*dev));
		ret = dev ? load_device(t, &o, dev, &caps, msg, sizeof(msg)) :
			    -ENOMEM;
		if (ret) {
			free(dev);
			aff_topo_free(t);
			cli_die(ret == -EINVAL ? CLI_EXIT_USAGE : 1, "%s",
				ret == -ENOMEM && !dev ? "out of memory" : msg);
		}
	}
	if (o.json) {
		root = json_pack("{s:i, s:o}", "format_version", 1, "topology",
				 aff_topo_json(t));
		if (dev)
			json_object_set_new(root, "target",
					    aff_device_json(dev, &caps));
		plans = json_array();
		json_object_set_new(root, "roles", json_pack(
			"{s:i, s:i, s:i}",
			"iothreads", o.roles.n[AFF_ROLE_IOTHREAD],
			"guests", o.roles.n[AFF_ROLE_GUEST],
			"device_threads", o.roles.n[AFF_ROLE_DEVICE]));
		json_object_set_new(root, "placements", plans);
	} else {
		print_topo(t);
		if (dev)
			print_device(dev, &caps);
		printf("\nplacements for %d IOThread(s), %d guest(s), %d "
		       "device thread(s) (CPU(node) per thread):\n",
		       o.roles.n[AFF_ROLE_IOTHREAD], o.roles.n[AFF_ROLE_GUEST],
		       o.roles.n[AFF_ROLE_DEVICE]);
	}
	if (o.placement) {
		resolve_one(t, o.placement, &o, dev, plans);
	} else {
		for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
			resolve_one(t, aff_placement_name(all[i]), &o, dev,
				    plans);
	}
	if (root) {
		if (json_dumpf(root, stdout, JSON_INDENT(2)) < 0)
			cli_die(1, "cannot write JSON");
		printf("\n");
		json_decref(root);
	}
	free(dev);
	aff_topo_free(t);
	return 0;
}

const struct cli_cmd cli_cmd_topo = {
	.name = "topo",
	.summary = "CPU/NUMA topology, device facts and placements",
	.run = cmd_topo,
};
