/*
 * iothread-test.h: small helpers shared by the IOThread tests (static
 * inline, so each test stays one program).
 */
#ifndef AIOTUNE_TESTS_IOTHREAD_TEST_H
#define AIOTUNE_TESTS_IOTHREAD_TEST_H

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loop/aio.h"
#include "tests/lib/test.h"

#define T_SEC 1000000000LL

/* Wait (sleeping, not polling) until *flag != 0, or fail after 10 s. */
static inline void t_wait_flag(atomic_int *flag, const char *what)
{
	int64_t end = t_now_ns() + 10 * T_SEC;

	while (!atomic_load(flag)) {
		if (t_now_ns() > end)
			t_fail("timed out waiting for %s", what);
		t_sleep_ns(1000000);
	}
}

/*
 * Wait until ctx's statistics show these poll parameters: the loop applies
 * parameters set from other threads at its next iteration.
 */
static inline void t_wait_poll_params(AioContext *ctx, int64_t max,
				      int64_t grow, int64_t shrink)
{
	int64_t end = t_now_ns() + 10 * T_SEC;
	AioStats st;

	for (;;) {
		aio_context_get_stats(ctx, &st);
		if (st.poll_max_ns == max && st.poll_grow == grow &&
		    st.poll_shrink == shrink)
			return;
		if (t_now_ns() > end)
			t_fail("context poll params %lld/%lld/%lld, want "
			       "%lld/%lld/%lld", (long long)st.poll_max_ns,
			       (long long)st.poll_grow,
			       (long long)st.poll_shrink, (long long)max,
			       (long long)grow, (long long)shrink);
		t_sleep_ns(1000000);
	}
}

/* Read /proc/self/task/<tid>/<file> into buf (newline stripped). */
static inline int t_read_task_file(int tid, const char *file, char *buf,
				   size_t len)
{
	char path[96];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/%s", tid, file);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(buf, (int)len, f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* Whether thread tid of this process still exists. */
static inline bool t_task_exists(int tid)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/self/task/%d", tid);
	return stat(path, &st) == 0;
}

#endif
