/*
 * test-fio-import.c: fio JSON fields are read by type, range and
 * finiteness: a good document converts with fio's defaults for what it
 * leaves out, and every malformed field (a string for a number, a negative
 * count, a size or count fio would not accept) is refused with a message
 * naming the job, the field and the bad value, never read as 0 or as a
 * default.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "results/fio-import.h"
#include "tests/lib/test.h"

/* One job "j" with options opts (JSON members) and read object rd. */
static int convert(const char *opts, const char *rd, json_t **runs,
		   char *err, size_t errlen)
{
	char doc[4096];

	snprintf(doc, sizeof(doc),
		 "fio-3.33 warning: text before the document\n"
		 "{ \"fio version\": \"fio-3.33\", \"jobs\": [ {"
		 " \"jobname\": \"j\", \"job options\": { %s },"
		 " \"read\": { %s }, \"usr_cpu\": 1.5, \"sys_cpu\": 2.5,"
		 " \"ctx\": 7 } ] }", opts, rd);
	*runs = NULL;
	err[0] = '\0';
	return res_fio_import_buf(doc, strlen(doc), runs, err, errlen);
}

#define GOOD_READ "\"iops\": 100.5, \"bw_bytes\": 411648, " \
	"\"runtime\": 1000, \"total_ios\": 100, \"lat_ns\": { \"N\": 100, " \
	"\"min\": 1000, \"max\": 9000, \"mean\": 4000.0, \"percentile\": " \
	"{ \"50.000000\": 4000, \"99.000000\": 8000 } }"

static json_t *get(json_t *run, const char *a, const char *b)
{
	return json_object_get(json_object_get(run, a), b);
}

static void test_good(void)
{
	char err[512];
	json_t *runs, *run;

	ASSERT_EQ(convert("\"rw\": \"randread\"", GOOD_READ, &runs, err,
			  sizeof(err)), 0);
	ASSERT_EQ(json_array_size(runs), 1);
	run = json_array_get(runs, 0);
	/* fio's defaults where the job says nothing. */
	ASSERT_EQ(json_integer_value(get(run, "job", "bs_bytes")), 4096);
	ASSERT_EQ(json_integer_value(get(run, "job", "iodepth")), 1);
	ASSERT_EQ(json_integer_value(get(run, "job", "iothreads")), 1);
	ASSERT_DBL(json_number_value(get(run, "result", "iops")), ==, 100.5);
	ASSERT_EQ(json_integer_value(get(run, "result", "ios")), 100);
	ASSERT_DBL(json_number_value(get(run, "cpu", "iothread_pct")), ==,
		   4.0);
	json_decref(runs);

	ASSERT_EQ(convert("\"bs\": \"128k,4k\", \"iodepth\": \"32\", "
			  "\"numjobs\": \"4\", \"runtime\": \"10s\", "
			  "\"ramp_time\": \"500ms\", \"direct\": \"1\"",
			  GOOD_READ, &runs, err, sizeof(err)), 0);
	run = json_array_get(runs, 0);
	ASSERT_EQ(json_integer_value(get(run, "job", "bs_bytes")), 131072);
	ASSERT_EQ(json_integer_value(get(run, "job", "iodepth")), 32);
	ASSERT_EQ(json_integer_value(get(run, "job", "iothreads")), 4);
	ASSERT_EQ(json_integer_value(get(run, "job", "runtime_ns")),
		  10000000000LL);
	ASSERT_EQ(json_integer_value(get(run, "job", "ramp_ns")), 500000000);
	ASSERT_TRUE(json_is_true(get(run, "job", "direct")));
	json_decref(runs);
}

/* The document is refused; err names the job, the field and the value. */
static void refused(const char *opts, const char *rd, const char *field,
		    const char *value)
{
	char err[512];
	json_t *runs;
	int ret = convert(opts, rd, &runs, err, sizeof(err));

	if (ret != -EINVAL || runs || !strstr(err, "job 0") ||
	    !strstr(err, field) || !strstr(err, value))
		t_fail("options {%s} read {%s}: got %d \"%s\", want -EINVAL "
		       "naming %s and %s", opts, rd, ret, err, field, value);
}

static void test_bad_numbers(void)
{
	refused("", "\"iops\": \"abc\"", "read.iops", "\"abc\"");
	refused("", "\"iops\": -5", "read.iops", "-5");
	refused("", "\"iops\": 1e300", "read.iops", "1e300");
	refused("", "\"iops\": true", "read.iops", "true");
	refused("", "\"bw_bytes\": 1", "read.iops", "missing");
	refused("", "\"iops\": 5, \"total_ios\": \"7\"", "read.total_ios",
		"\"7\"");
	refused("", "\"iops\": 5, \"runtime\": -1", "read.runtime", "-1");
	refused("", "\"iops\": 5, \"lat_ns\": { \"N\": 3, \"min\": \"x\" }",
		"read.lat_ns.min", "\"x\"");
	refused("", "\"iops\": 5, \"lat_ns\": { \"N\": 3, \"percentile\": "
		"{ \"99.000000\": -8 } }", "read.lat_ns.percentile.99.000000",
		"-8");
	refused("", "\"iops\": 5, \"clat_ns\": { \"N\": -3 }",
		"read.clat_ns.N", "-3");
}

static void test_bad_options(void)
{
	refused("\"bs\": \"zzz\"", GOOD_READ, "bs", "zzz");
	refused("\"bs\": \"0\"", GOOD_READ, "bs", "'0'");
	refused("\"bs\": \"nan\"", GOOD_READ, "bs", "nan");
	refused("\"blocksize\": \"4q\"", GOOD_READ, "blocksize", "4q");
	refused("\"numjobs\": \"0\"", GOOD_READ, "numjobs", "'0'");
	refused("\"numjobs\": \"two\"", GOOD_READ, "numjobs", "two");
	refused("\"iodepth\": \"0\"", GOOD_READ, "iodepth", "'0'");
	refused("\"iodepth\": \"-4\"", GOOD_READ, "iodepth", "-4");
	refused("\"iodepth\": \"1e3\"", GOOD_READ, "iodepth", "1e3");
	refused("\"runtime\": \"soon\"", GOOD_READ, "runtime", "soon");
	refused("\"ramp_time\": \"-1s\"", GOOD_READ, "ramp_time", "-1s");
	refused("\"direct\": \"maybe\"", GOOD_READ, "direct", "maybe");
	refused("\"iodepth_batch\": \"x\"", GOOD_READ, "iodepth_batch", "x");
}

int main(void)
{
	test_good();
	test_bad_numbers();
	test_bad_options();
	return T_EXIT_PASS;
}
