/*
 * test-results.c: the results schema and files: CSV written and read back
 * (quoting, empty fields, column order), refused CSVs with their line,
 * atomic writes (and their temporary files), the run-JSON reader, and the seeded plan (a permutation,
 * reproducible, saved and reloaded).
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "results/atomic.h"
#include "results/row.h"
#include "results/runjson.h"
#include "sweep/grid.h"
#include "sweep/plan.h"
#include "tests/lib/test.h"
#include "util/spawn.h"

static void path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", t_tmpdir(), name);
}

static void write_text(const char *p, const char *text)
{
	FILE *f = fopen(p, "w");

	ASSERT_NOT_NULL(f);
	fputs(text, f);
	fclose(f);
}

static void test_csv_roundtrip(void)
{
	struct res_table t = { 0 }, back = { 0 };
	struct res_row r;
	char p[256], err[256];

	res_row_init(&r);
	strcpy(r.run_id, "p0003-r2");
	strcpy(r.target, "sim:lat=lognormal:20us,0.3");  /* a comma */
	strcpy(r.section, "say \"hi\"");                  /* quotes */
	r.poll_max_ns = 32768;
	r.iodepth = 32;
	r.iops = 123456.789;
	r.lat_p99_ns = 40960;
	r.ios = 12345678901.0;   /* beyond %g's 6 digits */
	ASSERT_EQ(res_table_add(&t, &r), 0);
	res_row_init(&r);
	strcpy(r.run_id, "p0000-r1");
	r.iops = 1.5;
	/* Wider than 63 characters in %.6f (found by fuzz-runjson). */
	r.bw_bytes_per_s = 1.0444444444444444e+69;
	r.lat_max_ns = 1e300;
	ASSERT_EQ(res_table_add(&t, &r), 0);
	path(p, sizeof(p), "r.csv");
	ASSERT_EQ(res_csv_save(p, &t), 0);
	ASSERT_EQ(res_csv_load(p, &back, err, sizeof(err)), 0);
	ASSERT_EQ(back.n, 2);
	ASSERT_STREQ(back.rows[0].target, "sim:lat=lognormal:20us,0.3");
	ASSERT_STREQ(back.rows[0].section, "say \"hi\"");
	ASSERT_EQ(back.rows[0].poll_max_ns, 32768);
	ASSERT_EQ(back.rows[0].iodepth, 32);
	ASSERT_DBL(fabs(back.rows[0].iops - 123456.789), <, 1e-6);
	ASSERT_DBL(back.rows[0].ios, ==, 12345678901.0);
	ASSERT_EQ(back.rows[0].format_version, RES_FORMAT_VERSION);
	/* Missing measurements stay missing. */
	ASSERT_TRUE(isnan(back.rows[1].lat_p99_ns));
	ASSERT_TRUE(isnan(back.rows[0].guest_lat_p50_ns));
	ASSERT_DBL(back.rows[1].iops, ==, 1.5);
	ASSERT_DBL(back.rows[1].bw_bytes_per_s, ==, 1.0444444444444444e+69);
	ASSERT_DBL(back.rows[1].lat_max_ns, ==, 1e300);
	res_table_free(&t);
	res_table_free(&back);
}

static void test_csv_schema(void)
{
	size_t n;
	const struct res_col *c = res_cols(&n);

	ASSERT_GT(n, 40);
	ASSERT_STREQ(c[0].name, "format_version");
	for (size_t i = 0; i < n; i++) {
		ASSERT_NOT_NULL(c[i].desc);
		ASSERT_TRUE(res_col_find(c[i].name) == &c[i]);
		/* Unit or meaning in the name: no bare "latency". */
		ASSERT_NULL(strchr(c[i].name, ' '));
	}
	ASSERT_NOT_NULL(res_col_find("lat_p99_ns"));
	ASSERT_NOT_NULL(res_col_find("cpu_iothread_pct"));
	ASSERT_NOT_NULL(res_col_find("bs_bytes"));
	ASSERT_NULL(res_col_find("latency"));
}

static void test_csv_refused(void)
{
	struct res_table t = { 0 };
	char p[256], err[256];

	path(p, sizeof(p), "bad1.csv");
	write_text(p, "iops,run_id\n1,a\n");
	ASSERT_EQ(res_csv_load(p, &t, err, sizeof(err)), -EINVAL);
	ASSERT_NOT_NULL(strstr(err, ":1:"));

	path(p, sizeof(p), "bad2.csv");
	write_text(p, "format_version,run_id,poll_max_ns,iops\n1,a,0,5\n1,b\n");
	ASSERT_EQ(res_csv_load(p, &t, err, sizeof(err)), -EINVAL);
	ASSERT_NOT_NULL(strstr(err, ":3:"));
	res_table_free(&t);

	path(p, sizeof(p), "bad3.csv");
	write_text(p, "format_version,run_id,poll_max_ns,iops\n2,a,0,5\n");
	ASSERT_EQ(res_csv_load(p, &t, err, sizeof(err)), -EINVAL);
	ASSERT_NOT_NULL(strstr(err, "format_version 2"));
	res_table_free(&t);

	path(p, sizeof(p), "bad4.csv");
	write_text(p, "format_version,run_id,poll_max_ns,iops\n1,a,0,fast\n");
	ASSERT_EQ(res_csv_load(p, &t, err, sizeof(err)), -EINVAL);
	ASSERT_NOT_NULL(strstr(err, "'fast'"));
	res_table_free(&t);

	/* Columns in another order, unknown ones ignored. */
	path(p, sizeof(p), "ok.csv");
	write_text(p, "format_version,extra,iops,run_id,poll_max_ns\n1,x,7.5,\"a,b\",0\n");
	ASSERT_EQ(res_csv_load(p, &t, err, sizeof(err)), 0);
	ASSERT_EQ(t.n, 1);
	ASSERT_STREQ(t.rows[0].run_id, "a,b");
	ASSERT_DBL(t.rows[0].iops, ==, 7.5);
	res_table_free(&t);
}

static void test_atomic(void)
{
	char p[256], *text;
	size_t len;
	DIR *d;
	struct dirent *e;
	int n = 0;

	path(p, sizeof(p), "atomic/a/b");
	ASSERT_EQ(res_mkdirs(p), 0);
	ASSERT_EQ(res_mkdirs(p), 0);
	path(p, sizeof(p), "atomic/a/b/f.txt");
	ASSERT_EQ(res_write_atomic(p, "one", 3), 0);
	ASSERT_EQ(res_write_atomic(p, "second", 6), 0);
	ASSERT_EQ(res_read_file(p, &text, &len), 0);
	ASSERT_EQ(len, 6);
	ASSERT_STREQ(text, "second");
	free(text);
	path(p, sizeof(p), "atomic/a/b");
	d = opendir(p);
	ASSERT_NOT_NULL(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	ASSERT_EQ(n, 1); /* no temporary file left */
	path(p, sizeof(p), "atomic/missing/f");
	ASSERT_LT(res_write_atomic(p, "x", 1), 0);
}

/*
 * Temporary files another writer (or a crashed one of this pid) left are
 * never written over; an empty directory is not the root.
 */
static void test_atomic_unique(void)
{
	char p[256], other[300], *text;
	int i;

	path(p, sizeof(p), "unique");
	ASSERT_EQ(res_mkdirs(p), 0);
	path(p, sizeof(p), "unique/f.json");
	snprintf(other, sizeof(other), "%s.tmp.%d", p, (int)getpid());
	write_text(other, "keep");
	for (i = 0; i < 8; i++) {
		snprintf(other, sizeof(other), "%s.tmp.%d.%d", p,
			 (int)getpid(), i);
		write_text(other, "keep");
	}
	ASSERT_EQ(res_write_atomic(p, "new", 3), 0);
	ASSERT_EQ(res_read_file(p, &text, NULL), 0);
	ASSERT_STREQ(text, "new");
	free(text);
	snprintf(other, sizeof(other), "%s.tmp.%d", p, (int)getpid());
	ASSERT_EQ(res_read_file(other, &text, NULL), 0);
	ASSERT_STREQ(text, "keep");
	free(text);
	for (i = 0; i < 8; i++) {
		snprintf(other, sizeof(other), "%s.tmp.%d.%d", p,
			 (int)getpid(), i);
		ASSERT_EQ(res_read_file(other, &text, NULL), 0);
		ASSERT_STREQ(text, "keep");
		free(text);
	}
	ASSERT_EQ(res_join(other, sizeof(other), "", "results.csv"), -EINVAL);
	ASSERT_STREQ(other, "");
	ASSERT_EQ(res_join(other, sizeof(other), "d", "results.csv"), 0);
	ASSERT_STREQ(other, "d/results.csv");
}

static const char *run_json =
	"{\"format_version\": 1, \"version\": \"0.1.0\", \"git\": \"abc\","
	" \"start_time\": \"2026-01-01T00:00:00Z\","
	" \"job\": {\"engine\": \"simnvme\", \"target\": \"sim\","
	"  \"rw\": \"randread\", \"bs_bytes\": 4096, \"iodepth\": 8,"
	"  \"runtime_ns\": 1000000000, \"ramp_ns\": 0, \"iothreads\": 2,"
	"  \"frontend\": \"direct\", \"poll_max_ns\": 16384,"
	"  \"poll_grow\": 2, \"poll_shrink\": 0, \"poll_policy\": \"qemu\","
	"  \"poll_weight\": 0, \"fdmon\": \"auto\", \"placement\": \"spread\"},"
	" \"result\": {\"ios\": 50000, \"iops\": 50000.0, \"bw_bytes\": 1e8,"
	"  \"lat_ns\": {\"p50\": 20000, \"p99\": 40000}},"
	" \"cpu\": {\"iothread_pct\": 80.0, \"threads\": ["
	"  {\"role\": \"iothread\", \"vol_csw\": 5, \"invol_csw\": 1,"
	"   \"cpu_realized\": 0},"
	"  {\"role\": \"guest\", \"vol_csw\": 100, \"cpu_realized\": 3},"
	"  {\"role\": \"iothread\", \"vol_csw\": 7, \"invol_csw\": 2,"
	"   \"cpu_realized\": 1}]},"
	" \"loop\": {\"fdmon\": \"epoll\", \"poll_attempts\": 200,"
	"  \"poll_hits\": 150, \"window_ns\": 8000},"
	" \"host\": {\"hostname\": \"h1\", \"kernel\": \"6.1\"}}";

static void test_runjson(void)
{
	struct res_row r;
	json_t *j;
	char err[256];

	ASSERT_EQ(res_run_parse(run_json, &j, err, sizeof(err)), 0);
	res_row_init(&r);
	ASSERT_EQ(res_row_from_run(j, &r, err, sizeof(err)), 0);
	json_decref(j);
	ASSERT_STREQ(r.engine, "simnvme");
	ASSERT_EQ(r.iodepth, 8);
	ASSERT_EQ(r.iothreads, 2);
	ASSERT_EQ(r.poll_max_ns, 16384);
	ASSERT_EQ(r.poll_grow, 2);
	ASSERT_STREQ(r.placement, "spread");
	ASSERT_STREQ(r.fdmon_requested, "auto");
	ASSERT_STREQ(r.fdmon, "epoll");
	ASSERT_DBL(r.iops, ==, 50000.0);
	ASSERT_DBL(r.lat_p99_ns, ==, 40000);
	ASSERT_TRUE(isnan(r.lat_p90_ns));
	ASSERT_DBL(r.poll_hit_pct, ==, 75.0);
	ASSERT_DBL(r.iops_per_cpu, ==, 62500.0);
	ASSERT_DBL(r.vol_csw, ==, 12);   /* IOThreads only */
	ASSERT_DBL(r.invol_csw, ==, 3);
	ASSERT_STREQ(r.iothread_cpus, "0;1");
	ASSERT_STREQ(r.host, "h1");
	ASSERT_STREQ(r.git, "abc");

	ASSERT_EQ(res_run_parse("{\"format_version\": 2, \"job\": {}}", &j,
				err, sizeof(err)), 0);
	ASSERT_EQ(res_row_from_run(j, &r, err, sizeof(err)), -EINVAL);
	ASSERT_NOT_NULL(strstr(err, "format_version 2"));
	json_decref(j);
	ASSERT_EQ(res_run_parse("{\"format_version\": 1}", &j, err,
				sizeof(err)), 0);
	ASSERT_EQ(res_row_from_run(j, &r, err, sizeof(err)), -EINVAL);
	json_decref(j);
	ASSERT_EQ(res_run_parse("not json", &j, err, sizeof(err)), -EINVAL);
	ASSERT_EQ(res_run_parse("[1]", &j, err, sizeof(err)), -EINVAL);
}

static void grid_of(struct sw_grid *g, const char *polls, const char *qds)
{
	char err[256];

	sw_grid_init(g);
	ASSERT_EQ(sw_section_set(&g->global, SW_DIM_POLL_MAX_NS, polls, false,
				 err, sizeof(err)), 0);
	ASSERT_EQ(sw_section_set(&g->global, SW_DIM_IODEPTH, qds, false, err,
				 sizeof(err)), 0);
	ASSERT_EQ(sw_grid_expand(g, NULL, err, sizeof(err)), 0);
}

static void test_plan(void)
{
	struct sw_grid g;
	struct sw_plan a, b, c, back;
	int seen[64] = { 0 };
	char why[256], err[256];
	json_t *j;
	bool moved = false;

	grid_of(&g, "0,4k,8k,16k", "1,32");
	ASSERT_EQ(g.npoints, 8);
	/* poll-max-ns turns fastest. */
	ASSERT_EQ(g.points[1].poll_max_ns, 4096);
	ASSERT_EQ(g.points[1].iodepth, 1);
	ASSERT_EQ(g.points[4].iodepth, 32);
	ASSERT_EQ(sw_plan_build(&a, g.points, g.npoints, 3, 42), 0);
	ASSERT_EQ(sw_plan_build(&b, g.points, g.npoints, 3, 42), 0);
	ASSERT_EQ(sw_plan_build(&c, g.points, g.npoints, 3, 43), 0);
	ASSERT_EQ(a.nruns, 24);
	for (size_t i = 0; i < a.nruns; i++) {
		seen[a.runs[i].point * 3 + (size_t)a.runs[i].rep - 1]++;
		ASSERT_STREQ(a.runs[i].run_id, b.runs[i].run_id);
		moved |= a.runs[i].point != i / 3;
	}
	for (int i = 0; i < 24; i++)
		ASSERT_EQ(seen[i], 1);
	ASSERT_TRUE(moved);
	ASSERT_TRUE(sw_plan_same(&a, &b, why, sizeof(why)));
	ASSERT_FALSE(sw_plan_same(&a, &c, why, sizeof(why)));
	ASSERT_NOT_NULL(strstr(why, "order"));

	j = sw_plan_to_json(&a);
	ASSERT_EQ(sw_plan_from_json(j, &back, err, sizeof(err)), 0);
	json_decref(j);
	ASSERT_TRUE(sw_plan_same(&a, &back, why, sizeof(why)));
	ASSERT_EQ(back.seed, 42);
	ASSERT_STREQ(back.points[5].target, g.points[5].target);
	ASSERT_EQ(sw_plan_find(&back, "p0007-r3") >= 0, 1);
	ASSERT_EQ(sw_plan_find(&back, "p0008-r1"), -1);
	sw_plan_free(&back);
	sw_grid_free(&g);

	grid_of(&g, "0,4k", "1,32");
	ASSERT_EQ(sw_plan_build(&back, g.points, g.npoints, 3, 42), 0);
	ASSERT_FALSE(sw_plan_same(&a, &back, why, sizeof(why)));
	ASSERT_NOT_NULL(strstr(why, "points"));
	sw_plan_free(&back);
	sw_plan_free(&a);
	sw_plan_free(&b);
	sw_plan_free(&c);
	sw_grid_free(&g);
}

static void test_run_args(void)
{
	struct sw_grid g;
	struct res_row r;
	char **argv, why[256];
	int n = 0;
	bool saw_runtime = false;

	grid_of(&g, "20us", "4");
	ASSERT_EQ(g.points[0].poll_max_ns, 20000);
	argv = sw_point_run_args(&g.points[0]);
	ASSERT_NOT_NULL(argv);
	for (; argv[n]; n += 2) {
		ASSERT_EQ(strncmp(argv[n], "--", 2), 0);
		ASSERT_NOT_NULL(argv[n + 1]);
		if (!strcmp(argv[n], "--runtime")) {
			saw_runtime = true;
			ASSERT_STREQ(argv[n + 1], "10000000000ns");
		}
		if (!strcmp(argv[n], "--poll-max-ns"))
			ASSERT_STREQ(argv[n + 1], "20000");
	}
	ASSERT_EQ(n, 2 * SW_NR_DIMS);
	ASSERT_TRUE(saw_runtime);
	util_argv_free(argv);

	/* A row of the point matches; change one setting and it does not. */
	res_row_init(&r);
	strcpy(r.engine, g.points[0].engine);
	strcpy(r.target, g.points[0].target);
	strcpy(r.rw, g.points[0].rw);
	r.bs_bytes = g.points[0].bs;
	strcpy(r.frontend, g.points[0].frontend);
	r.iothreads = g.points[0].iothreads;
	strcpy(r.placement, g.points[0].placement);
	r.iodepth = 4;
	strcpy(r.poll_policy, g.points[0].poll_policy);
	strcpy(r.fdmon_requested, g.points[0].fdmon);
	r.runtime_ns = g.points[0].runtime_ns;
	r.ramp_ns = g.points[0].ramp_ns;
	r.poll_max_ns = 20000;
	ASSERT_TRUE(sw_point_matches(&g.points[0], &r, why, sizeof(why)));
	r.poll_max_ns = 20001;
	ASSERT_FALSE(sw_point_matches(&g.points[0], &r, why, sizeof(why)));
	ASSERT_NOT_NULL(strstr(why, "poll-max-ns"));
	sw_grid_free(&g);
}

int main(void)
{
	test_csv_roundtrip();
	test_csv_schema();
	test_csv_refused();
	test_atomic();
	test_atomic_unique();
	test_runjson();
	test_plan();
	test_run_args();
	return T_EXIT_PASS;
}
