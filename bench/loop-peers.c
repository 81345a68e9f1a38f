/*
 * loop-peers.c: the driver of bench/loop-peers, linked with one adapter
 * (bench/peer-<name>.c, `loop_peer`). It measures one of the four figures
 * of bench/loop-costs.c the way that program does, through the adapter's
 * ops, so every loop is measured alike:
 *   iteration_nonblocking_empty  mean ns of 200000 iterate calls on a
 *                                loop with nothing to do (drained first);
 *   post_run_same_thread         mean ns of 200000 post + iterate pairs;
 *   cross_thread_wake_blocked    median ns over 2000 rounds (after 50
 *                                unrecorded) from wake in this thread to
 *                                the callback running in the loop thread,
 *                                which loops on block; 50 us between rounds;
 *   cross_thread_wake_polling    the same with the loop thread on poll.
 * This thread runs on CPU 0, the loop thread on CPU 1 (where the host has
 * them), both with 1 ns timer slack; times are CLOCK_MONOTONIC. Each
 * figure checks after timing that the callback ran once per post or wake.
 *
 * Usage: loop-peers-<name> FIGURE   one line: peer= figure= value= unit=ns
 *        loop-peers-<name> calls    the exact calls, the library, backend
 *        loop-peers-<name> check [N]  no timing: each path runs the
 *                                   callback exactly once per post/wake
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include "bench/loop-peers.h"

#define PEER_LOOP_ITERS 200000
#define PEER_WAKE_ROUNDS 2000
#define PEER_WAKE_WARMUP 50
#define PEER_WAKE_GAP_NS 50000
#define PEER_CHECK_DEFAULT 1000
#define PEER_CHECK_MAX 10000000
/* Liveness only: a wake not answered in this long is a broken adapter. */
#define PEER_CHECK_STUCK_NS (30LL * 1000000000)

static const char *prog = "loop-peers";

struct peer_run {
	struct peer_loop *l;
	bool polling;
	atomic_bool stop;
	atomic_llong ran_at;
	atomic_long count;
	atomic_long iterations;
};

static int64_t now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Pin the calling thread to cpu when the host has it (else leave it). */
static void pin(int cpu)
{
	cpu_set_t set;

	if (cpu >= CPU_SETSIZE)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void count_cb(void *opaque)
{
	struct peer_run *r = opaque;

	atomic_fetch_add(&r->count, 1);
}

static void stamp_cb(void *opaque)
{
	struct peer_run *r = opaque;

	atomic_store(&r->ran_at, now());
	atomic_fetch_add(&r->count, 1);
}

static void die_ret(const char *what, int ret)
{
	fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(-ret));
	exit(1);
}

static void expect_count(struct peer_run *r, long want, const char *what)
{
	long got = atomic_load(&r->count);

	if (got == want)
		return;
	fprintf(stderr, "%s: %s: the callback ran %ld times, expected %ld\n",
		prog, what, got, want);
	exit(1);
}

static struct peer_loop *new_loop(struct peer_run *r, bool polling,
				  peer_cb *cb)
{
	struct peer_loop *l;
	int ret = loop_peer.create(&l, polling, cb, r);

	if (ret)
		die_ret("create", ret);
	return l;
}

static int64_t fig_empty(void)
{
	struct peer_run r = { 0 };
	int64_t t0;

	r.l = new_loop(&r, false, count_cb);
	for (int i = 0; i < 16; i++) /* let the loop settle */
		loop_peer.iterate(r.l);
	t0 = now();
	for (int i = 0; i < PEER_LOOP_ITERS; i++)
		loop_peer.iterate(r.l);
	t0 = now() - t0;
	expect_count(&r, 0, "empty iterations");
	loop_peer.destroy(r.l);
	return t0 / PEER_LOOP_ITERS;
}

static int64_t fig_post(void)
{
	struct peer_run r = { 0 };
	int64_t t0;

	r.l = new_loop(&r, false, count_cb);
	t0 = now();
	for (int i = 0; i < PEER_LOOP_ITERS; i++) {
		loop_peer.post(r.l);
		loop_peer.iterate(r.l);
	}
	t0 = now() - t0;
	expect_count(&r, PEER_LOOP_ITERS, "post and run");
	loop_peer.destroy(r.l);
	return t0 / PEER_LOOP_ITERS;
}

static void *loop_thread(void *opaque)
{
	struct peer_run *r = opaque;

	prctl(PR_SET_TIMERSLACK, 1);
	pin(1);
	while (!atomic_load(&r->stop)) {
		if (r->polling)
			loop_peer.poll(r->l);
		else
			loop_peer.block(r->l);
		atomic_fetch_add(&r->iterations, 1);
	}
	return NULL;
}

static void start_loop(struct peer_run *r, pthread_t *th)
{
	int ret = pthread_create(th, NULL, loop_thread, r);

	if (ret)
		die_ret("pthread_create", -ret);
}

/*
 * Stop the loop thread: raise stop, wake it (one more callback), join.
 * A polling loop may see stop before that wake, so a few iterations here
 * run what it left pending.
 */
static void stop_loop(struct peer_run *r, pthread_t th)
{
	atomic_store(&r->stop, true);
	loop_peer.wake(r->l);
	pthread_join(th, NULL);
	for (int i = 0; i < 4; i++)
		loop_peer.iterate(r->l);
}

static int64_t fig_wake(bool polling)
{
	struct peer_run r = { .polling = polling };
	int64_t *lat = calloc(PEER_WAKE_ROUNDS, sizeof(*lat)), t0, res;
	pthread_t th;

	if (!lat)
		die_ret("calloc", -ENOMEM);
	r.l = new_loop(&r, polling, stamp_cb);
	start_loop(&r, &th);
	for (int i = -PEER_WAKE_WARMUP; i < PEER_WAKE_ROUNDS; i++) {
		int64_t until = now() + PEER_WAKE_GAP_NS;

		while (now() < until) /* let the target settle */
			;
		atomic_store(&r.ran_at, 0);
		t0 = now();
		loop_peer.wake(r.l);
		while (!atomic_load(&r.ran_at))
			;
		if (i >= 0)
			lat[i] = atomic_load(&r.ran_at) - t0;
	}
	stop_loop(&r, th);
	expect_count(&r, PEER_WAKE_WARMUP + PEER_WAKE_ROUNDS + 1,
		     polling ? "wake (polling)" : "wake (blocked)");
	loop_peer.destroy(r.l);
	qsort(lat, PEER_WAKE_ROUNDS, sizeof(*lat), cmp_i64);
	res = lat[PEER_WAKE_ROUNDS / 2];
	free(lat);
	return res;
}

/* check: nothing posted, nothing runs; each post runs once, deferred. */
static void check_same_thread(long n)
{
	struct peer_run r = { 0 };

	r.l = new_loop(&r, false, count_cb);
	for (long i = 0; i < n; i++)
		loop_peer.iterate(r.l);
	expect_count(&r, 0, "iterations with nothing posted");
	for (long i = 0; i < n; i++) {
		loop_peer.post(r.l);
		expect_count(&r, i, "post (must not run before the iteration)");
		loop_peer.iterate(r.l);
		expect_count(&r, i + 1, "post + one iteration");
	}
	loop_peer.iterate(r.l);
	expect_count(&r, n, "an iteration after the last post");
	loop_peer.destroy(r.l);
}

/* check: each wake runs the callback once in the loop thread. */
static void check_wake(long n, bool polling)
{
	const char *what = polling ? "wake (polling)" : "wake (blocked)";
	struct peer_run r = { .polling = polling };
	pthread_t th;
	long iters;

	r.l = new_loop(&r, polling, count_cb);
	start_loop(&r, &th);
	for (long i = 0; i < n; i++) {
		int64_t stuck = now() + PEER_CHECK_STUCK_NS;

		loop_peer.wake(r.l);
		while (atomic_load(&r.count) == i && now() < stuck)
			sched_yield();
		expect_count(&r, i + 1, what);
	}
	stop_loop(&r, th);
	expect_count(&r, n + 1, what);
	iters = atomic_load(&r.iterations);
	/* A loop that blocks returns about once per wake, never spins. */
	if (!polling && iters > 4 * (n + 1) + 16) {
		fprintf(stderr, "%s: %s: %ld blocking iterations for %ld "
			"wakes: the loop does not block\n", prog, what,
			iters, n + 1);
		exit(1);
	}
	loop_peer.destroy(r.l);
	printf("%s: %s: %ld callbacks, %ld loop iterations\n", loop_peer.name,
	       what, n + 1, iters);
}

static void print_calls(void)
{
	struct peer_run r = { 0 };
	char desc[128];

	r.l = new_loop(&r, false, count_cb);
	loop_peer.describe(r.l, desc, sizeof(desc));
	loop_peer.destroy(r.l);
	printf("peer=%s library=\"%s\"\n", loop_peer.name, desc);
	printf("peer=%s call=iterate \"%s\"\n", loop_peer.name,
	       loop_peer.call_iterate);
	printf("peer=%s call=post \"%s\"\n", loop_peer.name,
	       loop_peer.call_post);
	printf("peer=%s call=block \"%s\"\n", loop_peer.name,
	       loop_peer.call_block);
	printf("peer=%s call=poll \"%s\"\n", loop_peer.name,
	       loop_peer.call_poll);
	printf("peer=%s call=wake \"%s\"\n", loop_peer.name,
	       loop_peer.call_wake);
}

static const char *const figures[] = {
	"iteration_nonblocking_empty", "post_run_same_thread",
	"cross_thread_wake_blocked", "cross_thread_wake_polling",
};

static int64_t measure(int fig)
{
	switch (fig) {
	case 0: return fig_empty();
	case 1: return fig_post();
	case 2: return fig_wake(false);
	default: return fig_wake(true);
	}
}

static void usage_die(const char *bad)
{
	fprintf(stderr, "%s: unknown argument '%s': allowed %s, %s, %s, %s, "
		"calls, check [N]\n", prog, bad, figures[0], figures[1],
		figures[2], figures[3]);
	exit(2);
}

static long parse_n(const char *s)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (errno || end == s || *end || n < 1 || n > PEER_CHECK_MAX) {
		fprintf(stderr, "%s: invalid N '%s' for check: allowed a whole "
			"number from 1 to %d\n", prog, s, PEER_CHECK_MAX);
		exit(2);
	}
	return n;
}

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/');

	prog = base ? base + 1 : argv[0];
	if (argc < 2 || argc > 3)
		usage_die(argc < 2 ? "" : argv[3]);
	prctl(PR_SET_TIMERSLACK, 1);
	pin(0); /* the waker on CPU 0, the loop thread on CPU 1 */
	if (!strcmp(argv[1], "check")) {
		long n = argc == 3 ? parse_n(argv[2]) : PEER_CHECK_DEFAULT;

		check_same_thread(n);
		check_wake(n, false);
		check_wake(n, true);
		printf("%s: check ok\n", loop_peer.name);
		return 0;
	}
	if (argc != 2)
		usage_die(argv[2]);
	if (!strcmp(argv[1], "calls")) {
		print_calls();
		return 0;
	}
	for (int f = 0; f < 4; f++) {
		if (strcmp(argv[1], figures[f]))
			continue;
		printf("peer=%s figure=%s value=%lld unit=ns\n",
		       loop_peer.name, figures[f], (long long)measure(f));
		return 0;
	}
	usage_die(argv[1]);
	return 2;
}
