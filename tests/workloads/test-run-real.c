/*
 * test-run-real.c: wl_run() on a real file, the way `aiotune run` does it:
 * - io_uring + virtio: requests complete without errors, the guest latency
 *   histogram is filled, the front end's counters reach the result summed
 *   by name (every request either kicked or did not);
 * - threads + direct with two IOThreads on one file;
 * - where the file is on a block device, the disk's counters over the
 *   window show the reads the run made (O_DIRECT: one each), give or
 *   take those in flight when the window opened.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "tests/lib/test.h"
#include "workloads/runner.h"

static uint64_t counter(const struct wl_result *r, const char *name)
{
	for (int i = 0; i < r->nfe_counters; i++)
		if (!strcmp(r->fe_counters[i].name, name))
			return r->fe_counters[i].value;
	t_fail("no counter '%s' in the result", name);
}

static void one(const char *path, const char *engine, const char *fe,
		uint32_t iothreads, struct wl_result *res)
{
	struct wl_job job;
	char err[512];
	int ret;

	wl_job_init(&job);
	snprintf(job.engine, sizeof(job.engine), "%s", engine);
	snprintf(job.frontend, sizeof(job.frontend), "%s", fe);
	snprintf(job.target, sizeof(job.target), "%s", path);
	snprintf(job.guest_think, sizeof(job.guest_think), "2us");
	job.size = 4 << 20;
	job.iodepth = 2;
	job.iothreads = iothreads;
	job.runtime_ns = 300000000;
	job.ramp_ns = 100000000;
	ret = wl_job_check(&job, err, sizeof(err));
	if (ret)
		t_fail("check %s/%s: %s", engine, fe, err);
	ret = wl_run(&job, res, err, sizeof(err));
	if (ret)
		t_fail("run %s/%s: %s", engine, fe, err);
	printf("%s/%s x%u: %llu ios, %llu errors; disk %s: %llu reads, "
	       "%llu merged, %llu irqs\n", engine, fe, iothreads,
	       (unsigned long long)res->total.ios,
	       (unsigned long long)res->total.errors,
	       res->has_dev ? res->dev.disk : "-",
	       (unsigned long long)res->dev.rd_ios,
	       (unsigned long long)res->dev.rd_merges,
	       (unsigned long long)res->dev.irqs);
	ASSERT_GT(res->total.ios, 20);
	ASSERT_EQ(res->total.errors, 0);
	/*
	 * The disk counts a read when the device completes it, the run when
	 * the IOThread sees it: up to iodepth per IOThread straddle the
	 * start of the window. The disk counts requests after merging:
	 * two adjacent reads submitted together (the context ring submits
	 * a batch in one call) are one request and one merge.
	 */
	if (res->has_dev)
		ASSERT_GE(res->dev.rd_ios + res->dev.rd_merges +
			  job.iodepth * iothreads, res->total.reads);
}

int main(void)
{
	const char *build = getenv("BUILD");
	struct wl_result *res = calloc(1, sizeof(*res));
	char path[1024];
	uint64_t sub, kicks, quiet;

	ASSERT_NOT_NULL(res);
	snprintf(path, sizeof(path), "%s/tmp", build ? build : t_tmpdir());
	mkdir(path, 0755);
	strncat(path, "/run-real.dat", sizeof(path) - strlen(path) - 1);
	unlink(path);

	one(path, "io_uring", "virtio", 1, res);
	ASSERT_TRUE(res->has_guest_lat);
	ASSERT_GT(res->guest_lat.n, 0);
	sub = counter(res, "submitted");
	kicks = counter(res, "kicks");
	quiet = counter(res, "kicks_suppressed");
	ASSERT_GT(sub, 0);
	/* Counted one after the other: the window may fall between. */
	ASSERT_LE(kicks + quiet, sub + 1);
	ASSERT_GE(kicks + quiet + 1, sub);
	ASSERT_EQ(counter(res, "bad_completions"), 0);
	wl_result_free(res);

	one(path, "threads", "direct", 2, res);
	ASSERT_EQ(res->nfe_counters, 0);
	wl_result_free(res);

	unlink(path);
	free(res);
	return T_EXIT_PASS;
}
