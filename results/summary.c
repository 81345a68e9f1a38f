/* summary.c: medians over repetitions, curves over poll-max-ns. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results/qemu-compare.h"
#include "results/summary.h"
#include "util/util.h"

static const char *const metric_cols[RES_NR_METRICS] = {
	[RES_M_IOPS] = "iops",
	[RES_M_LAT_P50] = "lat_p50_ns",
	[RES_M_LAT_P99] = "lat_p99_ns",
	[RES_M_LAT_MEAN] = "lat_mean_ns",
	[RES_M_CPU] = "cpu_iothread_pct",
	[RES_M_IOPS_PER_CPU] = "iops_per_cpu",
	[RES_M_POLL_HIT] = "poll_hit_pct",
	[RES_M_GUEST_P50] = "guest_lat_p50_ns",
	[RES_M_GUEST_P99] = "guest_lat_p99_ns",
};

const char *res_metric_col(enum res_metric m)
{
	return metric_cols[m];
}

/* The settings that tell points apart, with their label names. */
static const struct {
	const char *col;
	const char *label;
	bool config;   /* a polling setting (besides poll-max-ns) */
} settings[] = {
	{ "engine", "engine", false },
	{ "target", "target", false },
	{ "rw", "rw", false },
	{ "bs_bytes", "bs", false },
	{ "frontend", "frontend", false },
	{ "guest_think", "guest-think", false },
	{ "iothreads", "iothreads", false },
	{ "placement", "placement", false },
	{ "iodepth", "iodepth", false },
	{ "poll_policy", "poll-policy", true },
	{ "poll_grow", "poll-grow", true },
	{ "poll_shrink", "poll-shrink", true },
	{ "poll_weight", "poll-weight", true },
	{ "fdmon_requested", "fdmon", false },
	{ "uring_ring_requested", "uring-ring", false },
	{ "ring_flags_requested", "ring-flags", false },
	{ "runtime_ns", "runtime-ns", false },
	{ "ramp_ns", "ramp-ns", false },
};

#define NR_SETTINGS ARRAY_SIZE(settings)

static void setting_text(const struct res_row *r, size_t i, char *buf,
			 size_t size)
{
	const struct res_col *c = res_col_find(settings[i].col);

	if (c->type == RES_COL_STR)
		snprintf(buf, size, "%s", (const char *)r + c->off);
	else
		snprintf(buf, size, "%lld",
			 (long long)*(const int64_t *)((const char *)r + c->off));
}

static bool same_settings(const struct res_row *a, const struct res_row *b,
			  bool with_poll)
{
	char x[RES_TARGET_MAX], y[RES_TARGET_MAX];

	if (with_poll && a->poll_max_ns != b->poll_max_ns)
		return false;
	for (size_t i = 0; i < NR_SETTINGS; i++) {
		setting_text(a, i, x, sizeof(x));
		setting_text(b, i, y, sizeof(y));
		if (strcmp(x, y) != 0)
			return false;
	}
	return true;
}

struct res_stat res_stat_of(double *v, size_t n)
{
	struct res_stat st = { 0, NAN, NAN, NAN };
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (!isnan(v[i]))
			v[k++] = v[i];
	if (!k)
		return st;
	/* Insertion sort: a handful of repetitions. */
	for (size_t i = 1; i < k; i++) {
		double x = v[i];
		size_t j = i;

		while (j && v[j - 1] > x) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
	st.n = (int)k;
	st.min = v[0];
	st.max = v[k - 1];
	st.med = k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
	return st;
}

static int add_point(struct res_summary *s, const struct res_row *r,
		     int source, size_t *cap)
{
	for (size_t i = 0; i < s->naggs; i++) {
		if (s->aggs[i].source == source &&
		    same_settings(&s->aggs[i].key, r, true)) {
			s->aggs[i].nrows++;
			return 0;
		}
	}
	if (s->naggs == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		struct res_agg *na = realloc(s->aggs, nc * sizeof(*na));

		if (!na)
			return -ENOMEM;
		s->aggs = na;
		*cap = nc;
	}
	memset(&s->aggs[s->naggs], 0, sizeof(s->aggs[0]));
	s->aggs[s->naggs].key = *r;
	s->aggs[s->naggs].source = source;
	s->aggs[s->naggs].nrows = 1;
	s->aggs[s->naggs].first = r;
	s->naggs++;
	return 0;
}

static int fold(struct res_summary *s, struct res_agg *a)
{
	const struct res_table *t = s->tables[a->source];
	double *v = malloc((size_t)a->nrows * sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (int m = 0; m < RES_NR_METRICS; m++) {
		const struct res_col *c = res_col_find(metric_cols[m]);
		size_t n = 0;

		for (size_t i = 0; i < t->n; i++)
			if (same_settings(&a->key, &t->rows[i], true))
				v[n++] = res_row_num(&t->rows[i], c);
		a->m[m] = res_stat_of(v, n);
	}
	free(v);
	a->spread = 0;
	if (a->m[RES_M_IOPS].n >= 2 && a->m[RES_M_IOPS].med > 0)
		a->spread = (a->m[RES_M_IOPS].max - a->m[RES_M_IOPS].min) /
			    a->m[RES_M_IOPS].med;
	return 0;
}

/* Append "name=value" for each setting marked in which. */
static void label_of(const struct res_summary *s, const struct res_agg *a,
		     const bool *vary, int want_config, char *buf,
		     size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	if (want_config != 1 && s->nsources > 1)
		len += (size_t)snprintf(buf, size, "%s:",
					s->source_label[a->source]);
	for (size_t i = 0; i < NR_SETTINGS && len + 1 < size; i++) {
		char v[RES_TARGET_MAX];

		if (!vary[i])
			continue;
		if (want_config == 0 && settings[i].config)
			continue;
		if (want_config == 1 && !settings[i].config)
			continue;
		setting_text(&a->key, i, v, sizeof(v));
		len += (size_t)snprintf(buf + len, size - len, "%s%s=%s",
					len ? " " : "", settings[i].label, v);
	}
}

static int cmp_poll(const void *x, const void *y, void *arg)
{
	const struct res_agg *aggs = arg;
	int64_t a = aggs[*(const size_t *)x].key.poll_max_ns;
	int64_t b = aggs[*(const size_t *)y].key.poll_max_ns;

	return (a > b) - (a < b);
}

/* Curves in a stable order: source, then settings (numbers by value). */
static int cmp_series(const void *x, const void *y, void *arg)
{
	const struct res_agg *aggs = arg;
	const struct res_series *p = x, *q = y;
	const struct res_row *a = &aggs[p->pts[0]].key;
	const struct res_row *b = &aggs[q->pts[0]].key;

	if (p->source != q->source)
		return p->source - q->source;
	for (size_t i = 0; i < NR_SETTINGS; i++) {
		const struct res_col *c = res_col_find(settings[i].col);
		int r;

		if (c->type == RES_COL_STR) {
			r = strcmp((const char *)a + c->off,
				   (const char *)b + c->off);
		} else {
			double u = res_row_num(a, c), v = res_row_num(b, c);

			r = (u > v) - (u < v);
		}
		if (r)
			return r;
	}
	return 0;
}

static int make_series(struct res_summary *s)
{
	bool vary[NR_SETTINGS] = { false };
	char x[RES_TARGET_MAX], y[RES_TARGET_MAX];
	bool any_qemu = res_summary_has_qemu(s);

	for (size_t i = 0; i < NR_SETTINGS; i++) {
		for (size_t k = 1; k < s->naggs && !vary[i]; k++) {
			setting_text(&s->aggs[0].key, i, x, sizeof(x));
			setting_text(&s->aggs[k].key, i, y, sizeof(y));
			vary[i] = strcmp(x, y) != 0;
		}
	}
	/* One line per iodepth: always named. */
	for (size_t i = 0; i < NR_SETTINGS; i++)
		if (strcmp(settings[i].col, "iodepth") == 0)
			vary[i] = true;

	s->series = calloc(s->naggs, sizeof(*s->series));
	if (!s->series)
		return -ENOMEM;
	for (size_t k = 0; k < s->naggs; k++) {
		struct res_agg *a = &s->aggs[k];
		struct res_series *c = NULL;

		for (size_t j = 0; j < s->nseries; j++) {
			const struct res_agg *b = &s->aggs[s->series[j].pts[0]];

			if (b->source == a->source &&
			    same_settings(&b->key, &a->key, false)) {
				c = &s->series[j];
				break;
			}
		}
		if (!c) {
			c = &s->series[s->nseries++];
			c->source = a->source;
			c->pts = calloc(s->naggs, sizeof(*c->pts));
			if (!c->pts)
				return -ENOMEM;
			label_of(s, a, vary, -1, c->label, sizeof(c->label));
			res_qemu_label_note(&a->key, any_qemu, c->label,
					    sizeof(c->label));
			label_of(s, a, vary, 0, c->workload,
				 sizeof(c->workload));
			label_of(s, a, vary, 1, c->config, sizeof(c->config));
		}
		c->pts[c->n++] = k;
	}
	for (size_t j = 0; j < s->nseries; j++)
		qsort_r(s->series[j].pts, s->series[j].n, sizeof(size_t),
			cmp_poll, s->aggs);
	qsort_r(s->series, s->nseries, sizeof(*s->series), cmp_series,
		s->aggs);
	return 0;
}

int res_summary_build(struct res_summary *s, const struct res_table *tables,
		      const char *const *labels, int ntables)
{
	size_t cap = 0;
	int ret;

	memset(s, 0, sizeof(*s));
	if (ntables < 1 || ntables > RES_MAX_SOURCES)
		return -EINVAL;
	s->nsources = ntables;
	for (int i = 0; i < ntables; i++) {
		s->tables[i] = &tables[i];
		snprintf(s->source_label[i], sizeof(s->source_label[i]), "%s",
			 labels[i]);
		for (size_t k = 0; k < tables[i].n; k++) {
			ret = add_point(s, &tables[i].rows[k], i, &cap);
			if (ret)
				goto fail;
		}
	}
	if (!s->naggs) {
		ret = -EINVAL;
		goto fail;
	}
	for (size_t k = 0; k < s->naggs; k++) {
		ret = fold(s, &s->aggs[k]);
		if (ret)
			goto fail;
	}
	ret = make_series(s);
	if (ret)
		goto fail;
	return 0;
fail:
	res_summary_free(s);
	return ret;
}

void res_summary_free(struct res_summary *s)
{
	for (size_t j = 0; j < s->nseries; j++)
		free(s->series[j].pts);
	free(s->series);
	free(s->aggs);
	memset(s, 0, sizeof(*s));
}

const struct res_agg *res_series_at(const struct res_summary *s,
				    const struct res_series *c, int64_t p)
{
	for (size_t i = 0; i < c->n; i++)
		if (s->aggs[c->pts[i]].key.poll_max_ns == p)
			return &s->aggs[c->pts[i]];
	return NULL;
}

void res_fmt_ns_short(int64_t ns, char *buf, size_t size)
{
	if (ns != 0 && ns % (1024 * 1024) == 0)
		snprintf(buf, size, "%" PRId64 "m", ns / (1024 * 1024));
	else if (ns != 0 && ns % 1024 == 0)
		snprintf(buf, size, "%" PRId64 "k", ns / 1024);
	else
		snprintf(buf, size, "%" PRId64, ns);
}
