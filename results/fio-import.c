/*
 * fio-import.c: fio JSON -> run objects (docs/run-json.md).
 *
 * Per job: "read" and "write" (or one "mixed" with
 * unified_rw_reporting=mixed) each hold iops, bw_bytes, total_ios,
 * runtime (ms) and latency objects in ns (lat_ns: submit to completion;
 * clat_ns: completion latency, the one with percentiles unless the job set
 * lat_percentiles). "percentile" maps "99.000000" -> ns; it is absent when
 * the direction did no I/O (N = 0) or percentiles were turned off.
 * usr_cpu/sys_cpu are percent of one CPU, ctx the context switches.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "results/atomic.h"
#include "results/fio-import.h"
#include "results/runjson.h"
#include "util/file.h"
#include "util/util.h"

/*
 * Fields are read by type and range: a malformed value refuses the whole
 * document (with the job, the field and the value in err), never reads as
 * 0 or as fio's default. The first refusal is kept.
 */
struct rd {
	char job[96];     /* "job 2 (\"randread\")" */
	char *err;
	size_t errlen;
	int bad;          /* -EINVAL once something was refused */
};

/* Counts, bytes and ns: at most 2^53, exact in a double. */
#define NUM_MAX 9007199254740992.0
/* runtime in ms: as ns it must fit an int64 (some 290 years). */
#define RUNTIME_MS_MAX 9.2e12
/* Sizes (bs) up to 2 GiB, counts (iodepth, numjobs) up to 2^20. */
#define SIZE_MAX_BYTES 2147483648.0
#define COUNT_MAX 1048576

static void refuse(struct rd *r, const char *field, json_t *v,
		   const char *allowed)
{
	char *text = NULL;

	if (r->bad)
		return;
	r->bad = -EINVAL;
	if (v)
		text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT |
				  JSON_REAL_PRECISION(12));
	snprintf(r->err, r->errlen, "%s: %s is %.40s%s: allowed %s", r->job,
		 field, v ? (text ? text : "?") : "missing",
		 text && strlen(text) > 40 ? "..." : "", allowed);
	free(text);
}

static void refuse_opt(struct rd *r, const char *key, const char *v,
		       const char *allowed)
{
	if (r->bad)
		return;
	r->bad = -EINVAL;
	snprintf(r->err, r->errlen, "%s: option %s='%.40s': allowed %s",
		 r->job, key, v, allowed);
}

/*
 * Number field key of o (field names it as prefix.key): a JSON number from
 * 0 to max. NaN when absent and !required.
 */
static double num(struct rd *r, json_t *o, const char *prefix,
		  const char *key, double max, bool required)
{
	json_t *v = json_object_get(o, key);
	char field[128], allowed[64];
	double x;

	snprintf(field, sizeof(field), "%s%s%s", prefix, *prefix ? "." : "",
		 key);
	snprintf(allowed, sizeof(allowed), "a number from 0 to %.6g", max);
	if (!v) {
		if (required)
			refuse(r, field, NULL, allowed);
		return NAN;
	}
	x = json_number_value(v);
	if (!json_is_number(v) || !isfinite(x) || x < 0 || x > max) {
		refuse(r, field, v, allowed);
		return NAN;
	}
	return x;
}

/*
 * A job option, from the job or else from the global options; NULL when
 * absent. fio writes every option as a string.
 */
static const char *opt(struct rd *r, json_t *job, json_t *global,
		       const char *key)
{
	json_t *v = json_object_get(json_object_get(job, "job options"), key);

	if (!v)
		v = json_object_get(global, key);
	if (v && !json_is_string(v)) {
		char field[80];

		snprintf(field, sizeof(field), "option %s", key);
		refuse(r, field, v, "a string");
		return NULL;
	}
	return v ? json_string_value(v) : NULL;
}

/* fio booleans: "1"/"0", "true"/"false"; "" (the bare option) is on. */
static bool opt_bool(struct rd *r, json_t *job, json_t *global,
		     const char *key)
{
	const char *v = opt(r, job, global, key);

	if (!v || !strcmp(v, "0") || !strcmp(v, "false"))
		return false;
	if (!*v || !strcmp(v, "1") || !strcmp(v, "true"))
		return true;
	refuse_opt(r, key, v, "0 or 1");
	return false;
}

/* A decimal integer from lo to hi, or def when the option is absent. */
static int64_t opt_count(struct rd *r, json_t *job, json_t *global,
			 const char *key, int64_t lo, int64_t hi, int64_t def)
{
	const char *v = opt(r, job, global, key), *p;
	char allowed[64];
	int64_t x = 0;

	if (!v)
		return def;
	for (p = v; *p >= '0' && *p <= '9' && x <= hi; p++)
		x = x * 10 + (*p - '0');
	if (p == v || *p || x < lo || x > hi) {
		snprintf(allowed, sizeof(allowed), "an integer from %lld to "
			 "%lld", (long long)lo, (long long)hi);
		refuse_opt(r, key, v, allowed);
		return def;
	}
	return x;
}

/* A decimal number (digits, an optional fraction); its end in *end. */
static bool decimal(const char *s, double *out, const char **end)
{
	char *e;

	if (!(*s >= '0' && *s <= '9'))
		return false;
	*out = strtod(s, &e);
	*end = e;
	return isfinite(*out);
}

/*
 * fio sizes: "4k", "4KiB", "4096", "1m" (x1024); "4k,8k" (reads, writes)
 * -> the first. A whole number of bytes from 1 to 2 GiB.
 */
static bool parse_size(const char *s, int64_t *out)
{
	const char *end;
	double v;

	if (!decimal(s, &v, &end))
		return false;
	switch (*end) {
	case 'k': case 'K': v *= 1024; end++; break;
	case 'm': case 'M': v *= 1048576; end++; break;
	case 'g': case 'G': v *= 1073741824.0; end++; break;
	default: break;
	}
	if (*end == 'i' || *end == 'I')
		end++;
	if (*end == 'b' || *end == 'B')
		end++;
	if ((*end && *end != ',') || v < 1 || v > SIZE_MAX_BYTES ||
	    v != floor(v))
		return false;
	*out = (int64_t)v;
	return true;
}

/* fio times: a bare number is seconds; "10s", "500ms", "2m", "100us". */
static bool parse_time_ns(const char *s, int64_t *out)
{
	static const struct {
		const char *unit;
		double ns;
	} units[] = {
		{ "", 1e9 }, { "s", 1e9 }, { "sec", 1e9 }, { "ms", 1e6 },
		{ "msec", 1e6 }, { "us", 1e3 }, { "usec", 1e3 },
		{ "m", 60e9 }, { "min", 60e9 }, { "h", 3600e9 },
		{ "d", 86400e9 },
	};
	const char *end;
	double v;

	if (!decimal(s, &v, &end))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		if (strcmp(end, units[i].unit) != 0)
			continue;
		v *= units[i].ns;
		if (v > 9e18)
			return false;
		*out = (int64_t)v;
		return true;
	}
	return false;
}

/* Percentile p of a latency object's "percentile" map, or NaN. */
static double pct(struct rd *r, json_t *lat, const char *field, double p)
{
	json_t *map = json_object_get(lat, "percentile"), *v;
	const char *key;
	char name[160];
	double out = NAN;

	if (map && !json_is_object(map)) {
		snprintf(name, sizeof(name), "%s.percentile", field);
		refuse(r, name, map, "an object");
		return NAN;
	}
	json_object_foreach(map, key, v) {
		double x;

		snprintf(name, sizeof(name), "%s.percentile", field);
		x = num(r, map, name, key, NUM_MAX, true);
		if (fabs(strtod(key, NULL) - p) < 1e-6)
			out = x;
	}
	return out;
}

/*
 * The latency object of one direction: lat_ns when it has percentiles
 * (lat_percentiles=1), else clat_ns, else lat_ns. *name gets its key.
 */
static json_t *dir_lat(json_t *d, const char **name)
{
	json_t *lat = json_object_get(d, "lat_ns");
	json_t *clat = json_object_get(d, "clat_ns");

	*name = "lat_ns";
	if (json_is_object(json_object_get(lat, "percentile")))
		return lat;
	if (json_is_object(clat)) {
		*name = "clat_ns";
		return clat;
	}
	return lat;
}

static const double pcts[] = { 50, 90, 99, 99.9 };
static const char *const pct_keys[] = { "p50", "p90", "p99", "p99_9" };

/*
 * lat_ns of the run from the directions that did I/O. For a mixed job,
 * min/max/mean are exact (mean weighted by N) and each percentile is the
 * larger of the two directions' (an upper bound of the mixture's).
 */
static json_t *merge_lat(struct rd *r, json_t **dirs, const char **names,
			 int n)
{
	double mn = NAN, mx = NAN, sum = 0, cnt = 0, p[4];
	json_t *o = json_object();

	for (int k = 0; k < 4; k++)
		p[k] = NAN;
	for (int i = 0; i < n; i++) {
		const char *key;
		json_t *lat = dir_lat(dirs[i], &key);
		char field[64];
		double c, m, lo, hi;

		snprintf(field, sizeof(field), "%s.%s", names[i], key);
		if (lat && !json_is_object(lat)) {
			refuse(r, field, lat, "an object");
			continue;
		}
		c = num(r, lat, field, "N", NUM_MAX, false);
		m = num(r, lat, field, "mean", NUM_MAX, false);
		lo = num(r, lat, field, "min", NUM_MAX, false);
		hi = num(r, lat, field, "max", NUM_MAX, false);
		if (!(c > 0))
			continue;
		if (isnan(mn) || lo < mn)
			mn = lo;
		if (isnan(mx) || hi > mx)
			mx = hi;
		if (!isnan(m)) {
			sum += m * c;
			cnt += c;
		}
		for (int k = 0; k < 4; k++) {
			double v = pct(r, lat, field, pcts[k]);

			if (!isnan(v) && (isnan(p[k]) || v > p[k]))
				p[k] = v;
		}
	}
	if (!isnan(mn))
		json_object_set_new(o, "min", json_integer((json_int_t)mn));
	if (cnt > 0)
		json_object_set_new(o, "mean", json_real(sum / cnt));
	for (int k = 0; k < 4; k++)
		if (!isnan(p[k]))
			json_object_set_new(o, pct_keys[k],
					    json_integer((json_int_t)p[k]));
	if (!isnan(mx))
		json_object_set_new(o, "max", json_integer((json_int_t)mx));
	return o;
}

static void set_str(json_t *o, const char *key, const char *v)
{
	if (v)
		json_object_set_new(o, key, json_string(v));
}

static json_t *job_obj(struct rd *r, json_t *job, json_t *global)
{
	const char *engine = opt(r, job, global, "ioengine");
	const char *rw = opt(r, job, global, "rw");
	const char *s, *key;
	char name[96];
	int64_t v;
	json_t *o = json_object();

	/* fio's default engine on Linux is psync, its default rw read. */
	snprintf(name, sizeof(name), "fio-%s", engine ? engine : "psync");
	/* Variants are named as `aiotune fio` names them (fio-cmd.h). */
	if (engine && !strcmp(engine, "io_uring") &&
	    opt_bool(r, job, global, "hipri"))
		strcat(name, "-hipri");
	else if (engine && !strcmp(engine, "io_uring") &&
		 opt_bool(r, job, global, "sqthread_poll"))
		strcat(name, "-sqpoll");
	else if (opt_count(r, job, global, "iodepth_batch", 0, COUNT_MAX,
			   opt_count(r, job, global, "iodepth_batch_submit",
				     0, COUNT_MAX, 1)) > 1)
		strcat(name, "-batch");
	json_object_set_new(o, "engine", json_string(name));
	set_str(o, "target", opt(r, job, global, "filename"));
	if (!rw)
		rw = opt(r, job, global, "readwrite");
	json_object_set_new(o, "rw", json_string(rw ? rw : "read"));
	key = "bs";
	s = opt(r, job, global, key);
	if (!s) {
		key = "blocksize";
		s = opt(r, job, global, key);
	}
	v = 4096;
	if (s && !parse_size(s, &v))
		refuse_opt(r, key, s, "a size from 1 byte to 2g, like 4k");
	json_object_set_new(o, "bs_bytes", json_integer(v));
	json_object_set_new(o, "iodepth", json_integer(opt_count(r, job,
			    global, "iodepth", 1, COUNT_MAX, 1)));
	json_object_set_new(o, "iothreads", json_integer(opt_count(r, job,
			    global, "numjobs", 1, COUNT_MAX, 1)));
	s = opt(r, job, global, "runtime");
	if (s && !parse_time_ns(s, &v))
		refuse_opt(r, "runtime", s, "a time like 10s or 500ms");
	else if (s)
		json_object_set_new(o, "runtime_ns", json_integer(v));
	s = opt(r, job, global, "ramp_time");
	if (s && !parse_time_ns(s, &v))
		refuse_opt(r, "ramp_time", s, "a time like 10s or 500ms");
	else if (s)
		json_object_set_new(o, "ramp_ns", json_integer(v));
	if (opt(r, job, global, "direct"))
		json_object_set_new(o, "direct", json_boolean(opt_bool(r, job,
				    global, "direct")));
	return o;
}

static void start_time(struct rd *r, json_t *doc, json_t *run)
{
	json_t *v = json_object_get(doc, "timestamp");
	char when[32];
	struct tm tm;
	time_t t;

	if (!v)
		return;
	/* Seconds since 1970, up to the year 9999. */
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > 253402300799LL) {
		refuse(r, "timestamp", v, "seconds since 1970");
		return;
	}
	t = (time_t)json_integer_value(v);
	if (!gmtime_r(&t, &tm))
		return;
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_set_new(run, "start_time", json_string(when));
}

static json_t *run_obj(struct rd *r, json_t *doc, json_t *job,
		       json_t *global)
{
	json_t *rd = json_object_get(job, "read");
	json_t *wr = json_object_get(job, "write");
	json_t *mx = json_object_get(job, "mixed");
	json_t *dirs[2], *run = json_object(), *res = json_object();
	json_t *cpu = json_object(), *host = json_object();
	double iops = 0, bw = 0, ios = 0, rt = 0, c, u, sy;
	const char *names[2];
	int n = 0;

	json_object_set_new(run, "format_version",
			    json_integer(RES_RUN_FORMAT_VERSION));
	json_object_set_new(run, "tool", json_string("fio"));
	set_str(run, "version",
		json_string_value(json_object_get(doc, "fio version")));
	start_time(r, doc, run);
	json_object_set_new(run, "job", job_obj(r, job, global));

	/* unified_rw_reporting=mixed: one "mixed" object for both. */
	if (json_is_object(mx)) {
		names[n] = "mixed";
		dirs[n++] = mx;
	}
	if (!n && json_is_object(rd)) {
		names[n] = "read";
		dirs[n++] = rd;
	}
	if (json_is_object(wr) && !json_is_object(mx)) {
		names[n] = "write";
		dirs[n++] = wr;
	}
	for (int i = 0; i < n; i++) {
		iops += num(r, dirs[i], names[i], "iops", NUM_MAX, true);
		c = num(r, dirs[i], names[i], "bw_bytes", NUM_MAX, false);
		bw += isnan(c) ? 0 : c;
		c = num(r, dirs[i], names[i], "total_ios", NUM_MAX, false);
		ios += isnan(c) ? 0 : c;
		c = num(r, dirs[i], names[i], "runtime", RUNTIME_MS_MAX,
			false);
		if (c > rt)
			rt = c;
	}
	json_object_set_new(res, "lat_ns", merge_lat(r, dirs, names, n));
	u = num(r, job, "", "usr_cpu", NUM_MAX, false);
	sy = num(r, job, "", "sys_cpu", NUM_MAX, false);
	c = num(r, job, "", "ctx", NUM_MAX, false);
	if (r->bad) {
		json_decref(res);
		json_decref(cpu);
		json_decref(host);
		return run;
	}
	json_object_set_new(res, "ios", json_integer((json_int_t)ios));
	if (rt > 0)
		json_object_set_new(res, "measured_ns",
				    json_integer((json_int_t)(rt * 1e6)));
	json_object_set_new(res, "iops", json_real(iops));
	json_object_set_new(res, "bw_bytes", json_real(bw));
	json_object_set_new(run, "result", res);

	/* fio's job thread submits and reaps: it plays the IOThread. */
	if (!isnan(u + sy)) {
		json_object_set_new(cpu, "iothread_pct", json_real(u + sy));
		json_object_set_new(cpu, "process_pct", json_real(u + sy));
	}
	if (!isnan(c))
		json_object_set_new(cpu, "ctx", json_integer((json_int_t)c));
	json_object_set_new(run, "cpu", cpu);

	set_str(host, "hostname",
		json_string_value(json_object_get(job, "hostname")));
	json_object_set_new(run, "host", host);
	set_str(run, "fio_jobname",
		json_string_value(json_object_get(job, "jobname")));
	return run;
}

int res_fio_import_doc(json_t *doc, json_t **runs, char *err, size_t errlen)
{
	json_t *jobs = json_object_get(doc, "jobs");
	json_t *global = json_object_get(doc, "global options");
	json_t *job, *run;
	struct rd r;
	size_t i;

	if (!json_is_array(jobs))
		jobs = json_object_get(doc, "client_stats");
	if (!json_is_object(doc) || !json_is_array(jobs)) {
		snprintf(err, errlen, "not fio JSON output: no \"jobs\" or "
			 "\"client_stats\" array");
		return -EINVAL;
	}
	*runs = json_array();
	json_array_foreach(jobs, i, job) {
		const char *name =
			json_string_value(json_object_get(job, "jobname"));

		/* The client/server total repeats the clients' jobs. */
		if (name && !strcmp(name, "All clients"))
			continue;
		if (!json_is_object(job) ||
		    (!json_is_object(json_object_get(job, "read")) &&
		     !json_is_object(json_object_get(job, "write")) &&
		     !json_is_object(json_object_get(job, "mixed")))) {
			snprintf(err, errlen, "not fio JSON output: job %zu "
				 "has no \"read\", \"write\" or \"mixed\"",
				 i);
			json_decref(*runs);
			*runs = NULL;
			return -EINVAL;
		}
		r.err = err;
		r.errlen = errlen;
		r.bad = 0;
		if (name)
			snprintf(r.job, sizeof(r.job), "job %zu (\"%.60s\")",
				 i, name);
		else
			snprintf(r.job, sizeof(r.job), "job %zu", i);
		run = run_obj(&r, doc, job, global);
		if (r.bad) {
			json_decref(run);
			json_decref(*runs);
			*runs = NULL;
			return r.bad;
		}
		json_array_append_new(*runs, run);
	}
	return 0;
}

int res_fio_import_buf(const char *text, size_t len, json_t **runs, char *err,
		       size_t errlen)
{
	const char *start = memchr(text, '{', len);
	json_error_t jerr;
	json_t *doc;
	int ret;

	if (!start) {
		snprintf(err, errlen, "not JSON (no '{' in it)");
		return -EINVAL;
	}
	doc = json_loadb(start, len - (size_t)(start - text), 0, &jerr);
	if (!doc) {
		snprintf(err, errlen, "not JSON (line %d: %s)", jerr.line,
			 jerr.text);
		return -EINVAL;
	}
	ret = res_fio_import_doc(doc, runs, err, errlen);
	json_decref(doc);
	return ret;
}

int res_fio_import_file(const char *path, json_t **runs, char *err,
			size_t errlen)
{
	char *text, msg[512];
	size_t len;
	int ret;

	ret = util_read_file(path, RES_READ_MAX, &text, &len, err, errlen);
	if (ret)
		return ret;
	ret = res_fio_import_buf(text, len, runs, msg, sizeof(msg));
	free(text);
	if (ret)
		snprintf(err, errlen, "%s: %s", path, msg);
	return ret;
}
