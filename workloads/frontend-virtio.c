/*
 * frontend-virtio.c: a guest thread (the vCPU) feeding the IOThread through
 * a virtqueue-like ring pair, the path QEMU's 2016 polling work optimised.
 *
 * Rings (single producer, single consumer each, indices free-running u32):
 *   avail  guest -> IOThread: descriptor ids; avail_idx written by the guest
 *   used   IOThread -> guest: {id, result, tag}; used_idx by the IOThread
 * Notification suppression, event-index style:
 *   avail_event  written by the IOThread: "kick me when avail_idx moves
 *                past this"; the guest kicks (writes the kick eventfd)
 *                only when its new request crosses it;
 *   used_event   written by the guest: "call me when used_idx moves past
 *                this"; the IOThread writes the call eventfd only then.
 * Both sides publish an index with a seq_cst store, then read the other
 * side's event index with a seq_cst load (and the side about to wait stores
 * its event index, then rechecks the index, both seq_cst): of two racing
 * threads at least one sees the other's store (Dekker), so no wakeup is
 * lost, and no notification is sent beyond that race window. (Fences would
 * do on their own, but ThreadSanitizer does not model them.)
 *
 * The IOThread side: the kick eventfd is an event notifier of the context
 * whose io_poll callback checks avail_idx (no syscall). io_poll_begin
 * disables kicks (avail_event left behind the guest), io_poll_end enables
 * them again and rechecks the ring; outside polling, kicks are re-armed
 * after every pass over the ring. Requests go to the engine; completions
 * are published on the used ring.
 *
 * The guest: keeps iodepth requests in flight; after each completion it
 * spends --guest-think (busy, as a vCPU running guest code) before issuing
 * the next. With nothing to consume it spins on the used ring for
 * --guest-poll-ns (a polling guest; calls stay suppressed), then arms
 * used_event and blocks on the call eventfd. Guest-visible latency
 * (publish to consumption) goes to fe->guest_lat. Every request carries a
 * tag so a lost, repeated or stale completion is counted
 * (bad_completions). With --verify the guest writes
 * the target's pattern (target.h, the job's seed) and a read that does not
 * bring it back completes with -EILSEQ, an error in the results.
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"
#include "workloads/frontend-virtio.h"
#include "workloads/target.h"
#include "workloads/units.h"

#define CACHELINE 64
/* How long cleanup() waits for the guest's last requests. */
#define VIRTIO_DRAIN_NS (5 * 1000000000LL)

struct vq_desc {
	uint64_t offset;
	uint32_t len;
	uint32_t ddir;
	uint64_t tag;
};

struct vq_used {
	uint32_t id;
	uint32_t pad;
	int64_t result;
	uint64_t tag;
};

/* One counter set; each field has a single writer thread. */
struct vcounts {
	_Atomic uint64_t v[sizeof(struct wl_virtio_counts) / sizeof(uint64_t)];
};

#define CNT(field) (offsetof(struct wl_virtio_counts, field) / sizeof(uint64_t))

struct virtio {
	struct wl_fe *fe;
	uint32_t depth;
	uint32_t size;                 /* ring entries, power of two */
	struct vq_desc *desc;          /* [depth], written by the guest */
	uint32_t *avail_ring;          /* [size] */
	struct vq_used *used_ring;     /* [size] */
	void **bufs;                   /* [depth] */

	_Alignas(CACHELINE) _Atomic uint32_t avail_idx;
	_Alignas(CACHELINE) _Atomic uint32_t avail_event;
	_Alignas(CACHELINE) _Atomic uint32_t used_idx;
	_Alignas(CACHELINE) _Atomic uint32_t used_event;
	_Alignas(CACHELINE) atomic_bool stop;
	atomic_bool abandon;           /* cleanup gave up on in-flight ones */
	atomic_bool exited;

	EventNotifier kick;            /* guest -> IOThread */
	EventNotifier call;            /* IOThread -> guest */

	/* IOThread side. */
	_Alignas(CACHELINE) uint32_t last_avail;
	uint32_t used_shadow;
	bool polling;
	uint32_t host_inflight;
	struct wl_io *ios;             /* [depth], by descriptor id */
	struct wl_io *busy_head, *busy_tail;
	bool registered;

	/* Guest side. */
	_Alignas(CACHELINE) uint32_t avail_shadow;
	uint32_t last_used;
	uint32_t *free_ids;
	uint32_t nfree;
	uint32_t guest_inflight;
	uint64_t next_tag;
	uint64_t *slot_tag;            /* 0: slot not in flight */
	int64_t *slot_start;
	struct wl_gen gen;
	struct wl_rand think_rand;
	struct wl_think think;
	int64_t guest_poll_ns;
	bool verify;
	uint64_t seed;
	pthread_t thread;
	bool thread_started;
	pthread_mutex_t start_lock;
	pthread_cond_t start_cond;
	bool tid_ready;

	struct vcounts total, window;
};

static bool need_event(uint32_t event, uint32_t new_idx, uint32_t old_idx)
{
	return (uint32_t)(new_idx - event - 1) < (uint32_t)(new_idx - old_idx);
}

static void count(struct virtio *v, size_t idx)
{
	atomic_fetch_add_explicit(&v->total.v[idx], 1, memory_order_relaxed);
	if (wl_fe_measuring(v->fe))
		atomic_fetch_add_explicit(&v->window.v[idx], 1,
					  memory_order_relaxed);
}

static int64_t now_ns(void)
{
	return aio_clock_get_ns(AIO_CLOCK_REALTIME);
}

/* ---- guest think time ---------------------------------------------------- */

static int parse_dur(const char *s, int64_t *out)
{
	return wl_parse_duration_ns(s, 1000, out) || *out < 0 ? -EINVAL : 0;
}

int64_t wl_think_mean_ns(const struct wl_think *t)
{
	switch (t->kind) {
	case WL_THINK_FIXED:
	case WL_THINK_EXP:
		return t->a_ns;
	case WL_THINK_UNIFORM:
		return t->a_ns + (t->b_ns - t->a_ns) / 2;
	default:
		return 0;
	}
}

int wl_think_parse(const char *s, struct wl_think *out)
{
	char lo[64];
	const char *dash;

	memset(out, 0, sizeof(*out));
	if (!s || !*s || strcmp(s, "0") == 0)
		return 0;
	if (strncmp(s, "uniform:", 8) == 0) {
		s += 8;
		dash = strchr(s, '-');
		if (!dash || (size_t)(dash - s) >= sizeof(lo))
			return -EINVAL;
		memcpy(lo, s, (size_t)(dash - s));
		lo[dash - s] = '\0';
		if (parse_dur(lo, &out->a_ns) ||
		    parse_dur(dash + 1, &out->b_ns) || out->b_ns < out->a_ns)
			return -EINVAL;
		out->kind = WL_THINK_UNIFORM;
		return 0;
	}
	if (strncmp(s, "exp:", 4) == 0) {
		if (parse_dur(s + 4, &out->a_ns))
			return -EINVAL;
		out->kind = WL_THINK_EXP;
		return 0;
	}
	if (strncmp(s, "fixed:", 6) == 0)
		s += 6;
	if (parse_dur(s, &out->a_ns))
		return -EINVAL;
	out->kind = out->a_ns ? WL_THINK_FIXED : WL_THINK_NONE;
	return 0;
}

static int64_t think_sample(struct virtio *v)
{
	const struct wl_think *t = &v->think;

	switch (t->kind) {
	case WL_THINK_FIXED:
		return t->a_ns;
	case WL_THINK_UNIFORM:
		return t->a_ns + (int64_t)wl_rand_below(&v->think_rand,
				(uint64_t)(t->b_ns - t->a_ns) + 1);
	case WL_THINK_EXP:
		return (int64_t)(-log(1.0 - wl_rand_double(&v->think_rand)) *
				 (double)t->a_ns);
	default:
		return 0;
	}
}

/* The vCPU runs guest code: a busy wait, not a sleep. */
static void think(struct virtio *v)
{
	int64_t ns = think_sample(v), end;

	if (ns <= 0)
		return;
	end = now_ns() + ns;
	while (now_ns() < end)
		;
}

/* ---- IOThread side ------------------------------------------------------- */

static void host_publish(struct virtio *v, uint32_t id, int64_t result,
			 uint64_t tag)
{
	uint32_t old = v->used_shadow;
	struct vq_used *u = &v->used_ring[old & (v->size - 1)];

	u->id = id;
	u->result = result;
	u->tag = tag;
	v->used_shadow = old + 1;
	atomic_store_explicit(&v->used_idx, old + 1, memory_order_seq_cst);
	if (need_event(atomic_load_explicit(&v->used_event,
					    memory_order_seq_cst),
		       old + 1, old)) {
		event_notifier_set(&v->call);
		count(v, CNT(calls));
	} else {
		count(v, CNT(calls_suppressed));
	}
}

static void host_submit(struct virtio *v, struct wl_io *io);

static void host_complete(struct wl_io *io, void *opaque)
{
	struct virtio *v = opaque;

	/* --verify: a read must bring back the pattern (as direct does). */
	if (v->verify && io->ddir == WL_DDIR_READ &&
	    io->result == (int64_t)io->len &&
	    !wl_pattern_check(io->buf, io->len, io->offset, v->seed, NULL)) {
		io->result = -EILSEQ;
		count(v, CNT(verify_errors));
	}
	wl_fe_account(v->fe, io, now_ns());
	v->host_inflight--;
	host_publish(v, io->slot, io->result, (uint64_t)(uintptr_t)io->fe_priv);
	if (v->busy_head) {
		struct wl_io *retry = v->busy_head;

		v->busy_head = retry->next;
		if (!v->busy_head)
			v->busy_tail = NULL;
		host_submit(v, retry);
	}
}

static void host_submit(struct virtio *v, struct wl_io *io)
{
	struct wl_engine *e = v->fe->eng;

	io->start_ns = now_ns();
	io->submit_ns = io->reap_ns = 0;
	io->result = 0;
	switch (e->ops->queue(e, io)) {
	case WL_Q_QUEUED:
		v->host_inflight++;
		break;
	case WL_Q_COMPLETED:
		v->host_inflight++;
		host_complete(io, v);
		break;
	case WL_Q_BUSY:
		if (!v->host_inflight) {
			wl_fe_set_fatal(v->fe, -EAGAIN, "engine refused a "
					"request with none in flight");
			io->result = -EAGAIN;
			v->host_inflight++;
			host_complete(io, v);
			break;
		}
		io->next = NULL;
		if (v->busy_tail)
			v->busy_tail->next = io;
		else
			v->busy_head = io;
		v->busy_tail = io;
		break;
	case WL_Q_FAILED:
		/* Fatal: fail the request back so the guest never hangs. */
		wl_fe_set_fatal(v->fe, e->q_err, "submission failed");
		io->result = e->q_err;
		v->host_inflight++;
		host_complete(io, v);
		break;
	}
}

/* Take one request off the avail ring and hand it to the engine. */
static void host_take(struct virtio *v)
{
	uint32_t id = v->avail_ring[v->last_avail & (v->size - 1)];
	const struct vq_desc *d;
	struct wl_io *io;

	v->last_avail++;
	count(v, CNT(dequeued));
	if (v->polling)
		count(v, CNT(dequeued_polling));
	if (id >= v->depth) {
		/* A corrupt ring: nothing to complete it with. */
		wl_fe_set_fatal(v->fe, -EPROTO, "bad descriptor id on the "
				"avail ring");
		return;
	}
	d = &v->desc[id];
	io = &v->ios[id];
	io->offset = d->offset;
	io->len = d->len;
	io->ddir = d->ddir ? WL_DDIR_WRITE : WL_DDIR_READ;
	io->buf = v->bufs[id];
	io->slot = id;
	io->fe_priv = (void *)(uintptr_t)d->tag;
	host_submit(v, io);
}

/* Re-arm kicks; true when requests arrived meanwhile. */
static bool host_enable_kicks(struct virtio *v)
{
	atomic_store_explicit(&v->avail_event, v->last_avail,
			      memory_order_seq_cst);
	return atomic_load_explicit(&v->avail_idx, memory_order_seq_cst) !=
	       v->last_avail;
}

static void host_disable_kicks(struct virtio *v)
{
	/* Behind everything the guest can publish: no kick crosses it. */
	atomic_store_explicit(&v->avail_event, v->last_avail - 1,
			      memory_order_relaxed);
}

static void host_process(struct virtio *v)
{
	struct wl_engine *e = v->fe->eng;
	bool took;

	do {
		uint32_t avail = atomic_load_explicit(&v->avail_idx,
						      memory_order_acquire);

		took = v->last_avail != avail;
		while (v->last_avail != avail)
			host_take(v);
		if (took && e->ops->commit) {
			int ret = e->ops->commit(e);

			if (ret < 0)
				wl_fe_set_fatal(v->fe, ret, "commit failed");
		}
	} while (!v->polling && host_enable_kicks(v));
}

static void vq_kick_read(EventNotifier *n)
{
	struct virtio *v = container_of(n, struct virtio, kick);

	event_notifier_test_and_clear(n);
	count(v, CNT(kick_dispatches));
	host_process(v);
}

static bool vq_poll(void *opaque)
{
	EventNotifier *n = opaque;
	struct virtio *v = container_of(n, struct virtio, kick);

	return atomic_load_explicit(&v->avail_idx, memory_order_acquire) !=
	       v->last_avail;
}

static void vq_poll_ready(EventNotifier *n)
{
	struct virtio *v = container_of(n, struct virtio, kick);

	host_process(v);
}

static void vq_poll_begin(EventNotifier *n)
{
	struct virtio *v = container_of(n, struct virtio, kick);

	v->polling = true;
	count(v, CNT(poll_sessions));
	host_disable_kicks(v);
}

static void vq_poll_end(EventNotifier *n)
{
	struct virtio *v = container_of(n, struct virtio, kick);

	v->polling = false;
	/* Work that arrived unannounced: make the fd say so. */
	if (host_enable_kicks(v))
		event_notifier_set(&v->kick);
}

/* ---- guest side ---------------------------------------------------------- */

static void guest_submit(struct virtio *v)
{
	uint32_t id = v->free_ids[--v->nfree];
	struct vq_desc *d = &v->desc[id];
	struct wl_io tmp;
	uint32_t old;

	memset(&tmp, 0, sizeof(tmp));
	wl_gen_next(&v->gen, &tmp);
	d->offset = tmp.offset;
	d->len = tmp.len;
	d->ddir = tmp.ddir == WL_DDIR_WRITE;
	d->tag = ++v->next_tag;
	if (v->verify && d->ddir)
		wl_pattern_fill(v->bufs[id], d->len, d->offset, v->seed);
	v->slot_tag[id] = d->tag;
	v->guest_inflight++;

	old = v->avail_shadow;
	v->avail_ring[old & (v->size - 1)] = id;
	v->avail_shadow = old + 1;
	v->slot_start[id] = now_ns();
	atomic_store_explicit(&v->avail_idx, old + 1, memory_order_seq_cst);
	count(v, CNT(submitted));
	if (need_event(atomic_load_explicit(&v->avail_event,
					    memory_order_seq_cst),
		       old + 1, old)) {
		event_notifier_set(&v->kick);
		count(v, CNT(kicks));
	} else {
		count(v, CNT(kicks_suppressed));
	}
}

/* Consume every used entry; true when there was one. */
static bool guest_reap(struct virtio *v)
{
	uint32_t used = atomic_load_explicit(&v->used_idx,
					     memory_order_acquire);
	bool any = false;

	while (v->last_used != used) {
		const struct vq_used *u =
			&v->used_ring[v->last_used & (v->size - 1)];
		uint32_t id = u->id;
		int64_t t = now_ns();

		v->last_used++;
		any = true;
		if (id >= v->depth || !v->slot_tag[id] ||
		    v->slot_tag[id] != u->tag) {
			count(v, CNT(bad_completions));
			continue;
		}
		if (v->fe->guest_lat && wl_fe_measuring(v->fe))
			wl_hist_add(v->fe->guest_lat,
				    (uint64_t)(t - v->slot_start[id]));
		v->slot_tag[id] = 0;
		v->guest_inflight--;
		v->free_ids[v->nfree++] = id;
		count(v, CNT(completed));
		think(v);
	}
	return any;
}

/*
 * --guest-poll-ns: spin on the used ring first. used_event is not armed
 * meanwhile, so the IOThread sends no call for what the spin finds.
 */
static bool guest_poll(struct virtio *v)
{
	int64_t end;

	if (v->guest_poll_ns <= 0)
		return false;
	end = now_ns() + v->guest_poll_ns;
	do {
		if (atomic_load_explicit(&v->used_idx, memory_order_acquire) !=
		    v->last_used) {
			count(v, CNT(guest_poll_hits));
			return true;
		}
	} while (now_ns() < end &&
		 !atomic_load_explicit(&v->abandon, memory_order_relaxed));
	return false;
}

/* Nothing to consume: arm used_event, recheck, block on the call fd. */
static void guest_wait(struct virtio *v)
{
	struct pollfd pfd = {
		.fd = event_notifier_get_fd(&v->call),
		.events = POLLIN,
	};

	if (guest_poll(v))
		return;
	atomic_store_explicit(&v->used_event, v->last_used,
			      memory_order_seq_cst);
	count(v, CNT(guest_waits));
	if (atomic_load_explicit(&v->used_idx, memory_order_seq_cst) !=
	    v->last_used)
		return; /* arrived meanwhile; a racing call is left pending */
	while (poll(&pfd, 1, -1) < 0 && errno == EINTR)
		;
	event_notifier_test_and_clear(&v->call);
}

static void *guest_main(void *opaque)
{
	struct virtio *v = opaque;
	struct wl_aux_thread *aux = &v->fe->aux[0];

	pthread_mutex_lock(&v->start_lock);
	aux->tid = gettid();
	v->tid_ready = true;
	pthread_cond_signal(&v->start_cond);
	pthread_mutex_unlock(&v->start_lock);

	for (;;) {
		bool stop = atomic_load_explicit(&v->stop,
						 memory_order_acquire);

		while (!stop && v->nfree)
			guest_submit(v);
		if (guest_reap(v))
			continue;
		if (!v->guest_inflight) {
			if (stop)
				break;
			continue;
		}
		if (atomic_load_explicit(&v->abandon, memory_order_acquire))
			break;
		guest_wait(v);
	}
	atomic_store_explicit(&v->exited, true, memory_order_release);
	/* Wake the IOThread so that whoever waits for idle() sees it. */
	event_notifier_set(&v->kick);
	return NULL;
}

/* ---- ops ----------------------------------------------------------------- */

static int virtio_check(const struct wl_job *job, char *err, size_t errlen)
{
	struct wl_think t;

	if (wl_think_parse(job->guest_think, &t)) {
		snprintf(err, errlen, "invalid value '%s' for --guest-think: "
			 "allowed %s", job->guest_think, WL_THINK_SYNTAX);
		return -EINVAL;
	}
	return 0;
}

static uint32_t ring_size(uint32_t depth)
{
	uint32_t n = 1;

	while (n < depth)
		n <<= 1;
	return n;
}

static int virtio_alloc(struct virtio *v, size_t align, uint32_t bs)
{
	v->desc = calloc(v->depth, sizeof(*v->desc));
	v->avail_ring = calloc(v->size, sizeof(*v->avail_ring));
	v->used_ring = calloc(v->size, sizeof(*v->used_ring));
	v->bufs = calloc(v->depth, sizeof(*v->bufs));
	v->ios = calloc(v->depth, sizeof(*v->ios));
	v->free_ids = calloc(v->depth, sizeof(*v->free_ids));
	v->slot_tag = calloc(v->depth, sizeof(*v->slot_tag));
	v->slot_start = calloc(v->depth, sizeof(*v->slot_start));
	if (!v->desc || !v->avail_ring || !v->used_ring || !v->bufs ||
	    !v->ios || !v->free_ids || !v->slot_tag || !v->slot_start)
		return -ENOMEM;
	for (uint32_t i = 0; i < v->depth; i++) {
		if (posix_memalign(&v->bufs[i], align, bs))
			return -ENOMEM;
		memset(v->bufs[i], 0, bs);
		v->free_ids[i] = v->depth - 1 - i;
	}
	v->nfree = v->depth;
	return 0;
}

static void virtio_free(struct virtio *v)
{
	for (uint32_t i = 0; v->bufs && i < v->depth; i++)
		free(v->bufs[i]);
	free(v->desc);
	free(v->avail_ring);
	free(v->used_ring);
	free(v->bufs);
	free(v->ios);
	free(v->free_ids);
	free(v->slot_tag);
	free(v->slot_start);
	event_notifier_cleanup(&v->kick);
	event_notifier_cleanup(&v->call);
	pthread_mutex_destroy(&v->start_lock);
	pthread_cond_destroy(&v->start_cond);
	free(v);
}

static int virtio_start_guest(struct virtio *v)
{
	struct wl_fe *fe = v->fe;
	int ret;

	fe->aux[0].role = "guest";
	fe->aux[0].cpu_requested = -1;
	ret = pthread_create(&fe->aux[0].thread, NULL, guest_main, v);
	if (ret)
		return -ret;
	v->thread = fe->aux[0].thread;
	v->thread_started = true;
	pthread_mutex_lock(&v->start_lock);
	while (!v->tid_ready)
		pthread_cond_wait(&v->start_cond, &v->start_lock);
	pthread_mutex_unlock(&v->start_lock);
	fe->naux = 1;
	return 0;
}

static int virtio_start(struct wl_fe *fe)
{
	struct wl_engine *e = fe->eng;
	const struct wl_job *job = fe->job;
	size_t align = e->mem_align < sizeof(void *) ? sizeof(void *)
						      : e->mem_align;
	struct virtio *v = calloc(1, sizeof(*v));
	int ret;

	if (!v)
		return -ENOMEM;
	v->fe = fe;
	fe->priv = v;
	pthread_mutex_init(&v->start_lock, NULL);
	pthread_cond_init(&v->start_cond, NULL);
	v->depth = job->iodepth ? job->iodepth : 1;
	v->size = ring_size(v->depth);
	v->verify = job->verify;
	v->guest_poll_ns = job->guest_poll_ns;
	v->seed = job->seed;
	if (wl_think_parse(job->guest_think, &v->think)) {
		snprintf(fe->err, sizeof(fe->err), "invalid value '%s' for "
			 "--guest-think: allowed %s", job->guest_think,
			 WL_THINK_SYNTAX);
		return -EINVAL;
	}
	if (v->think.kind == WL_THINK_NONE && job->guest_think_ns > 0) {
		v->think.kind = WL_THINK_FIXED;
		v->think.a_ns = job->guest_think_ns;
	}
	wl_rand_seed(&v->think_rand, job->seed ^ 0x7468696e6bULL ^
		     (uint64_t)fe->index);
	ret = wl_gen_init(&v->gen, job, e->size, e->align, job->seed +
			  0x9e3779b97f4a7c15ULL * (uint64_t)fe->index,
			  fe->err, sizeof(fe->err));
	if (ret)
		return ret;
	ret = virtio_alloc(v, align, job->bs);
	if (ret)
		return ret;
	ret = event_notifier_init(&v->kick, false);
	if (!ret)
		ret = event_notifier_init(&v->call, false);
	if (ret)
		return ret;

	e->complete = host_complete;
	e->opaque = v;
	/*
	 * Kicks armed from the start: the first request is announced. Calls
	 * not: the guest arms used_event before it first blocks.
	 */
	atomic_store_explicit(&v->avail_event, 0, memory_order_relaxed);
	atomic_store_explicit(&v->used_event, UINT32_MAX,
			      memory_order_relaxed);
	aio_set_event_notifier(fe->ctx, &v->kick, vq_kick_read, vq_poll,
			       vq_poll_ready);
	aio_set_event_notifier_poll(fe->ctx, &v->kick, vq_poll_begin,
				    vq_poll_end);
	v->registered = true;
	return virtio_start_guest(v);
}

static void virtio_stop(struct wl_fe *fe)
{
	struct virtio *v = fe->priv;

	if (v)
		atomic_store_explicit(&v->stop, true, memory_order_release);
}

/* The window's counts into fe->counters, for the run result. */
static void virtio_report(struct wl_fe *fe)
{
	static const struct { const char *name; size_t idx; } shown[] = {
		{ "submitted", CNT(submitted) },
		{ "kicks", CNT(kicks) },
		{ "kicks_suppressed", CNT(kicks_suppressed) },
		{ "kick_dispatches", CNT(kick_dispatches) },
		{ "dequeued_polling", CNT(dequeued_polling) },
		{ "poll_sessions", CNT(poll_sessions) },
		{ "calls", CNT(calls) },
		{ "calls_suppressed", CNT(calls_suppressed) },
		{ "guest_waits", CNT(guest_waits) },
		{ "guest_poll_hits", CNT(guest_poll_hits) },
		{ "bad_completions", CNT(bad_completions) },
		{ "verify_errors", CNT(verify_errors) },
	};
	struct virtio *v = fe->priv;
	size_t n = ARRAY_SIZE(shown);

	for (size_t i = 0; i < n && i < WL_FE_COUNTERS_MAX; i++) {
		fe->counters[i].name = shown[i].name;
		fe->counters[i].value = atomic_load_explicit(
			&v->window.v[shown[i].idx], memory_order_relaxed);
	}
	fe->ncounters = (int)(n < WL_FE_COUNTERS_MAX ? n : WL_FE_COUNTERS_MAX);
}

static bool virtio_idle(struct wl_fe *fe)
{
	struct virtio *v = fe->priv;

	if (!v || !v->thread_started)
		return true;
	if (!atomic_load_explicit(&v->exited, memory_order_acquire) ||
	    v->host_inflight)
		return false;
	virtio_report(fe);
	if (atomic_load_explicit(&v->total.v[CNT(bad_completions)],
				 memory_order_relaxed))
		wl_fe_set_fatal(fe, -EPROTO, "virtio: a completion was lost, "
				"repeated or stale (ring protocol error)");
	return true;
}

static void virtio_cleanup(struct wl_fe *fe)
{
	struct virtio *v = fe->priv;

	if (!v)
		return;
	if (v->thread_started) {
		int64_t give_up = now_ns() + VIRTIO_DRAIN_NS;

		atomic_store_explicit(&v->stop, true, memory_order_release);
		/* Let in-flight requests finish, for a bounded time. */
		while (!atomic_load_explicit(&v->exited,
					     memory_order_acquire) &&
		       now_ns() < give_up)
			aio_poll(fe->ctx, false);
		atomic_store_explicit(&v->abandon, true, memory_order_release);
		event_notifier_set(&v->call);
		pthread_join(v->thread, NULL);
	}
	if (v->registered)
		aio_set_event_notifier(fe->ctx, &v->kick, NULL, NULL, NULL);
	fe->naux = 0;
	virtio_free(v);
	fe->priv = NULL;
}

void wl_virtio_get_counts(const struct wl_fe *fe,
			  struct wl_virtio_counts *total,
			  struct wl_virtio_counts *window)
{
	const struct virtio *v = fe->priv;
	uint64_t *t = (uint64_t *)total, *w = (uint64_t *)window;
	size_t n = sizeof(struct wl_virtio_counts) / sizeof(uint64_t);

	for (size_t i = 0; i < n; i++) {
		if (t)
			t[i] = v ? atomic_load_explicit(&v->total.v[i],
							memory_order_relaxed)
				 : 0;
		if (w)
			w[i] = v ? atomic_load_explicit(&v->window.v[i],
							memory_order_relaxed)
				 : 0;
	}
}

const struct wl_frontend_ops wl_frontend_virtio = {
	.name = "virtio",
	.desc = "a guest thread submits through a virtqueue-like ring with "
		"notification suppression; the IOThread polls the ring",
	.check = virtio_check,
	.start = virtio_start,
	.stop = virtio_stop,
	.idle = virtio_idle,
	.cleanup = virtio_cleanup,
};
