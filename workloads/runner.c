/*
 * runner.c: one job from start to result (see runner.h).
 *
 * Every engine and front-end hook runs in its IOThread: the runner sends
 * it there as a oneshot BH and waits for it (run_in / run_in_all), so the
 * per-IOThread state needs no locks. The measurement window opens and
 * closes in a BH in each IOThread too, which is where the thread samples
 * its own CPU time (getrusage(RUSAGE_THREAD) only works on oneself) and
 * its loop statistics. Ramp time is before the window, draining after it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "affinity/affinity.h"
#include "affinity/host.h"
#include "loop/iothread.h"
#include "util/util.h"
#include "workloads/engine.h"
#include "workloads/frontend.h"
#include "workloads/option.h"
#include "workloads/runner.h"

/* How long stop() may take to drain in-flight requests. */
#define DRAIN_NS (5 * 1000000000LL)

struct worker {
	int index;
	IOThread *iothread;
	AioContext *ctx;
	struct wl_engine eng;
	struct wl_fe fe;
	bool eng_ok, fe_ok;
	int ret;
	bool idle;
	char err[512];
	struct wl_stats stats;
	struct wl_hist guest_lat;
	int tid;
	int64_t timer_slack_ns;
	/* Window. */
	int64_t t0, t1;
	struct wl_cpu_sample cpu0, cpu1;
	struct wl_cpu_sample aux0[2 * WL_AUX_MAX], aux1[2 * WL_AUX_MAX];
	struct wl_aux_thread aux[2 * WL_AUX_MAX];
	int naux;
	AioStats loop0, loop1;
	/* Placement (all -1 when not pinned). */
	const struct aff_plan *plan;
	int cpu_req, node_req;
	int aux_cpu_req[2 * WL_AUX_MAX], aux_node_req[2 * WL_AUX_MAX];
	int pin_ret;
	AioWindowSample *trace;
	size_t ntrace;
};

/* ---- running a function in an IOThread and waiting for it ------------- */

struct call {
	void (*fn)(struct worker *w);
	struct worker *w;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool done;
};

static void call_bh(void *opaque)
{
	struct call *c = opaque;

	c->fn(c->w);
	pthread_mutex_lock(&c->lock);
	c->done = true;
	pthread_cond_signal(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

static void call_start(struct call *c, struct worker *w,
		       void (*fn)(struct worker *w))
{
	c->fn = fn;
	c->w = w;
	c->done = false;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->cond, NULL);
	aio_bh_schedule_oneshot(w->ctx, call_bh, c);
}

static void call_wait(struct call *c)
{
	pthread_mutex_lock(&c->lock);
	while (!c->done)
		pthread_cond_wait(&c->cond, &c->lock);
	pthread_mutex_unlock(&c->lock);
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->cond);
}

static void run_in(struct worker *w, void (*fn)(struct worker *w))
{
	struct call c;

	call_start(&c, w, fn);
	call_wait(&c);
}

/* Start fn in every IOThread at once, then wait for all. */
static void run_in_all(struct worker *ws, int n, void (*fn)(struct worker *w))
{
	struct call *c = calloc((size_t)n, sizeof(*c));

	if (!c) {
		for (int i = 0; i < n; i++)
			run_in(&ws[i], fn);
		return;
	}
	for (int i = 0; i < n; i++)
		call_start(&c[i], &ws[i], fn);
	for (int i = 0; i < n; i++)
		call_wait(&c[i]);
	free(c);
}

static void sleep_ns(int64_t ns)
{
	struct timespec ts = { ns / 1000000000LL, ns % 1000000000LL };

	while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR)
		;
}

/* ---- the steps, each run inside the IOThread --------------------------- */

static void step_setup(struct worker *w)
{
	const struct wl_job *job = w->eng.job;
	int ret;

	prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	w->timer_slack_ns = prctl(PR_GET_TIMERSLACK, 0UL, 0UL, 0UL, 0UL);
	w->tid = (int)syscall(SYS_gettid);
	ret = w->eng.ops->init(&w->eng);
	w->eng_ok = true; /* cleanup() also undoes a partial init */
	if (ret) {
		w->ret = ret;
		snprintf(w->err, sizeof(w->err), "engine %s: %.300s",
			 w->eng.ops->name,
			 w->eng.err[0] ? w->eng.err : strerror(-ret));
		return;
	}
	w->fe.ops = wl_frontend_find(job->frontend);
	w->fe.ctx = w->ctx;
	w->fe.eng = &w->eng;
	w->fe.job = job;
	w->fe.index = w->index;
	w->fe.stats = &w->stats;
	w->fe.guest_lat = &w->guest_lat;
	wl_stats_reset(&w->stats);
	wl_hist_reset(&w->guest_lat);
	ret = w->fe.ops->start(&w->fe);
	w->fe_ok = true;
	/* The helper threads that now exist, for placement and CPU time. */
	w->naux = 0;
	for (int i = 0; i < w->eng.naux && w->naux < 2 * WL_AUX_MAX; i++)
		w->aux[w->naux++] = w->eng.aux[i];
	for (int i = 0; i < w->fe.naux && w->naux < 2 * WL_AUX_MAX; i++)
		w->aux[w->naux++] = w->fe.aux[i];
	if (ret) {
		w->ret = ret;
		snprintf(w->err, sizeof(w->err), "front end %s: %.300s",
			 w->fe.ops->name,
			 w->fe.err[0] ? w->fe.err : strerror(-ret));
	}
}

static void sample_aux(struct worker *w, struct wl_cpu_sample *out)
{
	for (int i = 0; i < w->naux; i++)
		wl_cpu_sample_thread(w->aux[i].thread, w->aux[i].tid, &out[i]);
}

static void step_open_window(struct worker *w)
{
	wl_stats_reset(&w->stats);
	aio_context_get_stats(w->ctx, &w->loop0);
	sample_aux(w, w->aux0);
	wl_cpu_sample_self(&w->cpu0);
	w->t0 = aio_clock_get_ns(AIO_CLOCK_REALTIME);
	wl_fe_set_measuring(&w->fe, true);
}

static void step_close_window(struct worker *w)
{
	AioWindowSample *all;
	size_t n, first = 0;

	wl_fe_set_measuring(&w->fe, false);
	w->t1 = aio_clock_get_ns(AIO_CLOCK_REALTIME);
	wl_cpu_sample_self(&w->cpu1);
	sample_aux(w, w->aux1);
	aio_context_get_stats(w->ctx, &w->loop1);
	all = calloc(AIO_WINDOW_RING, sizeof(*all));
	if (!all)
		return;
	n = aio_context_get_window_trace(w->ctx, all, AIO_WINDOW_RING);
	while (first < n && all[first].t_ns < w->t0)
		first++;
	memmove(all, all + first, (n - first) * sizeof(*all));
	w->ntrace = n - first;
	w->trace = all;
}

static void step_stop(struct worker *w)
{
	if (w->fe_ok)
		w->fe.ops->stop(&w->fe);
}

static void step_idle(struct worker *w)
{
	w->idle = !w->fe_ok || w->fe.ops->idle(&w->fe);
}

static void step_cleanup(struct worker *w)
{
	if (w->fe_ok)
		w->fe.ops->cleanup(&w->fe);
	if (w->eng_ok)
		w->eng.ops->cleanup(&w->eng);
	w->fe_ok = w->eng_ok = false;
}

/* ---- placement ---------------------------------------------------------- */

static enum aff_role role_of(const char *name)
{
	if (!strcmp(name, "guest"))
		return AFF_ROLE_GUEST;
	if (!strcmp(name, "device"))
		return AFF_ROLE_DEVICE;
	return AFF_ROLE_COUNT;
}

static void step_pin(struct worker *w)
{
	struct aff_thread_rec rec;

	w->pin_ret = aff_pin_and_record(w->plan, AFF_ROLE_IOTHREAD, w->index,
					&rec);
	w->cpu_req = rec.cpu_requested;
	w->node_req = rec.node_requested;
}

/*
 * Resolve job->placement for the threads that now exist (IOThreads, and
 * the guest and device threads the front ends and engines started) and pin
 * them: IOThreads from inside, the others by TID. -ENOTSUP: the placement
 * cannot be realized on this host, nothing is measured.
 */
static int place_threads(const struct wl_job *job, struct worker *ws, int n,
			 struct aff_plan *plan, char *note, size_t notelen,
			 char *err, size_t errlen)
{
	struct aff_placement pl;
	struct aff_roles counts = { { 0 } };
	char why[256];
	int ret;

	ret = aff_placement_parse(job->placement, &pl, why, sizeof(why));
	if (ret) {
		snprintf(err, errlen, "--placement: %s", why);
		return ret;
	}
	if (pl.kind == AFF_PL_NONE)
		return 0;
	counts.n[AFF_ROLE_IOTHREAD] = n;
	for (int i = 0; i < n; i++) {
		for (int j = 0; j < ws[i].naux; j++) {
			enum aff_role r = role_of(ws[i].aux[j].role);

			if (r != AFF_ROLE_COUNT)
				counts.n[r]++;
		}
	}
	ret = aff_placement_resolve_here(&pl,
		wl_engine_find(job->engine)->flags & WL_ENG_REAL ?
		job->target : NULL, &counts, plan, why, sizeof(why));
	if (ret == -ENOTSUP)
		snprintf(err, errlen, "placement '%s' skipped: %s",
			 job->placement, why);
	else if (ret)
		snprintf(err, errlen, "placement '%s': %s", job->placement,
			 why);
	if (ret)
		return ret;
	snprintf(note, notelen, "%s", plan->warning);
	for (int i = 0; i < n; i++) {
		struct worker *w = &ws[i];

		w->plan = plan;
		run_in(w, step_pin);
		if (w->pin_ret) {
			snprintf(err, errlen, "placement '%s': pinning IOThread %d: %s",
				 job->placement, i, strerror(-w->pin_ret));
			return w->pin_ret;
		}
		for (int j = 0; j < w->naux; j++) {
			enum aff_role r = role_of(w->aux[j].role);
			const struct aff_slot *slot;

			if (r == AFF_ROLE_COUNT)
				continue;
			slot = aff_plan_slot(plan, r, i);
			if (!slot || slot->cpu < 0)
				continue;
			ret = aff_pin_tid(w->aux[j].tid, slot->cpu);
			if (ret) {
				snprintf(err, errlen, "placement '%s': pinning %s %d: %s",
					 job->placement, w->aux[j].role, i,
					 strerror(-ret));
				return ret;
			}
			w->aux_cpu_req[j] = slot->cpu;
			w->aux_node_req[j] = slot->node;
		}
	}
	return 0;
}

/* ---- the run ----------------------------------------------------------- */

int wl_job_check(const struct wl_job *job, char *err, size_t errlen)
{
	const struct wl_engine_ops *eng = wl_engine_find(job->engine);
	const struct wl_frontend_ops *fe = wl_frontend_find(job->frontend);
	int ret;

	if (!eng) {
		snprintf(err, errlen,
			 "invalid value '%s' for --engine: allowed %s",
			 job->engine, wl_engine_names());
		return -EINVAL;
	}
	if (!fe) {
		snprintf(err, errlen,
			 "invalid value '%s' for --frontend: allowed %s",
			 job->frontend, wl_frontend_names());
		return -EINVAL;
	}
	if (job->iothreads < 1 || job->iothreads > WL_MAX_IOTHREADS) {
		snprintf(err, errlen,
			 "invalid value '%u' for --iothreads: allowed 1-%d",
			 job->iothreads, WL_MAX_IOTHREADS);
		return -EINVAL;
	}
	{
		struct aff_placement pl;
		char why[256];

		if (aff_placement_parse(job->placement, &pl, why,
					sizeof(why))) {
			snprintf(err, errlen, "--placement: %s", why);
			return -EINVAL;
		}
	}
	/* Jobs built in code (tests, the sweep) pass the option table too. */
	{
		static const char *const words[] = { "uring-ring",
						     "ring-flags" };
		const char *vals[] = { job->uring_ring, job->ring_flags };
		int64_t num;

		for (size_t i = 0; i < ARRAY_SIZE(words); i++)
			if (wl_opt_parse(wl_opt_find(words[i]), true, vals[i],
					 &num, err, errlen))
				return -EINVAL;
	}
	if (eng->check) {
		ret = eng->check(job, err, errlen);
		if (ret)
			return ret;
	}
	if (fe->check) {
		ret = fe->check(job, err, errlen);
		if (ret)
			return ret;
	}
	return 0;
}

int wl_job_prepare(const struct wl_job *job, bool *created, char *err,
		   size_t errlen)
{
	const struct wl_engine_ops *eng = wl_engine_find(job->engine);

	if (created)
		*created = false;
	if (!eng) {
		snprintf(err, errlen,
			 "invalid value '%s' for --engine: allowed %s",
			 job->engine, wl_engine_names());
		return -EINVAL;
	}
	return eng->prepare ? eng->prepare(job, created, err, errlen) : 0;
}

static void fmt_time(char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void delta_cpu(struct wl_cpu_sample *d, const struct wl_cpu_sample *a,
		      const struct wl_cpu_sample *b)
{
	d->cpu_ns = b->cpu_ns - a->cpu_ns;
	d->usr_ns = b->usr_ns - a->usr_ns;
	d->sys_ns = b->sys_ns - a->sys_ns;
	d->vol_csw = b->vol_csw - a->vol_csw;
	d->invol_csw = b->invol_csw - a->invol_csw;
	d->cpu = b->cpu;
}

#define LOOP_DELTA(f) (r->loop.stats.f += w->loop1.f - w->loop0.f)

/* Add fe's counters into r's by name. */
static void collect_fe_counters(struct wl_result *r, const struct wl_fe *fe)
{
	for (int i = 0; i < fe->ncounters; i++) {
		int j;

		for (j = 0; j < r->nfe_counters; j++)
			if (!strcmp(r->fe_counters[j].name,
				    fe->counters[i].name))
				break;
		if (j == r->nfe_counters) {
			if (j == WL_FE_COUNTERS_MAX)
				continue;
			r->fe_counters[j].name = fe->counters[i].name;
			r->fe_counters[j].value = 0;
			r->nfe_counters++;
		}
		r->fe_counters[j].value += fe->counters[i].value;
	}
}

static void collect(struct wl_result *r, struct worker *ws, int n)
{
	int64_t sum_ns = 0;
	double cpu_io = 0, cpu_guest = 0, cpu_dev = 0;

	for (int i = 0; i < n; i++) {
		struct worker *w = &ws[i];
		double win = (double)(w->t1 - w->t0);
		struct wl_thread_result *t;

		sum_ns += w->t1 - w->t0;
		wl_stats_merge(&r->total, &w->stats);
		collect_fe_counters(r, &w->fe);
		r->ios_all += w->fe.ios_all;
		if (w->guest_lat.n) {
			wl_hist_merge(&r->guest_lat, &w->guest_lat);
			r->has_guest_lat = true;
		}
		if (win > 0) {
			r->iops += (double)w->stats.ios * 1e9 / win;
			r->bw_bytes += (double)w->stats.bytes * 1e9 / win;
		}
		if (r->nthreads < WL_MAX_THREADS) {
			t = &r->threads[r->nthreads++];
			t->role = "iothread";
			t->index = i;
			t->tid = w->tid;
			delta_cpu(&t->cpu, &w->cpu0, &w->cpu1);
			t->cpu_requested = w->cpu_req;
			t->node_requested = w->node_req;
			t->node_realized = aff_node_of_cpu(t->cpu.cpu);
			if (win > 0)
				cpu_io += (double)t->cpu.cpu_ns * 100.0 / win;
		}
		for (int j = 0; j < w->naux && r->nthreads < WL_MAX_THREADS;
		     j++) {
			double pct;

			t = &r->threads[r->nthreads++];
			t->role = w->aux[j].role;
			t->index = i;
			t->tid = w->aux[j].tid;
			delta_cpu(&t->cpu, &w->aux0[j], &w->aux1[j]);
			t->cpu_requested = w->aux_cpu_req[j] >= 0 ?
					   w->aux_cpu_req[j] :
					   w->aux[j].cpu_requested;
			t->node_requested = w->aux_node_req[j];
			t->node_realized = aff_node_of_cpu(t->cpu.cpu);
			pct = win > 0 ? (double)t->cpu.cpu_ns * 100.0 / win : 0;
			if (strcmp(t->role, "guest") == 0)
				cpu_guest += pct;
			else if (strcmp(t->role, "device") == 0)
				cpu_dev += pct;
		}
		LOOP_DELTA(iterations);
		LOOP_DELTA(progress_iterations);
		LOOP_DELTA(poll_attempts);
		LOOP_DELTA(poll_hits);
		LOOP_DELTA(poll_misses);
		LOOP_DELTA(blocking_waits);
		LOOP_DELTA(poll_ns);
		LOOP_DELTA(block_ns);
		LOOP_DELTA(grow_events);
		LOOP_DELTA(shrink_events);
		LOOP_DELTA(notify_writes);
		LOOP_DELTA(bh_runs);
		LOOP_DELTA(timer_runs);
		LOOP_DELTA(dispatches);
		if (w->loop1.window_ns > r->loop.stats.window_ns)
			r->loop.stats.window_ns = w->loop1.window_ns;
		r->loop.stats.poll_max_ns = w->loop1.poll_max_ns;
		r->loop.stats.poll_grow = w->loop1.poll_grow;
		r->loop.stats.poll_shrink = w->loop1.poll_shrink;
		LOOP_DELTA(work);
		if (i == 0) {
			/* Levels, not counts: IOThread 0's measurement. */
			r->loop.stats.block_cost_ns = w->loop1.block_cost_ns;
			r->loop.stats.wake_ns = w->loop1.wake_ns;
			r->loop.stats.block_cost_samples =
				w->loop1.block_cost_samples;
			snprintf(r->loop.fdmon, sizeof(r->loop.fdmon), "%s",
				 w->loop1.fdmon ? w->loop1.fdmon : "");
			snprintf(r->loop.policy, sizeof(r->loop.policy), "%s",
				 w->loop1.policy ? w->loop1.policy : "");
			snprintf(r->loop.ring_flags,
				 sizeof(r->loop.ring_flags), "%s",
				 w->loop1.ring_flags ? w->loop1.ring_flags :
				 "");
			snprintf(r->loop.uring_ring,
				 sizeof(r->loop.uring_ring), "%s",
				 w->eng.ring ? w->eng.ring : "");
			for (size_t k = 0; k < w->ntrace; k++)
				w->trace[k].t_ns -= w->t0;
			r->loop.trace = w->trace;
			r->loop.ntrace = w->ntrace;
			w->trace = NULL;
			r->timer_slack_ns = w->timer_slack_ns;
		}
	}
	r->measured_ns = n ? sum_ns / n : 0;
	r->iothread_pct = cpu_io;
	r->guest_pct = cpu_guest;
	r->device_pct = cpu_dev;
}

static int make_params(const struct wl_job *job, IOThreadParams *p,
		       char *err, size_t errlen)
{
	iothread_params_init(p);
	p->poll_max_ns = job->poll_max_ns;
	p->poll_grow = job->poll_grow;
	p->poll_shrink = job->poll_shrink;
	p->poll_weight = job->poll_weight;
	p->aio_max_batch = job->aio_max_batch;
	snprintf(p->poll_policy, sizeof(p->poll_policy), "%.*s",
		 (int)sizeof(p->poll_policy) - 1, job->poll_policy);
	return iothread_params_check(p, err, errlen);
}

int wl_run(const struct wl_job *job, struct wl_result *res, char *err,
	   size_t errlen)
{
	const struct wl_engine_ops *eng;
	struct worker *ws;
	IOThreadParams params;
	int n = (int)job->iothreads, started = 0, ret;
	int64_t pcpu0, pcpu1, w0, w1, deadline;
	struct wl_devstat dev0, dev1;
	struct aff_plan plan;
	FILE *trace = NULL;
	char name[32];

	memset(res, 0, sizeof(*res));
	res->job = *job;
	wl_hist_reset(&res->guest_lat);
	wl_stats_reset(&res->total);
	ret = wl_job_check(job, err, errlen);
	if (!ret)
		ret = wl_job_prepare(job, NULL, err, errlen);
	if (ret)
		return ret;
	eng = wl_engine_find(job->engine);
	ret = aio_set_default_fdmon(job->fdmon);
	if (ret) {
		snprintf(err, errlen,
			 "invalid value '%s' for --fdmon: allowed %s",
			 job->fdmon, aio_fdmon_names());
		return ret;
	}
	/* Checked above: the ring flags of the IOThreads' contexts. */
	aio_set_default_ring_flags(job->ring_flags);
	ret = make_params(job, &params, err, errlen);
	if (ret)
		return ret;
	if (job->trace[0]) {
		trace = fopen(job->trace, "w");
		if (!trace) {
			/* A bad path is a usage error (exit 2). */
			snprintf(err, errlen, "cannot write --trace '%s': %s",
				 job->trace, strerror(errno));
			return -EINVAL;
		}
	}
	ws = calloc((size_t)n, sizeof(*ws));
	if (!ws) {
		if (trace)
			fclose(trace);
		return -ENOMEM;
	}
	wl_host_probe(&res->host);
	fmt_time(res->start_time, sizeof(res->start_time));

	for (int i = 0; i < n; i++) {
		struct worker *w = &ws[i];

		w->index = i;
		w->cpu_req = w->node_req = -1;
		for (int j = 0; j < 2 * WL_AUX_MAX; j++)
			w->aux_cpu_req[j] = w->aux_node_req[j] = -1;
		snprintf(name, sizeof(name), "iothread%d", i);
		params.trace = i == 0 ? trace : NULL;
		w->iothread = iothread_create(name, &params, err, errlen);
		if (!w->iothread) {
			ret = errno ? -errno : -EIO;
			goto out;
		}
		started++;
		w->ctx = iothread_get_aio_context(w->iothread);
		w->eng.ops = eng;
		w->eng.ctx = w->ctx;
		w->eng.job = job;
		w->eng.index = i;
	}
	run_in_all(ws, n, step_setup);
	for (int i = 0; i < n; i++) {
		if (ws[i].ret) {
			ret = ws[i].ret;
			snprintf(err, errlen, "%s", ws[i].err);
			goto out;
		}
	}
	ret = place_threads(job, ws, n, &plan, res->placement_warning,
			    sizeof(res->placement_warning), err, errlen);
	if (ret)
		goto out;

	sleep_ns(job->ramp_ns);
	pcpu0 = wl_process_cpu_ns();
	w0 = aio_clock_get_ns(AIO_CLOCK_REALTIME);
	/* Every IOThread opens the same target: one disk to sample. */
	if (ws[0].eng.disk[0] && !wl_devstat_init(&dev0, ws[0].eng.disk) &&
	    !wl_devstat_sample(&dev0))
		res->has_dev = true;
	run_in_all(ws, n, step_open_window);
	sleep_ns(job->runtime_ns);
	run_in_all(ws, n, step_close_window);
	if (res->has_dev) {
		dev1 = dev0;
		res->has_dev = !wl_devstat_sample(&dev1);
		wl_devstat_delta(&dev0, &dev1, &res->dev);
	}
	w1 = aio_clock_get_ns(AIO_CLOCK_REALTIME);
	pcpu1 = wl_process_cpu_ns();

	run_in_all(ws, n, step_stop);
	deadline = aio_clock_get_ns(AIO_CLOCK_REALTIME) + DRAIN_NS;
	for (int i = 0; i < n; i++) {
		for (;;) {
			run_in(&ws[i], step_idle);
			if (ws[i].idle)
				break;
			if (aio_clock_get_ns(AIO_CLOCK_REALTIME) > deadline) {
				ret = -ETIMEDOUT;
				snprintf(err, errlen,
					 "IOThread %d: requests still in flight %.1f s after the run ended",
					 i, DRAIN_NS / 1e9);
				/* Leaking beats freeing what the engine holds. */
				goto out_leak;
			}
			sleep_ns(1000000);
		}
	}
	collect(res, ws, n);
	if (w1 > w0)
		res->process_pct = (double)(pcpu1 - pcpu0) * 100.0 /
				   (double)(w1 - w0);
	for (int i = 0; i < n; i++) {
		if (ws[i].fe.fatal && !ret) {
			ret = ws[i].fe.fatal;
			snprintf(err, errlen, "IOThread %d: %s", i,
				 ws[i].fe.err);
		}
	}
out:
	for (int i = 0; i < started; i++)
		run_in(&ws[i], step_cleanup);
	for (int i = 0; i < started; i++)
		iothread_destroy(ws[i].iothread);
	for (int i = 0; i < n; i++)
		free(ws[i].trace);
	free(ws);
	if (trace && fclose(trace) && !ret) {
		ret = -EIO;
		snprintf(err, errlen, "cannot write --trace '%s'", job->trace);
	}
	return ret;
out_leak:
	for (int i = 0; i < started; i++)
		iothread_stop(ws[i].iothread);
	return ret;
}

void wl_result_free(struct wl_result *res)
{
	free(res->loop.trace);
	res->loop.trace = NULL;
	res->loop.ntrace = 0;
}
