/*
 * fio-export.c: run objects -> fio JSON (see fio-export.h).
 *
 * What maps where:
 *   result.iops, bw_bytes, ios, bytes, measured_ns -> the direction's
 *     iops, bw_bytes, bw (KiB/s), total_ios, io_bytes, runtime (ms);
 *   result.hist -> clat_ns and lat_ns (the same object: aiotune times
 *     each request from submission to completion) with the percentiles,
 *     and the job's latency_ns/us/ms maps; without a histogram the
 *     p50/p90/p99/p99_9 of result.lat_ns are the percentiles;
 *   cpu.threads of role "iothread" -> usr_cpu, sys_cpu (percent of the
 *     measured time) and ctx (voluntary + involuntary switches).
 * The direction: randread/read -> "read", randwrite/write -> "write";
 * randrw -> fio's unified_rw_reporting=both layout: "read" and "write"
 * with each direction's own I/O counts and "mixed" with the totals (the
 * latency objects of "read" and "write" hold the distribution of all I/O
 * with N their own count: the run does not time the directions apart).
 * fio's per-interval figures (bw_min..., iops_min...) are zero with
 * *_samples 0, as fio writes them when it took no samples.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "results/fio-export.h"
#include "results/runjson.h"
#include "util/util.h"

const double res_fio_export_pcts[RES_FIO_EXPORT_NR_PCTS] = {
	1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99, 99.5, 99.9, 99.95,
	99.99,
};

/* The percentiles a run's lat_ns holds without a histogram. */
static const struct {
	const char *key;
	double p;
} lat_keys[] = {
	{ "p50", 50 }, { "p90", 90 }, { "p99", 99 }, { "p99_9", 99.9 },
};

#define NR_LAT_KEYS ARRAY_SIZE(lat_keys)

static double num(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static json_int_t to_int(double v)
{
	return isnan(v) ? 0 : (json_int_t)llround(v);
}

int res_fio_export_hist(json_t *result, struct wl_hist *h)
{
	json_t *hist = json_object_get(result, "hist");
	json_t *lat = json_object_get(result, "lat_ns");
	json_t *buckets = json_object_get(hist, "buckets"), *b;
	double v;
	size_t i;

	wl_hist_reset(h);
	if (!hist)
		return -ENOENT;
	if (num(hist, "plat_bits") != WL_HIST_BITS || !json_is_array(buckets))
		return -EINVAL;
	json_array_foreach(buckets, i, b) {
		json_t *idx = json_array_get(b, 0), *cnt = json_array_get(b, 1);

		if (json_array_size(b) != 2 || !json_is_integer(idx) ||
		    !json_is_integer(cnt) || json_integer_value(idx) < 0 ||
		    json_integer_value(idx) >= WL_HIST_NR ||
		    json_integer_value(cnt) < 0) {
			wl_hist_reset(h);
			return -EINVAL;
		}
		h->buckets[json_integer_value(idx)] +=
			(uint64_t)json_integer_value(cnt);
		h->n += (uint64_t)json_integer_value(cnt);
	}
	if (!h->n)
		return 0;
	/* The exact extremes and mean where the run has them. */
	for (unsigned int k = 0; k < WL_HIST_NR; k++) {
		if (!h->buckets[k])
			continue;
		if (h->min == UINT64_MAX)
			h->min = wl_hist_bucket_lo(k);
		h->max = wl_hist_value(k);
		h->sum += (double)wl_hist_value(k) * (double)h->buckets[k];
	}
	v = num(lat, "min");
	if (v >= 0)
		h->min = (uint64_t)v;
	v = num(lat, "max");
	if (v >= (double)h->min)
		h->max = (uint64_t)v;
	v = num(lat, "mean");
	if (v >= 0)
		h->sum = v * (double)h->n;
	return 0;
}

static void pct_key(char *buf, size_t size, double p)
{
	snprintf(buf, size, "%f", p);
}

static json_t *lat_head(json_int_t min, json_int_t max, double mean,
			double stddev, json_int_t n)
{
	json_t *o = json_object();

	json_object_set_new(o, "min", json_integer(min));
	json_object_set_new(o, "max", json_integer(max));
	json_object_set_new(o, "mean", json_real(mean));
	json_object_set_new(o, "stddev", json_real(stddev));
	json_object_set_new(o, "N", json_integer(n));
	return o;
}

json_t *res_fio_export_lat(const struct wl_hist *h)
{
	double mean = wl_hist_mean(h), var = 0;
	json_t *o, *map;
	char key[32];

	if (!h->n)
		return lat_head(0, 0, 0.0, 0.0, 0);
	for (unsigned int i = 0; i < WL_HIST_NR; i++) {
		double d = (double)wl_hist_value(i) - mean;

		if (h->buckets[i])
			var += d * d * (double)h->buckets[i];
	}
	/* The sample standard deviation, as fio computes it. */
	var = h->n > 1 ? var / (double)(h->n - 1) : 0;
	o = lat_head((json_int_t)h->min, (json_int_t)h->max, mean, sqrt(var),
		     (json_int_t)h->n);
	map = json_object();
	for (int i = 0; i < RES_FIO_EXPORT_NR_PCTS; i++) {
		pct_key(key, sizeof(key), res_fio_export_pcts[i]);
		json_object_set_new(map, key, json_integer((json_int_t)
			wl_hist_percentile(h, res_fio_export_pcts[i])));
	}
	json_object_set_new(o, "percentile", map);
	return o;
}

/* Without a histogram: what lat_ns holds; stddev unknown (0). */
static json_t *lat_from_summary(json_t *lat, double n)
{
	json_t *o, *map;
	char key[32];

	if (!(n > 0))
		return lat_head(0, 0, 0.0, 0.0, 0);
	o = lat_head(to_int(num(lat, "min")), to_int(num(lat, "max")),
		     isnan(num(lat, "mean")) ? 0.0 : num(lat, "mean"), 0.0,
		     to_int(n));
	map = json_object();
	for (size_t i = 0; i < NR_LAT_KEYS; i++) {
		double v = num(lat, lat_keys[i].key);

		if (isnan(v))
			continue;
		pct_key(key, sizeof(key), lat_keys[i].p);
		json_object_set_new(map, key, json_integer(to_int(v)));
	}
	if (json_object_size(map))
		json_object_set_new(o, "percentile", map);
	else
		json_decref(map);
	return o;
}

/*
 * fio's latency_ns, latency_us and latency_ms: the percent of all I/O
 * whose latency fell in each range, keyed by the range's upper bound in
 * that unit ("2" is below 2, "4" is 2 to below 4, ...); ">=2000" ms is the
 * rest. Each bucket counts at its midpoint.
 */
static const char *const lat_map_keys[] = {
	"2", "4", "10", "20", "50", "100", "250", "500", "750", "1000",
	"2000", ">=2000",
};
static const uint64_t lat_map_bounds[] = {
	2, 4, 10, 20, 50, 100, 250, 500, 750, 1000, 2000,
};

#define NR_MAP_KEYS 12
#define NR_UNIT_KEYS 10

static void lat_maps(json_t *job, const struct wl_hist *h)
{
	double pct[3][NR_MAP_KEYS] = { { 0 } };
	static const char *const names[3] = {
		"latency_ns", "latency_us", "latency_ms",
	};

	for (unsigned int i = 0; h->n && i < WL_HIST_NR; i++) {
		uint64_t v = wl_hist_value(i);
		int unit = 0, k = 0;

		if (!h->buckets[i])
			continue;
		if (v >= 1000000) {
			unit = 2;
			v /= 1000000;
		} else if (v >= 1000) {
			unit = 1;
			v /= 1000;
		}
		while (k < NR_MAP_KEYS - 1 && v >= lat_map_bounds[k])
			k++;
		pct[unit][k] += 100.0 * (double)h->buckets[i] / (double)h->n;
	}
	for (int u = 0; u < 3; u++) {
		json_t *m = json_object();
		int nk = u == 2 ? NR_MAP_KEYS : NR_UNIT_KEYS;

		for (int k = 0; k < nk; k++)
			json_object_set_new(m, lat_map_keys[k],
					    json_real(pct[u][k]));
		json_object_set_new(job, names[u], m);
	}
}

/* What one direction did. */
struct dir_figs {
	double ios;
	double bytes;
	double iops;
	double bw_bytes;
	double runtime_ms;
};

/* fio's per-interval figures, zero when it took no samples. */
static const struct {
	const char *name;
	bool real;
} zeros[] = {
	{ "bw_min", false }, { "bw_max", false }, { "bw_agg", true },
	{ "bw_mean", true }, { "bw_dev", true }, { "bw_samples", false },
	{ "iops_min", false }, { "iops_max", false }, { "iops_mean", true },
	{ "iops_stddev", true }, { "iops_samples", false },
};

/* A direction object; lat is borrowed (NULL: no I/O). */
static json_t *dir_obj(const struct dir_figs *d, json_t *lat)
{
	json_t *o = json_object();
	bool any = d->ios > 0;
	json_int_t bytes = any ? to_int(d->bytes) : 0;
	json_int_t bw = any ? to_int(d->bw_bytes) : 0;

	json_object_set_new(o, "io_bytes", json_integer(bytes));
	json_object_set_new(o, "io_kbytes", json_integer(bytes / 1024));
	json_object_set_new(o, "bw_bytes", json_integer(bw));
	json_object_set_new(o, "bw", json_integer(bw / 1024));
	json_object_set_new(o, "iops", json_real(any ? d->iops : 0.0));
	json_object_set_new(o, "runtime",
			    json_integer(any ? to_int(d->runtime_ms) : 0));
	json_object_set_new(o, "total_ios",
			    json_integer(any ? to_int(d->ios) : 0));
	json_object_set_new(o, "short_ios", json_integer(0));
	json_object_set_new(o, "drop_ios", json_integer(0));
	json_object_set_new(o, "slat_ns", lat_head(0, 0, 0.0, 0.0, 0));
	if (any && lat) {
		json_object_set_new(o, "clat_ns", json_deep_copy(lat));
		json_object_set_new(o, "lat_ns", json_deep_copy(lat));
	} else {
		json_object_set_new(o, "clat_ns", lat_head(0, 0, 0.0, 0.0, 0));
		json_object_set_new(o, "lat_ns", lat_head(0, 0, 0.0, 0.0, 0));
	}
	for (size_t i = 0; i < ARRAY_SIZE(zeros); i++)
		json_object_set_new(o, zeros[i].name, zeros[i].real ?
				    json_real(0.0) : json_integer(0));
	return o;
}

/* fio's way of writing sizes in job options: 4k, 1m, else bytes. */
static void fmt_size(char *buf, size_t size, int64_t v)
{
	if (v > 0 && v % (1LL << 30) == 0)
		snprintf(buf, size, "%lldg", (long long)(v >> 30));
	else if (v > 0 && v % (1LL << 20) == 0)
		snprintf(buf, size, "%lldm", (long long)(v >> 20));
	else if (v > 0 && v % 1024 == 0)
		snprintf(buf, size, "%lldk", (long long)(v >> 10));
	else
		snprintf(buf, size, "%lld", (long long)v);
}

/* Times: bare seconds when whole (fio's unit), else ms or us. */
static void fmt_time(char *buf, size_t size, int64_t ns)
{
	if (ns % 1000000000LL == 0)
		snprintf(buf, size, "%lld", (long long)(ns / 1000000000LL));
	else if (ns % 1000000 == 0)
		snprintf(buf, size, "%lldms", (long long)(ns / 1000000));
	else
		snprintf(buf, size, "%.3fus", (double)ns / 1000);
}

static void opt_str(json_t *o, const char *key, const char *v)
{
	if (v)
		json_object_set_new(o, key, json_string(v));
}

static void opt_int(json_t *o, const char *key, json_t *v)
{
	char buf[32];

	if (!json_is_integer(v))
		return;
	snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
	json_object_set_new(o, key, json_string(buf));
}

/* aiotune's engine names as fio's ioengine where fio has the engine. */
static const char *fio_engine(const char *engine)
{
	if (!engine)
		return NULL;
	if (!strcmp(engine, "linux-aio"))
		return "libaio";
	/* A run imported from fio: its own ioengine. */
	if (!strncmp(engine, "fio-", 4))
		return engine + 4;
	return engine;
}

/* The aiotune settings fio has no option for, kept under their names. */
static const char *const extra_opts[] = {
	"poll_max_ns", "poll_grow", "poll_shrink", "poll_policy",
	"poll_weight", "fdmon", "placement", "aio_max_batch", "frontend",
	"guest_think", "guest_poll_ns",
};

enum dir_mode { MODE_READ, MODE_WRITE, MODE_BOTH, MODE_MIXED };

static json_t *job_opts(json_t *job, enum dir_mode mode)
{
	json_t *o = json_object(), *v;
	char buf[64];

	opt_str(o, "ioengine", fio_engine(str(job, "engine")));
	opt_str(o, "filename", str(job, "target"));
	opt_str(o, "rw", str(job, "rw"));
	if (mode == MODE_BOTH || mode == MODE_MIXED) {
		opt_int(o, "rwmixread", json_object_get(job, "rwmixread"));
		opt_str(o, "unified_rw_reporting",
			mode == MODE_BOTH ? "both" : "mixed");
	}
	v = json_object_get(job, "bs_bytes");
	if (json_is_integer(v)) {
		fmt_size(buf, sizeof(buf), json_integer_value(v));
		opt_str(o, "bs", buf);
	}
	opt_int(o, "iodepth", json_object_get(job, "iodepth"));
	v = json_object_get(job, "iothreads");
	if (json_is_integer(v))
		opt_int(o, "numjobs", v);
	else
		opt_str(o, "numjobs", "1");
	if (json_integer_value(v) > 1)
		opt_str(o, "group_reporting", "1");
	v = json_object_get(job, "runtime_ns");
	if (json_is_integer(v)) {
		fmt_time(buf, sizeof(buf), json_integer_value(v));
		opt_str(o, "runtime", buf);
		opt_str(o, "time_based", "1");
	}
	v = json_object_get(job, "ramp_ns");
	if (json_is_integer(v)) {
		fmt_time(buf, sizeof(buf), json_integer_value(v));
		opt_str(o, "ramp_time", buf);
	}
	v = json_object_get(job, "direct");
	if (json_is_boolean(v))
		opt_str(o, "direct", json_is_true(v) ? "1" : "0");
	v = json_object_get(job, "size_bytes");
	if (json_integer_value(v) > 0) {
		fmt_size(buf, sizeof(buf), json_integer_value(v));
		opt_str(o, "size", buf);
	}
	v = json_object_get(job, "offset_bytes");
	if (json_integer_value(v) > 0) {
		fmt_size(buf, sizeof(buf), json_integer_value(v));
		opt_str(o, "offset", buf);
	}
	if (json_is_true(json_object_get(job, "hipri")))
		opt_str(o, "hipri", "1");
	v = json_object_get(job, "seed");
	if (json_is_integer(v))
		opt_int(o, "randseed", v);
	opt_str(o, "aiotune_engine", str(job, "engine"));
	for (size_t i = 0; i < ARRAY_SIZE(extra_opts); i++) {
		v = json_object_get(job, extra_opts[i]);
		if (json_is_string(v))
			opt_str(o, extra_opts[i], json_string_value(v));
		else
			opt_int(o, extra_opts[i], v);
	}
	return o;
}

static enum dir_mode dir_mode(const char *rw, double reads, double writes)
{
	if (rw && (!strcmp(rw, "read") || !strcmp(rw, "randread")))
		return MODE_READ;
	if (rw && (!strcmp(rw, "write") || !strcmp(rw, "randwrite")))
		return MODE_WRITE;
	if (!rw || (strcmp(rw, "randrw") && strcmp(rw, "rw") &&
		    strcmp(rw, "readwrite"))) {
		/* A name fio does not know: go by what was done. */
		if (!(writes > 0))
			return MODE_READ;
		if (!(reads > 0))
			return MODE_WRITE;
	}
	/* Mixed: split only when the run counted each direction. */
	return reads >= 0 && writes >= 0 ? MODE_BOTH : MODE_MIXED;
}

/* fio's "error": the errno of the first error, 0 when none. */
static json_int_t first_errno(json_t *res)
{
	const char *name = str(res, "first_error");

	if (!(num(res, "errors") > 0))
		return 0;
	if (name && strstr(name, "verify pattern"))
		return EILSEQ;
	for (int e = 1; name && e < 134; e++)
		if (!strcmp(strerror(e), name))
			return e;
	return EIO;
}

/* CPU of the IOThreads: usr/sys percent of the window, switches. */
static void cpu_figs(json_t *out, json_t *cpu, double measured_ns,
		     json_t *notes)
{
	json_t *threads = json_object_get(cpu, "threads"), *t;
	double usr = 0, sys = 0, ctx = 0;
	bool found = false;
	size_t i;

	json_array_foreach(threads, i, t) {
		const char *role = str(t, "role");

		if (!role || strcmp(role, "iothread"))
			continue;
		found = true;
		usr += isnan(num(t, "usr_ns")) ? 0 : num(t, "usr_ns");
		sys += isnan(num(t, "sys_ns")) ? 0 : num(t, "sys_ns");
		ctx += isnan(num(t, "vol_csw")) ? 0 : num(t, "vol_csw");
		ctx += isnan(num(t, "invol_csw")) ? 0 : num(t, "invol_csw");
	}
	if (found && measured_ns > 0) {
		usr = usr * 100 / measured_ns;
		sys = sys * 100 / measured_ns;
	} else {
		usr = isnan(num(cpu, "iothread_pct")) ? 0 :
		      num(cpu, "iothread_pct");
		sys = 0;
		ctx = isnan(num(cpu, "ctx")) ? 0 : num(cpu, "ctx");
		json_array_append_new(notes, json_string(
			"usr_cpu holds the IOThread CPU and sys_cpu is 0: the "
			"run has no per-thread user/system split"));
	}
	json_object_set_new(out, "usr_cpu", json_real(usr));
	json_object_set_new(out, "sys_cpu", json_real(sys));
	json_object_set_new(out, "ctx", json_integer(to_int(ctx)));
}

/* "2026-11-23T14:00:00Z" -> ms since the epoch; -1 if not that. */
static int64_t start_ms(const char *s)
{
	struct tm tm = { 0 };
	const char *end;

	if (!s)
		return -1;
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (!end || *end)
		return -1;
	return (int64_t)timegm(&tm) * 1000;
}

int res_fio_export_job(json_t *run, const char *jobname, json_t **out,
		       char *err, size_t errlen)
{
	json_t *job = json_object_get(run, "job");
	json_t *res = json_object_get(run, "result");
	json_t *o, *lat, *notes, *extra, *dir;
	struct dir_figs all, part, none;
	struct wl_hist *h;
	enum dir_mode mode;
	double reads, writes, ramp;
	int64_t start;
	int ret;

	*out = NULL;
	if (!json_is_object(run) || num(run, "format_version") !=
	    RES_RUN_FORMAT_VERSION || !json_is_object(job) ||
	    !json_is_object(res) || isnan(num(res, "iops"))) {
		snprintf(err, errlen, "not an aiotune run: needs "
			 "format_version %d, \"job\" and \"result.iops\"",
			 RES_RUN_FORMAT_VERSION);
		return -EINVAL;
	}
	h = malloc(sizeof(*h));
	if (!h) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	notes = json_array();
	all.ios = num(res, "ios");
	all.iops = num(res, "iops");
	all.bw_bytes = num(res, "bw_bytes");
	all.runtime_ms = num(res, "measured_ns") / 1e6;
	if (isnan(all.runtime_ms))
		all.runtime_ms = 0;
	all.bytes = num(res, "bytes");
	if (isnan(all.bytes))
		all.bytes = all.ios * num(job, "bs_bytes");
	if (isnan(all.ios))
		all.ios = 0;

	ret = res_fio_export_hist(res, h);
	if (ret == -EINVAL) {
		snprintf(err, errlen, "result.hist is not a histogram with "
			 "plat_bits %d and [index, count] buckets",
			 WL_HIST_BITS);
		free(h);
		json_decref(notes);
		return ret;
	}
	if (!ret && h->n)
		lat = res_fio_export_lat(h);
	else
		lat = lat_from_summary(json_object_get(res, "lat_ns"),
				       all.ios);
	if (ret == -ENOENT && all.ios > 0)
		json_array_append_new(notes, json_string(
			"no latency histogram: the percentiles are the run's "
			"p50/p90/p99/p99.9, stddev and latency_ns/us/ms "
			"are 0"));
	json_array_append_new(notes, json_string(
		"clat_ns and lat_ns both hold aiotune's latency, submission "
		"to completion; slat_ns is not measured"));
	json_array_append_new(notes, json_string(
		"bw_* and iops_* interval statistics are not sampled "
		"(*_samples 0)"));

	reads = num(res, "reads");
	writes = num(res, "writes");
	mode = dir_mode(str(job, "rw"), reads, writes);

	o = json_object();
	json_object_set_new(o, "jobname", json_string(jobname));
	json_object_set_new(o, "groupid", json_integer(0));
	start = start_ms(str(run, "start_time"));
	if (start >= 0)
		json_object_set_new(o, "job_start", json_integer(start));
	json_object_set_new(o, "error", json_integer(first_errno(res)));
	json_object_set_new(o, "eta", json_integer(0));
	ramp = num(job, "ramp_ns");
	json_object_set_new(o, "elapsed", json_integer((json_int_t)ceil(
		((isnan(ramp) ? 0 : ramp) + all.runtime_ms * 1e6) / 1e9)));
	json_object_set_new(o, "job options", job_opts(job, mode));

	memset(&none, 0, sizeof(none));
	switch (mode) {
	case MODE_READ:
	case MODE_WRITE:
		json_object_set_new(o, "read", mode == MODE_READ ?
				    dir_obj(&all, lat) : dir_obj(&none, NULL));
		json_object_set_new(o, "write", mode == MODE_WRITE ?
				    dir_obj(&all, lat) : dir_obj(&none, NULL));
		json_object_set_new(o, "trim", dir_obj(&none, NULL));
		break;
	case MODE_BOTH:
		for (int d = 0; d < 2; d++) {
			double n = d ? writes : reads;
			double f = all.ios > 0 ? n / all.ios : 0;

			part.ios = n;
			part.bytes = all.bytes * f;
			part.iops = all.iops * f;
			part.bw_bytes = all.bw_bytes * f;
			part.runtime_ms = all.runtime_ms;
			dir = dir_obj(&part, lat);
			/* N counts the direction's own I/O, like total_ios. */
			json_object_set_new(json_object_get(dir, "clat_ns"),
					    "N", json_integer(to_int(n)));
			json_object_set_new(json_object_get(dir, "lat_ns"),
					    "N", json_integer(to_int(n)));
			json_object_set_new(o, d ? "write" : "read", dir);
		}
		json_object_set_new(o, "trim", dir_obj(&none, NULL));
		json_object_set_new(o, "mixed", dir_obj(&all, lat));
		json_array_append_new(notes, json_string(
			"randrw: read and write hold each direction's own "
			"I/O count (total_ios and N), IOPS and bandwidth, "
			"but min/max/mean/stddev/percentiles of all I/O "
			"(the run does not time them apart); mixed holds "
			"the totals"));
		break;
	case MODE_MIXED:
		/* unified_rw_reporting=mixed: "mixed" stands alone. */
		json_object_set_new(o, "mixed", dir_obj(&all, lat));
		json_array_append_new(notes, json_string(
			"randrw without per-direction counts: mixed holds "
			"all I/O"));
		break;
	}
	json_object_set_new(o, "sync", json_pack("{s:I, s:o}", "total_ios",
		(json_int_t)0, "lat_ns", lat_head(0, 0, 0.0, 0.0, 0)));
	json_object_set_new(o, "job_runtime",
			    json_integer(to_int(all.runtime_ms)));
	cpu_figs(o, json_object_get(run, "cpu"), num(res, "measured_ns"),
		 notes);
	lat_maps(o, h);

	extra = json_object();
	json_object_set_new(extra, "notes", notes);
	json_object_set_new(extra, "run", json_deep_copy(run));
	json_object_set_new(o, "aiotune", extra);
	json_decref(lat);
	free(h);
	*out = o;
	return 0;
}

json_t *res_fio_export_doc(json_t *jobs, const char *version, time_t when)
{
	json_t *doc = json_object();
	char buf[128];
	struct tm tm;

	snprintf(buf, sizeof(buf), "aiotune-%s-fio-%s",
		 version ? version : "unknown", RES_FIO_EXPORT_LAYOUT);
	json_object_set_new(doc, "fio version", json_string(buf));
	json_object_set_new(doc, "timestamp", json_integer((json_int_t)when));
	json_object_set_new(doc, "timestamp_ms",
			    json_integer((json_int_t)when * 1000));
	localtime_r(&when, &tm);
	strftime(buf, sizeof(buf), "%a %b %e %H:%M:%S %Y", &tm);
	json_object_set_new(doc, "time", json_string(buf));
	json_object_set_new(doc, "global options", json_object());
	json_object_set(doc, "jobs", jobs);
	json_object_set_new(doc, "disk_util", json_array());
	return doc;
}

char *res_fio_export_dumps(json_t *doc)
{
	char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
				JSON_REAL_PRECISION(12));
	char *out;
	size_t len;

	if (!text)
		return NULL;
	len = strlen(text);
	out = realloc(text, len + 2);
	if (!out) {
		free(text);
		return NULL;
	}
	out[len] = '\n';
	out[len + 1] = '\0';
	return out;
}
