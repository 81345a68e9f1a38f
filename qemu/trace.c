/* trace.c: QEMU's polling trace lines into loop statistics (trace.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "qemu/trace.h"
#include "util/util.h"

enum ev { EV_BEGIN, EV_END, EV_GROW, EV_SHRINK, EV_NONE };

static const struct {
	const char *name;
	enum ev ev;
} events[] = {
	{ "run_poll_handlers_begin", EV_BEGIN },
	{ "run_poll_handlers_end", EV_END },
	{ "poll_grow", EV_GROW },
	{ "poll_shrink", EV_SHRINK },
};

struct line {
	int tid;
	int64_t t_us;
	enum ev ev;
	int64_t a, b;   /* begin: max_ns; end: progress; grow/shrink: old, new */
};

/* Parse a decimal integer at *p; advance past it. */
static bool num(const char **p, const char *end, int64_t *out)
{
	const char *s = *p;
	bool neg = false;
	int64_t v = 0;

	if (s < end && *s == '-') {
		neg = true;
		s++;
	}
	if (s >= end || *s < '0' || *s > '9')
		return false;
	while (s < end && *s >= '0' && *s <= '9') {
		if (v > (INT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (*s++ - '0');
	}
	*out = neg ? -v : v;
	*p = s;
	return true;
}

/* The integer that follows " key " in [p, end), if any. */
static bool arg(const char *p, const char *end, const char *key, int64_t *out)
{
	size_t kl = strlen(key);

	for (; p + kl + 2 <= end; p++) {
		if (p[0] == ' ' && !memcmp(p + 1, key, kl) && p[kl + 1] == ' ') {
			const char *q = p + kl + 2;

			return num(&q, end, out);
		}
	}
	return false;
}

/* One line "TID@SEC.USEC:event ctx 0x.. args"; false if it is not one. */
static bool parse(const char *s, const char *end, struct line *l)
{
	int64_t tid, sec, usec;
	const char *p = s, *us0;
	size_t i;

	if (!num(&p, end, &tid) || tid <= 0 || tid > INT32_MAX ||
	    p >= end || *p++ != '@' || !num(&p, end, &sec) || p >= end ||
	    *p++ != '.')
		return false;
	us0 = p;
	if (!num(&p, end, &usec) || p - us0 != 6 || p >= end || *p++ != ':')
		return false;
	l->tid = (int)tid;
	l->t_us = sec * 1000000 + usec;
	l->ev = EV_NONE;
	for (i = 0; i < ARRAY_SIZE(events); i++) {
		size_t n = strlen(events[i].name);

		if ((size_t)(end - p) > n && !memcmp(p, events[i].name, n) &&
		    p[n] == ' ') {
			l->ev = events[i].ev;
			p += n;
			break;
		}
	}
	switch (l->ev) {
	case EV_BEGIN:
		return arg(p, end, "max_ns", &l->a);
	case EV_END:
		return arg(p, end, "progress", &l->a) &&
		       (l->a == 0 || l->a == 1);
	case EV_GROW:
	case EV_SHRINK:
		return arg(p, end, "old", &l->a) && arg(p, end, "new", &l->b) &&
		       l->a >= 0 && l->b >= 0;
	default:
		/* Another event of a well-formed line: not ours. */
		return true;
	}
}

/* Keep the last QM_TRACE_MAX_SAMPLES changes, as aiotune's loop does. */
static void sample(struct qm_loop *o, int64_t t_ns, int64_t w)
{
	size_t i = (o->nsamples + o->dropped) % QM_TRACE_MAX_SAMPLES;

	o->samples[i].t_ns = t_ns;
	o->samples[i].window_ns = w;
	if (o->nsamples < QM_TRACE_MAX_SAMPLES)
		o->nsamples++;
	else
		o->dropped++;
}

/* The ring in time order. */
static void unroll(struct qm_loop *o)
{
	size_t start = o->dropped % QM_TRACE_MAX_SAMPLES;
	struct qm_window_sample *tmp;

	if (!o->dropped || !start)
		return;
	tmp = malloc(start * sizeof(*tmp));
	if (!tmp)
		return;
	memcpy(tmp, o->samples, start * sizeof(*tmp));
	memmove(o->samples, o->samples + start,
		(QM_TRACE_MAX_SAMPLES - start) * sizeof(*tmp));
	memcpy(o->samples + QM_TRACE_MAX_SAMPLES - start, tmp,
	       start * sizeof(*tmp));
	free(tmp);
}

void qm_trace_fold(const char *text, size_t len, int tid, int64_t t0_us,
		   int64_t t1_us, int64_t window0_ns, struct qm_loop *o)
{
	const char *p = text, *end = text + len;

	memset(o, 0, sizeof(*o));
	o->window_ns = window0_ns;
	o->window_max_ns = window0_ns > 0 ? window0_ns : 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct line l;
		bool in;

		if (!nl)
			break;   /* a line still being written */
		if (!parse(p, nl, &l)) {
			o->bad_lines++;
			p = nl + 1;
			continue;
		}
		p = nl + 1;
		if (l.ev == EV_NONE)
			continue;
		if (tid && l.tid != tid) {
			o->other_threads++;
			continue;
		}
		if (l.t_us >= t1_us)
			continue;
		in = l.t_us >= t0_us;
		if (in)
			o->lines++;
		switch (l.ev) {
		case EV_BEGIN:
			if (in) {
				o->attempts++;
				o->poll_budget_ns += l.a;
			}
			break;
		case EV_END:
			if (in && l.a)
				o->hits++;
			else if (in)
				o->misses++;
			break;
		case EV_GROW:
		case EV_SHRINK:
			if (in && l.ev == EV_SHRINK)
				o->shrink_traced++;
			if (in && l.b != l.a) {
				if (l.ev == EV_GROW)
					o->grow++;
				else
					o->shrink++;
				sample(o, (l.t_us - t0_us) * 1000, l.b);
			}
			if (in && l.b > o->window_max_ns)
				o->window_max_ns = l.b;
			o->window_ns = l.b;
			break;
		default:
			break;
		}
	}
	unroll(o);
}
