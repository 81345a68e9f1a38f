/*
 * devstat.c: block device counters (/sys/block/<disk>/stat) and interrupt
 * counts (/proc/interrupts) of a real target, sampled before and after a
 * run.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "workloads/devstat.h"

/* Whether tok names an interrupt of the driver device prefix. */
static bool irq_name_matches(const char *tok, const char *prefix)
{
	size_t n = strlen(prefix);

	if (!n || strncmp(tok, prefix, n) != 0)
		return false;
	/* "virtio1" must not match "virtio10-req.0". */
	return !isdigit((unsigned char)tok[n]);
}

int wl_devstat_init(struct wl_devstat *s, const char *disk)
{
	char link[PATH_MAX], dev[PATH_MAX];
	const char *base;
	int n;

	memset(s, 0, sizeof(*s));
	if (!disk || !*disk || strlen(disk) >= sizeof(s->disk))
		return -ENOENT;
	snprintf(s->disk, sizeof(s->disk), "%s", disk);
	n = snprintf(link, sizeof(link), "/sys/block/%s/stat", disk);
	if (n < 0 || (size_t)n >= sizeof(link) || access(link, R_OK))
		return -ENOENT;
	snprintf(link, sizeof(link), "/sys/block/%s/device", disk);
	if (realpath(link, dev)) {
		base = strrchr(dev, '/');
		base = base ? base + 1 : dev;
		/* NVMe: .../nvme/nvme0 is the controller; virtio: virtioN. */
		if (strncmp(base, "virtio", 6) == 0 ||
		    strncmp(base, "nvme", 4) == 0) {
			snprintf(s->irq_prefix, sizeof(s->irq_prefix), "%.63s",
				 base);
			s->has_irqs = true;
		}
	}
	return 0;
}

static int sample_stat(struct wl_devstat *s)
{
	char path[128];
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/sys/block/%s/stat", s->disk);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	n = fscanf(f, "%lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu",
		   &s->rd_ios, &s->rd_merges, &s->rd_sectors, &s->rd_ticks_ms,
		   &s->wr_ios, &s->wr_merges, &s->wr_sectors, &s->wr_ticks_ms,
		   &s->in_flight, &s->io_ticks_ms, &s->time_in_queue_ms);
	fclose(f);
	return n == 11 ? 0 : -EIO;
}

/* Column index -> CPU number, from the "CPU0 CPU1 ..." header. */
static int parse_cpu_header(const char *line, int *cpu_of, int max)
{
	int ncol = 0;
	const char *p = line;

	while ((p = strstr(p, "CPU")) && ncol < max) {
		cpu_of[ncol++] = atoi(p + 3);
		p += 3;
	}
	return ncol;
}

/* Add one /proc/interrupts row when it belongs to the device. */
static void sample_irq_row(struct wl_devstat *s, char *line,
			   const int *cpu_of, int ncol)
{
	uint64_t counts[WL_DEVSTAT_MAX_CPUS];
	char *p = strchr(line, ':'), *tok, *save;
	bool match = false;
	int i;

	if (!p)
		return;
	p++;
	for (i = 0; i < ncol; i++) {
		char *end;

		counts[i] = strtoull(p, &end, 10);
		if (end == p)
			return; /* NMI/LOC rows end early: not a device */
		p = end;
	}
	for (tok = strtok_r(p, " \t\n,", &save); tok;
	     tok = strtok_r(NULL, " \t\n,", &save))
		if (irq_name_matches(tok, s->irq_prefix))
			match = true;
	if (!match)
		return;
	for (i = 0; i < ncol; i++) {
		s->irqs += counts[i];
		if (cpu_of[i] >= 0 && cpu_of[i] < WL_DEVSTAT_MAX_CPUS)
			s->irqs_cpu[cpu_of[i]] += counts[i];
		if (cpu_of[i] + 1 > s->ncpus)
			s->ncpus = cpu_of[i] + 1;
	}
}

static int sample_irqs(struct wl_devstat *s)
{
	int cpu_of[WL_DEVSTAT_MAX_CPUS];
	char *line = NULL;
	size_t cap = 0;
	int ncol = 0;
	FILE *f;

	s->irqs = 0;
	memset(s->irqs_cpu, 0, sizeof(s->irqs_cpu));
	if (!s->has_irqs)
		return 0;
	f = fopen("/proc/interrupts", "r");
	if (!f)
		return -errno;
	if (getline(&line, &cap, f) > 0)
		ncol = parse_cpu_header(line, cpu_of, WL_DEVSTAT_MAX_CPUS);
	while (ncol > 0 && getline(&line, &cap, f) > 0)
		sample_irq_row(s, line, cpu_of, ncol);
	free(line);
	fclose(f);
	return 0;
}

int wl_devstat_sample(struct wl_devstat *s)
{
	int ret = sample_stat(s);

	if (ret)
		return ret;
	return sample_irqs(s);
}

void wl_devstat_delta(const struct wl_devstat *a, const struct wl_devstat *b,
		      struct wl_devstat *d)
{
	*d = *b;
	d->rd_ios = b->rd_ios - a->rd_ios;
	d->rd_merges = b->rd_merges - a->rd_merges;
	d->rd_sectors = b->rd_sectors - a->rd_sectors;
	d->rd_ticks_ms = b->rd_ticks_ms - a->rd_ticks_ms;
	d->wr_ios = b->wr_ios - a->wr_ios;
	d->wr_merges = b->wr_merges - a->wr_merges;
	d->wr_sectors = b->wr_sectors - a->wr_sectors;
	d->wr_ticks_ms = b->wr_ticks_ms - a->wr_ticks_ms;
	d->io_ticks_ms = b->io_ticks_ms - a->io_ticks_ms;
	d->time_in_queue_ms = b->time_in_queue_ms - a->time_in_queue_ms;
	d->irqs = b->irqs - a->irqs;
	for (int i = 0; i < WL_DEVSTAT_MAX_CPUS; i++)
		d->irqs_cpu[i] = b->irqs_cpu[i] - a->irqs_cpu[i];
}

int wl_devstat_top_cpu(const struct wl_devstat *d)
{
	uint64_t best = 0;
	int cpu = -1;

	for (int i = 0; i < d->ncpus && i < WL_DEVSTAT_MAX_CPUS; i++) {
		if (d->irqs_cpu[i] > best) {
			best = d->irqs_cpu[i];
			cpu = i;
		}
	}
	return cpu;
}
