/*
 * test.h: the test protocol (exit 0 pass, 1 fail, 77 skip) and assertion
 * macros that print both sides on failure.
 */
#ifndef AIOTUNE_TEST_H
#define AIOTUNE_TEST_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum t_exit { T_EXIT_PASS = 0, T_EXIT_FAIL = 1, T_EXIT_SKIP = 77 };

#define t_fail(fmt, ...)                                                    \
	do {                                                                \
		fprintf(stderr, "%s:%d: FAIL: " fmt "\n", __FILE__,         \
			__LINE__, ##__VA_ARGS__);                           \
		exit(T_EXIT_FAIL);                                          \
	} while (0)

#define t_skip(fmt, ...)                                                    \
	do {                                                                \
		fprintf(stderr, "skip: " fmt "\n", ##__VA_ARGS__);          \
		exit(T_EXIT_SKIP);                                          \
	} while (0)

#define ASSERT(cond)                                                        \
	do {                                                                \
		if (!(cond))                                                \
			t_fail("assertion '%s' failed", #cond);             \
	} while (0)

#define ASSERT_TRUE(a) ASSERT(a)
#define ASSERT_FALSE(a) ASSERT(!(a))

/* Integer comparisons: both values are printed on failure. */
#define ASSERT_CMP_INT(a, op, b)                                            \
	do {                                                                \
		int64_t a_ = (int64_t)(a), b_ = (int64_t)(b);               \
		if (!(a_ op b_))                                            \
			t_fail("%s %s %s: %" PRId64 " vs %" PRId64, #a, #op, \
			       #b, a_, b_);                                 \
	} while (0)

#define ASSERT_EQ(a, b) ASSERT_CMP_INT(a, ==, b)
#define ASSERT_NE(a, b) ASSERT_CMP_INT(a, !=, b)
#define ASSERT_LT(a, b) ASSERT_CMP_INT(a, <, b)
#define ASSERT_LE(a, b) ASSERT_CMP_INT(a, <=, b)
#define ASSERT_GT(a, b) ASSERT_CMP_INT(a, >, b)
#define ASSERT_GE(a, b) ASSERT_CMP_INT(a, >=, b)

#define ASSERT_DBL(a, op, b)                                                \
	do {                                                                \
		double a_ = (double)(a), b_ = (double)(b);                  \
		if (!(a_ op b_))                                            \
			t_fail("%s %s %s: %g vs %g", #a, #op, #b, a_, b_);  \
	} while (0)

#define ASSERT_STREQ(a, b)                                                  \
	do {                                                                \
		const char *a_ = (a), *b_ = (b);                            \
		if (!a_ || !b_ || strcmp(a_, b_) != 0)                      \
			t_fail("%s == %s: \"%s\" vs \"%s\"", #a, #b,        \
			       a_ ? a_ : "(null)", b_ ? b_ : "(null)");     \
	} while (0)

#define ASSERT_NULL(p) ASSERT((p) == NULL)
#define ASSERT_NOT_NULL(p) ASSERT((p) != NULL)

/* Helpers from tests/lib/helpers.c. */
int64_t t_now_ns(void);
void t_sleep_ns(int64_t ns);
/* Seconds to run stress loops: quick by default, AIOTUNE_SLOW=1 for long. */
double t_stress_seconds(double quick, double slow);
/* Path of a fresh temporary directory (removed by the caller or /tmp). */
const char *t_tmpdir(void);

#endif
