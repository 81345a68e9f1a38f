/* recommend.c: knees per curve, one setting under an objective. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "results/qemu-compare.h"
#include "results/recommend.h"
#include "util/util.h"
#include "workloads/fio-cmd.h"
#include "workloads/peer.h"

static const char *const obj_names[] = {
	[RES_OBJ_BALANCED] = "balanced",
	[RES_OBJ_THROUGHPUT] = "throughput",
	[RES_OBJ_LATENCY] = "latency",
	[RES_OBJ_EFFICIENCY] = "efficiency",
};

void res_rec_opts_init(struct res_rec_opts *o)
{
	o->objective = RES_OBJ_BALANCED;
	o->tolerance_pct = 5;
	o->cpu_budget_pct = -1;
	o->max_spread_pct = 20;
}

int res_objective_parse(const char *s, enum res_objective *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(obj_names); i++) {
		if (strcmp(s, obj_names[i]) == 0) {
			*out = (enum res_objective)i;
			return 0;
		}
	}
	return -EINVAL;
}

int res_rec_pct_parse(const char *s, double lo, double hi, double *out)
{
	size_t digits = 0, dots = 0, i;
	double v;

	/* Decimal only: strtod would also take nan, inf, hex, exponents. */
	if (!s)
		return -EINVAL;
	for (i = 0; s[i] && s[i] != '%'; i++) {
		if (s[i] == '.')
			dots++;
		else if (s[i] >= '0' && s[i] <= '9')
			digits++;
		else
			return -EINVAL;
	}
	if (!digits || dots > 1 || (s[i] && s[i + 1]))
		return -EINVAL;
	v = strtod(s, NULL);
	if (!isfinite(v) || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

const char *res_objective_name(enum res_objective o)
{
	return obj_names[o];
}

/* A curve measured by fio. */
static bool is_fio(const struct res_summary *s, const struct res_series *c)
{
	return wl_engine_is_fio(s->aggs[c->pts[0]].key.engine);
}

/* A peer's curve (fio, QEMU): never a candidate for the window. */
static bool is_peer(const struct res_summary *s, const struct res_series *c)
{
	return is_fio(s, c) ||
	       wl_engine_is_qemu(s->aggs[c->pts[0]].key.engine);
}

static double med(const struct res_agg *a, enum res_metric m)
{
	return a ? a->m[m].med : NAN;
}

static const struct res_agg *pt(const struct res_summary *s,
				const struct res_series *c, size_t i)
{
	return &s->aggs[c->pts[i]];
}

void res_knee_find(const struct res_summary *s, size_t series,
		   const struct res_rec_opts *o, struct res_knee *k)
{
	const struct res_series *c = &s->series[series];
	const struct res_agg *zero = res_series_at(s, c, 0);
	double tol = o->tolerance_pct / 100, lo = INFINITY;
	size_t best = 0, knee;

	memset(k, 0, sizeof(*k));
	k->series = series;
	for (size_t i = 0; i < c->n; i++) {
		double v = med(pt(s, c, i), RES_M_IOPS);

		if (v > med(pt(s, c, best), RES_M_IOPS))
			best = i;
		if (v < lo)
			lo = v;
		if (pt(s, c, i)->m[RES_M_IOPS].n < 2)
			k->single_rep = true;
	}
	if (pt(s, c, best)->spread / 2 > tol)
		tol = pt(s, c, best)->spread / 2;
	k->tol = tol;
	k->best_ns = pt(s, c, best)->key.poll_max_ns;
	k->best_iops = med(pt(s, c, best), RES_M_IOPS);
	for (knee = 0; knee < c->n; knee++)
		if (med(pt(s, c, knee), RES_M_IOPS) >= k->best_iops * (1 - tol))
			break;
	if (knee == c->n)
		knee = best;
	k->knee_ns = pt(s, c, knee)->key.poll_max_ns;
	k->knee_iops = med(pt(s, c, knee), RES_M_IOPS);
	k->knee_cpu = med(pt(s, c, knee), RES_M_CPU);
	k->knee_p99 = med(pt(s, c, knee), RES_M_LAT_P99);
	k->zero_cpu = med(zero, RES_M_CPU);
	k->zero_iops = med(zero, RES_M_IOPS);
	k->few_points = c->n < 3;
	k->wide_spread = pt(s, c, best)->spread * 100 > o->max_spread_pct ||
			 pt(s, c, knee)->spread * 100 > o->max_spread_pct;
	k->flat = k->best_iops > 0 && (k->best_iops - lo) / k->best_iops < tol;
	k->rising = c->n >= 2 && knee == c->n - 1 && !k->flat &&
		    med(pt(s, c, c->n - 2), RES_M_IOPS) <
			    k->knee_iops * (1 - tol);
}

/* The candidate settings: (configuration, poll-max-ns) pairs. */
struct cand {
	const char *config;
	int64_t p;
	bool complete;       /* measured for every workload */
	bool thr_ok, lat_ok, budget_ok;
	double rel_iops, rel_lat, eff, bal, cpu;
	const struct res_agg *any;
};

struct ctx {
	const struct res_summary *s;
	const struct res_rec_opts *o;
	const char *wl[256];   /* distinct workloads */
	int nwl;
	double best_iops[256], best_p99[256], best_eff[256], tol[256];
	struct cand *cands;
	size_t ncands;
};

static int wl_index(struct ctx *x, const char *w)
{
	for (int i = 0; i < x->nwl; i++)
		if (strcmp(x->wl[i], w) == 0)
			return i;
	return -1;
}

/* The point of workload w under config at poll-max-ns p, or NULL. */
static const struct res_agg *lookup(const struct ctx *x, int w,
				    const char *config, int64_t p)
{
	for (size_t j = 0; j < x->s->nseries; j++) {
		const struct res_series *c = &x->s->series[j];

		if (strcmp(c->workload, x->wl[w]) == 0 &&
		    strcmp(c->config, config) == 0)
			return res_series_at(x->s, c, p);
	}
	return NULL;
}

static double per_thread_cpu(const struct res_agg *a)
{
	double n = a->key.iothreads > 0 ? (double)a->key.iothreads : 1;

	return a->m[RES_M_CPU].med / n;
}

static void score(struct ctx *x, struct cand *c)
{
	double lsum_eff = 0, lsum_bal = 0;
	int n = 0;

	c->complete = true;
	c->thr_ok = c->lat_ok = true;
	c->rel_iops = c->rel_lat = INFINITY;
	c->cpu = 0;
	for (int w = 0; w < x->nwl; w++) {
		const struct res_agg *a = lookup(x, w, c->config, c->p);
		double ri, rl, re, cpu;

		if (!a) {
			c->complete = false;
			return;
		}
		c->any = a;
		ri = med(a, RES_M_IOPS) / x->best_iops[w];
		rl = x->best_p99[w] / med(a, RES_M_LAT_P99);
		re = med(a, RES_M_IOPS_PER_CPU) / x->best_eff[w];
		if (isnan(rl))
			rl = 1;
		if (isnan(re) || re <= 0)
			re = 1e-9;
		if (ri <= 0 || isnan(ri))
			ri = 1e-9;
		c->thr_ok &= ri >= 1 - x->tol[w];
		c->lat_ok &= rl >= 1 / (1 + x->tol[w]);
		c->rel_iops = fmin(c->rel_iops, ri);
		c->rel_lat = fmin(c->rel_lat, rl);
		cpu = per_thread_cpu(a);
		if (!isnan(cpu))
			c->cpu = fmax(c->cpu, cpu);
		lsum_eff += log(re);
		lsum_bal += log(ri) + log(re);
		n++;
	}
	c->eff = exp(lsum_eff / n);
	c->bal = exp(lsum_bal / n);
	c->budget_ok = x->o->cpu_budget_pct < 0 ||
		       c->cpu <= x->o->cpu_budget_pct;
}

static double objective_score(const struct cand *c, enum res_objective o)
{
	switch (o) {
	case RES_OBJ_THROUGHPUT: return c->rel_iops;
	case RES_OBJ_LATENCY: return c->rel_lat;
	case RES_OBJ_EFFICIENCY: return c->eff;
	default: return c->bal;
	}
}

/* c is a better pick than d at equal standing: smaller window, less CPU. */
static bool cheaper(const struct cand *c, const struct cand *d)
{
	if (c->p != d->p)
		return c->p < d->p;
	return c->cpu < d->cpu;
}

/*
 * The objective's pick among complete candidates (within the budget if
 * use_budget), or NULL.
 */
static const struct cand *pick(const struct ctx *x, bool use_budget)
{
	enum res_objective o = x->o->objective;
	double tol = x->o->tolerance_pct / 100, top = -INFINITY;
	const struct cand *best = NULL;

	for (size_t i = 0; i < x->ncands; i++) {
		const struct cand *c = &x->cands[i];
		bool ok;

		if (!c->complete || (use_budget && !c->budget_ok))
			continue;
		if (o == RES_OBJ_THROUGHPUT || o == RES_OBJ_LATENCY) {
			ok = o == RES_OBJ_THROUGHPUT ? c->thr_ok : c->lat_ok;
			if (ok && (!best || cheaper(c, best)))
				best = c;
		}
		if (objective_score(c, o) > top)
			top = objective_score(c, o);
	}
	if (best)
		return best;
	/* Scores: the cheapest candidate within tolerance of the top. */
	for (size_t i = 0; i < x->ncands; i++) {
		const struct cand *c = &x->cands[i];

		if (!c->complete || (use_budget && !c->budget_ok))
			continue;
		if (objective_score(c, o) >= top * (1 - tol) &&
		    (!best || cheaper(c, best)))
			best = c;
	}
	return best;
}

static void add_warn(struct res_rec *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add_warn(struct res_rec *r, const char *fmt, ...)
{
	va_list ap;

	if (r->nwarn == RES_REC_MAX_WARN)
		return;
	va_start(ap, fmt);
	vsnprintf(r->warn[r->nwarn++], sizeof(r->warn[0]), fmt, ap);
	va_end(ap);
}

static void cat(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void cat(char *buf, size_t size, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;

	if (len + 1 >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
}

static const char *ns_txt(int64_t ns, char *buf)
{
	res_fmt_ns_short(ns, buf, 16);
	return buf;
}

/* The smallest window at which workload w meets the objective's bar. */
static int64_t need_of(const struct ctx *x, int w, const char *config,
		       bool latency, const struct res_agg **at)
{
	int64_t bestp = -1;

	*at = NULL;
	for (size_t i = 0; i < x->ncands; i++) {
		const struct cand *c = &x->cands[i];
		const struct res_agg *a;
		bool ok;

		if (strcmp(c->config, config) != 0)
			continue;
		a = lookup(x, w, config, c->p);
		if (!a)
			continue;
		ok = latency ? x->best_p99[w] / med(a, RES_M_LAT_P99) >=
				       1 / (1 + x->tol[w]) :
			       med(a, RES_M_IOPS) >=
				       x->best_iops[w] * (1 - x->tol[w]);
		if (ok && (bestp < 0 || c->p < bestp)) {
			bestp = c->p;
			*at = a;
		}
	}
	return bestp;
}

static void explain_bar(const struct ctx *x, const struct cand *c,
			bool latency, struct res_rec *r)
{
	char b1[16], b2[16];
	int64_t worst = -1;
	int ww = 0, ties = 0;

	cat(r->explain, sizeof(r->explain), "the smallest poll-max-ns at "
	    "which every workload is within %.0f%% of its best %s. ",
	    x->o->tolerance_pct, latency ? "p99 latency" : "IOPS");
	for (int w = 0; w < x->nwl; w++) {
		const struct res_agg *at;
		int64_t need = need_of(x, w, c->config, latency, &at);

		if (need > worst) {
			worst = need;
			ww = w;
		}
	}
	if (worst < 0)
		return;
	for (int w = 0; w < x->nwl; w++) {
		const struct res_agg *at;

		if (w != ww && need_of(x, w, c->config, latency, &at) == worst) {
			cat(r->explain, sizeof(r->explain), "%s and ",
			    x->wl[w]);
			ties++;
		}
	}
	cat(r->explain, sizeof(r->explain), "%s decided it: %s "
	    "poll-max-ns >= %s", x->wl[ww], ties ? "each needs" : "it needs",
	    ns_txt(worst, b1));
	if (!ties && latency)
		cat(r->explain, sizeof(r->explain), " (best p99 %.1f us)",
		    x->best_p99[ww] / 1000);
	else if (!ties)
		cat(r->explain, sizeof(r->explain), " (best %.0f IOPS)",
		    x->best_iops[ww]);
	for (int w = 0; w < x->nwl; w++) {
		const struct res_agg *at;
		int64_t need;

		if (w == ww)
			continue;
		need = need_of(x, w, c->config, latency, &at);
		if (need >= 0 && need != worst)
			cat(r->explain, sizeof(r->explain), "; %s needs >= %s",
			    x->wl[w], ns_txt(need, b2));
	}
	cat(r->explain, sizeof(r->explain), ".");
}

static void explain_score(const struct ctx *x, const struct cand *c,
			  struct res_rec *r)
{
	enum res_objective o = x->o->objective;
	char b[16];

	if (o == RES_OBJ_EFFICIENCY)
		cat(r->explain, sizeof(r->explain), "the best IOPS per CPU "
		    "(geometric mean over the workloads of IOPS per CPU "
		    "relative to each workload's best). ");
	else
		cat(r->explain, sizeof(r->explain), "the best product of "
		    "relative IOPS and relative IOPS per CPU (geometric mean "
		    "over the workloads): a unit of throughput is worth a "
		    "unit of CPU efficiency. ");
	cat(r->explain, sizeof(r->explain), "poll-max-ns %s scores %.2f "
	    "(%.0f%% of the best IOPS on the worst workload, at most %.0f%% "
	    "CPU per IOThread)", ns_txt(c->p, b), objective_score(c, o),
	    c->rel_iops * 100, c->cpu);
	for (size_t i = 0; i < x->ncands; i++) {
		const struct cand *d = &x->cands[i];

		if (!d->complete || strcmp(d->config, c->config) != 0 ||
		    d == c)
			continue;
		if (d->p == c->p)
			continue;
		cat(r->explain, sizeof(r->explain), "; %s scores %.2f",
		    ns_txt(d->p, b), objective_score(d, o));
	}
	cat(r->explain, sizeof(r->explain), ". No window scores more than "
	    "%.0f%% above it, so it is the smallest of the best.",
	    x->o->tolerance_pct);
}

static int build_ctx(struct ctx *x, const struct res_summary *s,
		     const struct res_rec_opts *o)
{
	memset(x, 0, sizeof(*x));
	x->s = s;
	x->o = o;
	for (size_t j = 0; j < s->nseries; j++) {
		const struct res_series *c = &s->series[j];
		int w = wl_index(x, c->workload);

		if (is_peer(s, c))
			continue;
		if (w < 0) {
			if (x->nwl == 256)
				return -E2BIG;
			w = x->nwl++;
			x->wl[w] = c->workload;
			x->best_iops[w] = 0;
			x->best_p99[w] = INFINITY;
			x->best_eff[w] = 0;
			x->tol[w] = o->tolerance_pct / 100;
		}
		for (size_t i = 0; i < c->n; i++) {
			const struct res_agg *a = &s->aggs[c->pts[i]];

			if (med(a, RES_M_IOPS) > x->best_iops[w]) {
				x->best_iops[w] = med(a, RES_M_IOPS);
				x->tol[w] = fmax(o->tolerance_pct / 100,
						 a->spread / 2);
			}
			if (med(a, RES_M_LAT_P99) < x->best_p99[w])
				x->best_p99[w] = med(a, RES_M_LAT_P99);
			if (med(a, RES_M_IOPS_PER_CPU) > x->best_eff[w])
				x->best_eff[w] = med(a, RES_M_IOPS_PER_CPU);
		}
	}
	x->cands = calloc(s->naggs, sizeof(*x->cands));
	if (!x->cands)
		return -ENOMEM;
	for (size_t j = 0; j < s->nseries; j++) {
		const struct res_series *c = &s->series[j];

		for (size_t i = 0; i < c->n && !is_peer(s, c); i++) {
			int64_t p = s->aggs[c->pts[i]].key.poll_max_ns;
			bool dup = false;

			for (size_t k = 0; k < x->ncands && !dup; k++)
				dup = x->cands[k].p == p &&
				      strcmp(x->cands[k].config,
					     c->config) == 0;
			if (dup)
				continue;
			x->cands[x->ncands].config = c->config;
			x->cands[x->ncands].p = p;
			score(x, &x->cands[x->ncands]);
			x->ncands++;
		}
	}
	return 0;
}

static void curve_warnings(const struct res_summary *s,
			   const struct res_rec_opts *o, struct res_rec *r)
{
	char b[16];
	bool single = false;

	for (size_t i = 0; i < r->nknees; i++) {
		const struct res_knee *k = &r->knees[i];
		const char *l = s->series[k->series].label;

		single |= k->single_rep;
		if (k->few_points)
			add_warn(r, "%s: only %zu poll-max-ns values; a knee "
				 "needs at least 3", l, s->series[k->series].n);
		if (k->wide_spread)
			add_warn(r, "%s: IOPS vary by more than %.0f%% between "
				 "repetitions near the knee; the knee is "
				 "uncertain (more repetitions or longer runs)",
				 l, o->max_spread_pct);
		if (k->rising)
			add_warn(r, "%s: no knee: IOPS still rise at the "
				 "largest poll-max-ns (%s); extend the grid", l,
				 ns_txt(k->knee_ns, b));
	}
	if (single)
		add_warn(r, "only one repetition per point: the spread "
			 "cannot be judged (use --repetitions 3)");
}

int res_recommend(const struct res_summary *s, const struct res_rec_opts *o,
		  struct res_rec *r)
{
	const struct cand *free_pick, *c;
	struct ctx x;
	char b1[16], b2[16];
	int ret;

	memset(r, 0, sizeof(*r));
	r->objective = o->objective;
	r->opts = *o;
	r->knees = calloc(s->nseries ? s->nseries : 1, sizeof(*r->knees));
	if (!r->knees)
		return -ENOMEM;
	for (size_t j = 0; j < s->nseries; j++) {
		if (is_peer(s, &s->series[j])) {
			r->npeers++;
			continue;
		}
		res_knee_find(s, j, o, &r->knees[r->nknees++]);
		if (s->aggs[s->series[j].pts[0]].key.iothreads > r->iothreads)
			r->iothreads =
				(int)s->aggs[s->series[j].pts[0]].key.iothreads;
	}
	curve_warnings(s, o, r);
	ret = build_ctx(&x, s, o);
	if (ret)
		return ret;
	free_pick = pick(&x, false);
	c = pick(&x, true);
	if (!free_pick && !r->nknees)
		goto out;
	if (!free_pick) {
		add_warn(r, "no poll-max-ns was measured for every workload "
			 "under one configuration: nothing to compare");
		goto out;
	}
	if (!c) {
		add_warn(r, "nothing fits the CPU budget of %.0f%%: every "
			 "setting costs more on some workload; the cheapest "
			 "is shown", o->cpu_budget_pct);
		c = free_pick;
		for (size_t i = 0; i < x.ncands; i++)
			if (x.cands[i].complete && x.cands[i].cpu < c->cpu)
				c = &x.cands[i];
	}
	r->have = true;
	r->poll_max_ns = c->p;
	r->settings = c->any->key;
	snprintf(r->explain, sizeof(r->explain), "Objective %s: ",
		 res_objective_name(o->objective));
	if (c != free_pick && c->budget_ok)
		cat(r->explain, sizeof(r->explain), "the CPU budget decided. "
		    "Unconstrained, the objective picks poll-max-ns %s, which "
		    "costs %.0f%% CPU per IOThread on its most expensive "
		    "workload, above --cpu-budget %.0f%%; %s is the "
		    "objective's best choice within the budget (%.0f%% CPU, "
		    "%.0f%% of the best IOPS on the worst workload).",
		    ns_txt(free_pick->p, b1), free_pick->cpu,
		    o->cpu_budget_pct, ns_txt(c->p, b2), c->cpu,
		    c->rel_iops * 100);
	else if (o->objective == RES_OBJ_THROUGHPUT && c->thr_ok)
		explain_bar(&x, c, false, r);
	else if (o->objective == RES_OBJ_LATENCY && c->lat_ok)
		explain_bar(&x, c, true, r);
	else if (o->objective == RES_OBJ_THROUGHPUT ||
		 o->objective == RES_OBJ_LATENCY)
		cat(r->explain, sizeof(r->explain), "no single poll-max-ns "
		    "brings every workload within tolerance of its best; "
		    "%s gives the best worst case (%.0f%%).",
		    ns_txt(c->p, b1), objective_score(c, o->objective) * 100);
	else
		explain_score(&x, c, r);
	if (strcmp(r->settings.poll_policy, "qemu") != 0)
		add_warn(r, "the best configuration uses poll policy '%s', "
			 "which QEMU may not have: check before deploying",
			 r->settings.poll_policy);
out:
	r->confident = r->have && r->nwarn == 0;
	free(x.cands);
	return 0;
}

int res_rec_scores(const struct res_summary *s, const struct res_rec_opts *o,
		   struct res_score **out, size_t *n)
{
	struct res_score *v;
	struct ctx x;
	size_t k = 0;
	int ret;

	*out = NULL;
	*n = 0;
	ret = build_ctx(&x, s, o);
	if (ret) {
		free(x.cands);
		return ret;
	}
	v = calloc(x.ncands ? x.ncands : 1, sizeof(*v));
	if (!v) {
		free(x.cands);
		return -ENOMEM;
	}
	for (size_t i = 0; i < x.ncands; i++) {
		const struct cand *c = &x.cands[i];

		if (!c->complete)
			continue;
		v[k].key = c->any->key;
		v[k].poll_max_ns = c->p;
		v[k].score = objective_score(c, o->objective);
		v[k].rel_iops = c->rel_iops;
		v[k].cpu = c->cpu;
		v[k].budget_ok = c->budget_ok;
		k++;
	}
	free(x.cands);
	*out = v;
	*n = k;
	return 0;
}

void res_rec_free(struct res_rec *r)
{
	free(r->knees);
	memset(r, 0, sizeof(*r));
}

void res_rec_print_knees(FILE *f, const struct res_summary *s,
			 const struct res_rec *r, bool md)
{
	char b1[16], b2[16];

	if (!r->nknees)
		return;
	if (md)
		fprintf(f, "| curve | knee poll-max-ns | IOPS at knee | "
			"best IOPS (at) | CPU at knee | CPU at 0 | p99 at knee |\n"
			"|---|---|---|---|---|---|---|\n");
	else
		fprintf(f, "Knee per curve (smallest poll-max-ns within "
			"tolerance of the best IOPS):\n");
	for (size_t i = 0; i < r->nknees; i++) {
		const struct res_knee *k = &r->knees[i];
		char cpu0[32] = "-";

		if (!isnan(k->zero_cpu))
			snprintf(cpu0, sizeof(cpu0), "%.0f%%", k->zero_cpu);
		ns_txt(k->knee_ns, b1);
		ns_txt(k->best_ns, b2);
		if (md)
			fprintf(f, "| %s | %s%s | %.0f | %.0f (%s) | %.0f%% | "
				"%s | %.1f us |\n", s->series[k->series].label,
				b1, k->rising ? " (no knee)" : "",
				k->knee_iops, k->best_iops, b2, k->knee_cpu,
				cpu0, k->knee_p99 / 1000);
		else
			fprintf(f, "  %-24s knee %-5s IOPS %.0f (%.0f%% of "
				"best %.0f at %s), CPU %.0f%% (at 0: %s), "
				"p99 %.1f us, tolerance %.0f%%%s\n",
				s->series[k->series].label, b1, k->knee_iops,
				k->best_iops > 0 ?
				100 * k->knee_iops / k->best_iops : 0,
				k->best_iops, b2, k->knee_cpu, cpu0,
				k->knee_p99 / 1000, k->tol * 100,
				k->rising ? " (no knee)" : k->flat ?
				" (flat)" : "");
	}
	fputc('\n', f);
}

static const char *const snippet_titles[] = {
	[RES_SNIP_QEMU] = "QEMU command line:",
	[RES_SNIP_QMP] = "QMP / HMP on a running VM:",
	[RES_SNIP_LIBVIRT] = "libvirt domain XML:",
	[RES_SNIP_VIRSH] = "virsh on a running domain:",
};

const char *res_snippet_title(enum res_snippet k)
{
	return snippet_titles[k];
}

void res_snippet_print(FILE *f, enum res_snippet k, const struct res_row *st,
		       int64_t p, int n)
{
	bool weight = strcmp(st->poll_policy, "weight") == 0;

	if (n < 1)
		n = 1;
	switch (k) {
	case RES_SNIP_QEMU:
		for (int i = 0; i < n; i++) {
			fprintf(f, "  -object iothread,id=iothread%d,"
				"poll-max-ns=%" PRId64 ",poll-grow=%" PRId64
				",poll-shrink=%" PRId64, i, p, st->poll_grow,
				st->poll_shrink);
			if (weight)
				fprintf(f, ",poll-weight=%" PRId64,
					st->poll_weight);
			fputc('\n', f);
		}
		break;
	case RES_SNIP_QMP:
		for (int i = 0; i < n; i++)
			fprintf(f, "  qom-set /objects/iothread%d poll-max-ns "
				"%" PRId64 "\n  qom-set /objects/iothread%d "
				"poll-grow %" PRId64 "\n  qom-set "
				"/objects/iothread%d poll-shrink %" PRId64 "\n",
				i, p, i, st->poll_grow, i, st->poll_shrink);
		fprintf(f, "  { \"execute\": \"qom-set\", \"arguments\": "
			"{ \"path\": \"/objects/iothread0\", \"property\": "
			"\"poll-max-ns\", \"value\": %" PRId64 " } }\n", p);
		break;
	case RES_SNIP_LIBVIRT:
		fprintf(f, "  <iothreads>%d</iothreads>\n  <iothreadids>\n",
			n);
		for (int i = 0; i < n; i++)
			fprintf(f, "    <iothread id='%d'>\n      <poll max='%"
				PRId64 "' grow='%" PRId64 "' shrink='%" PRId64
				"'/>\n    </iothread>\n", i + 1, p,
				st->poll_grow, st->poll_shrink);
		fprintf(f, "  </iothreadids>\n");
		break;
	case RES_SNIP_VIRSH:
		for (int i = 0; i < n; i++)
			fprintf(f, "  virsh iothreadset DOMAIN %d --poll-max-ns "
				"%" PRId64 " --poll-grow %" PRId64
				" --poll-shrink %" PRId64 "\n", i + 1, p,
				st->poll_grow, st->poll_shrink);
		break;
	}
}

void res_snippets_print(FILE *f, const struct res_row *st, int64_t p, int n,
			unsigned int mask, bool md)
{
	for (int k = RES_SNIP_QEMU; k <= RES_SNIP_VIRSH; k++) {
		if (!(mask & 1u << k))
			continue;
		fprintf(f, md ? "**%s**\n" : "%s\n", snippet_titles[k]);
		if (md)
			fputs(k == RES_SNIP_LIBVIRT ? "```xml\n" : "```\n", f);
		res_snippet_print(f, (enum res_snippet)k, st, p, n);
		if (md)
			fputs("```\n", f);
	}
	if (strcmp(st->poll_policy, "weight") == 0 &&
	    (mask & (1u << RES_SNIP_LIBVIRT | 1u << RES_SNIP_VIRSH)))
		fprintf(f, "(libvirt and virsh have no poll-weight setting: "
			"set it with qom-set.)\n");
}

/* CPU microseconds per I/O of a point (IOThread CPU, or fio's job). */
static double cpu_per_io_us(const struct res_agg *a)
{
	double iops = med(a, RES_M_IOPS);

	return iops > 0 ? med(a, RES_M_CPU) * 1e4 / iops : NAN;
}

/* Whether aiotune curve c runs fio curve p's workload. */
static bool same_workload(const struct res_row *c, const struct res_row *p)
{
	const char *peer = wl_fio_engine_peer(p->engine);

	return peer && !strcmp(c->engine, peer) && !strcmp(c->rw, p->rw) &&
	       !strcmp(c->target, p->target) && c->bs_bytes == p->bs_bytes &&
	       c->iodepth == p->iodepth && c->iothreads == p->iothreads &&
	       !strcmp(c->frontend, "direct") &&
	       !strcmp(c->placement, p->placement);
}

bool res_same_poll_config(const struct res_row *c, const struct res_row *st)
{
	return !strcmp(c->poll_policy, st->poll_policy) &&
	       c->poll_grow == st->poll_grow &&
	       c->poll_shrink == st->poll_shrink &&
	       c->poll_weight == st->poll_weight;
}

static double ratio(double a, double b)
{
	return b > 0 ? a / b : NAN;
}

static void print_ratio_line(FILE *f, const struct res_agg *a,
			     const struct res_agg *p, bool md)
{
	const struct res_row *k = &a->key;
	double ia = med(a, RES_M_IOPS), ip = med(p, RES_M_IOPS);
	double la = med(a, RES_M_LAT_P99) / 1000;
	double lp = med(p, RES_M_LAT_P99) / 1000;
	double ca = cpu_per_io_us(a), cp = cpu_per_io_us(p);
	char b[16];

	ns_txt(k->poll_max_ns, b);
	if (md)
		fprintf(f, "| %s %s iodepth=%" PRId64 " poll-max-ns=%s | %s | "
			"%.0f / %.0f = %.2fx | %.1f / %.1f us = %.2fx | "
			"%.1f / %.1f us = %.2fx |\n", k->engine, k->rw,
			k->iodepth, b, p->key.engine, ia, ip, ratio(ia, ip),
			la, lp, ratio(la, lp), ca, cp, ratio(ca, cp));
	else
		fprintf(f, "  %s %s iodepth=%" PRId64 " poll-max-ns=%s vs %s: "
			"IOPS %.0f/%.0f = %.2fx, p99 %.1f/%.1f us = %.2fx, "
			"CPU/IO %.1f/%.1f us = %.2fx\n", k->engine, k->rw,
			k->iodepth, b, p->key.engine, ia, ip, ratio(ia, ip),
			la, lp, ratio(la, lp), ca, cp, ratio(ca, cp));
}

/*
 * The fio baseline: each fio curve beside aiotune's runs of the same
 * workload at poll-max-ns 0 and at the recommended window (ratios are
 * aiotune / fio).
 */
void res_rec_print_baseline(FILE *f, const struct res_summary *s,
			    const struct res_rec *r, bool md)
{
	bool header = false;

	for (size_t j = 0; j < s->nseries; j++) {
		const struct res_series *pc = &s->series[j];
		const struct res_agg *p = &s->aggs[pc->pts[0]];
		bool any = false;

		if (!is_fio(s, pc))
			continue;
		if (!header) {
			fprintf(f, md ? "\n**fio baseline** (aiotune / fio on "
				"the same workload; fio is not used to choose "
				"the window)\n\n| aiotune run | fio | IOPS | "
				"p99 latency | CPU per I/O |\n"
				"|---|---|---|---|---|\n" :
				"\nfio baseline (aiotune / fio on the same "
				"workload; fio is not used to choose the "
				"window):\n");
			header = true;
		}
		for (size_t k = 0; k < s->nseries; k++) {
			const struct res_series *c = &s->series[k];
			const struct res_agg *a0 = &s->aggs[c->pts[0]];
			const struct res_agg *z, *w;

			if (is_peer(s, c) || !same_workload(&a0->key, &p->key))
				continue;
			if (r->have && !res_same_poll_config(&a0->key, &r->settings))
				continue;
			z = res_series_at(s, c, 0);
			w = r->have ? res_series_at(s, c, r->poll_max_ns) :
			    NULL;
			if (z)
				print_ratio_line(f, z, p, md);
			if (w && w != z)
				print_ratio_line(f, w, p, md);
			any |= z || w;
		}
		if (!any && md)
			fprintf(f, "| (none of the same workload) | %s "
				"iodepth=%" PRId64 " | %.0f | %.1f us | "
				"%.1f us |\n", p->key.engine, p->key.iodepth,
				med(p, RES_M_IOPS),
				med(p, RES_M_LAT_P99) / 1000,
				cpu_per_io_us(p));
		else if (!any)
			fprintf(f, "  %s %s iodepth=%" PRId64 ": IOPS %.0f, "
				"p99 %.1f us, CPU/IO %.1f us (no aiotune run "
				"of the same workload)\n", p->key.engine,
				p->key.rw, p->key.iodepth, med(p, RES_M_IOPS),
				med(p, RES_M_LAT_P99) / 1000,
				cpu_per_io_us(p));
	}
}

void res_rec_print(FILE *f, const struct res_summary *s,
		   const struct res_rec *r, bool md)
{
	char b[16];

	res_rec_print_knees(f, s, r, md);
	if (r->have) {
		fprintf(f, "%sRecommendation%s: poll-max-ns=%" PRId64 " (%s), "
			"poll-grow=%" PRId64 ", poll-shrink=%" PRId64
			", poll policy %s%s\n", md ? "**" : "", md ? "**" : "",
			r->poll_max_ns, ns_txt(r->poll_max_ns, b),
			r->settings.poll_grow, r->settings.poll_shrink,
			r->settings.poll_policy,
			r->confident ? "" : "  (see the warnings)");
		fprintf(f, "\n%s\n\n", r->explain);
		res_snippets_print(f, &r->settings, r->poll_max_ns,
				   r->iothreads, RES_SNIP_ALL, md);
	} else if (!r->nknees && r->npeers) {
		fprintf(f, res_summary_has_qemu(s) ?
			"No recommendation: only peers' runs here (fio has no "
			"poll window; QEMU's are not used to choose one): give "
			"an aiotune sweep's directory too.\n" :
			"No recommendation: only fio runs here, and fio has "
			"no poll window (give an aiotune sweep's directory "
			"too).\n");
	} else {
		fprintf(f, "No recommendation: the data cannot support one.\n");
	}
	res_rec_print_baseline(f, s, r, md);
	res_qemu_compare_print(f, s, &r->opts, md);
	for (int i = 0; i < r->nwarn; i++)
		fprintf(f, "%swarning: %s\n", md ? "- " : "", r->warn[i]);
}
