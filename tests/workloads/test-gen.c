/* test-gen.c: request pattern (range, alignment, sequence, mix) and PRNG. */
#include <errno.h>

#include "tests/lib/test.h"
#include "workloads/gen.h"

int main(void)
{
	struct wl_job job;
	struct wl_gen g;
	struct wl_io io;
	char err[256];
	int reads = 0, seen[16] = { 0 };

	wl_job_init(&job);
	job.bs = 4096;
	job.offset = 8192;
	job.size = 16 * 4096;
	ASSERT_EQ(wl_gen_init(&g, &job, 1 << 20, 512, 1, err, sizeof(err)), 0);
	for (int i = 0; i < 16000; i++) {
		wl_gen_next(&g, &io);
		ASSERT_EQ(io.len, 4096);
		ASSERT_EQ(io.offset % 4096, 0);
		ASSERT_GE(io.offset, 8192);
		ASSERT_LT(io.offset, 8192 + 16 * 4096);
		ASSERT_EQ(io.ddir, WL_DDIR_READ);
		seen[(io.offset - 8192) / 4096]++;
	}
	for (int i = 0; i < 16; i++)
		ASSERT_GT(seen[i], 500); /* about 1000 each */

	job.rw = WL_RW_WRITE;
	ASSERT_EQ(wl_gen_init(&g, &job, 1 << 20, 512, 1, err, sizeof(err)), 0);
	for (int i = 0; i < 40; i++) {
		wl_gen_next(&g, &io);
		ASSERT_EQ(io.offset, 8192 + (uint64_t)(i % 16) * 4096);
		ASSERT_EQ(io.ddir, WL_DDIR_WRITE);
	}

	job.rw = WL_RW_RANDRW;
	job.rwmixread = 70;
	ASSERT_EQ(wl_gen_init(&g, &job, 1 << 20, 512, 1, err, sizeof(err)), 0);
	for (int i = 0; i < 10000; i++) {
		wl_gen_next(&g, &io);
		reads += io.ddir == WL_DDIR_READ;
	}
	ASSERT_GT(reads, 6500);
	ASSERT_LT(reads, 7500);

	/* Bad geometry is refused with a reason. */
	job.bs = 1000;
	ASSERT_EQ(wl_gen_init(&g, &job, 1 << 20, 512, 1, err, sizeof(err)),
		  -EINVAL);
	ASSERT_NOT_NULL(strstr(err, "alignment"));
	job.bs = 4096;
	job.size = 2 << 20;
	ASSERT_EQ(wl_gen_init(&g, &job, 1 << 20, 512, 1, err, sizeof(err)),
		  -EINVAL);
	ASSERT_NOT_NULL(strstr(err, "larger than the target"));
	job.size = 0;
	job.offset = 1 << 20;
	ASSERT_EQ(wl_gen_init(&g, &job, 1 << 20, 512, 1, err, sizeof(err)),
		  -EINVAL);

	/* rw names round trip. */
	for (int rw = WL_RW_RANDREAD; rw <= WL_RW_RANDRW; rw++) {
		enum wl_rw back;

		ASSERT_EQ(wl_rw_parse(wl_rw_name((enum wl_rw)rw), &back), 0);
		ASSERT_EQ(back, rw);
	}
	ASSERT_EQ(wl_rw_parse("randomread", &(enum wl_rw){ 0 }), -EINVAL);

	/* wl_rand_below stays below and covers the range. */
	struct wl_rand r;
	int hit[7] = { 0 };

	wl_rand_seed(&r, 0);
	for (int i = 0; i < 7000; i++) {
		uint64_t v = wl_rand_below(&r, 7);

		ASSERT_LT(v, 7);
		hit[v]++;
	}
	for (int i = 0; i < 7; i++)
		ASSERT_GT(hit[i], 800);
	return T_EXIT_PASS;
}
