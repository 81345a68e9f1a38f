/*
 * timer.c: per-clock timer lists as binary min-heaps ordered by (expiry,
 * arming sequence), so equal expiries fire in arming order. Timers fire
 * only from the loop (aio_poll, the GSource dispatch).
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "loop/aio-internal.h"

struct AioTimer {
	AioContext *ctx;
	AioClockType type;
	int scale;
	AioTimerCB *cb;
	void *opaque;
	int64_t expire_ns; /* -1: not armed */
	uint64_t seq;
	size_t idx;        /* heap position while armed */
};

int64_t aio_clock_get_ns(AioClockType type)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void aio_timerlist_init(AioTimerList *tl)
{
	pthread_mutex_init(&tl->lock, NULL);
	tl->heap = NULL;
	tl->len = tl->cap = 0;
	tl->seq = 0;
}

void aio_timerlist_destroy(AioTimerList *tl)
{
	if (tl->len)
		fprintf(stderr, "aiotune: %zu timer(s) still armed at context "
			"teardown\n", tl->len);
	free(tl->heap);
	tl->heap = NULL;
	pthread_mutex_destroy(&tl->lock);
}

static bool timer_before(const AioTimer *a, const AioTimer *b)
{
	if (a->expire_ns != b->expire_ns)
		return a->expire_ns < b->expire_ns;
	return a->seq < b->seq;
}

static void heap_set(AioTimerList *tl, size_t i, AioTimer *t)
{
	tl->heap[i] = t;
	t->idx = i;
}

static void heap_up(AioTimerList *tl, size_t i)
{
	AioTimer *t = tl->heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!timer_before(t, tl->heap[parent]))
			break;
		heap_set(tl, i, tl->heap[parent]);
		i = parent;
	}
	heap_set(tl, i, t);
}

static void heap_down(AioTimerList *tl, size_t i)
{
	AioTimer *t = tl->heap[i];

	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		AioTimer *best = t;

		if (l < tl->len && timer_before(tl->heap[l], best)) {
			m = l;
			best = tl->heap[l];
		}
		if (r < tl->len && timer_before(tl->heap[r], best))
			m = r;
		if (m == i)
			break;
		heap_set(tl, i, tl->heap[m]);
		i = m;
	}
	heap_set(tl, i, t);
}

/* Remove t from the heap; lock held. */
static void heap_remove(AioTimerList *tl, AioTimer *t)
{
	size_t i = t->idx;
	AioTimer *last = tl->heap[--tl->len];

	__atomic_store_n(&t->expire_ns, -1, __ATOMIC_RELAXED);
	if (i == tl->len)
		return;
	heap_set(tl, i, last);
	heap_up(tl, i);
	heap_down(tl, last->idx);
}

static int heap_push(AioTimerList *tl, AioTimer *t)
{
	if (tl->len == tl->cap) {
		size_t cap = tl->cap ? tl->cap * 2 : 16;
		AioTimer **h = realloc(tl->heap, cap * sizeof(*h));

		if (!h)
			return -ENOMEM;
		tl->heap = h;
		tl->cap = cap;
	}
	tl->len++;
	heap_set(tl, tl->len - 1, t);
	heap_up(tl, tl->len - 1);
	return 0;
}

AioTimer *aio_timer_new(AioContext *ctx, AioClockType type, int scale,
			AioTimerCB *cb, void *opaque)
{
	AioTimer *t;

	if ((unsigned)type >= AIO_CLOCK_MAX || scale <= 0) {
		errno = EINVAL;
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->ctx = ctx;
	t->type = type;
	t->scale = scale;
	t->cb = cb;
	t->opaque = opaque;
	t->expire_ns = -1;
	return t;
}

void aio_timer_mod(AioTimer *t, int64_t expire)
{
	AioTimerList *tl = &t->ctx->tlg[t->type];
	int64_t ns;
	bool head;

	if (expire < 0)
		expire = 0;
	if (__builtin_mul_overflow(expire, (int64_t)t->scale, &ns))
		ns = INT64_MAX;

	pthread_mutex_lock(&tl->lock);
	if (t->expire_ns >= 0)
		heap_remove(tl, t);
	__atomic_store_n(&t->expire_ns, ns, __ATOMIC_RELAXED);
	t->seq = tl->seq++;
	if (heap_push(tl, t) < 0) {
		__atomic_store_n(&t->expire_ns, -1, __ATOMIC_RELAXED);
		pthread_mutex_unlock(&tl->lock);
		fprintf(stderr, "aiotune: out of memory arming a timer\n");
		abort();
	}
	head = tl->heap[0] == t;
	pthread_mutex_unlock(&tl->lock);

	/* A new earliest deadline: make a blocked aio_poll recompute. */
	if (head)
		aio_notify(t->ctx);
}

void aio_timer_del(AioTimer *t)
{
	AioTimerList *tl = &t->ctx->tlg[t->type];

	pthread_mutex_lock(&tl->lock);
	if (t->expire_ns >= 0)
		heap_remove(tl, t);
	pthread_mutex_unlock(&tl->lock);
}

void aio_timer_free(AioTimer *t)
{
	if (!t)
		return;
	aio_timer_del(t);
	free(t);
}

bool aio_timer_pending(const AioTimer *t)
{
	return __atomic_load_n(&t->expire_ns, __ATOMIC_RELAXED) >= 0;
}

int64_t aio_timer_expire_time(const AioTimer *t)
{
	int64_t ns = __atomic_load_n(&t->expire_ns, __ATOMIC_RELAXED);

	return ns < 0 ? -1 : ns / t->scale;
}

int64_t aio_timerlist_deadline_ns(AioTimerList *tl, AioClockType type)
{
	int64_t deadline = -1;

	pthread_mutex_lock(&tl->lock);
	if (tl->len) {
		int64_t now = aio_clock_get_ns(type);

		deadline = tl->heap[0]->expire_ns - now;
		if (deadline < 0)
			deadline = 0;
	}
	pthread_mutex_unlock(&tl->lock);
	return deadline;
}

bool aio_timerlist_run(AioContext *ctx, AioTimerList *tl, AioClockType type)
{
	int64_t now;
	bool progress = false;

	pthread_mutex_lock(&tl->lock);
	if (!tl->len) {
		pthread_mutex_unlock(&tl->lock);
		return false;
	}
	now = aio_clock_get_ns(type);
	while (tl->len && tl->heap[0]->expire_ns <= now) {
		AioTimer *t = tl->heap[0];
		AioTimerCB *cb = t->cb;
		void *opaque = t->opaque;

		heap_remove(tl, t);
		pthread_mutex_unlock(&tl->lock);
		cb(opaque);
		progress = true;
		ctx->stats.timer_runs++;
		pthread_mutex_lock(&tl->lock);
	}
	pthread_mutex_unlock(&tl->lock);
	return progress;
}
