/*
 * fio-run.c: `aiotune fio-run [run options]`: one point measured by fio
 * instead of aiotune's loop. It takes `aiotune run`'s options (what
 * `aiotune fio` hands each child), with --engine also accepting the fio
 * names of workloads/fio-cmd.h (fio-io_uring-sqpoll), runs fio with JSON
 * output, and prints the run object of docs/run-json.md (tool "fio") or
 * a one-line summary. A point fio cannot express, or whose placement or
 * hipri this host cannot realize, exits 3 (skipped) with the reason.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "affinity/affinity.h"
#include "cli/cli.h"
#include "results/atomic.h"
#include "results/fio-import.h"
#include "results/provenance.h"
#include "results/runjson.h"
#include "util/spawn.h"
#include "util/version.h"
#include "workloads/engine-real.h"
#include "workloads/fio-cmd.h"
#include "workloads/result.h"
#include "workloads/runner.h"

void cli_run_parse(int argc, char **argv, struct wl_job *job);

static volatile sig_atomic_t stop;
static bool raw_fio_json;   /* --format fio-json: fio's own document */

/*
 * fio's JSON output and its log: temporary files in $TMPDIR (else /tmp),
 * removed on every way out, cli_die and signals included (atexit).
 */
static char json_path[PATH_MAX], log_path[PATH_MAX];
/* fio's command line, freed there too (cli_die exits with it). */
static char **fargv;

static void on_signal(int sig)
{
	stop = sig;
}

static void remove_temp_files(void)
{
	if (json_path[0])
		unlink(json_path);
	if (log_path[0])
		unlink(log_path);
	json_path[0] = log_path[0] = '\0';
}

/* atexit: whatever way fio-run ends. */
static void clean_up(void)
{
	remove_temp_files();
	util_argv_free(fargv);
	fargv = NULL;
}

/* path = $TMPDIR/aiotune-fio-XXXXXX<suffix>, created empty. */
static void make_temp(char *path, size_t size, const char *suffix)
{
	const char *dir = getenv("TMPDIR");
	char tmpl[PATH_MAX];
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	if (snprintf(tmpl, sizeof(tmpl), "%s/aiotune-fio-XXXXXX%s", dir,
		     suffix) >= (int)sizeof(tmpl))
		cli_die(1, "TMPDIR %s: path too long", dir);
	fd = mkstemps(tmpl, (int)strlen(suffix));
	if (fd < 0)
		cli_die(1, "cannot create a temporary file in %s: %s", dir,
			strerror(errno));
	close(fd);
	snprintf(path, size, "%s", tmpl);
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: aiotune fio-run [aiotune run options] [--variant V]\n"
"Measure one point with fio instead of aiotune's event loop: the same\n"
"workload (engine io_uring or linux-aio, rw, bs, iodepth, IOThreads as\n"
"numjobs, runtime, ramp, direct, placement as cpus_allowed) on the same\n"
"file or device. The output is a run object (--format json) whose tool\n"
"is \"fio\", fio's own JSON document (--format fio-json), or one line\n"
"(--format text, the default).\n"
"\n"
"  --engine E     io_uring, linux-aio, or a fio engine name of results:\n"
"                 fio-io_uring, fio-io_uring-sqpoll, fio-io_uring-hipri,\n"
"                 fio-io_uring-batch, fio-libaio, fio-libaio-batch\n"
"  --variant V    plain (default), sqpoll (sqthread_poll=1), hipri\n"
"                 (polled completions; only where the device has them),\n"
"                 batch (iodepth_batch_submit/complete_max = iodepth)\n"
"\n"
"Polling options (--poll-max-ns ...) are accepted and ignored: fio has\n"
"no event loop. The target stays open while fio runs; a block device that\n"
"is written is held with O_EXCL, so nothing can mount it meanwhile. fio's\n"
"JSON and log are temporary files in $TMPDIR (else /tmp), removed on every\n"
"way out. fio is $AIOTUNE_FIO, else fio from PATH. Exit status: 0\n"
"measured, 1 fio failed, 2 bad usage, 3 skipped (fio cannot express the\n"
"point, or this host cannot realize it).\n");
}

/* Take --engine fio-... and --variant out of argv; the rest is run's. */
static enum wl_fio_variant take_fio_args(int *argc, char **argv, char *engine,
				      size_t size)
{
	enum wl_fio_variant v = WL_FIO_PLAIN;
	bool variant_set = false;
	int k = 1;

	engine[0] = '\0';
	for (int i = 1; i < *argc; i++) {
		const char *a = argv[i], *val = NULL;
		bool is_eng = !strncmp(a, "--engine", 8) &&
			      (a[8] == '\0' || a[8] == '=');
		bool is_var = !strncmp(a, "--variant", 9) &&
			      (a[9] == '\0' || a[9] == '=');

		if ((!strcmp(a, "--format") && i + 1 < *argc &&
		     !strcmp(argv[i + 1], "fio-json")) ||
		    !strcmp(a, "--format=fio-json")) {
			raw_fio_json = true;
			i += a[8] == '\0';
			continue;
		}
		if (!is_eng && !is_var) {
			argv[k++] = argv[i];
			continue;
		}
		val = strchr(a, '=') ? strchr(a, '=') + 1 :
		      i + 1 < *argc ? argv[++i] : "";
		if (is_var) {
			unsigned mask;
			char err[256];

			if (wl_fio_variants_parse(val, &mask, err,
						  sizeof(err)) ||
			    (mask & (mask - 1)))
				cli_bad_value("--variant", val,
					      "plain, sqpoll, hipri, batch");
			v = (enum wl_fio_variant)__builtin_ctz(mask);
			variant_set = true;
			continue;
		}
		if (wl_engine_is_fio(val)) {
			enum wl_fio_variant ev;

			if (wl_fio_engine_split(val, engine, size, &ev))
				cli_bad_value("--engine", val, "io_uring, "
					      "linux-aio, fio-io_uring, "
					      "fio-io_uring-sqpoll, "
					      "fio-io_uring-hipri, "
					      "fio-io_uring-batch, fio-libaio, "
					      "fio-libaio-batch");
			if (variant_set && ev != v)
				cli_die(CLI_EXIT_USAGE, "--engine %s and "
					"--variant %s disagree: give one", val,
					wl_fio_variant_name(v));
			v = ev;
			argv[k++] = "--engine";
			argv[k++] = engine;
			continue;
		}
		snprintf(engine, size, "%s", val);
		argv[k++] = "--engine";
		argv[k++] = (char *)val;
	}
	argv[k] = NULL;
	*argc = k;
	return v;
}

static void print_text(json_t *run)
{
	json_t *job = json_object_get(run, "job");
	json_t *res = json_object_get(run, "result");
	json_t *lat = json_object_get(res, "lat_ns");
	json_t *cpu = json_object_get(run, "cpu");

	printf("%s %s bs %lld iodepth %lld: %.0f IOPS, p50 %.1f us, p99 "
	       "%.1f us, CPU %.0f%%\n",
	       json_string_value(json_object_get(job, "engine")),
	       json_string_value(json_object_get(job, "rw")),
	       (long long)json_integer_value(json_object_get(job, "bs_bytes")),
	       (long long)json_integer_value(json_object_get(job, "iodepth")),
	       json_number_value(json_object_get(res, "iops")),
	       json_number_value(json_object_get(lat, "p50")) / 1000,
	       json_number_value(json_object_get(lat, "p99")) / 1000,
	       json_number_value(json_object_get(cpu, "iothread_pct")));
}

/* Run fio (argv) and turn its JSON into the run object. */
static json_t *measure(int64_t timeout_ns)
{
	char err[512], last[512];
	json_t *runs, *run;
	int status = 0, ret;

	ret = util_spawn_wait(fargv, "/dev/null", log_path, timeout_ns, &stop,
			      &status);
	if (ret == -ECANCELED)
		cli_die(128 + (int)stop, "stopped by signal %d", (int)stop);
	if (ret == -ETIMEDOUT)
		cli_die(1, "fio gave no result after %.0f s: killed",
			timeout_ns / 1e9);
	if (ret)
		cli_die(1, "cannot start %s: %s (install Debian's fio "
			"package: make deps)", fargv[0], strerror(-ret));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		res_last_line(log_path, last, sizeof(last));
		cli_die(1, "fio failed (%s %d): %s",
			WIFEXITED(status) ? "exit status" : "signal",
			WIFEXITED(status) ? WEXITSTATUS(status) :
			WTERMSIG(status), last[0] ? last : "no message");
	}
	ret = res_fio_import_file(json_path, &runs, err, sizeof(err));
	if (ret)
		cli_die(1, "fio's output: %s", err);
	if (json_array_size(runs) != 1)
		cli_die(1, "fio's output has %zu jobs, not one",
			json_array_size(runs));
	run = json_incref(json_array_get(runs, 0));
	json_decref(runs);
	return run;
}

static int cmd_fio_run(int argc, char **argv)
{
	char engine[WL_NAME_MAX], name[WL_NAME_MAX], why[512], cpus[512];
	const char *fio = getenv("AIOTUNE_FIO");
	char *cmdline = cli_join_args("aiotune fio-run", argc - 1,
				      argv + 1);
	char *text;
	struct wl_target_opts to;
	struct wl_target claim;
	struct sigaction sa;
	struct wl_job job;
	enum wl_fio_variant v;
	const char *dim;
	json_t *run, *jj;
	int n, ret;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			free(cmdline);
			return 0;
		}
	}
	v = take_fio_args(&argc, argv, engine, sizeof(engine));
	if (!engine[0])
		cli_die(CLI_EXIT_USAGE, "fio-run needs --engine (io_uring, "
			"linux-aio or a fio-... name)");
	cli_run_parse(argc, argv, &job);
	if (job.format == WL_FORMAT_CSV)
		cli_bad_value("--format", "csv", "text, json");
	ret = wl_job_check(&job, why, sizeof(why));
	if (!ret)
		ret = wl_job_prepare(&job, NULL, why, sizeof(why));
	if (ret)
		cli_die(ret == -EINVAL ? CLI_EXIT_USAGE : 1, "%s", why);
	if (!wl_fio_expressible(&job, v, &dim, why, sizeof(why)))
		cli_die(CLI_EXIT_SKIPPED, "fio cannot run this point (%s): %s",
			dim, why);
	if (v == WL_FIO_HIPRI && !wl_fio_hipri_ok(job.target, why, sizeof(why)))
		cli_die(CLI_EXIT_SKIPPED, "hipri skipped: %s", why);
	ret = wl_fio_placement_cpus(&job, cpus, sizeof(cpus), why, sizeof(why));
	if (ret == -ENOTSUP)
		cli_die(CLI_EXIT_SKIPPED, "placement '%s' skipped: %s",
			job.placement, why);
	if (ret)
		cli_die(ret == -EINVAL ? CLI_EXIT_USAGE : 1, "placement "
			"'%s': %s", job.placement, why);

	/*
	 * A signal from here on stops fio (util_spawn_wait) or is acted on
	 * after it; either way the temporary files go (atexit).
	 */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	atexit(clean_up);
	make_temp(json_path, sizeof(json_path), ".json");
	make_temp(log_path, sizeof(log_path), ".log");
	fargv = wl_fio_argv(fio && *fio ? fio : "fio", &job, v, cpus,
			    json_path);
	if (!fargv)
		cli_die(1, "out of memory");

	/*
	 * Hold the target open for all of fio's run, under the rules of
	 * workloads/target.h: a block device that is written is opened
	 * O_EXCL, which the kernel keeps as a claim (no mount, no other
	 * exclusive user) until it is closed; fio's own open, without
	 * O_EXCL, still works.
	 */
	wl_real_target_opts(&job, &to);
	ret = wl_target_open(&claim, job.target, &to, why, sizeof(why));
	if (ret)
		cli_die(ret == -EINVAL || ret == -EPERM ? CLI_EXIT_USAGE : 1,
			"%s", why);
	run = measure(3 * (job.runtime_ns + job.ramp_ns) +
		      60000000000LL);
	wl_target_close(&claim);
	if (stop)
		cli_die(128 + (int)stop, "stopped by signal %d", (int)stop);
	if (raw_fio_json) {
		size_t len;

		if (res_read_file(json_path, &text, &len))
			cli_die(1, "fio's output %s: cannot read", json_path);
		fwrite(text, 1, len, stdout);
		free(text);
	}
	remove_temp_files();

	/* The run's settings are the point's, under the fio engine name. */
	wl_fio_engine_name(job.engine, v, name, sizeof(name), why, sizeof(why));
	snprintf(job.engine, sizeof(job.engine), "%s", name);
	job.hipri = v == WL_FIO_HIPRI;
	/* No event loop: the polling settings do not apply (fio-cmd.h). */
	job.poll_max_ns = 0;
	snprintf(job.poll_policy, sizeof(job.poll_policy), "off");
	job.poll_grow = 0;
	job.poll_shrink = 0;
	job.poll_weight = 0;
	jj = res_job_json(&job);
	for (n = 0; fargv[n]; n++)
		;
	text = cli_join_args("", n, fargv);
	json_object_set_new(jj, "fio_command_line", json_string(text));
	json_object_set_new(jj, "fio_cpus_allowed", json_string(cpus));
	free(text);
	util_argv_free(fargv);
	fargv = NULL;
	json_object_set_new(run, "job", jj);
	json_object_set_new(run, "command_line", json_string(cmdline));
	json_object_set_new(run, "aiotune_version",
			    json_string(util_version()));
	json_object_set_new(run, "git", json_string(util_git_rev()));
	json_object_set_new(run, "host", res_prov_host());
	if (raw_fio_json) {
		/* printed above */
	} else if (job.format == WL_FORMAT_JSON) {
		text = json_dumps(run, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (!text)
			cli_die(1, "out of memory");
		puts(text);
		free(text);
	} else {
		print_text(run);
	}
	json_decref(run);
	free(cmdline);
	return 0;
}

const struct cli_cmd cli_cmd_fio_run = {
	.name = "fio-run",
	.summary = "measure one point with fio (the peer), as aiotune fio does",
	.run = cmd_fio_run,
};
