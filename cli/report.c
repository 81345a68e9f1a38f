/*
 * report.c: `aiotune report DIR...`: one page that leads with the answer
 * (results/report.h): one host's directories (an aiotune sweep with fio
 * and QEMU runs beside it), or a fleet (a fleet directory, or the
 * directories of several hosts; results/fleet.h). Figures are drawn
 * first where missing (a fleet's always). HTML is self-contained
 * (figures embedded as data: URIs); Markdown links the figures. Also
 * --format fio-json: the runs of one directory as fio JSON.
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
#include "results/report.h"
#include "results/runjson.h"
#include "util/file.h"
#include "util/version.h"

static void usage(FILE *f)
{
	fprintf(f,
"usage: aiotune report [options] DIR...\n"
"Write one page that leads with the answer: the recommendation with its\n"
"QEMU/libvirt snippets, the knee table and the scores, then the figures\n"
"(drawn first if missing) and the evidence (fio baseline, QEMU beside\n"
"aiotune, the points, provenance). DIRs: one host's results directories\n"
"(aiotune sweeps, fio and QEMU runs), or a fleet: a fleet directory\n"
"(fleet.json) or the directories of several hosts, for the deployment\n"
"default, each class's setting, a per-host table and the fleet figure.\n"
"With --format fio-json, write the runs of one DIR as fio JSON instead:\n"
"one fio job per row of results.csv, named by its run id.\n"
"\n"
"  --format F        html (default, self-contained), md or fio-json\n"
"  --output FILE     default DIR/report.html, DIR/report.md or\n"
"                    DIR/fio.json of the first DIR; with several DIRs\n"
"                    the figures go beside it, to FILE's name without\n"
"                    its extension + -figures/\n"
"  --objective O  --cpu-budget PCT  --tolerance PCT   as for recommend\n");
}

/* Draw the figures of set into figdir unless iops.png is there (force). */
static void draw_set(struct res_report_in *in, const struct res_set *set,
		     const char *figdir, bool force)
{
	struct plot_opts o = { .png = true, .svg = true, .outdir = figdir };
	struct plot_out out;
	char probe[PATH_MAX], caption[1024], err[1024], note[300];

	if (res_join(probe, sizeof(probe), figdir, "iops.png"))
		cli_die(CLI_EXIT_USAGE, "%s: path too long", figdir);
	if (!force && res_path_exists(probe))
		return;
	plot_caption(set->dirs, set->n, &set->sum, caption, sizeof(caption));
	if (plot_draw(&set->sum, set->dirs, caption, &o, &out, err,
		      sizeof(err))) {
		fprintf(stderr, "aiotune: the report has no curve figures: "
			"%s\n", err);
		snprintf(note, sizeof(note), "the curve figures: %.250s", err);
		res_report_note(in, note);
	}
}

/* The fleet figure, and every usable host's curves in one set. */
static void draw_fleet(struct res_report_in *in, const struct res_fleet *fl,
		       const char *figdir)
{
	struct plot_opts o = { .png = true, .svg = true, .outdir = figdir };
	struct res_set *all = calloc(1, sizeof(*all));
	char *dirs[RES_MAX_SOURCES], err[1024], note[300];
	struct plot_out out;
	int n = 0;

	if (!all)
		cli_die(1, "out of memory");
	if (plot_fleet(fl, fl->name[0] ? fl->name : "fleet", &o, &out, err,
		       sizeof(err))) {
		fprintf(stderr, "aiotune: the report has no fleet figure: "
			"%s\n", err);
		snprintf(note, sizeof(note), "the fleet figure: %.250s", err);
		res_report_note(in, note);
	}
	for (size_t i = 0; i < fl->nhosts; i++) {
		const struct res_fleet_host *h = &fl->hosts[i];

		for (int k = 0; h->status == RES_HOST_OK && k < h->ndirs;
		     k++) {
			if (n == RES_MAX_SOURCES) {
				snprintf(note, sizeof(note), "the curves of "
					 "all hosts in one figure: more than "
					 "%d directories", RES_MAX_SOURCES);
				res_report_note(in, note);
				free(all);
				return;
			}
			dirs[n++] = h->dirs[k];
		}
	}
	if (n && !res_set_load(all, dirs, n, err, sizeof(err))) {
		draw_set(in, all, figdir, true);
		res_set_free(all);
	}
	free(all);
}

/* FILE's name without extension + "-figures", beside it. */
static void figdir_beside(const char *out, char *dir, size_t size,
			  char *rel, size_t rsize)
{
	const char *base = strrchr(out, '/');
	const char *dot = strrchr(base ? base : out, '.');
	size_t stem = dot && dot != (base ? base + 1 : out) ?
		      (size_t)(dot - out) : strlen(out);

	if ((size_t)snprintf(dir, size, "%.*s-figures", (int)stem, out) >=
	    size)
		cli_die(CLI_EXIT_USAGE, "%s: path too long", out);
	base = strrchr(dir, '/');
	snprintf(rel, rsize, "%s", base ? base + 1 : dir);
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
	struct res_report_in *in = calloc(1, sizeof(*in));
	char **dirs = calloc((size_t)argc, sizeof(*dirs));
	struct res_rec_opts o;
	struct res_fleet fl;
	const char *output = NULL;
	char out[PATH_MAX], figdir[PATH_MAX], rel[PATH_MAX], err[1024];
	char caption[1024], title[RES_NAME_MAX * 2 + 32], *page = NULL;
	char meta_path[PATH_MAX];
	bool html = true, fio = false, fleet;
	size_t len = 0;
	json_t *meta;
	int ndirs = 0;
	FILE *f;
	int ret;

	if (!set || !in || !dirs)
		cli_die(1, "out of memory");
	res_rec_opts_init(&o);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			free(set);
			free(in);
			free(dirs);
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
		} else if (!strcmp(a, "--tolerance")) {
			if (res_rec_pct_parse(v, 0, 50, &o.tolerance_pct))
				cli_bad_value(a, v, "a number from 0 to 50");
			i++;
		} else if (!strncmp(a, "--", 2)) {
			cli_die(CLI_EXIT_USAGE, "unknown option '%s' for report: "
				"'aiotune report --help' lists them", a);
		} else {
			if (ndirs == RES_FLEET_MAX_HOSTS)
				cli_die(CLI_EXIT_USAGE, "too many directories: "
					"at most %d", RES_FLEET_MAX_HOSTS);
			dirs[ndirs++] = argv[i];
		}
	}
	if (!ndirs)
		cli_die(CLI_EXIT_USAGE, "no results directory given: usage "
			"aiotune report [options] DIR...");
	if (fio) {
		if (ndirs > 1)
			cli_die(CLI_EXIT_USAGE, "--format fio-json takes one "
				"results directory: '%s' and '%s' given",
				dirs[0], dirs[1]);
		free(set);
		free(in);
		ret = fio_json_export(dirs[0], output);
		free(dirs);
		return ret;
	}
	if (res_fleet_group(&fl, dirs, ndirs, err, sizeof(err)))
		cli_die(CLI_EXIT_USAGE, "%s", err);
	fleet = res_fleet_is_fleet(&fl);
	if (output)
		snprintf(out, sizeof(out), "%s", output);
	else if (res_join(out, sizeof(out), dirs[0],
			  html ? "report.html" : "report.md"))
		cli_die(CLI_EXIT_USAGE, "%s: path too long", dirs[0]);
	if (ndirs == 1) {
		if (res_join(figdir, sizeof(figdir), dirs[0], "figures"))
			cli_die(CLI_EXIT_USAGE, "%s: path too long", dirs[0]);
		snprintf(rel, sizeof(rel), "figures");
	} else {
		figdir_beside(out, figdir, sizeof(figdir), rel, sizeof(rel));
	}
	in->html = html;
	in->opts = &o;
	in->caption = caption;
	in->title = title;
	if (fleet) {
		if (res_fleet_analyse(&fl, &o))
			cli_die(1, "out of memory");
		if (!res_fleet_usable(&fl))
			fprintf(stderr, "aiotune: no host of the fleet has "
				"usable results: the page lists why\n");
		in->fleet = &fl;
		snprintf(title, sizeof(title), "%s", fl.name[0] ? fl.name :
			 "hosts");
		snprintf(caption, sizeof(caption), "%zu hosts, %zu usable, "
			 "%zu class%s (device model / CPU model)", fl.nhosts,
			 res_fleet_usable(&fl), fl.nclasses,
			 fl.nclasses == 1 ? "" : "es");
		draw_fleet(in, &fl, figdir);
		res_report_find_figs(in, figdir, rel, NULL);
	} else {
		res_fleet_free(&fl);
		if (res_set_load(set, dirs, ndirs, err, sizeof(err)))
			cli_die(CLI_EXIT_USAGE, "%s", err);
		in->set = set;
		if (res_join(meta_path, sizeof(meta_path), dirs[0],
			     "meta.json") ||
		    res_json_load(meta_path, &meta, err, sizeof(err)))
			meta = json_object();
		snprintf(title, sizeof(title), "%s", json_string_value(
			 json_object_get(json_object_get(meta, "sweep"),
					 "name")) ?: dirs[0]);
		json_decref(meta);
		plot_caption(set->dirs, set->n, &set->sum, caption,
			     sizeof(caption));
		draw_set(in, set, figdir, ndirs > 1);
		res_report_find_figs(in, figdir, rel, &set->sum);
	}
	f = open_memstream(&page, &len);
	if (!f)
		cli_die(1, "out of memory");
	ret = res_report_write(f, in);
	if (fclose(f) || ret)
		cli_die(1, "out of memory");
	ret = res_write_atomic(out, page, len);
	if (ret)
		cli_die(1, "cannot write %s: %s", out, strerror(-ret));
	printf("%s\n", out);
	free(page);
	if (fleet)
		res_fleet_free(&fl);
	else
		res_set_free(set);
	free(set);
	free(in);
	free(dirs);
	return 0;
}

const struct cli_cmd cli_cmd_report = {
	.name = "report",
	.summary = "write an HTML or Markdown page: the answer first",
	.run = cmd_report,
};
