/* plot.c: gnuplot data files for each figure, and running the scripts. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "plots/plot.h"
#include "results/atomic.h"
#include "results/fleet.h"
#include "results/runjson.h"
#include "util/datadir.h"
#include "util/spawn.h"
#include "workloads/fio-cmd.h"

static bool has_script(const char *dir)
{
	char p[PATH_MAX];

	if (res_join(p, sizeof(p), dir, "iops.gp"))
		return false;
	return access(p, R_OK) == 0;
}

int plot_scripts_dir(char *buf, size_t size)
{
	const char *env = getenv("AIOTUNE_PLOTS");
	char *slash;

	if (env && *env) {
		snprintf(buf, size, "%s", env);
		return has_script(buf) ? 0 : -ENOENT;
	}
	if (util_data_find("plots/iops.gp", buf, size))
		return -ENOENT;
	slash = strrchr(buf, '/');
	*slash = '\0';
	return 0;
}

/* A curve title for a data block (gnuplot reads it with columnheader). */
static void put_title(FILE *f, const char *t)
{
	fputc('"', f);
	for (; *t; t++)
		fputc(*t == '"' ? '\'' : *t, f);
	fputs("\"\n", f);
}

static void put_num(FILE *f, double v, double scale)
{
	if (isnan(v))
		fputs(" NaN", f);
	else
		fprintf(f, " %.6g", v * scale);
}

static void put_stat(FILE *f, const struct res_stat *st, double scale)
{
	put_num(f, st->med, scale);
	put_num(f, st->min, scale);
	put_num(f, st->max, scale);
}

/* Where poll-max-ns 0 sits on the log axis: one octave left of the
 * smallest non-zero value. */
static double zero_pos(const struct res_summary *s)
{
	int64_t lo = 0;

	for (size_t i = 0; i < s->naggs; i++) {
		int64_t p = s->aggs[i].key.poll_max_ns;

		if (p > 0 && (lo == 0 || p < lo))
			lo = p;
	}
	return lo ? (double)lo / 2 : 1;
}

/*
 * curves.dat, one block per curve; columns: 1 x position, 2 poll-max-ns,
 * 3 tick label, then median, min, max of: 4-6 IOPS, 7-9 p50 latency (us),
 * 10-12 p99 latency (us), 13-15 IOThread CPU %, 16-18 IOPS per CPU,
 * 19-21 poll hit %; 22 is 1 on the rows of a fio curve. A fio curve (one
 * point: fio has no poll window) is two rows, at the axis' ends, so it
 * is drawn flat; fio curves come after all others (the scripts dash the
 * last sum(column 22) / 2 blocks).
 */
static bool is_flat(const struct res_summary *s, const struct res_series *c)
{
	return c->n == 1 && wl_engine_is_fio(s->aggs[c->pts[0]].key.engine);
}

static void write_curve(FILE *f, const struct res_summary *s,
			const struct res_series *c, double x0, int64_t xmax)
{
	static const struct { enum res_metric m; double scale; } cols[] = {
		{ RES_M_IOPS, 1 }, { RES_M_LAT_P50, 1e-3 },
		{ RES_M_LAT_P99, 1e-3 }, { RES_M_CPU, 1 },
		{ RES_M_IOPS_PER_CPU, 1 }, { RES_M_POLL_HIT, 1 },
	};
	bool flat = is_flat(s, c);
	char title[300], *off;

	snprintf(title, sizeof(title), "%s", c->label);
	/* "poll-policy=off" says nothing about a fio run. */
	off = flat ? strstr(title, " poll-policy=off") : NULL;
	if (off)
		memmove(off, off + 16, strlen(off + 16) + 1);
	if (flat)
		strncat(title, " (fio, flat)", sizeof(title) - strlen(title) - 1);
	put_title(f, title);
	for (size_t i = 0; i < c->n + (flat && xmax > 0); i++) {
		const struct res_agg *a = &s->aggs[c->pts[i < c->n ? i : 0]];
		int64_t p = i < c->n ? a->key.poll_max_ns : xmax;
		char lab[16];

		res_fmt_ns_short(p, lab, sizeof(lab));
		fprintf(f, "%.6g %" PRId64 " \"%s\"", p ? (double)p : x0, p,
			lab);
		for (size_t k = 0; k < sizeof(cols) / sizeof(cols[0]); k++)
			put_stat(f, &a->m[cols[k].m], cols[k].scale);
		fprintf(f, " %d\n", flat);
	}
}

static int write_curves(const struct res_summary *s, const char *path)
{
	double x0 = zero_pos(s);
	int64_t xmax = 0;
	bool first = true;
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	for (size_t i = 0; i < s->naggs; i++)
		if (s->aggs[i].key.poll_max_ns > xmax)
			xmax = s->aggs[i].key.poll_max_ns;
	fprintf(f, "# aiotune curves: x poll_max_ns label, then median min "
		"max of iops lat_p50_us lat_p99_us cpu_iothread_pct "
		"iops_per_cpu poll_hit_pct, then fio\n");
	for (int pass = 0; pass < 2; pass++) {
		for (size_t j = 0; j < s->nseries; j++) {
			if (is_flat(s, &s->series[j]) != (pass == 1))
				continue;
			if (!first)
				fputs("\n\n", f);
			first = false;
			write_curve(f, s, &s->series[j], x0, xmax);
		}
	}
	return fclose(f) ? -errno : 0;
}

#define WINDOW_RUNS 5

/* Up to WINDOW_RUNS poll-max-ns values of curve c over its range. */
static int pick_windows(const struct res_summary *s,
			const struct res_series *c, size_t *idx)
{
	size_t nz[64], n = 0;
	int k = 0;

	for (size_t i = 0; i < c->n && n < 64; i++)
		if (s->aggs[c->pts[i]].key.poll_max_ns > 0)
			nz[n++] = c->pts[i];
	if (n <= WINDOW_RUNS) {
		for (size_t i = 0; i < n; i++)
			idx[k++] = nz[i];
		return k;
	}
	for (int i = 0; i < WINDOW_RUNS; i++) {
		size_t at = (size_t)i * (n - 1) / (WINDOW_RUNS - 1);

		if (k == 0 || idx[k - 1] != nz[at])
			idx[k++] = nz[at];
	}
	return k;
}

static int write_trace(FILE *f, const char *dir, const struct res_agg *a,
		       const char *title, bool first)
{
	char path[PATH_MAX], err[256];
	json_t *run, *tr, *win, *job;
	double end_ms;
	size_t n, step;
	int ret;

	if (!a->first || !a->first->json[0])
		return 0;
	snprintf(path, sizeof(path), "%s/%s", dir, a->first->json);
	if (res_run_load(path, &run, err, sizeof(err)))
		return 0;
	tr = json_object_get(json_object_get(run, "loop"), "window_trace");
	win = json_object_get(json_object_get(run, "loop"), "window_ns");
	job = json_object_get(run, "job");
	/* Trace times count from the start of the measured window. */
	end_ms = json_number_value(json_object_get(job, "runtime_ns")) / 1e6;
	n = json_array_size(tr);
	ret = 0;
	if (n >= 1 || (json_is_number(win) && end_ms > 0)) {
		double last = json_number_value(win) / 1e3;

		step = n / 2000 + 1;
		if (!first)
			fputs("\n\n", f);
		put_title(f, title);
		if (n == 0)
			fprintf(f, "0 %.6g\n", last);
		for (size_t i = 0; i < n; i += step) {
			json_t *e = json_array_get(tr, i);

			last = json_number_value(json_array_get(e, 1)) / 1e3;
			fprintf(f, "%.6f %.6g\n",
				json_number_value(json_array_get(e, 0)) / 1e6,
				last);
		}
		/* The window holds its last value to the end of the run. */
		if (n)
			end_ms = fmax(end_ms, json_number_value(json_array_get(
				json_array_get(tr, n - 1), 0)) / 1e6);
		if (end_ms > 0)
			fprintf(f, "%.6f %.6g\n", end_ms, last);
		ret = 1;
	}
	json_decref(run);
	return ret;
}

/*
 * window.dat: for the first curve of each source, the window trajectory
 * (ms since the measurement started, us) of one run at up to WINDOW_RUNS
 * poll-max-ns values (at most WINDOW_RUNS + 1 runs in all).
 */
static int write_window(const struct res_summary *s, const char *const *dirs,
			const char *path, int *blocks)
{
	FILE *f = fopen(path, "w");

	*blocks = 0;
	if (!f)
		return -errno;
	fprintf(f, "# aiotune window trajectory: time_ms window_us\n");
	for (int src = 0; src < s->nsources; src++) {
		const struct res_series *c = NULL;
		size_t idx[WINDOW_RUNS];
		int n;

		for (size_t j = 0; j < s->nseries && !c; j++)
			if (s->series[j].source == src)
				c = &s->series[j];
		if (!c)
			continue;
		n = pick_windows(s, c, idx);
		for (int i = 0; i < n && *blocks < WINDOW_RUNS + 1; i++) {
			const struct res_agg *a = &s->aggs[idx[i]];
			char t[400], lab[16];

			res_fmt_ns_short(a->key.poll_max_ns, lab, sizeof(lab));
			snprintf(t, sizeof(t), "%s poll-max-ns=%s run %s",
				 c->label, lab, a->first->run_id);
			*blocks += write_trace(f, dirs[src], a, t,
					       *blocks == 0);
		}
	}
	return fclose(f) ? -errno : 0;
}

struct cell {
	int source;
	int64_t iodepth, iothreads;
	char placement[RES_NAME_MAX];
	double iops;
	bool done;
};

static int find_str(char list[][RES_NAME_MAX], int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return i;
	return -1;
}

/*
 * heatmap.dat: one block per (source, iodepth) panel; rows: x index,
 * y index, best median IOPS over poll-max-ns, iothreads, placement.
 * Written only when some panel has more than one cell.
 */
static int write_heat(const struct res_summary *s, const char *path,
		      int *panels)
{
	struct cell *cells = calloc(s->naggs, sizeof(*cells));
	char pl[32][RES_NAME_MAX];
	int64_t th[32];
	int ncells = 0, npl = 0, nth = 0, ret = 0;
	bool multi = false;
	FILE *f;

	*panels = 0;
	if (!cells)
		return -ENOMEM;
	for (size_t i = 0; i < s->naggs; i++) {
		const struct res_agg *a = &s->aggs[i];
		int k;

		for (k = 0; k < ncells; k++)
			if (cells[k].source == a->source &&
			    cells[k].iodepth == a->key.iodepth &&
			    cells[k].iothreads == a->key.iothreads &&
			    !strcmp(cells[k].placement, a->key.placement))
				break;
		if (k == ncells) {
			cells[k].source = a->source;
			cells[k].iodepth = a->key.iodepth;
			cells[k].iothreads = a->key.iothreads;
			strcpy(cells[k].placement, a->key.placement);
			cells[k].iops = 0;
			ncells++;
		}
		if (a->m[RES_M_IOPS].med > cells[k].iops)
			cells[k].iops = a->m[RES_M_IOPS].med;
		if (find_str(pl, npl, a->key.placement) < 0 && npl < 32)
			strcpy(pl[npl++], a->key.placement);
		{
			int t;

			for (t = 0; t < nth; t++)
				if (th[t] == a->key.iothreads)
					break;
			if (t == nth && nth < 32)
				th[nth++] = a->key.iothreads;
		}
	}
	/* Panels in order: source, then iodepth. */
	for (int i = 1; i < ncells; i++)
		for (int k = i; k > 0 && (cells[k - 1].source > cells[k].source ||
					  (cells[k - 1].source == cells[k].source &&
					   cells[k - 1].iodepth > cells[k].iodepth));
		     k--) {
			struct cell t = cells[k];

			cells[k] = cells[k - 1];
			cells[k - 1] = t;
		}
	for (int i = 0; i < ncells && !multi; i++)
		for (int k = 0; k < ncells && !multi; k++)
			multi = k != i && cells[k].source == cells[i].source &&
				cells[k].iodepth == cells[i].iodepth;
	if (!multi)
		goto out;
	/* iothreads ascending. */
	for (int i = 1; i < nth; i++)
		for (int k = i; k > 0 && th[k - 1] > th[k]; k--) {
			int64_t t = th[k];

			th[k] = th[k - 1];
			th[k - 1] = t;
		}
	f = fopen(path, "w");
	if (!f) {
		ret = -errno;
		goto out;
	}
	fprintf(f, "# aiotune heat map: x y iops iothreads placement\n");
	for (int i = 0; i < ncells; i++) {
		char t[300];

		if (cells[i].done)
			continue;
		if (*panels)
			fputs("\n\n", f);
		snprintf(t, sizeof(t), "%s%siodepth=%" PRId64,
			 s->nsources > 1 ? s->source_label[cells[i].source] :
			 "", s->nsources > 1 ? ": " : "", cells[i].iodepth);
		put_title(f, t);
		(*panels)++;
		for (int k = i; k < ncells; k++) {
			int x = 0, y;

			if (cells[k].done || cells[k].source != cells[i].source ||
			    cells[k].iodepth != cells[i].iodepth)
				continue;
			while (x < nth && th[x] != cells[k].iothreads)
				x++;
			y = find_str(pl, npl, cells[k].placement);
			fprintf(f, "%d %d %.6g %" PRId64 " \"%s\"\n", x, y,
				cells[k].iops, cells[k].iothreads,
				cells[k].placement);
			cells[k].done = true;
		}
	}
	if (fclose(f))
		ret = -errno;
out:
	free(cells);
	return ret;
}

/* Run one script for one output file; on failure err gets its log. */
static int run_script(const char *scripts, const char *name,
		      const char *data, const char *out, const char *caption,
		      const char *logdir, char *err, size_t errlen)
{
	char script[PATH_MAX], log[PATH_MAX];
	char *argv[] = { "gnuplot", "-c", script, (char *)data, (char *)out,
			 (char *)caption, NULL };
	struct stat st;
	int status, ret;

	snprintf(script, sizeof(script), "%s/%s.gp", scripts, name);
	snprintf(log, sizeof(log), "%s/gnuplot-%s.log", logdir, name);
	ret = util_spawn_wait(argv, log, log, 60000000000LL, NULL, &status);
	if (ret == -ENOENT) {
		snprintf(err, errlen, "gnuplot is not installed (make deps "
			 "installs it)");
		return ret;
	}
	if (ret) {
		snprintf(err, errlen, "gnuplot %s: %s", name, strerror(-ret));
		return ret;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    stat(out, &st) < 0 || st.st_size == 0) {
		char *text = NULL;

		res_read_file(log, &text, NULL);
		snprintf(err, errlen, "gnuplot -c %s failed (see %s): %.300s",
			 script, log, text ? text : "");
		free(text);
		return -EIO;
	}
	return 0;
}

static int draw(const char *scripts, const char *name, const char *data,
		const struct plot_opts *o, const char *caption,
		const char *logdir, struct plot_out *out, char *err,
		size_t errlen)
{
	static const char *const exts[] = { "png", "svg" };

	for (int e = 0; e < 2; e++) {
		char path[PATH_MAX];
		int ret;

		if ((e == 0 && !o->png) || (e == 1 && !o->svg))
			continue;
		snprintf(path, sizeof(path), "%s/%s.%s", o->outdir, name,
			 exts[e]);
		ret = run_script(scripts, name, data, path, caption, logdir,
				 err, errlen);
		if (ret)
			return ret;
		if (out->nfiles < PLOT_MAX_FILES)
			strcpy(out->files[out->nfiles++], path);
	}
	return 0;
}

static void note(struct plot_out *out, const char *text)
{
	if (out->nnotes < 8)
		snprintf(out->notes[out->nnotes++], sizeof(out->notes[0]),
			 "%s", text);
}

static bool any_polls(const struct res_summary *s)
{
	for (size_t i = 0; i < s->naggs; i++)
		if (s->aggs[i].m[RES_M_POLL_HIT].n > 0)
			return true;
	return false;
}

/*
 * The gnuplot scripts' folder into scripts and OUTDIR/data, created, into
 * datadir (both PATH_MAX); 0 or -errno with err set.
 */
static int prepare(const struct plot_opts *o, char *scripts, char *datadir,
		   char *err, size_t errlen)
{
	int ret;

	if (o->scripts_dir)
		snprintf(scripts, PATH_MAX, "%s", o->scripts_dir);
	if ((o->scripts_dir && !has_script(scripts)) ||
	    (!o->scripts_dir && plot_scripts_dir(scripts, PATH_MAX))) {
		snprintf(err, errlen, "cannot find the gnuplot scripts "
			 "(plots/iops.gp); set AIOTUNE_PLOTS or --scripts");
		return -ENOENT;
	}
	res_join(datadir, PATH_MAX, o->outdir, "data");
	ret = res_mkdirs(datadir);
	if (ret)
		snprintf(err, errlen, "%s: %s", datadir, strerror(-ret));
	return ret;
}

int plot_draw(const struct res_summary *s, const char *const *dirs,
	      const char *caption, const struct plot_opts *o,
	      struct plot_out *out, char *err, size_t errlen)
{
	static const char *const curve_figs[] = { "iops", "latency", "cpu",
						  "pollhit" };
	char scripts[PATH_MAX], datadir[PATH_MAX], data[PATH_MAX];
	int ret, blocks;

	memset(out, 0, sizeof(*out));
	ret = prepare(o, scripts, datadir, err, errlen);
	if (ret)
		return ret;
	res_join(data, sizeof(data), datadir, "curves.dat");
	ret = write_curves(s, data);
	if (ret) {
		snprintf(err, errlen, "%s: %s", data, strerror(-ret));
		return ret;
	}
	for (size_t i = 0; i < sizeof(curve_figs) / sizeof(curve_figs[0]);
	     i++) {
		if (!strcmp(curve_figs[i], "pollhit") && !any_polls(s)) {
			note(out, "pollhit: no run reported a poll attempt "
			     "(loop.poll_attempts is 0 everywhere)");
			continue;
		}
		ret = draw(scripts, curve_figs[i], data, o, caption, datadir,
			   out, err, errlen);
		if (ret)
			return ret;
	}
	res_join(data, sizeof(data), datadir, "window.dat");
	ret = write_window(s, dirs, data, &blocks);
	if (ret) {
		snprintf(err, errlen, "%s: %s", data, strerror(-ret));
		return ret;
	}
	if (blocks) {
		ret = draw(scripts, "window", data, o, caption, datadir, out,
			   err, errlen);
		if (ret)
			return ret;
	} else {
		note(out, "window: no run recorded a window trajectory "
		     "(loop.window_trace)");
	}
	res_join(data, sizeof(data), datadir, "heatmap.dat");
	ret = write_heat(s, data, &blocks);
	if (ret) {
		snprintf(err, errlen, "%s: %s", data, strerror(-ret));
		return ret;
	}
	if (blocks)
		return draw(scripts, "heatmap", data, o, caption, datadir, out,
			    err, errlen);
	note(out, "heatmap: the grid has one iothreads x placement cell per "
	     "iodepth (sweep --iothreads 1,2 --placement ... to get one)");
	return 0;
}

/* Where p sits on the fleet figure's log axis (0 at zero). */
static double fleet_pos(int64_t p, double zero)
{
	return p ? (double)p : zero;
}

/* A curve's label without its directory ("dir:iodepth=1" -> "iodepth=1"). */
static const char *bare_label(const struct res_summary *s,
			      const struct res_series *c)
{
	size_t n = strlen(s->source_label[c->source]);

	if (s->nsources > 1 &&
	    !strncmp(c->label, s->source_label[c->source], n) &&
	    c->label[n] == ':')
		return c->label + n + 1;
	return c->label;
}

/* fleet.dat, as plots/fleet.gp reads it. */
static int write_fleet(const struct res_fleet *f, const char *path)
{
	const struct res_fleet_cand *d = f->deploy.have ?
		&f->cands[f->deploy.cand] : NULL;
	const char *wl[64];
	int64_t lo = 0;
	double zero;
	size_t nwl = 0, x = 0;
	char lab[16];
	FILE *fp;

	for (size_t c = 0; c < f->ncands; c++)
		if (f->cands[c].poll_max_ns > 0 &&
		    (!lo || f->cands[c].poll_max_ns < lo))
			lo = f->cands[c].poll_max_ns;
	zero = lo ? (double)lo / 2 : 1;
	fp = fopen(path, "w");
	if (!fp)
		return -errno;
	fprintf(fp, "# aiotune fleet: hosts (x host class own_pos own_label "
		"score_pct), the default, then one block per workload "
		"(x knee_pos label)\n");
	put_title(fp, "own recommendation");
	for (size_t i = 0; i < f->nhosts; i++) {
		const struct res_fleet_host *h = &f->hosts[i];
		int64_t own = h->rec.have ? h->rec.poll_max_ns : -1;

		if (h->status != RES_HOST_OK)
			continue;
		res_fmt_ns_short(own < 0 ? 0 : own, lab, sizeof(lab));
		fprintf(fp, "%zu \"%s\" %d ", x++, h->name, h->cls + 1);
		put_num(fp, own < 0 ? NAN : fleet_pos(own, zero), 1);
		fprintf(fp, " \"%s\"", lab);
		put_num(fp, d ? d->score[i] : NAN, 100);
		fputc('\n', fp);
	}
	fputs("\n\n", fp);
	if (d) {
		char t[64];

		res_fmt_ns_short(d->poll_max_ns, lab, sizeof(lab));
		snprintf(t, sizeof(t), "deployment default %s", lab);
		put_title(fp, t);
		fprintf(fp, "-0.6 %.6g \"%s\"\n%zu.4 %.6g \"%s\"\n",
			fleet_pos(d->poll_max_ns, zero), lab, x ? x - 1 : 0,
			fleet_pos(d->poll_max_ns, zero), lab);
	} else {
		put_title(fp, "no deployment default");
		fprintf(fp, "0 NaN \"\"\n");
	}
	for (size_t i = 0; i < f->nhosts; i++) {
		const struct res_fleet_host *h = &f->hosts[i];

		for (size_t k = 0; h->status == RES_HOST_OK &&
				   k < h->rec.nknees; k++) {
			const char *l = bare_label(&h->set->sum,
				&h->set->sum.series[h->rec.knees[k].series]);
			size_t w;

			for (w = 0; w < nwl && strcmp(wl[w], l); w++)
				;
			if (w == nwl && nwl < 64)
				wl[nwl++] = l;
		}
	}
	for (size_t w = 0; w < nwl; w++) {
		fputs("\n\n", fp);
		put_title(fp, wl[w]);
		x = 0;
		for (size_t i = 0; i < f->nhosts; i++) {
			const struct res_fleet_host *h = &f->hosts[i];

			if (h->status != RES_HOST_OK)
				continue;
			for (size_t k = 0; k < h->rec.nknees; k++) {
				const struct res_knee *kn = &h->rec.knees[k];
				const char *l = bare_label(&h->set->sum,
					&h->set->sum.series[kn->series]);

				if (strcmp(l, wl[w]))
					continue;
				res_fmt_ns_short(kn->knee_ns, lab,
						 sizeof(lab));
				fprintf(fp, "%zu %.6g \"%s\"\n", x,
					fleet_pos(kn->knee_ns, zero), lab);
			}
			x++;
		}
	}
	return fclose(fp) ? -errno : 0;
}

int plot_fleet(const struct res_fleet *f, const char *caption,
	       const struct plot_opts *o, struct plot_out *out, char *err,
	       size_t errlen)
{
	char scripts[PATH_MAX], datadir[PATH_MAX], data[PATH_MAX];
	int ret;

	memset(out, 0, sizeof(*out));
	if (!res_fleet_usable(f)) {
		snprintf(err, errlen, "no usable host to draw");
		return -ENODATA;
	}
	ret = prepare(o, scripts, datadir, err, errlen);
	if (ret)
		return ret;
	res_join(data, sizeof(data), datadir, "fleet.dat");
	ret = write_fleet(f, data);
	if (ret) {
		snprintf(err, errlen, "%s: %s", data, strerror(-ret));
		return ret;
	}
	return draw(scripts, "fleet", data, o, caption, datadir, out, err,
		    errlen);
}

static void add_unique(char *buf, size_t size, const char *v)
{
	size_t len = strlen(buf);

	if (!*v || strstr(buf, v))
		return;
	snprintf(buf + len, size - len, "%s%s", len ? "/" : "", v);
}

void plot_caption(const char *const *dirs, int n,
		  const struct res_summary *s, char *buf, size_t size)
{
	char hosts[256] = "", devs[512] = "", engines[256] = "";

	for (int i = 0; i < n; i++) {
		char path[PATH_MAX], err[512];
		json_t *meta, *devices, *d;
		size_t k;

		snprintf(path, sizeof(path), "%s/meta.json", dirs[i]);
		if (res_json_load(path, &meta, err, sizeof(err)))
			continue;
		add_unique(hosts, sizeof(hosts), json_string_value(
			json_object_get(json_object_get(meta, "host"),
					"hostname")) ?: "");
		devices = json_object_get(meta, "devices");
		json_array_foreach(devices, k, d) {
			const char *kind = json_string_value(
				json_object_get(d, "kind"));
			const char *model = json_string_value(
				json_object_get(d, "model"));
			const char *target = json_string_value(
				json_object_get(d, "target"));
			char v[400];

			if (kind && strcmp(kind, "simulated") == 0)
				snprintf(v, sizeof(v), "%s", target ?: "sim");
			else
				snprintf(v, sizeof(v), "%s%s%s", model ?: "",
					 model ? " " : "", target ?: "");
			add_unique(devs, sizeof(devs), v);
		}
		json_decref(meta);
	}
	for (size_t i = 0; i < s->naggs; i++)
		add_unique(engines, sizeof(engines), s->aggs[i].key.engine);
	if (!hosts[0])
		add_unique(hosts, sizeof(hosts), s->aggs[0].key.host);
	if (!devs[0])
		add_unique(devs, sizeof(devs), s->aggs[0].key.target);
	snprintf(buf, size, "host %s, device %s, engine %s",
		 hosts[0] ? hosts : "?", devs[0] ? devs : "?",
		 engines[0] ? engines : "?");
}
