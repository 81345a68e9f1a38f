/*
 * test-results-load.c: results.csv is read strictly: the columns every
 * analysis rests on must be there, numbers must be finite and not negative,
 * and a refused file gets one line naming the file, the line and the
 * column; a run JSON's figures must be numbers >= 0; the options of
 * recommend and report refuse nan and inf.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results/recommend.h"
#include "results/row.h"
#include "results/runjson.h"
#include "tests/lib/test.h"

#define HEAD "format_version,run_id,poll_max_ns,iops,lat_p99_ns\n"

static char path[256];

static int load(const char *text, size_t len, struct res_table *t,
		char *err, size_t errlen)
{
	FILE *f = fopen(path, "wb");

	ASSERT_NOT_NULL(f);
	ASSERT_EQ(fwrite(text, 1, len, f), len);
	ASSERT_EQ(fclose(f), 0);
	memset(t, 0, sizeof(*t));
	err[0] = '\0';
	return res_csv_load(path, t, err, errlen);
}

/* text is refused; err names the file and holds each of want[]. */
static void refused(const char *text, size_t len, const char *w1,
		    const char *w2)
{
	struct res_table t;
	char err[512];
	int ret = load(text, len, &t, err, sizeof(err));

	if (ret != -EINVAL || !strstr(err, path) || !strstr(err, w1) ||
	    (w2 && !strstr(err, w2)) || strchr(err, '\n'))
		t_fail("\"%s\": got %d \"%s\", want -EINVAL with '%s' '%s'",
		       text, ret, err, w1, w2 ? w2 : "");
	res_table_free(&t);
}

#define REFUSED(text, w1, w2) refused(text, sizeof(text) - 1, w1, w2)

static void test_good(void)
{
	struct res_table t;
	char err[512];
	const char text[] = HEAD "1,a,0,100.5,\n1,b,4096,2e3,70000\n";

	ASSERT_EQ(load(text, sizeof(text) - 1, &t, err, sizeof(err)), 0);
	ASSERT_EQ(t.n, 2);
	ASSERT_DBL(t.rows[0].iops, ==, 100.5);
	ASSERT_TRUE(isnan(t.rows[0].lat_p99_ns)); /* empty: not measured */
	ASSERT_DBL(t.rows[1].iops, ==, 2000);
	res_table_free(&t);
}

static void test_refused(void)
{
	/* Columns the analysis needs. */
	REFUSED("format_version,run_id,poll_max_ns\n1,a,0\n", ":1:", "iops");
	REFUSED("format_version,run_id,iops\n1,a,5\n", ":1:", "poll_max_ns");
	REFUSED("format_version,poll_max_ns,iops\n1,0,5\n", ":1:", "run_id");
	/* Numbers: finite, not negative. */
	REFUSED(HEAD "1,a,0,nan,\n", ":2:", "column iops");
	REFUSED(HEAD "1,a,0,5,\n1,b,0,inf,\n", ":3:", "'inf'");
	REFUSED(HEAD "1,a,0,-infinity,\n", ":2:", "'-infinity'");
	REFUSED(HEAD "1,a,0,1e999,\n", ":2:", "'1e999'");
	REFUSED(HEAD "1,a,0,-5,\n", ":2:", "'-5'");
	REFUSED(HEAD "1,a,0,5,NAN\n", ":2:", "column lat_p99_ns");
	REFUSED(HEAD "1,a,-1,5,\n", ":2:", "column poll_max_ns");
	REFUSED(HEAD "1,a,99999999999999999999,5,\n", ":2:", "poll_max_ns");
	REFUSED(HEAD "1,a,0,5,\n1,b,0,\0,\n", ":3:", "NUL");
}

static void test_options(void)
{
	double v;

	ASSERT_EQ(res_rec_pct_parse("5", 0, 50, &v), 0);
	ASSERT_DBL(v, ==, 5);
	ASSERT_EQ(res_rec_pct_parse("12.5%", 0, 50, &v), 0);
	ASSERT_DBL(v, ==, 12.5);
	ASSERT_EQ(res_rec_pct_parse("nan", 0, 50, &v), -EINVAL);
	ASSERT_EQ(res_rec_pct_parse("NaN%", 0, 50, &v), -EINVAL);
	ASSERT_EQ(res_rec_pct_parse("inf", 0, 1e300, &v), -EINVAL);
	ASSERT_EQ(res_rec_pct_parse("-1", 0, 50, &v), -EINVAL);
	ASSERT_EQ(res_rec_pct_parse("51", 0, 50, &v), -EINVAL);
	ASSERT_EQ(res_rec_pct_parse("", 0, 50, &v), -EINVAL);
	ASSERT_EQ(res_rec_pct_parse("5x", 0, 50, &v), -EINVAL);
}

/* A run object with result member res and thread cpu_realized cpu. */
static int run_row(const char *res, const char *cpu, struct res_row *r,
		   char *err, size_t errlen)
{
	char text[1024];
	json_t *run;
	int ret;

	snprintf(text, sizeof(text), "{ \"format_version\": 1, \"job\": "
		 "{ \"iodepth\": 4 }, \"result\": { \"iops\": 10, %s }, "
		 "\"cpu\": { \"threads\": [ { \"role\": \"iothread\", "
		 "\"cpu_realized\": %s, \"vol_csw\": 3 } ] } }", res, cpu);
	ASSERT_EQ(res_run_parse(text, &run, err, errlen), 0);
	res_row_init(r);
	err[0] = '\0';
	ret = res_row_from_run(run, r, err, errlen);
	json_decref(run);
	return ret;
}

static void test_run_json(void)
{
	struct res_row r;
	char err[512];

	ASSERT_EQ(run_row("\"ios\": 7", "-1", &r, err, sizeof(err)), 0);
	ASSERT_DBL(r.ios, ==, 7);
	ASSERT_STREQ(r.iothread_cpus, "-1");
	ASSERT_DBL(r.vol_csw, ==, 3);
	ASSERT_EQ(run_row("\"ios\": \"7\"", "0", &r, err, sizeof(err)),
		  -EINVAL);
	ASSERT_NOT_NULL(strstr(err, "ios is \"7\""));
	ASSERT_EQ(run_row("\"errors\": -2", "0", &r, err, sizeof(err)),
		  -EINVAL);
	ASSERT_NOT_NULL(strstr(err, "errors is -2"));
	ASSERT_EQ(run_row("\"ios\": 1", "\"x\"", &r, err, sizeof(err)),
		  -EINVAL);
	ASSERT_NOT_NULL(strstr(err, "cpu_realized"));
}

int main(void)
{
	snprintf(path, sizeof(path), "%s/results.csv", t_tmpdir());
	test_good();
	test_refused();
	test_options();
	test_run_json();
	remove(path);
	remove(t_tmpdir());
	return T_EXIT_PASS;
}
