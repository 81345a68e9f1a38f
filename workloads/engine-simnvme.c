/*
 * engine-simnvme.c: the simulated NVMe device as an engine (the model is
 * in simnvme-model.c).
 *
 * inline mode (default): each request gets its deadline at submit. The
 * io_poll callback compares the clock with the earliest deadline (a vDSO
 * clock read, no syscall), so a polling loop sees a completion exactly at
 * its deadline. A timerfd armed (absolute, CLOCK_MONOTONIC) at the
 * interrupt time, i.e. the earliest deadline or the coalesced one, is the
 * interrupt that wakes a blocked loop. The timer is re-armed once per reap
 * or submission, only when the interrupt time changes, and it is disarmed
 * between io_poll_begin and io_poll_end (the loop is polling: no
 * interrupt needed, as with NVMe polled queues).
 *
 * thread mode: a device thread busy-waits (on its own CPU with cpu=N) on a
 * submission ring, keeps the model, and posts completions into a
 * completion ring. The IOThread polls that ring. The device writes an
 * eventfd ("interrupt") only when the consumer asked for it: need_kick is
 * cleared in io_poll_begin and set again in io_poll_end; both sides store
 * then load with sequential consistency so a completion is never missed
 * (the consumer re-checks the ring after setting need_kick and kicks
 * itself if it is not empty).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"
#include "workloads/engine.h"
#include "workloads/simnvme-model.h"

#define SIM_RING 4096 /* entries in each thread-mode ring (power of two) */

struct sim_sqe {
	struct wl_io *io;
};

struct sim_cqe {
	struct wl_io *io;
	int64_t result;
};

struct simnvme {
	struct wl_engine *e;
	struct sim_spec spec;
	struct sim_dev dev;     /* inline: IOThread; thread: device thread */

	/* inline mode */
	int tfd;
	int64_t armed;          /* absolute ns the timer is set for */
	bool in_reap;
	bool polling;           /* between io_poll_begin and io_poll_end */
	uint64_t irqs;

	/* thread mode */
	EventNotifier irq;
	bool irq_registered;
	pthread_t thread;
	bool thread_started;
	int stop;               /* atomic */
	int need_kick;          /* atomic: consumer wants an eventfd write */
	int tid;                /* atomic */
	uint32_t inflight;      /* IOThread: queued and not yet reaped */
	uint32_t sq_head, sq_tail; /* atomics: head by device, tail by us */
	uint32_t cq_head, cq_tail; /* atomics: head by us, tail by device */
	uint64_t kicks;         /* atomic */
	struct sim_sqe sq[SIM_RING];
	struct sim_cqe cq[SIM_RING];
};

static inline int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int sim_check(const struct wl_job *job, char *err, size_t errlen)
{
	struct sim_spec s;
	char why[384];
	int ret = sim_spec_parse(job->target, &s, why, sizeof(why));

	if (ret) {
		snprintf(err, errlen, "target '%.200s': %s", job->target, why);
		return ret;
	}
	if (job->verify) {
		snprintf(err, errlen,
			 "--verify needs a real target: simnvme stores no data");
		ret = -EINVAL;
	} else if (job->bs % s.lba) {
		snprintf(err, errlen,
			 "bs %u does not fit target '%.200s': not a multiple of its lba %u",
			 job->bs, job->target, s.lba);
		ret = -EINVAL;
	}
	sim_spec_free(&s);
	return ret;
}

/* ---- inline mode ------------------------------------------------------ */

static void sim_arm(struct simnvme *s)
{
	int64_t t = s->polling ? INT64_MAX : sim_dev_irq_time(&s->dev);
	struct itimerspec its = { 0 };

	if (t == s->armed)
		return;
	if (t != INT64_MAX) {
		its.it_value.tv_sec = t / 1000000000LL;
		its.it_value.tv_nsec = t % 1000000000LL;
		if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
			its.it_value.tv_nsec = 1;
	}
	timerfd_settime(s->tfd, TFD_TIMER_ABSTIME, &its, NULL);
	s->armed = t;
}

static void sim_reap(struct simnvme *s)
{
	struct wl_engine *e = s->e;
	struct sim_cmd c;
	size_t budget = s->dev.n;
	int64_t now = now_ns();

	s->in_reap = true;
	/* Only what was due on entry: new submissions wait for the next. */
	while (budget-- && sim_dev_pop(&s->dev, now, &c)) {
		struct wl_io *io = c.tag;

		io->result = c.result;
		e->complete(io, e->opaque);
	}
	s->in_reap = false;
	sim_arm(s);
}

static bool sim_poll(void *opaque)
{
	struct simnvme *s = opaque;

	return s->dev.n && now_ns() >= sim_dev_next_deadline(&s->dev);
}

static void sim_poll_ready(void *opaque)
{
	sim_reap(opaque);
}

/*
 * While the loop busy-polls, the device raises no interrupt (the timer is
 * disarmed): polling sees each completion at its deadline, and a timer
 * firing at that very moment would only steal the CPU from the poller.
 * When the loop stops polling to block, the interrupt is armed again.
 */
static void sim_inline_poll_begin(void *opaque)
{
	struct simnvme *s = opaque;

	s->polling = true;
	sim_arm(s);
}

static void sim_inline_poll_end(void *opaque)
{
	struct simnvme *s = opaque;

	s->polling = false;
	sim_arm(s);
}

static void sim_timer_read(void *opaque)
{
	struct simnvme *s = opaque;
	uint64_t ticks;

	if (read(s->tfd, &ticks, sizeof(ticks)) == sizeof(ticks)) {
		s->irqs++;
		s->armed = INT64_MIN; /* expired: no longer armed */
	}
	sim_reap(s);
}

/* ---- thread mode ------------------------------------------------------ */

static void *sim_device_thread(void *opaque)
{
	struct simnvme *s = opaque;
	struct sim_cmd c;
	cpu_set_t set;

	__atomic_store_n(&s->tid, (int)syscall(SYS_gettid), __ATOMIC_RELEASE);
	prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	if (s->spec.cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(s->spec.cpu, &set);
		sched_setaffinity(0, sizeof(set), &set);
	}
	while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE)) {
		uint32_t head = s->sq_head;
		uint32_t tail = __atomic_load_n(&s->sq_tail, __ATOMIC_ACQUIRE);
		uint32_t ctail = s->cq_tail;
		int64_t now = now_ns();
		bool posted = false;

		for (; head != tail; head++) {
			struct wl_io *io = s->sq[head & (SIM_RING - 1)].io;

			sim_dev_submit(&s->dev, now, io->offset, io->len, io);
		}
		__atomic_store_n(&s->sq_head, head, __ATOMIC_RELEASE);
		while (sim_dev_pop(&s->dev, now, &c)) {
			struct sim_cqe *cqe = &s->cq[ctail & (SIM_RING - 1)];

			cqe->io = c.tag;
			cqe->result = c.result;
			ctail++;
			posted = true;
		}
		if (posted) {
			/*
			 * Sequentially consistent store then load, mirrored in
			 * sim_poll_end: either we see need_kick or the
			 * consumer sees the new tail (no lost wake-up).
			 */
			__atomic_store_n(&s->cq_tail, ctail, __ATOMIC_SEQ_CST);
			if (__atomic_load_n(&s->need_kick, __ATOMIC_SEQ_CST)) {
				event_notifier_set(&s->irq);
				__atomic_fetch_add(&s->kicks, 1, __ATOMIC_RELAXED);
			}
		}
		__builtin_ia32_pause();
	}
	return NULL;
}

static bool sim_cq_ready(struct simnvme *s)
{
	return __atomic_load_n(&s->cq_tail, __ATOMIC_ACQUIRE) != s->cq_head;
}

static void sim_thread_reap(struct simnvme *s)
{
	struct wl_engine *e = s->e;
	uint32_t head = s->cq_head;
	uint32_t tail = __atomic_load_n(&s->cq_tail, __ATOMIC_ACQUIRE);

	for (; head != tail; head++) {
		struct sim_cqe *cqe = &s->cq[head & (SIM_RING - 1)];
		struct wl_io *io = cqe->io;

		io->result = cqe->result;
		s->inflight--;
		/* Free the slot before complete() may queue into the ring. */
		__atomic_store_n(&s->cq_head, head + 1, __ATOMIC_RELEASE);
		e->complete(io, e->opaque);
	}
}

static bool sim_thread_poll(void *opaque)
{
	EventNotifier *n = opaque;
	struct simnvme *s = container_of(n, struct simnvme, irq);

	return sim_cq_ready(s);
}

static void sim_thread_poll_ready(EventNotifier *n)
{
	sim_thread_reap(container_of(n, struct simnvme, irq));
}

static void sim_thread_read(EventNotifier *n)
{
	event_notifier_test_and_clear(n);
	sim_thread_poll_ready(n);
}

static void sim_poll_begin(EventNotifier *n)
{
	struct simnvme *s = container_of(n, struct simnvme, irq);

	__atomic_store_n(&s->need_kick, 0, __ATOMIC_RELAXED);
}

static void sim_poll_end(EventNotifier *n)
{
	struct simnvme *s = container_of(n, struct simnvme, irq);

	/* Pairs with the device's store of cq_tail then load of need_kick. */
	__atomic_store_n(&s->need_kick, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&s->cq_tail, __ATOMIC_SEQ_CST) != s->cq_head)
		event_notifier_set(&s->irq);
}

static enum wl_q_ret sim_thread_queue(struct simnvme *s, struct wl_io *io)
{
	uint32_t tail = s->sq_tail;

	if (s->inflight >= SIM_RING)
		return WL_Q_BUSY;
	s->sq[tail & (SIM_RING - 1)].io = io;
	__atomic_store_n(&s->sq_tail, tail + 1, __ATOMIC_RELEASE);
	s->inflight++;
	return WL_Q_QUEUED;
}

/* ---- engine ops ------------------------------------------------------- */

static int sim_init(struct wl_engine *e)
{
	struct simnvme *s;
	int ret;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	e->priv = s;
	s->e = e;
	s->tfd = -1;
	ret = sim_spec_parse(e->job->target, &s->spec, e->err, sizeof(e->err));
	if (ret)
		return ret;
	ret = sim_dev_init(&s->dev, &s->spec,
			   e->job->seed ^ (0x5851f42d4c957f2dULL * (uint64_t)(e->index + 1)));
	if (ret)
		return ret;
	e->size = s->spec.size;
	e->align = s->spec.lba;
	e->mem_align = 4096;
	if (!s->spec.thread_mode) {
		s->tfd = timerfd_create(CLOCK_MONOTONIC,
					TFD_NONBLOCK | TFD_CLOEXEC);
		if (s->tfd < 0) {
			ret = -errno;
			snprintf(e->err, sizeof(e->err), "timerfd_create: %s",
				 strerror(errno));
			return ret;
		}
		s->armed = INT64_MAX;
		aio_set_fd_handler(e->ctx, s->tfd, sim_timer_read, NULL,
				   sim_poll, sim_poll_ready, s);
		aio_set_fd_poll(e->ctx, s->tfd, sim_inline_poll_begin,
				sim_inline_poll_end);
		return 0;
	}
	ret = event_notifier_init(&s->irq, false);
	if (ret) {
		snprintf(e->err, sizeof(e->err), "eventfd: %s", strerror(-ret));
		return ret;
	}
	s->need_kick = 1;
	aio_set_event_notifier(e->ctx, &s->irq, sim_thread_read,
			       sim_thread_poll, sim_thread_poll_ready);
	aio_set_event_notifier_poll(e->ctx, &s->irq, sim_poll_begin,
				    sim_poll_end);
	s->irq_registered = true;
	ret = pthread_create(&s->thread, NULL, sim_device_thread, s);
	if (ret) {
		snprintf(e->err, sizeof(e->err), "device thread: %s",
			 strerror(ret));
		return -ret;
	}
	s->thread_started = true;
	while (!__atomic_load_n(&s->tid, __ATOMIC_ACQUIRE))
		sched_yield();
	e->aux[0].role = "device";
	e->aux[0].tid = __atomic_load_n(&s->tid, __ATOMIC_ACQUIRE);
	e->aux[0].thread = s->thread;
	e->aux[0].cpu_requested = s->spec.cpu;
	e->naux = 1;
	return 0;
}

static enum wl_q_ret sim_queue(struct wl_engine *e, struct wl_io *io)
{
	struct simnvme *s = e->priv;

	if (s->spec.thread_mode)
		return sim_thread_queue(s, io);
	if (sim_dev_submit(&s->dev, now_ns(), io->offset, io->len, io) < 0) {
		snprintf(e->err, sizeof(e->err), "out of memory");
		return wl_engine_q_fail(e, -ENOMEM);
	}
	if (!s->in_reap)
		sim_arm(s);
	return WL_Q_QUEUED;
}

static void sim_cleanup(struct wl_engine *e)
{
	struct simnvme *s = e->priv;

	if (!s)
		return;
	if (s->thread_started) {
		__atomic_store_n(&s->stop, 1, __ATOMIC_RELEASE);
		pthread_join(s->thread, NULL);
	}
	if (s->irq_registered)
		aio_set_event_notifier(e->ctx, &s->irq, NULL, NULL, NULL);
	event_notifier_cleanup(&s->irq);
	if (s->tfd >= 0) {
		aio_set_fd_handler(e->ctx, s->tfd, NULL, NULL, NULL, NULL,
				   NULL);
		close(s->tfd);
	}
	sim_dev_free(&s->dev);
	sim_spec_free(&s->spec);
	free(s);
	e->priv = NULL;
	e->naux = 0;
}

const struct wl_engine_ops wl_engine_simnvme = {
	.name = "simnvme",
	.desc = "simulated NVMe device: deadlines per request, channels, timerfd interrupt",
	.flags = WL_ENG_SIMULATED,
	.check = sim_check,
	.init = sim_init,
	.queue = sim_queue,
	.cleanup = sim_cleanup,
};
