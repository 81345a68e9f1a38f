/*
 * report.c: `aiotune report DIR`: one page about a sweep: the setup (from
 * meta.json), the figures (drawn first if missing), the table of points
 * and the recommendation. HTML is self-contained (figures embedded as
 * data: URIs); Markdown links the figures under DIR/figures/.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli/cli.h"
#include "plots/plot.h"
#include "results/atomic.h"
#include "results/fio-export.h"
#include "results/load.h"
#include "results/provenance.h"
#include "results/recommend.h"
#include "results/runjson.h"
#include "util/file.h"
#include "util/version.h"

static const struct {
	const char *name;
	const char *what;
} figures[] = {
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

static void usage(FILE *f)
{
	fprintf(f,
"usage: aiotune report [options] DIR\n"
"Write one page about a sweep: setup, figures, table of points and the\n"
"recommendation (figures are drawn first if DIR/figures has none).\n"
"With --format fio-json, write the runs as fio JSON instead: one fio job\n"
"per row of results.csv, named by its run id, from runs/<id>.json.\n"
"\n"
"  --format F        html (default, self-contained), md or fio-json\n"
"  --output FILE     default DIR/report.html, DIR/report.md or\n"
"                    DIR/fio.json\n"
"  --objective O     --cpu-budget PCT   as for aiotune recommend\n");
}

static void esc(FILE *f, const char *s, bool html)
{
	for (; s && *s; s++) {
		if (html && *s == '<')
			fputs("&lt;", f);
		else if (html && *s == '>')
			fputs("&gt;", f);
		else if (html && *s == '&')
			fputs("&amp;", f);
		else if (!html && *s == '|')
			fputs("\\|", f);
		else
			fputc(*s, f);
	}
}

static void base64(FILE *f, const unsigned char *p, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

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

/* One row "key | value" of the setup table, from a JSON value. */
static void setup_row(FILE *f, bool html, const char *key, json_t *v)
{
	char *text = NULL;

	if (!v || json_is_null(v))
		return;
	if (json_is_string(v))
		text = strdup(json_string_value(v));
	else
		text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	if (!text)
		return;
	if (html) {
		fprintf(f, "<tr><th>%s</th><td>", key);
		esc(f, text, true);
		fputs("</td></tr>\n", f);
	} else {
		fprintf(f, "| %s | ", key);
		esc(f, text, false);
		fputs(" |\n", f);
	}
	free(text);
}

static void setup(FILE *f, bool html, json_t *meta)
{
	json_t *host = json_object_get(meta, "host");
	json_t *sweep = json_object_get(meta, "sweep");
	json_t *sessions = json_object_get(meta, "sessions");
	json_t *last = json_array_get(sessions, json_array_size(sessions) - 1);
	json_t *tmp;
	char ver[128];

	snprintf(ver, sizeof(ver), "%s (git %s)",
		 json_string_value(json_object_get(meta, "version")) ?: "?",
		 json_string_value(json_object_get(meta, "git")) ?: "?");
	fputs(html ? "<h2>Setup</h2>\n<table>\n" :
		     "## Setup\n\n| | |\n|---|---|\n", f);
	tmp = json_string(ver);
	setup_row(f, html, "aiotune", tmp);
	json_decref(tmp);
	setup_row(f, html, "command line",
		  json_object_get(meta, "command_line"));
	setup_row(f, html, "started", json_object_get(meta, "start_time"));
	setup_row(f, html, "ended", json_object_get(last, "end_time"));
	tmp = json_integer((json_int_t)json_array_size(sessions));
	setup_row(f, html, "sessions (resumes + 1)", tmp);
	json_decref(tmp);
	setup_row(f, html, "host", json_object_get(host, "hostname"));
	setup_row(f, html, "kernel", json_object_get(host, "kernel"));
	setup_row(f, html, "CPU model", json_object_get(host, "cpu_model"));
	setup_row(f, html, "CPUs online", json_object_get(host, "cpus_online"));
	setup_row(f, html, "NUMA nodes", json_object_get(host, "numa_nodes"));
	setup_row(f, html, "clock source",
		  json_object_get(host, "clocksource"));
	setup_row(f, html, "cpuidle driver",
		  json_object_get(host, "cpuidle_driver"));
	setup_row(f, html, "timer slack of the runs (ns)",
		  json_object_get(meta, "run_timer_slack_ns"));
	setup_row(f, html, "fd monitor used",
		  json_object_get(meta, "fdmon_used"));
	setup_row(f, html, "devices", json_object_get(meta, "devices"));
	setup_row(f, html, "seed", json_object_get(sweep, "seed"));
	setup_row(f, html, "repetitions",
		  json_object_get(sweep, "repetitions"));
	setup_row(f, html, "points", json_object_get(sweep, "points"));
	setup_row(f, html, "runs planned", json_object_get(sweep, "runs"));
	setup_row(f, html, "runs done", json_object_get(sweep, "runs_done"));
	if (json_array_size(json_object_get(meta, "failed_runs")))
		setup_row(f, html, "failed runs",
			  json_object_get(meta, "failed_runs"));
	fputs(html ? "</table>\n" : "\n", f);
}

static void figure(FILE *f, bool html, const char *dir, size_t i)
{
	char path[PATH_MAX], rel[64];
	unsigned char *png;
	size_t len;

	snprintf(rel, sizeof(rel), "figures/%s.png", figures[i].name);
	if (res_join(path, sizeof(path), dir, rel) ||
	    res_read_file(path, (char **)&png, &len))
		return;
	if (html) {
		fprintf(f, "<figure><img alt=\"%s\" src=\"data:image/png;"
			"base64,", figures[i].name);
		base64(f, png, len);
		fprintf(f, "\"><figcaption>%s</figcaption></figure>\n",
			figures[i].what);
	} else {
		fprintf(f, "![%s](%s)\n\n%s\n\n", figures[i].name, rel,
			figures[i].what);
	}
	free(png);
}

static void cell(FILE *f, bool html, const char *fmt, double v)
{
	char buf[64];

	if (isnan(v))
		snprintf(buf, sizeof(buf), "-");
	else
		snprintf(buf, sizeof(buf), fmt, v);
	fprintf(f, html ? "<td>%s</td>" : " %s |", buf);
}

static void points_table(FILE *f, bool html, const struct res_summary *s)
{
	static const char *const heads[] = {
		"curve", "poll-max-ns", "runs", "IOPS (median)",
		"IOPS min-max", "spread %", "p50 us", "p99 us",
		"IOThread CPU %", "IOPS per CPU", "poll hits %",
	};
	size_t nh = sizeof(heads) / sizeof(heads[0]);

	fputs(html ? "<h2>Points</h2>\n<table class=\"pts\">\n<tr>" :
		     "## Points\n\n|", f);
	for (size_t i = 0; i < nh; i++)
		fprintf(f, html ? "<th>%s</th>" : " %s |", heads[i]);
	fputs(html ? "</tr>\n" : "\n|", f);
	if (!html) {
		for (size_t i = 0; i < nh; i++)
			fputs("---|", f);
		fputc('\n', f);
	}
	for (size_t j = 0; j < s->nseries; j++) {
		const struct res_series *c = &s->series[j];

		for (size_t i = 0; i < c->n; i++) {
			const struct res_agg *a = &s->aggs[c->pts[i]];
			char p[16], range[64];

			res_fmt_ns_short(a->key.poll_max_ns, p, sizeof(p));
			snprintf(range, sizeof(range), "%.0f-%.0f",
				 a->m[RES_M_IOPS].min, a->m[RES_M_IOPS].max);
			fputs(html ? "<tr><td>" : "| ", f);
			esc(f, c->label, html);
			fprintf(f, html ? "</td><td>%s</td><td>%d</td>" :
				" | %s | %d |", p, a->nrows);
			cell(f, html, "%.0f", a->m[RES_M_IOPS].med);
			fprintf(f, html ? "<td>%s</td>" : " %s |", range);
			cell(f, html, "%.1f", a->spread * 100);
			cell(f, html, "%.1f", a->m[RES_M_LAT_P50].med / 1000);
			cell(f, html, "%.1f", a->m[RES_M_LAT_P99].med / 1000);
			cell(f, html, "%.0f", a->m[RES_M_CPU].med);
			cell(f, html, "%.0f", a->m[RES_M_IOPS_PER_CPU].med);
			cell(f, html, "%.0f", a->m[RES_M_POLL_HIT].med);
			fputs(html ? "</tr>\n" : "\n", f);
		}
	}
	fputs(html ? "</table>\n" : "\n", f);
}

static void recommendation(FILE *f, bool html, const struct res_summary *s,
			   const struct res_rec_opts *o)
{
	struct res_rec r;
	char *text = NULL;
	size_t len = 0;
	FILE *m;

	if (res_recommend(s, o, &r))
		cli_die(1, "out of memory");
	fputs(html ? "<h2>Recommendation</h2>\n<pre>" :
		     "## Recommendation\n\n", f);
	if (!html) {
		res_rec_print(f, s, &r, true);
		res_rec_free(&r);
		return;
	}
	m = open_memstream(&text, &len);
	if (!m)
		cli_die(1, "out of memory");
	res_rec_print(m, s, &r, false);
	fclose(m);
	esc(f, text, true);
	fputs("</pre>\n", f);
	free(text);
	res_rec_free(&r);
}

static const char *style =
"<style>body{font-family:sans-serif;max-width:1000px;margin:auto;"
"padding:1em}table{border-collapse:collapse;margin:1em 0}"
"th,td{border:1px solid #ccc;padding:2px 6px;text-align:left;"
"font-size:90%}table.pts td{text-align:right}figure{margin:1em 0}"
"img{max-width:100%}pre{background:#f4f4f4;padding:1em;"
"overflow-x:auto}</style>\n";

static void ensure_figures(struct res_set *set)
{
	struct plot_opts o = { .png = true, .svg = true };
	struct plot_out out;
	char figdir[PATH_MAX], probe[PATH_MAX], caption[1024], err[1024];

	if (res_join(figdir, sizeof(figdir), set->dirs[0], "figures") ||
	    res_join(probe, sizeof(probe), figdir, "iops.png"))
		cli_die(CLI_EXIT_USAGE, "%s: path too long", set->dirs[0]);
	if (res_path_exists(probe))
		return;
	o.outdir = figdir;
	plot_caption(set->dirs, 1, &set->sum, caption, sizeof(caption));
	if (plot_draw(&set->sum, set->dirs, caption, &o, &out, err,
		      sizeof(err)))
		fprintf(stderr, "aiotune: the report has no figures: %s\n",
			err);
}

/*
 * --format fio-json: every run of DIR's results.csv, read from its run
 * JSON, as one fio document written to output (default DIR/fio.json).
 */
static int fio_json_export(const char *dir, const char *output)
{
	struct res_table t = { 0 };
	char path[PATH_MAX], err[1024], *text;
	json_t *jobs, *doc;
	size_t len;
	int ret;

	if (res_join(path, sizeof(path), dir, "results.csv"))
		cli_die(CLI_EXIT_USAGE, "%s: path too long", dir);
	if (res_csv_load(path, &t, err, sizeof(err)))
		cli_die(CLI_EXIT_USAGE, "%s", err);
	if (!t.n)
		cli_die(CLI_EXIT_USAGE, "%s: no runs in it", path);
	jobs = json_array();
	for (size_t i = 0; i < t.n; i++) {
		const struct res_row *r = &t.rows[i];
		char rel[RES_NAME_MAX + 48];
		json_t *run, *job;

		if (r->json[0])
			snprintf(rel, sizeof(rel), "%s", r->json);
		else
			snprintf(rel, sizeof(rel), "runs/%s.json", r->run_id);
		if (res_join(path, sizeof(path), dir, rel))
			cli_die(CLI_EXIT_USAGE, "%s: path too long", dir);
		ret = util_read_file(path, RES_READ_MAX, &text, &len, err,
				     sizeof(err));
		if (ret)
			cli_die(CLI_EXIT_USAGE, "%s", err);
		ret = res_run_parse(text, &run, err, sizeof(err));
		free(text);
		if (ret)
			cli_die(CLI_EXIT_USAGE, "%s: %s", path, err);
		if (res_fio_export_job(run, r->run_id, &job, err, sizeof(err)))
			cli_die(CLI_EXIT_USAGE, "%s: %s", path, err);
		json_array_append_new(jobs, job);
		json_decref(run);
	}
	doc = res_fio_export_doc(jobs, util_version(), time(NULL));
	text = doc ? res_fio_export_dumps(doc) : NULL;
	if (!text)
		cli_die(1, "out of memory");
	if (output)
		snprintf(path, sizeof(path), "%s", output);
	else if (res_join(path, sizeof(path), dir, "fio.json"))
		cli_die(CLI_EXIT_USAGE, "%s: path too long", dir);
	ret = res_write_atomic(path, text, strlen(text));
	if (ret)
		cli_die(1, "cannot write %s: %s", path, strerror(-ret));
	printf("%s: %zu run%s\n", path, t.n, t.n == 1 ? "" : "s");
	free(text);
	json_decref(doc);
	json_decref(jobs);
	res_table_free(&t);
	return 0;
}

static int cmd_report(int argc, char **argv)
{
	struct res_set *set = calloc(1, sizeof(*set));
	struct res_rec_opts o;
	const char *output = NULL;
	char *dir = NULL, out[PATH_MAX], err[1024], *page = NULL;
	bool html = true, fio = false;
	size_t len = 0;
	json_t *meta;
	FILE *f;
	int ret;

	if (!set)
		cli_die(1, "out of memory");
	res_rec_opts_init(&o);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			free(set);
			return 0;
		} else if (!strcmp(a, "--format")) {
			if (!v || (strcmp(v, "html") && strcmp(v, "md") &&
				   strcmp(v, "fio-json")))
				cli_bad_value(a, v, "html, md, fio-json");
			html = !strcmp(v, "html");
			fio = !strcmp(v, "fio-json");
			i++;
		} else if (!strcmp(a, "--output")) {
			cli_check_output_file(a, v);
			output = v;
			i++;
		} else if (!strcmp(a, "--objective")) {
			if (!v || res_objective_parse(v, &o.objective))
				cli_bad_value(a, v, "balanced, throughput, "
					      "latency, efficiency");
			i++;
		} else if (!strcmp(a, "--cpu-budget")) {
			/* As recommend --cpu-budget takes it. */
			if (res_rec_pct_parse(v, 0, 100000, &o.cpu_budget_pct))
				cli_bad_value(a, v, "a number from 0 to "
					      "100000");
			i++;
		} else if (!strncmp(a, "--", 2)) {
			cli_die(CLI_EXIT_USAGE, "unknown option '%s' for report: "
				"'aiotune report --help' lists them", a);
		} else if (dir) {
			cli_die(CLI_EXIT_USAGE, "one results directory per "
				"report: '%s' and '%s' given", dir, a);
		} else {
			dir = argv[i];
		}
	}
	if (!dir)
		cli_die(CLI_EXIT_USAGE, "no results directory given: usage "
			"aiotune report [options] DIR");
	if (fio) {
		free(set);
		return fio_json_export(dir, output);
	}
	if (res_set_load(set, &dir, 1, err, sizeof(err)))
		cli_die(CLI_EXIT_USAGE, "%s", err);
	if (res_join(out, sizeof(out), dir, "meta.json") ||
	    res_json_load(out, &meta, err, sizeof(err)))
		meta = json_object();
	ensure_figures(set);
	f = open_memstream(&page, &len);
	if (!f)
		cli_die(1, "out of memory");
	if (html)
		fprintf(f, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
			"<title>aiotune report</title>\n%s</head><body>\n"
			"<h1>aiotune sweep report: ", style);
	else
		fputs("# aiotune sweep report: ", f);
	esc(f, json_string_value(json_object_get(json_object_get(meta,
					"sweep"), "name")) ?: dir, html);
	fputs(html ? "</h1>\n" : "\n\n", f);
	setup(f, html, meta);
	fputs(html ? "<h2>Figures</h2>\n" : "## Figures\n\n", f);
	for (size_t i = 0; i < NR_FIGS; i++)
		figure(f, html, dir, i);
	points_table(f, html, &set->sum);
	recommendation(f, html, &set->sum, &o);
	if (html)
		fputs("</body></html>\n", f);
	fclose(f);
	if (output)
		snprintf(out, sizeof(out), "%s", output);
	else if (res_join(out, sizeof(out), dir,
			  html ? "report.html" : "report.md"))
		cli_die(CLI_EXIT_USAGE, "%s: path too long", dir);
	ret = res_write_atomic(out, page, len);
	if (ret)
		cli_die(1, "cannot write %s: %s", out, strerror(-ret));
	printf("%s\n", out);
	free(page);
	json_decref(meta);
	res_set_free(set);
	free(set);
	return 0;
}

const struct cli_cmd cli_cmd_report = {
	.name = "report",
	.summary = "write an HTML or Markdown report of a sweep",
	.run = cmd_report,
};
