/*
 * import-fio.c: `aiotune import-fio --output DIR FILE.json...`: fio's
 * JSON output turned into a results directory (results.csv, runs/<id>.json,
 * meta.json) that plot, recommend and report read like a sweep's.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "results/atomic.h"
#include "results/fio-import.h"
#include "results/meta.h"
#include "results/provenance.h"
#include "results/row.h"
#include "results/runjson.h"

static void usage(FILE *f)
{
	fprintf(f,
"usage: aiotune import-fio --output DIR FILE.json...\n"
"Import fio results (fio --output-format=json, also client/server output)\n"
"into a new results directory: one row of results.csv and one\n"
"runs/<id>.json per fio job; engine is fio-<ioengine>.\n"
"\n"
"  --output DIR     the results directory to create: a new one, or one\n"
"                   without results.csv, meta.json or plan.json (a\n"
"                   sweep's); nothing in it is replaced\n");
}

static void save_json(const char *dir, const char *name, json_t *o)
{
	char path[PATH_MAX];
	char *text = json_dumps(o, JSON_INDENT(2));
	int ret;

	if (!text)
		cli_die(1, "out of memory");
	ret = res_join(path, sizeof(path), dir, name);
	if (!ret)
		ret = res_write_atomic(path, text, strlen(text));
	free(text);
	if (ret)
		cli_die(1, "%s/%s: %s", dir, name, strerror(-ret));
}

/*
 * The files of a results directory that an import would replace: a
 * finished results directory (results.csv), or a sweep that has not
 * written results.csv yet but whose meta.json (seed, sessions, failed
 * runs) and plan.json must not be lost. Exits 2 naming the file.
 */
static void refuse_existing(const char *dir)
{
	static const char *const names[] = {
		"results.csv", "meta.json", "plan.json",
	};
	char path[PATH_MAX];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (res_join(path, sizeof(path), dir, names[i]))
			cli_bad_value("--output", dir, "a shorter path");
		if (res_path_exists(path))
			cli_die(CLI_EXIT_USAGE, "invalid value '%s' for "
				"--output: %s exists (a results directory "
				"or a sweep): allowed a new directory or one "
				"without results.csv, meta.json or plan.json",
				dir, path);
	}
}

/* A run file of this import that is already there is not replaced. */
static void refuse_run_file(const char *dir, const char *name)
{
	char path[PATH_MAX];

	if (res_join(path, sizeof(path), dir, name))
		cli_bad_value("--output", dir, "a shorter path");
	if (res_path_exists(path))
		cli_die(CLI_EXIT_USAGE, "invalid value '%s' for --output: "
			"%s exists: allowed a directory without it", dir,
			path);
}

static int cmd_import_fio(int argc, char **argv)
{
	const char *out = NULL;
	char path[PATH_MAX], cmdline[4096] = "aiotune", err[1024], when[32];
	struct res_table t = { 0 };
	json_t *meta, *files, *all;
	size_t len = strlen(cmdline);
	int first = 0, ret;

	for (int i = 0; i < argc && len + 1 < sizeof(cmdline); i++)
		len += (size_t)snprintf(cmdline + len, sizeof(cmdline) - len,
					" %s", argv[i]);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		}
		if (!strcmp(argv[i], "--output")) {
			if (i + 1 >= argc)
				cli_bad_value("--output", NULL,
					      "a directory name");
			out = argv[++i];
			cli_check_output_dir("--output", out);
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1])
			cli_bad_value("option", argv[i], "--output DIR");
		first = i;
		break;
	}
	if (!out)
		cli_die(CLI_EXIT_USAGE, "import-fio needs --output DIR "
			"(see aiotune import-fio --help)");
	if (!first)
		cli_die(CLI_EXIT_USAGE, "import-fio needs at least one fio "
			"JSON file");
	refuse_existing(out);

	files = json_array();
	/* Convert everything before writing anything. */
	all = json_array();
	for (int i = first; i < argc; i++) {
		json_t *runs, *run;
		size_t k;

		if (argv[i][0] == '-')
			cli_bad_value("option", argv[i],
				      "options before the files");
		ret = res_fio_import_file(argv[i], &runs, err, sizeof(err));
		if (ret)
			cli_die(ret == -ENOMEM ? 1 : CLI_EXIT_USAGE, "%s",
				err);
		json_array_foreach(runs, k, run) {
			json_object_set_new(run, "fio_file",
					    json_string(argv[i]));
			json_object_set_new(run, "command_line",
					    json_string(cmdline));
			json_array_append(all, run);
		}
		json_array_append_new(files, json_string(argv[i]));
		json_decref(runs);
	}
	if (!json_array_size(all))
		cli_die(CLI_EXIT_USAGE, "%s%s: no fio jobs in %s", argv[first],
			argc - first > 1 ? " (and the other files)" : "",
			argc - first > 1 ? "them" : "it");

	for (size_t k = 0; k < json_array_size(all); k++) {
		char name[48];

		snprintf(name, sizeof(name), "runs/fio-%04zu.json", k);
		refuse_run_file(out, name);
	}
	ret = res_join(path, sizeof(path), out, "runs");
	if (!ret)
		ret = res_mkdirs(path);
	if (ret)
		cli_die(1, "%s/runs: cannot create: %s", out, strerror(-ret));
	for (size_t k = 0; k < json_array_size(all); k++) {
		json_t *run = json_array_get(all, k);
		struct res_row r;
		char name[RES_NAME_MAX + 16];

		res_row_init(&r);
		/* Every error names the file the run came from. */
		if (res_row_from_run(run, &r, err, sizeof(err)))
			cli_die(CLI_EXIT_USAGE, "%s: fio job %zu: %s",
				json_string_value(json_object_get(run,
					"fio_file")), k, err);
		snprintf(r.run_id, sizeof(r.run_id), "fio-%04zu", k);
		r.point = (int64_t)k;
		r.rep = 0;
		r.order = (int64_t)k;
		snprintf(r.section, sizeof(r.section), "fio");
		snprintf(r.json, sizeof(r.json), "runs/%s.json", r.run_id);
		snprintf(name, sizeof(name), "runs/%s.json", r.run_id);
		save_json(out, name, run);
		if (res_table_add(&t, &r))
			cli_die(1, "out of memory");
	}
	ret = res_join(path, sizeof(path), out, "results.csv");
	if (!ret)
		ret = res_csv_save(path, &t);
	if (ret)
		cli_die(1, "%s/results.csv: %s", out, strerror(-ret));

	res_prov_utc_now(when, sizeof(when));
	meta = res_meta_new(cmdline, when);
	if (!meta)
		cli_die(1, "out of memory");
	json_object_set_new(meta, "imported_from", files);
	json_object_set_new(meta, "runs", json_integer((json_int_t)t.n));
	save_json(out, "meta.json", meta);
	json_decref(meta);
	json_decref(all);
	printf("%s: %zu fio job%s imported\n", out, t.n, t.n == 1 ? "" : "s");
	res_table_free(&t);
	return 0;
}

const struct cli_cmd cli_cmd_import_fio = {
	.name = "import-fio",
	.summary = "import fio JSON results into a results directory",
	.run = cmd_import_fio,
};
