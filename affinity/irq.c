/*
 * irq.c: the completion interrupts of a device and the CPUs they go to.
 *
 * The PCI function lists its interrupt numbers in msi_irqs/ (or one legacy
 * line in irq). /proc/interrupts gives each one's name and per-CPU counts;
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
	int n = 0;

	for (char *tok = strtok(line, " \t\n"); tok && n < max;
	     tok = strtok(NULL, " \t\n"))
		if (!strncmp(tok, "CPU", 3))
			cpus[n++] = atoi(tok + 3);
	return n;
}

/* One "N: c0 c1 ... chip hwirq name" row into irq. */
static void parse_row(char *rest, const int *cpus, int ncpus,
		      struct aff_irq *irq)
{
	uint64_t best = 0;
	char *tok, *last = NULL, *save;
	int col = 0;

	irq->count = 0;
	irq->top_cpu = -1;
	for (tok = strtok_r(rest, " \t\n", &save); tok;
	     tok = strtok_r(NULL, " \t\n", &save)) {
		if (col < ncpus && isdigit((unsigned char)tok[0])) {
			uint64_t v = strtoull(tok, NULL, 10);

			irq->count += v;
			if (v > best) {
				best = v;
				irq->top_cpu = cpus[col];
			}
			col++;
			continue;
		}
		col = ncpus;
		last = tok;
	}
	aff__strlcpy(irq->name, last ? last : "", sizeof(irq->name));
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

static int scan_interrupts(const char *root, const int *irqs, int nirqs,
			   struct aff_device *dev)
{
	char path[PATH_MAX], *line = NULL, *end;
	size_t cap = 0;
	int *cpus, ncpus, ret = 0;
	FILE *f;

	ret = aff__path(path, sizeof(path), "%s/proc/interrupts", root);
	if (ret)
		return ret;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	cpus = calloc(AFF_MAX_CPUS, sizeof(*cpus));
	if (!cpus) {
		fclose(f);
		return -ENOMEM;
	}
	if (getline(&line, &cap, f) < 0) {
		ret = -ENODATA;
		goto out;
	}
	ncpus = parse_header(line, cpus, AFF_MAX_CPUS);
	while (getline(&line, &cap, f) >= 0) {
		long n = strtol(line, &end, 10);
		struct aff_irq irq = { .irq = (int)n };

		if (end == line || *end != ':' || find_irq(irqs, nirqs, irq.irq) < 0)
			continue;
		parse_row(end + 1, cpus, ncpus, &irq);
		if (!is_completion_vector(irq.name, dev->ctrl))
			continue;
		dev->nirqs_total++;
		if (dev->nirqs >= AFF_MAX_IRQS)
			continue;
		read_affinity(root, &irq);
		dev->irqs[dev->nirqs++] = irq;
	}
out:
	free(line);
	free(cpus);
	fclose(f);
	return ret;
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
	ret = scan_interrupts(root, irqs, n, dev);
	free(irqs);
	if (ret) {
		snprintf(dev->irq_note, sizeof(dev->irq_note),
			 "/proc/interrupts unreadable: %s", strerror(-ret));
		return 0;
	}
	choose_irq_cpu(dev);
	return 0;
}
