/*
 * test-jobfile.c: INI job files: [global] defaults and sweep options, one
 * sweep per section, flags that override them; every kind of bad file
 * refused with the right file:line and the bad value named; and what is
 * read as a job file at all (sw_job_read).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sweep/grid.h"
#include "tests/lib/test.h"
#include "util/spawn.h"

static const char *write_job(const char *name, const char *text)
{
	static char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", t_tmpdir(), name);
	f = fopen(p, "w");
	ASSERT_NOT_NULL(f);
	fputs(text, f);
	fclose(f);
	return p;
}

static void test_good(void)
{
	const char *p = write_job("good.ini",
		"; a comment\n"
		"[global]\n"
		"repetitions = 2\n"
		"seed = 99\n"
		"name = nightly\n"
		"target = sim:lat=lognormal:20us,0.3|sim:lat=fixed:10us\n"
		"runtime = 500ms\n"
		"ramp_time = 0\n"
		);
	struct sw_grid g;
	char err[512];

	/* ramp_time is not a key: unknown keys are errors. */
	sw_grid_init(&g);
	ASSERT_EQ(sw_grid_load_job(&g, p, err, sizeof(err)), -EINVAL);
	ASSERT_NOT_NULL(strstr(err, "good.ini:8: unknown key 'ramp_time'"));
	sw_grid_free(&g);

	p = write_job("good.ini",
		"; a comment\n"
		"[global]\n"
		"repetitions = 2\n"
		"seed = 99\n"
		"name = nightly\n"
		"target = sim:lat=lognormal:20us,0.3|sim:lat=fixed:10us\n"
		"runtime = 500ms\n"
		"ramp = 0\n"
		"\n"
		"[qd1]\n"
		"iodepth = 1\n"
		"poll_max_ns = 0, 4k, 16k\n"
		"\n"
		"[deep]\n"
		"iodepth = 32\n"
		"poll-max-ns = 8k\n"
		"iothreads = 1,2\n"
		"placement = spread,same-core\n");
	sw_grid_init(&g);
	ASSERT_EQ(sw_grid_load_job(&g, p, err, sizeof(err)), 0);
	ASSERT_EQ(g.repetitions, 2);
	ASSERT_TRUE(g.seed_set);
	ASSERT_EQ(g.seed, 99);
	ASSERT_STREQ(g.name, "nightly");
	ASSERT_EQ(g.nsections, 2);
	ASSERT_EQ(sw_grid_expand(&g, NULL, err, sizeof(err)), 0);
	/* qd1: 2 targets x 3 polls; deep: 2 targets x 2 x 2 x 1. */
	ASSERT_EQ(g.npoints, 6 + 8);
	ASSERT_STREQ(g.points[0].section, "qd1");
	ASSERT_STREQ(g.points[0].target, "sim:lat=lognormal:20us,0.3");
	ASSERT_EQ(g.points[0].runtime_ns, 500000000);
	ASSERT_EQ(g.points[0].ramp_ns, 0);
	ASSERT_EQ(g.points[2].poll_max_ns, 16384);
	ASSERT_STREQ(g.points[3].target, "sim:lat=fixed:10us");
	ASSERT_STREQ(g.points[6].section, "deep");
	ASSERT_EQ(g.points[6].iodepth, 32);
	ASSERT_EQ(g.points[6].poll_max_ns, 8192);

	/* Flags given beside the file override every section. */
	{
		struct sw_section over;

		memset(&over, 0, sizeof(over));
		ASSERT_EQ(sw_section_set(&over, SW_DIM_RUNTIME, "2s", false,
					 err, sizeof(err)), 0);
		ASSERT_EQ(sw_section_set(&over, SW_DIM_IODEPTH, "4", false, err,
					 sizeof(err)), 0);
		ASSERT_EQ(sw_grid_expand(&g, &over, err, sizeof(err)), 0);
		ASSERT_EQ(g.npoints, 14);
		for (size_t i = 0; i < g.npoints; i++) {
			ASSERT_EQ(g.points[i].runtime_ns, 2000000000LL);
			ASSERT_EQ(g.points[i].iodepth, 4);
		}
		for (int d = 0; d < SW_NR_DIMS; d++)
			for (int i = 0; i < over.dims[d].n; i++)
				free(over.dims[d].str[i]);
	}
	sw_grid_free(&g);

	/* Only [global]: one sweep, defaults for what is not given. */
	p = write_job("global-only.ini", "[global]\npoll-max-ns = 0,32k\n");
	sw_grid_init(&g);
	ASSERT_EQ(sw_grid_load_job(&g, p, err, sizeof(err)), 0);
	ASSERT_EQ(sw_grid_expand(&g, NULL, err, sizeof(err)), 0);
	ASSERT_EQ(g.npoints, 4); /* iodepth defaults to 1,32 */
	ASSERT_STREQ(g.points[0].engine, "simnvme");
	ASSERT_STREQ(g.points[0].guest_think, "0");
	ASSERT_EQ(g.repetitions, 3);
	sw_grid_free(&g);

	/* guest-think: a list of think-time distributions, passed to run. */
	p = write_job("think.ini", "[global]\nfrontend = virtio\n"
		      "guest-think = 5us, exp:10us\npoll-max-ns = 0\n"
		      "iodepth = 1\n");
	sw_grid_init(&g);
	ASSERT_EQ(sw_grid_load_job(&g, p, err, sizeof(err)), 0);
	ASSERT_EQ(sw_grid_expand(&g, NULL, err, sizeof(err)), 0);
	ASSERT_EQ(g.npoints, 2);
	ASSERT_STREQ(g.points[0].guest_think, "5us");
	ASSERT_STREQ(g.points[1].guest_think, "exp:10us");
	{
		char **argv = sw_point_run_args(&g.points[1]);
		bool found = false;

		ASSERT_NOT_NULL(argv);
		for (int i = 0; argv[i] && argv[i + 1]; i += 2)
			if (!strcmp(argv[i], "--guest-think"))
				found = !strcmp(argv[i + 1], "exp:10us");
		ASSERT_TRUE(found);
		util_argv_free(argv);
	}
	ASSERT_EQ(sw_point_check(&g.points[1], err, sizeof(err)), 0);
	sw_grid_free(&g);
}

struct bad {
	const char *text;
	int line;
	const char *msg;
};

static const struct bad bads[] = {
	{ "[global]\niodepth = 0\n", 2, "invalid value '0' for iodepth" },
	{ "[global]\n\n[a]\npoll-max-ns = 4k, 5x\n", 4,
	  "invalid value '5x' for poll-max-ns" },
	{ "[a]\niodepth = 1\nfrobs = 3\n", 3, "unknown key 'frobs'" },
	{ "[a]\niodepth = 1\niodepth = 2\n", 3, "iodepth appears twice" },
	{ "[a]\niodepth = 1\n[b]\niodepth = 2\n[a]\nbs = 4k\n", 6,
	  "section [a] appears twice" },
	{ "[a]\nrepetitions = 3\n", 2, "allowed only in [global]" },
	{ "[global]\nrepetitions = many\n", 2, "invalid value 'many'" },
	{ "[global]\nseed = -4\n", 2, "invalid value '-4' for seed" },
	{ "iodepth = 1\n", 1, "outside any section" },
	{ "[global]\nthis line has no equals sign\n", 2, "syntax error" },
	{ "[global]\nrw = sideways\n", 2, "invalid value 'sideways' for rw" },
	{ "[global]\nbs = \n", 2, "invalid value '' for bs" },
	{ "[global]\npoll-policy = qemu,nope\n", 2,
	  "invalid value 'nope' for poll-policy" },
	{ "[global]\nplacement = elsewhere\n", 2,
	  "invalid value 'elsewhere' for placement" },
	{ "[global]\nfdmon = kqueue\n", 2, "invalid value 'kqueue' for fdmon" },
	{ "[bad name]\niodepth = 1\n", 2, "invalid section name" },
	{ "[global]\nguest-think = 5us,soon\n", 2,
	  "invalid value 'soon' for guest-think" },
};

static void test_bad(void)
{
	for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		const char *p = write_job("bad.ini", bads[i].text);
		struct sw_grid g;
		char err[512], where[300];
		int ret;

		sw_grid_init(&g);
		ret = sw_grid_load_job(&g, p, err, sizeof(err));
		if (ret != -EINVAL || !strstr(err, bads[i].msg))
			t_fail("case %zu: ret %d, err '%s', wanted '%s'", i,
			       ret, err, bads[i].msg);
		snprintf(where, sizeof(where), "%s:%d: ", p, bads[i].line);
		if (strncmp(err, where, strlen(where)) != 0)
			t_fail("case %zu: '%s' does not start with '%s'", i,
			       err, where);
		sw_grid_free(&g);
	}
}

static void test_missing(void)
{
	struct sw_grid g;
	char err[512];

	sw_grid_init(&g);
	ASSERT_EQ(sw_grid_load_job(&g, "/nonexistent/job.ini", err,
				   sizeof(err)), -ENOENT);
	ASSERT_NOT_NULL(strstr(err, "/nonexistent/job.ini"));
	sw_grid_free(&g);
}

/*
 * What sw_job_read takes: a regular text file up to the limit, read
 * without ever blocking; a directory, a FIFO, a device, a bigger file and
 * a NUL byte are refused (they used to read as empty, hang or be cut).
 */
static void test_read(void)
{
	char p[256], err[256], *text, *big;
	size_t len;
	FILE *f;

	ASSERT_EQ(sw_job_read(write_job("r.ini", "[a]\niodepth = 1\n"),
			      &text, &len, err, sizeof(err)), 0);
	ASSERT_EQ(len, 16);
	ASSERT_STREQ(text, "[a]\niodepth = 1\n");
	free(text);
	ASSERT_EQ(sw_job_read(t_tmpdir(), &text, &len, err, sizeof(err)),
		  -EISDIR);
	ASSERT_NOT_NULL(strstr(err, "directory"));
	snprintf(p, sizeof(p), "%s/fifo", t_tmpdir());
	ASSERT_EQ(mkfifo(p, 0600), 0);
	ASSERT_EQ(sw_job_read(p, &text, &len, err, sizeof(err)), -EINVAL);
	ASSERT_EQ(sw_job_read("/dev/zero", &text, &len, err, sizeof(err)),
		  -EINVAL);
	snprintf(p, sizeof(p), "%s/nul.ini", t_tmpdir());
	f = fopen(p, "w");
	ASSERT_NOT_NULL(f);
	fwrite("[a]\nio\0depth = 1\n", 1, 18, f);
	fclose(f);
	ASSERT_EQ(sw_job_read(p, &text, &len, err, sizeof(err)), -EINVAL);
	ASSERT_NOT_NULL(strstr(err, "line 2"));
	big = calloc(1, SW_JOB_MAX_BYTES + 2);
	ASSERT_NOT_NULL(big);
	memset(big, ';', SW_JOB_MAX_BYTES + 1);
	ASSERT_EQ(sw_job_read(write_job("big.ini", big), &text, &len, err,
			      sizeof(err)), -EFBIG);
	big[SW_JOB_MAX_BYTES] = '\0';
	ASSERT_EQ(sw_job_read(write_job("max.ini", big), &text, &len, err,
			      sizeof(err)), 0);
	ASSERT_EQ(len, SW_JOB_MAX_BYTES);
	free(text);
	free(big);
}

int main(void)
{
	test_good();
	test_bad();
	test_missing();
	test_read();
	return T_EXIT_PASS;
}
