/*
 * loop-test.h: shared fixture of the loop conformance tests.
 *
 * Each test program lists its cases in a table and calls lt_run(). Every
 * case runs once per fd monitor ("poll", "epoll", "io_uring") on a fresh
 * context created after aio_set_default_fdmon(). A monitor that cannot be
 * had (the context reports another one) is noted and skipped; the program
 * exits 77 only when no requested monitor was available. A watchdog alarm
 * turns a hung case into a failure that names the case.
 *
 * LT_FDMON=<name> in the environment restricts a run to one monitor (for
 * debugging). Everything here is static inline: each test is a single
 * program.
 */
#ifndef AIOTUNE_TESTS_LOOP_TEST_H
#define AIOTUNE_TESTS_LOOP_TEST_H

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "loop/aio.h"
#include "tests/lib/test.h"
#include "util/util.h"

#define LT_MS 1000000LL

/* Bits of lt_case.fdmons. */
enum {
	LT_POLL = 1,
	LT_EPOLL = 2,
	LT_IO_URING = 4,
	LT_ALL = LT_POLL | LT_EPOLL | LT_IO_URING,
};

struct lt_case {
	const char *name;
	void (*fn)(AioContext *ctx);
	unsigned fdmons; /* 0 means LT_ALL */
};

static const char *const lt_fdmon_names[] = { "poll", "epoll", "io_uring" };

/* The monitor the running case was asked for ("poll", ...). */
static const char *lt_fdmon;
static const char *lt_case_name;

static inline bool lt_fdmon_is(const char *name)
{
	return lt_fdmon && strcmp(lt_fdmon, name) == 0;
}

static inline void lt_alarm(int sig)
{
	static const char msg[] = "FAIL: watchdog: case hung: ";
	ssize_t r;

	(void)sig;
	r = write(2, msg, sizeof(msg) - 1);
	if (lt_case_name)
		r = write(2, lt_case_name, strlen(lt_case_name));
	r = write(2, "\n", 1);
	(void)r;
	_exit(T_EXIT_FAIL);
}

/*
 * A fresh context on monitor name, or NULL (with a note) when the library
 * gives another monitor or none. Failing to get "poll" is a failure.
 */
static inline AioContext *lt_context_new_on(const char *name, bool quiet)
{
	AioContext *ctx;
	int ret;

	ret = aio_set_default_fdmon(name);
	if (ret < 0) {
		if (strcmp(name, "poll") == 0)
			t_fail("aio_set_default_fdmon(\"poll\") = %d", ret);
		if (!quiet)
			fprintf(stderr, "note: fdmon %s: not selectable (%d)\n",
				name, ret);
		return NULL;
	}
	ctx = aio_context_new();
	if (!ctx) {
		if (strcmp(name, "poll") == 0)
			t_fail("aio_context_new on poll: errno %d", errno);
		if (!quiet)
			fprintf(stderr, "note: fdmon %s: aio_context_new "
				"failed (errno %d)\n", name, errno);
		return NULL;
	}
	if (strcmp(aio_context_fdmon_name(ctx), name) != 0) {
		if (strcmp(name, "poll") == 0)
			t_fail("asked for poll, got %s",
			       aio_context_fdmon_name(ctx));
		if (!quiet)
			fprintf(stderr, "note: fdmon %s unavailable (got %s): "
				"skipping it\n", name,
				aio_context_fdmon_name(ctx));
		aio_context_unref(ctx);
		return NULL;
	}
	return ctx;
}

/* Run every case on every monitor it allows; returns the exit status. */
static inline int lt_run(const struct lt_case *cases, size_t ncases,
			 unsigned fdmons)
{
	const char *only = getenv("LT_FDMON");
	int ran = 0;

	signal(SIGALRM, lt_alarm);
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t m = 0; m < ARRAY_SIZE(lt_fdmon_names); m++) {
		const char *name = lt_fdmon_names[m];
		AioContext *probe;

		if (!(fdmons & (1u << m)))
			continue;
		if (only && strcmp(only, name) != 0)
			continue;
		probe = lt_context_new_on(name, false);
		if (!probe)
			continue;
		aio_context_unref(probe);
		ran++;
		for (size_t i = 0; i < ncases; i++) {
			unsigned mask = cases[i].fdmons ? cases[i].fdmons :
				LT_ALL;
			AioContext *ctx;

			if (!(mask & (1u << m)))
				continue;
			lt_fdmon = name;
			lt_case_name = cases[i].name;
			printf("[%s] %s\n", name, cases[i].name);
			ctx = lt_context_new_on(name, true);
			if (!ctx)
				t_fail("[%s] %s: context creation failed",
				       name, cases[i].name);
			alarm(30);
			cases[i].fn(ctx);
			alarm(0);
			aio_context_unref(ctx);
		}
	}
	lt_fdmon = NULL;
	lt_case_name = NULL;
	if (!ran)
		t_skip("none of the requested fd monitors is available");
	return T_EXIT_PASS;
}

/* aio_poll(ctx, false) until it returns false (at most 1000 times). */
static inline void lt_drain(AioContext *ctx)
{
	int i = 0;

	while (aio_poll(ctx, false))
		if (++i > 1000)
			t_fail("aio_poll(false) still makes progress after "
			       "1000 calls");
}

/* Now on the loop's clock, in ms and ns. */
static inline int64_t lt_now_ms(void)
{
	return aio_clock_get_ns(AIO_CLOCK_REALTIME) / LT_MS;
}

static inline int64_t lt_now_ns(void)
{
	return aio_clock_get_ns(AIO_CLOCK_REALTIME);
}

static inline void lt_count_cb(void *opaque)
{
	(*(int *)opaque)++;
}

/* ---- BH fixture (QEMU test-aio's BHTestData) -------------------------- */

typedef struct BHTestData {
	AioBH *bh;
	int n;
	int max;
} BHTestData;

/* Count; re-schedule ourselves until max runs. */
static inline void lt_bh_test_cb(void *opaque)
{
	BHTestData *d = opaque;

	if (++d->n < d->max)
		aio_bh_schedule(d->bh);
}

/* Count; re-schedule until max, then delete ourselves. */
static inline void lt_bh_delete_cb(void *opaque)
{
	BHTestData *d = opaque;

	if (++d->n < d->max) {
		aio_bh_schedule(d->bh);
	} else {
		aio_bh_delete(d->bh);
		d->bh = NULL;
	}
}

/* ---- Event notifier fixture (QEMU test-aio's EventNotifierTestData) ---- */

typedef struct EventNotifierTestData {
	EventNotifier e;
	int n;
	int active;
	bool auto_set;
} EventNotifierTestData;

/* Never called spuriously: the notifier must be set when we run. */
static inline void lt_event_ready_cb(EventNotifier *e)
{
	EventNotifierTestData *d = (EventNotifierTestData *)e;

	if (!event_notifier_test_and_clear(e))
		t_fail("handler called with its notifier clear");
	d->n++;
	if (d->active > 0)
		d->active--;
	if (d->auto_set && d->active)
		event_notifier_set(e);
}

static inline void lt_event_init(EventNotifierTestData *d, int active,
				 bool auto_set)
{
	memset(d, 0, sizeof(*d));
	if (event_notifier_init(&d->e, false) < 0)
		t_fail("event_notifier_init: errno %d", errno);
	d->active = active;
	d->auto_set = auto_set;
}

static inline void lt_set_event_notifier(AioContext *ctx, EventNotifier *e,
					 EventNotifierHandler *handler)
{
	aio_set_event_notifier(ctx, e, handler, NULL, NULL);
}

/* aio_poll(ctx, true) while the notifier is active (bounded). */
static inline void lt_wait_until_inactive(AioContext *ctx,
					  EventNotifierTestData *d)
{
	int i = 0;

	while (d->active > 0) {
		aio_poll(ctx, true);
		if (++i > 10000)
			t_fail("notifier still active after 10000 polls");
	}
}

/* ---- A pollable event notifier ------------------------------------------ */

/*
 * io_poll reports a flag (the "ring is not empty" of a virtqueue), the
 * other callbacks count and append one letter each to log: r (io_read),
 * P (io_poll; a run of polls is logged once), R (io_poll_ready),
 * B (io_poll_begin), E (io_poll_end). Tests add T for their timers.
 */
struct lt_pollable {
	EventNotifier e; /* first: callbacks get &e */
	bool flag;
	int reads, polls, readies, begins, ends;
	char log[64];
	int loglen;
};

static inline void lt_log(struct lt_pollable *p, char c)
{
	if (c == 'P' && p->loglen && p->log[p->loglen - 1] == 'P')
		return;
	if (p->loglen < (int)sizeof(p->log) - 1)
		p->log[p->loglen++] = c;
	p->log[p->loglen] = 0;
}

static inline void lt_log_reset(struct lt_pollable *p)
{
	p->loglen = 0;
	p->log[0] = 0;
}

static inline void lt_pl_read(EventNotifier *e)
{
	struct lt_pollable *p = (struct lt_pollable *)e;

	event_notifier_test_and_clear(e);
	p->flag = false;
	p->reads++;
	lt_log(p, 'r');
}

static inline bool lt_pl_poll(void *opaque)
{
	struct lt_pollable *p = opaque;

	p->polls++;
	lt_log(p, 'P');
	return p->flag;
}

static inline void lt_pl_ready(EventNotifier *e)
{
	struct lt_pollable *p = (struct lt_pollable *)e;

	p->flag = false;
	p->readies++;
	lt_log(p, 'R');
}

static inline void lt_pl_begin(EventNotifier *e)
{
	struct lt_pollable *p = (struct lt_pollable *)e;

	p->begins++;
	lt_log(p, 'B');
}

static inline void lt_pl_end(EventNotifier *e)
{
	struct lt_pollable *p = (struct lt_pollable *)e;

	p->ends++;
	lt_log(p, 'E');
}

/* Register p with all callbacks (begin/end too when with_begin_end). */
static inline void lt_pollable_add(AioContext *ctx, struct lt_pollable *p,
				   bool with_begin_end)
{
	aio_set_event_notifier(ctx, &p->e, lt_pl_read, lt_pl_poll,
			       lt_pl_ready);
	if (with_begin_end)
		aio_set_event_notifier_poll(ctx, &p->e, lt_pl_begin,
					    lt_pl_end);
}

static inline void lt_pollable_init(struct lt_pollable *p)
{
	memset(p, 0, sizeof(*p));
	if (event_notifier_init(&p->e, false) < 0)
		t_fail("event_notifier_init: errno %d", errno);
}

static inline void lt_handler_stats(AioContext *ctx, int fd,
				    AioHandlerStats *hs)
{
	int ret = aio_get_handler_stats(ctx, fd, hs);

	if (ret != 0)
		t_fail("aio_get_handler_stats(fd %d) = %d", fd, ret);
}

/*
 * One blocking aio_poll ended by a timer 20 ms out (t calls lt_count_cb
 * on fired); the timer must have fired. Returns aio_poll's result.
 */
static inline bool lt_poll_until_timer(AioContext *ctx, AioTimer *t,
				       int *fired)
{
	int before = *fired;
	bool ret;

	aio_timer_mod(t, lt_now_ms() + 20);
	lt_drain(ctx);
	ret = aio_poll(ctx, true);
	if (*fired != before + 1)
		t_fail("blocking aio_poll returned before its 20 ms timer");
	return ret;
}

#endif
