/*
 * fio-cmd.c: jobs as fio runs them (fio-cmd.h). The options are
 * fio's (HOWTO): ioengine, rw, rwmixread, bs, iodepth, numjobs with
 * group_reporting (one result for all IOThreads), time_based runtime and
 * ramp_time, direct, cpus_allowed, and for io_uring hipri and
 * sqthread_poll. Latency percentiles are of the whole request
 * (lat_percentiles=1, submission to completion), as aiotune measures it.
 * fio must never create or extend a target: allow_file_create=0.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "affinity/affinity.h"
#include "util/spawn.h"
#include "workloads/fio-cmd.h"

static const char *const variant_names[WL_FIO_NR_VARIANTS] = {
	"plain", "sqpoll", "hipri", "batch",
};

/* aiotune engine -> fio ioengine. */
static const struct {
	const char *engine;
	const char *ioengine;
} engines[] = {
	{ "io_uring", "io_uring" },
	{ "linux-aio", "libaio" },
};

#define NR_ENGINES (sizeof(engines) / sizeof(engines[0]))

const char *wl_fio_variant_name(enum wl_fio_variant v)
{
	return v < WL_FIO_NR_VARIANTS ? variant_names[v] : "?";
}

int wl_fio_variants_parse(const char *list, unsigned *mask, char *err,
			  size_t errlen)
{
	char buf[256], *save = NULL, *t;

	*mask = 0;
	snprintf(buf, sizeof(buf), "%s", list ? list : "");
	for (t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int v;

		for (v = 0; v < WL_FIO_NR_VARIANTS; v++)
			if (!strcmp(t, variant_names[v]))
				break;
		if (v == WL_FIO_NR_VARIANTS)
			goto bad;
		*mask |= 1u << v;
	}
	if (*mask)
		return 0;
bad:
	snprintf(err, errlen, "invalid value '%s' for --variants: allowed a "
		 "list of plain, sqpoll, hipri, batch", list ? list : "");
	return -EINVAL;
}

bool wl_engine_is_fio(const char *name)
{
	return !strncmp(name, "fio-", 4);
}

int wl_fio_engine_name(const char *engine, enum wl_fio_variant v, char *buf,
		       size_t size, char *why, size_t whylen)
{
	for (size_t i = 0; i < NR_ENGINES; i++) {
		if (strcmp(engines[i].engine, engine) != 0)
			continue;
		if ((v == WL_FIO_SQPOLL || v == WL_FIO_HIPRI) &&
		    strcmp(engine, "io_uring") != 0) {
			snprintf(why, whylen, "%s is an io_uring option; fio's "
				 "%s has none", wl_fio_variant_name(v),
				 engines[i].ioengine);
			return -ENOTSUP;
		}
		if (v == WL_FIO_PLAIN)
			snprintf(buf, size, "fio-%s", engines[i].ioengine);
		else
			snprintf(buf, size, "fio-%s-%s", engines[i].ioengine,
				 variant_names[v]);
		return 0;
	}
	if (!strcmp(engine, "simnvme"))
		snprintf(why, whylen, "a simulated device: fio cannot drive "
			 "it");
	else if (!strcmp(engine, "threads"))
		snprintf(why, whylen, "the loop's thread pool (preadv in "
			 "workers) has no fio engine that matches it");
	else
		snprintf(why, whylen, "fio has no engine for '%s'", engine);
	return -ENOTSUP;
}

int wl_fio_engine_split(const char *name, char *engine, size_t size,
			enum wl_fio_variant *v)
{
	for (size_t i = 0; i < NR_ENGINES; i++) {
		for (int k = 0; k < WL_FIO_NR_VARIANTS; k++) {
			char full[96], why[128];

			if (wl_fio_engine_name(engines[i].engine,
					       (enum wl_fio_variant)k, full,
					       sizeof(full), why, sizeof(why)))
				continue;
			if (strcmp(full, name) != 0)
				continue;
			snprintf(engine, size, "%s", engines[i].engine);
			*v = (enum wl_fio_variant)k;
			return 0;
		}
	}
	return -EINVAL;
}

const char *wl_fio_engine_peer(const char *name)
{
	size_t len;

	if (!wl_engine_is_fio(name))
		return NULL;
	for (size_t i = 0; i < NR_ENGINES; i++) {
		len = strlen(engines[i].ioengine);
		if (!strncmp(name + 4, engines[i].ioengine, len) &&
		    (name[4 + len] == '\0' || name[4 + len] == '-'))
			return engines[i].engine;
	}
	return NULL;
}

bool wl_fio_expressible(const struct wl_job *job, enum wl_fio_variant v,
			const char **dim, char *why, size_t whylen)
{
	char name[96];

	*dim = "engine";
	if (wl_fio_engine_name(job->engine, v, name, sizeof(name), why, whylen))
		return false;
	*dim = "frontend";
	if (strcmp(job->frontend, "direct") != 0) {
		snprintf(why, whylen, "fio has no %s front end: it submits "
			 "from its own thread, as the direct front end does",
			 job->frontend);
		return false;
	}
	*dim = "target";
	if (!strncmp(job->target, "sim:", 4)) {
		snprintf(why, whylen, "a simulated target: fio needs a file "
			 "or a device");
		return false;
	}
	*dim = "verify";
	if (job->verify) {
		snprintf(why, whylen, "--verify has no fio equivalent here");
		return false;
	}
	*dim = NULL;
	return true;
}

/* fio takes times with a unit; us keeps any ns value we were given. */
static void add_time(struct util_argv *a, const char *opt, int64_t ns)
{
	if (ns % 1000000 == 0)
		util_argv_add(a, "--%s=%" PRId64 "ms", opt, ns / 1000000);
	else
		util_argv_add(a, "--%s=%" PRId64 "us", opt, (ns + 999) / 1000);
}

/*
 * --filename=path as fio reads it: fio splits the value at each ':' into
 * several files (HOWTO, filename) unless the ':' follows a '\', which it
 * then drops; so every ':' of the path gets one.
 */
static void add_filename(struct util_argv *a, const char *path)
{
	size_t n = 0;
	char *esc;

	for (const char *p = path; *p; p++)
		n += *p == ':' ? 2 : 1;
	esc = malloc(n + 1);
	if (!esc) {
		a->oom = true;
		return;
	}
	n = 0;
	for (const char *p = path; *p; p++) {
		if (*p == ':')
			esc[n++] = '\\';
		esc[n++] = *p;
	}
	esc[n] = '\0';
	util_argv_add(a, "--filename=%s", esc);
	free(esc);
}

char **wl_fio_argv(const char *fio_bin, const struct wl_job *job,
		   enum wl_fio_variant v, const char *cpus,
		   const char *json_out)
{
	struct util_argv a = { 0 };
	const char *ioengine = !strcmp(job->engine, "linux-aio") ? "libaio" :
			       job->engine;

	util_argv_add(&a, "%s", fio_bin);
	util_argv_add(&a, "--name=aiotune");
	add_filename(&a, job->target);
	util_argv_add(&a, "--ioengine=%s", ioengine);
	util_argv_add(&a, "--rw=%s", wl_rw_name(job->rw));
	if (job->rw == WL_RW_RANDRW)
		util_argv_add(&a, "--rwmixread=%d", job->rwmixread);
	util_argv_add(&a, "--bs=%" PRIu32, job->bs);
	util_argv_add(&a, "--iodepth=%" PRIu32, job->iodepth);
	util_argv_add(&a, "--numjobs=%" PRIu32, job->iothreads);
	util_argv_add(&a, "--group_reporting=1");
	util_argv_add(&a, "--time_based=1");
	add_time(&a, "runtime", job->runtime_ns);
	add_time(&a, "ramp_time", job->ramp_ns);
	util_argv_add(&a, "--direct=%d", job->direct ? 1 : 0);
	if (job->size)
		util_argv_add(&a, "--size=%" PRIu64, job->size);
	if (job->offset)
		util_argv_add(&a, "--offset=%" PRIu64, job->offset);
	util_argv_add(&a, "--allow_file_create=0");
	util_argv_add(&a, "--lat_percentiles=1");
	if (job->seed)
		util_argv_add(&a, "--randseed=%" PRIu64, job->seed);
	if (cpus && *cpus) {
		util_argv_add(&a, "--cpus_allowed=%s", cpus);
		if (job->iothreads > 1)
			util_argv_add(&a, "--cpus_allowed_policy=split");
	}
	if (v == WL_FIO_HIPRI)
		util_argv_add(&a, "--hipri=1");
	if (v == WL_FIO_SQPOLL)
		util_argv_add(&a, "--sqthread_poll=1");
	if (v == WL_FIO_BATCH) {
		util_argv_add(&a, "--iodepth_batch_submit=%" PRIu32,
			      job->iodepth);
		util_argv_add(&a, "--iodepth_batch_complete_max=%" PRIu32,
			      job->iodepth);
	}
	util_argv_add(&a, "--output-format=json");
	util_argv_add(&a, "--output=%s", json_out);
	if (a.oom) {
		util_argv_free(a.v);
		return NULL;
	}
	return a.v;
}

bool wl_fio_hipri_ok(const char *target, char *why, size_t whylen)
{
	struct aff_device dev;
	struct aff_caps caps;
	int ret;

	ret = aff_device_probe(target, &dev);
	if (ret) {
		snprintf(why, whylen, "no device under %s: %s", target,
			 strerror(-ret));
		return false;
	}
	aff_caps_probe(&dev, &caps);
	if (caps.iopoll == 1)
		return true;
	snprintf(why, whylen, "%s", caps.iopoll_why[0] ? caps.iopoll_why :
		 "polled completions unsupported on this device");
	return false;
}

int wl_fio_placement_cpus(const struct wl_job *job, char *buf, size_t size,
			  char *why, size_t whylen)
{
	struct aff_placement pl;
	struct aff_roles counts = { { 0 } };
	struct aff_plan plan;
	size_t len = 0;
	int ret;

	buf[0] = '\0';
	if (!strcmp(job->placement, "none"))
		return 0;
	ret = aff_placement_parse(job->placement, &pl, why, whylen);
	if (ret)
		return ret;
	counts.n[AFF_ROLE_IOTHREAD] = (int)job->iothreads;
	ret = aff_placement_resolve_here(&pl, job->target, &counts, &plan,
					 why, whylen);
	if (ret)
		return ret;
	for (uint32_t i = 0; i < job->iothreads; i++) {
		int cpu = aff_plan_cpu(&plan, AFF_ROLE_IOTHREAD, (int)i);

		if (cpu >= 0 && len + 12 < size)
			len += (size_t)snprintf(buf + len, size - len, "%s%d",
						len ? "," : "", cpu);
	}
	return 0;
}
