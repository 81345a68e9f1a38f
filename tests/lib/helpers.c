/* helpers.c: small utilities shared by the test programs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "tests/lib/test.h"

int64_t t_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void t_sleep_ns(int64_t ns)
{
	struct timespec ts = { ns / 1000000000LL, ns % 1000000000LL };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

double t_stress_seconds(double quick, double slow)
{
	const char *s = getenv("AIOTUNE_SLOW");

	return (s && *s && *s != '0') ? slow : quick;
}

const char *t_tmpdir(void)
{
	static char path[64];

	if (!path[0]) {
		snprintf(path, sizeof(path), "/tmp/aiotune-test-XXXXXX");
		if (!mkdtemp(path))
			t_fail("mkdtemp: errno %d", errno);
	}
	return path;
}
