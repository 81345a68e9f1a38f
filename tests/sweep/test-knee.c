/*
 * test-knee.c: the recommendation on made-up curves whose right answer is
 * known: the knee per iodepth, spread widening the tolerance, the
 * objectives and the CPU budget choosing differently, and the warnings
 * (no knee, too few points, one repetition, spread too wide).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "results/recommend.h"
#include "results/summary.h"
#include "tests/lib/test.h"

/* Add reps rows of one point; IOPS spread +-jitter (fraction). */
static void add(struct res_table *t, int qd, int64_t poll, double iops,
		double cpu, double p99_us, int reps, double jitter)
{
	for (int r = 0; r < reps; r++) {
		struct res_row row;
		double f = reps > 1 ? 1 + jitter * (2.0 * r / (reps - 1) - 1) :
				      1;

		res_row_init(&row);
		snprintf(row.run_id, sizeof(row.run_id), "q%d-p%lld-r%d", qd,
			 (long long)poll, r + 1);
		strcpy(row.engine, "simnvme");
		strcpy(row.target, "sim");
		strcpy(row.rw, "randread");
		row.bs_bytes = 4096;
		strcpy(row.frontend, "direct");
		row.iothreads = 1;
		strcpy(row.placement, "none");
		row.iodepth = qd;
		strcpy(row.poll_policy, "qemu");
		strcpy(row.fdmon_requested, "auto");
		row.poll_max_ns = poll;
		row.iops = iops * f;
		row.cpu_iothread_pct = cpu;
		row.iops_per_cpu = row.iops / (cpu / 100);
		row.lat_p99_ns = p99_us * 1000;
		row.lat_p50_ns = p99_us * 500;
		ASSERT_EQ(res_table_add(t, &row), 0);
	}
}

static const int64_t polls[] = { 0, 4096, 8192, 16384, 32768, 65536 };

/* qd1: knee at 16k (device latency 12 us); qd32: knee at 4k. */
static void typical(struct res_table *t, int reps, double jitter)
{
	static const double q1[] = { 20000, 21000, 22000, 60000, 61000, 61000 };
	static const double c1[] = { 40, 45, 50, 100, 100, 100 };
	static const double q32[] = { 300000, 330000, 331000, 332000, 332000,
				      333000 };

	for (int i = 0; i < 6; i++) {
		add(t, 1, polls[i], q1[i], c1[i], q1[i] > 50000 ? 20 : 60,
		    reps, jitter);
		add(t, 32, polls[i], q32[i], i ? 90 : 70, 150, reps, jitter);
	}
}

static void build(struct res_summary *s, struct res_table *t)
{
	const char *labels[] = { "test" };

	ASSERT_EQ(res_summary_build(s, t, labels, 1), 0);
}

static const struct res_knee *knee_of(const struct res_summary *s,
				      const struct res_rec *r, int qd)
{
	for (size_t i = 0; i < r->nknees; i++)
		if (s->aggs[s->series[r->knees[i].series].pts[0]].key.iodepth ==
		    qd)
			return &r->knees[i];
	t_fail("no curve for iodepth %d", qd);
}

static bool warned(const struct res_rec *r, const char *what)
{
	for (int i = 0; i < r->nwarn; i++)
		if (strstr(r->warn[i], what))
			return true;
	return false;
}

static void test_knees_and_objectives(void)
{
	struct res_table t = { 0 };
	struct res_summary s;
	struct res_rec_opts o;
	struct res_rec r;

	typical(&t, 3, 0.01);
	build(&s, &t);
	ASSERT_EQ(s.nseries, 2);
	ASSERT_STREQ(s.series[0].label, "iodepth=1");
	ASSERT_STREQ(s.series[1].label, "iodepth=32");
	ASSERT_EQ(s.aggs[s.series[0].pts[0]].nrows, 3);
	ASSERT_DBL(fabs(s.aggs[s.series[0].pts[0]].spread - 0.02), <, 1e-9);

	res_rec_opts_init(&o);
	o.objective = RES_OBJ_THROUGHPUT;
	ASSERT_EQ(res_recommend(&s, &o, &r), 0);
	ASSERT_EQ(knee_of(&s, &r, 1)->knee_ns, 16384);
	ASSERT_EQ(knee_of(&s, &r, 32)->knee_ns, 4096);
	ASSERT_DBL(knee_of(&s, &r, 1)->knee_cpu, ==, 100);
	ASSERT_DBL(knee_of(&s, &r, 1)->zero_cpu, ==, 40);
	ASSERT_TRUE(r.have);
	ASSERT_TRUE(r.confident);
	ASSERT_EQ(r.poll_max_ns, 16384);
	ASSERT_NOT_NULL(strstr(r.explain, "iodepth=1 decided it"));
	res_rec_free(&r);

	/* Balanced: a 3x gain for 2.5x CPU pays. */
	o.objective = RES_OBJ_BALANCED;
	ASSERT_EQ(res_recommend(&s, &o, &r), 0);
	ASSERT_EQ(r.poll_max_ns, 16384);
	res_rec_free(&r);

	/* Latency: qd1's p99 drops at 16k, qd32's is flat. */
	o.objective = RES_OBJ_LATENCY;
	ASSERT_EQ(res_recommend(&s, &o, &r), 0);
	ASSERT_EQ(r.poll_max_ns, 16384);
	ASSERT_NOT_NULL(strstr(r.explain, "p99"));
	res_rec_free(&r);

	/* A budget of 60% forbids the knee of qd1. */
	o.objective = RES_OBJ_THROUGHPUT;
	o.cpu_budget_pct = 95;
	ASSERT_EQ(res_recommend(&s, &o, &r), 0);
	ASSERT_TRUE(r.have);
	ASSERT_LT(r.poll_max_ns, 16384);
	ASSERT_NOT_NULL(strstr(r.explain, "CPU budget decided"));
	res_rec_free(&r);
	o.cpu_budget_pct = 10;
	ASSERT_EQ(res_recommend(&s, &o, &r), 0);
	ASSERT_TRUE(warned(&r, "CPU budget"));
	res_rec_free(&r);

	res_summary_free(&s);
	res_table_free(&t);
}

static void test_efficiency(void)
{
	struct res_table t = { 0 };
	struct res_summary s;
	struct res_rec_opts o;
	struct res_rec r;

	/* Bare-metal-like: polling gains 15% IOPS for 3x the CPU. */
	for (int i = 0; i < 6; i++)
		add(&t, 1, polls[i], i >= 3 ? 115000 : 100000,
		    i >= 3 ? 100 : 33, 30, 3, 0.01);
	build(&s, &t);
	res_rec_opts_init(&o);
	o.objective = RES_OBJ_EFFICIENCY;
	ASSERT_EQ(res_recommend(&s, &o, &r), 0);
	ASSERT_EQ(r.poll_max_ns, 0);
	res_rec_free(&r);
	o.objective = RES_OBJ_BALANCED;
	ASSERT_EQ(res_recommend(&s, &o, &r), 0);
	ASSERT_EQ(r.poll_max_ns, 0);
	res_rec_free(&r);
	o.objective = RES_OBJ_THROUGHPUT;
	ASSERT_EQ(res_recommend(&s, &o, &r), 0);
	ASSERT_EQ(r.poll_max_ns, 16384);
	res_rec_free(&r);
	res_summary_free(&s);
	res_table_free(&t);
}

static void test_spread(void)
{
	struct res_table t = { 0 };
	struct res_summary s;
	struct res_rec_opts o;
	struct res_rec r;

	/*
	 * IOPS 80k at 8k and 90k from 16k, but +-15% noise: within the
	 * noise 8k is as good as the best, and the spread is warned about.
	 */
	for (int i = 0; i < 6; i++)
		add(&t, 1, polls[i], i >= 3 ? 90000 : i == 2 ? 80000 : 40000,
		    50, 30, 3, 0.15);
	build(&s, &t);
	res_rec_opts_init(&o);
	o.objective = RES_OBJ_THROUGHPUT;
	ASSERT_EQ(res_recommend(&s, &o, &r), 0);
	ASSERT_EQ(r.knees[0].knee_ns, 8192);
	ASSERT_DBL(r.knees[0].tol, >, 0.14);
	ASSERT_TRUE(r.knees[0].wide_spread);
	ASSERT_TRUE(warned(&r, "vary by more than"));
	ASSERT_FALSE(r.confident);
	res_rec_free(&r);
	/* The same without noise: the knee is at 16k. */
	res_summary_free(&s);
	res_table_free(&t);
	for (int i = 0; i < 6; i++)
		add(&t, 1, polls[i], i >= 3 ? 90000 : i == 2 ? 80000 : 40000,
		    50, 30, 3, 0.005);
	build(&s, &t);
	ASSERT_EQ(res_recommend(&s, &o, &r), 0);
	ASSERT_EQ(r.knees[0].knee_ns, 16384);
	ASSERT_TRUE(r.confident);
	res_rec_free(&r);
	res_summary_free(&s);
	res_table_free(&t);
}

static void test_warnings(void)
{
	struct res_table t = { 0 };
	struct res_summary s;
	struct res_rec_opts o;
	struct res_rec r;

	res_rec_opts_init(&o);
	/* Still rising at the end of the grid: no knee. */
	for (int i = 0; i < 6; i++)
		add(&t, 1, polls[i], 10000.0 * (i + 1), 50, 30, 3, 0.01);
	build(&s, &t);
	ASSERT_EQ(res_recommend(&s, &o, &r), 0);
	ASSERT_TRUE(r.knees[0].rising);
	ASSERT_TRUE(warned(&r, "no knee"));
	res_rec_free(&r);
	res_summary_free(&s);
	res_table_free(&t);

	/* Two poll values, one repetition each. */
	add(&t, 1, 0, 10000, 50, 30, 1, 0);
	add(&t, 1, 32768, 20000, 100, 30, 1, 0);
	build(&s, &t);
	ASSERT_EQ(res_recommend(&s, &o, &r), 0);
	ASSERT_TRUE(warned(&r, "needs at least 3"));
	ASSERT_TRUE(warned(&r, "one repetition"));
	ASSERT_FALSE(r.confident);
	res_rec_free(&r);
	res_summary_free(&s);
	res_table_free(&t);

	/* Flat: polling changes nothing; the knee is 0. */
	for (int i = 0; i < 6; i++)
		add(&t, 1, polls[i], 50000 + i * 100, 50, 30, 3, 0.01);
	build(&s, &t);
	o.objective = RES_OBJ_THROUGHPUT;
	ASSERT_EQ(res_recommend(&s, &o, &r), 0);
	ASSERT_TRUE(r.knees[0].flat);
	ASSERT_EQ(r.knees[0].knee_ns, 0);
	ASSERT_EQ(r.poll_max_ns, 0);
	res_rec_free(&r);
	res_summary_free(&s);
	res_table_free(&t);
}

int main(void)
{
	test_knees_and_objectives();
	test_efficiency();
	test_spread();
	test_warnings();
	return T_EXIT_PASS;
}
