/*
 * iothread.c: a thread that runs an AioContext (QEMU's IOThread object).
 *
 * Lifecycle: iothread_create validates and applies the parameters to a new
 * context, starts the thread and waits until it runs; the thread loops
 * aio_poll(ctx, true) while `running` (or a GMainLoop over the context,
 * once iothread_get_g_main_context was called); iothread_stop schedules a
 * oneshot BH in the thread that clears `running` and quits the GMainLoop,
 * then joins. Parameters can be changed while it runs, as with qom-set.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <glib.h>

#include "loop/aio-internal.h"
#include "loop/iothread.h"
#include "loop/thread-pool.h"
#include "polling/policy.h"

/* Linux limits thread names to 16 bytes with the NUL. */
#define IOTHREAD_NAME_MAX 16
/* Timed sleeps at start to measure the block cost (8 x ~80 us). */
#define IOTHREAD_CALIBRATE_SAMPLES 8

struct IOThread {
	char id[64];
	AioContext *ctx;
	pthread_t thread;
	bool started;         /* thread created (joinable) */
	atomic_bool stopping; /* iothread_stop was called */
	bool running;         /* only the thread itself clears it */
	atomic_int thread_id; /* kernel TID, -1 until the thread runs */

	pthread_mutex_t init_lock;
	pthread_cond_t init_cond;

	/* GMainLoop mode, set up by iothread_get_g_main_context. */
	pthread_mutex_t gcontext_lock;
	GMainContext *worker_context;
	GMainLoop *main_loop;
	atomic_bool run_gcontext;

	pthread_mutex_t params_lock; /* params, against concurrent query/set */
	IOThreadParams params;
};

static __thread IOThread *current_iothread;

static int set_err(char *err, size_t errlen, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int set_err(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return ret;
}

void iothread_params_init(IOThreadParams *p)
{
	memset(p, 0, sizeof(*p));
	p->poll_max_ns = IOTHREAD_POLL_MAX_NS_DEFAULT;
	p->thread_pool_min = 0;
	p->thread_pool_max = 64;
	snprintf(p->poll_policy, sizeof(p->poll_policy), "%s",
		 poll_policy_default()->name);
}

/* The int64 properties, in the order query and error messages list them. */
static const struct int_prop {
	const char *name;
	size_t offset;
	int64_t max; /* valid range is [0, max] */
} int_props[] = {
	{ "poll-max-ns", offsetof(IOThreadParams, poll_max_ns), INT64_MAX },
	{ "poll-grow", offsetof(IOThreadParams, poll_grow), INT64_MAX },
	{ "poll-shrink", offsetof(IOThreadParams, poll_shrink), INT64_MAX },
	{ "poll-weight", offsetof(IOThreadParams, poll_weight), 63 },
	{ "aio-max-batch", offsetof(IOThreadParams, aio_max_batch),
	  INT64_MAX },
	{ "thread-pool-min", offsetof(IOThreadParams, thread_pool_min),
	  INT64_MAX },
	{ "thread-pool-max", offsetof(IOThreadParams, thread_pool_max),
	  INT64_MAX },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const struct int_prop *find_int_prop(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(int_props); i++)
		if (strcmp(int_props[i].name, name) == 0)
			return &int_props[i];
	return NULL;
}

static int parse_int64(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 0);
	if (errno || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

int iothread_params_set(IOThreadParams *p, const char *name,
			const char *value, char *err, size_t errlen)
{
	const struct int_prop *prop;
	int64_t v;

	if (strcmp(name, "poll-policy") == 0) {
		if (!value || !poll_policy_find(value))
			return set_err(err, errlen, -EINVAL,
				       "poll-policy '%s' is not one of: %s",
				       value ? value : "", poll_policy_names());
		snprintf(p->poll_policy, sizeof(p->poll_policy), "%s", value);
		return 0;
	}
	prop = find_int_prop(name);
	if (!prop)
		return set_err(err, errlen, -ENOENT,
			       "unknown IOThread property '%s' (known: "
			       "poll-max-ns, poll-grow, poll-shrink, "
			       "poll-weight, poll-policy, aio-max-batch, "
			       "thread-pool-min, thread-pool-max)", name);
	if (parse_int64(value, &v) < 0)
		return set_err(err, errlen, -EINVAL,
			       "Parameter '%s' expects int64, got '%s'", name,
			       value ? value : "");
	if (v < 0 || v > prop->max)
		return set_err(err, errlen, -EINVAL,
			       "%s value must be in range [0, %" PRId64 "]",
			       name, prop->max);
	*(int64_t *)((char *)p + prop->offset) = v;
	return 0;
}

int iothread_params_check(const IOThreadParams *p, char *err, size_t errlen)
{
	size_t i;
	int64_t v;

	for (i = 0; i < ARRAY_SIZE(int_props); i++) {
		v = *(const int64_t *)((const char *)p + int_props[i].offset);
		if (v < 0 || v > int_props[i].max)
			return set_err(err, errlen, -EINVAL,
				       "%s value must be in range [0, %" PRId64
				       "]", int_props[i].name,
				       int_props[i].max);
	}
	if (p->thread_pool_min > p->thread_pool_max ||
	    p->thread_pool_max <= 0 || p->thread_pool_min > INT_MAX ||
	    p->thread_pool_max > INT_MAX)
		return set_err(err, errlen, -EINVAL,
			       "bad thread-pool-min/thread-pool-max values");
	if (!poll_policy_find(p->poll_policy))
		return set_err(err, errlen, -EINVAL,
			       "poll-policy '%s' is not one of: %s",
			       p->poll_policy, poll_policy_names());
	return 0;
}

/*
 * Apply the part of p named by `name` (NULL: all of it) to ctx. The
 * parameters were checked, so an error here means the loop refused them.
 */
static int apply_params(AioContext *ctx, const IOThreadParams *p,
			const char *name, char *err, size_t errlen)
{
	bool all = !name;
	int ret;

	if (all || strcmp(name, "poll-max-ns") == 0 ||
	    strcmp(name, "poll-grow") == 0 ||
	    strcmp(name, "poll-shrink") == 0) {
		ret = aio_context_set_poll_params(ctx, p->poll_max_ns,
						  p->poll_grow, p->poll_shrink);
		if (ret < 0)
			return set_err(err, errlen, ret,
				       "poll-max-ns/poll-grow/poll-shrink "
				       "refused by the loop");
	}
	if (all || strcmp(name, "poll-policy") == 0) {
		ret = aio_context_set_poll_policy(ctx, p->poll_policy);
		if (ret < 0)
			return set_err(err, errlen, ret,
				       "poll-policy '%s' is not one of: %s",
				       p->poll_policy, poll_policy_names());
	}
	if (all || strcmp(name, "poll-weight") == 0) {
		ret = aio_context_set_poll_weight(ctx, p->poll_weight);
		if (ret < 0)
			return set_err(err, errlen, ret,
				       "poll-weight value must be in range "
				       "[0, 63]");
	}
	if (all || strcmp(name, "aio-max-batch") == 0) {
		ret = aio_context_set_aio_params(ctx, p->aio_max_batch);
		if (ret < 0)
			return set_err(err, errlen, ret,
				       "aio-max-batch value must be in range "
				       "[0, %" PRId64 "]", (int64_t)INT64_MAX);
	}
	if (all || strncmp(name, "thread-pool-", 12) == 0) {
		ret = aio_context_set_thread_pool_params(ctx,
							 p->thread_pool_min,
							 p->thread_pool_max);
		if (ret < 0)
			return set_err(err, errlen, ret,
				       "bad thread-pool-min/thread-pool-max "
				       "values");
	}
	return 0;
}

/* Runs in the IOThread: end the loop (iothread_run sees !running). */
static void iothread_stop_bh(void *opaque)
{
	IOThread *t = opaque;

	t->running = false;
	/* main_loop is set before run_gcontext, which we read first. */
	if (atomic_load(&t->run_gcontext))
		g_main_loop_quit(t->main_loop);
}

static void iothread_set_name(IOThread *t)
{
	char name[IOTHREAD_NAME_MAX];

	/* "IO <id>", cut to what the kernel keeps. */
	snprintf(name, sizeof(name), "IO %.*s", (int)sizeof(name) - 4, t->id);
	pthread_setname_np(pthread_self(), name);
}

static void *iothread_run(void *opaque)
{
	IOThread *t = opaque;
	bool pushed = false;

	current_iothread = t;
	iothread_set_name(t);
	/*
	 * The default 50 us slack makes short waits overshoot by up to
	 * ~90 us on these hosts (docs/machine.md section 3); QEMU's loop
	 * threads use 1 ns.
	 */
	prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	/* Before the first aio_poll: the context ring's one issuer. */
	aio_context_bind_home(t->ctx);
	/*
	 * Measure what blocking costs this thread on this host before the
	 * first request (block_cost_ns and wake_ns in the policies' params,
	 * loop/blockcost.c); the loop refines it as it runs.
	 */
	aio_context_calibrate(t->ctx, IOTHREAD_CALIBRATE_SAMPLES);

	pthread_mutex_lock(&t->init_lock);
	atomic_store(&t->thread_id, (int)syscall(SYS_gettid));
	pthread_cond_broadcast(&t->init_cond);
	pthread_mutex_unlock(&t->init_lock);

	while (t->running) {
		aio_poll(t->ctx, true);
		/*
		 * aio_poll is cheaper than a glib iteration, so the GMainLoop
		 * runs only once someone asked for the GMainContext.
		 */
		if (t->running && atomic_load(&t->run_gcontext)) {
			if (!pushed) {
				g_main_context_push_thread_default(
					t->worker_context);
				pushed = true;
			}
			g_main_loop_run(t->main_loop);
		}
	}
	if (pushed)
		g_main_context_pop_thread_default(t->worker_context);
	current_iothread = NULL;
	return NULL;
}

static void iothread_free(IOThread *t)
{
	if (t->ctx)
		aio_context_unref(t->ctx);
	/* The context goes first: the GMainContext may hold its GSource. */
	if (t->main_loop)
		g_main_loop_unref(t->main_loop);
	if (t->worker_context)
		g_main_context_unref(t->worker_context);
	pthread_mutex_destroy(&t->params_lock);
	pthread_mutex_destroy(&t->gcontext_lock);
	pthread_cond_destroy(&t->init_cond);
	pthread_mutex_destroy(&t->init_lock);
	free(t);
}

IOThread *iothread_create(const char *id, const IOThreadParams *params,
			  char *err, size_t errlen)
{
	IOThread *t;
	int ret;

	if (!id || !*id || strlen(id) >= sizeof(t->id)) {
		set_err(err, errlen, -EINVAL,
			"IOThread id '%s' must be 1 to %zu characters",
			id ? id : "", sizeof(t->id) - 1);
		errno = EINVAL;
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		set_err(err, errlen, -ENOMEM, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	snprintf(t->id, sizeof(t->id), "%s", id);
	atomic_init(&t->thread_id, -1);
	atomic_init(&t->stopping, false);
	atomic_init(&t->run_gcontext, false);
	t->running = true;
	pthread_mutex_init(&t->init_lock, NULL);
	pthread_cond_init(&t->init_cond, NULL);
	pthread_mutex_init(&t->gcontext_lock, NULL);
	pthread_mutex_init(&t->params_lock, NULL);
	if (params)
		t->params = *params;
	else
		iothread_params_init(&t->params);

	ret = iothread_params_check(&t->params, err, errlen);
	if (ret < 0)
		goto fail;
	/* Owned: only the thread drives it (loop/aio-internal.h). */
	t->ctx = aio_context_new_owned();
	if (!t->ctx) {
		ret = errno ? -errno : -ENOMEM;
		set_err(err, errlen, ret, "cannot create the AioContext: %s",
			strerror(-ret));
		goto fail;
	}
	ret = apply_params(t->ctx, &t->params, NULL, err, errlen);
	if (ret < 0)
		goto fail;
	if (t->params.trace)
		aio_context_set_trace(t->ctx, t->params.trace);

	/* The thread inherits the caller's CPU affinity, as in QEMU. */
	ret = -pthread_create(&t->thread, NULL, iothread_run, t);
	if (ret < 0) {
		set_err(err, errlen, ret, "cannot start IOThread '%s': %s",
			id, strerror(-ret));
		goto fail;
	}
	t->started = true;

	pthread_mutex_lock(&t->init_lock);
	while (atomic_load(&t->thread_id) == -1)
		pthread_cond_wait(&t->init_cond, &t->init_lock);
	pthread_mutex_unlock(&t->init_lock);
	return t;

fail:
	iothread_free(t);
	errno = -ret;
	return NULL;
}

void iothread_stop(IOThread *t)
{
	if (!t || !t->started || atomic_exchange(&t->stopping, true))
		return;
	/* Joining ourselves would never return. */
	if (iothread_is_current(t))
		abort();
	aio_bh_schedule_oneshot(t->ctx, iothread_stop_bh, t);
	pthread_join(t->thread, NULL);
}

void iothread_destroy(IOThread *t)
{
	if (!t)
		return;
	iothread_stop(t);
	iothread_free(t);
}

AioContext *iothread_get_aio_context(IOThread *t)
{
	return t->ctx;
}

GMainContext *iothread_get_g_main_context(IOThread *t)
{
	GSource *source;
	char name[96];

	pthread_mutex_lock(&t->gcontext_lock);
	if (!t->worker_context) {
		t->worker_context = g_main_context_new();
		source = aio_get_g_source(t->ctx);
		snprintf(name, sizeof(name), "IO %s aio-context", t->id);
		g_source_set_name(source, name);
		g_source_attach(source, t->worker_context);
		g_source_unref(source);
		t->main_loop = g_main_loop_new(t->worker_context, FALSE);
		/* Publishes worker_context and main_loop to the thread. */
		atomic_store(&t->run_gcontext, true);
	}
	pthread_mutex_unlock(&t->gcontext_lock);
	/* Kick aio_poll so the thread switches to the GMainLoop. */
	aio_notify(t->ctx);
	return t->worker_context;
}

int iothread_set_param(IOThread *t, const char *name, const char *value,
		       char *err, size_t errlen)
{
	IOThreadParams p;
	int ret;

	pthread_mutex_lock(&t->params_lock);
	p = t->params;
	ret = iothread_params_set(&p, name, value, err, errlen);
	if (ret == 0)
		ret = iothread_params_check(&p, err, errlen);
	if (ret == 0)
		ret = apply_params(t->ctx, &p, name, err, errlen);
	if (ret == 0)
		t->params = p;
	pthread_mutex_unlock(&t->params_lock);
	return ret;
}

void iothread_query(IOThread *t, IOThreadInfo *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->id, sizeof(out->id), "%s", t->id);
	out->thread_id = atomic_load(&t->thread_id);
	pthread_mutex_lock(&t->params_lock);
	out->poll_max_ns = t->params.poll_max_ns;
	out->poll_grow = t->params.poll_grow;
	out->poll_shrink = t->params.poll_shrink;
	out->aio_max_batch = t->params.aio_max_batch;
	out->poll_weight = t->params.poll_weight;
	snprintf(out->poll_policy, sizeof(out->poll_policy), "%s",
		 t->params.poll_policy);
	pthread_mutex_unlock(&t->params_lock);
}

bool iothread_is_current(IOThread *t)
{
	return t && current_iothread == t;
}
