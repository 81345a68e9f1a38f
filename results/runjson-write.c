/*
 * runjson-write.c: the run JSON of one run (docs/run-json.md), written
 * with jansson; runjson.c reads it back.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "results/atomic.h"
#include "results/runjson.h"
#include "workloads/hist.h"

static json_t *lat_obj(const struct wl_hist *h)
{
	return json_pack("{s:I, s:f, s:I, s:I, s:I, s:I, s:I}",
			 "min", (json_int_t)(h->n ? h->min : 0),
			 "mean", wl_hist_mean(h),
			 "p50", (json_int_t)wl_hist_percentile(h, 50),
			 "p90", (json_int_t)wl_hist_percentile(h, 90),
			 "p99", (json_int_t)wl_hist_percentile(h, 99),
			 "p99_9", (json_int_t)wl_hist_percentile(h, 99.9),
			 "max", (json_int_t)h->max);
}

static json_t *hist_obj(const struct wl_hist *h)
{
	json_t *buckets = json_array();

	for (unsigned int i = 0; i < WL_HIST_NR; i++)
		if (h->buckets[i])
			json_array_append_new(buckets,
				json_pack("[I, I]", (json_int_t)i,
					  (json_int_t)h->buckets[i]));
	return json_pack("{s:i, s:o}", "plat_bits", WL_HIST_BITS,
			 "buckets", buckets);
}

json_t *res_job_json(const struct wl_job *j)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:s, s:s, s:b}",
			      "engine", j->engine, "target", j->target,
			      "rw", wl_rw_name(j->rw),
			      "bs_bytes", (json_int_t)j->bs,
			      "iodepth", (json_int_t)j->iodepth,
			      "runtime_ns", (json_int_t)j->runtime_ns,
			      "ramp_ns", (json_int_t)j->ramp_ns,
			      "iothreads", (json_int_t)j->iothreads,
			      "frontend", j->frontend,
			      "guest_think", j->guest_think,
			      "direct", j->direct);

	json_object_set_new(o, "poll_max_ns", json_integer(j->poll_max_ns));
	json_object_set_new(o, "poll_grow", json_integer(j->poll_grow));
	json_object_set_new(o, "poll_shrink", json_integer(j->poll_shrink));
	json_object_set_new(o, "poll_policy", json_string(j->poll_policy));
	json_object_set_new(o, "poll_weight", json_integer(j->poll_weight));
	json_object_set_new(o, "fdmon", json_string(j->fdmon));
	json_object_set_new(o, "placement", json_string(j->placement));
	json_object_set_new(o, "aio_max_batch", json_integer(j->aio_max_batch));
	/* Additions to the contract. */
	json_object_set_new(o, "rwmixread", json_integer(j->rwmixread));
	json_object_set_new(o, "size_bytes", json_integer((json_int_t)j->size));
	json_object_set_new(o, "offset_bytes",
			    json_integer((json_int_t)j->offset));
	json_object_set_new(o, "guest_think_ns",
			    json_integer(j->guest_think_ns));
	json_object_set_new(o, "allow_write", json_boolean(j->allow_write));
	json_object_set_new(o, "verify", json_boolean(j->verify));
	json_object_set_new(o, "seed", json_integer((json_int_t)j->seed));
	json_object_set_new(o, "hipri", json_boolean(j->hipri));
	json_object_set_new(o, "uring_taskrun", json_string(j->uring_taskrun));
	json_object_set_new(o, "uring_ring", json_string(j->uring_ring));
	json_object_set_new(o, "ring_flags", json_string(j->ring_flags));
	json_object_set_new(o, "guest_poll_ns",
			    json_integer(j->guest_poll_ns));
	return o;
}

/* The front end's counters (virtio: kicks, calls, ...), over the window. */
static json_t *frontend_obj(const struct wl_result *r)
{
	json_t *o = json_object();

	for (int i = 0; i < r->nfe_counters; i++)
		json_object_set_new(o, r->fe_counters[i].name,
				    json_integer((json_int_t)
						 r->fe_counters[i].value));
	return o;
}

/* The target's disk over the window (devstat.h), as deltas. */
static json_t *device_obj(const struct wl_result *r)
{
	const struct wl_devstat *d = &r->dev;
	json_t *o = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
			      "disk", d->disk,
			      "read_ios", (json_int_t)d->rd_ios,
			      "read_bytes", (json_int_t)(d->rd_sectors * 512),
			      "read_ticks_ms", (json_int_t)d->rd_ticks_ms,
			      "write_ios", (json_int_t)d->wr_ios,
			      "write_bytes", (json_int_t)(d->wr_sectors * 512),
			      "write_ticks_ms", (json_int_t)d->wr_ticks_ms,
			      "io_ticks_ms", (json_int_t)d->io_ticks_ms);
	json_t *cpus = json_array();

	if (d->has_irqs) {
		json_object_set_new(o, "irq_source", json_string(d->irq_prefix));
		json_object_set_new(o, "irqs", json_integer((json_int_t)d->irqs));
		for (int c = 0; c < d->ncpus && c < WL_DEVSTAT_MAX_CPUS; c++)
			json_array_append_new(cpus, json_integer(
				(json_int_t)d->irqs_cpu[c]));
	}
	json_object_set_new(o, "irqs_per_cpu", cpus);
	return o;
}

static json_t *result_obj(const struct wl_result *r)
{
	json_t *o = json_object();

	json_object_set_new(o, "ios", json_integer((json_int_t)r->total.ios));
	json_object_set_new(o, "ios_all", json_integer((json_int_t)r->ios_all));
	json_object_set_new(o, "errors",
			    json_integer((json_int_t)r->total.errors));
	json_object_set_new(o, "measured_ns", json_integer(r->measured_ns));
	json_object_set_new(o, "iops", json_real(r->iops));
	json_object_set_new(o, "bw_bytes", json_real(r->bw_bytes));
	json_object_set_new(o, "lat_ns", lat_obj(&r->total.lat));
	if (r->has_guest_lat || strcmp(r->job.frontend, "virtio") == 0)
		json_object_set_new(o, "guest_lat_ns", lat_obj(&r->guest_lat));
	json_object_set_new(o, "hist", hist_obj(&r->total.lat));
	/* Additions. */
	json_object_set_new(o, "reads", json_integer((json_int_t)r->total.reads));
	json_object_set_new(o, "writes",
			    json_integer((json_int_t)r->total.writes));
	json_object_set_new(o, "bytes", json_integer((json_int_t)r->total.bytes));
	json_object_set_new(o, "first_error",
			    json_string(r->total.first_error ?
					wl_io_error_name((int)r->total.first_error) : ""));
	if (r->has_guest_lat)
		json_object_set_new(o, "guest_hist", hist_obj(&r->guest_lat));
	if (r->total.staged) {
		json_t *st = json_object();

		json_object_set_new(st, "requests",
				    json_integer((json_int_t)r->total.staged));
		json_object_set_new(st, "hold_ns", lat_obj(&r->total.hold));
		json_object_set_new(st, "device_ns", lat_obj(&r->total.device));
		json_object_set_new(st, "dispatch_ns",
				    lat_obj(&r->total.dispatch));
		json_object_set_new(o, "stages", st);
	}
	return o;
}

static json_t *cpu_obj(const struct wl_result *r)
{
	json_t *threads = json_array();

	for (int i = 0; i < r->nthreads; i++) {
		const struct wl_thread_result *t = &r->threads[i];

		json_array_append_new(threads, json_pack(
			"{s:s, s:i, s:i, s:I, s:I, s:I, s:I, s:I, s:i, s:i, s:i, s:i}",
			"role", t->role, "index", t->index, "tid", t->tid,
			"cpu_ns", (json_int_t)t->cpu.cpu_ns,
			"usr_ns", (json_int_t)t->cpu.usr_ns,
			"sys_ns", (json_int_t)t->cpu.sys_ns,
			"vol_csw", (json_int_t)t->cpu.vol_csw,
			"invol_csw", (json_int_t)t->cpu.invol_csw,
			"cpu_requested", t->cpu_requested,
			"cpu_realized", t->cpu.cpu,
			"node_requested", t->node_requested,
			"node_realized", t->node_realized));
	}
	return json_pack("{s:f, s:f, s:f, s:f, s:s, s:o}",
			 "iothread_pct", r->iothread_pct,
			 "guest_pct", r->guest_pct,
			 "process_pct", r->process_pct,
			 "device_pct", r->device_pct,
			 "placement_warning", r->placement_warning,
			 "threads", threads);
}

static json_t *loop_obj(const struct wl_result *r)
{
	const AioStats *s = &r->loop.stats;
	json_t *o = json_object(), *trace = json_array();

	json_object_set_new(o, "fdmon", json_string(r->loop.fdmon));
	json_object_set_new(o, "policy", json_string(r->loop.policy));
	json_object_set_new(o, "ring_flags", json_string(r->loop.ring_flags));
	json_object_set_new(o, "uring_ring", json_string(r->loop.uring_ring));
#define U(f) json_object_set_new(o, #f, json_integer((json_int_t)s->f))
	U(iterations);
	U(progress_iterations);
	U(poll_attempts);
	U(poll_hits);
	U(poll_misses);
	U(blocking_waits);
	U(poll_ns);
	U(block_ns);
	U(grow_events);
	U(shrink_events);
	U(notify_writes);
	U(window_ns);
	/* Additions. */
	U(bh_runs);
	U(timer_runs);
	U(dispatches);
	U(block_cost_ns);
	U(wake_ns);
	U(block_cost_samples);
	U(work);
#undef U
	for (size_t i = 0; i < r->loop.ntrace; i++)
		json_array_append_new(trace, json_pack("[I, I]",
			(json_int_t)r->loop.trace[i].t_ns,
			(json_int_t)r->loop.trace[i].window_ns));
	json_object_set_new(o, "window_trace", trace);
	return o;
}

char *res_run_json(const struct wl_result *r, const struct res_run_prov *p)
{
	json_t *root = json_object();
	char *text, *out;
	size_t len;

	json_object_set_new(root, "format_version",
			    json_integer(RES_RUN_FORMAT_VERSION));
	json_object_set_new(root, "tool", json_string("aiotune"));
	json_object_set_new(root, "version", json_string(p->version));
	json_object_set_new(root, "git", json_string(p->git));
	json_object_set_new(root, "start_time", json_string(r->start_time));
	json_object_set_new(root, "command_line",
			    json_string(p->command_line ? p->command_line : ""));
	json_object_set_new(root, "job", res_job_json(&r->job));
	json_object_set_new(root, "result", result_obj(r));
	json_object_set_new(root, "cpu", cpu_obj(r));
	json_object_set_new(root, "loop", loop_obj(r));
	if (r->nfe_counters)
		json_object_set_new(root, "frontend", frontend_obj(r));
	if (r->has_dev)
		json_object_set_new(root, "device", device_obj(r));
	json_object_set_new(root, "host", json_pack(
		"{s:s, s:s, s:s, s:i, s:i, s:I}",
		"hostname", r->host.hostname, "kernel", r->host.kernel,
		"cpu_model", r->host.cpu_model, "cpus", r->host.cpus,
		"numa_nodes", r->host.numa_nodes,
		"timer_slack_ns", (json_int_t)r->timer_slack_ns));
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
			  JSON_REAL_PRECISION(10));
	json_decref(root);
	if (!text)
		return NULL;
	len = strlen(text);
	out = malloc(len + 2);
	if (out) {
		memcpy(out, text, len);
		out[len] = '\n';
		out[len + 1] = '\0';
	}
	free(text);
	return out;
}

int res_run_write_dir(const struct wl_result *r, const struct res_run_prov *p,
		      const char *dir, char *err, size_t errlen)
{
	char path[4200];
	char *text = res_run_json(r, p);
	int ret;

	if (!text) {
		snprintf(err, errlen, "out of memory writing the run JSON");
		return -ENOMEM;
	}
	ret = res_mkdirs(dir);
	if (ret) {
		snprintf(err, errlen, "%s: cannot create: %s", dir,
			 strerror(-ret));
		goto out;
	}
	ret = res_join(path, sizeof(path), dir, "run.json");
	/* Written aside and renamed, so a reader never sees half a file. */
	if (!ret)
		ret = res_write_atomic(path, text, strlen(text));
	if (ret)
		snprintf(err, errlen, "%s/run.json: cannot write: %s", dir,
			 strerror(-ret));
out:
	free(text);
	return ret;
}
