/*
 * test-qm-console.c: the guest's marker lines on the console
 * (qemu/console.h), QMP replies (qemu/qmp.h) and the guest's fio JSON
 * (qemu/fio-result.h), on fixtures: complete, truncated, interleaved and
 * garbled.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "qemu/console.h"
#include "qemu/fio-result.h"
#include "qemu/qmp.h"
#include "tests/lib/test.h"

#define FIO "{\"fio version\":\"fio-3.33\",\"jobs\":[{\"jobname\":\"aiotune\"," \
	"\"job options\":{\"rw\":\"randread\",\"bs\":\"4096\",\"iodepth\":\"1\"}," \
	"\"read\":{\"iops\":1000.0,\"bw_bytes\":4096000,\"total_ios\":2000," \
	"\"runtime\":2000,\"lat_ns\":{\"N\":2000,\"min\":100000,\"max\":900000," \
	"\"mean\":200000.0,\"percentile\":{\"50.000000\":180224," \
	"\"99.000000\":610304}},\"clat_ns\":{\"N\":2000,\"min\":90000," \
	"\"max\":800000,\"mean\":190000.0,\"bins\":{\"180224\":1500," \
	"\"610304\":500}}},\"write\":{\"iops\":0,\"bw_bytes\":0," \
	"\"total_ios\":0,\"runtime\":0,\"lat_ns\":{\"N\":0}}," \
	"\"usr_cpu\":1.5,\"sys_cpu\":2.5,\"ctx\":4000}]}"

static void test_console(void)
{
	char text[4096], buf[256];
	struct qm_console_result r;
	size_t after, len;
	int ret;

	/* Kernel noise, READY, the result with CRLF line ends. */
	snprintf(text, sizeof(text),
		 "[    0.1] booting\r\n"
		 "@@AIOTUNE READY 5.21\r\n"
		 "@@AIOTUNE START r1\r\n"
		 "@@AIOTUNE BEGIN r1\r\n"
		 "{\"a\": 1,\r\n \"b\": [2]}\r\n"
		 "\r\n"
		 "@@AIOTUNE END r1 0 20\r\n"
		 "@@AIOTUNE READY 9.00\r\n");
	len = strlen(text);
	ASSERT_TRUE(qm_console_ready(text, len, 0, &after));
	ASSERT_TRUE(strncmp(text + after, "@@AIOTUNE START", 15) == 0);
	ASSERT_TRUE(qm_console_ready(text, len, after, &after));
	ASSERT_EQ(after, len);
	ASSERT_FALSE(qm_console_ready(text, len, after, &after));
	ASSERT_FALSE(qm_console_failed(text, len, buf, sizeof(buf)));
	ret = qm_console_result(text, len, 0, "r1", &r, buf, sizeof(buf));
	ASSERT_EQ(ret, 0);
	ASSERT_EQ(r.rc, 0);
	ASSERT_STREQ(r.json, "{\"a\": 1,\n \"b\": [2]}\n");
	ASSERT_EQ(r.bytes, 20);
	free(r.json);
	/* Another id: not there. */
	ASSERT_EQ(qm_console_result(text, len, 0, "r11", &r, buf,
				    sizeof(buf)), -EAGAIN);

	/* Truncated before END: not yet. */
	len = (size_t)(strstr(text, "@@AIOTUNE END") - text) + 8;
	ASSERT_EQ(qm_console_result(text, len, 0, "r1", &r, buf, sizeof(buf)),
		  -EAGAIN);
	/* A READY line not complete yet does not count. */
	ASSERT_FALSE(qm_console_ready("@@AIOTUNE READY 1.0", 19, 0, &after));

	/* A kernel message inside the JSON: the length disagrees. */
	snprintf(text, sizeof(text),
		 "@@AIOTUNE BEGIN r2\n{\"a\":\n[ 9.9] virtio: oops\n1}\n\n"
		 "@@AIOTUNE END r2 0 9\n");
	ret = qm_console_result(text, strlen(text), 0, "r2", &r, buf,
				sizeof(buf));
	ASSERT_EQ(ret, -EBADMSG);
	ASSERT_TRUE(strstr(buf, "garbled") != NULL);

	/* END without BEGIN, garbled END. */
	snprintf(text, sizeof(text), "@@AIOTUNE END r3 0 0\n");
	ASSERT_EQ(qm_console_result(text, strlen(text), 0, "r3", &r, buf,
				    sizeof(buf)), -EBADMSG);
	snprintf(text, sizeof(text), "@@AIOTUNE BEGIN r4\n{}\n\n"
		 "@@AIOTUNE END r4 zero 2\n");
	ASSERT_EQ(qm_console_result(text, strlen(text), 0, "r4", &r, buf,
				    sizeof(buf)), -EBADMSG);

	/* fio failed: its stderr and exit status come back. */
	snprintf(text, sizeof(text),
		 "@@AIOTUNE START r5\n@@AIOTUNE ERR r5 fio: bad option\n"
		 "@@AIOTUNE BEGIN r5\n\n@@AIOTUNE END r5 1 0\n");
	ASSERT_EQ(qm_console_result(text, strlen(text), 0, "r5", &r, buf,
				    sizeof(buf)), 0);
	ASSERT_EQ(r.rc, 1);
	ASSERT_STREQ(r.err, "fio: bad option");
	free(r.json);

	/* A marker after noise on the same line; FAIL. */
	snprintf(text, sizeof(text), "junk@@AIOTUNE FAIL no /dev/vda\n");
	ASSERT_TRUE(qm_console_failed(text, strlen(text), buf, sizeof(buf)));
	ASSERT_STREQ(buf, "no /dev/vda");
	ASSERT_FALSE(qm_console_failed("@@AIOTUNE FAILED x\n", 19, buf,
				       sizeof(buf)));

	/* The tail for error messages. */
	snprintf(text, sizeof(text), "a\r\n\r\nb\nc  \nd");
	qm_console_tail(text, strlen(text), 3, buf, sizeof(buf));
	ASSERT_STREQ(buf, "b | c | d");
	qm_console_tail("", 0, 3, buf, sizeof(buf));
	ASSERT_STREQ(buf, "");
	/* Nothing read yet (no buffer at all). */
	ASSERT_FALSE(qm_console_ready(NULL, 0, 0, &after));
	ASSERT_FALSE(qm_console_failed(NULL, 0, buf, sizeof(buf)));
	ASSERT_EQ(qm_console_result(NULL, 0, 0, "r1", &r, buf, sizeof(buf)),
		  -EAGAIN);
	qm_console_tail(NULL, 0, 3, buf, sizeof(buf));
	ASSERT_STREQ(buf, "");
}

static void test_qmp(void)
{
	char why[256];
	json_t *r = NULL;

	ASSERT_EQ(qm_qmp_parse_reply("{\"return\": [{\"id\": \"io0\", "
				     "\"thread-id\": 42}]}", &r, why,
				     sizeof(why)), 0);
	ASSERT_EQ(json_integer_value(json_object_get(json_array_get(r, 0),
						     "thread-id")), 42);
	json_decref(r);
	ASSERT_EQ(qm_qmp_parse_reply("{\"event\": \"RESUME\"}", &r, why,
				     sizeof(why)), 1);
	ASSERT_EQ(qm_qmp_parse_reply("{\"error\": {\"class\": "
				     "\"GenericError\", \"desc\": \"Property "
				     "'x' not found\"}}", &r, why,
				     sizeof(why)), -EREMOTEIO);
	ASSERT_STREQ(why, "Property 'x' not found");
	ASSERT_EQ(qm_qmp_parse_reply("{\"retu", &r, why, sizeof(why)),
		  -EBADMSG);
	ASSERT_EQ(qm_qmp_parse_reply("{\"something\": 1}", &r, why,
				     sizeof(why)), -EBADMSG);
}

static void test_fio(void)
{
	char why[256], *cut;
	json_t *run, *res, *h;

	ASSERT_EQ(qm_fio_result(FIO, WL_RW_RANDREAD, &run, why, sizeof(why)),
		  0);
	res = json_object_get(run, "result");
	ASSERT_DBL(json_number_value(json_object_get(res, "iops")), ==, 1000);
	ASSERT_EQ(json_integer_value(json_object_get(json_object_get(res,
		"guest_lat_ns"), "p99")), 610304);
	h = json_object_get(res, "hist");
	ASSERT_EQ(json_integer_value(json_object_get(h, "plat_bits")), 6);
	ASSERT_EQ(json_array_size(json_object_get(h, "buckets")), 2);
	ASSERT_EQ(json_integer_value(json_array_get(json_array_get(
		json_object_get(h, "buckets"), 0), 1)), 1500);
	json_decref(run);

	/* Truncated: not JSON. */
	cut = strdup(FIO);
	cut[strlen(cut) / 2] = '\0';
	ASSERT_EQ(qm_fio_result(cut, WL_RW_RANDREAD, &run, why, sizeof(why)),
		  -EBADMSG);
	ASSERT_TRUE(strstr(why, "not JSON") != NULL);
	free(cut);
	/* JSON, but not fio's; no JSON at all. */
	ASSERT_EQ(qm_fio_result("{\"jobs\": 3}", WL_RW_RANDREAD, &run, why,
				sizeof(why)), -EBADMSG);
	ASSERT_EQ(qm_fio_result("fio: engine libaio not loadable",
				WL_RW_RANDREAD, &run, why, sizeof(why)),
		  -EBADMSG);
	/* Garbled bins. */
	{
		char *g = strdup(FIO), *p = strstr(g, "\"180224\":1500");

		memcpy(p, "\"18x224\"", 8);
		ASSERT_EQ(qm_fio_result(g, WL_RW_RANDREAD, &run, why,
					sizeof(why)), -EBADMSG);
		free(g);
	}
	/* No bins (plain json): the histogram is said to be missing. */
	{
		char *g = strdup(FIO), *p = strstr(g, "\"bins\"");

		memcpy(p, "\"binz\"", 6);
		ASSERT_EQ(qm_fio_result(g, WL_RW_RANDREAD, &run, why,
					sizeof(why)), 0);
		ASSERT_NULL(json_object_get(json_object_get(run, "result"),
					    "hist"));
		ASSERT_NOT_NULL(json_object_get(json_object_get(run,
			"result"), "missing"));
		json_decref(run);
		free(g);
	}
}

int main(void)
{
	test_console();
	test_qmp();
	test_fio();
	return 0;
}
