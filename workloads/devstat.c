/*
 * devstat.c: block device counters and interrupt counts of a real target,
 * sampled before and after a run (read by affinity/host.h: the disk's
 * stat in sysfs, its rows of /proc/interrupts).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "affinity/host.h"
#include "workloads/devstat.h"

int wl_devstat_init(struct wl_devstat *s, const char *disk)
{
	char ctrl[64];

	memset(s, 0, sizeof(*s));
	if (!disk || !*disk || strlen(disk) >= sizeof(s->disk))
		return -ENOENT;
	snprintf(s->disk, sizeof(s->disk), "%s", disk);
	if (!aff_disk_has_stat(disk))
		return -ENOENT;
	/* NVMe: .../nvme/nvme0 is the controller; virtio: virtioN. */
	if (!aff_disk_ctrl(disk, ctrl, sizeof(ctrl)) &&
	    (!strncmp(ctrl, "virtio", 6) || !strncmp(ctrl, "nvme", 4))) {
		snprintf(s->irq_prefix, sizeof(s->irq_prefix), "%s", ctrl);
		s->has_irqs = true;
	}
	return 0;
}

static int sample_irqs(struct wl_devstat *s)
{
	struct aff_irq_counts *c;
	int ret;

	s->irqs = 0;
	memset(s->irqs_cpu, 0, sizeof(s->irqs_cpu));
	if (!s->has_irqs)
		return 0;
	c = malloc(sizeof(*c));
	if (!c)
		return -ENOMEM;
	ret = aff_irq_counts(s->irq_prefix, c);
	if (!ret) {
		s->irqs = c->total;
		s->ncpus = c->ncpus;
		memcpy(s->irqs_cpu, c->cpu, sizeof(s->irqs_cpu));
	}
	free(c);
	return ret;
}

int wl_devstat_sample(struct wl_devstat *s)
{
	struct aff_disk_stat st;
	int ret = aff_disk_stat(s->disk, &st);

	if (ret)
		return ret;
	s->rd_ios = st.rd_ios;
	s->rd_merges = st.rd_merges;
	s->rd_sectors = st.rd_sectors;
	s->rd_ticks_ms = st.rd_ticks_ms;
	s->wr_ios = st.wr_ios;
	s->wr_merges = st.wr_merges;
	s->wr_sectors = st.wr_sectors;
	s->wr_ticks_ms = st.wr_ticks_ms;
	s->in_flight = st.in_flight;
	s->io_ticks_ms = st.io_ticks_ms;
	s->time_in_queue_ms = st.time_in_queue_ms;
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
