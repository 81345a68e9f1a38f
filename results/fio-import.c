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

static double num(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (json_is_number(v))
		return json_number_value(v);
	if (json_is_string(v))
		return strtod(json_string_value(v), NULL);
	return NAN;
}

/* A job option, from the job or else from the global options. */
static const char *opt(json_t *job, json_t *global, const char *key)
{
	json_t *v = json_object_get(json_object_get(job, "job options"), key);

	if (!json_is_string(v))
		v = json_object_get(global, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Whether a boolean job option is set ("hipri" alone is "" or "1"). */
static bool opt_on(json_t *job, json_t *global, const char *key)
{
	const char *v = opt(job, global, key);

	return v && strcmp(v, "0") != 0 && strcmp(v, "false") != 0;
}

/* iodepth_batch (alias iodepth_batch_submit) above 1. */
static bool batched(json_t *job, json_t *global)
{
	const char *v = opt(job, global, "iodepth_batch");

	if (!v)
		v = opt(job, global, "iodepth_batch_submit");
	return v && atoi(v) > 1;
}

/* fio sizes: "4k", "4096", "1m" (x1024), "4k,8k" -> the first. */
static bool parse_size(const char *s, int64_t *out)
{
	char *end;
	double v = strtod(s, &end);

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
	if (end == s || (*end && *end != ',') || v <= 0)
		return false;
	*out = (int64_t)v;
	return true;
}

/* fio times: bare number is seconds; "10s", "500ms", "2m", "100us". */
static bool parse_time_ns(const char *s, int64_t *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || v < 0)
		return false;
	if (!*end || !strcmp(end, "s"))
		v *= 1e9;
	else if (!strcmp(end, "ms"))
		v *= 1e6;
	else if (!strcmp(end, "us"))
		v *= 1e3;
	else if (!strcmp(end, "m"))
		v *= 60e9;
	else if (!strcmp(end, "h"))
		v *= 3600e9;
	else
		return false;
	*out = (int64_t)v;
	return true;
}

/* Percentile p of a latency object's "percentile" map, or NaN. */
static double pct(json_t *lat, double p)
{
	json_t *map = json_object_get(lat, "percentile"), *v;
	const char *key;

	json_object_foreach(map, key, v)
		if (fabs(strtod(key, NULL) - p) < 1e-6 && json_is_number(v))
			return json_number_value(v);
	return NAN;
}

/*
 * The latency object of one direction: lat_ns when it has percentiles
 * (lat_percentiles=1), else clat_ns, else lat_ns.
 */
static json_t *dir_lat(json_t *d)
{
	json_t *lat = json_object_get(d, "lat_ns");
	json_t *clat = json_object_get(d, "clat_ns");

	if (json_is_object(json_object_get(lat, "percentile")))
		return lat;
	return json_is_object(clat) ? clat : lat;
}

static const double pcts[] = { 50, 90, 99, 99.9 };
static const char *const pct_keys[] = { "p50", "p90", "p99", "p99_9" };

/*
 * lat_ns of the run from the directions that did I/O. For a mixed job,
 * min/max/mean are exact (mean weighted by N) and each percentile is the
 * larger of the two directions' (an upper bound of the mixture's).
 */
static json_t *merge_lat(json_t **dirs, int n)
{
	double mn = NAN, mx = NAN, sum = 0, cnt = 0, p[4];
	json_t *o = json_object();

	for (int k = 0; k < 4; k++)
		p[k] = NAN;
	for (int i = 0; i < n; i++) {
		json_t *lat = dir_lat(dirs[i]);
		double c = num(lat, "N"), m = num(lat, "mean");

		if (!(c > 0))
			continue;
		if (isnan(mn) || num(lat, "min") < mn)
			mn = num(lat, "min");
		if (isnan(mx) || num(lat, "max") > mx)
			mx = num(lat, "max");
		if (!isnan(m)) {
			sum += m * c;
			cnt += c;
		}
		for (int k = 0; k < 4; k++) {
			double v = pct(lat, pcts[k]);

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

static json_t *job_obj(json_t *job, json_t *global)
{
	const char *engine = opt(job, global, "ioengine");
	const char *rw = opt(job, global, "rw");
	const char *s;
	char name[96];
	int64_t v;
	json_t *o = json_object();

	/* fio's default engine on Linux is psync, its default rw read. */
	snprintf(name, sizeof(name), "fio-%s", engine ? engine : "psync");
	/* Variants are named as `aiotune fio` names them (fio-cmd.h). */
	if (engine && !strcmp(engine, "io_uring") &&
	    opt_on(job, global, "hipri"))
		strcat(name, "-hipri");
	else if (engine && !strcmp(engine, "io_uring") &&
		 opt_on(job, global, "sqthread_poll"))
		strcat(name, "-sqpoll");
	else if (batched(job, global))
		strcat(name, "-batch");
	json_object_set_new(o, "engine", json_string(name));
	set_str(o, "target", opt(job, global, "filename"));
	if (!rw)
		rw = opt(job, global, "readwrite");
	json_object_set_new(o, "rw", json_string(rw ? rw : "read"));
	s = opt(job, global, "bs");
	if (!s)
		s = opt(job, global, "blocksize");
	json_object_set_new(o, "bs_bytes",
			    json_integer(s && parse_size(s, &v) ? v : 4096));
	s = opt(job, global, "iodepth");
	json_object_set_new(o, "iodepth",
			    json_integer(s ? atoll(s) > 0 ? atoll(s) : 1 : 1));
	s = opt(job, global, "numjobs");
	json_object_set_new(o, "iothreads",
			    json_integer(s && atoll(s) > 0 ? atoll(s) : 1));
	s = opt(job, global, "runtime");
	if (s && parse_time_ns(s, &v))
		json_object_set_new(o, "runtime_ns", json_integer(v));
	s = opt(job, global, "ramp_time");
	if (s && parse_time_ns(s, &v))
		json_object_set_new(o, "ramp_ns", json_integer(v));
	s = opt(job, global, "direct");
	if (s)
		json_object_set_new(o, "direct", json_boolean(atoi(s) != 0));
	return o;
}

static json_t *run_obj(json_t *doc, json_t *job, json_t *global)
{
	json_t *rd = json_object_get(job, "read");
	json_t *wr = json_object_get(job, "write");
	json_t *mx = json_object_get(job, "mixed");
	json_t *dirs[2], *run = json_object(), *res = json_object();
	json_t *cpu = json_object(), *host = json_object(), *v;
	double iops = 0, bw = 0, ios = 0, rt = 0, c;
	int n = 0;
	char when[32];

	json_object_set_new(run, "format_version",
			    json_integer(RES_RUN_FORMAT_VERSION));
	json_object_set_new(run, "tool", json_string("fio"));
	set_str(run, "version",
		json_string_value(json_object_get(doc, "fio version")));
	v = json_object_get(doc, "timestamp");
	if (json_is_integer(v)) {
		time_t t = (time_t)json_integer_value(v);
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		json_object_set_new(run, "start_time", json_string(when));
	}
	json_object_set_new(run, "job", job_obj(job, global));

	/* unified_rw_reporting=mixed: one "mixed" object for both. */
	if (json_is_object(mx))
		dirs[n++] = mx;
	if (!n && json_is_object(rd))
		dirs[n++] = rd;
	if (json_is_object(wr) && !json_is_object(mx))
		dirs[n++] = wr;
	for (int i = 0; i < n; i++) {
		iops += isnan(num(dirs[i], "iops")) ? 0 : num(dirs[i], "iops");
		bw += isnan(num(dirs[i], "bw_bytes")) ? 0 :
		      num(dirs[i], "bw_bytes");
		c = num(dirs[i], "total_ios");
		ios += isnan(c) ? 0 : c;
		c = num(dirs[i], "runtime");
		if (c > rt)
			rt = c;
	}
	json_object_set_new(res, "ios", json_integer((json_int_t)ios));
	if (rt > 0)
		json_object_set_new(res, "measured_ns",
				    json_integer((json_int_t)(rt * 1e6)));
	json_object_set_new(res, "iops", json_real(iops));
	json_object_set_new(res, "bw_bytes", json_real(bw));
	json_object_set_new(res, "lat_ns", merge_lat(dirs, n));
	json_object_set_new(run, "result", res);

	/* fio's job thread submits and reaps: it plays the IOThread. */
	c = num(job, "usr_cpu") + num(job, "sys_cpu");
	if (!isnan(c)) {
		json_object_set_new(cpu, "iothread_pct", json_real(c));
		json_object_set_new(cpu, "process_pct", json_real(c));
	}
	c = num(job, "ctx");
	if (!isnan(c))
		json_object_set_new(cpu, "ctx",
				    json_integer((json_int_t)c));
	json_object_set_new(run, "cpu", cpu);

	set_str(host, "hostname",
		json_string_value(json_object_get(job, "hostname")));
	json_object_set_new(run, "host", host);
	set_str(run, "fio_jobname",
		json_string_value(json_object_get(job, "jobname")));
	return run;
}

int fio_import_doc(json_t *doc, json_t **runs, char *err, size_t errlen)
{
	json_t *jobs = json_object_get(doc, "jobs");
	json_t *global = json_object_get(doc, "global options");
	json_t *job;
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
		json_array_append_new(*runs, run_obj(doc, job, global));
	}
	return 0;
}

int fio_import_buf(const char *text, size_t len, json_t **runs, char *err,
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
	ret = fio_import_doc(doc, runs, err, errlen);
	json_decref(doc);
	return ret;
}

int fio_import_file(const char *path, json_t **runs, char *err,
		    size_t errlen)
{
	char *text, msg[512];
	size_t len;
	int ret;

	ret = util_read_file(path, RES_READ_MAX, &text, &len, err, errlen);
	if (ret)
		return ret;
	ret = fio_import_buf(text, len, runs, msg, sizeof(msg));
	free(text);
	if (ret)
		snprintf(err, errlen, "%s: %s", path, msg);
	return ret;
}
