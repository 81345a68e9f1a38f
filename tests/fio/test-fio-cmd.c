/*
 * test-fio-cmd.c: jobs and grid points as fio runs them
 * (workloads/fio-cmd.h, sweep/fio-grid.h):
 * engine names both ways, the fio options built for a job, and the fio
 * grid of a mixed aiotune grid (what is kept, collapsed and noted), with
 * the device's hipri support decided by the test.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sweep/fio-grid.h"
#include "tests/lib/test.h"
#include "util/spawn.h"
#include "workloads/fio-cmd.h"

static bool has_arg(char **argv, const char *want)
{
	for (int i = 0; argv[i]; i++)
		if (!strcmp(argv[i], want))
			return true;
	return false;
}

static bool has_prefix(char **argv, const char *prefix)
{
	for (int i = 0; argv[i]; i++)
		if (!strncmp(argv[i], prefix, strlen(prefix)))
			return true;
	return false;
}

static void test_names(void)
{
	char name[64], eng[64], why[256];
	enum wl_fio_variant v;

	ASSERT_EQ(wl_fio_engine_name("io_uring", WL_FIO_PLAIN, name,
				     sizeof(name), why, sizeof(why)), 0);
	ASSERT_STREQ(name, "fio-io_uring");
	ASSERT_EQ(wl_fio_engine_name("io_uring", WL_FIO_SQPOLL, name,
				     sizeof(name), why, sizeof(why)), 0);
	ASSERT_STREQ(name, "fio-io_uring-sqpoll");
	ASSERT_EQ(wl_fio_engine_name("linux-aio", WL_FIO_PLAIN, name,
				     sizeof(name), why, sizeof(why)), 0);
	ASSERT_STREQ(name, "fio-libaio");
	ASSERT_EQ(wl_fio_engine_name("linux-aio", WL_FIO_HIPRI, name,
				     sizeof(name), why, sizeof(why)), -ENOTSUP);
	ASSERT_NOT_NULL(strstr(why, "io_uring option"));
	ASSERT_EQ(wl_fio_engine_name("simnvme", WL_FIO_PLAIN, name,
				     sizeof(name), why, sizeof(why)), -ENOTSUP);
	ASSERT_NOT_NULL(strstr(why, "simulated"));
	ASSERT_EQ(wl_fio_engine_name("threads", WL_FIO_PLAIN, name,
				     sizeof(name), why, sizeof(why)), -ENOTSUP);

	ASSERT_EQ(wl_fio_engine_split("fio-io_uring-hipri", eng, sizeof(eng),
				      &v), 0);
	ASSERT_STREQ(eng, "io_uring");
	ASSERT_EQ(v, WL_FIO_HIPRI);
	ASSERT_EQ(wl_fio_engine_split("fio-libaio", eng, sizeof(eng), &v), 0);
	ASSERT_STREQ(eng, "linux-aio");
	ASSERT_EQ(v, WL_FIO_PLAIN);
	ASSERT_EQ(wl_fio_engine_split("fio-libaio-batch", eng, sizeof(eng), &v),
		  0);
	ASSERT_STREQ(eng, "linux-aio");
	ASSERT_EQ(v, WL_FIO_BATCH);
	ASSERT_EQ(wl_fio_engine_split("fio-libaio-sqpoll", eng, sizeof(eng),
				      &v), -EINVAL);
	ASSERT_EQ(wl_fio_engine_split("io_uring", eng, sizeof(eng), &v),
		  -EINVAL);

	ASSERT_STREQ(wl_fio_engine_peer("fio-io_uring-sqpoll"), "io_uring");
	ASSERT_STREQ(wl_fio_engine_peer("fio-libaio"), "linux-aio");
	ASSERT_NULL(wl_fio_engine_peer("fio-psync"));
	ASSERT_NULL(wl_fio_engine_peer("io_uring"));
	ASSERT_TRUE(wl_engine_is_fio("fio-psync"));
	ASSERT_FALSE(wl_engine_is_fio("simnvme"));
}

static void test_variants(void)
{
	unsigned mask;
	char err[256];

	ASSERT_EQ(wl_fio_variants_parse("plain,hipri", &mask, err, sizeof(err)),
		  0);
	ASSERT_EQ(mask, (1u << WL_FIO_PLAIN) | (1u << WL_FIO_HIPRI));
	ASSERT_EQ(wl_fio_variants_parse("plain,sqpol", &mask, err, sizeof(err)),
		  -EINVAL);
	ASSERT_NOT_NULL(strstr(err, "'plain,sqpol'"));
	ASSERT_NOT_NULL(strstr(err, "plain, sqpoll, hipri, batch"));
	ASSERT_EQ(wl_fio_variants_parse("", &mask, err, sizeof(err)), -EINVAL);
}

static void test_argv(void)
{
	struct wl_job job;
	const char *dim;
	char why[256];
	char **a;

	wl_job_init(&job);
	snprintf(job.engine, sizeof(job.engine), "linux-aio");
	snprintf(job.target, sizeof(job.target), "/data/f");
	job.rw = WL_RW_RANDRW;
	job.rwmixread = 70;
	job.bs = 8192;
	job.iodepth = 32;
	job.iothreads = 2;
	job.runtime_ns = 1500000000LL;
	job.ramp_ns = 250000LL;
	job.direct = true;
	job.seed = 42;
	ASSERT_TRUE(wl_fio_expressible(&job, WL_FIO_PLAIN, &dim, why,
				       sizeof(why)));
	a = wl_fio_argv("/usr/bin/fio", &job, WL_FIO_PLAIN, "1,3", "o.json");
	ASSERT_NOT_NULL(a);
	ASSERT_STREQ(a[0], "/usr/bin/fio");
	ASSERT_TRUE(has_arg(a, "--filename=/data/f"));
	ASSERT_TRUE(has_arg(a, "--ioengine=libaio"));
	ASSERT_TRUE(has_arg(a, "--rw=randrw"));
	ASSERT_TRUE(has_arg(a, "--rwmixread=70"));
	ASSERT_TRUE(has_arg(a, "--bs=8192"));
	ASSERT_TRUE(has_arg(a, "--iodepth=32"));
	ASSERT_TRUE(has_arg(a, "--numjobs=2"));
	ASSERT_TRUE(has_arg(a, "--group_reporting=1"));
	ASSERT_TRUE(has_arg(a, "--time_based=1"));
	ASSERT_TRUE(has_arg(a, "--runtime=1500ms"));
	ASSERT_TRUE(has_arg(a, "--ramp_time=250us"));
	ASSERT_TRUE(has_arg(a, "--direct=1"));
	ASSERT_TRUE(has_arg(a, "--allow_file_create=0"));
	ASSERT_TRUE(has_arg(a, "--lat_percentiles=1"));
	ASSERT_TRUE(has_arg(a, "--randseed=42"));
	ASSERT_TRUE(has_arg(a, "--cpus_allowed=1,3"));
	ASSERT_TRUE(has_arg(a, "--cpus_allowed_policy=split"));
	ASSERT_TRUE(has_arg(a, "--output-format=json"));
	ASSERT_TRUE(has_arg(a, "--output=o.json"));
	ASSERT_FALSE(has_prefix(a, "--hipri"));
	ASSERT_FALSE(has_prefix(a, "--sqthread_poll"));
	ASSERT_FALSE(has_prefix(a, "--iodepth_batch"));
	util_argv_free(a);
	a = wl_fio_argv("fio", &job, WL_FIO_BATCH, "", "o.json");
	ASSERT_TRUE(has_arg(a, "--ioengine=libaio"));
	ASSERT_TRUE(has_arg(a, "--iodepth_batch_submit=32"));
	ASSERT_TRUE(has_arg(a, "--iodepth_batch_complete_max=32"));
	util_argv_free(a);

	snprintf(job.engine, sizeof(job.engine), "io_uring");
	job.rw = WL_RW_RANDREAD;
	job.iothreads = 1;
	job.direct = false;
	a = wl_fio_argv("fio", &job, WL_FIO_SQPOLL, "", "o.json");
	ASSERT_NOT_NULL(a);
	ASSERT_TRUE(has_arg(a, "--ioengine=io_uring"));
	ASSERT_TRUE(has_arg(a, "--sqthread_poll=1"));
	ASSERT_TRUE(has_arg(a, "--direct=0"));
	ASSERT_FALSE(has_prefix(a, "--rwmixread"));
	ASSERT_FALSE(has_prefix(a, "--cpus_allowed"));
	util_argv_free(a);
	a = wl_fio_argv("fio", &job, WL_FIO_HIPRI, NULL, "o.json");
	ASSERT_TRUE(has_arg(a, "--hipri=1"));
	util_argv_free(a);

	/* What fio cannot express, and which setting says so. */
	snprintf(job.frontend, sizeof(job.frontend), "virtio");
	ASSERT_FALSE(wl_fio_expressible(&job, WL_FIO_PLAIN, &dim, why,
					sizeof(why)));
	ASSERT_STREQ(dim, "frontend");
	snprintf(job.frontend, sizeof(job.frontend), "direct");
	snprintf(job.target, sizeof(job.target), "sim:lat=fixed:15us");
	ASSERT_FALSE(wl_fio_expressible(&job, WL_FIO_PLAIN, &dim, why,
					sizeof(why)));
	ASSERT_STREQ(dim, "target");
	snprintf(job.engine, sizeof(job.engine), "simnvme");
	ASSERT_FALSE(wl_fio_expressible(&job, WL_FIO_PLAIN, &dim, why,
					sizeof(why)));
	ASSERT_STREQ(dim, "engine");
}

static bool hipri_yes(const char *target, char *why, size_t whylen)
{
	return true;
}

static bool hipri_no(const char *target, char *why, size_t whylen)
{
	snprintf(why, whylen, "no poll queues on %s", target);
	return false;
}

static struct sw_point point(const char *engine, const char *frontend,
			      int64_t iodepth, int64_t poll_max_ns)
{
	struct sw_point p;

	memset(&p, 0, sizeof(p));
	snprintf(p.section, sizeof(p.section), "s");
	snprintf(p.engine, sizeof(p.engine), "%s", engine);
	snprintf(p.target, sizeof(p.target), "%s",
		 strcmp(engine, "simnvme") ? "/data/f" : "sim");
	snprintf(p.rw, sizeof(p.rw), "randread");
	p.bs = 4096;
	snprintf(p.frontend, sizeof(p.frontend), "%s", frontend);
	p.iothreads = 1;
	snprintf(p.placement, sizeof(p.placement), "none");
	p.iodepth = iodepth;
	snprintf(p.poll_policy, sizeof(p.poll_policy), "qemu");
	snprintf(p.fdmon, sizeof(p.fdmon), "poll");
	snprintf(p.guest_think, sizeof(p.guest_think), "0");
	p.runtime_ns = 1000000000;
	p.ramp_ns = 0;
	p.poll_max_ns = poll_max_ns;
	return p;
}

static const struct sw_fio_note *find_note(const struct sw_fio_grid *g,
					const char *what)
{
	for (int i = 0; i < g->nnotes; i++)
		if (!strcmp(g->notes[i].what, what))
			return &g->notes[i];
	return NULL;
}

static int count_engine(const struct sw_fio_grid *g, const char *engine)
{
	int n = 0;

	for (size_t i = 0; i < g->n; i++)
		n += !strcmp(g->points[i].engine, engine);
	return n;
}

static void test_grid(void)
{
	struct sw_point in[16];
	struct sw_fio_grid g;
	unsigned all = (1u << WL_FIO_NR_VARIANTS) - 1;
	size_t n = 0;

	/* io_uring and linux-aio at QD1/32, each at three windows. */
	for (int64_t qd = 1; qd <= 32; qd += 31)
		for (int64_t p = 0; p <= 65536; p += 32768) {
			in[n++] = point("io_uring", "direct", qd, p);
			if (p == 0)
				in[n++] = point("linux-aio", "direct", qd, p);
		}
	in[n++] = point("simnvme", "direct", 1, 0);
	in[n++] = point("io_uring", "virtio", 1, 0);
	in[n++] = point("threads", "direct", 1, 0);
	/* A guest pause means nothing to fio: same fio point as in[0]. */
	in[n] = point("io_uring", "direct", 1, 0);
	snprintf(in[n].guest_think, sizeof(in[n].guest_think), "5us");
	n++;

	ASSERT_EQ(sw_fio_grid_build(in, n, all, hipri_yes, &g), 0);
	/* Windows collapse: 2 iodepths x (4 io_uring + 2 libaio variants). */
	ASSERT_EQ(g.n, 12);
	ASSERT_EQ(count_engine(&g, "fio-io_uring"), 2);
	ASSERT_EQ(count_engine(&g, "fio-io_uring-sqpoll"), 2);
	ASSERT_EQ(count_engine(&g, "fio-io_uring-hipri"), 2);
	ASSERT_EQ(count_engine(&g, "fio-libaio"), 2);
	ASSERT_EQ(count_engine(&g, "fio-libaio-batch"), 2);
	for (size_t i = 0; i < g.n; i++) {
		ASSERT_EQ(g.points[i].poll_max_ns, 0);
		ASSERT_STREQ(g.points[i].poll_policy, "off");
		ASSERT_STREQ(g.points[i].fdmon, "auto");
		ASSERT_STREQ(g.points[i].guest_think, "0");
	}
	ASSERT_NOT_NULL(find_note(&g, "engine=simnvme"));
	ASSERT_NOT_NULL(find_note(&g, "engine=threads"));
	ASSERT_NOT_NULL(find_note(&g, "frontend=virtio"));
	ASSERT_NOT_NULL(find_note(&g, "poll-max-ns=32k,64k"));
	/* libaio simply has no variants: not a skip worth listing. */
	ASSERT_NULL(find_note(&g, "engine=linux-aio variant sqpoll"));
	sw_fio_grid_free(&g);

	/* The device cannot poll: hipri noted with the device's reason. */
	ASSERT_EQ(sw_fio_grid_build(in, n, all, hipri_no, &g), 0);
	ASSERT_EQ(g.n, 10);
	ASSERT_EQ(count_engine(&g, "fio-io_uring-hipri"), 0);
	ASSERT_NOT_NULL(find_note(&g, "hipri on /data/f"));
	ASSERT_NOT_NULL(strstr(find_note(&g, "hipri on /data/f")->why,
			       "no poll queues"));
	sw_fio_grid_free(&g);

	/* Only the plain variant asked for. */
	ASSERT_EQ(sw_fio_grid_build(in, n, 1u << WL_FIO_PLAIN, hipri_yes, &g),
		  0);
	ASSERT_EQ(g.n, 4);
	sw_fio_grid_free(&g);

	/* Nothing expressible: no points, the reasons noted. */
	ASSERT_EQ(sw_fio_grid_build(&in[n - 4], 3, all, hipri_yes, &g), 0);
	ASSERT_EQ(g.n, 0);
	ASSERT_GE(g.nnotes, 3);
	sw_fio_grid_free(&g);
}

/* fio splits --filename at ':'; a ':' of the path is escaped as "\\:". */
static void test_filename_colon(void)
{
	struct wl_job job;
	char **a;

	wl_job_init(&job);
	snprintf(job.engine, sizeof(job.engine), "io_uring");
	snprintf(job.target, sizeof(job.target), "/data/a:b:c");
	a = wl_fio_argv("fio", &job, WL_FIO_PLAIN, "", "o.json");
	ASSERT_NOT_NULL(a);
	ASSERT_TRUE(has_arg(a, "--filename=/data/a\\:b\\:c"));
	util_argv_free(a);
	/* A leading ':' (fio would drop it) and "\\:" already in the name. */
	snprintf(job.target, sizeof(job.target), ":x\\:y");
	a = wl_fio_argv("fio", &job, WL_FIO_PLAIN, "", "o.json");
	ASSERT_TRUE(has_arg(a, "--filename=\\:x\\\\:y"));
	util_argv_free(a);
}

int main(void)
{
	test_names();
	test_variants();
	test_argv();
	test_filename_colon();
	test_grid();
	printf("fio-cmd: ok\n");
	return 0;
}
