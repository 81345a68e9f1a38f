/*
 * run.c: `aiotune run`: measure one point (one job) and print or write
 * the result. Every flag takes "--flag VALUE" or "--flag=VALUE"; a bad
 * value is one line naming it and what is allowed, exit status 2.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <time.h>

#include <jansson.h>

#include "cli/cli.h"
#include "loop/aio.h"
#include "polling/policy.h"
#include "results/fio-export.h"
#include "results/runjson.h"
#include "util/version.h"
#include "workloads/engine.h"
#include "workloads/frontend.h"
#include "workloads/job.h"
#include "workloads/option.h"
#include "workloads/result.h"
#include "workloads/runner.h"

/* A placement this host cannot realize: the point is skipped. */
#define CLI_EXIT_SKIPPED 3


bool cli_run_is_qemu(int argc, char **argv);
int cli_qemu_run(int argc, char **argv);

/* --format fio-json: the run JSON printed in fio's layout. */
static bool fio_json;

static void usage(FILE *f)
{
	fprintf(f,
"usage: aiotune run [options]\n"
"Measure one point: IOPS, bandwidth, latency percentiles, CPU per thread\n"
"and event-loop statistics, ramp time excluded.\n"
"\n"
"  --engine E          %s, or qemu, qemu-io_uring,\n"
"                      qemu-threads (a QEMU guest: README \"QEMU as the\n"
"                      peer\") (default simnvme)\n"
"  --accel A           QEMU engines: auto, kvm, tcg (default auto)\n"
"  --boot-timeout DUR  QEMU engines: boot to the guest's init (default 60s)\n"
"  --guest-timeout DUR QEMU engines: fio's time in the guest beyond\n"
"                      runtime + ramp (default 30s)\n"
"  --target T          sim:KEY=VALUE,... for simnvme (default\n"
"                      sim:lat=fixed:15us), a file or block device otherwise\n"
"  --rw RW             %s (default randread)\n"
"  --rwmixread PCT     percent reads for randrw (default 50)\n"
"  --bs SIZE           request size: 4k, 512, 1m (default 4k)\n"
"  --iodepth N         requests in flight per IOThread (default 1)\n"
"  --size SIZE         bytes of the target used (default: all)\n"
"  --offset SIZE       first byte used (default 0)\n"
"  --runtime DUR       measured time: 10s, 500ms; bare = s (default 10s)\n"
"  --ramp DUR          warm-up not measured (default 2s)\n"
"  --iothreads N       IOThreads, each with its own queue (default 1)\n"
"  --frontend F        %s (default direct)\n"
"  --guest-think T     virtio guest time per request: 5us (bare = us),\n"
"                      uniform:2us-10us or exp:5us (default 0)\n"
"  --guest-poll-ns N   virtio guest spins this long on the used ring before\n"
"                      waiting for the call interrupt (default 0)\n"
"  --poll-max-ns N     poll window limit: 32768, 32k, 20us (default 32768)\n"
"  --poll-grow N       window growth factor, 0 = 2 (default 0)\n"
"  --poll-shrink N     window shrink divisor, 0 = reset (default 0)\n"
"  --poll-policy P     %s (default qemu)\n"
"  --poll-weight N     weight policy EWMA shift, 0 = 3 (default 0)\n"
"  --fdmon F           %s (default auto)\n"
"  --aio-max-batch N   requests batched per submission, 0 = engine default\n"
"  --placement P       thread placement: none, compact, spread, same-core,\n"
"                      smt-sibling, same-l3, device-local, remote-node,\n"
"                      irq-cpu, or iothread=0;guest=1;device=2 (default\n"
"                      none); one this host cannot realize: exit 3\n"
"  --direct 0|1        O_DIRECT on real targets (default 1)\n"
"  --allow-write       allow writes to an existing file or device\n"
"  --verify            check a data pattern on reads (real targets)\n"
"  --hipri             io_uring polled completions (IORING_SETUP_IOPOLL)\n"
"  --uring-taskrun M   io_uring completion hand-off: coop (default; no\n"
"                      IPI to a polling IOThread) or signal (an IPI each)\n"
"                      (--uring-ring own only)\n"
"  --uring-ring R      io_uring: context (the event loop's own ring,\n"
"                      aio_add_sqe), own (a private ring and an eventfd)\n"
"                      or auto: context where the fd monitor has a ring\n"
"                      and no --hipri (default auto)\n"
"  --ring-flags F      the context ring's setup flags: none, coop,\n"
"                      single, single+coop, defer, auto (default auto)\n"
"  --seed N            PRNG seed for offsets and simulated latencies\n"
"  --output DIR        write the full result to DIR/run.json\n"
"  --trace FILE        record IOThread 0's loop trace into FILE, one line\n"
"                      '<block_ns> <fd>' per polled event (aiotune simulate\n"
"                      replays it; only while poll-max-ns is not 0)\n"
"  --format F          stdout: text, json, csv, or fio-json (fio's JSON\n"
"                      layout, one job) (default text)\n",
		wl_engine_names(), wl_rw_names(), wl_frontend_names(),
		poll_policy_names(), aio_fdmon_names());
}

/* The job's options are workloads/option.h's; --output and --format run's. */
static void parse_flag(struct wl_job *job, const char *flag, const char *val)
{
	const struct wl_opt *o = NULL;
	char err[1024];

	if (!strchr(flag, '_'))
		o = wl_opt_find(flag + 2);
	if (o) {
		if (wl_opt_set(job, o, true, val, err, sizeof(err)))
			cli_die(CLI_EXIT_USAGE, "%s", err);
	} else if (!strcmp(flag, "--output")) {
		cli_check_output_dir(flag, val);
		if (strlen(val) >= sizeof(job->output))
			cli_bad_value(flag, val, "a directory path up to 1023 "
				      "characters");
		strcpy(job->output, val);
	} else if (!strcmp(flag, "--trace")) {
		if (!val || !*val || strlen(val) >= sizeof(job->trace))
			cli_bad_value(flag, val, "a file path up to 1023 "
				      "characters");
		strcpy(job->trace, val);
	} else if (!strcmp(flag, "--format")) {
		if (val && !strcmp(val, "text"))
			job->format = WL_FORMAT_TEXT;
		else if (val && !strcmp(val, "json"))
			job->format = WL_FORMAT_JSON;
		else if (val && !strcmp(val, "csv"))
			job->format = WL_FORMAT_CSV;
		else if (val && !strcmp(val, "fio-json"))
			job->format = WL_FORMAT_JSON;
		else
			cli_bad_value(flag, val, "text, json, csv, fio-json");
		fio_json = val && !strcmp(val, "fio-json");
	} else {
		cli_die(CLI_EXIT_USAGE,
			"unknown option '%s' for run: 'aiotune run --help' lists them",
			flag);
	}
}

/* Parse argv into job; exits 2 on any bad input. */
void cli_run_parse(int argc, char **argv, struct wl_job *job);

void cli_run_parse(int argc, char **argv, struct wl_job *job)
{
	wl_job_init(job);
	fio_json = false;
	for (int i = 1; i < argc; i++) {
		const struct wl_opt *sw;
		char flag[64];
		const char *arg = argv[i], *eq, *val;

		if (strncmp(arg, "--", 2) != 0)
			cli_die(CLI_EXIT_USAGE,
				"unexpected argument '%s' for run: options are --flag VALUE",
				arg);
		eq = strchr(arg, '=');
		if (eq) {
			if ((size_t)(eq - arg) >= sizeof(flag))
				cli_die(CLI_EXIT_USAGE,
					"unknown option '%.40s...' for run", arg);
			memcpy(flag, arg, (size_t)(eq - arg));
			flag[eq - arg] = '\0';
			val = eq + 1;
		} else {
			snprintf(flag, sizeof(flag), "%s", arg);
			val = NULL;
		}
		/* --allow-write, --verify, --hipri: a bare flag means 1. */
		sw = strchr(flag, '_') ? NULL : wl_opt_find(flag + 2);
		if (sw && sw->is_switch && !val) {
			wl_opt_store(job, sw, NULL, 1);
			continue;
		}
		if (!val) {
			if (i + 1 >= argc) {
				parse_flag(job, flag, NULL);
				continue;
			}
			val = argv[++i];
		}
		parse_flag(job, flag, val);
	}
}

/* The run JSON as a fio document with one job. */
static void print_fio_json(const char *run_text)
{
	json_t *run = json_loads(run_text, 0, NULL), *job, *jobs, *doc;
	char err[256], *text;

	if (!run)
		cli_die(1, "fio-json: the run JSON did not parse");
	if (res_fio_export_job(run, "aiotune-run", &job, err, sizeof(err)))
		cli_die(1, "fio-json: %s", err);
	jobs = json_array();
	json_array_append_new(jobs, job);
	doc = res_fio_export_doc(jobs, util_version(), time(NULL));
	text = doc ? res_fio_export_dumps(doc) : NULL;
	if (!text)
		cli_die(1, "out of memory");
	fputs(text, stdout);
	free(text);
	json_decref(doc);
	json_decref(jobs);
	json_decref(run);
}

static int cmd_run(int argc, char **argv)
{
	struct wl_result *res;
	struct res_run_prov prov;
	struct wl_job job;
	char err[512] = "";
	char *cmdline, *json;
	int ret, status = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		}
	}
	/* QEMU as the peer: cli/qemu-run.c. */
	if (cli_run_is_qemu(argc, argv))
		return cli_qemu_run(argc, argv);
	cli_run_parse(argc, argv, &job);
	ret = wl_job_check(&job, err, sizeof(err));
	if (ret)
		cli_die(ret == -EINVAL ? CLI_EXIT_USAGE : 1, "%s", err);

	res = calloc(1, sizeof(*res));
	cmdline = cli_join_args("aiotune", argc, argv);
	if (!res || !cmdline)
		cli_die(1, "out of memory");
	prov.version = util_version();
	prov.git = util_git_rev();
	prov.command_line = cmdline;

	ret = wl_run(&job, res, err, sizeof(err));
	if (ret == -ENOTSUP) {
		/* Skipped, not failed: nothing was measured. */
		free(cmdline);
		free(res);
		cli_die(CLI_EXIT_SKIPPED, "%s", err);
	}
	if (res->placement_warning[0])
		fprintf(stderr, "aiotune: warning: %s\n",
			res->placement_warning);
	if (ret && res->total.ios == 0) {
		free(cmdline);
		free(res);
		cli_die(ret == -EINVAL ? CLI_EXIT_USAGE : 1, "%s", err);
	}
	if (ret) {
		/* Measured, then failed: print what was measured, exit 1. */
		fprintf(stderr, "aiotune: %s\n", err);
		status = 1;
	}
	switch (job.format) {
	case WL_FORMAT_TEXT:
		wl_result_print_text(res, stdout);
		break;
	case WL_FORMAT_CSV:
		wl_result_print_csv(res, stdout);
		break;
	case WL_FORMAT_JSON:
		json = res_run_json(res, &prov);
		if (!json)
			cli_die(1, "out of memory");
		if (fio_json)
			print_fio_json(json);
		else
			fputs(json, stdout);
		free(json);
		break;
	}
	if (job.output[0]) {
		ret = res_run_write_dir(res, &prov, job.output, err,
					sizeof(err));
		if (ret) {
			fprintf(stderr, "aiotune: %s\n", err);
			status = 1;
		}
	}
	fflush(stdout);
	wl_result_free(res);
	free(res);
	free(cmdline);
	return status;
}

const struct cli_cmd cli_cmd_run = {
	.name = "run",
	.summary = "measure one point (engine, target, iodepth, poll settings)",
	.run = cmd_run,
};
