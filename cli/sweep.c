/*
 * sweep.c: `aiotune sweep` and `aiotune fio`: their flags, their help and
 * their exit status; the session itself is sweep/sweep.h's. Exit status:
 * 0 every run done (or skipped: this host cannot realize it), 1 some runs
 * failed or the sweep could not go on, 2 bad usage (a flag, a job file,
 * a results directory, a point `aiotune run` refused), 128+N stopped by
 * signal N (resume with --resume DIR).
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "results/row.h"
#include "sweep/sweep.h"
#include "util/datadir.h"
#include "util/util.h"
#include "workloads/fio-cmd.h"
#include "workloads/units.h"

/*
 * --job's file: val itself, or, when val is relative and names nothing
 * here, the data file of that path (util/datadir.h: the source tree or
 * the installed share/aiotune), so sweep/jobs/quick.ini works anywhere.
 */
static const char *job_file(const char *val)
{
	static char found[PATH_MAX];

	if (val[0] == '/' || access(val, F_OK) == 0 || errno != ENOENT)
		return val;
	return util_data_find(val, found, sizeof(found)) ? val : found;
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: aiotune sweep [options]\n"
"Run a grid of points, each repetition as its own `aiotune run`, in a\n"
"seeded random order; results go to results/<name>-<time>/ (or --output).\n"
"\n"
"Grid (lists: 0,4k,8k; several flags add up; target values are separated\n"
"by '|' since they contain commas):\n"
"  --poll-max-ns LIST  default 0,2k,4k,8k,16k,32k,64k,128k,256k\n"
"  --iodepth LIST      default 1,32\n"
"  --iothreads LIST    --placement LIST    --poll-policy LIST\n"
"  --poll-grow LIST    --poll-shrink LIST  --poll-weight LIST\n"
"  --engine LIST       --target LIST       --rw LIST\n"
"  --guest-think LIST  virtio guest pause per request (5us, exp:5us)\n"
"  --bs LIST           --frontend LIST     --fdmon LIST\n"
"  --uring-ring LIST   --ring-flags LIST   io_uring engine: its ring, the\n"
"                      context ring's setup flags\n"
"  --runtime LIST      --ramp LIST         (defaults: those of aiotune run)\n"
"  --accel A           QEMU points (--engine qemu...): auto, kvm, tcg\n"
"                      (default auto; job files: accel in [global])\n"
"  --job FILE          an INI job file: [global] defaults, one section\n"
"                      per sweep (flags given as well override it); a\n"
"                      relative FILE not found here is looked up among\n"
"                      aiotune's data files (sweep/jobs/quick.ini)\n"
"\n"
"Sweep:\n"
"  --repetitions N     runs of each point (default 3)\n"
"  --seed N            seed of the run order (default: from the clock)\n"
"  --name NAME         results/<name>-<time>/ (default: job file or sweep)\n"
"  --output DIR        results directory (must be new or empty)\n"
"  --resume DIR        continue a sweep: run only the missing runs, with\n"
"                      the directory's own seed and repetitions\n"
"  --dry-run           print the grid and the estimated time, run nothing\n"
"                      (and create nothing)\n"
"  --allow-write       let points that write overwrite an existing target\n"
"                      (passed to every run; again with --resume); a file\n"
"                      the sweep creates itself needs no flag\n"
"  --columns           print the results.csv columns and exit\n"
"\n"
"Each option is given once; grid flags add up. One sweep at a time writes\n"
"a results directory (DIR/sweep.lock); another is refused with its pid.\n"
"Ctrl-C (SIGINT) or SIGTERM stops after the current run; a second one\n"
"stops at once. Exit status: 0 done, 1 some runs failed, 2 bad usage,\n"
"130/143 interrupted (resume with --resume DIR).\n");
}

static void fio_usage(FILE *f)
{
	fprintf(f,
"usage: aiotune fio [aiotune sweep options] [--variants LIST]\n"
"Run the grid of an aiotune sweep (the same flags or job file) through\n"
"fio, the peer, into a results directory of the same schema: engine\n"
"io_uring as fio-io_uring, linux-aio as fio-libaio, IOThreads as\n"
"numjobs, placement as cpus_allowed, runtime/ramp/direct as given.\n"
"Each run is `aiotune fio-run ...` (fio --output-format=json imported).\n"
"\n"
"  --variants LIST     plain, sqpoll (sqthread_poll=1), hipri (polled\n"
"                      completions, only where the device has them),\n"
"                      batch (submit and reap up to iodepth per call,\n"
"                      as the event loop does); default all four\n"
"\n"
"What fio cannot express is listed as skipped with the reason (and in\n"
"meta.json fio_skipped): simnvme and sim: targets, the threads engine,\n"
"the virtio front end, and hipri on a device without polled\n"
"completions. fio has no poll window, so the polling settings collapse:\n"
"one fio run per workload is the baseline at every poll-max-ns (plot\n"
"draws it flat; recommend reports it beside the recommendation).\n"
"Results go to results/<name>-fio-<time>/ (or --output); --dry-run also\n"
"prints each fio command line. The rest is as `aiotune sweep --help`.\n");
}

static void print_columns(void)
{
	size_t n;
	const struct res_col *c = res_cols(&n);
	static const char *const types[] = { "text", "integer", "number" };

	for (size_t i = 0; i < n; i++)
		printf("%-18s %-8s %s\n", c[i].name, types[c[i].type],
		       c[i].desc);
}

/* The grid flags (--poll-max-ns ...): they add up when given twice. */
static bool is_dim_flag(const char *flag)
{
	return strncmp(flag, "--", 2) == 0 && sw_dim_find(flag + 2) >= 0 &&
	       strchr(flag + 2, '_') == NULL;
}

static bool takes_value(const struct sw_opts *o, const char *flag)
{
	static const char *const opts[] = {
		"--job", "--repetitions", "--seed", "--name", "--output",
		"--resume", "--accel",
	};

	if (is_dim_flag(flag) || (o->fio && !strcmp(flag, "--variants")))
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(opts); i++)
		if (!strcmp(flag, opts[i]))
			return true;
	return false;
}

static void set_dim_flag(struct sw_opts *o, const char *flag, const char *val)
{
	char err[1024];

	if (sw_section_set(&o->flags, (enum sw_dim)sw_dim_find(flag + 2), val,
			   true, err, sizeof(err)))
		cli_die(CLI_EXIT_USAGE, "%s", err);
	o->have_flag_dims = true;
}

static int64_t parse_flag_int(const char *flag, const char *v, int64_t lo,
			      int64_t hi, const char *allowed)
{
	int64_t x;

	if (wl_parse_int64(v, &x) || x < lo || x > hi)
		cli_bad_value(flag, v, allowed);
	return x;
}

/* One option that takes a value (takes_value). */
static void set_option(struct sw_opts *o, const char *flag, const char *val)
{
	char err[512];

	if (is_dim_flag(flag)) {
		set_dim_flag(o, flag, val);
	} else if (!strcmp(flag, "--variants")) {
		if (wl_fio_variants_parse(val, &o->variants, err, sizeof(err)))
			cli_die(CLI_EXIT_USAGE, "%s", err);
		o->variants_set = true;
	} else if (!strcmp(flag, "--accel")) {
		if (strcmp(val, "auto") && strcmp(val, "kvm") &&
		    strcmp(val, "tcg"))
			cli_bad_value(flag, val, "auto, kvm, tcg");
		o->accel = val;
	} else if (!strcmp(flag, "--job")) {
		if (!*val)
			cli_bad_value(flag, val, "an INI job file");
		o->job_path = job_file(val);
	} else if (!strcmp(flag, "--repetitions")) {
		o->reps = (int)parse_flag_int(flag, val, 1, 1000, "1 to 1000");
		o->reps_set = true;
	} else if (!strcmp(flag, "--seed")) {
		o->seed = (uint64_t)parse_flag_int(flag, val, 0, INT64_MAX,
						   "a non-negative integer");
		o->seed_set = true;
	} else if (!strcmp(flag, "--name")) {
		cli_check_name(flag, val);
		o->name = val;
	} else if (!strcmp(flag, "--output")) {
		cli_check_output_dir(flag, val);
		o->output = val;
	} else {
		cli_check_output_dir(flag, val);
		o->resume_dir = val;
	}
}

/* argv into o; exits 2 on bad usage, 0 after --columns. */
static void parse_args(struct sw_opts *o, bool *dry_run, int argc,
		       char **argv)
{
	const char *cmd = o->fio ? "fio" : "sweep";

	for (int i = 1; i < argc; i++) {
		char flag[64];
		const char *arg = argv[i], *eq = strchr(arg, '='), *val;

		if (strncmp(arg, "--", 2) != 0)
			cli_die(CLI_EXIT_USAGE, "unexpected argument '%s' for "
				"%s: options are --flag VALUE", arg, cmd);
		if (eq && (size_t)(eq - arg) < sizeof(flag)) {
			memcpy(flag, arg, (size_t)(eq - arg));
			flag[eq - arg] = '\0';
			val = eq + 1;
		} else {
			snprintf(flag, sizeof(flag), "%s", arg);
			val = NULL;
		}
		if (!strcmp(flag, "--dry-run")) {
			*dry_run = true;
			continue;
		}
		if (!strcmp(flag, "--allow-write")) {
			o->allow_write = true;
			continue;
		}
		if (!strcmp(flag, "--columns")) {
			print_columns();
			exit(0);
		}
		if (!takes_value(o, flag))
			cli_die(CLI_EXIT_USAGE, "unknown option '%s' for %s: "
				"'aiotune %s --help' lists them", flag, cmd,
				cmd);
		if (!val) {
			if (i + 1 >= argc)
				cli_bad_value(flag, NULL, "a value after the "
					      "flag");
			val = argv[++i];
		}
		set_option(o, flag, val);
	}
	if (o->resume_dir && o->output)
		cli_die(CLI_EXIT_USAGE, "--resume DIR and --output DIR: give "
			"one (--resume writes into DIR)");
	if (o->resume_dir && *dry_run)
		cli_die(CLI_EXIT_USAGE, "--dry-run and --resume: give one");
}

/* Exit status 2 for input the sweep refused (sweep.h), 1 otherwise. */
static void die_for(int ret, const char *err)
{
	cli_die(ret == -EINVAL ? CLI_EXIT_USAGE : 1, "%s", err);
}

static int sweep_main(int argc, char **argv, bool fio)
{
	struct sw_opts o = { .fio = fio };
	struct sw_outcome out;
	struct sw_sweep *s;
	bool dry_run = false;
	char err[2048], *cmdline;
	int ret;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			if (fio)
				fio_usage(stdout);
			else
				usage(stdout);
			return 0;
		}
	}
	parse_args(&o, &dry_run, argc, argv);
	cmdline = cli_join_args("aiotune", argc, argv);
	o.command_line = cmdline;
	s = sw_sweep_new(&o);
	if (!s)
		cli_die(1, "out of memory");
	if (!o.resume_dir) {
		ret = sw_sweep_plan(s, err, sizeof(err));
		if (ret)
			die_for(ret, err);
		if (dry_run) {
			sw_sweep_print_plan(s, stdout);
			sw_sweep_free(s);
			sw_section_free(&o.flags);
			free(cmdline);
			return 0;
		}
	}
	ret = sw_sweep_start(s, err, sizeof(err));
	if (ret)
		die_for(ret, err);
	ret = sw_sweep_run(s, &out, err, sizeof(err));
	if (ret)
		die_for(ret, err);
	if (out.stop_signal)
		ret = 128 + out.stop_signal;
	else
		ret = out.done + out.skipped == out.runs ? 0 : 1;
	if (!out.stop_signal)
		printf("%s\n", out.dir);   /* out.dir is s's */
	sw_sweep_free(s);
	sw_section_free(&o.flags);
	free(cmdline);
	return ret;
}

static int cmd_sweep(int argc, char **argv)
{
	return sweep_main(argc, argv, false);
}

static int cmd_fio(int argc, char **argv)
{
	return sweep_main(argc, argv, true);
}

const struct cli_cmd cli_cmd_fio = {
	.name = "fio",
	.summary = "run a sweep's grid through fio (the peer) into results/",
	.run = cmd_fio,
	.repeatable = is_dim_flag,
};

const struct cli_cmd cli_cmd_sweep = {
	.name = "sweep",
	.summary = "run a grid of points (flags or a job file) into results/",
	.run = cmd_sweep,
	.repeatable = is_dim_flag,
};
