/*
 * qemu-run.c: `aiotune run --engine qemu|qemu-io_uring|qemu-threads`:
 * one point measured by QEMU itself (qemu/qemu.h). It takes run's
 * options and its own:
 *
 *   --accel auto|kvm|tcg    auto (default): KVM when a probe boot works
 *   --boot-timeout DUR      boot to the guest's init (default 60s)
 *   --guest-timeout DUR     fio's time in the guest beyond runtime + ramp
 *                           (default 30s)
 *
 * and prints the run object (--format json) or one line (text). Exit
 * status as run's: 0 measured, 1 failed, 2 bad usage, 3 skipped, 128+N
 * interrupted by signal N.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"
#include "qemu/point.h"
#include "qemu/qemu.h"
#include "results/provenance.h"
#include "util/version.h"
#include "workloads/job.h"
#include "workloads/peer.h"
#include "workloads/result.h"
#include "workloads/runner.h"
#include "workloads/units.h"

void cli_run_parse(int argc, char **argv, struct wl_job *job);
bool cli_run_is_qemu(int argc, char **argv);
int cli_qemu_run(int argc, char **argv);

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = sig;
}

/* The value of --flag in argv[i] ("--flag V" or "--flag=V"), or NULL. */
static const char *flag_val(int argc, char **argv, int *i, const char *flag,
			    bool *hit)
{
	size_t n = strlen(flag);
	const char *a = argv[*i];

	*hit = false;
	if (strncmp(a, flag, n) || (a[n] != '\0' && a[n] != '='))
		return NULL;
	*hit = true;
	if (a[n] == '=')
		return a + n + 1;
	if (*i + 1 < argc)
		return argv[++*i];
	return NULL;
}

bool cli_run_is_qemu(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		bool hit;
		const char *v = flag_val(argc, argv, &i, "--engine", &hit);

		if (hit && v && wl_engine_is_qemu(v))
			return true;
	}
	return false;
}

/* Take the qemu options out of argv; the engine becomes its peer's. */
static void take_args(int *argc, char **argv, struct qm_opts *o,
		      char *engine, size_t size, bool *json)
{
	int k = 1;

	*json = false;
	for (int i = 1; i < *argc; i++) {
		bool hit;
		const char *v;
		int64_t ns;

		v = flag_val(*argc, argv, &i, "--accel", &hit);
		if (hit) {
			if (!v || (strcmp(v, "auto") && strcmp(v, "kvm") &&
				   strcmp(v, "tcg")))
				cli_bad_value("--accel", v, "auto, kvm, tcg");
			snprintf(o->accel, sizeof(o->accel), "%s", v);
			continue;
		}
		v = flag_val(*argc, argv, &i, "--boot-timeout", &hit);
		if (hit) {
			if (!v || wl_parse_duration_ns(v, 1000000000LL, &ns) ||
			    ns < 1000000000LL)
				cli_bad_value("--boot-timeout", v, "a duration "
					      "of at least 1s, like 60s");
			o->boot_timeout_ns = ns;
			continue;
		}
		v = flag_val(*argc, argv, &i, "--guest-timeout", &hit);
		if (hit) {
			if (!v || wl_parse_duration_ns(v, 1000000000LL, &ns) ||
			    ns < 0)
				cli_bad_value("--guest-timeout", v, "a duration,"
					      " like 30s or 0");
			o->guest_timeout_ns = ns;
			continue;
		}
		v = flag_val(*argc, argv, &i, "--engine", &hit);
		if (hit && v && wl_engine_is_qemu(v)) {
			snprintf(engine, size, "%s", v);
			argv[k++] = "--engine";
			argv[k++] = (char *)wl_qemu_engine_peer(v);
			continue;
		}
		if (hit) {
			argv[k++] = "--engine";
			if (v)
				argv[k++] = (char *)v;
			continue;
		}
		v = flag_val(*argc, argv, &i, "--format", &hit);
		if (hit) {
			if (!v || (strcmp(v, "text") && strcmp(v, "json")))
				cli_bad_value("--format", v, "text, json "
					      "(for --engine qemu)");
			*json = !strcmp(v, "json");
			continue;
		}
		v = flag_val(*argc, argv, &i, "--output", &hit);
		if (hit)
			cli_die(CLI_EXIT_USAGE, "--output is not available "
				"with --engine %s: use --format json",
				engine[0] ? engine : "qemu");
		argv[k++] = argv[i];
	}
	argv[k] = NULL;
	*argc = k;
}

static void print_text(json_t *run)
{
	json_t *res = json_object_get(run, "result");
	json_t *q = json_object_get(run, "qemu");
	json_t *loop = json_object_get(run, "loop");
	json_t *cpu = json_object_get(run, "cpu");
	double ios = json_number_value(json_object_get(res, "ios"));
	double att = json_number_value(json_object_get(loop, "poll_attempts"));
	double hit = json_number_value(json_object_get(loop, "poll_hits"));

	printf("QEMU %s (%s%s) %s: %.0f IOPS, p50 %.1f us, p99 %.1f us, "
	       "IOThread CPU %.0f%%, vCPU CPU %.0f%%, poll attempts %.2f and "
	       "hits %.2f per I/O, grow %lld shrink %lld, boot %.1f s%s\n",
	       json_string_value(json_object_get(q, "version")),
	       json_string_value(json_object_get(q, "accel")),
	       json_is_true(json_object_get(q, "emulated")) ?
	       ", emulated: compare behaviour, not IOPS" : "",
	       json_string_value(json_object_get(q, "aio")),
	       json_number_value(json_object_get(res, "iops")),
	       json_number_value(json_object_get(json_object_get(res,
			"lat_ns"), "p50")) / 1000,
	       json_number_value(json_object_get(json_object_get(res,
			"lat_ns"), "p99")) / 1000,
	       json_number_value(json_object_get(cpu, "iothread_pct")),
	       json_number_value(json_object_get(cpu, "guest_pct")),
	       ios > 0 ? att / ios : 0, ios > 0 ? hit / ios : 0,
	       (long long)json_integer_value(json_object_get(loop,
			"grow_events")),
	       (long long)json_integer_value(json_object_get(loop,
			"shrink_events")),
	       json_integer_value(json_object_get(q, "boot_ns")) / 1e9,
	       json_is_true(json_object_get(q, "booted_for_this_run")) ?
	       "" : " (an earlier run's boot)");
}

int cli_qemu_run(int argc, char **argv)
{
	char engine[WL_NAME_MAX] = "", why[2048], warn[600];
	char *cmdline = cli_join_args("aiotune", argc, argv);
	struct sigaction sa;
	struct qm_opts o;
	struct wl_job job;
	bool json;
	json_t *run;
	int ret;

	qm_opts_init(&o);
	take_args(&argc, argv, &o, engine, sizeof(engine), &json);
	cli_run_parse(argc, argv, &job);
	snprintf(job.engine, sizeof(job.engine), "%s", engine);
	ret = qm_job_check(&job, why, sizeof(why));
	if (ret)
		cli_die(ret == -EINVAL ? CLI_EXIT_USAGE : ret == -ENOTSUP ?
			CLI_EXIT_SKIPPED : 1, "%s", why);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	ret = qm_run(&job, &o, &stop, &run, warn, sizeof(warn), why,
		     sizeof(why));
	if (warn[0])
		fprintf(stderr, "aiotune: warning: %s\n", warn);
	if (ret == -ECANCELED)
		cli_die(128 + (int)(stop ? stop : SIGINT), "%s", why);
	if (ret == -ENOTSUP)
		cli_die(CLI_EXIT_SKIPPED, "%s", why);
	if (ret)
		cli_die(ret == -EINVAL ? CLI_EXIT_USAGE : 1, "%s", why);
	json_object_set_new(run, "command_line", json_string(cmdline));
	json_object_set_new(run, "aiotune_version",
			    json_string(util_version()));
	json_object_set_new(run, "git", json_string(util_git_rev()));
	json_object_set_new(run, "host", res_prov_host());
	if (json) {
		char *text = json_dumps(run, JSON_INDENT(2) |
					JSON_PRESERVE_ORDER);

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
