/* fio-grid.c: an aiotune grid's points as fio runs them (fio-grid.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results/summary.h"
#include "sweep/fio-grid.h"

static void note(struct sw_fio_grid *g, const char *what, const char *why)
{
	for (int i = 0; i < g->nnotes; i++)
		if (!strcmp(g->notes[i].what, what) &&
		    !strcmp(g->notes[i].why, why))
			return;
	if (g->nnotes == SW_FIO_MAX_NOTES)
		return;
	snprintf(g->notes[g->nnotes].what, sizeof(g->notes[0].what), "%s",
		 what);
	snprintf(g->notes[g->nnotes].why, sizeof(g->notes[0].why), "%s", why);
	g->nnotes++;
}

/* The polling settings of p that fio cannot express, as one note. */
static void note_polling(struct sw_fio_grid *g, const struct sw_point *in,
			 size_t n)
{
	char what[160] = "poll-max-ns=";
	size_t len = strlen(what);
	bool any = false, other = false;

	for (size_t i = 0; i < n; i++) {
		char v[16];
		bool seen = false;

		other |= strcmp(in[i].poll_policy, in[0].poll_policy) ||
			 in[i].poll_grow != in[0].poll_grow ||
			 in[i].poll_shrink != in[0].poll_shrink ||
			 in[i].poll_weight != in[0].poll_weight ||
			 strcmp(in[i].fdmon, in[0].fdmon) ||
			 strcmp(in[i].uring_ring, in[0].uring_ring) ||
			 strcmp(in[i].ring_flags, in[0].ring_flags);
		if (!in[i].poll_max_ns)
			continue;
		for (size_t k = 0; k < i && !seen; k++)
			seen = in[k].poll_max_ns == in[i].poll_max_ns;
		if (seen)
			continue;
		res_fmt_ns_short(in[i].poll_max_ns, v, sizeof(v));
		if (len + strlen(v) + 6 < sizeof(what))
			len += (size_t)snprintf(what + len, sizeof(what) - len,
						"%s%s", any ? "," : "", v);
		any = true;
	}
	if (any)
		note(g, what, "fio has no event loop to poll in: one fio run "
		     "of the workload is the baseline for every window");
	if (other)
		note(g, "poll-policy/grow/shrink/weight/fdmon/uring-ring/"
		     "ring-flags", "loop settings "
		     "fio does not have: the fio run stands for all of them");
}

int sw_fio_grid_build(const struct sw_point *in, size_t n, unsigned mask,
		      bool (*hipri_ok)(const char *target, char *why,
				    size_t whylen),
		      struct sw_fio_grid *g)
{
	memset(g, 0, sizeof(*g));
	g->points = calloc(n * WL_FIO_NR_VARIANTS + 1, sizeof(*g->points));
	if (!g->points)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct wl_job job;
		char why[256], what[160], val[RES_TARGET_MAX];
		const char *dim;
		int d;

		if (sw_point_job(&in[i], &job, why, sizeof(why))) {
			note(g, in[i].rw, why);
			continue;
		}
		for (int v = 0; v < WL_FIO_NR_VARIANTS; v++) {
			struct sw_point q = in[i];
			bool dup = false;

			if (!(mask & (1u << v)))
				continue;
			if (!wl_fio_expressible(&job, (enum wl_fio_variant)v,
						&dim, why, sizeof(why))) {
				/* A variant of an engine without it: --help. */
				if (v && !strcmp(dim, "engine"))
					continue;
				d = sw_dim_find(dim);
				if (d >= 0)
					sw_point_value(&in[i],
						       (enum sw_dim)d, val,
						       sizeof(val));
				else
					snprintf(val, sizeof(val), "on");
				snprintf(what, sizeof(what), "%s=%.120s%s%s",
					 dim, val, v ? " variant " : "",
					 v ? wl_fio_variant_name(
						 (enum wl_fio_variant)v) : "");
				note(g, what, why);
				continue;
			}
			if (v == WL_FIO_HIPRI && hipri_ok &&
			    !hipri_ok(job.target, why, sizeof(why))) {
				snprintf(what, sizeof(what), "hipri on %.140s",
					 job.target);
				note(g, what, why);
				continue;
			}
			wl_fio_engine_name(job.engine, (enum wl_fio_variant)v,
					   q.engine, sizeof(q.engine), why,
					   sizeof(why));
			q.poll_max_ns = 0;
			snprintf(q.poll_policy, sizeof(q.poll_policy), "off");
			q.poll_grow = 0;
			q.poll_shrink = 0;
			q.poll_weight = 0;
			snprintf(q.fdmon, sizeof(q.fdmon), "auto");
			snprintf(q.uring_ring, sizeof(q.uring_ring), "auto");
			snprintf(q.ring_flags, sizeof(q.ring_flags), "auto");
			/* The virtio guest's pause: not fio's (direct only). */
			snprintf(q.guest_think, sizeof(q.guest_think), "0");
			for (size_t k = 0; k < g->n && !dup; k++)
				dup = sw_point_equal(&g->points[k], &q);
			if (!dup)
				g->points[g->n++] = q;
		}
	}
	note_polling(g, in, n);
	return 0;
}

char **sw_fio_point_argv(const struct sw_point *p, const char *fio_bin,
			 const char *json_out, char *why, size_t whylen)
{
	struct sw_point q = *p;
	struct wl_job job;
	enum wl_fio_variant v;
	char cpus[512];
	int ret;

	if (wl_fio_engine_split(p->engine, q.engine, sizeof(q.engine), &v)) {
		snprintf(why, whylen, "engine '%s' is not a fio engine name",
			 p->engine);
		return NULL;
	}
	if (sw_point_job(&q, &job, why, whylen))
		return NULL;
	ret = wl_fio_placement_cpus(&job, cpus, sizeof(cpus), why, whylen);
	if (ret)
		return NULL;
	return wl_fio_argv(fio_bin, &job, v, cpus, json_out);
}

void sw_fio_grid_free(struct sw_fio_grid *g)
{
	free(g->points);
	memset(g, 0, sizeof(*g));
}
