/*
 * sweep.c: `aiotune sweep`: run a grid of points, each repetition as its
 * own `aiotune run ... --format json` child process (fresh process state
 * per point), in a seeded random order, writing every finished run at
 * once (results/atomic.h) to the results directory:
 *
 *   plan.json         the grid, the seed and the run order
 *   meta.json         provenance (results/provenance.h) and progress
 *   results.csv       one row per finished run (results/row.h)
 *   runs/<id>.json    each run's JSON (histogram, loop statistics), with a
 *                     "sweep" object added (run id, point, rep, order)
 *   logs/<id>.log     stderr of runs that failed
 *   job.ini           a copy of the job file, if one was used
 *   sweep.lock        locked while a sweep writes here (sweep/claim.h)
 *   tmp/              each attempt's output while its run is in flight
 *
 * SIGINT or SIGTERM stops after the current run (a second one stops the
 * current run too); --resume DIR runs what is missing.
 *
 * Test hook: AIOTUNE_RUN_CMD, when set, replaces the aiotune binary in the
 * child command line (split at spaces, e.g. "sh tests/sweep/fake-run.sh");
 * meta.json records it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"
#include "qemu/session.h"
#include "results/atomic.h"
#include "results/meta.h"
#include "results/provenance.h"
#include "results/row.h"
#include "results/runjson.h"
#include "sweep/claim.h"
#include "sweep/fio-grid.h"
#include "sweep/grid.h"
#include "sweep/plan.h"
#include "sweep/targets.h"
#include "util/spawn.h"
#include "workloads/fio-cmd.h"
#include "workloads/peer.h"
#include "workloads/units.h"

/* Start-up and tear-down of one child beyond runtime + ramp (estimate). */
#define RUN_OVERHEAD_NS 300000000LL

static volatile sig_atomic_t stop_requests;
static volatile sig_atomic_t stop_signal;
static volatile sig_atomic_t abort_run;

static void on_signal(int sig)
{
	stop_signal = sig;
	if (++stop_requests >= 2)
		abort_run = 1;
}

struct sweep {
	/* Options. */
	struct sw_grid grid;
	struct sw_section flags;     /* grid dimensions given as flags */
	bool have_flag_dims;
	const char *job_path;
	const char *resume_dir;
	const char *output;
	bool dry_run;
	bool allow_write;             /* --allow-write, for every run */
	int reps;
	bool reps_set;
	uint64_t seed;
	bool seed_set;
	const char *name;
	const char *name_flag;        /* --name as given, or NULL */
	bool fio;                     /* aiotune fio: the grid through fio */
	unsigned variants;            /* fio variants (fio-cmd.h) */
	bool variants_set;
	const char *accel;            /* QEMU points: --accel (qemu/qemu.h) */
	char qemu_session[256];       /* QEMU points: the VM's session */

	/* State. */
	char *job_text;               /* the job file as read, once */
	size_t job_len;
	const struct sw_plan *stored; /* resume: the directory's plan */
	char dir[PATH_MAX];
	char cmdline[8192];
	char start_time[32];
	struct sw_plan plan;
	bool *done;
	bool *may_write;              /* per point: runs get --allow-write */
	size_t ndone;
	struct res_table table;
	json_t *meta;
	json_t *session;
	char **run_cmd;               /* argv prefix of the child */
	char *run_cmd_buf;            /* AIOTUNE_RUN_CMD's words, or NULL */
	int nrun_cmd;
	bool show[SW_NR_DIMS];
	bool tty;
	int failed;
	size_t skipped;               /* runs this host cannot realize */
	struct sw_fio_grid fio_grid;        /* aiotune fio: points and notes */
};

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
"  --runtime LIST      --ramp LIST         (defaults: those of aiotune run)\n"
"  --accel A           QEMU points (--engine qemu...): auto, kvm, tcg\n"
"                      (default auto; job files: accel in [global])\n"
"  --job FILE          an INI job file: [global] defaults, one section\n"
"                      per sweep (flags given as well override it)\n"
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

static void join_cmdline(struct sweep *sw, int argc, char **argv)
{
	size_t len = 0;

	len += (size_t)snprintf(sw->cmdline, sizeof(sw->cmdline), "aiotune");
	for (int i = 0; i < argc && len < sizeof(sw->cmdline); i++)
		len += (size_t)snprintf(sw->cmdline + len,
					sizeof(sw->cmdline) - len, " %s",
					argv[i]);
}

static int64_t parse_flag_int(const char *flag, const char *v, int64_t lo,
			      int64_t hi, const char *allowed)
{
	int64_t x;

	if (wl_parse_int64(v, &x) || x < lo || x > hi)
		cli_bad_value(flag, v, allowed);
	return x;
}

/* The grid flags (--poll-max-ns ...): they add up when given twice. */
static bool is_dim_flag(const char *flag)
{
	return strncmp(flag, "--", 2) == 0 && sw_dim_find(flag + 2) >= 0 &&
	       strchr(flag + 2, '_') == NULL;
}

static bool takes_value(const struct sweep *sw, const char *flag)
{
	static const char *const opts[] = {
		"--job", "--repetitions", "--seed", "--name", "--output",
		"--resume",
	};

	if (is_dim_flag(flag) || (sw->fio && !strcmp(flag, "--variants")))
		return true;
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (!strcmp(flag, opts[i]))
			return true;
	return false;
}

static void set_dim_flag(struct sweep *sw, const char *flag, const char *val)
{
	char err[512], key[80], *at;

	if (!sw_section_set(&sw->flags, (enum sw_dim)sw_dim_find(flag + 2),
			    val, err, sizeof(err))) {
		sw->have_flag_dims = true;
		return;
	}
	/* Name the flag as it was given. */
	snprintf(key, sizeof(key), " for %s:", flag + 2);
	at = strstr(err, key);
	if (at)
		cli_die(CLI_EXIT_USAGE, "%.*s for %s:%s", (int)(at - err), err,
			flag, at + strlen(key));
	cli_die(CLI_EXIT_USAGE, "%s", err);
}

static void parse_args(struct sweep *sw, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		char flag[64], err[512];
		const char *arg = argv[i], *eq = strchr(arg, '='), *val;

		if (strncmp(arg, "--", 2) != 0)
			cli_die(CLI_EXIT_USAGE, "unexpected argument '%s' for "
				"%s: options are --flag VALUE", arg,
				sw->fio ? "fio" : "sweep");
		if (eq && (size_t)(eq - arg) < sizeof(flag)) {
			memcpy(flag, arg, (size_t)(eq - arg));
			flag[eq - arg] = '\0';
			val = eq + 1;
		} else {
			snprintf(flag, sizeof(flag), "%s", arg);
			val = NULL;
		}
		if (!strcmp(flag, "--dry-run")) {
			sw->dry_run = true;
			continue;
		}
		if (!strcmp(flag, "--allow-write")) {
			sw->allow_write = true;
			continue;
		}
		if (!strcmp(flag, "--columns")) {
			print_columns();
			exit(0);
		}
		if (!takes_value(sw, flag))
			cli_die(CLI_EXIT_USAGE, "unknown option '%s' for %s: "
				"'aiotune %s --help' lists them", flag,
				sw->fio ? "fio" : "sweep",
				sw->fio ? "fio" : "sweep");
		if (!val) {
			if (i + 1 >= argc)
				cli_bad_value(flag, NULL, "a value after the "
					      "flag");
			val = argv[++i];
		}
		if (is_dim_flag(flag)) {
			set_dim_flag(sw, flag, val);
		} else if (!strcmp(flag, "--variants")) {
			if (wl_fio_variants_parse(val, &sw->variants, err,
						  sizeof(err)))
				cli_die(CLI_EXIT_USAGE, "%s", err);
			sw->variants_set = true;
		} else if (!strcmp(flag, "--accel")) {
			if (strcmp(val, "auto") && strcmp(val, "kvm") &&
			    strcmp(val, "tcg"))
				cli_bad_value(flag, val, "auto, kvm, tcg");
			sw->accel = val;
		} else if (!strcmp(flag, "--job")) {
			if (!*val)
				cli_bad_value(flag, val, "an INI job file");
			sw->job_path = val;
		} else if (!strcmp(flag, "--repetitions")) {
			sw->reps = (int)parse_flag_int(flag, val, 1, 1000,
						       "1 to 1000");
			sw->reps_set = true;
		} else if (!strcmp(flag, "--seed")) {
			sw->seed = (uint64_t)parse_flag_int(flag, val, 0,
				INT64_MAX, "a non-negative integer");
			sw->seed_set = true;
		} else if (!strcmp(flag, "--name")) {
			if (!*val || strlen(val) >= RES_NAME_MAX ||
			    strpbrk(val, "/ \t"))
				cli_bad_value(flag, val, "a name without '/' or "
					      "spaces, up to 63 characters");
			sw->name = val;
			sw->name_flag = val;
		} else if (!strcmp(flag, "--output")) {
			cli_check_output_dir(flag, val);
			sw->output = val;
		} else {
			cli_check_output_dir(flag, val);
			sw->resume_dir = val;
		}
	}
	if (sw->resume_dir && sw->output)
		cli_die(CLI_EXIT_USAGE, "--resume DIR and --output DIR: give "
			"one (--resume writes into DIR)");
}

/* The child command: this binary, or AIOTUNE_RUN_CMD split at spaces. */
static void setup_run_cmd(struct sweep *sw)
{
	const char *env = getenv("AIOTUNE_RUN_CMD");
	char exe[PATH_MAX];
	ssize_t n;

	sw->run_cmd = calloc(64, sizeof(char *));
	if (!sw->run_cmd)
		cli_die(1, "out of memory");
	if (env && *env) {
		char *copy = strdup(env), *save = NULL;

		if (!copy)
			cli_die(1, "out of memory");
		sw->run_cmd_buf = copy;
		for (char *t = strtok_r(copy, " \t", &save);
		     t && sw->nrun_cmd < 60; t = strtok_r(NULL, " \t", &save))
			sw->run_cmd[sw->nrun_cmd++] = t;
		if (sw->nrun_cmd)
			return;
		free(copy);
		sw->run_cmd_buf = NULL;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		cli_die(1, "cannot find the aiotune binary (/proc/self/exe): "
			"%s", strerror(errno));
	exe[n] = '\0';
	sw->run_cmd[sw->nrun_cmd++] = strdup(exe);
}

static void fmt_duration(double s, char *buf, size_t size)
{
	long t = (long)(s + 0.5);

	if (t >= 3600)
		snprintf(buf, size, "%ld:%02ld:%02ld", t / 3600,
			 t / 60 % 60, t % 60);
	else
		snprintf(buf, size, "%ld:%02ld", t / 60, t % 60);
}

static double estimate_s(const struct sw_plan *p, const bool *done)
{
	double s = 0;

	for (size_t i = 0; i < p->nruns; i++) {
		const struct sw_point *pt = &p->points[p->runs[i].point];

		if (done && done[i])
			continue;
		s += (double)(pt->runtime_ns + pt->ramp_ns + RUN_OVERHEAD_NS) /
		     1e9;
	}
	return s;
}

static void label_dims(struct sweep *sw)
{
	struct sw_grid g = { 0 };

	g.points = sw->plan.points;
	g.npoints = sw->plan.npoints;
	sw_grid_varying(&g, sw->show);
	sw->show[SW_DIM_IODEPTH] = true;
	sw->show[SW_DIM_POLL_MAX_NS] = true;
}

/* aiotune fio: the grid's points as fio runs them, and what it leaves out. */
static void fio_points(struct sweep *sw)
{
	const struct sw_fio_note *nt = sw->fio_grid.notes;

	sw_fio_grid_free(&sw->fio_grid);
	if (!sw->variants)
		sw->variants = (1u << WL_FIO_NR_VARIANTS) - 1;
	if (sw_fio_grid_build(sw->grid.points, sw->grid.npoints, sw->variants,
			      wl_fio_hipri_ok, &sw->fio_grid))
		cli_die(1, "out of memory");
	if (!sw->fio_grid.n)
		cli_die(CLI_EXIT_USAGE, "nothing in this grid can run through "
			"fio: %s: %s", nt[0].what, nt[0].why);
}

static void print_fio_notes(const struct sweep *sw, FILE *f)
{
	for (int i = 0; i < sw->fio_grid.nnotes; i++)
		fprintf(f, "aiotune: fio: skipped %s: %s\n",
			sw->fio_grid.notes[i].what, sw->fio_grid.notes[i].why);
}

static void print_dry_run(struct sweep *sw)
{
	const struct sw_plan *p = &sw->plan;
	const struct sw_point *p0 = &p->points[0];
	char est[32], v[RES_TARGET_MAX];
	bool sections = false;

	for (size_t i = 1; i < p->npoints; i++)
		sections |= strcmp(p->points[i].section, p0->section) != 0;
	printf("sweep '%s': %zu points x %d repetitions = %zu runs, seed "
	       "%" PRIu64 "\n", sw->name, p->npoints, p->repetitions,
	       p->nruns, p->seed);
	printf("fixed:");
	for (int d = 0; d < SW_NR_DIMS; d++) {
		if (sw->show[d])
			continue;
		sw_point_value(p0, (enum sw_dim)d, v, sizeof(v));
		printf(" %s=%s", sw_dim_key((enum sw_dim)d), v);
	}
	printf("\n\n  point %s", sections ? " section     " : "");
	for (int d = 0; d < SW_NR_DIMS; d++)
		if (sw->show[d])
			printf(" %12s", sw_dim_key((enum sw_dim)d));
	putchar('\n');
	for (size_t i = 0; i < p->npoints; i++) {
		printf("  %5zu", i);
		if (sections)
			printf(" %-12s", p->points[i].section);
		for (int d = 0; d < SW_NR_DIMS; d++) {
			if (!sw->show[d])
				continue;
			sw_point_value(&p->points[i], (enum sw_dim)d, v,
				       sizeof(v));
			printf(" %12s", v);
		}
		putchar('\n');
	}
	if (sw->fio) {
		printf("\nfio command lines (each run has its own --randseed):\n");
		for (size_t i = 0; i < p->npoints; i++) {
			char why[512];
			char **a = sw_fio_point_argv(&p->points[i], "fio",
						     "OUT.json", why,
						     sizeof(why));

			printf("  %5zu", i);
			for (int k = 0; a && a[k]; k++)
				printf(" %s", a[k]);
			if (!a)
				printf(" (skipped: %s)", why);
			putchar('\n');
			util_argv_free(a);
		}
		putchar('\n');
		print_fio_notes(sw, stdout);
	}
	fmt_duration(estimate_s(p, NULL), est, sizeof(est));
	printf("\nestimated time: %s (runtime + ramp + about %.1f s start-up "
	       "per run)\n", est, RUN_OVERHEAD_NS / 1e9);
}

static uint64_t default_seed(void)
{
	struct timespec ts;
	uint64_t s;

	clock_gettime(CLOCK_REALTIME, &ts);
	s = (uint64_t)ts.tv_sec * 1000000007ULL ^ (uint64_t)ts.tv_nsec ^
	    ((uint64_t)getpid() << 32);
	/* Keep it a positive JSON integer and easy to retype. */
	return sw_rand_next(&s) % 1000000000ULL;
}

/* Read and parse --job, once: job.ini gets the very text that was parsed. */
static void load_job(struct sweep *sw)
{
	char err[1024];
	int ret;

	if (!sw->job_text) {
		ret = sw_job_read(sw->job_path, &sw->job_text, &sw->job_len,
				  err, sizeof(err));
		if (ret == -ENOMEM)
			cli_die(1, "out of memory");
		if (ret)
			cli_die(ret == -EIO ? 1 : CLI_EXIT_USAGE, "invalid value "
				"'%s' for --job: %s", sw->job_path, err);
	}
	ret = sw_grid_parse_job(&sw->grid, sw->job_path, sw->job_text,
				sw->job_len, err, sizeof(err));
	if (ret)
		cli_die(ret == -ENOMEM ? 1 : CLI_EXIT_USAGE, "%s", err);
}

/*
 * A resume uses the directory's own seed and repetitions: a value given
 * (flag or job file) that differs is refused rather than ignored.
 */
static void resume_agrees(const struct sweep *sw, const char *what,
			  bool given, bool by_flag, uint64_t v,
			  uint64_t stored)
{
	if (!given || v == stored)
		return;
	if (by_flag)
		cli_die(CLI_EXIT_USAGE, "cannot resume %s with --%s %" PRIu64
			": the sweep has %s %" PRIu64 " (a resume keeps the "
			"directory's own; give that or none)", sw->dir, what, v,
			what, stored);
	cli_die(CLI_EXIT_USAGE, "cannot resume %s with %s, which has %s %"
		PRIu64 ": the sweep has %s %" PRIu64 " (a resume keeps the "
		"directory's own)", sw->dir, sw->job_path, what, v, what,
		stored);
}

/* The plan from flags and/or a job file. */
static void build_plan(struct sweep *sw)
{
	char err[1024];
	int ret;

	sw_grid_init(&sw->grid);
	if (sw->job_path)
		load_job(sw);
	if (sw->reps_set)
		sw->grid.repetitions = sw->reps;
	if (!sw->accel && sw->grid.accel[0])
		sw->accel = sw->grid.accel;
	if (sw->seed_set) {
		sw->grid.seed = sw->seed;
		sw->grid.seed_set = true;
	}
	if (sw->stored) {
		/* A resume: the directory's own values, never others. */
		resume_agrees(sw, "seed", sw->grid.seed_set, sw->seed_set,
			      sw->grid.seed, sw->stored->seed);
		resume_agrees(sw, "repetitions",
			      sw->grid.repetitions_set || sw->reps_set,
			      sw->reps_set, (uint64_t)sw->grid.repetitions,
			      (uint64_t)sw->stored->repetitions);
		sw->grid.seed = sw->stored->seed;
		sw->grid.repetitions = sw->stored->repetitions;
	} else if (!sw->grid.seed_set) {
		sw->grid.seed = default_seed();
	}
	if (!sw->name) {
		if (sw->job_path && strcmp(sw->grid.name, "sweep") == 0) {
			static char base[RES_NAME_MAX];
			const char *b = strrchr(sw->job_path, '/');
			char *dot;

			snprintf(base, sizeof(base), "%s",
				 b ? b + 1 : sw->job_path);
			dot = strrchr(base, '.');
			if (dot && dot != base)
				*dot = '\0';
			sw->name = base;
		} else {
			sw->name = sw->grid.name;
		}
	}
	/* A fio sweep's directory tells itself apart: NAME-fio-<time>. */
	if (sw->fio && (strlen(sw->name) < 4 ||
			strcmp(sw->name + strlen(sw->name) - 4, "-fio"))) {
		static char fname[RES_NAME_MAX];

		snprintf(fname, sizeof(fname), "%.59s-fio", sw->name);
		sw->name = fname;
	}
	ret = sw_grid_expand(&sw->grid,
			     sw->have_flag_dims ? &sw->flags : NULL, err,
			     sizeof(err));
	if (ret == -ENOMEM)
		cli_die(1, "out of memory");
	if (ret && sw->job_path)
		cli_die(CLI_EXIT_USAGE, "%s: %s", sw->job_path, err);
	if (ret)
		cli_die(CLI_EXIT_USAGE, "%s", err);
	for (size_t i = 0; i < sw->grid.npoints; i++) {
		const struct sw_point *p = &sw->grid.points[i];
		bool seen = false;

		/* One check per distinct setting but poll-max-ns. */
		for (size_t k = 0; k < i && !seen; k++) {
			struct sw_point q = sw->grid.points[k];

			q.poll_max_ns = p->poll_max_ns;
			seen = sw_point_equal(&q, p);
		}
		if (seen)
			continue;
		ret = sw_point_check_writes(p, sw->allow_write, err,
					    sizeof(err));
		if (ret && sw->job_path)
			cli_die(ret == -EINVAL ? CLI_EXIT_USAGE : 1,
				"%s: [%s]: %s", sw->job_path, p->section, err);
		if (ret)
			cli_die(ret == -EINVAL ? CLI_EXIT_USAGE : 1, "%s",
				err);
	}
	if (sw->fio)
		fio_points(sw);
	ret = sw_plan_build(&sw->plan,
			    sw->fio ? sw->fio_grid.points : sw->grid.points,
			    sw->fio ? sw->fio_grid.n : sw->grid.npoints,
			    sw->grid.repetitions, sw->grid.seed);
	if (ret)
		cli_die(1, "out of memory");
}

static void path_in(const struct sweep *sw, const char *name, char *buf,
		    size_t size)
{
	int ret = res_join(buf, size, sw->dir, name);

	if (ret)
		cli_die(1, "%s/%s: %s", sw->dir, name, strerror(-ret));
}

static void save_json(const struct sweep *sw, const char *name, json_t *j)
{
	char path[PATH_MAX];
	char *text = json_dumps(j, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	int ret;

	path_in(sw, name, path, sizeof(path));
	if (!text)
		cli_die(1, "out of memory");
	ret = res_write_atomic(path, text, strlen(text));
	free(text);
	if (ret)
		cli_die(1, "cannot write %s: %s", path, strerror(-ret));
}

static void save_meta(struct sweep *sw)
{
	json_t *sweep = json_object_get(sw->meta, "sweep");
	char now[32];

	res_prov_utc_now(now, sizeof(now));
	json_object_set_new(sw->session, "end_time", json_string(now));
	json_object_set_new(sweep, "runs_done", json_integer((json_int_t)
							     sw->ndone));
	json_object_set_new(sw->session, "interrupted",
			    json_boolean(stop_requests > 0));
	save_json(sw, "meta.json", sw->meta);
}

static void save_csv(const struct sweep *sw)
{
	char path[PATH_MAX];
	int ret;

	path_in(sw, "results.csv", path, sizeof(path));
	ret = res_csv_save(path, &sw->table);
	if (ret)
		cli_die(1, "cannot write %s: %s", path, strerror(-ret));
}

static json_t *new_session(const struct sweep *sw)
{
	json_t *s = json_object();

	json_object_set_new(s, "command_line", json_string(sw->cmdline));
	json_object_set_new(s, "start_time", json_string(sw->start_time));
	json_object_set_new(s, "runs_done_before",
			    json_integer((json_int_t)sw->ndone));
	return s;
}

static json_t *new_meta(struct sweep *sw)
{
	json_t *m = res_meta_new(sw->cmdline, sw->start_time);
	json_t *sweep = json_object(), *devs = json_array();
	json_t *cmd = json_array();

	if (!m)
		cli_die(1, "out of memory");
	json_object_set_new(m, "host", res_prov_host());
	for (size_t i = 0; i < sw->plan.npoints; i++) {
		const char *t = sw->plan.points[i].target;
		bool seen = false;

		for (size_t k = 0; k < i && !seen; k++)
			seen = !strcmp(sw->plan.points[k].target, t);
		if (!seen)
			json_array_append_new(devs, res_prov_device(t));
	}
	json_object_set_new(m, "devices", devs);
	json_object_set_new(m, "fdmon_used", json_array());
	if (sw->fio) {
		json_t *notes = json_array(), *vars = json_array();

		for (int i = 0; i < sw->fio_grid.nnotes; i++)
			json_array_append_new(notes, json_pack("{s:s, s:s}",
				"what", sw->fio_grid.notes[i].what,
				"why", sw->fio_grid.notes[i].why));
		for (int v = 0; v < WL_FIO_NR_VARIANTS; v++)
			if (sw->variants & (1u << v))
				json_array_append_new(vars, json_string(
					wl_fio_variant_name(
						(enum wl_fio_variant)v)));
		json_object_set_new(m, "fio_skipped", notes);
		json_object_set_new(m, "fio_variants", vars);
	}
	json_object_set_new(m, "run_timer_slack_ns", json_array());
	json_object_set_new(sweep, "name", json_string(sw->name));
	json_object_set_new(sweep, "kind", json_string(sw->fio ? "fio" :
						       "aiotune"));
	json_object_set_new(sweep, "seed", json_integer((json_int_t)
							sw->plan.seed));
	json_object_set_new(sweep, "repetitions",
			    json_integer(sw->plan.repetitions));
	json_object_set_new(sweep, "points",
			    json_integer((json_int_t)sw->plan.npoints));
	json_object_set_new(sweep, "runs",
			    json_integer((json_int_t)sw->plan.nruns));
	if (sw->job_path)
		json_object_set_new(sweep, "job_file",
				    json_string(sw->job_path));
	for (int i = 0; i < sw->nrun_cmd; i++)
		json_array_append_new(cmd, json_string(sw->run_cmd[i]));
	json_object_set_new(sweep, "run_command", cmd);
	json_object_set_new(sweep, "run_command_overridden",
			    json_boolean(getenv("AIOTUNE_RUN_CMD") &&
					 *getenv("AIOTUNE_RUN_CMD")));
	json_object_set_new(m, "sweep", sweep);
	json_object_set_new(m, "failed_runs", json_array());
	json_object_set_new(m, "skipped_runs", json_array());
	json_object_set_new(m, "sessions", json_array());
	return m;
}

/* Add v to the array meta[key] unless it is there. */
static bool meta_note(json_t *meta, const char *key, json_t *v)
{
	json_t *arr = json_object_get(meta, key), *e;
	size_t i;

	if (!v || json_is_null(v))
		return false;
	json_array_foreach(arr, i, e)
		if (json_equal(e, v))
			return false;
	json_array_append(arr, v);
	return true;
}

/* job.ini: the text the plan was built from (read once, in load_job). */
static void copy_job_file(const struct sweep *sw)
{
	char path[PATH_MAX];
	int ret;

	if (!sw->job_text)
		return;
	path_in(sw, "job.ini", path, sizeof(path));
	ret = res_write_atomic(path, sw->job_text, sw->job_len);
	if (ret)
		cli_die(1, "cannot write %s: %s", path, strerror(-ret));
}

static bool dir_is_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	bool empty = true;

	if (!d)
		return true;
	while ((e = readdir(d)) && empty)
		empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
			!strcmp(e->d_name, SW_CLAIM_FILE);
	closedir(d);
	return empty;
}

static void make_dirs(struct sweep *sw)
{
	static const char *const subdirs[] = { "runs", "logs", "tmp" };
	char path[PATH_MAX];
	int ret;

	for (size_t i = 0; i < sizeof(subdirs) / sizeof(subdirs[0]); i++) {
		path_in(sw, subdirs[i], path, sizeof(path));
		ret = res_mkdirs(path);
		if (ret)
			cli_die(1, "cannot create %s: %s", path,
				strerror(-ret));
	}
}

static void die_in_use(const struct sweep *sw, pid_t holder)
{
	char who[64] = "another process";

	if (holder)
		snprintf(who, sizeof(who), "another sweep (pid %d)",
			 (int)holder);
	if (sw->resume_dir)
		cli_die(CLI_EXIT_USAGE, "results directory %s is in use by %s: "
			"resume it once that has ended", sw->dir, who);
	cli_die(CLI_EXIT_USAGE, "results directory %s is in use by %s: give "
		"another --output", sw->dir, who);
}

/* Make sw->dir this process's alone for its whole life (sweep/claim.h). */
static void claim_dir(struct sweep *sw)
{
	pid_t holder;
	int ret = res_mkdirs(sw->dir);

	if (ret)
		cli_die(1, "cannot create %s: %s", sw->dir, strerror(-ret));
	ret = sw_claim(sw->dir, &holder);
	if (ret == -EBUSY)
		die_in_use(sw, holder);
	if (ret)
		cli_die(1, "cannot lock %s/%s: %s", sw->dir, SW_CLAIM_FILE,
			strerror(-ret));
}

/*
 * Before claiming, say who holds it if anyone does (after, this process
 * must not open the lock file again: closing it would drop the lock).
 */
static void die_not_empty(const struct sweep *sw, bool claimed)
{
	pid_t holder = claimed ? 0 : sw_claim_holder(sw->dir);

	if (holder)
		die_in_use(sw, holder);
	cli_die(CLI_EXIT_USAGE, "invalid value '%s' for --output: allowed a "
		"new or empty directory (--resume %s continues a sweep)",
		sw->dir, sw->dir);
}

static void start_new(struct sweep *sw)
{
	json_t *plan;

	if (sw->output) {
		snprintf(sw->dir, sizeof(sw->dir), "%s", sw->output);
	} else {
		char stamp[32];
		time_t t = time(NULL);
		struct tm tm;

		localtime_r(&t, &tm);
		strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
		snprintf(sw->dir, sizeof(sw->dir), "results/%s-%s", sw->name,
			 stamp);
	}
	/* Refuse before writing anything, then claim, then look again. */
	if (!dir_is_empty(sw->dir))
		die_not_empty(sw, false);
	claim_dir(sw);
	if (!dir_is_empty(sw->dir))
		die_not_empty(sw, true);
	make_dirs(sw);
	plan = sw_plan_to_json(&sw->plan);
	save_json(sw, "plan.json", plan);
	json_decref(plan);
	copy_job_file(sw);
	sw->meta = new_meta(sw);
	save_csv(sw);
}

/* Rebuild the finished rows of a resumed sweep from runs/<id>.json. */
static void load_done(struct sweep *sw)
{
	char runs[PATH_MAX];
	struct dirent *e;
	DIR *d;

	path_in(sw, "runs", runs, sizeof(runs));
	d = opendir(runs);
	if (!d)
		cli_die(1, "%s: %s", runs, strerror(errno));
	while ((e = readdir(d))) {
		char id[RES_NAME_MAX], path[PATH_MAX + 300], err[512], why[512];
		const char *dot = strrchr(e->d_name, '.');
		struct res_row row;
		json_t *run, *sj;
		long slot;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", runs, e->d_name);
		if (strstr(e->d_name, ".tmp.")) {
			unlink(path); /* a write cut short: never renamed */
			continue;
		}
		if (!dot || strcmp(dot, ".json") != 0 ||
		    (size_t)(dot - e->d_name) >= sizeof(id))
			continue;
		memcpy(id, e->d_name, (size_t)(dot - e->d_name));
		id[dot - e->d_name] = '\0';
		slot = sw_plan_find(&sw->plan, id);
		if (slot < 0)
			cli_die(1, "%s: not a run of this sweep's plan", path);
		if (res_run_load(path, &run, err, sizeof(err)))
			cli_die(1, "%s", err);
		res_row_init(&row);
		if (res_row_from_run(run, &row, err, sizeof(err)))
			cli_die(1, "%s: %s", path, err);
		if (!sw_point_matches(&sw->plan.points[
				      sw->plan.runs[slot].point], &row, why,
				      sizeof(why)))
			cli_die(1, "%s does not match the grid: %s", path, why);
		sj = json_object_get(run, "sweep");
		snprintf(row.run_id, sizeof(row.run_id), "%s", id);
		row.point = (int64_t)sw->plan.runs[slot].point;
		row.rep = sw->plan.runs[slot].rep;
		row.order = slot + 1;
		snprintf(row.section, sizeof(row.section), "%s",
			 sw->plan.points[row.point].section);
		row.wall_ns = json_number_value(json_object_get(sj,
								"wall_ns"));
		snprintf(row.json, sizeof(row.json), "runs/%s.json", id);
		meta_note(sw->meta, "fdmon_used",
			  json_object_get(json_object_get(run, "loop"),
					  "fdmon"));
		json_decref(run);
		if (sw->done[slot])
			continue;
		sw->done[slot] = true;
		sw->ndone++;
		if (res_table_add(&sw->table, &row))
			cli_die(1, "out of memory");
	}
	closedir(d);
	/* Rows in run order. */
	for (size_t i = 1; i < sw->table.n; i++)
		for (size_t k = i; k > 0 && sw->table.rows[k - 1].order >
						sw->table.rows[k].order; k--) {
			struct res_row t = sw->table.rows[k];

			sw->table.rows[k] = sw->table.rows[k - 1];
			sw->table.rows[k - 1] = t;
		}
}

/* Runs skipped before (settings this host cannot realize) stay skipped. */
static void mark_skipped(struct sweep *sw)
{
	json_t *arr = json_object_get(sw->meta, "skipped_runs"), *e;
	size_t i;

	if (!json_is_array(arr)) {
		json_object_set_new(sw->meta, "skipped_runs", json_array());
		return;
	}
	json_array_foreach(arr, i, e) {
		const char *id = json_string_value(json_object_get(e,
								   "run_id"));
		long slot = id ? sw_plan_find(&sw->plan, id) : -1;

		if (slot >= 0 && !sw->done[slot]) {
			sw->done[slot] = true;
			sw->skipped++;
		}
	}
}

/* Remove what attempts cut short left in tmp/ (nobody else writes there). */
static void clean_tmp(struct sweep *sw)
{
	char tmp[PATH_MAX], path[PATH_MAX + 300];
	struct dirent *e;
	DIR *d;
	int ret;

	path_in(sw, "tmp", tmp, sizeof(tmp));
	ret = res_mkdirs(tmp);
	if (ret)
		cli_die(1, "cannot create %s: %s", tmp, strerror(-ret));
	d = opendir(tmp);
	if (!d)
		cli_die(1, "%s: %s", tmp, strerror(errno));
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmp, e->d_name);
		if (unlink(path) < 0 && errno != ENOENT)
			cli_die(1, "cannot remove %s: %s", path,
				strerror(errno));
	}
	closedir(d);
}

/* Drop failed_runs entries of run_id (it has a result now). */
static void forget_failures(json_t *meta, const char *run_id)
{
	json_t *arr = json_object_get(meta, "failed_runs"), *e;

	for (size_t i = 0; i < json_array_size(arr);) {
		const char *id;

		e = json_array_get(arr, i);
		id = json_string_value(json_object_get(e, "run_id"));
		if (id && !strcmp(id, run_id))
			json_array_remove(arr, i);
		else
			i++;
	}
}

/* failed_runs lists runs without a result only (older ones may not). */
static void forget_stale_failures(struct sweep *sw)
{
	for (size_t i = 0; i < sw->table.n; i++)
		forget_failures(sw->meta, sw->table.rows[i].run_id);
}

/* The fio variants a fio sweep's meta.json lists. */
static unsigned stored_variants(const struct sweep *sw)
{
	json_t *arr = json_object_get(sw->meta, "fio_variants"), *e;
	unsigned mask = 0;
	size_t i;

	json_array_foreach(arr, i, e)
		for (int v = 0; v < WL_FIO_NR_VARIANTS; v++)
			if (json_is_string(e) && !strcmp(json_string_value(e),
				wl_fio_variant_name((enum wl_fio_variant)v)))
				mask |= 1u << v;
	return mask;
}

/* Flags of a resume that say something else than the directory. */
static void check_resume_flags(struct sweep *sw)
{
	const char *name = json_string_value(json_object_get(
		json_object_get(sw->meta, "sweep"), "name"));

	resume_agrees(sw, "seed", sw->seed_set, true, sw->seed,
		      sw->plan.seed);
	resume_agrees(sw, "repetitions", sw->reps_set, true,
		      (uint64_t)sw->reps, (uint64_t)sw->plan.repetitions);
	if (sw->name_flag && name && strcmp(sw->name_flag, name))
		cli_die(CLI_EXIT_USAGE, "cannot resume %s with --name %s: the "
			"sweep has name %s (a resume keeps the directory's "
			"own; give that or none)", sw->dir, sw->name_flag,
			name);
	if (sw->fio) {
		unsigned stored = stored_variants(sw);

		if (sw->variants_set && sw->variants != stored)
			cli_die(CLI_EXIT_USAGE, "cannot resume %s with other "
				"--variants than the sweep's (meta.json "
				"fio_variants; a resume keeps the directory's "
				"own)", sw->dir);
		sw->variants = stored;
	}
}

static void start_resume(struct sweep *sw)
{
	char path[PATH_MAX], err[512], why[512];
	const char *kind;
	json_t *j;

	snprintf(sw->dir, sizeof(sw->dir), "%s", sw->resume_dir);
	path_in(sw, "plan.json", path, sizeof(path));
	if (!res_path_exists(path))
		cli_die(CLI_EXIT_USAGE, "invalid value '%s' for --resume: "
			"allowed a sweep's results directory (no plan.json)",
			sw->resume_dir);
	/* Everything is read once the directory is this process's alone. */
	claim_dir(sw);
	/* A regular file of at most RES_READ_MAX bytes (util/file.h). */
	if (res_json_load(path, &j, err, sizeof(err)))
		cli_die(CLI_EXIT_USAGE, "invalid value '%s' for --resume: "
			"allowed a sweep's results directory (%s)",
			sw->resume_dir, err);
	if (sw_plan_from_json(j, &sw->plan, err, sizeof(err)))
		cli_die(1, "%s/%s", sw->dir, err);
	json_decref(j);
	path_in(sw, "meta.json", path, sizeof(path));
	if (res_json_load(path, &sw->meta, err, sizeof(err)))
		sw->meta = NULL;
	if (!sw->accel && json_is_string(json_object_get(sw->meta,
							 "qemu_accel"))) {
		static char accel[8];

		snprintf(accel, sizeof(accel), "%s", json_string_value(
			 json_object_get(sw->meta, "qemu_accel")));
		sw->accel = accel;
	}
	if (!sw->meta)
		cli_die(1, "%s: missing or not JSON", path);
	kind = json_string_value(json_object_get(json_object_get(sw->meta,
							"sweep"), "kind"));
	if (sw->fio != (kind && !strcmp(kind, "fio")))
		cli_die(CLI_EXIT_USAGE, "invalid value '%s' for --resume: it "
			"is %s sweep; resume it with aiotune %s --resume %s",
			sw->resume_dir, sw->fio ? "an aiotune" : "a fio",
			sw->fio ? "sweep" : "fio", sw->resume_dir);
	check_resume_flags(sw);
	if (!sw->name)
		sw->name = json_string_value(json_object_get(
			json_object_get(sw->meta, "sweep"), "name")) ?: "sweep";
	if (sw->have_flag_dims || sw->job_path) {
		struct sw_plan stored = sw->plan;

		/* Rebuild from what was given, with the stored seed. */
		sw->stored = &stored;
		memset(&sw->plan, 0, sizeof(sw->plan));
		build_plan(sw);
		if (!sw_plan_same(&stored, &sw->plan, why, sizeof(why)))
			cli_die(CLI_EXIT_USAGE, "cannot resume %s: %s",
				sw->dir, why);
		sw_plan_free(&stored);
		sw->stored = NULL;
	}
	sw->done = calloc(sw->plan.nruns + 1, sizeof(bool));
	if (!sw->done)
		cli_die(1, "out of memory");
	clean_tmp(sw);
	load_done(sw);
	forget_stale_failures(sw);
	mark_skipped(sw);
	save_csv(sw);
}

/* Per-run seed of the workload (offsets, simulated latencies). */
static uint64_t run_seed(const struct sweep *sw, const struct sw_slot *s)
{
	uint64_t st = sw->plan.seed ^ ((uint64_t)s->point << 20) ^
		      (uint64_t)s->rep;

	return sw_rand_next(&st) >> 1;
}

static char **child_argv(const struct sweep *sw, const struct sw_slot *s)
{
	const struct sw_point *p = &sw->plan.points[s->point];
	char **args = sw_point_run_args(p);
	char **argv;
	char seed[32];
	int n = 0, k = 0;

	if (!args)
		cli_die(1, "out of memory");
	while (args[n])
		n++;
	argv = calloc((size_t)(sw->nrun_cmd + n + 8), sizeof(*argv));
	if (!argv)
		cli_die(1, "out of memory");
	for (int i = 0; i < sw->nrun_cmd; i++)
		argv[k++] = strdup(sw->run_cmd[i]);
	argv[k++] = strdup(sw->fio ? "fio-run" : "run");
	for (int i = 0; i < n; i++)
		argv[k++] = args[i];
	free(args);
	snprintf(seed, sizeof(seed), "%" PRIu64, run_seed(sw, s));
	argv[k++] = strdup("--seed");
	argv[k++] = strdup(seed);
	argv[k++] = strdup("--format");
	argv[k++] = strdup("json");
	if (sw->may_write && sw->may_write[s->point])
		argv[k++] = strdup("--allow-write");
	if (wl_engine_is_qemu(p->engine) && sw->accel) {
		argv[k++] = strdup("--accel");
		argv[k++] = strdup(sw->accel);
	}
	return argv;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void record_failure(struct sweep *sw, const struct sw_slot *s,
			   const char *why)
{
	json_t *f = json_object();

	json_object_set_new(f, "run_id", json_string(s->run_id));
	json_object_set_new(f, "why", json_string(why));
	json_array_append_new(json_object_get(sw->meta, "failed_runs"), f);
	sw->failed++;
	fprintf(stderr, "%saiotune: run %s failed: %s\n", sw->tty ? "\n" : "",
		s->run_id, why);
}

/* `aiotune run` exits 3 for a setting this host cannot realize. */
#define RUN_EXIT_SKIPPED 3

static void record_skip(struct sweep *sw, size_t slot, const char *why)
{
	const struct sw_slot *s = &sw->plan.runs[slot];
	json_t *f = json_object();

	json_object_set_new(f, "run_id", json_string(s->run_id));
	json_object_set_new(f, "why", json_string(why));
	json_array_append_new(json_object_get(sw->meta, "skipped_runs"), f);
	sw->done[slot] = true;
	sw->skipped++;
	fprintf(stderr, "%saiotune: run %s skipped: %s\n", sw->tty ? "\n" : "",
		s->run_id, why);
}

enum outcome { RUN_OK, RUN_FAILED, RUN_SKIPPED, RUN_STOPPED };

/* Take a finished child's stdout into runs/<id>.json and the CSV. */
static enum outcome take_result(struct sweep *sw, size_t slot,
				const char *out, int64_t wall)
{
	const struct sw_slot *s = &sw->plan.runs[slot];
	const struct sw_point *p = &sw->plan.points[s->point];
	char *text, err[512], why[600], name[RES_NAME_MAX + 16];
	struct res_row row;
	json_t *run, *sj;

	if (res_read_file(out, &text, NULL)) {
		record_failure(sw, s, "its output could not be read");
		return RUN_FAILED;
	}
	if (res_run_parse(text, &run, err, sizeof(err))) {
		free(text);
		snprintf(why, sizeof(why), "its output is %s", err);
		record_failure(sw, s, why);
		return RUN_FAILED;
	}
	free(text);
	res_row_init(&row);
	if (res_row_from_run(run, &row, err, sizeof(err))) {
		json_decref(run);
		record_failure(sw, s, err);
		return RUN_FAILED;
	}
	if (!sw_point_matches(p, &row, err, sizeof(err)))
		cli_die(1, "run %s measured another setting than asked: %s",
			s->run_id, err);
	sj = json_object();
	json_object_set_new(sj, "run_id", json_string(s->run_id));
	json_object_set_new(sj, "point", json_integer((json_int_t)s->point));
	json_object_set_new(sj, "rep", json_integer(s->rep));
	json_object_set_new(sj, "order", json_integer((json_int_t)slot + 1));
	json_object_set_new(sj, "section", json_string(p->section));
	json_object_set_new(sj, "wall_ns", json_integer(wall));
	json_object_set_new(run, "sweep", sj);
	snprintf(name, sizeof(name), "runs/%s.json", s->run_id);
	save_json(sw, name, run);

	snprintf(row.run_id, sizeof(row.run_id), "%s", s->run_id);
	row.point = (int64_t)s->point;
	row.rep = s->rep;
	row.order = (int64_t)slot + 1;
	snprintf(row.section, sizeof(row.section), "%s", p->section);
	row.wall_ns = (double)wall;
	snprintf(row.json, sizeof(row.json), "%s", name);
	if (res_table_add(&sw->table, &row))
		cli_die(1, "out of memory");
	save_csv(sw);
	meta_note(sw->meta, "fdmon_used",
		  json_object_get(json_object_get(run, "loop"), "fdmon"));
	meta_note(sw->meta, "run_timer_slack_ns",
		  json_object_get(json_object_get(run, "host"),
				  "timer_slack_ns"));
	json_decref(run);
	forget_failures(sw->meta, s->run_id);
	sw->done[slot] = true;
	sw->ndone++;
	return RUN_OK;
}

/*
 * Files of one attempt at a run: tmp/<id>.XXXXXX (its stdout, created
 * here, so no two attempts share one, whoever made the other) and the
 * same name with .log (its stderr, kept as logs/<id>.log if it failed).
 */
static void attempt_files(const struct sweep *sw, const struct sw_slot *s,
			  char *out, char *log, size_t size)
{
	char name[RES_NAME_MAX + 16];
	int fd;

	snprintf(name, sizeof(name), "tmp/%s.XXXXXX", s->run_id);
	path_in(sw, name, out, size);
	fd = mkostemp(out, O_CLOEXEC);
	if (fd < 0)
		cli_die(1, "cannot create %s: %s", out, strerror(errno));
	close(fd);
	if (snprintf(log, size, "%s.log", out) >= (int)size)
		cli_die(1, "path too long: %s.log", out);
}

static void keep_log(const struct sweep *sw, const struct sw_slot *s,
		     const char *log)
{
	char name[RES_NAME_MAX + 16], path[PATH_MAX];

	snprintf(name, sizeof(name), "logs/%s.log", s->run_id);
	path_in(sw, name, path, sizeof(path));
	if (rename(log, path) < 0)
		cli_die(1, "cannot move %s to %s: %s", log, path,
			strerror(errno));
}

static enum outcome run_one(struct sweep *sw, size_t slot)
{
	const struct sw_slot *s = &sw->plan.runs[slot];
	const struct sw_point *p = &sw->plan.points[s->point];
	char out[PATH_MAX], log[PATH_MAX], why[600], line[400];
	int64_t t0 = now_ns(), timeout;
	char **argv = child_argv(sw, s);
	enum outcome oc;
	int status = 0, ret;

	attempt_files(sw, s, out, log, sizeof(out));
	timeout = 3 * (p->runtime_ns + p->ramp_ns) + 60000000000LL;
	/* A QEMU point may boot its guest first (qemu/qemu.h). */
	if (wl_engine_is_qemu(p->engine))
		timeout += 120000000000LL;
	ret = util_spawn_wait(argv, out, log, timeout, &abort_run, &status);
	util_argv_free(argv);
	if (ret == -ECANCELED) {
		unlink(out);
		unlink(log);
		return RUN_STOPPED;
	}
	if (ret == -ETIMEDOUT) {
		snprintf(why, sizeof(why), "no result after %.0f s: killed "
			 "(see logs/%s.log)", timeout / 1e9, s->run_id);
		unlink(out);
		keep_log(sw, s, log);
		record_failure(sw, s, why);
		return RUN_FAILED;
	}
	if (ret) {
		unlink(out);
		unlink(log);
		cli_die(1, "cannot start %s: %s", sw->run_cmd[0],
			strerror(-ret));
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == CLI_EXIT_USAGE) {
		res_last_line(log, line, sizeof(line));
		unlink(out);
		keep_log(sw, s, log);
		cli_die(CLI_EXIT_USAGE, "run %s refused its settings: %s",
			s->run_id, line);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == RUN_EXIT_SKIPPED) {
		res_last_line(log, line, sizeof(line));
		record_skip(sw, slot, line);
		unlink(out);
		unlink(log);
		return RUN_SKIPPED;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		res_last_line(log, line, sizeof(line));
		if (WIFEXITED(status))
			snprintf(why, sizeof(why), "exit status %d: %s",
				 WEXITSTATUS(status), line);
		else
			snprintf(why, sizeof(why), "killed by signal %d: %s",
				 WTERMSIG(status), line);
		unlink(out);
		keep_log(sw, s, log);
		record_failure(sw, s, why);
		return RUN_FAILED;
	}
	oc = take_result(sw, slot, out, now_ns() - t0);
	unlink(out);
	if (oc == RUN_OK)
		unlink(log);
	else
		keep_log(sw, s, log);
	return oc;
}

static void progress(struct sweep *sw, size_t slot, size_t nth, size_t total,
		     double eta_s, const struct res_row *last)
{
	const struct sw_slot *s = &sw->plan.runs[slot];
	char label[512], eta[32];

	sw_point_label(&sw->plan.points[s->point], sw->show, label,
		       sizeof(label));
	fmt_duration(eta_s, eta, sizeof(eta));
	if (sw->tty) {
		fprintf(stderr, "\r\033[K[%zu/%zu] %s rep %d/%d  ETA %s", nth,
			total, label, s->rep, sw->plan.repetitions, eta);
		if (last)
			fprintf(stderr, "  (last: %.0f IOPS)", last->iops);
	} else if (last) {
		fprintf(stderr, "[%zu/%zu] %s rep %d/%d: %.0f IOPS, p99 %.1f "
			"us, IOThread CPU %.0f%%, ETA %s\n", nth, total, label,
			s->rep, sw->plan.repetitions, last->iops,
			last->lat_p99_ns / 1000, last->cpu_iothread_pct, eta);
	}
	fflush(stderr);
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: the wait sees EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static int run_all(struct sweep *sw)
{
	size_t todo = sw->plan.nruns - sw->ndone - sw->skipped, nth = 0;
	int64_t spent = 0;
	char est[32];

	fmt_duration(estimate_s(&sw->plan, sw->done), est, sizeof(est));
	print_fio_notes(sw, stderr);
	fprintf(stderr, "aiotune: sweep '%s': %zu runs to do (%zu points x %d "
		"repetitions, %zu done), about %s; results in %s\n", sw->name,
		todo, sw->plan.npoints, sw->plan.repetitions, sw->ndone, est,
		sw->dir);
	for (size_t i = 0; i < sw->plan.nruns && !stop_requests; i++) {
		enum outcome oc;
		int64_t t0;
		double eta;

		if (sw->done[i])
			continue;
		nth++;
		eta = nth > 1 ? (double)spent / 1e9 / (double)(nth - 1) *
				(double)(todo - nth + 1) :
			estimate_s(&sw->plan, sw->done);
		if (sw->tty)
			progress(sw, i, nth, todo, eta, NULL);
		t0 = now_ns();
		oc = run_one(sw, i);
		spent += now_ns() - t0;
		if (oc == RUN_STOPPED)
			break;
		if (oc == RUN_OK) {
			eta = (double)spent / 1e9 / (double)nth *
			      (double)(todo - nth);
			progress(sw, i, nth, todo, eta,
				 &sw->table.rows[sw->table.n - 1]);
		}
		save_meta(sw);
	}
	if (sw->tty)
		fputc('\n', stderr);
	save_meta(sw);
	if (stop_requests) {
		fprintf(stderr, "aiotune: stopped by signal %d after %zu of "
			"%zu runs; everything finished is kept. Continue with:\n"
			"  aiotune sweep --resume %s\n", (int)stop_signal,
			sw->ndone, sw->plan.nruns, sw->dir);
		return 128 + (int)stop_signal;
	}
	fprintf(stderr, "aiotune: %zu of %zu runs done in %s%s\n", sw->ndone,
		sw->plan.nruns, sw->dir, sw->failed ? " (some failed: see "
		"meta.json failed_runs and logs/)" : "");
	if (sw->skipped)
		fprintf(stderr, "aiotune: %zu runs skipped: this host cannot "
			"realize their settings (meta.json skipped_runs)\n",
			sw->skipped);
	printf("%s\n", sw->dir);
	return sw->ndone + sw->skipped == sw->plan.nruns ? 0 : 1;
}

static void section_free(struct sw_section *s)
{
	for (int d = 0; d < SW_NR_DIMS; d++)
		for (int i = 0; i < s->dims[d].n; i++)
			free(s->dims[d].str[i]);
}

static void sweep_free(struct sweep *sw)
{
	sw_grid_free(&sw->grid);
	section_free(&sw->flags);
	sw_plan_free(&sw->plan);
	sw_fio_grid_free(&sw->fio_grid);
	res_table_free(&sw->table);
	free(sw->done);
	free(sw->job_text);
	free(sw->may_write);
	json_decref(sw->session);
	json_decref(sw->meta);
	if (sw->run_cmd_buf)
		free(sw->run_cmd_buf);
	else if (sw->run_cmd)
		free(sw->run_cmd[0]);
	free(sw->run_cmd);
	free(sw);
}

/* Create missing target files once; which points' runs may write. */
static void prepare_targets(struct sweep *sw)
{
	char err[1024];
	int ret;

	sw->may_write = calloc(sw->plan.npoints + 1, sizeof(bool));
	if (!sw->may_write)
		cli_die(1, "out of memory");
	if (sw->ndone + sw->skipped >= sw->plan.nruns)
		return; /* a resumed sweep with nothing left to run */
	ret = sw_plan_prepare_targets(&sw->plan, sw->allow_write,
				      sw->may_write, err, sizeof(err));
	if (ret)
		cli_die(ret == -EINVAL ? CLI_EXIT_USAGE : 1,
			"%s", err);
}

/* fio, or $AIOTUNE_FIO, must be there before a fio sweep starts. */
static void check_fio(void)
{
	const char *env = getenv("AIOTUNE_FIO"), *path = getenv("PATH");
	char buf[PATH_MAX], *copy, *save = NULL;
	bool found = false;

	if (env && *env) {
		if (access(env, X_OK))
			cli_bad_value("AIOTUNE_FIO", env, "an executable fio");
		return;
	}
	copy = strdup(path ? path : "/usr/bin:/bin");
	if (!copy)
		cli_die(1, "out of memory");
	for (char *d = strtok_r(copy, ":", &save); d && !found;
	     d = strtok_r(NULL, ":", &save)) {
		snprintf(buf, sizeof(buf), "%s/fio", d);
		found = !access(buf, X_OK);
	}
	free(copy);
	if (!found)
		cli_die(1, "fio is not installed (not in PATH): install "
			"Debian's fio package (make deps)");
}

static int sweep_main(int argc, char **argv, bool fio)
{
	struct sweep *sw = calloc(1, sizeof(*sw));
	char path[PATH_MAX];
	json_t *sessions;
	int ret;

	if (!sw)
		cli_die(1, "out of memory");
	sw->fio = fio;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			if (fio)
				fio_usage(stdout);
			else
				usage(stdout);
			free(sw);
			return 0;
		}
	}
	parse_args(sw, argc, argv);
	join_cmdline(sw, argc, argv);
	res_prov_utc_now(sw->start_time, sizeof(sw->start_time));
	setup_run_cmd(sw);
	if (sw->resume_dir) {
		if (sw->dry_run)
			cli_die(CLI_EXIT_USAGE, "--dry-run and --resume: give "
				"one");
		start_resume(sw);
	} else {
		build_plan(sw);
		label_dims(sw);
		if (sw->dry_run) {
			print_dry_run(sw);
			sweep_free(sw);
			return 0;
		}
		if (sw->fio)
			check_fio();
		start_new(sw);
		sw->done = calloc(sw->plan.nruns + 1, sizeof(bool));
		if (!sw->done)
			cli_die(1, "out of memory");
	}
	label_dims(sw);
	prepare_targets(sw);
	sw->session = new_session(sw);
	sessions = json_object_get(sw->meta, "sessions");
	if (!json_is_array(sessions))
		cli_die(1, "%s/meta.json: no sessions array", sw->dir);
	json_array_append(sessions, sw->session);
	path_in(sw, "meta.json", path, sizeof(path));
	save_meta(sw);
	sw->tty = isatty(STDERR_FILENO);
	install_signals();
	/* QEMU points share one VM while their boot settings agree. */
	for (size_t i = 0; i < sw->plan.npoints && !sw->qemu_session[0]; i++)
		if (wl_engine_is_qemu(sw->plan.points[i].engine) &&
		    qm_session_begin(sw->qemu_session,
				     sizeof(sw->qemu_session)))
			cli_die(1, "cannot create a QEMU session directory in "
				"/tmp: %s", strerror(errno));
	if (sw->accel)
		json_object_set_new(sw->meta, "qemu_accel",
				    json_string(sw->accel));
	ret = run_all(sw);
	qm_session_end(sw->qemu_session);
	sweep_free(sw);
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
