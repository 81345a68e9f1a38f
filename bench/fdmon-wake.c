/*
 * fdmon-wake.c: the cost of one blocking wait plus a cross-thread wake-up
 * in each fd monitor. A loop thread sits in aio_poll(true) (no busy
 * polling); the main thread sets an event notifier registered on the
 * context, whose handler writes a reply eventfd the main thread blocks on.
 * One round trip = notifier set -> monitor wakes -> handler -> reply read.
 * Prints one line per monitor:
 *   name=fdmon-wake fdmon=<m> value=<median ns> unit=ns p90_ns=.. rounds=..
 * with <m> as reported by the context (a monitor that cannot be had here
 * is reported under the one used instead). The handler count is checked
 * after timing. Usage: fdmon-wake [ROUNDS] (default 2000).
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "loop/aio.h"
#include "util/util.h"

#define WARMUP 100

struct wake {
	AioContext *ctx;
	EventNotifier ping;
	int pong;
	atomic_bool stop;
	long handled;
};

static void ping_cb(EventNotifier *e)
{
	struct wake *w = (struct wake *)((char *)e -
					 offsetof(struct wake, ping));
	uint64_t one = 1;

	if (!event_notifier_test_and_clear(e))
		return;
	w->handled++;
	if (write(w->pong, &one, sizeof(one)) != sizeof(one))
		abort();
}

static void *loop_fn(void *opaque)
{
	struct wake *w = opaque;

	while (!atomic_load(&w->stop))
		aio_poll(w->ctx, true);
	return NULL;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int64_t now(void)
{
	return aio_clock_get_ns(AIO_CLOCK_REALTIME);
}

static int bench(const char *fdmon, int rounds)
{
	int64_t *lat = calloc(rounds, sizeof(*lat));
	struct wake w = { .pong = -1 };
	pthread_t tid;
	uint64_t v;
	int i;

	if (!lat || aio_set_default_fdmon(fdmon) < 0)
		return -EINVAL;
	w.ctx = aio_context_new();
	if (!w.ctx)
		return -errno;
	w.pong = eventfd(0, EFD_CLOEXEC);
	if (w.pong < 0 || event_notifier_init(&w.ping, false) < 0)
		return -errno;
	atomic_init(&w.stop, false);
	aio_set_event_notifier(w.ctx, &w.ping, ping_cb, NULL, NULL);
	if (pthread_create(&tid, NULL, loop_fn, &w) != 0)
		return -EAGAIN;

	for (i = -WARMUP; i < rounds; i++) {
		int64_t t0 = now();

		event_notifier_set(&w.ping);
		if (read(w.pong, &v, sizeof(v)) != sizeof(v))
			return -errno;
		if (i >= 0)
			lat[i] = now() - t0;
	}
	atomic_store(&w.stop, true);
	aio_notify(w.ctx);
	pthread_join(tid, NULL);

	if (w.handled != rounds + WARMUP) {
		fprintf(stderr, "fdmon-wake: %s: %ld handler runs, expected "
			"%d\n", fdmon, w.handled, rounds + WARMUP);
		return -EPROTO;
	}
	qsort(lat, rounds, sizeof(*lat), cmp_i64);
	printf("name=fdmon-wake fdmon=%s value=%lld unit=ns p90_ns=%lld "
	       "rounds=%d\n", aio_context_fdmon_name(w.ctx),
	       (long long)lat[rounds / 2], (long long)lat[rounds * 9 / 10],
	       rounds);
	aio_set_event_notifier(w.ctx, &w.ping, NULL, NULL, NULL);
	event_notifier_cleanup(&w.ping);
	close(w.pong);
	aio_context_unref(w.ctx);
	free(lat);
	return 0;
}

int main(int argc, char **argv)
{
	static const char *const fdmons[] = { "poll", "epoll", "io_uring" };
	int rounds = 2000;

	if (argc > 1) {
		char *end;
		long r = strtol(argv[1], &end, 10);

		if (*end || r < 10 || r > 10000000) {
			fprintf(stderr, "fdmon-wake: bad ROUNDS '%s': allowed "
				"10..10000000\n", argv[1]);
			return 2;
		}
		rounds = (int)r;
	}
	for (size_t i = 0; i < ARRAY_SIZE(fdmons); i++) {
		int ret = bench(fdmons[i], rounds);

		if (ret < 0) {
			fprintf(stderr, "fdmon-wake: %s: %s\n", fdmons[i],
				strerror(-ret));
			return 1;
		}
	}
	return 0;
}
