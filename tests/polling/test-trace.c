/*
 * test-trace.c: reading event-gap traces: the accepted forms and a clear,
 * line-numbered error for every malformed line.
 */
#include <errno.h>

#include "polling/simulate.h"
#include "tests/lib/test.h"

static int parse(const char *text, struct poll_trace *t, char *err,
		 size_t errlen)
{
	FILE *fp = fmemopen((void *)text, strlen(text), "r");
	int ret;

	ASSERT_NOT_NULL(fp);
	ret = poll_trace_read(fp, t, err, errlen);
	fclose(fp);
	return ret;
}

static void test_good(void)
{
	struct poll_trace t = { 0 };
	char err[256];

	ASSERT_EQ(parse("# a comment\n15000\n\n  500000 7  # slow\r\n"
			"0 7\n16000 3\n123", &t, err, sizeof(err)), 0);
	ASSERT_STREQ(err, "");
	ASSERT_EQ(t.n, 5);
	ASSERT_EQ(t.ev[0].gap_ns, 15000);
	ASSERT_EQ(t.ev[1].gap_ns, 500000);
	ASSERT_EQ(t.ev[2].gap_ns, 0);
	ASSERT_EQ(t.ev[4].gap_ns, 123);
	/* Handlers: 0 (no column), 7, 3, in order of appearance. */
	ASSERT_EQ(t.nids, 3);
	ASSERT_EQ(t.ids[t.ev[0].handler], 0);
	ASSERT_EQ(t.ids[t.ev[1].handler], 7);
	ASSERT_EQ(t.ev[1].handler, t.ev[2].handler);
	ASSERT_EQ(t.ids[t.ev[3].handler], 3);
	ASSERT_EQ(t.ev[4].handler, t.ev[0].handler);
	poll_trace_free(&t);
	ASSERT_EQ(t.n, 0);
	ASSERT_NULL(t.ev);

	/* The largest gap allowed. */
	ASSERT_EQ(parse("1000000000000\n", &t, err, sizeof(err)), 0);
	ASSERT_EQ(t.ev[0].gap_ns, POLL_TRACE_MAX_GAP);
	poll_trace_free(&t);
}

static void expect_error(const char *text, int want, const char *msg)
{
	struct poll_trace t = { 0 };
	char err[256];
	int ret = parse(text, &t, err, sizeof(err));

	if (ret != want || !strstr(err, msg))
		t_fail("input \"%s\": got %d \"%s\", want %d \"...%s...\"",
		       text, ret, err, want, msg);
	poll_trace_free(&t);
}

static void test_bad(void)
{
	expect_error("", -ENODATA, "no events");
	expect_error("# only a comment\n\n", -ENODATA, "no events");
	expect_error("100\n-5\n", -EINVAL,
		     "line 2: gap '-5' is not a non-negative integer number of ns");
	expect_error("abc\n", -EINVAL, "line 1: gap 'abc' is not");
	expect_error("1e3\n", -EINVAL, "line 1: gap '1e3' is not");
	expect_error("15us\n", -EINVAL, "line 1: gap '15us' is not");
	expect_error("1\n2\n3\n99999999999999999999\n", -EINVAL,
		     "line 4: gap '99999999999999999999' is out of range (at most 1000000000000 ns)");
	expect_error("1000000000001\n", -EINVAL, "line 1: gap '1000000000001' is out of range");
	expect_error("5 x\n", -EINVAL,
		     "line 1: handler 'x' is not an integer in [0, 2147483647]");
	expect_error("5 -1\n", -EINVAL, "line 1: handler '-1' is not");
	expect_error("5 2147483648\n", -EINVAL, "line 1: handler '2147483648'");
	expect_error("5 6 7\n", -EINVAL,
		     "line 1: unexpected third field '7' (expected '<gap_ns> [handler]')");
	expect_error("5\n6,7\n", -EINVAL, "line 2: gap '6,7' is not");
}

static void test_nul_and_handlers(void)
{
	static const char with_nul[] = "5\n6\0\n";
	struct poll_trace t = { 0 };
	char err[256];
	FILE *fp = fmemopen((void *)with_nul, sizeof(with_nul) - 1, "r");

	ASSERT_EQ(poll_trace_read(fp, &t, err, sizeof(err)), -EINVAL);
	ASSERT_TRUE(strstr(err, "line 2: contains a NUL byte") != NULL);
	fclose(fp);
	poll_trace_free(&t);

	/* poll_trace_add validates too, and bounds the handler count. */
	ASSERT_EQ(poll_trace_add(&t, -1, 0), -EINVAL);
	ASSERT_EQ(poll_trace_add(&t, 1, -1), -EINVAL);
	ASSERT_EQ(poll_trace_add(&t, POLL_TRACE_MAX_GAP + 1, 0), -EINVAL);
	for (int i = 0; i < POLL_TRACE_MAX_HANDLERS; i++)
		ASSERT_EQ(poll_trace_add(&t, 1, i), 0);
	ASSERT_EQ(poll_trace_add(&t, 1, 0), 0);
	ASSERT_EQ(poll_trace_add(&t, 1, POLL_TRACE_MAX_HANDLERS), -E2BIG);
	ASSERT_EQ(t.n, POLL_TRACE_MAX_HANDLERS + 1);
	poll_trace_free(&t);
}

int main(void)
{
	test_good();
	test_bad();
	test_nul_and_handlers();
	return T_EXIT_PASS;
}
