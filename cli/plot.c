/*
 * plot.c: `aiotune plot DIR...`: the figures of one or more results
 * directories (overlaid when several), PNG and SVG, drawn by the gnuplot
 * scripts in plots/ (plots/plot.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "plots/plot.h"
#include "results/atomic.h"
#include "results/load.h"

static void usage(FILE *f)
{
	fprintf(f,
"usage: aiotune plot [options] DIR...\n"
"Draw the figures of sweep results with gnuplot: IOPS, latency p50/p99,\n"
"CPU and IOPS per CPU, poll hit rate (all vs poll-max-ns), the polling\n"
"window over time, and IOPS over iothreads x placement. Several DIRs\n"
"(hosts, engines, aiotune vs fio) are overlaid in the same figures.\n"
"\n"
"  --output DIR     where the figures go (default DIR/figures for one\n"
"                   DIR; required for several)\n"
"  --format LIST    png, svg or png,svg (default png,svg)\n"
"  --scripts DIR    the gnuplot scripts (default: plots/ of this tree,\n"
"                   or $AIOTUNE_PLOTS)\n");
}

static int cmd_plot(int argc, char **argv)
{
	struct plot_opts o = { .png = true, .svg = true };
	struct plot_out out;
	struct res_set *set = calloc(1, sizeof(*set));
	char *dirs[RES_MAX_SOURCES];
	char outdir[PATH_MAX], caption[1024], err[1024];
	int ndirs = 0;

	if (!set)
		cli_die(1, "out of memory");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			free(set);
			return 0;
		}
		if (!strcmp(a, "--output") || !strcmp(a, "--format") ||
		    !strcmp(a, "--scripts")) {
			if (i + 1 >= argc)
				cli_bad_value(a, NULL, "a value after the flag");
			if (!strcmp(a, "--output")) {
				o.outdir = argv[++i];
				cli_check_output_dir(a, o.outdir);
			} else if (!strcmp(a, "--scripts")) {
				o.scripts_dir = argv[++i];
			} else {
				const char *v = argv[++i];

				o.png = strstr(v, "png") != NULL;
				o.svg = strstr(v, "svg") != NULL;
				if (strcmp(v, "png") && strcmp(v, "svg") &&
				    strcmp(v, "png,svg") &&
				    strcmp(v, "svg,png"))
					cli_bad_value(a, v, "png, svg, png,svg");
			}
			continue;
		}
		if (!strncmp(a, "--", 2))
			cli_die(CLI_EXIT_USAGE, "unknown option '%s' for plot: "
				"'aiotune plot --help' lists them", a);
		if (ndirs == RES_MAX_SOURCES)
			cli_die(CLI_EXIT_USAGE, "too many directories: at most "
				"%d", RES_MAX_SOURCES);
		dirs[ndirs++] = argv[i];
	}
	if (!ndirs)
		cli_die(CLI_EXIT_USAGE, "no results directory given: usage "
			"aiotune plot [options] DIR...");
	if (!o.outdir) {
		if (ndirs > 1)
			cli_die(CLI_EXIT_USAGE, "several directories: give "
				"--output DIR for the overlaid figures");
		if (res_join(outdir, sizeof(outdir), dirs[0], "figures"))
			cli_die(CLI_EXIT_USAGE, "%s: path too long", dirs[0]);
		o.outdir = outdir;
	}
	if (res_set_load(set, dirs, ndirs, err, sizeof(err)))
		cli_die(CLI_EXIT_USAGE, "%s", err);
	plot_caption(set->dirs, set->n, &set->sum, caption,
		     sizeof(caption));
	if (plot_draw(&set->sum, set->dirs, caption, &o, &out, err,
		      sizeof(err)))
		cli_die(1, "%s", err);
	for (int i = 0; i < out.nfiles; i++)
		printf("%s\n", out.files[i]);
	for (int i = 0; i < out.nnotes; i++)
		fprintf(stderr, "aiotune: not drawn: %s\n", out.notes[i]);
	res_set_free(set);
	free(set);
	return 0;
}

const struct cli_cmd cli_cmd_plot = {
	.name = "plot",
	.summary = "draw the figures of results directories (gnuplot)",
	.run = cmd_plot,
};
