/*
 * frontend-virtio.h: the virtio front end's own interface: its guest think
 * time syntax and the notification counters it keeps (see
 * frontend-virtio.c for the protocol).
 */
#ifndef AIOTUNE_WORKLOADS_FRONTEND_VIRTIO_H
#define AIOTUNE_WORKLOADS_FRONTEND_VIRTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "workloads/frontend.h"

/* The guest's per-request processing time (--guest-think). */
enum wl_think_kind {
	WL_THINK_NONE,
	WL_THINK_FIXED,    /* "5us", "fixed:5us" */
	WL_THINK_UNIFORM,  /* "uniform:2us-10us" */
	WL_THINK_EXP,      /* "exp:5us": exponential with that mean */
};

struct wl_think {
	enum wl_think_kind kind;
	int64_t a_ns; /* fixed value, uniform low bound, exponential mean */
	int64_t b_ns; /* uniform high bound */
};

#define WL_THINK_SYNTAX \
	"a duration (5us; bare = us), fixed:D, uniform:A-B or exp:MEAN"

/* Parse s (NULL or "" or "0": none); bare numbers are us. 0 or -EINVAL. */
int wl_think_parse(const char *s, struct wl_think *out);
/* Mean think time of t, in ns. */
int64_t wl_think_mean_ns(const struct wl_think *t);

/*
 * Counters of one virtio front end. "Kicks" are guest->IOThread
 * notifications (eventfd writes), "calls" IOThread->guest interrupts.
 * Each is written by one thread; read them after stop (or racily, as
 * statistics).
 */
struct wl_virtio_counts {
	uint64_t submitted;         /* guest: requests made available */
	uint64_t completed;         /* guest: used entries consumed */
	uint64_t kicks;             /* guest: kick eventfd writes */
	uint64_t kicks_suppressed;  /* guest: requests that needed no kick */
	uint64_t guest_waits;       /* guest: armed used_event to wait for a
				       call (each allows at most one) */
	uint64_t dequeued;          /* IOThread: taken from the avail ring */
	uint64_t dequeued_polling;  /* ... while kicks were off (polling) */
	uint64_t kick_dispatches;   /* IOThread: woken through the kick fd */
	uint64_t calls;             /* IOThread: call eventfd writes */
	uint64_t calls_suppressed;  /* IOThread: completions needing none */
	uint64_t poll_sessions;     /* IOThread: io_poll_begin calls */
	uint64_t bad_completions;   /* guest: unknown, repeated or stale */
	uint64_t verify_errors;     /* IOThread: read data not the pattern */
	uint64_t guest_poll_hits;   /* guest: completion found by spinning */
};

/*
 * Snapshot fe's counters: total since start, and window (only what
 * happened while wl_fe_measuring() was true). Either may be NULL.
 */
void wl_virtio_get_counts(const struct wl_fe *fe,
			  struct wl_virtio_counts *total,
			  struct wl_virtio_counts *window);

#endif
