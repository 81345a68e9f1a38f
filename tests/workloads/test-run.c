/*
 * test-run.c: one whole point through wl_run (IOThreads, front end,
 * engine, measurement) and its run JSON: ramp excluded, figures
 * consistent with the device, every field of docs/run-json.md present
 * with the right type, errors counted.
 */
#include <errno.h>
#include <jansson.h>
#include <unistd.h>

#include "polling/policy.h"
#include "results/runjson.h"
#include "tests/lib/test.h"
#include "workloads/result.h"
#include "workloads/runner.h"

static const char *const top_keys[] = {
	"format_version", "tool", "version", "git", "start_time",
	"command_line", "job", "result", "cpu", "loop", "host", NULL,
};
static const char *const job_keys[] = {
	"engine", "target", "rw", "bs_bytes", "iodepth", "runtime_ns",
	"ramp_ns", "iothreads", "frontend", "guest_think", "direct",
	"poll_max_ns", "poll_grow", "poll_shrink", "poll_policy",
	"poll_weight", "fdmon", "placement", "aio_max_batch", NULL,
};
static const char *const result_keys[] = {
	"ios", "errors", "measured_ns", "iops", "bw_bytes", "lat_ns", "hist",
	NULL,
};
static const char *const lat_keys[] = {
	"min", "mean", "p50", "p90", "p99", "p99_9", "max", NULL,
};
static const char *const cpu_keys[] = {
	"iothread_pct", "guest_pct", "process_pct", "threads", NULL,
};
static const char *const thread_keys[] = {
	"role", "index", "tid", "cpu_ns", "usr_ns", "sys_ns", "vol_csw",
	"invol_csw", "cpu_requested", "cpu_realized", "node_requested",
	"node_realized", NULL,
};
static const char *const loop_keys[] = {
	"fdmon", "policy", "iterations", "progress_iterations",
	"poll_attempts", "poll_hits", "poll_misses", "blocking_waits",
	"poll_ns", "block_ns", "grow_events", "shrink_events",
	"notify_writes", "window_ns", "window_trace", NULL,
};
static const char *const host_keys[] = {
	"hostname", "kernel", "cpu_model", "cpus", "numa_nodes",
	"timer_slack_ns", NULL,
};

static json_t *has_keys(json_t *o, const char *what,
			const char *const *keys)
{
	if (!json_is_object(o))
		t_fail("%s is not an object", what);
	for (size_t i = 0; keys[i]; i++)
		if (!json_object_get(o, keys[i]))
			t_fail("%s lacks \"%s\"", what, keys[i]);
	return o;
}

static int64_t jint(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v))
		t_fail("\"%s\" is not an integer", key);
	return json_integer_value(v);
}

static void base_job(struct wl_job *job)
{
	wl_job_init(job);
	snprintf(job->fdmon, sizeof(job->fdmon), "epoll");
	if (poll_policy_find("fixed"))
		snprintf(job->poll_policy, sizeof(job->poll_policy), "fixed");
	job->poll_max_ns = 1000000;
}

int main(void)
{
	static struct wl_result res;
	struct res_run_prov prov = { "0.1.0", "test", "aiotune run (test)" };
	struct wl_job job;
	char err[512];
	json_t *root, *r, *buckets, *threads;
	json_error_t jerr;
	char *text;
	uint64_t nsum = 0;
	size_t i;
	json_t *b;
	static char zero[4096];
	FILE *f;

	/*
	 * QD1, 100 us fixed, 2 IOThreads, 0.3 s measured after a 0.6 s ramp:
	 * each thread can complete at most 3000 requests in the window; with
	 * the ramp counted it would be up to 9000.
	 */
	base_job(&job);
	snprintf(job.target, sizeof(job.target), "sim:lat=fixed:100us");
	job.iothreads = 2;
	job.runtime_ns = 300000000;
	job.ramp_ns = 600000000;
	ASSERT_EQ(wl_run(&job, &res, err, sizeof(err)), 0);
	ASSERT_GT(res.total.ios, 200);
	ASSERT_LE(res.total.ios, 2 * 3000 * 11 / 10);
	ASSERT_EQ(res.total.errors, 0);
	ASSERT_GE(res.measured_ns, 300000000);
	ASSERT_LT(res.measured_ns, 450000000);
	ASSERT_GE(res.total.lat.min, 100000);
	ASSERT_DBL(res.iops, <=, 2 * 1.1 * 1e4);
	ASSERT_EQ(res.nthreads, 2);
	ASSERT_STREQ(res.threads[0].role, "iothread");
	ASSERT_NE(res.threads[0].tid, res.threads[1].tid);
	ASSERT_GT(res.threads[0].cpu.cpu_ns, 0);
	ASSERT_DBL(res.iothread_pct, >, 0);
	ASSERT_STREQ(res.loop.fdmon, "epoll");
	ASSERT_GT(res.loop.stats.iterations, 0);
	ASSERT_EQ(res.timer_slack_ns, 1);

	text = res_run_json(&res, &prov);
	ASSERT_NOT_NULL(text);
	root = json_loads(text, 0, &jerr);
	if (!root)
		t_fail("run JSON does not parse: %s", jerr.text);
	has_keys(root, "run", top_keys);
	ASSERT_EQ(jint(root, "format_version"), 1);
	has_keys(json_object_get(root, "job"), "job", job_keys);
	ASSERT_EQ(jint(json_object_get(root, "job"), "iothreads"), 2);
	ASSERT_EQ(jint(json_object_get(root, "job"), "bs_bytes"), 4096);
	r = has_keys(json_object_get(root, "result"), "result", result_keys);
	ASSERT_EQ(jint(r, "ios"), (int64_t)res.total.ios);
	ASSERT_TRUE(json_is_number(json_object_get(r, "iops")));
	has_keys(json_object_get(r, "lat_ns"), "result.lat_ns", lat_keys);
	ASSERT_FALSE(json_object_get(r, "guest_lat_ns") != NULL);
	ASSERT_EQ(jint(json_object_get(r, "hist"), "plat_bits"), 6);
	buckets = json_object_get(json_object_get(r, "hist"), "buckets");
	ASSERT_TRUE(json_is_array(buckets));
	json_array_foreach(buckets, i, b)
		nsum += (uint64_t)json_integer_value(json_array_get(b, 1));
	ASSERT_EQ(nsum, res.total.ios);
	has_keys(json_object_get(root, "cpu"), "cpu", cpu_keys);
	threads = json_object_get(json_object_get(root, "cpu"), "threads");
	ASSERT_EQ(json_array_size(threads), 2);
	json_array_foreach(threads, i, b)
		has_keys(b, "cpu.threads[]", thread_keys);
	has_keys(json_object_get(root, "loop"), "loop", loop_keys);
	has_keys(json_object_get(root, "host"), "host", host_keys);
	json_decref(root);
	free(text);
	wl_result_free(&res);

	/* A placement pins the IOThread where the plan says. */
	base_job(&job);
	snprintf(job.placement, sizeof(job.placement), "compact");
	job.runtime_ns = 100000000;
	job.ramp_ns = 0;
	ASSERT_EQ(wl_run(&job, &res, err, sizeof(err)), 0);
	ASSERT_GE(res.threads[0].cpu_requested, 0);
	ASSERT_EQ(res.threads[0].cpu.cpu, res.threads[0].cpu_requested);
	wl_result_free(&res);
	snprintf(job.placement, sizeof(job.placement), "iothread=1023");
	ASSERT_EQ(wl_run(&job, &res, err, sizeof(err)), -ENOTSUP);
	ASSERT_NOT_NULL(strstr(err, "skipped"));

	/* Errors are counted, not fatal. */
	base_job(&job);
	snprintf(job.target, sizeof(job.target), "sim:lat=fixed:20us,err=0.5");
	job.iodepth = 4;
	job.runtime_ns = 200000000;
	job.ramp_ns = 0;
	ASSERT_EQ(wl_run(&job, &res, err, sizeof(err)), 0);
	ASSERT_GT(res.total.ios, 50);
	ASSERT_GT(res.total.errors, res.total.ios / 5);
	ASSERT_LT(res.total.errors, res.total.ios * 4 / 5);
	ASSERT_EQ(res.total.first_error, EIO);
	wl_result_free(&res);

	/*
	 * --verify on a real file (threads engine: never completes inside
	 * submission): the pattern it was created with checks out.
	 */
	base_job(&job);
	snprintf(job.engine, sizeof(job.engine), "threads");
	snprintf(job.target, sizeof(job.target), "%s/verify.dat", t_tmpdir());
	job.size = 1 << 20;
	job.rw = WL_RW_RANDRW;
	job.verify = true;
	job.direct = false;
	job.allow_write = true;
	job.iodepth = 4;
	job.runtime_ns = 150000000;
	job.ramp_ns = 0;
	ASSERT_EQ(wl_run(&job, &res, err, sizeof(err)), 0);
	ASSERT_GT(res.total.reads, 10);
	ASSERT_GT(res.total.writes, 10);
	ASSERT_EQ(res.total.errors, 0);
	wl_result_free(&res);

	/* A file of zeros is not the pattern: every read fails. */
	f = fopen(job.target, "r+");
	ASSERT_NOT_NULL(f);
	for (int k = 0; k < (1 << 20) / 4096; k++)
		ASSERT_EQ(fwrite(zero, 1, sizeof(zero), f), sizeof(zero));
	fclose(f);
	job.rw = WL_RW_RANDREAD;
	ASSERT_EQ(wl_run(&job, &res, err, sizeof(err)), 0);
	ASSERT_GT(res.total.ios, 10);
	ASSERT_EQ(res.total.errors, res.total.ios);
	ASSERT_EQ(res.total.first_error, EILSEQ);
	wl_result_free(&res);
	unlink(job.target);

	/* A pattern the device refuses is a usage error before anything runs. */
	base_job(&job);
	snprintf(job.target, sizeof(job.target), "sim:lba=4k");
	job.bs = 512;
	ASSERT_EQ(wl_run(&job, &res, err, sizeof(err)), -EINVAL);
	ASSERT_NOT_NULL(strstr(err, "lba"));
	rmdir(t_tmpdir());
	return T_EXIT_PASS;
}
