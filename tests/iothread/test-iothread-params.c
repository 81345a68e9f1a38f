/*
 * test-iothread-params.c: IOThread properties. Bad values are refused with
 * QEMU's messages; values given at creation and set live (qom-set) reach
 * the thread's context; a refused live change leaves the old value.
 */
#include <errno.h>
#include <string.h>

#include "loop/aio.h"
#include "loop/iothread.h"
#include "polling/policy.h"
#include "tests/iothread/iothread-test.h"

#define RANGE_MSG(name) name " value must be in range [0, 9223372036854775807]"

static void expect_set_error(const char *name, const char *value, int want,
			     const char *msg)
{
	IOThreadParams p;
	char err[256] = "";
	int ret;

	iothread_params_init(&p);
	ret = iothread_params_set(&p, name, value, err, sizeof(err));
	if (ret != want)
		t_fail("%s=%s: ret %d, want %d (%s)", name, value, ret, want,
		       err);
	if (strncmp(err, msg, strlen(msg)) != 0)
		t_fail("%s=%s: message \"%s\", want \"%s\"", name, value, err,
		       msg);
}

static void test_bad_values(void)
{
	IOThreadParams p;
	char err[256] = "";

	expect_set_error("poll-max-ns", "-1", -EINVAL,
			 RANGE_MSG("poll-max-ns"));
	expect_set_error("poll-grow", "-2", -EINVAL, RANGE_MSG("poll-grow"));
	expect_set_error("poll-shrink", "-3", -EINVAL,
			 RANGE_MSG("poll-shrink"));
	expect_set_error("aio-max-batch", "-1", -EINVAL,
			 RANGE_MSG("aio-max-batch"));
	expect_set_error("thread-pool-min", "-1", -EINVAL,
			 RANGE_MSG("thread-pool-min"));
	expect_set_error("poll-weight", "64", -EINVAL,
			 "poll-weight value must be in range [0, 63]");
	expect_set_error("poll-max-ns", "12abc", -EINVAL,
			 "Parameter 'poll-max-ns' expects int64");
	expect_set_error("poll-max-ns", "", -EINVAL,
			 "Parameter 'poll-max-ns' expects int64");
	expect_set_error("poll-policy", "nope", -EINVAL,
			 "poll-policy 'nope' is not one of: qemu");
	expect_set_error("poll-speed", "1", -ENOENT,
			 "unknown IOThread property 'poll-speed'");

	/* Good values are stored. */
	iothread_params_init(&p);
	ASSERT_EQ(iothread_params_set(&p, "poll-max-ns", "9223372036854775807",
				      err, sizeof(err)), 0);
	ASSERT_EQ(p.poll_max_ns, INT64_MAX);
	ASSERT_EQ(iothread_params_set(&p, "poll-shrink", "0", err,
				      sizeof(err)), 0);
	ASSERT_EQ(iothread_params_set(&p, "thread-pool-max", "8", err,
				      sizeof(err)), 0);
	ASSERT_EQ(p.thread_pool_max, 8);

	/* Cross-property checks, QEMU's message. */
	iothread_params_init(&p);
	ASSERT_EQ(iothread_params_check(&p, err, sizeof(err)), 0);
	p.thread_pool_min = 5;
	p.thread_pool_max = 2;
	ASSERT_EQ(iothread_params_check(&p, err, sizeof(err)), -EINVAL);
	ASSERT_STREQ(err, "bad thread-pool-min/thread-pool-max values");
	p.thread_pool_min = 0;
	p.thread_pool_max = 0;
	ASSERT_EQ(iothread_params_check(&p, err, sizeof(err)), -EINVAL);
	p.thread_pool_max = (int64_t)INT32_MAX + 1;
	ASSERT_EQ(iothread_params_check(&p, err, sizeof(err)), -EINVAL);

	/* ... and iothread_create refuses them the same way. */
	iothread_params_init(&p);
	p.thread_pool_min = 5;
	p.thread_pool_max = 2;
	err[0] = '\0';
	errno = 0;
	ASSERT_NULL(iothread_create("bad", &p, err, sizeof(err)));
	ASSERT_EQ(errno, EINVAL);
	ASSERT_STREQ(err, "bad thread-pool-min/thread-pool-max values");
	iothread_params_init(&p);
	p.poll_max_ns = -1;
	ASSERT_NULL(iothread_create("bad", &p, err, sizeof(err)));
	ASSERT_STREQ(err, RANGE_MSG("poll-max-ns"));
}

/* The name of a registered policy other than the default, or NULL. */
static const char *other_policy(void)
{
	const struct poll_policy_ops *const *all = poll_policy_all();
	size_t i;

	for (i = 0; all[i]; i++)
		if (all[i] != poll_policy_default())
			return all[i]->name;
	return NULL;
}

static void test_live(void)
{
	char err[256] = "";
	IOThreadParams p;
	IOThreadInfo info;
	IOThread *t;
	AioContext *ctx;
	const char *policy = other_policy();
	AioStats st;

	iothread_params_init(&p);
	p.poll_max_ns = 1000;
	p.poll_grow = 3;
	p.poll_shrink = 2;
	p.aio_max_batch = 8;
	t = iothread_create("live", &p, err, sizeof(err));
	if (!t)
		t_fail("iothread_create: %s", err);
	ctx = iothread_get_aio_context(t);
	iothread_query(t, &info);
	ASSERT_EQ(info.poll_max_ns, 1000);
	ASSERT_EQ(info.poll_grow, 3);
	ASSERT_EQ(info.poll_shrink, 2);
	ASSERT_EQ(info.aio_max_batch, 8);
	t_wait_poll_params(ctx, 1000, 3, 2);
	ASSERT_EQ(aio_context_get_aio_max_batch(ctx), 8);

	/* qom-set poll-max-ns: visible in the query and in the context. */
	ASSERT_EQ(iothread_set_param(t, "poll-max-ns", "50000", err,
				     sizeof(err)), 0);
	iothread_query(t, &info);
	ASSERT_EQ(info.poll_max_ns, 50000);
	t_wait_poll_params(ctx, 50000, 3, 2);
	ASSERT_EQ(iothread_set_param(t, "poll-grow", "0", err, sizeof(err)),
		  0);
	ASSERT_EQ(iothread_set_param(t, "poll-shrink", "0", err, sizeof(err)),
		  0);
	t_wait_poll_params(ctx, 50000, 0, 0);
	ASSERT_EQ(iothread_set_param(t, "aio-max-batch", "32", err,
				     sizeof(err)), 0);
	ASSERT_EQ(aio_context_get_aio_max_batch(ctx), 32);

	/* A refused change keeps the old value and says why. */
	ASSERT_EQ(iothread_set_param(t, "poll-max-ns", "-1", err,
				     sizeof(err)), -EINVAL);
	ASSERT_STREQ(err, RANGE_MSG("poll-max-ns"));
	ASSERT_EQ(iothread_set_param(t, "thread-pool-max", "0", err,
				     sizeof(err)), -EINVAL);
	ASSERT_STREQ(err, "bad thread-pool-min/thread-pool-max values");
	iothread_query(t, &info);
	ASSERT_EQ(info.poll_max_ns, 50000);
	aio_context_get_stats(ctx, &st);
	ASSERT_EQ(st.poll_max_ns, 50000);

	/* aiotune's own properties. */
	ASSERT_EQ(iothread_set_param(t, "poll-weight", "5", err, sizeof(err)),
		  0);
	iothread_query(t, &info);
	ASSERT_EQ(info.poll_weight, 5);
	if (policy) {
		ASSERT_EQ(iothread_set_param(t, "poll-policy", policy, err,
					     sizeof(err)), 0);
		iothread_query(t, &info);
		ASSERT_STREQ(info.poll_policy, policy);
		ASSERT_STREQ(aio_context_poll_policy_name(ctx), policy);
	}

	/* Turning polling off live. */
	ASSERT_EQ(iothread_set_param(t, "poll-max-ns", "0", err, sizeof(err)),
		  0);
	t_wait_poll_params(ctx, 0, 0, 0);
	iothread_destroy(t);
}

int main(void)
{
	test_bad_values();
	test_live();
	return T_EXIT_PASS;
}
