/* row.c: the results columns and the CSV writer and reader. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "results/atomic.h"
#include "results/row.h"
#include "util/file.h"
#include "util/util.h"

#define STR(f, d) { #f, RES_COL_STR, offsetof(struct res_row, f), \
		    sizeof(((struct res_row *)0)->f), d }
#define I64(f, d) { #f, RES_COL_I64, offsetof(struct res_row, f), 0, d }
#define DBL(f, d) { #f, RES_COL_DBL, offsetof(struct res_row, f), 0, d }

static const struct res_col cols[] = {
	I64(format_version, "version of this schema (1)"),
	STR(run_id, "run name p<point>-r<rep>; its JSON is runs/<run_id>.json"),
	I64(point, "grid point index, 0-based, in grid order"),
	I64(rep, "repetition of the point, 1-based"),
	I64(order, "position of the run in the randomized run order, 1-based"),
	STR(section, "job-file section of the point (\"cli\" for a flag grid)"),
	STR(start_time, "UTC start time of the run, ISO 8601"),
	STR(host, "host name"),
	STR(kernel, "kernel release (uname -r)"),
	STR(version, "aiotune version that measured the run"),
	STR(git, "git revision of that aiotune"),
	STR(engine, "I/O engine (a value of --engine)"),
	STR(target, "device, file or simulated device (sim:...)"),
	STR(rw, "access pattern (randread, randwrite, read, write, randrw)"),
	I64(bs_bytes, "request size, bytes"),
	I64(iodepth, "requests in flight per IOThread"),
	I64(iothreads, "number of IOThreads (each with its own queue)"),
	STR(frontend, "front end feeding the IOThread (a value of --frontend)"),
	STR(guest_think, "virtio guest time per completion (0, 5us, exp:5us)"),
	STR(placement, "CPU placement of the threads"),
	STR(poll_policy, "adaptive polling policy"),
	I64(poll_max_ns, "poll-max-ns: longest polling window, ns"),
	I64(poll_grow, "poll-grow factor (0 = default, x2)"),
	I64(poll_shrink, "poll-shrink divisor (0 = reset to 0)"),
	I64(poll_weight, "poll-weight (weight policy; 0 = default)"),
	STR(fdmon_requested, "fd monitor asked for (a value of --fdmon)"),
	STR(fdmon, "fd monitor actually used, after any fallback"),
	STR(uring_ring_requested, "io_uring engine: ring asked for (a value "
	    "of --uring-ring)"),
	STR(uring_ring, "io_uring engine: ring used (context: the loop's, "
	    "own: private); empty otherwise"),
	STR(ring_flags_requested, "context ring setup flags asked for (a "
	    "value of --ring-flags)"),
	STR(ring_flags, "setup flags of the io_uring monitor's ring in force "
	    "(none, coop, single, single+coop, defer; - without one)"),
	I64(runtime_ns, "measured duration asked for, ns (ramp excluded)"),
	I64(ramp_ns, "warm-up before measuring, ns (excluded from all figures)"),
	DBL(ios, "requests completed while measuring, count"),
	DBL(errors, "requests completed with an error, count"),
	DBL(measured_ns, "measured time, ns"),
	DBL(iops, "completed requests per second, all IOThreads"),
	DBL(bw_bytes_per_s, "bandwidth, bytes per second"),
	DBL(lat_min_ns, "latency (submit to completion seen), minimum, ns"),
	DBL(lat_mean_ns, "latency, mean, ns"),
	DBL(lat_p50_ns, "latency, median, ns"),
	DBL(lat_p90_ns, "latency, 90th percentile, ns"),
	DBL(lat_p99_ns, "latency, 99th percentile, ns"),
	DBL(lat_p99_9_ns, "latency, 99.9th percentile, ns"),
	DBL(lat_max_ns, "latency, maximum, ns"),
	DBL(guest_lat_p50_ns, "guest-seen latency, median, ns (virtio only)"),
	DBL(guest_lat_p99_ns, "guest-seen latency, 99th pct, ns (virtio only)"),
	DBL(cpu_iothread_pct, "CPU time of the IOThreads / wall time, % (100 = one CPU)"),
	DBL(cpu_guest_pct, "CPU time of the guest threads, % (virtio)"),
	DBL(cpu_process_pct, "CPU time of the whole run process, %"),
	DBL(iops_per_cpu, "iops / (cpu_iothread_pct / 100): IOPS per busy CPU"),
	DBL(vol_csw, "voluntary context switches of the IOThreads, count"),
	DBL(invol_csw, "involuntary context switches of the IOThreads, count"),
	STR(iothread_cpus, "CPUs the IOThreads ran on, ';'-separated"),
	DBL(loop_iterations, "event-loop iterations, count (all IOThreads)"),
	DBL(poll_attempts, "iterations that polled, count"),
	DBL(poll_hits, "polls that found work before the window ended, count"),
	DBL(poll_misses, "polls that ran out the window and blocked, count"),
	DBL(poll_hit_pct, "poll_hits / poll_attempts, %"),
	DBL(blocking_waits, "iterations that blocked in the fd monitor, count"),
	DBL(poll_ns, "time spent polling, ns (all IOThreads)"),
	DBL(block_ns, "time spent blocked, ns (all IOThreads)"),
	DBL(grow_events, "polling-window grow events, count"),
	DBL(shrink_events, "polling-window shrink events, count"),
	DBL(notify_writes, "event-notifier writes (aio_notify kicks), count"),
	DBL(window_ns, "polling window at the end of the run, ns (max of IOThreads)"),
	DBL(block_cost_ns, "CPU time one block + wake-up costs the loop thread, as the loop measured it, ns (IOThread 0)"),
	DBL(wake_ns, "how late a blocked loop thread wakes, as the loop measured it, ns (IOThread 0)"),
	DBL(wall_ns, "wall time of the whole run process incl. start-up, ns"),
	STR(accel, "QEMU runs (--engine qemu): kvm, or tcg (an emulated "
	    "guest: compare behaviour, not IOPS); empty otherwise"),
	STR(json, "the run's JSON (histogram, loop statistics), relative path"),
};

#define NR_COLS ARRAY_SIZE(cols)

const struct res_col *res_cols(size_t *n)
{
	*n = NR_COLS;
	return cols;
}

const struct res_col *res_col_find(const char *name)
{
	for (size_t i = 0; i < NR_COLS; i++)
		if (strcmp(cols[i].name, name) == 0)
			return &cols[i];
	return NULL;
}

double res_row_num(const struct res_row *r, const struct res_col *c)
{
	const char *base = (const char *)r + c->off;

	switch (c->type) {
	case RES_COL_I64:
		return (double)*(const int64_t *)base;
	case RES_COL_DBL:
		return *(const double *)base;
	default:
		return NAN;
	}
}

void res_row_init(struct res_row *r)
{
	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < NR_COLS; i++)
		if (cols[i].type == RES_COL_DBL)
			*(double *)((char *)r + cols[i].off) = NAN;
	r->format_version = RES_FORMAT_VERSION;
}

/* A string field, quoted when it holds a separator, quote or newline. */
static void put_str(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n\r")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/*
 * Doubles: integers exactly, others with 6 decimals, trailing zeros cut.
 * A double of 2^53 or more is an integer, so buf holds at most 16 digits.
 */
static void put_dbl(FILE *f, double v)
{
	char buf[64];
	char *e;

	/* Not measured, or not a measurement: an empty field. */
	if (!isfinite(v))
		return;
	if (v == floor(v)) {
		fprintf(f, "%.0f", v);
		return;
	}
	snprintf(buf, sizeof(buf), "%.6f", v);
	e = buf + strlen(buf) - 1;
	while (*e == '0')
		*e-- = '\0';
	if (*e == '.')
		*e = '\0';
	fputs(buf, f);
}

void res_csv_write_header(FILE *f)
{
	for (size_t i = 0; i < NR_COLS; i++)
		fprintf(f, "%s%s", i ? "," : "", cols[i].name);
	fputc('\n', f);
}

void res_csv_write_row(FILE *f, const struct res_row *r)
{
	for (size_t i = 0; i < NR_COLS; i++) {
		const char *base = (const char *)r + cols[i].off;

		if (i)
			fputc(',', f);
		switch (cols[i].type) {
		case RES_COL_STR:
			put_str(f, base);
			break;
		case RES_COL_I64:
			fprintf(f, "%lld", (long long)*(const int64_t *)base);
			break;
		case RES_COL_DBL:
			put_dbl(f, *(const double *)base);
			break;
		}
	}
	fputc('\n', f);
}

int res_table_add(struct res_table *t, const struct res_row *r)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct res_row *nr = realloc(t->rows, cap * sizeof(*nr));

		if (!nr)
			return -ENOMEM;
		t->rows = nr;
		t->cap = cap;
	}
	t->rows[t->n++] = *r;
	return 0;
}

void res_table_free(struct res_table *t)
{
	free(t->rows);
	memset(t, 0, sizeof(*t));
}

/*
 * Split one CSV record starting at *pos into fields (in place). Quoted
 * fields may hold separators, doubled quotes and newlines; *lines counts
 * the newlines consumed. Returns the number of fields, or -EINVAL.
 */
static int split_record(char **pos, char **fields, int max, int *lines)
{
	char *p = *pos, *w;
	int n = 0;

	for (;;) {
		if (n == max)
			return -E2BIG;
		fields[n++] = w = p;
		if (*p == '"') {
			p++;
			for (;;) {
				if (!*p)
					return -EINVAL;
				if (*p == '"' && p[1] == '"') {
					*w++ = '"';
					p += 2;
				} else if (*p == '"') {
					p++;
					break;
				} else {
					if (*p == '\n')
						(*lines)++;
					*w++ = *p++;
				}
			}
			if (*p && *p != ',' && *p != '\n' && *p != '\r')
				return -EINVAL;
		} else {
			while (*p && *p != ',' && *p != '\n' && *p != '\r')
				*w++ = *p++;
		}
		if (*p == ',') {
			*w = '\0';
			p++;
			continue;
		}
		if (*p == '\r')
			*w = '\0', p++;
		if (*p == '\n')
			p++;
		*w = '\0';
		(*lines)++;
		break;
	}
	*pos = p;
	return n;
}

/* Why v cannot be the value of column c, or NULL when it can. */
static const char *set_field(struct res_row *r, const struct res_col *c,
			     const char *v)
{
	char *base = (char *)r + c->off;
	char *end;
	double d;

	switch (c->type) {
	case RES_COL_STR:
		if (strlen(v) >= c->size)
			return "is too long";
		strcpy(base, v);
		return NULL;
	case RES_COL_I64:
		/* Settings and counters: never negative. */
		errno = 0;
		*(int64_t *)base = strtoll(v, &end, 10);
		if (!*v || *end || errno || *(int64_t *)base < 0)
			return "is not an integer >= 0";
		return NULL;
	case RES_COL_DBL:
		/* Empty: not measured (NaN); else a measurement >= 0. */
		if (!*v) {
			*(double *)base = NAN;
			return NULL;
		}
		d = strtod(v, &end);
		if (*end || !isfinite(d) || d < 0)
			return "is not a finite number >= 0";
		*(double *)base = d;
		return NULL;
	}
	return "is not a value of this column";
}

#define MAX_FIELDS 512

/* The columns every reader of results.csv rests on. */
static const char *const required[] = {
	"format_version", "run_id", "poll_max_ns", "iops",
};

/* 0, or -EINVAL with err when the header lacks a required column. */
static int check_header(const char *path, char **fields, int n, char *err,
			size_t errlen)
{
	for (size_t k = 0; k < ARRAY_SIZE(required); k++) {
		int i;

		for (i = 0; i < n; i++)
			if (!strcmp(fields[i], required[k]))
				break;
		if (i == n) {
			snprintf(err, errlen, "%s:1: no column %s (an aiotune "
				 "results CSV has format_version, run_id, "
				 "poll_max_ns and iops)", path, required[k]);
			return -EINVAL;
		}
	}
	return 0;
}

/* Line (1-based) of byte off of buf. */
static int line_of(const char *buf, size_t off)
{
	int line = 1;

	for (size_t i = 0; i < off; i++)
		line += buf[i] == '\n';
	return line;
}

int res_csv_load(const char *path, struct res_table *t, char *err,
		 size_t errlen)
{
	char *buf;
	size_t len;
	int ret;

	ret = util_read_file(path, RES_READ_MAX, &buf, &len, err, errlen);
	if (ret)
		return ret;
	ret = res_csv_parse(buf, len, path, t, err, errlen);
	free(buf);
	return ret;
}

int res_csv_parse(const char *text, size_t len, const char *path,
		  struct res_table *t, char *err, size_t errlen)
{
	char *buf, *pos, *nul;
	char *fields[MAX_FIELDS];
	const struct res_col *map[MAX_FIELDS];
	int nhead, line = 0, ret;

	buf = malloc(len + 1);
	if (!buf) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	memcpy(buf, text, len);
	buf[len] = '\0';
	nul = memchr(buf, '\0', len);
	if (nul) {
		snprintf(err, errlen, "%s:%d: contains a NUL byte: not a CSV "
			 "file", path, line_of(buf, (size_t)(nul - buf)));
		ret = -EINVAL;
		goto out;
	}
	pos = buf;
	nhead = split_record(&pos, fields, MAX_FIELDS, &line);
	if (nhead <= 0 || !res_col_find(fields[0]) ||
	    strcmp(fields[0], "format_version") != 0) {
		snprintf(err, errlen, "%s:1: not an aiotune results CSV "
			 "(the header must start with format_version)", path);
		ret = -EINVAL;
		goto out;
	}
	ret = check_header(path, fields, nhead, err, errlen);
	if (ret)
		goto out;
	for (int i = 0; i < nhead; i++)
		map[i] = res_col_find(fields[i]);
	while (*pos) {
		struct res_row r;
		int start = line + 1;
		int n = split_record(&pos, fields, MAX_FIELDS, &line);

		if (n == 1 && !fields[0][0])
			continue; /* blank line */
		if (n != nhead) {
			snprintf(err, errlen, "%s:%d: %d fields, the header "
				 "has %d", path, start, n < 0 ? 0 : n, nhead);
			ret = -EINVAL;
			goto out;
		}
		res_row_init(&r);
		for (int i = 0; i < n; i++) {
			const char *why;

			if (!map[i])
				continue;
			why = set_field(&r, map[i], fields[i]);
			if (why) {
				snprintf(err, errlen, "%s:%d: column %s: "
					 "'%.40s' %s", path, start,
					 map[i]->name, fields[i], why);
				ret = -EINVAL;
				goto out;
			}
		}
		if (r.format_version != RES_FORMAT_VERSION) {
			snprintf(err, errlen, "%s:%d: format_version %lld, "
				 "this aiotune reads %d", path, start,
				 (long long)r.format_version,
				 RES_FORMAT_VERSION);
			ret = -EINVAL;
			goto out;
		}
		ret = res_table_add(t, &r);
		if (ret) {
			snprintf(err, errlen, "%s: out of memory", path);
			goto out;
		}
	}
	ret = 0;
out:
	free(buf);
	return ret;
}

int res_csv_save(const char *path, const struct res_table *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int ret;

	if (!f)
		return -errno;
	res_csv_write_header(f);
	for (size_t i = 0; i < t->n; i++)
		res_csv_write_row(f, &t->rows[i]);
	if (fclose(f)) {
		free(buf);
		return -ENOMEM;
	}
	ret = res_write_atomic(path, buf, len);
	free(buf);
	return ret;
}
