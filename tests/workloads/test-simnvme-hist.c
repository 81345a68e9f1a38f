/*
 * test-simnvme-hist.c: the hist: latency model reads its file strictly:
 * "LATENCY [COUNT]" lines (comments anywhere, any length) and run JSON
 * buckets convert; a count that is negative, past 2^53, not a whole
 * number, followed by more text, or that makes the total overflow is
 * refused with the file and line named, as are malformed JSON buckets; a
 * FIFO or device is refused unread.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/lib/test.h"
#include "workloads/simnvme-model.h"

static size_t text_len; /* length of the next text, when not strlen */

static int parse(const char *text, struct sim_lat *m, char *err,
		 size_t errlen)
{
	size_t len = text_len ? text_len : strlen(text);

	text_len = 0;
	err[0] = '\0';
	return sim_lat_hist_parse(text, len, "h.txt", m, err, errlen);
}

static void good(const char *text, size_t nbins, uint64_t total)
{
	struct sim_lat m;
	struct sim_spec s;
	char err[512];

	if (parse(text, &m, err, sizeof(err)))
		t_fail("\"%s\" refused: %s", text, err);
	ASSERT_EQ(m.kind, SIM_LAT_HIST);
	ASSERT_EQ(m.nbins, nbins);
	ASSERT_EQ(m.cum[m.nbins - 1], total);
	s.lat = m;
	sim_spec_free(&s);
}

static void refused(const char *text, const char *want)
{
	struct sim_lat m;
	char err[512];
	int ret = parse(text, &m, err, sizeof(err));

	if (ret != -EINVAL || !strstr(err, "h.txt") || !strstr(err, want))
		t_fail("\"%s\": got %d \"%s\", want -EINVAL with '%s'", text,
		       ret, err, want);
}

static void test_text(void)
{
	char text[700];

	good("10us 3\n50us 1\n", 2, 4);
	good("  # comment\n\n20000\n20us 0\n30us 9007199254740992\n", 2,
	     9007199254740993ULL);
	/* A comment longer than any line buffer. */
	memset(text, 'x', 600);
	text[0] = '#';
	snprintf(text + 600, sizeof(text) - 600, "\n10us 2");
	good(text, 1, 2);
}

static void test_text_refused(void)
{
	refused("10us 3\n20us -5\n", "line 2");
	refused("20us -5\n", "'-5'");
	refused("20us 18446744073709551616\n", "'18446744073709551616'");
	refused("20us 9007199254740993\n", "line 1");
	refused("20us 1.5\n", "'1.5'");
	refused("20us 3 4\n", "line 1");
	refused("20us 3x\n", "'3x'");
	refused("20us +3\n", "'+3'");
	refused("bogus\n", "line 1");
	text_len = 14;
	refused("20us 1\n\0" "30us 1\n", "NUL");
	refused("# only comments\n", "no samples");
}

static void test_json(void)
{
	good("{ \"result\": { \"hist\": { \"buckets\": [ [ 3, 2 ], [ 70, 5 ] ] } } }",
	     2, 7);
	refused("{ \"result\": { \"hist\": { \"buckets\": [ [ 3, -2 ] ] } } }",
		"bucket 0");
	refused("{ \"result\": { \"hist\": { \"buckets\": [ [ 3, \"2\" ] ] } } }",
		"bucket 0");
	refused("{ \"result\": { \"hist\": { \"buckets\": [ [ 3, 2.5 ] ] } } }",
		"bucket 0");
	refused("{ \"result\": { \"hist\": { \"buckets\": [ [ 1, 1 ], [ \"x\", 2 ] ] } } }",
		"bucket 1");
	refused("{ \"result\": { \"hist\": { \"buckets\": [ [ 3, 2, 1 ] ] } } }",
		"bucket 0");
	refused("{ \"result\": { \"hist\": { \"buckets\": [ 7 ] } } }",
		"bucket 0");
	refused("{ \"result\": { \"hist\": { \"buckets\": [ [ 1, 9007199254740993 ] ] } } }",
		"bucket 0");
}

static void test_not_regular(void)
{
	char path[256], target[300], err[512];
	struct sim_spec s;

	snprintf(path, sizeof(path), "%s/fifo", t_tmpdir());
	ASSERT_EQ(mkfifo(path, 0600), 0);
	snprintf(target, sizeof(target), "sim:lat=hist:%s", path);
	alarm(20);
	ASSERT_EQ(sim_spec_parse(target, &s, err, sizeof(err)), -EINVAL);
	alarm(0);
	ASSERT_NOT_NULL(strstr(err, "not a regular file"));
	ASSERT_NOT_NULL(strstr(err, path));
	unlink(path);
	rmdir(t_tmpdir());
}

int main(void)
{
	test_text();
	test_text_refused();
	test_json();
	test_not_regular();
	return T_EXIT_PASS;
}
