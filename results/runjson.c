/* runjson.c: run JSON (docs/run-json.md) to a results row. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "results/runjson.h"

int res_run_parse(const char *text, json_t **out, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *root = json_loads(text, 0, &jerr);

	if (!root) {
		snprintf(err, errlen, "not JSON: line %d: %s", jerr.line,
			 jerr.text);
		return -EINVAL;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		snprintf(err, errlen, "the run result is not a JSON object");
		return -EINVAL;
	}
	*out = root;
	return 0;
}

int res_run_load(const char *path, json_t **out, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr);

	if (!root) {
		snprintf(err, errlen, "%s:%d: %s", path, jerr.line, jerr.text);
		return -EINVAL;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		snprintf(err, errlen, "%s: not a JSON object", path);
		return -EINVAL;
	}
	*out = root;
	return 0;
}

static void get_str(json_t *o, const char *key, char *dst, size_t size)
{
	json_t *v = json_object_get(o, key);

	if (json_is_string(v))
		snprintf(dst, size, "%s", json_string_value(v));
}

static void get_i64(json_t *o, const char *key, int64_t *dst)
{
	json_t *v = json_object_get(o, key);

	if (json_is_integer(v))
		*dst = json_integer_value(v);
	else if (json_is_real(v))
		*dst = (int64_t)json_real_value(v);
}

static void get_dbl(json_t *o, const char *key, double *dst)
{
	json_t *v = json_object_get(o, key);

	if (json_is_number(v))
		*dst = json_number_value(v);
}

static void get_lat(json_t *lat, struct res_row *r)
{
	get_dbl(lat, "min", &r->lat_min_ns);
	get_dbl(lat, "mean", &r->lat_mean_ns);
	get_dbl(lat, "p50", &r->lat_p50_ns);
	get_dbl(lat, "p90", &r->lat_p90_ns);
	get_dbl(lat, "p99", &r->lat_p99_ns);
	get_dbl(lat, "p99_9", &r->lat_p99_9_ns);
	get_dbl(lat, "max", &r->lat_max_ns);
}

static void get_job(json_t *job, struct res_row *r)
{
	get_str(job, "engine", r->engine, sizeof(r->engine));
	get_str(job, "target", r->target, sizeof(r->target));
	get_str(job, "rw", r->rw, sizeof(r->rw));
	get_i64(job, "bs_bytes", &r->bs_bytes);
	get_i64(job, "iodepth", &r->iodepth);
	get_i64(job, "iothreads", &r->iothreads);
	get_str(job, "frontend", r->frontend, sizeof(r->frontend));
	get_str(job, "guest_think", r->guest_think, sizeof(r->guest_think));
	get_str(job, "placement", r->placement, sizeof(r->placement));
	get_str(job, "poll_policy", r->poll_policy, sizeof(r->poll_policy));
	get_i64(job, "poll_max_ns", &r->poll_max_ns);
	get_i64(job, "poll_grow", &r->poll_grow);
	get_i64(job, "poll_shrink", &r->poll_shrink);
	get_i64(job, "poll_weight", &r->poll_weight);
	get_str(job, "fdmon", r->fdmon_requested, sizeof(r->fdmon_requested));
	get_i64(job, "runtime_ns", &r->runtime_ns);
	get_i64(job, "ramp_ns", &r->ramp_ns);
	get_str(job, "accel", r->accel, sizeof(r->accel));
}

/* Context switches and CPUs of the IOThreads, from cpu.threads[]. */
static void get_threads(json_t *threads, struct res_row *r)
{
	size_t i, len = 0;
	json_t *t;
	double vol = 0, invol = 0;
	bool any = false;

	json_array_foreach(threads, i, t) {
		json_t *role = json_object_get(t, "role");
		int64_t cpu = -1;

		if (!json_is_string(role) ||
		    strcmp(json_string_value(role), "iothread") != 0)
			continue;
		any = true;
		vol += json_number_value(json_object_get(t, "vol_csw"));
		invol += json_number_value(json_object_get(t, "invol_csw"));
		get_i64(t, "cpu_realized", &cpu);
		if (len + 24 < sizeof(r->iothread_cpus))
			len += (size_t)snprintf(r->iothread_cpus + len,
						sizeof(r->iothread_cpus) - len,
						"%s%lld", len ? ";" : "",
						(long long)cpu);
	}
	if (any) {
		r->vol_csw = vol;
		r->invol_csw = invol;
	}
}

static void get_loop(json_t *loop, struct res_row *r)
{
	get_str(loop, "fdmon", r->fdmon, sizeof(r->fdmon));
	get_dbl(loop, "iterations", &r->loop_iterations);
	get_dbl(loop, "poll_attempts", &r->poll_attempts);
	get_dbl(loop, "poll_hits", &r->poll_hits);
	get_dbl(loop, "poll_misses", &r->poll_misses);
	get_dbl(loop, "blocking_waits", &r->blocking_waits);
	get_dbl(loop, "poll_ns", &r->poll_ns);
	get_dbl(loop, "block_ns", &r->block_ns);
	get_dbl(loop, "grow_events", &r->grow_events);
	get_dbl(loop, "shrink_events", &r->shrink_events);
	get_dbl(loop, "notify_writes", &r->notify_writes);
	get_dbl(loop, "window_ns", &r->window_ns);
}

int res_row_from_run(json_t *run, struct res_row *r, char *err,
		     size_t errlen)
{
	json_t *job = json_object_get(run, "job");
	json_t *res = json_object_get(run, "result");
	json_t *cpu = json_object_get(run, "cpu");
	json_t *host = json_object_get(run, "host");
	int64_t fv = -1;

	get_i64(run, "format_version", &fv);
	if (fv != RES_RUN_FORMAT_VERSION) {
		snprintf(err, errlen, "run format_version %lld, this aiotune "
			 "reads %d", (long long)fv, RES_RUN_FORMAT_VERSION);
		return -EINVAL;
	}
	if (!json_is_object(job) || !json_is_object(res) ||
	    !json_is_number(json_object_get(res, "iops"))) {
		snprintf(err, errlen, "the run result has no \"job\" or no "
			 "\"result.iops\"");
		return -EINVAL;
	}
	get_str(run, "start_time", r->start_time, sizeof(r->start_time));
	get_str(run, "version", r->version, sizeof(r->version));
	get_str(run, "git", r->git, sizeof(r->git));
	get_job(job, r);

	get_dbl(res, "ios", &r->ios);
	get_dbl(res, "errors", &r->errors);
	get_dbl(res, "measured_ns", &r->measured_ns);
	get_dbl(res, "iops", &r->iops);
	get_dbl(res, "bw_bytes", &r->bw_bytes_per_s);
	get_lat(json_object_get(res, "lat_ns"), r);
	get_dbl(json_object_get(res, "guest_lat_ns"), "p50",
		&r->guest_lat_p50_ns);
	get_dbl(json_object_get(res, "guest_lat_ns"), "p99",
		&r->guest_lat_p99_ns);

	get_dbl(cpu, "iothread_pct", &r->cpu_iothread_pct);
	get_dbl(cpu, "guest_pct", &r->cpu_guest_pct);
	get_dbl(cpu, "process_pct", &r->cpu_process_pct);
	get_threads(json_object_get(cpu, "threads"), r);
	if (r->cpu_iothread_pct > 0)
		r->iops_per_cpu = r->iops / (r->cpu_iothread_pct / 100.0);

	get_loop(json_object_get(run, "loop"), r);
	if (r->poll_attempts > 0 && !isnan(r->poll_hits))
		r->poll_hit_pct = 100.0 * r->poll_hits / r->poll_attempts;
	else if (r->poll_attempts == 0)
		r->poll_hit_pct = NAN;

	get_str(host, "hostname", r->host, sizeof(r->host));
	get_str(host, "kernel", r->kernel, sizeof(r->kernel));
	return 0;
}
