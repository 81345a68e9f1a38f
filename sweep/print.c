/*
 * print.c: what a sweep tells its user: the planned grid (--dry-run),
 * the estimated time, what fio leaves out and each run's progress line.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sweep/sweep-internal.h"
#include "util/spawn.h"

void sw_fmt_duration(double s, char *buf, size_t size)
{
	long t = (long)(s + 0.5);

	if (t >= 3600)
		snprintf(buf, size, "%ld:%02ld:%02ld", t / 3600,
			 t / 60 % 60, t % 60);
	else
		snprintf(buf, size, "%ld:%02ld", t / 60, t % 60);
}

double sw_estimate_s(const struct sw_plan *p, const bool *done)
{
	double s = 0;

	for (size_t i = 0; i < p->nruns; i++) {
		const struct sw_point *pt = &p->points[p->runs[i].point];

		if (done && done[i])
			continue;
		s += (double)(pt->runtime_ns + pt->ramp_ns +
			      SW_RUN_OVERHEAD_NS) / 1e9;
	}
	return s;
}

void sw_label_dims(struct sw_sweep *s)
{
	struct sw_grid g = { 0 };

	g.points = s->plan.points;
	g.npoints = s->plan.npoints;
	sw_grid_varying(&g, s->show);
	s->show[SW_DIM_IODEPTH] = true;
	s->show[SW_DIM_POLL_MAX_NS] = true;
}

void sw_print_fio_notes(const struct sw_sweep *s, FILE *f)
{
	for (int i = 0; i < s->fio_grid.nnotes; i++)
		fprintf(f, "aiotune: fio: skipped %s: %s\n",
			s->fio_grid.notes[i].what, s->fio_grid.notes[i].why);
}

/* Each point's fio command line (a fio sweep's dry run). */
static void print_fio_commands(const struct sw_sweep *s, FILE *f)
{
	const struct sw_plan *p = &s->plan;

	fprintf(f, "\nfio command lines (each run has its own --randseed):\n");
	for (size_t i = 0; i < p->npoints; i++) {
		char why[512];
		char **a = sw_fio_point_argv(&p->points[i], "fio", "OUT.json",
					     why, sizeof(why));

		fprintf(f, "  %5zu", i);
		for (int k = 0; a && a[k]; k++)
			fprintf(f, " %s", a[k]);
		if (!a)
			fprintf(f, " (skipped: %s)", why);
		fputc('\n', f);
		util_argv_free(a);
	}
	fputc('\n', f);
	sw_print_fio_notes(s, f);
}

void sw_sweep_print_plan(const struct sw_sweep *s, FILE *f)
{
	const struct sw_plan *p = &s->plan;
	const struct sw_point *p0 = &p->points[0];
	char est[32], v[RES_TARGET_MAX];
	bool sections = false;

	for (size_t i = 1; i < p->npoints; i++)
		sections |= strcmp(p->points[i].section, p0->section) != 0;
	fprintf(f, "sweep '%s': %zu points x %d repetitions = %zu runs, seed "
		"%" PRIu64 "\n", s->name, p->npoints, p->repetitions,
		p->nruns, p->seed);
	fprintf(f, "fixed:");
	for (int d = 0; d < SW_NR_DIMS; d++) {
		if (s->show[d])
			continue;
		sw_point_value(p0, (enum sw_dim)d, v, sizeof(v));
		fprintf(f, " %s=%s", sw_dim_key((enum sw_dim)d), v);
	}
	fprintf(f, "\n\n  point %s", sections ? " section     " : "");
	for (int d = 0; d < SW_NR_DIMS; d++)
		if (s->show[d])
			fprintf(f, " %12s", sw_dim_key((enum sw_dim)d));
	fputc('\n', f);
	for (size_t i = 0; i < p->npoints; i++) {
		fprintf(f, "  %5zu", i);
		if (sections)
			fprintf(f, " %-12s", p->points[i].section);
		for (int d = 0; d < SW_NR_DIMS; d++) {
			if (!s->show[d])
				continue;
			sw_point_value(&p->points[i], (enum sw_dim)d, v,
				       sizeof(v));
			fprintf(f, " %12s", v);
		}
		fputc('\n', f);
	}
	if (s->o->fio)
		print_fio_commands(s, f);
	sw_fmt_duration(sw_estimate_s(p, NULL), est, sizeof(est));
	fprintf(f, "\nestimated time: %s (runtime + ramp + about %.1f s "
		"start-up per run)\n", est, SW_RUN_OVERHEAD_NS / 1e9);
}

void sw_print_progress(const struct sw_sweep *s, size_t slot, size_t nth,
		       size_t total, double eta_s, const struct res_row *last)
{
	const struct sw_slot *sl = &s->plan.runs[slot];
	char label[512], eta[32];

	sw_point_label(&s->plan.points[sl->point], s->show, label,
		       sizeof(label));
	sw_fmt_duration(eta_s, eta, sizeof(eta));
	if (s->tty) {
		fprintf(stderr, "\r\033[K[%zu/%zu] %s rep %d/%d  ETA %s", nth,
			total, label, sl->rep, s->plan.repetitions, eta);
		if (last)
			fprintf(stderr, "  (last: %.0f IOPS)", last->iops);
	} else if (last) {
		fprintf(stderr, "[%zu/%zu] %s rep %d/%d: %.0f IOPS, p99 %.1f "
			"us, IOThread CPU %.0f%%, ETA %s\n", nth, total, label,
			sl->rep, s->plan.repetitions, last->iops,
			last->lat_p99_ns / 1000, last->cpu_iothread_pct, eta);
	}
	fflush(stderr);
}
