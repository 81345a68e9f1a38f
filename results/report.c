/*
 * report.c: the page of `aiotune report` (report.h). Each part is
 * written as the Markdown our printers make (recommend.h, fleet.h,
 * qemu-compare.h) and, for HTML, turned into HTML by mdhtml.h, so both
 * forms say the same; only the frame (sections, figures, the setting
 * line) is written here.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "results/atomic.h"
#include "results/mdhtml.h"
#include "results/qemu-compare.h"
#include "results/report.h"
#include "results/runjson.h"
#include "workloads/fio-cmd.h"

static const struct {
	const char *name;
	const char *what;
} figures[] = {
	{ "fleet", "The fleet at a glance. Top: each host's knee per workload "
		   "(coloured points), its own recommendation (ring) and the "
		   "deployment default (dashed line). Bottom: each host's "
		   "score at the default, as a percentage of the best one "
		   "setting gives that host; bar colour is the host class." },
	{ "iops", "IOPS against poll-max-ns, one line per curve; points are "
		  "medians of the repetitions, bars span min to max. The knee "
		  "is where the line flattens." },
	{ "latency", "Latency p50 (solid) and p99 (dashed) against "
		     "poll-max-ns." },
	{ "cpu", "CPU time of the IOThread(s) (top) and IOPS per busy CPU "
		 "(bottom): what the IOPS cost." },
	{ "pollhit", "Share of polls that found work before the window ran "
		     "out." },
	{ "window", "The adaptive polling window over time in single runs "
		    "of the first curve." },
	{ "heatmap", "IOPS over IOThreads x placement (best median over "
		     "poll-max-ns), one panel per iodepth." },
};

#define NR_FIGS (sizeof(figures) / sizeof(figures[0]))

static bool any_fio(const struct res_summary *s)
{
	for (size_t i = 0; s && i < s->naggs; i++)
		if (wl_engine_is_fio(s->aggs[i].key.engine))
			return true;
	return false;
}

void res_report_find_figs(struct res_report_in *in, const char *figdir,
			  const char *reldir, const struct res_summary *s)
{
	bool fio = any_fio(s), qemu = s && res_summary_has_qemu(s);

	for (size_t i = 0; i < NR_FIGS && in->nfigs < RES_REPORT_MAX_FIGS;
	     i++) {
		struct res_report_fig *g = &in->figs[in->nfigs];
		char png[64];
		bool curves = strcmp(figures[i].name, "fleet") &&
			      strcmp(figures[i].name, "heatmap") &&
			      strcmp(figures[i].name, "window");

		snprintf(png, sizeof(png), "%s.png", figures[i].name);
		if (res_join(g->path, sizeof(g->path), figdir, png) ||
		    res_join(g->rel, sizeof(g->rel), reldir, png) ||
		    !res_path_exists(g->path))
			continue;
		snprintf(g->name, sizeof(g->name), "%s", figures[i].name);
		snprintf(g->what, sizeof(g->what), "%s%s%s", figures[i].what,
			 curves && fio ? " fio's runs (engine fio-*) are drawn "
			 "beside aiotune's as the baseline: fio has no poll "
			 "window, so its curve is flat." : "",
			 curves && qemu ? " QEMU's curves are labelled with "
			 "what they ran on." : "");
		in->nfigs++;
	}
}

void res_report_note(struct res_report_in *in, const char *text)
{
	if (in->nnotes < 8)
		snprintf(in->notes[in->nnotes++], sizeof(in->notes[0]), "%s",
			 text);
}

/* Markdown text as it is (md) or as HTML. */
static void md_out(FILE *f, bool html, const char *md)
{
	if (html)
		res_md_html(f, md);
	else
		fputs(md, f);
}

/* A buffer to print Markdown into, then md_out it. */
struct mbuf {
	char *text;
	size_t len;
	FILE *f;
};

static int mb_open(struct mbuf *m)
{
	m->text = NULL;
	m->len = 0;
	m->f = open_memstream(&m->text, &m->len);
	return m->f ? 0 : -ENOMEM;
}

static int mb_flush(struct mbuf *m, FILE *out, bool html)
{
	if (fclose(m->f)) {
		free(m->text);
		return -ENOMEM;
	}
	md_out(out, html, m->text);
	if (!html)
		fputc('\n', out);
	free(m->text);
	return 0;
}

static void heading(FILE *f, bool html, int level, const char *id,
		    const char *text)
{
	if (html) {
		fprintf(f, "<h%d%s%s%s>", level, id ? " id=\"" : "",
			id ? id : "", id ? "\"" : "");
		res_html_esc(f, text);
		fprintf(f, "</h%d>\n", level);
	} else {
		fprintf(f, "%.*s %s\n\n", level, "######", text);
	}
}

/* The line that says what to deploy, class "setting" in HTML. */
static void setting_line(FILE *f, bool html, const char *label,
			 const struct res_row *st, int64_t p, const char *tail)
{
	char b[16], text[400];
	int n;

	res_fmt_ns_short(p, b, sizeof(b));
	n = snprintf(text, sizeof(text), "poll-max-ns=%" PRId64 " (%s), "
		     "poll-grow=%" PRId64 ", poll-shrink=%" PRId64 ", poll "
		     "policy %s", p, b, st->poll_grow, st->poll_shrink,
		     st->poll_policy);
	if (n > 0 && (size_t)n < sizeof(text) &&
	    !strcmp(st->poll_policy, "weight"))
		snprintf(text + n, sizeof(text) - (size_t)n,
			 ", poll-weight=%" PRId64, st->poll_weight);
	if (html) {
		fputs("<p class=\"setting\"><span class=\"what\">", f);
		res_html_esc(f, label);
		fputs("</span> <code>", f);
		res_html_esc(f, text);
		fputs("</code>", f);
		if (tail && *tail) {
			fputs(" <span class=\"tail\">", f);
			res_html_esc(f, tail);
			fputs("</span>", f);
		}
		fputs("</p>\n", f);
	} else {
		fprintf(f, "**%s** `%s`%s%s\n\n", label, text,
			tail && *tail ? " " : "", tail ? tail : "");
	}
}

static void no_setting(FILE *f, bool html, const char *text)
{
	if (html) {
		fputs("<p class=\"setting none\">", f);
		res_html_esc(f, text);
		fputs("</p>\n", f);
	} else {
		fprintf(f, "**%s**\n\n", text);
	}
}

static void para(FILE *f, bool html, const char *text)
{
	if (html) {
		fputs("<p>", f);
		res_html_esc(f, text);
		fputs("</p>\n", f);
	} else {
		fprintf(f, "%s\n\n", text);
	}
}

/* One host: the recommendation with its snippets and warnings. */
static int host_answer(FILE *f, const struct res_report_in *in,
		       const struct res_rec *r)
{
	struct mbuf m;
	int ret;

	heading(f, in->html, 2, NULL, "Recommendation");
	if (r->have)
		setting_line(f, in->html, "Deploy", &r->settings,
			     r->poll_max_ns, r->confident ? "" :
			     "(see the warnings)");
	else if (!r->nknees && r->npeers)
		no_setting(f, in->html, "No recommendation: only peers' runs "
			   "(fio, QEMU) here, and they are not used to choose "
			   "a poll window; give an aiotune sweep's directory "
			   "too.");
	else
		no_setting(f, in->html, "No recommendation: the data cannot "
			   "support one.");
	if (r->have)
		para(f, in->html, r->explain);
	ret = mb_open(&m);
	if (ret)
		return ret;
	for (int i = 0; i < r->nwarn; i++)
		fprintf(m.f, "- warning: %s\n", r->warn[i]);
	if (r->nwarn)
		fputc('\n', m.f);
	if (r->have)
		res_snippets_print(m.f, &r->settings, r->poll_max_ns,
				   r->iothreads, RES_SNIP_ALL, true);
	return mb_flush(&m, f, in->html);
}

/* One host: the knee table and every candidate's score. */
static int host_scores(FILE *f, const struct res_report_in *in,
		       const struct res_rec *r)
{
	const struct res_summary *s = &in->set->sum;
	struct res_score *sc = NULL;
	size_t n = 0;
	struct mbuf m;
	int ret;

	heading(f, in->html, 2, "knees", "Knees and scores");
	ret = mb_open(&m);
	if (ret)
		return ret;
	if (r->nknees)
		res_rec_print_knees(m.f, s, r, true);
	else
		fprintf(m.f, "No aiotune curve: no knee to find.\n\n");
	ret = res_rec_scores(s, in->opts, &sc, &n);
	if (ret && ret != -E2BIG) {
		fclose(m.f);
		free(m.text);
		return ret;
	}
	if (n) {
		double top = 0;

		for (size_t i = 0; i < n; i++)
			if (sc[i].budget_ok && sc[i].score > top)
				top = sc[i].score;
		fprintf(m.f, "**Scores** (objective %s; every setting measured "
			"on every workload; relative: score / the best score)"
			"\n\n| poll policy (grow, shrink) | poll-max-ns | score "
			"| relative | worst workload's IOPS / its best | CPU "
			"per IOThread | |\n|---|---|---|---|---|---|---|\n",
			res_objective_name(in->opts->objective));
		for (size_t i = 0; i < n; i++) {
			const struct res_score *c = &sc[i];
			char b[16];
			bool chosen = r->have &&
				c->poll_max_ns == r->poll_max_ns &&
				res_same_poll_config(&c->key, &r->settings);

			res_fmt_ns_short(c->poll_max_ns, b, sizeof(b));
			fprintf(m.f, "| %s (%" PRId64 ", %" PRId64 ") | %s | "
				"%.3f | %.3f | %.3f | %.0f%% | %s%s |\n",
				c->key.poll_policy, c->key.poll_grow,
				c->key.poll_shrink, b, c->score,
				top > 0 ? c->score / top : NAN, c->rel_iops,
				c->cpu, chosen ? "**chosen**" : "",
				c->budget_ok ? "" : " over the CPU budget");
		}
		fputc('\n', m.f);
	}
	free(sc);
	return mb_flush(&m, f, in->html);
}

/* A fleet: the deployment default, then each class's setting. */
static int fleet_answer(FILE *f, const struct res_report_in *in)
{
	const struct res_fleet *fl = in->fleet;
	const struct res_fleet_pick *d = &fl->deploy;
	struct mbuf m;
	char tail[200];
	int ret;

	heading(f, in->html, 2, NULL, "Deployment default");
	snprintf(tail, sizeof(tail), "for all %zu usable hosts",
		 res_fleet_usable(fl));
	if (d->have)
		setting_line(f, in->html, "Deploy",
			     &fl->cands[d->cand].key,
			     fl->cands[d->cand].poll_max_ns, tail);
	else
		no_setting(f, in->html, "No deployment default: no setting "
			   "was measured on every usable host.");
	ret = mb_open(&m);
	if (ret)
		return ret;
	/* Each class's answer at a glance; details below. */
	for (size_t k = 0; k < fl->nclasses; k++) {
		const struct res_fleet_pick *p = &fl->class_pick[k];
		char name[512], b[16];

		res_fleet_class_name(&fl->classes[k], name, sizeof(name));
		if (p->have)
			res_fmt_ns_short(fl->cands[p->cand].poll_max_ns, b,
					 sizeof(b));
		fprintf(m.f, "- class %zu (%s): %s%s%s\n", k + 1, name,
			p->have ? "**poll-max-ns " : "no setting",
			p->have ? b : "", p->have ? "**" : "");
	}
	fputc('\n', m.f);
	res_fleet_print_pick(m.f, fl, d, -1, 0, true);
	fputc('\n', m.f);
	res_fleet_print_rule(m.f, fl);
	fputs("\n\n", m.f);
	if (d->have)
		res_snippets_print(m.f, &fl->cands[d->cand].key,
				   fl->cands[d->cand].poll_max_ns, d->iothreads,
				   RES_SNIP_ALL, true);
	ret = mb_flush(&m, f, in->html);
	if (ret)
		return ret;
	for (size_t k = 0; k < fl->nclasses; k++) {
		const struct res_fleet_pick *p = &fl->class_pick[k];
		char name[512], h[600];

		res_fleet_class_name(&fl->classes[k], name, sizeof(name));
		snprintf(h, sizeof(h), "Class %zu: %s", k + 1, name);
		heading(f, in->html, 3, NULL, h);
		snprintf(tail, sizeof(tail), "for the %zu host%s of class %zu",
			 p->nhosts, p->nhosts == 1 ? "" : "s", k + 1);
		if (p->have)
			setting_line(f, in->html, "Deploy",
				     &fl->cands[p->cand].key,
				     fl->cands[p->cand].poll_max_ns, tail);
		else
			no_setting(f, in->html, "No setting for this class.");
		ret = mb_open(&m);
		if (ret)
			return ret;
		res_fleet_print_pick(m.f, fl, p, (int)k,
				     RES_SNIP_BIT(RES_SNIP_QEMU) |
				     RES_SNIP_BIT(RES_SNIP_LIBVIRT), true);
		ret = mb_flush(&m, f, in->html);
		if (ret)
			return ret;
	}
	return 0;
}

/* A fleet: hosts, classes, and every setting's score on every host. */
static int fleet_scores(FILE *f, const struct res_report_in *in)
{
	const struct res_fleet *fl = in->fleet;
	struct mbuf m;
	int ret;

	heading(f, in->html, 2, "hosts", "Hosts, knees and scores");
	ret = mb_open(&m);
	if (ret)
		return ret;
	res_fleet_print_hosts(m.f, fl, true);
	fprintf(m.f, "**Classes** (device model / CPU model, from each "
		"host's meta.json)\n\n");
	for (size_t k = 0; k < fl->nclasses; k++) {
		char name[512];
		size_t n = 0;

		res_fleet_class_name(&fl->classes[k], name, sizeof(name));
		fprintf(m.f, "- class %zu: %s:", k + 1, name);
		for (size_t h = 0; h < fl->nhosts; h++)
			if (fl->hosts[h].status == RES_HOST_OK &&
			    fl->hosts[h].cls == (int)k)
				fprintf(m.f, "%s %s", n++ ? "," : "",
					fl->hosts[h].name);
		fputc('\n', m.f);
	}
	fprintf(m.f, "\n**Scores** (each host's score relative to its own "
		"best; - not measured; the worst is over the usable hosts)\n"
		"\n| setting |");
	for (size_t h = 0; h < fl->nhosts; h++)
		if (fl->hosts[h].status == RES_HOST_OK)
			fprintf(m.f, " %s |", fl->hosts[h].name);
	fprintf(m.f, " worst |\n|---|");
	for (size_t h = 0; h < fl->nhosts; h++)
		if (fl->hosts[h].status == RES_HOST_OK)
			fputs("---|", m.f);
	fputs("---|\n", m.f);
	for (size_t c = 0; c < fl->ncands; c++) {
		const struct res_fleet_cand *k = &fl->cands[c];
		double worst = INFINITY;
		char b[16];

		res_fmt_ns_short(k->poll_max_ns, b, sizeof(b));
		fprintf(m.f, "| %s %s (%" PRId64 ", %" PRId64 ")%s |", b,
			k->key.poll_policy, k->key.poll_grow,
			k->key.poll_shrink, fl->deploy.have &&
			fl->deploy.cand == c ? " **default**" : "");
		for (size_t h = 0; h < fl->nhosts; h++) {
			if (fl->hosts[h].status != RES_HOST_OK)
				continue;
			if (isnan(k->score[h])) {
				fprintf(m.f, " %s |", k->over[h] ?
					"over budget" : "-");
				worst = NAN;
				continue;
			}
			fprintf(m.f, " %.3f |", k->score[h]);
			if (!isnan(worst))
				worst = fmin(worst, k->score[h]);
		}
		if (isnan(worst) || isinf(worst))
			fputs(" - |\n", m.f);
		else
			fprintf(m.f, " %.3f |\n", worst);
	}
	fputc('\n', m.f);
	return mb_flush(&m, f, in->html);
}

static void base64(FILE *f, const unsigned char *p, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t i = 0; i < n; i += 3) {
		unsigned int v = (unsigned int)p[i] << 16;

		if (i + 1 < n)
			v |= (unsigned int)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		fputc(tab[v >> 18 & 63], f);
		fputc(tab[v >> 12 & 63], f);
		fputc(i + 1 < n ? tab[v >> 6 & 63] : '=', f);
		fputc(i + 2 < n ? tab[v & 63] : '=', f);
	}
}

static void figures_part(FILE *f, const struct res_report_in *in)
{
	heading(f, in->html, 2, "figures", "Figures");
	for (int i = 0; i < in->nfigs; i++) {
		const struct res_report_fig *g = &in->figs[i];
		unsigned char *png;
		size_t len;

		if (!in->html) {
			fprintf(f, "![%s](%s)\n\n%s\n\n", g->name, g->rel,
				g->what);
			continue;
		}
		if (res_read_file(g->path, (char **)&png, &len))
			continue;
		fprintf(f, "<figure><img alt=\"%s\" src=\"data:image/png;"
			"base64,", g->name);
		base64(f, png, len);
		fputs("\"><figcaption>", f);
		res_html_esc(f, g->what);
		fputs("</figcaption></figure>\n", f);
		free(png);
	}
	if (!in->nfigs)
		para(f, in->html, "No figures.");
	for (int i = 0; i < in->nnotes; i++) {
		char t[340];

		snprintf(t, sizeof(t), "Left out: %s", in->notes[i]);
		para(f, in->html, t);
	}
}

static void cell(FILE *f, const char *fmt, double v)
{
	if (isnan(v))
		fputs(" - |", f);
	else {
		fputc(' ', f);
		fprintf(f, fmt, v);
		fputs(" |", f);
	}
}

/* The table of points (Markdown). */
static void points_table(FILE *f, const struct res_summary *s)
{
	fputs("**Points** (medians over the repetitions)\n\n| curve | "
		"poll-max-ns | runs | IOPS | IOPS min-max | spread % | p50 us "
		"| p99 us | IOThread CPU % | IOPS per CPU | poll hits % |\n"
		"|---|---|---|---|---|---|---|---|---|---|---|\n", f);
	for (size_t j = 0; j < s->nseries; j++) {
		const struct res_series *c = &s->series[j];

		for (size_t i = 0; i < c->n; i++) {
			const struct res_agg *a = &s->aggs[c->pts[i]];
			char p[16];

			res_fmt_ns_short(a->key.poll_max_ns, p, sizeof(p));
			fputs("| ", f);
			for (const char *l = c->label; *l; l++)
				fputs(*l == '|' ? "\\|" : (char[2]){ *l, 0 },
				      f);
			fprintf(f, " | %s | %d |", p, a->nrows);
			cell(f, "%.0f", a->m[RES_M_IOPS].med);
			fprintf(f, " %.0f-%.0f |", a->m[RES_M_IOPS].min,
				a->m[RES_M_IOPS].max);
			cell(f, "%.1f", a->spread * 100);
			cell(f, "%.1f", a->m[RES_M_LAT_P50].med / 1000);
			cell(f, "%.1f", a->m[RES_M_LAT_P99].med / 1000);
			cell(f, "%.0f", a->m[RES_M_CPU].med);
			cell(f, "%.0f", a->m[RES_M_IOPS_PER_CPU].med);
			cell(f, "%.0f", a->m[RES_M_POLL_HIT].med);
			fputc('\n', f);
		}
	}
	fputc('\n', f);
}

/* "| key | value |" from a JSON value; '|' and newlines kept out. */
static void setup_row(FILE *f, const char *key, json_t *v)
{
	char *text;

	if (!v || json_is_null(v))
		return;
	text = json_is_string(v) ? strdup(json_string_value(v)) :
	       json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	if (!text)
		return;
	fprintf(f, "| %s | ", key);
	for (char *p = text; *p; p++) {
		if (*p == '|')
			fputs("\\|", f);
		else if (*p == '\n' || *p == '`' || *p == '*')
			fputc(' ', f);
		else
			fputc(*p, f);
	}
	fputs(" |\n", f);
	free(text);
}

/* The provenance of one results directory (its meta.json). */
static void setup(FILE *f, const char *dir)
{
	char path[PATH_MAX], err[512], ver[160];
	json_t *meta, *host, *sweep, *sessions, *last, *tmp;

	if (res_join(path, sizeof(path), dir, "meta.json") ||
	    res_json_load(path, &meta, err, sizeof(err))) {
		fprintf(f, "**%s**: no meta.json\n\n", dir);
		return;
	}
	host = json_object_get(meta, "host");
	sweep = json_object_get(meta, "sweep");
	sessions = json_object_get(meta, "sessions");
	last = json_array_get(sessions, json_array_size(sessions) - 1);
	fprintf(f, "**%s**\n\n| | |\n|---|---|\n", dir);
	snprintf(ver, sizeof(ver), "%s (git %s)",
		 json_string_value(json_object_get(meta, "version")) ?: "?",
		 json_string_value(json_object_get(meta, "git")) ?: "?");
	tmp = json_string(ver);
	setup_row(f, "aiotune", tmp);
	json_decref(tmp);
	setup_row(f, "command line", json_object_get(meta, "command_line"));
	setup_row(f, "started", json_object_get(meta, "start_time"));
	setup_row(f, "ended", json_object_get(last, "end_time"));
	if (sessions) {
		tmp = json_integer((json_int_t)json_array_size(sessions));
		setup_row(f, "sessions (resumes + 1)", tmp);
		json_decref(tmp);
	}
	setup_row(f, "host", json_object_get(host, "hostname"));
	setup_row(f, "kernel", json_object_get(host, "kernel"));
	setup_row(f, "CPU model", json_object_get(host, "cpu_model"));
	setup_row(f, "CPUs online", json_object_get(host, "cpus_online"));
	setup_row(f, "NUMA nodes", json_object_get(host, "numa_nodes"));
	setup_row(f, "clock source", json_object_get(host, "clocksource"));
	setup_row(f, "cpuidle driver", json_object_get(host,
						       "cpuidle_driver"));
	setup_row(f, "timer slack of the runs (ns)",
		  json_object_get(meta, "run_timer_slack_ns"));
	setup_row(f, "fd monitor used", json_object_get(meta, "fdmon_used"));
	setup_row(f, "devices", json_object_get(meta, "devices"));
	setup_row(f, "seed", json_object_get(sweep, "seed"));
	setup_row(f, "repetitions", json_object_get(sweep, "repetitions"));
	setup_row(f, "points", json_object_get(sweep, "points"));
	setup_row(f, "runs planned", json_object_get(sweep, "runs"));
	setup_row(f, "runs done", json_object_get(sweep, "runs_done"));
	if (json_array_size(json_object_get(meta, "failed_runs")))
		setup_row(f, "failed runs", json_object_get(meta,
							    "failed_runs"));
	fputc('\n', f);
	json_decref(meta);
}

static int host_evidence(FILE *f, const struct res_report_in *in,
			 const struct res_rec *r)
{
	const struct res_set *set = in->set;
	struct mbuf m;
	int ret;

	heading(f, in->html, 2, "evidence", "Evidence");
	ret = mb_open(&m);
	if (ret)
		return ret;
	res_rec_print_baseline(m.f, &set->sum, r, true);
	fputc('\n', m.f);
	res_qemu_compare_print(m.f, &set->sum, in->opts, true);
	fputc('\n', m.f);
	points_table(m.f, &set->sum);
	fprintf(m.f, "**Provenance**\n\n");
	for (int i = 0; i < set->n; i++)
		setup(m.f, set->dirs[i]);
	return mb_flush(&m, f, in->html);
}

static void info_row(FILE *f, const char *key, const char *v)
{
	json_t *s = json_string(v);

	if (v && *v)
		setup_row(f, key, s);
	json_decref(s);
}

static int fleet_evidence(FILE *f, const struct res_report_in *in)
{
	const struct res_fleet *fl = in->fleet;
	struct mbuf m;
	int ret;

	heading(f, in->html, 2, "evidence", "Evidence");
	ret = mb_open(&m);
	if (ret)
		return ret;
	for (size_t i = 0; i < fl->nhosts; i++) {
		const struct res_fleet_host *h = &fl->hosts[i];

		if (h->status != RES_HOST_OK || !h->rec.npeers)
			continue;
		fprintf(m.f, "**fio and QEMU beside aiotune on %s**\n\n",
			h->name);
		res_rec_print_baseline(m.f, &h->set->sum, &h->rec, true);
		fputc('\n', m.f);
		res_qemu_compare_print(m.f, &h->set->sum, &fl->opts, true);
		fputc('\n', m.f);
	}
	for (size_t i = 0; i < fl->nhosts; i++) {
		const struct res_fleet_host *h = &fl->hosts[i];

		for (int w = 0; h->status == RES_HOST_OK && w < h->rec.nwarn;
		     w++)
			fprintf(m.f, "- warning: %s: %s\n", h->name,
				h->rec.warn[w]);
	}
	fprintf(m.f, "\n**Provenance**\n\n");
	if (fl->file[0]) {
		char seed[32];

		fprintf(m.f, "**%s**\n\n| | |\n|---|---|\n", fl->file);
		info_row(m.f, "fleet", fl->name);
		info_row(m.f, "job", fl->info.job);
		snprintf(seed, sizeof(seed), "%" PRIu64, fl->info.seed);
		info_row(m.f, "seed", seed);
		info_row(m.f, "inventory", fl->info.inventory);
		info_row(m.f, "started", fl->info.started);
		info_row(m.f, "finished", fl->info.finished[0] ?
			 fl->info.finished : "(not finished)");
		info_row(m.f, "aiotune", fl->info.version);
		fputc('\n', m.f);
		fprintf(m.f, "| host | status | installed from | seconds | "
			"reason |\n|---|---|---|---|---|\n");
		for (size_t i = 0; i < fl->nhosts; i++) {
			const struct res_fleet_host *h = &fl->hosts[i];

			fprintf(m.f, "| %s | %s | %s | ", h->name,
				res_host_status_name(h->status),
				h->install[0] ? h->install : "-");
			if (h->elapsed_s >= 0)
				fprintf(m.f, "%.0f | ", h->elapsed_s);
			else
				fputs("- | ", m.f);
			for (const char *p = h->reason; *p; p++)
				fputs(*p == '|' ? "\\|" :
				      (char[2]){ *p, 0 }, m.f);
			fputs(" |\n", m.f);
		}
		fputc('\n', m.f);
	}
	for (size_t i = 0; i < fl->nhosts; i++)
		for (int k = 0; fl->hosts[i].status == RES_HOST_OK &&
				k < fl->hosts[i].ndirs; k++)
			setup(m.f, fl->hosts[i].dirs[k]);
	return mb_flush(&m, f, in->html);
}

static const char *style =
"<style>\n"
"body{font-family:system-ui,sans-serif;line-height:1.4;max-width:62rem;"
"margin:0 auto;padding:.5rem 1rem;color:#1a1a1a}\n"
"h1{font-size:1.35rem;margin:.3rem 0}h2{font-size:1.15rem;"
"margin:1.2rem 0 .4rem;border-bottom:1px solid #ddd}h3{font-size:1rem}\n"
".caption{color:#555;margin:.2rem 0 .6rem;overflow-wrap:anywhere}\n"
"#recommendation{background:#f3f7fb;border:1px solid #c9d8e8;"
"border-radius:6px;padding:.2rem 1rem .6rem}\n"
"#recommendation h2{margin-top:.4rem;border:0}\n"
".setting{font-size:1.1rem;margin:.4rem 0}.setting code{font-weight:600;"
"background:#fff;padding:.1rem .3rem;border-radius:3px}\n"
".setting .tail{color:#555;font-size:.95rem}\n"
"p,li{overflow-wrap:anywhere}\n"
"pre{background:#f6f6f6;padding:.5rem .7rem;white-space:pre-wrap;"
"overflow-wrap:anywhere;font-size:.85rem;margin:.3rem 0 .7rem}\n"
"div.tw{overflow-x:auto;margin:.6rem 0}\n"
"table{border-collapse:collapse}th,td{border:1px solid #ccc;"
"padding:2px 6px;text-align:left;font-size:.85rem;vertical-align:top}\n"
"#recommendation td{overflow-wrap:anywhere}\n"
"figure{margin:1rem 0}img{max-width:100%;height:auto}\n"
"figcaption{font-size:.9rem;color:#444}\n"
"</style>\n";

/* Records the layout as data- attributes of <body> (report.h). */
static const char *probe =
"<script>\n"
"window.addEventListener('load', function () {\n"
"  var b = document.body, d = document.documentElement;\n"
"  var r = document.getElementById('recommendation');\n"
"  var s = r ? r.querySelector('.setting') : null;\n"
"  var imgs = document.images, ok = 0, wide = 0;\n"
"  for (var i = 0; i < imgs.length; i++)\n"
"    if (imgs[i].complete && imgs[i].naturalWidth > 0) ok++;\n"
"  if (r) {\n"
"    var all = r.querySelectorAll('*');\n"
"    for (var k = 0; k < all.length; k++)\n"
"      if (all[k].scrollWidth > all[k].clientWidth + 1 &&\n"
"          all[k].clientWidth > 0) wide++;\n"
"  }\n"
"  b.setAttribute('data-setting-bottom',\n"
"    s ? Math.ceil(s.getBoundingClientRect().bottom) : -1);\n"
"  b.setAttribute('data-viewport', window.innerWidth + 'x' +\n"
"    window.innerHeight);\n"
"  b.setAttribute('data-scroll-x', d.scrollWidth > d.clientWidth ? 1 : 0);\n"
"  b.setAttribute('data-rec-scroll-x', wide);\n"
"  b.setAttribute('data-images', imgs.length);\n"
"  b.setAttribute('data-images-loaded', ok);\n"
"});\n"
"</script>\n";

int res_report_write(FILE *f, const struct res_report_in *in)
{
	bool html = in->html;
	struct res_rec r = { 0 };
	char h1[600];
	int ret = 0;

	if (!in->fleet) {
		ret = res_recommend(&in->set->sum, in->opts, &r);
		if (ret)
			return ret;
	}
	snprintf(h1, sizeof(h1), "aiotune %s report: %s",
		 in->fleet ? "fleet" : "sweep", in->title);
	if (html) {
		fputs("<!DOCTYPE html>\n<html lang=\"en\"><head>"
		      "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
		      "content=\"width=device-width, initial-scale=1\">\n"
		      "<title>", f);
		res_html_esc(f, h1);
		fprintf(f, "</title>\n%s</head>\n<body>\n<h1>", style);
		res_html_esc(f, h1);
		fputs("</h1>\n<p class=\"caption\">", f);
		res_html_esc(f, in->caption);
		fputs("</p>\n<section id=\"recommendation\">\n", f);
	} else {
		fprintf(f, "# %s\n\n%s\n\n", h1, in->caption);
	}
	ret = in->fleet ? fleet_answer(f, in) : host_answer(f, in, &r);
	if (ret)
		goto out;
	if (html)
		fputs("</section>\n", f);
	ret = in->fleet ? fleet_scores(f, in) : host_scores(f, in, &r);
	if (ret)
		goto out;
	figures_part(f, in);
	ret = in->fleet ? fleet_evidence(f, in) : host_evidence(f, in, &r);
	if (ret)
		goto out;
	if (html)
		fprintf(f, "%s</body></html>\n", probe);
out:
	res_rec_free(&r);
	return ret;
}
