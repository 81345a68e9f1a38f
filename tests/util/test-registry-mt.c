/*
 * test-registry-mt.c: the first use of a registry may come from several
 * threads at once (IOThreads reporting a bad --poll-policy, runners
 * finding their engine): every thread gets the same names string, built
 * once, and finds the same entries. Eight threads leave a barrier
 * together and make the first use of 64 fresh registries, then of the
 * real ones. Meant for TSan (make SAN=tsan check-tsan), which reports a
 * names string built twice or read while it is written (it did, in four
 * runs of five, with the mutex and the acquire/release of
 * util_registry_ready taken out); the plain run checks that every
 * thread saw the same, whole string.
 */
#include <pthread.h>

#include "loop/aio.h"
#include "polling/policy.h"
#include "tests/lib/test.h"
#include "util/registry.h"
#include "workloads/engine.h"
#include "workloads/frontend.h"

#define NTHREADS 8
#define ROUNDS 100
#define NFAKES 64 /* fresh registries: more first uses to race on */

static const char *const fake_names[] = { "one", "two", "three" };

static const char *fake_name(size_t i)
{
	return fake_names[i];
}

static struct util_registry fakes[NFAKES];

static pthread_barrier_t start;

struct seen {
	const char *names[5];
	const char *fakes_seen[NFAKES];
	bool found;
};

static void *worker(void *opaque)
{
	struct seen *s = opaque;

	pthread_barrier_wait(&start);
	for (int i = 0; i < NFAKES; i++)
		s->fakes_seen[i] = util_registry_names(&fakes[i]);
	s->names[0] = util_registry_names(&fakes[0]);
	s->names[1] = wl_engine_names();
	s->names[2] = wl_frontend_names();
	s->names[3] = poll_policy_names();
	s->names[4] = aio_fdmon_names();
	s->found = true;
	for (int i = 0; i < ROUNDS; i++)
		s->found &= util_registry_find(&fakes[i % NFAKES],
					       "three") == 2 &&
			    wl_engine_find("simnvme") != NULL &&
			    wl_frontend_find("virtio") != NULL &&
			    poll_policy_find("qemu") != NULL &&
			    aio_fdmon_name_valid("poll");
	return NULL;
}

int main(void)
{
	pthread_t th[NTHREADS];
	struct seen seen[NTHREADS];

	for (int i = 0; i < NFAKES; i++)
		fakes[i] = (struct util_registry)UTIL_REGISTRY_INIT(
			"fake", 3, fake_name, NULL, "any");
	ASSERT_EQ(pthread_barrier_init(&start, NULL, NTHREADS), 0);
	for (int i = 0; i < NTHREADS; i++)
		ASSERT_EQ(pthread_create(&th[i], NULL, worker, &seen[i]), 0);
	for (int i = 0; i < NTHREADS; i++)
		ASSERT_EQ(pthread_join(th[i], NULL), 0);
	pthread_barrier_destroy(&start);

	for (int i = 0; i < NTHREADS; i++) {
		ASSERT_TRUE(seen[i].found);
		for (int k = 0; k < 5; k++)
			ASSERT_TRUE(seen[i].names[k] == seen[0].names[k]);
		for (int k = 0; k < NFAKES; k++) {
			ASSERT_TRUE(seen[i].fakes_seen[k] == fakes[k].names);
			ASSERT_STREQ(seen[i].fakes_seen[k],
				     "any, one, two, three");
		}
	}
	ASSERT_STREQ(seen[0].names[0], "any, one, two, three");
	ASSERT_STREQ(seen[0].names[1], "simnvme, io_uring, linux-aio, threads");
	ASSERT_STREQ(seen[0].names[2], "direct, virtio");
	ASSERT_STREQ(seen[0].names[4], "auto, io_uring, epoll, poll");
	ASSERT_STREQ(seen[0].names[3], poll_policy_names());
	return T_EXIT_PASS;
}
