/*
 * run.c: a sweep's runs: each as its own `aiotune run` (or `aiotune
 * fio-run`) child under a timeout, its result taken into runs/<id>.json,
 * results.csv and meta.json at once (sweep.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "results/atomic.h"
#include "results/runjson.h"
#include "sweep/sweep-internal.h"
#include "util/spawn.h"
#include "workloads/peer.h"

/* `aiotune run` exits 2 for settings it refuses, 3 for a setting this
 * host cannot realize (cli/cli.h). */
#define RUN_EXIT_USAGE 2
#define RUN_EXIT_SKIPPED 3

static volatile sig_atomic_t stop_requests;
static volatile sig_atomic_t stop_signal;
static volatile sig_atomic_t abort_run;

static void on_signal(int sig)
{
	stop_signal = sig;
	if (++stop_requests >= 2)
		abort_run = 1;
}

/* SIGINT and SIGTERM stop after the current run; a second one at once. */
static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: the wait sees EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Per-run seed of the workload (offsets, simulated latencies). */
static uint64_t run_seed(const struct sw_sweep *s, const struct sw_slot *sl)
{
	uint64_t st = s->plan.seed ^ ((uint64_t)sl->point << 20) ^
		      (uint64_t)sl->rep;

	return sw_rand_next(&st) >> 1;
}

/* The child's argv; NULL when out of memory. */
static char **child_argv(const struct sw_sweep *s, const struct sw_slot *sl)
{
	const struct sw_point *p = &s->plan.points[sl->point];
	char **args = sw_point_run_args(p);
	char **argv;
	char seed[32];
	int n = 0, k = 0;

	if (!args)
		return NULL;
	while (args[n])
		n++;
	argv = calloc((size_t)(s->nrun_cmd + n + 8), sizeof(*argv));
	if (!argv) {
		util_argv_free(args);
		return NULL;
	}
	for (int i = 0; i < s->nrun_cmd; i++)
		argv[k++] = strdup(s->run_cmd[i]);
	argv[k++] = strdup(s->o->fio ? "fio-run" : "run");
	for (int i = 0; i < n; i++)
		argv[k++] = args[i];
	free(args);
	snprintf(seed, sizeof(seed), "%" PRIu64, run_seed(s, sl));
	argv[k++] = strdup("--seed");
	argv[k++] = strdup(seed);
	argv[k++] = strdup("--format");
	argv[k++] = strdup("json");
	if (s->may_write && s->may_write[sl->point])
		argv[k++] = strdup("--allow-write");
	if (wl_engine_is_qemu(p->engine) && s->accel) {
		argv[k++] = strdup("--accel");
		argv[k++] = strdup(s->accel);
	}
	for (int i = 0; i < k; i++) {
		if (!argv[i]) {
			for (int j = i + 1; j < k; j++)
				free(argv[j]);
			util_argv_free(argv);
			return NULL;
		}
	}
	return argv;
}

static void record_failure(struct sw_sweep *s, const struct sw_slot *sl,
			   const char *why)
{
	json_array_append_new(json_object_get(s->meta, "failed_runs"),
			      json_pack("{s:s, s:s}", "run_id", sl->run_id,
					"why", why));
	s->failed++;
	fprintf(stderr, "%saiotune: run %s failed: %s\n", s->tty ? "\n" : "",
		sl->run_id, why);
}

static void record_skip(struct sw_sweep *s, size_t slot, const char *why)
{
	const struct sw_slot *sl = &s->plan.runs[slot];

	json_array_append_new(json_object_get(s->meta, "skipped_runs"),
			      json_pack("{s:s, s:s}", "run_id", sl->run_id,
					"why", why));
	s->done[slot] = true;
	s->skipped++;
	fprintf(stderr, "%saiotune: run %s skipped: %s\n", s->tty ? "\n" : "",
		sl->run_id, why);
}

enum outcome { RUN_OK, RUN_FAILED, RUN_SKIPPED, RUN_STOPPED };

/* The run's JSON under runs/ and its row in results.csv. */
static int keep_result(struct sw_sweep *s, size_t slot, json_t *run,
		       struct res_row *row, int64_t wall)
{
	const struct sw_slot *sl = &s->plan.runs[slot];
	const struct sw_point *p = &s->plan.points[sl->point];
	char name[RES_NAME_MAX + 16];
	int ret;

	json_object_set_new(run, "sweep", json_pack("{s:s, s:I, s:i, s:I, "
		"s:s, s:I}", "run_id", sl->run_id, "point",
		(json_int_t)sl->point, "rep", sl->rep, "order",
		(json_int_t)slot + 1, "section", p->section, "wall_ns",
		(json_int_t)wall));
	snprintf(name, sizeof(name), "runs/%s.json", sl->run_id);
	ret = sw_save_json(s, name, run);
	if (ret)
		return ret;
	snprintf(row->run_id, sizeof(row->run_id), "%s", sl->run_id);
	row->point = (int64_t)sl->point;
	row->rep = sl->rep;
	row->order = (int64_t)slot + 1;
	snprintf(row->section, sizeof(row->section), "%s", p->section);
	row->wall_ns = (double)wall;
	snprintf(row->json, sizeof(row->json), "%s", name);
	if (res_table_add(&s->table, row))
		return sw_fail(s, -ENOMEM, "out of memory");
	return sw_save_csv(s);
}

/* Take a finished child's stdout into runs/<id>.json and the CSV. */
static int take_result(struct sw_sweep *s, size_t slot, const char *out,
		       int64_t wall, enum outcome *oc)
{
	const struct sw_slot *sl = &s->plan.runs[slot];
	const struct sw_point *p = &s->plan.points[sl->point];
	char *text, err[512], why[600];
	struct res_row row;
	json_t *run;
	int ret;

	*oc = RUN_FAILED;
	if (res_read_file(out, &text, NULL)) {
		record_failure(s, sl, "its output could not be read");
		return 0;
	}
	if (res_run_parse(text, &run, err, sizeof(err))) {
		free(text);
		snprintf(why, sizeof(why), "its output is %s", err);
		record_failure(s, sl, why);
		return 0;
	}
	free(text);
	res_row_init(&row);
	if (res_row_from_run(run, &row, err, sizeof(err))) {
		json_decref(run);
		record_failure(s, sl, err);
		return 0;
	}
	if (!sw_point_matches(p, &row, err, sizeof(err))) {
		json_decref(run);
		return sw_fail(s, -EPROTO, "run %s measured another setting "
			       "than asked: %s", sl->run_id, err);
	}
	ret = keep_result(s, slot, run, &row, wall);
	if (!ret) {
		sw_meta_note(s->meta, "fdmon_used", json_object_get(
			json_object_get(run, "loop"), "fdmon"));
		sw_meta_note(s->meta, "run_timer_slack_ns", json_object_get(
			json_object_get(run, "host"), "timer_slack_ns"));
		sw_meta_forget_failure(s->meta, sl->run_id);
		s->done[slot] = true;
		s->ndone++;
		*oc = RUN_OK;
	}
	json_decref(run);
	return ret;
}

/*
 * Files of one attempt at a run: tmp/<id>.XXXXXX (its stdout, created
 * here, so no two attempts share one, whoever made the other) and the
 * same name with .log (its stderr, kept as logs/<id>.log if it failed).
 */
static int attempt_files(struct sw_sweep *s, const struct sw_slot *sl,
			 char *out, char *log, size_t size)
{
	char name[RES_NAME_MAX + 16];
	int fd, ret;

	snprintf(name, sizeof(name), "tmp/%s.XXXXXX", sl->run_id);
	ret = sw_path_in(s, name, out, size);
	if (ret)
		return ret;
	fd = mkostemp(out, O_CLOEXEC);
	if (fd < 0)
		return sw_fail(s, -errno, "cannot create %s: %s", out,
			       strerror(errno));
	close(fd);
	if (snprintf(log, size, "%s.log", out) >= (int)size) {
		unlink(out);
		return sw_fail(s, -ENAMETOOLONG, "path too long: %s.log", out);
	}
	return 0;
}

static int keep_log(struct sw_sweep *s, const struct sw_slot *sl,
		    const char *log)
{
	char name[RES_NAME_MAX + 16], path[PATH_MAX];
	int ret;

	snprintf(name, sizeof(name), "logs/%s.log", sl->run_id);
	ret = sw_path_in(s, name, path, sizeof(path));
	if (ret)
		return ret;
	if (rename(log, path) < 0)
		return sw_fail(s, -errno, "cannot move %s to %s: %s", log,
			       path, strerror(errno));
	return 0;
}

/* How the child ended, when it ended on its own without a result. */
static int ended_badly(struct sw_sweep *s, size_t slot, int status,
		       const char *out, const char *log, enum outcome *oc)
{
	const struct sw_slot *sl = &s->plan.runs[slot];
	char why[600], line[400];

	res_last_line(log, line, sizeof(line));
	unlink(out);
	if (WIFEXITED(status) && WEXITSTATUS(status) == RUN_EXIT_USAGE) {
		int ret = keep_log(s, sl, log);

		return ret ? ret : sw_fail(s, -EINVAL, "run %s refused its "
					   "settings: %s", sl->run_id, line);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == RUN_EXIT_SKIPPED) {
		record_skip(s, slot, line);
		unlink(log);
		*oc = RUN_SKIPPED;
		return 0;
	}
	if (WIFEXITED(status))
		snprintf(why, sizeof(why), "exit status %d: %s",
			 WEXITSTATUS(status), line);
	else
		snprintf(why, sizeof(why), "killed by signal %d: %s",
			 WTERMSIG(status), line);
	*oc = RUN_FAILED;
	record_failure(s, sl, why);
	return keep_log(s, sl, log);
}

static int run_one(struct sw_sweep *s, size_t slot, enum outcome *oc)
{
	const struct sw_slot *sl = &s->plan.runs[slot];
	const struct sw_point *p = &s->plan.points[sl->point];
	char out[PATH_MAX], log[PATH_MAX], why[600];
	int64_t t0 = now_ns(), timeout;
	char **argv;
	int status = 0, ret;

	ret = attempt_files(s, sl, out, log, sizeof(out));
	if (ret)
		return ret;
	argv = child_argv(s, sl);
	if (!argv) {
		unlink(out);
		return sw_fail(s, -ENOMEM, "out of memory");
	}
	timeout = 3 * (p->runtime_ns + p->ramp_ns) + 60000000000LL;
	/* A QEMU point may boot its guest first (qemu/qemu.h). */
	if (wl_engine_is_qemu(p->engine))
		timeout += 120000000000LL;
	ret = util_spawn_wait(argv, out, log, timeout, &abort_run, &status);
	util_argv_free(argv);
	if (ret == -ECANCELED) {
		unlink(out);
		unlink(log);
		*oc = RUN_STOPPED;
		return 0;
	}
	if (ret == -ETIMEDOUT) {
		snprintf(why, sizeof(why), "no result after %.0f s: killed "
			 "(see logs/%s.log)", timeout / 1e9, sl->run_id);
		unlink(out);
		*oc = RUN_FAILED;
		record_failure(s, sl, why);
		return keep_log(s, sl, log);
	}
	if (ret) {
		unlink(out);
		unlink(log);
		return sw_fail(s, ret, "cannot start %s: %s", s->run_cmd[0],
			       strerror(-ret));
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return ended_badly(s, slot, status, out, log, oc);
	ret = take_result(s, slot, out, now_ns() - t0, oc);
	unlink(out);
	if (!ret && *oc == RUN_OK)
		unlink(log);
	else if (!ret)
		ret = keep_log(s, sl, log);
	return ret;
}

static void print_start(const struct sw_sweep *s, size_t todo)
{
	char est[32];

	sw_fmt_duration(sw_estimate_s(&s->plan, s->done), est, sizeof(est));
	sw_print_fio_notes(s, stderr);
	fprintf(stderr, "aiotune: sweep '%s': %zu runs to do (%zu points x %d "
		"repetitions, %zu done), about %s; results in %s\n", s->name,
		todo, s->plan.npoints, s->plan.repetitions, s->ndone, est,
		s->dir);
}

static void print_end(const struct sw_sweep *s)
{
	if (s->interrupted) {
		fprintf(stderr, "aiotune: stopped by signal %d after %zu of "
			"%zu runs; everything finished is kept. Continue "
			"with:\n  aiotune %s --resume %s\n", (int)stop_signal,
			s->ndone, s->plan.nruns, s->o->fio ? "fio" : "sweep",
			s->dir);
		return;
	}
	fprintf(stderr, "aiotune: %zu of %zu runs done in %s%s\n", s->ndone,
		s->plan.nruns, s->dir, s->failed ? " (some failed: see "
		"meta.json failed_runs and logs/)" : "");
	if (s->skipped)
		fprintf(stderr, "aiotune: %zu runs skipped: this host cannot "
			"realize their settings (meta.json skipped_runs)\n",
			s->skipped);
}

/* Each run not done yet, in plan order, until a signal asks to stop. */
static int run_all(struct sw_sweep *s)
{
	size_t todo = s->plan.nruns - s->ndone - s->skipped, nth = 0;
	int64_t spent = 0;
	int ret = 0;

	print_start(s, todo);
	for (size_t i = 0; i < s->plan.nruns && !stop_requests; i++) {
		enum outcome oc = RUN_FAILED;
		int64_t t0;
		double eta;

		if (s->done[i])
			continue;
		nth++;
		eta = nth > 1 ? (double)spent / 1e9 / (double)(nth - 1) *
				(double)(todo - nth + 1) :
			sw_estimate_s(&s->plan, s->done);
		if (s->tty)
			sw_print_progress(s, i, nth, todo, eta, NULL);
		t0 = now_ns();
		ret = run_one(s, i, &oc);
		spent += now_ns() - t0;
		if (ret || oc == RUN_STOPPED)
			break;
		if (oc == RUN_OK) {
			eta = (double)spent / 1e9 / (double)nth *
			      (double)(todo - nth);
			sw_print_progress(s, i, nth, todo, eta,
					  &s->table.rows[s->table.n - 1]);
		}
		s->interrupted = stop_requests > 0;
		ret = sw_meta_save(s);
		if (ret)
			break;
	}
	if (s->tty)
		fputc('\n', stderr);
	s->interrupted = stop_requests > 0;
	/* What is done is kept, whatever stopped the sweep. */
	if (ret) {
		char why[sizeof(s->err)];

		memcpy(why, s->err, sizeof(why));
		sw_meta_save(s);
		memcpy(s->err, why, sizeof(why));
		return ret;
	}
	ret = sw_meta_save(s);
	if (!ret)
		print_end(s);
	return ret;
}

int sw_sweep_run(struct sw_sweep *s, struct sw_outcome *out, char *err,
		 size_t errlen)
{
	int ret;

	s->tty = isatty(STDERR_FILENO);
	catch_signals();
	ret = run_all(s);
	memset(out, 0, sizeof(*out));
	out->runs = s->plan.nruns;
	out->done = s->ndone;
	out->skipped = s->skipped;
	out->failed = s->failed;
	out->stop_signal = s->interrupted ? (int)stop_signal : 0;
	out->dir = s->dir;
	if (ret)
		snprintf(err, errlen, "%s", s->err);
	return ret;
}
