/*
 * recommend.c: `aiotune recommend DIR...`: the knee of each curve, one
 * setting under an objective, the constraint that decided, the settings
 * as QEMU/QMP/libvirt/virsh text and warnings (results/recommend.h); for
 * a fleet (a fleet directory, or directories of several hosts), each
 * host's and one deployment default and one setting per host class by
 * the rule of results/fleet.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "results/fleet.h"
#include "results/load.h"
#include "results/recommend.h"

static void usage(FILE *f)
{
	fprintf(f,
"usage: aiotune recommend [options] DIR...\n"
"Find the knee of every curve (smallest poll-max-ns within a tolerance of\n"
"the best IOPS, spread considered) and combine the workloads into one\n"
"setting; print it for QEMU, QMP/HMP, libvirt and virsh.\n"
"A fleet directory (fleet.json), or the directories of several hosts:\n"
"each host's setting, one deployment default (the setting whose worst\n"
"host loses least against its own best) and one per host class (device\n"
"and CPU model).\n"
"\n"
"  --objective O      balanced (default), throughput, latency, efficiency\n"
"  --cpu-budget PCT   most CPU per IOThread allowed, %% of one CPU\n"
"  --tolerance PCT    how close to the best counts as there (default 5)\n"
"  --max-spread PCT   repetition spread warned about (default 20)\n"
"  --markdown         Markdown output (as in the report)\n"
"\n"
"Exit status: 0 with a recommendation (for a fleet: a deployment default;\n"
"warnings included), 1 when the data cannot support one, 2 bad usage.\n");
}

static double pct_arg(const char *flag, const char *v, double lo, double hi)
{
	double x;

	if (res_rec_pct_parse(v, lo, hi, &x)) {
		char allowed[64];

		snprintf(allowed, sizeof(allowed), "a number from %g to %g",
			 lo, hi);
		cli_bad_value(flag, v, allowed);
	}
	return x;
}

static int fleet(struct res_fleet *f, const struct res_rec_opts *o, bool md)
{
	int have;

	if (res_fleet_analyse(f, o))
		cli_die(1, "out of memory");
	res_fleet_print(stdout, f, md);
	have = f->deploy.have;
	res_fleet_free(f);
	return have ? 0 : 1;
}

static int cmd_recommend(int argc, char **argv)
{
	struct res_set *set = calloc(1, sizeof(*set));
	char **dirs = calloc((size_t)argc, sizeof(*dirs));
	struct res_rec_opts o;
	struct res_fleet fl;
	struct res_rec r;
	bool have;
	char err[1024];
	bool md = false;
	int ndirs = 0, ret;

	if (!set || !dirs)
		cli_die(1, "out of memory");
	res_rec_opts_init(&o);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			free(set);
			free(dirs);
			return 0;
		} else if (!strcmp(a, "--markdown")) {
			md = true;
		} else if (!strcmp(a, "--objective")) {
			if (!v || res_objective_parse(v, &o.objective))
				cli_bad_value(a, v, "balanced, throughput, "
					      "latency, efficiency");
			i++;
		} else if (!strcmp(a, "--cpu-budget")) {
			o.cpu_budget_pct = pct_arg(a, v, 0, 100000);
			i++;
		} else if (!strcmp(a, "--tolerance")) {
			o.tolerance_pct = pct_arg(a, v, 0, 50);
			i++;
		} else if (!strcmp(a, "--max-spread")) {
			o.max_spread_pct = pct_arg(a, v, 0, 1000);
			i++;
		} else if (!strncmp(a, "--", 2)) {
			cli_die(CLI_EXIT_USAGE, "unknown option '%s' for "
				"recommend: 'aiotune recommend --help' lists "
				"them", a);
		} else {
			if (ndirs == RES_FLEET_MAX_HOSTS)
				cli_die(CLI_EXIT_USAGE, "too many directories: "
					"at most %d", RES_FLEET_MAX_HOSTS);
			dirs[ndirs++] = argv[i];
		}
	}
	if (!ndirs)
		cli_die(CLI_EXIT_USAGE, "no results directory given: usage "
			"aiotune recommend [options] DIR...");
	if (res_fleet_group(&fl, dirs, ndirs, err, sizeof(err)))
		cli_die(CLI_EXIT_USAGE, "%s", err);
	if (res_fleet_is_fleet(&fl)) {
		ret = fleet(&fl, &o, md);
		free(set);
		free(dirs);
		return ret;
	}
	res_fleet_free(&fl);
	if (res_set_load(set, dirs, ndirs, err, sizeof(err)))
		cli_die(CLI_EXIT_USAGE, "%s", err);
	if (res_recommend(&set->sum, &o, &r))
		cli_die(1, "out of memory");
	res_rec_print(stdout, &set->sum, &r, md);
	/* fio runs alone: the baseline is the answer, not an error. */
	have = r.have || (!r.nknees && r.npeers);
	res_rec_free(&r);
	res_set_free(set);
	free(set);
	free(dirs);
	return have ? 0 : 1;
}

const struct cli_cmd cli_cmd_recommend = {
	.name = "recommend",
	.summary = "find the knee and print the poll settings to deploy",
	.run = cmd_recommend,
};
