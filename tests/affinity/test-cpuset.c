/* test-cpuset.c: cpulist parsing and formatting, set operations. */
#include <errno.h>

#include "affinity/affinity.h"
#include "tests/lib/test.h"

static void roundtrip(const char *in, const char *want, int count)
{
	struct aff_cpuset s;
	char buf[256];

	ASSERT_EQ(aff_cpuset_parse(in, &s), 0);
	ASSERT_EQ(aff_cpuset_count(&s), count);
	ASSERT_EQ(aff_cpuset_format(&s, buf, sizeof(buf)), 0);
	ASSERT_STREQ(buf, want);
}

int main(void)
{
	struct aff_cpuset s, t, u;
	char small[4];
	int n = 0;

	roundtrip("0", "0", 1);
	roundtrip("0-3,8", "0-3,8", 5);
	roundtrip("3,1,2,0", "0-3", 4);
	roundtrip("5,7,9-10", "5,7,9-10", 4);
	roundtrip("1023", "1023", 1);
	roundtrip("60-70", "60-70", 11);

	ASSERT_EQ(aff_cpuset_parse("", &s), -EINVAL);
	ASSERT_EQ(aff_cpuset_parse("a", &s), -EINVAL);
	ASSERT_EQ(aff_cpuset_parse("3-1", &s), -EINVAL);
	ASSERT_EQ(aff_cpuset_parse("1,", &s), -EINVAL);
	ASSERT_EQ(aff_cpuset_parse("1 2", &s), -EINVAL);
	ASSERT_EQ(aff_cpuset_parse("1024", &s), -ERANGE);

	ASSERT_EQ(aff_cpuset_parse("0-127", &s), 0);
	ASSERT_EQ(aff_cpuset_format(&s, small, sizeof(small)), -ENOSPC);

	/* Iteration crosses 64-bit words. */
	ASSERT_EQ(aff_cpuset_parse("2,63,64,200", &s), 0);
	ASSERT_EQ(aff_cpuset_first(&s), 2);
	ASSERT_EQ(aff_cpuset_next(&s, 2), 63);
	ASSERT_EQ(aff_cpuset_next(&s, 63), 64);
	ASSERT_EQ(aff_cpuset_next(&s, 64), 200);
	ASSERT_EQ(aff_cpuset_next(&s, 200), -1);
	for (int c = aff_cpuset_first(&s); c >= 0; c = aff_cpuset_next(&s, c))
		n++;
	ASSERT_EQ(n, 4);

	ASSERT_EQ(aff_cpuset_parse("0-7", &t), 0);
	aff_cpuset_and(&u, &s, &t);
	ASSERT_EQ(aff_cpuset_count(&u), 1);
	ASSERT_TRUE(aff_cpuset_isset(&u, 2));
	ASSERT_FALSE(aff_cpuset_isset(&u, 63));
	ASSERT_FALSE(aff_cpuset_isset(&u, -1));
	ASSERT_FALSE(aff_cpuset_isset(&u, 5000));
	ASSERT_EQ(aff_cpuset_set(&u, 1024), -EINVAL);
	ASSERT_FALSE(aff_cpuset_equal(&u, &t));
	aff_cpuset_zero(&u);
	ASSERT_TRUE(aff_cpuset_empty(&u));
	ASSERT_EQ(aff_cpuset_first(&u), -1);
	return 0;
}
