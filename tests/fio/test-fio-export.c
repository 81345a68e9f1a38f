/*
 * test-fio-export.c: run objects made here, with histograms whose samples
 * are known, turned into fio jobs: the percentile map (fio's keys, values
 * from the histogram within its bucket error of the exact percentiles),
 * N = 0 directions without a map, the fallback to lat_ns without a
 * histogram, randrw split, CPU and job options, and refused input.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "results/fio-export.h"
#include "tests/lib/test.h"

#define NS 1010

static uint64_t samples[NS];

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* 1000 samples 100 ns .. 100 us and 10 at 5 ms, sorted. */
static void make_samples(struct wl_hist *h)
{
	wl_hist_reset(h);
	for (int i = 0; i < NS; i++) {
		samples[i] = i < 1000 ? (uint64_t)(i + 1) * 100 :
			     5000000 + (uint64_t)i;
		wl_hist_add(h, samples[i]);
	}
	qsort(samples, NS, sizeof(samples[0]), cmp_u64);
}

static json_t *hist_json(const struct wl_hist *h, int bits)
{
	json_t *b = json_array();

	for (unsigned int i = 0; i < WL_HIST_NR; i++)
		if (h->buckets[i])
			json_array_append_new(b, json_pack("[I, I]",
				(json_int_t)i, (json_int_t)h->buckets[i]));
	return json_pack("{s:i, s:o}", "plat_bits", bits, "buckets", b);
}

static json_t *thread(const char *role, json_int_t usr, json_int_t sys,
			  json_int_t vol, json_int_t invol)
{
	return json_pack("{s:s, s:I, s:I, s:I, s:I}", "role", role,
			 "usr_ns", usr, "sys_ns", sys, "vol_csw", vol,
			 "invol_csw", invol);
}

static json_t *make_run(const struct wl_hist *h, const char *rw,
			json_int_t reads, json_int_t writes)
{
	json_t *run, *res, *job, *threads;

	job = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:b, s:I,"
			" s:s, s:I}",
			"engine", "linux-aio", "target", "/dev/nvme9n1",
			"rw", rw, "bs_bytes", (json_int_t)4096,
			"iodepth", (json_int_t)4, "iothreads", (json_int_t)2,
			"runtime_ns", (json_int_t)1000000000,
			"ramp_ns", (json_int_t)500000000, "direct", 1,
			"poll_max_ns", (json_int_t)32768,
			"poll_policy", "qemu", "rwmixread", (json_int_t)70);
	res = json_pack("{s:I, s:I, s:I, s:f, s:f, s:I}",
			"ios", (json_int_t)h->n, "errors", (json_int_t)0,
			"measured_ns", (json_int_t)1000000000,
			"iops", (double)h->n, "bw_bytes", h->n * 4096.0,
			"bytes", (json_int_t)(h->n * 4096));
	json_object_set_new(res, "lat_ns", json_pack(
		"{s:I, s:f, s:I, s:I, s:I, s:I, s:I}",
		"min", (json_int_t)(h->n ? h->min : 0),
		"mean", wl_hist_mean(h),
		"p50", (json_int_t)wl_hist_percentile(h, 50),
		"p90", (json_int_t)wl_hist_percentile(h, 90),
		"p99", (json_int_t)wl_hist_percentile(h, 99),
		"p99_9", (json_int_t)wl_hist_percentile(h, 99.9),
		"max", (json_int_t)h->max));
	json_object_set_new(res, "hist", hist_json(h, WL_HIST_BITS));
	if (reads >= 0)
		json_object_set_new(res, "reads", json_integer(reads));
	if (writes >= 0)
		json_object_set_new(res, "writes", json_integer(writes));
	threads = json_array();
	json_array_append_new(threads, thread("iothread", 100000000,
					      200000000, 10, 5));
	json_array_append_new(threads, thread("iothread", 100000000, 0, 1, 1));
	json_array_append_new(threads, thread("device", 900000000, 900000000,
					      99, 99));
	run = json_pack("{s:i, s:s, s:s, s:o, s:o}", "format_version", 1,
			"tool", "aiotune", "start_time", "2026-11-23T14:00:00Z",
			"job", job, "result", res);
	json_object_set_new(run, "cpu", json_pack("{s:f, s:o}",
		"iothread_pct", 40.0, "threads", threads));
	json_object_set_new(run, "loop", json_pack("{s:I}", "poll_hits",
						  (json_int_t)123));
	return run;
}

static json_t *export(json_t *run)
{
	char err[256] = "";
	json_t *job;

	if (res_fio_export_job(run, "t", &job, err, sizeof(err)))
		t_fail("export: %s", err);
	return job;
}

static double get(json_t *o, const char *path)
{
	char buf[256], *save, *tok;
	json_t *v = o;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, "/", &save); tok;
	     tok = strtok_r(NULL, "/", &save))
		v = json_object_get(v, tok);
	if (!json_is_number(v))
		t_fail("%s is not a number", path);
	return json_number_value(v);
}

static const char *opt(json_t *job, const char *key)
{
	return json_string_value(json_object_get(
		json_object_get(job, "job options"), key));
}

static void test_percentiles(void)
{
	static struct wl_hist h;
	json_t *run, *job, *clat, *map, *v;
	const char *key;
	double mean = 0, var = 0;
	char k[32];

	make_samples(&h);
	run = make_run(&h, "randread", NS, 0);
	job = export(run);
	clat = json_object_get(json_object_get(job, "read"), "clat_ns");
	map = json_object_get(clat, "percentile");
	ASSERT_EQ(json_object_size(map), RES_FIO_EXPORT_NR_PCTS);
	/* fio's "%f" keys. */
	ASSERT_NOT_NULL(json_object_get(map, "1.000000"));
	ASSERT_NOT_NULL(json_object_get(map, "99.000000"));
	ASSERT_NOT_NULL(json_object_get(map, "99.500000"));
	ASSERT_NOT_NULL(json_object_get(map, "99.990000"));
	for (int i = 0; i < RES_FIO_EXPORT_NR_PCTS; i++) {
		double p = res_fio_export_pcts[i];
		size_t rank = (size_t)ceil(p / 100 * NS);
		double exact = (double)samples[rank - 1], got;

		snprintf(k, sizeof(k), "%f", p);
		v = json_object_get(map, k);
		ASSERT_TRUE(json_is_integer(v));
		got = (double)json_integer_value(v);
		ASSERT_EQ(got, wl_hist_percentile(&h, p));
		/* Within the bucket error (1/128) of the true value. */
		ASSERT_DBL(fabs(got - exact), <=, exact / 128 + 1);
	}
	/* The same object in lat_ns. */
	ASSERT_TRUE(json_equal(clat, json_object_get(json_object_get(job,
		"read"), "lat_ns")));
	ASSERT_EQ(get(clat, "N"), NS);
	ASSERT_EQ(get(clat, "min"), samples[0]);
	ASSERT_EQ(get(clat, "max"), samples[NS - 1]);
	for (int i = 0; i < NS; i++)
		mean += (double)samples[i] / NS;
	for (int i = 0; i < NS; i++)
		var += ((double)samples[i] - mean) *
		       ((double)samples[i] - mean) / (NS - 1);
	ASSERT_DBL(fabs(get(clat, "mean") - mean), <, 1e-6 * mean);
	ASSERT_DBL(fabs(get(clat, "stddev") - sqrt(var)), <, sqrt(var) / 100);

	/* No I/O written: N = 0 and no percentile map, as fio. */
	ASSERT_EQ(get(job, "write/clat_ns/N"), 0);
	ASSERT_NULL(json_object_get(json_object_get(json_object_get(job,
		"write"), "clat_ns"), "percentile"));
	ASSERT_NULL(json_object_get(json_object_get(json_object_get(job,
		"write"), "lat_ns"), "percentile"));
	ASSERT_EQ(get(job, "trim/lat_ns/N"), 0);
	ASSERT_EQ(get(job, "write/iops"), 0);

	/* Figures of the direction. */
	ASSERT_DBL(get(job, "read/iops"), ==, NS);
	ASSERT_EQ(get(job, "read/total_ios"), NS);
	ASSERT_EQ(get(job, "read/bw_bytes"), NS * 4096);
	ASSERT_EQ(get(job, "read/bw"), NS * 4);
	ASSERT_EQ(get(job, "read/io_kbytes"), NS * 4);
	ASSERT_EQ(get(job, "read/runtime"), 1000);
	ASSERT_EQ(get(job, "job_runtime"), 1000);
	ASSERT_EQ(get(job, "elapsed"), 2);
	ASSERT_EQ(get(job, "job_start"), 1795442400000LL);
	ASSERT_EQ(get(job, "read/iops_samples"), 0);

	/* IOThreads only: usr 2e8, sys 2e8 of 1e9 ns; 17 switches. */
	ASSERT_DBL(fabs(get(job, "usr_cpu") - 20), <, 1e-9);
	ASSERT_DBL(fabs(get(job, "sys_cpu") - 20), <, 1e-9);
	ASSERT_EQ(get(job, "ctx"), 17);
	ASSERT_EQ(get(job, "error"), 0);

	/* latency_*: 1000 samples under 100 us, 10 at 5 ms. */
	ASSERT_DBL(fabs(get(job, "latency_ns/1000") - 2.0 / NS * 100), <,
		   1e-9);
	ASSERT_DBL(fabs(get(job, "latency_ns/750") - 3.0 / NS * 100), <,
		   1e-9);
	ASSERT_DBL(fabs(get(job, "latency_ms/10") - 10.0 / NS * 100), <, 1e-9);
	{
		double total = 0;
		const char *maps[] = { "latency_ns", "latency_us",
				       "latency_ms" };

		for (int m = 0; m < 3; m++)
			json_object_foreach(json_object_get(job, maps[m]),
					    key, v)
				total += json_number_value(v);
		ASSERT_DBL(fabs(total - 100), <, 1e-9);
		ASSERT_EQ(json_object_size(json_object_get(job,
			"latency_ms")), 12);
		ASSERT_EQ(json_object_size(json_object_get(job,
			"latency_us")), 10);
	}

	/* Options: fio's names and ways, aiotune's extras. */
	ASSERT_STREQ(opt(job, "ioengine"), "libaio");
	ASSERT_STREQ(opt(job, "aiotune_engine"), "linux-aio");
	ASSERT_STREQ(opt(job, "rw"), "randread");
	ASSERT_STREQ(opt(job, "bs"), "4k");
	ASSERT_STREQ(opt(job, "iodepth"), "4");
	ASSERT_STREQ(opt(job, "numjobs"), "2");
	ASSERT_STREQ(opt(job, "group_reporting"), "1");
	ASSERT_STREQ(opt(job, "runtime"), "1");
	ASSERT_STREQ(opt(job, "ramp_time"), "500ms");
	ASSERT_STREQ(opt(job, "direct"), "1");
	ASSERT_STREQ(opt(job, "filename"), "/dev/nvme9n1");
	ASSERT_STREQ(opt(job, "poll_max_ns"), "32768");
	ASSERT_STREQ(opt(job, "poll_policy"), "qemu");
	ASSERT_NULL(opt(job, "rwmixread"));
	ASSERT_STREQ(json_string_value(json_object_get(job, "jobname")), "t");

	/* Nothing lost: the run itself rides along. */
	ASSERT_TRUE(json_equal(json_object_get(json_object_get(job,
		"aiotune"), "run"), run));
	ASSERT_EQ(get(job, "aiotune/run/loop/poll_hits"), 123);
	json_decref(job);
	json_decref(run);
}

static void test_no_hist(void)
{
	static struct wl_hist h;
	json_t *run, *job, *map;

	make_samples(&h);
	run = make_run(&h, "randwrite", 0, NS);
	json_object_del(json_object_get(run, "result"), "hist");
	job = export(run);
	map = json_object_get(json_object_get(json_object_get(job, "write"),
					      "clat_ns"), "percentile");
	ASSERT_EQ(json_object_size(map), 4);
	ASSERT_EQ(get(map, "50.000000"), wl_hist_percentile(&h, 50));
	ASSERT_EQ(get(map, "90.000000"), wl_hist_percentile(&h, 90));
	ASSERT_EQ(get(map, "99.000000"), wl_hist_percentile(&h, 99));
	ASSERT_EQ(get(map, "99.900000"), wl_hist_percentile(&h, 99.9));
	ASSERT_EQ(get(job, "write/lat_ns/N"), NS);
	ASSERT_EQ(get(job, "write/lat_ns/max"), h.max);
	ASSERT_EQ(get(job, "read/lat_ns/N"), 0);
	ASSERT_DBL(get(job, "write/iops"), ==, NS);
	ASSERT_DBL(get(job, "latency_us/100"), ==, 0);
	json_decref(job);
	json_decref(run);
}

static void test_no_io(void)
{
	static struct wl_hist h;
	json_t *run, *job;

	wl_hist_reset(&h);
	run = make_run(&h, "randread", 0, 0);
	job = export(run);
	ASSERT_EQ(get(job, "read/clat_ns/N"), 0);
	ASSERT_EQ(get(job, "read/total_ios"), 0);
	ASSERT_NULL(json_object_get(json_object_get(json_object_get(job,
		"read"), "clat_ns"), "percentile"));
	ASSERT_NULL(json_object_get(json_object_get(json_object_get(job,
		"read"), "lat_ns"), "percentile"));
	json_decref(job);
	json_decref(run);
}

static void test_randrw(void)
{
	static struct wl_hist h;
	json_t *run, *job;

	make_samples(&h);
	run = make_run(&h, "randrw", 707, NS - 707);
	job = export(run);
	ASSERT_STREQ(opt(job, "unified_rw_reporting"), "both");
	ASSERT_STREQ(opt(job, "rwmixread"), "70");
	ASSERT_EQ(get(job, "read/total_ios"), 707);
	ASSERT_EQ(get(job, "write/total_ios"), NS - 707);
	ASSERT_EQ(get(job, "mixed/total_ios"), NS);
	ASSERT_DBL(fabs(get(job, "read/iops") + get(job, "write/iops") -
			get(job, "mixed/iops")), <, 1e-6);
	ASSERT_EQ(get(job, "read/io_bytes"), 707 * 4096);
	ASSERT_EQ(get(job, "read/clat_ns/N"), 707);
	ASSERT_EQ(get(job, "write/lat_ns/N"), NS - 707);
	ASSERT_EQ(get(job, "mixed/clat_ns/N"), NS);
	ASSERT_EQ(get(job, "write/clat_ns/percentile/50.000000"),
		  wl_hist_percentile(&h, 50));
	ASSERT_NOT_NULL(json_object_get(json_object_get(json_object_get(job,
		"mixed"), "clat_ns"), "percentile"));
	ASSERT_EQ(get(job, "mixed/clat_ns/percentile/99.000000"),
		  wl_hist_percentile(&h, 99));
	json_decref(job);

	/* Without per-direction counts: "mixed" alone. */
	json_object_del(json_object_get(run, "result"), "reads");
	json_object_del(json_object_get(run, "result"), "writes");
	job = export(run);
	ASSERT_NULL(json_object_get(job, "read"));
	ASSERT_NULL(json_object_get(job, "write"));
	ASSERT_EQ(get(job, "mixed/total_ios"), NS);
	ASSERT_STREQ(opt(job, "unified_rw_reporting"), "mixed");
	json_decref(job);
	json_decref(run);
}

static void test_errors_and_bad_input(void)
{
	static struct wl_hist h;
	json_t *run, *job, *res;
	char err[256];

	make_samples(&h);
	run = make_run(&h, "randread", NS, 0);
	res = json_object_get(run, "result");
	json_object_set_new(res, "errors", json_integer(3));
	json_object_set_new(res, "first_error", json_string(strerror(EIO)));
	job = export(run);
	ASSERT_EQ(get(job, "error"), EIO);
	json_decref(job);

	json_object_set_new(res, "hist", hist_json(&h, 5));
	err[0] = '\0';
	ASSERT_EQ(res_fio_export_job(run, "t", &job, err, sizeof(err)),
		  -EINVAL);
	ASSERT_NULL(job);
	ASSERT_TRUE(strstr(err, "plat_bits") != NULL);
	json_object_set_new(res, "hist", json_pack("{s:i, s:[[i, i]]}",
		"plat_bits", 6, "buckets", WL_HIST_NR, 1));
	ASSERT_EQ(res_fio_export_job(run, "t", &job, err, sizeof(err)),
		  -EINVAL);
	json_object_set_new(res, "hist", json_pack("{s:i, s:[[i, i]]}",
		"plat_bits", 6, "buckets", 3, -1));
	ASSERT_EQ(res_fio_export_job(run, "t", &job, err, sizeof(err)),
		  -EINVAL);
	json_object_set_new(run, "format_version", json_integer(2));
	ASSERT_EQ(res_fio_export_job(run, "t", &job, err, sizeof(err)),
		  -EINVAL);
	ASSERT_TRUE(strstr(err, "not an aiotune run") != NULL);
	json_object_set_new(run, "format_version", json_integer(1));
	json_object_del(res, "iops");
	ASSERT_EQ(res_fio_export_job(run, "t", &job, err, sizeof(err)),
		  -EINVAL);
	json_decref(run);
	run = json_string("x");
	ASSERT_EQ(res_fio_export_job(run, "t", &job, err, sizeof(err)),
		  -EINVAL);
	json_decref(run);
}

static void test_doc(void)
{
	static struct wl_hist h;
	json_t *run, *jobs, *doc, *back;
	const char *ver;
	char *text;

	make_samples(&h);
	run = make_run(&h, "randread", NS, 0);
	jobs = json_array();
	json_array_append_new(jobs, export(run));
	doc = res_fio_export_doc(jobs, "0.1.0", 1795960800);
	ASSERT_NOT_NULL(doc);
	ver = json_string_value(json_object_get(doc, "fio version"));
	ASSERT_STREQ(ver, "aiotune-0.1.0-fio-" RES_FIO_EXPORT_LAYOUT);
	ASSERT_EQ(get(doc, "timestamp"), 1795960800);
	ASSERT_EQ(get(doc, "timestamp_ms"), 1795960800000LL);
	ASSERT_TRUE(json_is_string(json_object_get(doc, "time")));
	ASSERT_TRUE(json_is_object(json_object_get(doc, "global options")));
	ASSERT_TRUE(json_is_array(json_object_get(doc, "disk_util")));
	ASSERT_TRUE(json_object_get(doc, "jobs") == jobs);
	text = res_fio_export_dumps(doc);
	ASSERT_NOT_NULL(text);
	ASSERT_EQ(text[strlen(text) - 1], '\n');
	back = json_loads(text, 0, NULL);
	ASSERT_NOT_NULL(back);
	/* Integers exactly; reals are written with 12 digits. */
	ASSERT_STREQ(json_string_value(json_object_get(back, "fio version")),
		     ver);
	ASSERT_EQ(get(json_array_get(json_object_get(back, "jobs"), 0),
		      "read/clat_ns/percentile/99.000000"),
		  wl_hist_percentile(&h, 99));
	ASSERT_DBL(get(json_array_get(json_object_get(back, "jobs"), 0),
		       "read/iops"), ==, NS);
	free(text);
	json_decref(back);
	json_decref(doc);
	json_decref(jobs);
	json_decref(run);
}

int main(void)
{
	test_percentiles();
	test_no_hist();
	test_no_io();
	test_randrw();
	test_errors_and_bad_input();
	test_doc();
	return T_EXIT_PASS;
}
