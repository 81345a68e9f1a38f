/*
 * irq.c: the completion interrupts of a device and the CPUs they go to.
 *
 * The PCI function lists its interrupt numbers in msi_irqs/ (or one legacy
 * line in irq). /proc/interrupts gives each one's name and per-CPU counts
 * (this file is its one reader: aff_irq_counts sums rows by name);
 * /proc/irq/N/smp_affinity_list and effective_affinity_list the CPUs it
 * may and does go to. Configuration and admin vectors ("virtio1-config",
 * "nvme0q0") carry no completions and are left out. The device's
 * interrupt CPU is that of its busiest completion vector: its effective
 * CPU when the kernel says it is one CPU, else the CPU that took most.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "affinity/aff-internal.h"
#include "affinity/host.h"

#define MAX_DEV_IRQS 4096

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static int list_irqs(const char *pci, int *irqs, int max)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d;
	int n = 0, v;

	if (!aff__path(path, sizeof(path), "%s/msi_irqs", pci) &&
	    (d = opendir(path))) {
		while ((e = readdir(d)) && n < max)
			if (isdigit((unsigned char)e->d_name[0]))
				irqs[n++] = atoi(e->d_name);
		closedir(d);
	}
	if (!n && !aff__read_int(&v, "%s/irq", pci) && v > 0)
		irqs[n++] = v;
	qsort(irqs, (size_t)n, sizeof(*irqs), cmp_int);
	return n;
}

/* Index of irq in the sorted list, or -1. */
static int find_irq(const int *irqs, int n, int irq)
{
	const int *p = bsearch(&irq, irqs, (size_t)n, sizeof(*irqs), cmp_int);

	return p ? (int)(p - irqs) : -1;
}

static bool is_completion_vector(const char *name, const char *ctrl)
{
	size_t n = strlen(name), c = strlen(ctrl);

	if (n >= 7 && !strcmp(name + n - 7, "-config"))
		return false;
	/* nvmeXq0 is the admin queue. */
	if (c && !strncmp(name, ctrl, c) && !strcmp(name + c, "q0"))
		return false;
	return true;
}

/* CPU numbers of the header line "CPU0 CPU1 ..."; returns the count. */
static int parse_header(char *line, int *cpus, int max)
{
	char *save;
	int n = 0;

	for (char *tok = strtok_r(line, " \t\n", &save); tok && n < max;
	     tok = strtok_r(NULL, " \t\n", &save))
		if (!strncmp(tok, "CPU", 3))
			cpus[n++] = atoi(tok + 3);
	return n;
}

/*
 * One row of /proc/interrupts: "label: c0 c1 ... rest". counts[i] is
 * what CPU cpus[i] took, for the ncounts columns the row has (rows such
 * as ERR have one); rest is the text after them (chip, hwirq, names).
 */
struct irq_row {
	char *label;
	const int *cpus;
	const uint64_t *counts;
	int ncounts, ncols;
	char *rest;
};

typedef void irq_row_fn(struct irq_row *row, void *opaque);

/* Split line into row (counts into buf, ncols wide); false if no label. */
static bool parse_row(char *line, const int *cpus, int ncols, uint64_t *buf,
		      struct irq_row *row)
{
	char *colon = strchr(line, ':'), *p;

	if (!colon)
		return false;
	*colon = '\0';
	row->label = line + strspn(line, " ");
	row->cpus = cpus;
	row->counts = buf;
	row->ncols = ncols;
	row->ncounts = 0;
	for (p = colon + 1; row->ncounts < ncols; row->ncounts++) {
		char *end;

		p += strspn(p, " \t");
		if (!isdigit((unsigned char)*p))
			break;
		buf[row->ncounts] = strtoull(p, &end, 10);
		p = end;
	}
	row->rest = p;
	return true;
}

/*
 * Read root/proc/interrupts, the one reader of it: fn(row, opaque) for
 * every row after the CPU header. 0 or -errno.
 */
static int scan_interrupts(const char *root, irq_row_fn *fn, void *opaque)
{
	char path[PATH_MAX], *line = NULL;
	size_t cap = 0;
	uint64_t *counts = NULL;
	int *cpus = NULL, ncols, ret = 0;
	FILE *f;

	ret = aff__path(path, sizeof(path), "%s/proc/interrupts", root);
	if (ret)
		return ret;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	cpus = calloc(AFF_MAX_CPUS, sizeof(*cpus));
	counts = calloc(AFF_MAX_CPUS, sizeof(*counts));
	if (!cpus || !counts) {
		ret = -ENOMEM;
		goto out;
	}
	if (getline(&line, &cap, f) < 0) {
		ret = -ENODATA;
		goto out;
	}
	ncols = parse_header(line, cpus, AFF_MAX_CPUS);
	while (getline(&line, &cap, f) >= 0) {
		struct irq_row row;

		if (parse_row(line, cpus, ncols, counts, &row))
			fn(&row, opaque);
	}
out:
	free(line);
	free(counts);
	free(cpus);
	fclose(f);
	return ret;
}

static void read_affinity(const char *root, struct aff_irq *irq)
{
	char line[1024];

	if (!aff__read_line(line, sizeof(line),
			    "%s/proc/irq/%d/smp_affinity_list", root,
			    irq->irq) &&
	    !aff_cpuset_parse(line, &irq->affinity))
		irq->affinity_known = true;
	if (!aff__read_line(line, sizeof(line),
			    "%s/proc/irq/%d/effective_affinity_list", root,
			    irq->irq) &&
	    !aff_cpuset_parse(line, &irq->effective))
		irq->effective_known = true;
}

/* The device's vectors: what aff__irq_probe looks for and fills. */
struct dev_scan {
	const char *root;
	const int *irqs;
	int nirqs;
	struct aff_device *dev;
};

/* The row's count, busiest CPU and name (its last word) into irq. */
static void fill_irq(const struct irq_row *row, struct aff_irq *irq)
{
	uint64_t best = 0;
	char *tok, *save, *last = NULL;

	irq->count = 0;
	irq->top_cpu = -1;
	for (int i = 0; i < row->ncounts; i++) {
		irq->count += row->counts[i];
		if (row->counts[i] > best) {
			best = row->counts[i];
			irq->top_cpu = row->cpus[i];
		}
	}
	for (tok = strtok_r(row->rest, " \t\n", &save); tok;
	     tok = strtok_r(NULL, " \t\n", &save))
		last = tok;
	aff__strlcpy(irq->name, last ? last : "", sizeof(irq->name));
}

static void device_row(struct irq_row *row, void *opaque)
{
	struct dev_scan *sc = opaque;
	struct aff_device *dev = sc->dev;
	struct aff_irq irq = { 0 };
	char *end;
	long n = strtol(row->label, &end, 10);

	if (end == row->label || *end)
		return;
	irq.irq = (int)n;
	if (find_irq(sc->irqs, sc->nirqs, irq.irq) < 0)
		return;
	fill_irq(row, &irq);
	if (!is_completion_vector(irq.name, dev->ctrl))
		return;
	dev->nirqs_total++;
	if (dev->nirqs >= AFF_MAX_IRQS)
		return;
	read_affinity(sc->root, &irq);
	dev->irqs[dev->nirqs++] = irq;
}

/* Whether tok names an interrupt of the driver device prefix. */
static bool irq_name_matches(const char *tok, const char *prefix)
{
	size_t n = strlen(prefix);

	if (!n || strncmp(tok, prefix, n) != 0)
		return false;
	/* "virtio1" must not match "virtio10-req.0". */
	return !isdigit((unsigned char)tok[n]);
}

struct name_scan {
	const char *prefix;
	struct aff_irq_counts *out;
};

static void name_row(struct irq_row *row, void *opaque)
{
	struct name_scan *sc = opaque;
	struct aff_irq_counts *c = sc->out;
	char *tok, *save;
	bool match = false;

	/* Device rows count on every CPU; summary rows (ERR) do not. */
	if (row->ncounts < row->ncols)
		return;
	for (tok = strtok_r(row->rest, " \t\n,", &save); tok && !match;
	     tok = strtok_r(NULL, " \t\n,", &save))
		match = irq_name_matches(tok, sc->prefix);
	if (!match)
		return;
	for (int i = 0; i < row->ncounts; i++) {
		int cpu = row->cpus[i];

		c->total += row->counts[i];
		if (cpu < 0 || cpu >= AFF_MAX_CPUS)
			continue;
		c->cpu[cpu] += row->counts[i];
		if (cpu + 1 > c->ncpus)
			c->ncpus = cpu + 1;
	}
}

int aff__irq_counts(const char *root, const char *prefix,
		    struct aff_irq_counts *out)
{
	struct name_scan sc = { prefix, out };

	memset(out, 0, sizeof(*out));
	if (!prefix || !*prefix)
		return -EINVAL;
	return scan_interrupts(root, name_row, &sc);
}

int aff_irq_counts(const char *prefix, struct aff_irq_counts *out)
{
	return aff__irq_counts("", prefix, out);
}

static void choose_irq_cpu(struct aff_device *dev)
{
	const struct aff_irq *best = NULL;

	for (int i = 0; i < dev->nirqs; i++)
		if (!best || dev->irqs[i].count > best->count)
			best = &dev->irqs[i];
	if (!best) {
		snprintf(dev->irq_note, sizeof(dev->irq_note),
			 "no completion interrupt of %s found in "
			 "/proc/interrupts", *dev->pci ? dev->pci : dev->disk);
		return;
	}
	if (best->effective_known &&
	    aff_cpuset_count(&best->effective) == 1) {
		dev->irq_cpu = aff_cpuset_first(&best->effective);
		snprintf(dev->irq_note, sizeof(dev->irq_note),
			 "irq %d (%s): effective affinity CPU %d", best->irq,
			 best->name, dev->irq_cpu);
	} else if (best->top_cpu >= 0) {
		dev->irq_cpu = best->top_cpu;
		snprintf(dev->irq_note, sizeof(dev->irq_note),
			 "irq %d (%s): CPU %d took most of its interrupts",
			 best->irq, best->name, dev->irq_cpu);
	} else {
		snprintf(dev->irq_note, sizeof(dev->irq_note),
			 "irq %d (%s): effective affinity unreadable and no "
			 "interrupts counted yet", best->irq, best->name);
	}
}

int aff__irq_probe(const char *root, const char *pci, struct aff_device *dev)
{
	int *irqs = calloc(MAX_DEV_IRQS, sizeof(*irqs));
	int n, ret;

	if (!irqs)
		return -ENOMEM;
	n = list_irqs(pci, irqs, MAX_DEV_IRQS);
	if (!n) {
		snprintf(dev->irq_note, sizeof(dev->irq_note),
			 "%s lists no interrupts (msi_irqs, irq)", dev->pci);
		free(irqs);
		return 0;
	}
	ret = scan_interrupts(root, device_row,
			      &(struct dev_scan){ root, irqs, n, dev });
	free(irqs);
	if (ret) {
		snprintf(dev->irq_note, sizeof(dev->irq_note),
			 "/proc/interrupts unreadable: %s", strerror(-ret));
		return 0;
	}
	choose_irq_cpu(dev);
	return 0;
}
