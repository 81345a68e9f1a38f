/*
 * test-simnvme-model.c: the simulated device's pure model: target syntax,
 * latency models, channels (queueing), coalesced interrupt time, errors.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "tests/lib/test.h"
#include "workloads/simnvme-model.h"

static char err[512];

static void must_fail(const char *target, const char *needle)
{
	struct sim_spec s;

	err[0] = '\0';
	if (sim_spec_parse(target, &s, err, sizeof(err)) != -EINVAL)
		t_fail("'%s' was accepted", target);
	if (!strstr(err, needle))
		t_fail("'%s': message '%s' lacks '%s'", target, err, needle);
}

static void test_parse(void)
{
	struct sim_spec s;

	ASSERT_EQ(sim_spec_parse("sim", &s, err, sizeof(err)), 0);
	ASSERT_EQ(s.lat.kind, SIM_LAT_FIXED);
	ASSERT_EQ(s.lat.a_ns, 15000);
	ASSERT_EQ(s.channels, 8);
	ASSERT_EQ(s.size, 1ULL << 30);

	ASSERT_EQ(sim_spec_parse("sim:lat=lognormal:20us,0.3,channels=4,size=2g",
				 &s, err, sizeof(err)), 0);
	ASSERT_EQ(s.lat.kind, SIM_LAT_LOGNORMAL);
	ASSERT_EQ(s.lat.a_ns, 20000);
	ASSERT_DBL(s.lat.sigma, ==, 0.3);
	ASSERT_EQ(s.channels, 4);
	ASSERT_EQ(s.size, 2ULL << 30);

	ASSERT_EQ(sim_spec_parse("sim:lat=uniform:10us-20us,err=1%,spike=0.01:2ms,stuck=0.5,timeout=1ms,coalesce=4:50us,mode=thread,cpu=1,lba=4k",
				 &s, err, sizeof(err)), 0);
	ASSERT_EQ(s.lat.kind, SIM_LAT_UNIFORM);
	ASSERT_EQ(s.lat.a_ns, 10000);
	ASSERT_EQ(s.lat.b_ns, 20000);
	ASSERT_DBL(s.err_rate, ==, 0.01);
	ASSERT_DBL(s.spike_prob, ==, 0.01);
	ASSERT_EQ(s.spike_ns, 2000000);
	ASSERT_DBL(s.stuck_prob, ==, 0.5);
	ASSERT_EQ(s.timeout_ns, 1000000);
	ASSERT_EQ(s.coal_count, 4);
	ASSERT_EQ(s.coal_ns, 50000);
	ASSERT_TRUE(s.thread_mode);
	ASSERT_EQ(s.cpu, 1);
	ASSERT_EQ(s.lba, 4096);

	must_fail("simx", "invalid simnvme target");
	must_fail("/dev/nvme0n1", "invalid simnvme target");
	must_fail("sim:lat=fixed:abc", "invalid latency model 'fixed:abc'");
	must_fail("sim:lat=uniform:20us-10us", "uniform:A-B");
	must_fail("sim:lat=lognormal:20us", "lognormal:MEDIAN,SIGMA");
	must_fail("sim:lat=gauss:1us", "invalid latency model");
	must_fail("sim:channels=0", "channels");
	must_fail("sim:channels=x", "'x'");
	must_fail("sim:size=1", "size");
	must_fail("sim:lba=3", "lba");
	must_fail("sim:err=2", "err");
	must_fail("sim:spike=0.1", "spike");
	must_fail("sim:coalesce=0:1us", "coalesce");
	must_fail("sim:mode=fast", "inline, thread");
	must_fail("sim:color=red", "unknown sim target key 'color'");
	must_fail("sim:lat=hist:/nonexistent/file", "/nonexistent/file");
}

static void test_hist_file(void)
{
	char path[256];
	struct sim_spec s;
	struct wl_rand r;
	FILE *f;
	int n10 = 0, n50 = 0;

	snprintf(path, sizeof(path), "%s/lat.txt", t_tmpdir());
	f = fopen(path, "w");
	ASSERT_NOT_NULL(f);
	fprintf(f, "# latency count\n10us 3\n50us 1\n");
	fclose(f);
	snprintf(err, sizeof(err), "sim:lat=hist:%s", path);
	char target[512];

	snprintf(target, sizeof(target), "%s", err);
	ASSERT_EQ(sim_spec_parse(target, &s, err, sizeof(err)), 0);
	ASSERT_EQ(s.lat.kind, SIM_LAT_HIST);
	wl_rand_seed(&r, 1);
	for (int i = 0; i < 4000; i++) {
		int64_t v = sim_lat_sample(&s.lat, &r);

		if (v == 10000)
			n10++;
		else if (v == 50000)
			n50++;
		else
			t_fail("sample %lld not in the file", (long long)v);
	}
	/* 3:1 weights, wide margin. */
	ASSERT_GT(n10, 2 * n50);
	ASSERT_LT(n10, 4 * n50);
	sim_spec_free(&s);
	unlink(path);

	f = fopen(path, "w");
	fprintf(f, "10us 3\nbogus\n");
	fclose(f);
	snprintf(target, sizeof(target), "sim:lat=hist:%s", path);
	ASSERT_EQ(sim_spec_parse(target, &s, err, sizeof(err)), -EINVAL);
	ASSERT_NOT_NULL(strstr(err, "line 2"));
	unlink(path);
}

static void test_models(void)
{
	struct sim_lat m;
	struct wl_rand r;
	int64_t lo = INT64_MAX, hi = 0, below = 0;
	const int n = 20000;

	wl_rand_seed(&r, 42);
	ASSERT_EQ(sim_lat_parse("uniform:10us-20us", &m, err, sizeof(err)), 0);
	for (int i = 0; i < n; i++) {
		int64_t v = sim_lat_sample(&m, &r);

		lo = v < lo ? v : lo;
		hi = v > hi ? v : hi;
	}
	ASSERT_GE(lo, 10000);
	ASSERT_LE(hi, 20000);
	ASSERT_LT(lo, 10100);
	ASSERT_GT(hi, 19900);

	ASSERT_EQ(sim_lat_parse("lognormal:20us,0.5", &m, err, sizeof(err)), 0);
	for (int i = 0; i < n; i++)
		if (sim_lat_sample(&m, &r) < 20000)
			below++;
	/* The median is 20 us: about half below. */
	ASSERT_GT(below, n * 45 / 100);
	ASSERT_LT(below, n * 55 / 100);
}

static void test_channels(void)
{
	struct sim_spec s;
	struct sim_dev d;
	struct sim_cmd c;
	int64_t now = 1000000, t;
	uint64_t done = 0;

	/* 2 channels, fixed 10 us: 4 commands at once finish at +10, +10, +20, +20. */
	ASSERT_EQ(sim_spec_parse("sim:lat=fixed:10us,channels=2", &s, err,
				 sizeof(err)), 0);
	ASSERT_EQ(sim_dev_init(&d, &s, 1), 0);
	ASSERT_EQ(sim_dev_next_deadline(&d), INT64_MAX);
	for (int i = 0; i < 4; i++)
		ASSERT_GT(sim_dev_submit(&d, now, (uint64_t)i * 4096, 4096,
					 (void *)(intptr_t)(i + 1)), 0);
	ASSERT_EQ(sim_dev_next_deadline(&d), now + 10000);
	ASSERT_FALSE(sim_dev_pop(&d, now + 9999, &c));
	ASSERT_TRUE(sim_dev_pop(&d, now + 10000, &c));
	ASSERT_EQ((intptr_t)c.tag, 1); /* FIFO among equal deadlines */
	ASSERT_EQ(c.result, 4096);
	ASSERT_TRUE(sim_dev_pop(&d, now + 10000, &c));
	ASSERT_EQ((intptr_t)c.tag, 2);
	ASSERT_FALSE(sim_dev_pop(&d, now + 19999, &c));
	ASSERT_EQ(sim_dev_next_deadline(&d), now + 20000);
	ASSERT_TRUE(sim_dev_pop(&d, now + 20000, &c));
	ASSERT_TRUE(sim_dev_pop(&d, now + 20000, &c));
	ASSERT_EQ(d.completed, 4);
	sim_dev_free(&d);

	/* Saturation: QD32 on 4 channels of 10 us gives 4 per 10 us. */
	ASSERT_EQ(sim_spec_parse("sim:lat=fixed:10us,channels=4", &s, err,
				 sizeof(err)), 0);
	ASSERT_EQ(sim_dev_init(&d, &s, 1), 0);
	for (int i = 0; i < 32; i++)
		sim_dev_submit(&d, now, 0, 4096, NULL);
	t = now;
	while (done < 10000) {
		t = sim_dev_next_deadline(&d);
		while (sim_dev_pop(&d, t, &c)) {
			done++;
			sim_dev_submit(&d, t, 0, 4096, NULL);
		}
	}
	/* 10000 commands at 4 per 10 us: 25 ms. */
	ASSERT_GE(t - now, 24900000);
	ASSERT_LE(t - now, 25100000);
	ASSERT_EQ(d.n, 32);
	sim_dev_free(&d);
}

static void test_faults(void)
{
	struct sim_spec s;
	struct sim_dev d;
	struct sim_cmd c;
	int64_t now = 0;
	int eio = 0, ok = 0;

	ASSERT_EQ(sim_spec_parse("sim:lat=fixed:1us,err=0.25", &s, err,
				 sizeof(err)), 0);
	ASSERT_EQ(sim_dev_init(&d, &s, 7), 0);
	for (int i = 0; i < 4000; i++) {
		now = sim_dev_submit(&d, now, 0, 512, NULL);
		ASSERT_TRUE(sim_dev_pop(&d, now, &c));
		if (c.result == -EIO)
			eio++;
		else if (c.result == 512)
			ok++;
	}
	ASSERT_EQ(eio + ok, 4000);
	ASSERT_GT(eio, 700);
	ASSERT_LT(eio, 1300);
	ASSERT_EQ(d.errors, (uint64_t)eio);
	sim_dev_free(&d);

	/* Illegal pattern: unaligned, out of range, zero length. */
	ASSERT_EQ(sim_spec_parse("sim:size=1m", &s, err, sizeof(err)), 0);
	ASSERT_EQ(sim_dev_init(&d, &s, 7), 0);
	sim_dev_submit(&d, 0, 100, 4096, NULL);
	sim_dev_submit(&d, 0, 1 << 20, 4096, NULL);
	sim_dev_submit(&d, 0, (1 << 20) - 512, 4096, NULL);
	sim_dev_submit(&d, 0, 0, 0, NULL);
	sim_dev_submit(&d, 0, (1 << 20) - 4096, 4096, NULL);
	ASSERT_EQ(d.invalid, 4);
	int inval = 0;

	while (sim_dev_pop(&d, INT64_MAX, &c))
		inval += c.result == -EINVAL;
	ASSERT_EQ(inval, 4);
	sim_dev_free(&d);

	/* Stuck commands time out after timeout= with ETIMEDOUT. */
	ASSERT_EQ(sim_spec_parse("sim:lat=fixed:1us,stuck=1,timeout=5ms", &s,
				 err, sizeof(err)), 0);
	ASSERT_EQ(sim_dev_init(&d, &s, 7), 0);
	ASSERT_EQ(sim_dev_submit(&d, 100, 0, 512, NULL), 100 + 5000000);
	ASSERT_FALSE(sim_dev_pop(&d, 5000099, &c));
	ASSERT_TRUE(sim_dev_pop(&d, 5000100, &c));
	ASSERT_EQ(c.result, -ETIMEDOUT);
	sim_dev_free(&d);

	/* Spikes add latency. */
	ASSERT_EQ(sim_spec_parse("sim:lat=fixed:1us,spike=1:1ms", &s, err,
				 sizeof(err)), 0);
	ASSERT_EQ(sim_dev_init(&d, &s, 7), 0);
	ASSERT_EQ(sim_dev_submit(&d, 0, 0, 512, NULL), 1001000);
	ASSERT_EQ(d.spikes, 1);
	sim_dev_free(&d);
}

static void test_coalesce(void)
{
	struct sim_spec s;
	struct sim_dev d;

	/* 4 channels of 10 us, coalesce 3 completions or 100 us. */
	ASSERT_EQ(sim_spec_parse("sim:lat=fixed:10us,channels=1,coalesce=3:25us",
				 &s, err, sizeof(err)), 0);
	ASSERT_EQ(sim_dev_init(&d, &s, 1), 0);
	ASSERT_EQ(sim_dev_irq_time(&d), INT64_MAX);
	sim_dev_submit(&d, 0, 0, 512, NULL);     /* done at 10 us */
	/* One pending: the time limit decides: 10 + 25. */
	ASSERT_EQ(sim_dev_irq_time(&d), 35000);
	sim_dev_submit(&d, 0, 0, 512, NULL);     /* 20 us */
	sim_dev_submit(&d, 0, 0, 512, NULL);     /* 30 us: the 3rd */
	ASSERT_EQ(sim_dev_irq_time(&d), 30000);
	ASSERT_EQ(sim_dev_next_deadline(&d), 10000);
	sim_dev_free(&d);

	ASSERT_EQ(sim_spec_parse("sim:lat=fixed:10us,channels=1", &s, err,
				 sizeof(err)), 0);
	ASSERT_EQ(sim_dev_init(&d, &s, 1), 0);
	sim_dev_submit(&d, 0, 0, 512, NULL);
	sim_dev_submit(&d, 0, 0, 512, NULL);
	ASSERT_EQ(sim_dev_irq_time(&d), 10000);
	sim_dev_free(&d);
}

int main(void)
{
	test_parse();
	test_hist_file();
	test_models();
	test_channels();
	test_faults();
	test_coalesce();
	return T_EXIT_PASS;
}
