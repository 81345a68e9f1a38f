/* runjson.c: run JSON (docs/run-json.md) to a results row. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results/atomic.h"
#include "results/runjson.h"
#include "util/file.h"

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

int res_json_load(const char *path, json_t **out, char *err, size_t errlen)
{
	json_error_t jerr;
	char *text;
	size_t len;
	int ret;

	ret = util_read_file(path, RES_READ_MAX, &text, &len, err, errlen);
	if (ret)
		return ret;
	*out = json_loadb(text, len, 0, &jerr);
	free(text);
	if (!*out) {
		snprintf(err, errlen, "%s:%d: not JSON: %s", path, jerr.line,
			 jerr.text);
		return -EINVAL;
	}
	return 0;
}

int res_run_load(const char *path, json_t **out, char *err, size_t errlen)
{
	json_t *root;
	int ret;

	ret = res_json_load(path, &root, err, errlen);
	if (ret)
		return ret;
	if (!json_is_object(root)) {
		json_decref(root);
		snprintf(err, errlen, "%s: not a JSON object", path);
		return -EINVAL;
	}
	*out = root;
	return 0;
}

/*
 * The reading of one run object: the first field refused (a string where
 * a number belongs, a negative count) is kept in err.
 */
struct rj {
	char *err;
	size_t errlen;
	int bad;
};

static void refuse(struct rj *c, const char *key, json_t *v,
		   const char *allowed)
{
	char *text;

	if (c->bad)
		return;
	c->bad = -EINVAL;
	text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT |
			  JSON_REAL_PRECISION(12));
	snprintf(c->err, c->errlen, "run field %s is %.40s: allowed %s", key,
		 text ? text : "?", allowed);
	free(text);
}

static void get_str(json_t *o, const char *key, char *dst, size_t size)
{
	json_t *v = json_object_get(o, key);

	if (json_is_string(v))
		snprintf(dst, size, "%s", json_string_value(v));
}

/* A setting or count: an integer >= 0 (a whole real is taken too). */
static void get_i64(struct rj *c, json_t *o, const char *key, int64_t *dst)
{
	json_t *v = json_object_get(o, key);
	double x = json_number_value(v);

	if (!v)
		return;
	if (json_is_integer(v) && json_integer_value(v) >= 0)
		*dst = json_integer_value(v);
	else if (json_is_real(v) && x >= 0 && x < 9.2e18 && x == floor(x))
		*dst = (int64_t)x;
	else
		refuse(c, key, v, "an integer >= 0");
}

/* A measurement: a finite number >= 0. */
static void get_dbl(struct rj *c, json_t *o, const char *key, double *dst)
{
	json_t *v = json_object_get(o, key);
	double x = json_number_value(v);

	if (!v)
		return;
	if (json_is_number(v) && isfinite(x) && x >= 0)
		*dst = x;
	else
		refuse(c, key, v, "a number >= 0");
}

static void get_lat(struct rj *c, json_t *lat, struct res_row *r)
{
	get_dbl(c, lat, "min", &r->lat_min_ns);
	get_dbl(c, lat, "mean", &r->lat_mean_ns);
	get_dbl(c, lat, "p50", &r->lat_p50_ns);
	get_dbl(c, lat, "p90", &r->lat_p90_ns);
	get_dbl(c, lat, "p99", &r->lat_p99_ns);
	get_dbl(c, lat, "p99_9", &r->lat_p99_9_ns);
	get_dbl(c, lat, "max", &r->lat_max_ns);
}

static void get_job(struct rj *c, json_t *job, struct res_row *r)
{
	get_str(job, "engine", r->engine, sizeof(r->engine));
	get_str(job, "target", r->target, sizeof(r->target));
	get_str(job, "rw", r->rw, sizeof(r->rw));
	get_i64(c, job, "bs_bytes", &r->bs_bytes);
	get_i64(c, job, "iodepth", &r->iodepth);
	get_i64(c, job, "iothreads", &r->iothreads);
	get_str(job, "frontend", r->frontend, sizeof(r->frontend));
	get_str(job, "guest_think", r->guest_think, sizeof(r->guest_think));
	get_str(job, "placement", r->placement, sizeof(r->placement));
	get_str(job, "poll_policy", r->poll_policy, sizeof(r->poll_policy));
	get_i64(c, job, "poll_max_ns", &r->poll_max_ns);
	get_i64(c, job, "poll_grow", &r->poll_grow);
	get_i64(c, job, "poll_shrink", &r->poll_shrink);
	get_i64(c, job, "poll_weight", &r->poll_weight);
	get_str(job, "fdmon", r->fdmon_requested, sizeof(r->fdmon_requested));
	get_str(job, "uring_ring", r->uring_ring_requested,
		sizeof(r->uring_ring_requested));
	get_str(job, "ring_flags", r->ring_flags_requested,
		sizeof(r->ring_flags_requested));
	get_i64(c, job, "runtime_ns", &r->runtime_ns);
	get_i64(c, job, "ramp_ns", &r->ramp_ns);
	get_str(job, "accel", r->accel, sizeof(r->accel));
}

/* Context switches and CPUs of the IOThreads, from cpu.threads[]. */
static void get_threads(struct rj *c, json_t *threads, struct res_row *r)
{
	size_t i, len = 0;
	json_t *t;
	double vol = 0, invol = 0;
	bool any = false;

	json_array_foreach(threads, i, t) {
		json_t *role = json_object_get(t, "role");
		json_t *cr = json_object_get(t, "cpu_realized");
		double v = 0, iv = 0;
		int64_t cpu = -1;

		if (!json_is_string(role) ||
		    strcmp(json_string_value(role), "iothread") != 0)
			continue;
		any = true;
		get_dbl(c, t, "vol_csw", &v);
		get_dbl(c, t, "invol_csw", &iv);
		vol += v;
		invol += iv;
		/* -1: not pinned. */
		if (json_is_integer(cr) && json_integer_value(cr) >= -1 &&
		    json_integer_value(cr) < 1 << 20)
			cpu = json_integer_value(cr);
		else if (cr)
			refuse(c, "cpu_realized", cr, "a CPU number or -1");
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

static void get_loop(struct rj *c, json_t *loop, struct res_row *r)
{
	get_str(loop, "fdmon", r->fdmon, sizeof(r->fdmon));
	get_str(loop, "uring_ring", r->uring_ring, sizeof(r->uring_ring));
	get_str(loop, "ring_flags", r->ring_flags, sizeof(r->ring_flags));
	get_dbl(c, loop, "iterations", &r->loop_iterations);
	get_dbl(c, loop, "poll_attempts", &r->poll_attempts);
	get_dbl(c, loop, "poll_hits", &r->poll_hits);
	get_dbl(c, loop, "poll_misses", &r->poll_misses);
	get_dbl(c, loop, "blocking_waits", &r->blocking_waits);
	get_dbl(c, loop, "poll_ns", &r->poll_ns);
	get_dbl(c, loop, "block_ns", &r->block_ns);
	get_dbl(c, loop, "grow_events", &r->grow_events);
	get_dbl(c, loop, "shrink_events", &r->shrink_events);
	get_dbl(c, loop, "notify_writes", &r->notify_writes);
	get_dbl(c, loop, "window_ns", &r->window_ns);
	get_dbl(c, loop, "block_cost_ns", &r->block_cost_ns);
	get_dbl(c, loop, "wake_ns", &r->wake_ns);
}

int res_row_from_run(json_t *run, struct res_row *r, char *err,
		     size_t errlen)
{
	json_t *job = json_object_get(run, "job");
	json_t *res = json_object_get(run, "result");
	json_t *cpu = json_object_get(run, "cpu");
	json_t *host = json_object_get(run, "host");
	struct rj c0 = { err, errlen, 0 }, *c = &c0;
	int64_t fv = -1;

	get_i64(c, run, "format_version", &fv);
	if (c->bad)
		return c->bad;
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
	get_job(c, job, r);

	get_dbl(c, res, "ios", &r->ios);
	get_dbl(c, res, "errors", &r->errors);
	get_dbl(c, res, "measured_ns", &r->measured_ns);
	get_dbl(c, res, "iops", &r->iops);
	get_dbl(c, res, "bw_bytes", &r->bw_bytes_per_s);
	get_lat(c, json_object_get(res, "lat_ns"), r);
	get_dbl(c, json_object_get(res, "guest_lat_ns"), "p50",
		&r->guest_lat_p50_ns);
	get_dbl(c, json_object_get(res, "guest_lat_ns"), "p99",
		&r->guest_lat_p99_ns);

	get_dbl(c, cpu, "iothread_pct", &r->cpu_iothread_pct);
	get_dbl(c, cpu, "guest_pct", &r->cpu_guest_pct);
	get_dbl(c, cpu, "process_pct", &r->cpu_process_pct);
	get_threads(c, json_object_get(cpu, "threads"), r);
	if (r->cpu_iothread_pct > 0)
		r->iops_per_cpu = r->iops / (r->cpu_iothread_pct / 100.0);

	get_loop(c, json_object_get(run, "loop"), r);
	if (r->poll_attempts > 0 && !isnan(r->poll_hits))
		r->poll_hit_pct = 100.0 * r->poll_hits / r->poll_attempts;
	else if (r->poll_attempts == 0)
		r->poll_hit_pct = NAN;

	get_str(host, "hostname", r->host, sizeof(r->host));
	get_str(host, "kernel", r->kernel, sizeof(r->kernel));
	return c->bad;
}
