/*
 * test-findings.c: what the fuzz targets found, as plain assertions a
 * gcc build sees (the float-to-integer overflows themselves only show
 * under clang's UBSan, in make fuzz): values no integer holds are refused
 * or left unset, never wrapped; sim: durations are bounded so deadlines
 * cannot overflow; histogram counts cannot wrap; a results directory is
 * never labelled "" (a row without a host or engine).
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "results/atomic.h"
#include "results/fio-import.h"
#include "results/load.h"
#include "results/runjson.h"
#include "tests/lib/test.h"
#include "workloads/simnvme-model.h"

static const char *write_tmp(const char *name, const char *text)
{
	static char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", t_tmpdir(), name);
	f = fopen(p, "w");
	ASSERT_NOT_NULL(f);
	fputs(text, f);
	fclose(f);
	return p;
}

/* Import text; 0 with the first run's row in *r, or the error. */
static int import(const char *text, struct res_row *r)
{
	json_t *runs = NULL;
	char err[512];
	int ret;

	ret = res_fio_import_file(write_tmp("fio.json", text), &runs, err,
				  sizeof(err));
	if (ret)
		return ret;
	ASSERT_EQ(json_array_size(runs), 1);
	res_row_init(r);
	ret = res_row_from_run(json_array_get(runs, 0), r, err, sizeof(err));
	json_decref(runs);
	return ret;
}

static void test_fio_import(void)
{
	struct res_row r;
	int ret;

	/* A block size beyond int64: fio's default 4k, or refused. */
	ret = import("{\"jobs\": [{\"read\": {\"iops\": 1}, \"job options\":"
		     " {\"bs\": \"1e300\", \"runtime\": \"1e300h\"}}]}", &r);
	ASSERT_TRUE(ret < 0 || (r.bs_bytes == 4096 && r.runtime_ns == 0));
	/* A latency beyond int64: left out, or refused. */
	ret = import("{\"jobs\": [{\"read\": {\"iops\": 1, \"lat_ns\":"
		     " {\"N\": 1, \"min\": 1e300, \"max\": -1e300}}}]}", &r);
	ASSERT_TRUE(ret < 0 ||
		    (isnan(r.lat_min_ns) && isnan(r.lat_max_ns)));
	/* IOPS adding up to infinity: refused at import. */
	ret = import("{\"jobs\": [{\"read\": {\"iops\": 1e308}, \"write\":"
		     " {\"iops\": 1e308}}]}", &r);
	ASSERT_EQ(ret, -EINVAL);
}

static void test_runjson(void)
{
	struct res_row r;
	json_t *j;
	char err[256];
	int ret;

	ASSERT_EQ(res_run_parse("{\"format_version\": 1, \"job\": {\"iodepth\":"
				" 1e300, \"bs_bytes\": -1e19}, \"result\":"
				" {\"iops\": 1}}", &j, err, sizeof(err)), 0);
	res_row_init(&r);
	ret = res_row_from_run(j, &r, err, sizeof(err));
	json_decref(j);
	ASSERT_TRUE(ret == -EINVAL || (r.iodepth == 0 && r.bs_bytes == 0));
}

static int sim(const char *spec)
{
	struct sim_spec s;
	char err[512];
	int ret = sim_spec_parse(spec, &s, err, sizeof(err));

	if (!ret)
		sim_spec_free(&s);
	else
		ASSERT_TRUE(err[0]);
	return ret;
}

static void test_sim(void)
{
	char spec[600];

	/* Durations up to 1h: now + latency + spike fits an int64. */
	ASSERT_EQ(sim("sim:lat=fixed:1h,spike=1:1h,timeout=1h"), 0);
	ASSERT_EQ(sim("sim:lat=fixed:1h,spike=1:2562047h"), -EINVAL);
	ASSERT_EQ(sim("sim:lat=fixed:61m"), -EINVAL);
	ASSERT_EQ(sim("sim:lat=uniform:0-2h"), -EINVAL);
	ASSERT_EQ(sim("sim:lat=lognormal:2h,1"), -EINVAL);
	ASSERT_EQ(sim("sim:stuck=1,timeout=2562047h"), -EINVAL);
	ASSERT_EQ(sim("sim:coalesce=2:2562047h"), -EINVAL);
	snprintf(spec, sizeof(spec), "sim:lat=hist:%s",
		 write_tmp("long.hist", "20us\n2h 1\n"));
	ASSERT_EQ(sim(spec), -EINVAL);
	/* Counts whose total wraps a uint64. */
	snprintf(spec, sizeof(spec), "sim:lat=hist:%s",
		 write_tmp("wrap.hist", "1 18446744073709551615\n2 1\n"));
	ASSERT_EQ(sim(spec), -EINVAL);
}

/* A lognormal sample stays within the 1h bound. */
static void test_sim_sample(void)
{
	struct sim_spec s;
	struct wl_rand r;
	char err[256];

	ASSERT_EQ(sim_spec_parse("sim:lat=lognormal:1h,10", &s, err,
				 sizeof(err)), 0);
	wl_rand_seed(&r, 1);
	for (int i = 0; i < 1000; i++)
		ASSERT_LE(sim_lat_sample(&s.lat, &r), 3600000000000LL);
	sim_spec_free(&s);
}

/* DIR/results.csv with one row per host given ("" for none). */
static char *results_dir(const char *name, const char *const *hosts, int n)
{
	static char dirs[2][512];
	static int next;
	struct res_table t = { 0 };
	struct res_row r;
	char *dir = dirs[next++ % 2], csv[600];

	snprintf(dir, sizeof(dirs[0]), "%s/%s", t_tmpdir(), name);
	ASSERT_EQ(res_mkdirs(dir), 0);
	for (int i = 0; i < n; i++) {
		res_row_init(&r);
		snprintf(r.run_id, sizeof(r.run_id), "p%04d-r1", i);
		snprintf(r.host, sizeof(r.host), "%s", hosts[i]);
		strcpy(r.engine, "simnvme");
		r.poll_max_ns = 1024 * i;
		r.iops = 1000;
		ASSERT_EQ(res_table_add(&t, &r), 0);
	}
	snprintf(csv, sizeof(csv), "%s/results.csv", dir);
	ASSERT_EQ(res_csv_save(csv, &t), 0);
	res_table_free(&t);
	return dir;
}

static void test_labels(void)
{
	static const char *const mixed[] = { "", "vm" };
	static const char *const none[] = { "" }, *const other[] = { "h2" };
	struct res_set s;
	char err[256];
	char *dirs[2];

	/* One directory whose first row has no host, the next one has. */
	dirs[0] = results_dir("mixed", mixed, 2);
	ASSERT_EQ(res_set_load(&s, dirs, 1, err, sizeof(err)), 0);
	ASSERT_STREQ(s.labels[0], "mixed");
	res_set_free(&s);
	/* Two directories told apart by host, one without a host. */
	dirs[0] = results_dir("nohost", none, 1);
	dirs[1] = results_dir("h2dir", other, 1);
	ASSERT_EQ(res_set_load(&s, dirs, 2, err, sizeof(err)), 0);
	ASSERT_STREQ(s.labels[0], "nohost");
	ASSERT_STREQ(s.labels[1], "h2");
	res_set_free(&s);
}

int main(void)
{
	test_fio_import();
	test_runjson();
	test_sim();
	test_sim_sample();
	test_labels();
	return 0;
}
