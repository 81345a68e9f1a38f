/* simnvme-model.c: the simulated device's pure model (see simnvme-model.h). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "util/file.h"
#include "workloads/hist.h"
#include "workloads/simnvme-model.h"
#include "workloads/units.h"

#ifdef HAVE_JANSSON
#include <jansson.h>
#endif

static int parse_dur(const char *s, int64_t *out)
{
	int ret = wl_parse_duration_ns(s, 1, out);

	return ret ? ret : *out > SIM_MAX_DUR_NS ? -ERANGE : 0;
}

/* A probability: "0.01" or "1%"; 0 or -EINVAL. */
static int parse_prob(const char *s, double *out)
{
	char *end;
	double v;

	if (!s || !*s || !(isdigit((unsigned char)*s) || *s == '.'))
		return -EINVAL;
	v = strtod(s, &end);
	if (*end == '%') {
		v /= 100.0;
		end++;
	}
	if (*end || !(v >= 0.0 && v <= 1.0))
		return -EINVAL;
	*out = v;
	return 0;
}

struct bins {
	size_t n, cap;
	int64_t *lo, *hi;
	uint64_t *cnt;
	uint64_t total;
};

/* A count of a hist: file: at most 2^53; the total at most 2^63. */
#define HIST_COUNT_MAX (1ULL << 53)
#define HIST_TOTAL_MAX (1ULL << 63)

static int bins_add(struct bins *b, int64_t lo, int64_t hi, uint64_t cnt)
{
	if (cnt > HIST_COUNT_MAX || b->total + cnt > HIST_TOTAL_MAX)
		return -ERANGE;
	if (!cnt)
		return 0;
	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 64;
		int64_t *nlo = realloc(b->lo, cap * sizeof(*nlo));

		if (!nlo)
			return -ENOMEM;
		b->lo = nlo;
		int64_t *nhi = realloc(b->hi, cap * sizeof(*nhi));

		if (!nhi)
			return -ENOMEM;
		b->hi = nhi;
		uint64_t *ncnt = realloc(b->cnt, cap * sizeof(*ncnt));

		if (!ncnt)
			return -ENOMEM;
		b->cnt = ncnt;
		b->cap = cap;
	}
	b->lo[b->n] = lo;
	b->hi[b->n] = hi;
	b->cnt[b->n] = cnt;
	b->n++;
	b->total += cnt;
	return 0;
}

#ifdef HAVE_JANSSON
/* A JSON integer from 0 to max into *out. */
static bool json_count(json_t *v, json_int_t max, json_int_t *out)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > max)
		return false;
	*out = json_integer_value(v);
	return true;
}

static int hist_from_json(const char *text, size_t len, const char *path,
			  struct bins *b, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *root = json_loadb(text, len, 0, &jerr), *buckets, *pair;
	size_t i;
	int ret = 0;

	if (!root) {
		snprintf(err, errlen, "hist file %s: %s (line %d)", path,
			 jerr.text, jerr.line);
		return -EINVAL;
	}
	buckets = json_object_get(json_object_get(json_object_get(root,
		"result"), "hist"), "buckets");
	if (!json_is_array(buckets)) {
		snprintf(err, errlen,
			 "hist file %s: no result.hist.buckets array (not an aiotune run JSON)",
			 path);
		json_decref(root);
		return -EINVAL;
	}
	json_array_foreach(buckets, i, pair) {
		json_int_t idx, cnt;

		ret = -EINVAL;
		if (json_is_array(pair) && json_array_size(pair) == 2 &&
		    json_count(json_array_get(pair, 0), WL_HIST_NR - 1,
			       &idx) &&
		    json_count(json_array_get(pair, 1),
			       (json_int_t)HIST_COUNT_MAX, &cnt))
			ret = bins_add(b,
				(int64_t)wl_hist_bucket_lo((unsigned int)idx),
				idx + 1 < WL_HIST_NR ?
				(int64_t)wl_hist_bucket_lo((unsigned int)idx + 1) - 1 :
				(int64_t)wl_hist_bucket_lo((unsigned int)idx),
				(uint64_t)cnt);
		if (ret == -ENOMEM)
			break;
		if (ret) {
			snprintf(err, errlen,
				 "hist file %s: bucket %zu: allowed [INDEX 0-%d, COUNT 0-2^53] with a total up to 2^63",
				 path, i, WL_HIST_NR - 1);
			ret = -EINVAL;
			break;
		}
	}
	json_decref(root);
	return ret;
}
#endif

/* A decimal count, digits only, at most HIST_COUNT_MAX. */
static bool parse_count(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > HIST_COUNT_MAX)
			return false;
	}
	*out = v;
	return true;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* One line of a text histogram: "LATENCY [COUNT] [# comment]". */
static int hist_line(const char *p, const char *end, const char *path,
		     int lineno, struct bins *b, char *err, size_t errlen)
{
	const char *tok;
	char val[64];
	uint64_t cnt = 1;
	int64_t ns;
	int ret;

	while (p < end && blank(*p))
		p++;
	if (p == end || *p == '#')
		return 0;
	for (tok = p; p < end && !blank(*p) && *p != '#'; p++)
		;
	if ((size_t)(p - tok) >= sizeof(val))
		goto bad;
	memcpy(val, tok, (size_t)(p - tok));
	val[p - tok] = '\0';
	if (parse_dur(val, &ns) || ns < 0)
		goto bad;
	while (p < end && blank(*p))
		p++;
	if (p < end && *p != '#') {
		for (tok = p; p < end && !blank(*p) && *p != '#'; p++)
			;
		if (!parse_count(tok, (size_t)(p - tok), &cnt)) {
			snprintf(err, errlen,
				 "hist file %s line %d: count '%.*s': allowed an integer from 0 to 2^53",
				 path, lineno, (int)(p - tok > 40 ? 40 : p - tok),
				 tok);
			return -EINVAL;
		}
		while (p < end && blank(*p))
			p++;
		if (p < end && *p != '#')
			goto bad;
	}
	ret = bins_add(b, ns, ns, cnt);
	if (ret == -ERANGE) {
		snprintf(err, errlen,
			 "hist file %s line %d: the counts add up to more than 2^63",
			 path, lineno);
		return -EINVAL;
	}
	return ret;
bad:
	snprintf(err, errlen,
		 "hist file %s line %d: expected 'LATENCY [COUNT]' (e.g. '20us 15', LATENCY up to 1h)",
		 path, lineno);
	return -EINVAL;
}

static int hist_from_text(const char *text, size_t len, const char *path,
			  struct bins *b, char *err, size_t errlen)
{
	int lineno = 0, ret;
	size_t pos = 0;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;

		lineno++;
		if (memchr(text + pos, '\0', n)) {
			snprintf(err, errlen,
				 "hist file %s line %d: contains a NUL byte",
				 path, lineno);
			return -EINVAL;
		}
		ret = hist_line(text + pos, text + pos + n, path, lineno, b,
				err, errlen);
		if (ret)
			return ret;
		pos += n + (nl != NULL);
	}
	return 0;
}

int sim_lat_hist_parse(const char *text, size_t len, const char *name,
		       struct sim_lat *m, char *err, size_t errlen)
{
	struct bins b = { 0 };
	uint64_t total = 0;
	size_t i = 0;
	int ret;

	memset(m, 0, sizeof(*m));
	m->kind = SIM_LAT_HIST;
	while (i < len && isspace((unsigned char)text[i]))
		i++;
	if (i < len && text[i] == '{') {
#ifdef HAVE_JANSSON
		ret = hist_from_json(text, len, name, &b, err, errlen);
#else
		snprintf(err, errlen, "hist file %s: JSON needs jansson", name);
		ret = -EINVAL;
#endif
	} else {
		ret = hist_from_text(text, len, name, &b, err, errlen);
	}
	if (!ret && !b.n) {
		snprintf(err, errlen, "hist file %s: no samples", name);
		ret = -EINVAL;
	}
	if (ret) {
		free(b.lo);
		free(b.hi);
		free(b.cnt);
		return ret;
	}
	for (size_t k = 0; k < b.n; k++) {
		total += b.cnt[k];
		b.cnt[k] = total;
	}
	m->nbins = b.n;
	m->lo = b.lo;
	m->hi = b.hi;
	m->cum = b.cnt;
	return 0;
}

static int hist_load(const char *path, struct sim_lat *m, char *err,
		     size_t errlen)
{
	char *text, msg[512];
	size_t len;
	int ret;

	ret = util_read_file(path, SIM_HIST_MAX_BYTES, &text, &len, msg,
			     sizeof(msg));
	if (ret) {
		snprintf(err, errlen, "hist file %s", msg);
		return ret == -ENOMEM ? ret : -EINVAL;
	}
	ret = sim_lat_hist_parse(text, len, path, m, err, errlen);
	free(text);
	return ret;
}

int sim_lat_parse(const char *model, struct sim_lat *m, char *err,
		  size_t errlen)
{
	const char *arg = strchr(model, ':');
	char buf[256], *sep;
	char *end;

	memset(m, 0, sizeof(*m));
	if (!arg || strlen(arg + 1) >= sizeof(buf))
		goto bad;
	strcpy(buf, arg + 1);
	if (strncmp(model, "fixed:", 6) == 0) {
		m->kind = SIM_LAT_FIXED;
		if (parse_dur(buf, &m->a_ns))
			goto bad;
		return 0;
	}
	if (strncmp(model, "uniform:", 8) == 0) {
		m->kind = SIM_LAT_UNIFORM;
		sep = strchr(buf, '-');
		if (!sep)
			goto bad;
		*sep = '\0';
		if (parse_dur(buf, &m->a_ns) || parse_dur(sep + 1, &m->b_ns) ||
		    m->b_ns < m->a_ns)
			goto bad;
		return 0;
	}
	if (strncmp(model, "lognormal:", 10) == 0) {
		m->kind = SIM_LAT_LOGNORMAL;
		sep = strchr(buf, ',');
		if (!sep)
			goto bad;
		*sep = '\0';
		if (parse_dur(buf, &m->a_ns) || m->a_ns <= 0)
			goto bad;
		errno = 0;
		m->sigma = strtod(sep + 1, &end);
		if (errno || end == sep + 1 || *end || !(m->sigma >= 0) ||
		    m->sigma > 10)
			goto bad;
		return 0;
	}
	if (strncmp(model, "hist:", 5) == 0) {
		m->kind = SIM_LAT_HIST;
		if (!buf[0])
			goto bad;
		return hist_load(buf, m, err, errlen);
	}
bad:
	snprintf(err, errlen,
		 "invalid latency model '%s': allowed fixed:L, uniform:A-B, lognormal:MEDIAN,SIGMA (SIGMA 0-10), hist:FILE (latencies up to 1h)",
		 model);
	return -EINVAL;
}

int64_t sim_lat_sample(const struct sim_lat *m, struct wl_rand *r)
{
	uint64_t u;
	size_t lo, hi;
	double v;

	switch (m->kind) {
	case SIM_LAT_FIXED:
		return m->a_ns;
	case SIM_LAT_UNIFORM:
		return m->a_ns +
		       (int64_t)wl_rand_below(r, (uint64_t)(m->b_ns - m->a_ns) + 1);
	case SIM_LAT_LOGNORMAL:
		v = (double)m->a_ns * exp(m->sigma * wl_rand_normal(r));
		return v > SIM_MAX_DUR_NS ? SIM_MAX_DUR_NS : (int64_t)v;
	case SIM_LAT_HIST:
		u = wl_rand_below(r, m->cum[m->nbins - 1]);
		/* First bin whose cumulative count exceeds u. */
		lo = 0;
		hi = m->nbins - 1;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (m->cum[mid] > u)
				hi = mid;
			else
				lo = mid + 1;
		}
		return m->lo[lo] +
		       (int64_t)wl_rand_below(r, (uint64_t)(m->hi[lo] -
							   m->lo[lo]) + 1);
	}
	return 0;
}

void sim_spec_free(struct sim_spec *s)
{
	free(s->lat.lo);
	free(s->lat.hi);
	free(s->lat.cum);
	s->lat.lo = s->lat.hi = NULL;
	s->lat.cum = NULL;
	s->lat.nbins = 0;
}

static int spec_set(struct sim_spec *s, const char *key, const char *val,
		    char *err, size_t errlen)
{
	const char *allowed;
	int64_t v;
	uint64_t u;
	char buf[128], *sep;

	if (strcmp(key, "lat") == 0) {
		sim_spec_free(s);
		return sim_lat_parse(val, &s->lat, err, errlen);
	} else if (strcmp(key, "channels") == 0) {
		allowed = "an integer 1-1024";
		if (wl_parse_int64(val, &v) || v < 1 || v > SIM_MAX_CHANNELS)
			goto bad;
		s->channels = (uint32_t)v;
	} else if (strcmp(key, "size") == 0) {
		allowed = "a size of at least 4k, like 1g";
		if (wl_parse_size(val, &u) || u < 4096)
			goto bad;
		s->size = u;
	} else if (strcmp(key, "lba") == 0) {
		allowed = "a power of two from 1 to 64k, like 512 or 4k";
		if (wl_parse_size(val, &u) || !u || u > 65536 || (u & (u - 1)))
			goto bad;
		s->lba = (uint32_t)u;
	} else if (strcmp(key, "err") == 0) {
		allowed = "a probability 0-1 or a percentage like 1%";
		if (parse_prob(val, &s->err_rate))
			goto bad;
	} else if (strcmp(key, "spike") == 0) {
		allowed = "PROBABILITY:LATENCY (up to 1h), like 0.001:2ms";
		if (strlen(val) >= sizeof(buf))
			goto bad;
		strcpy(buf, val);
		sep = strchr(buf, ':');
		if (!sep)
			goto bad;
		*sep = '\0';
		if (parse_prob(buf, &s->spike_prob) ||
		    parse_dur(sep + 1, &s->spike_ns))
			goto bad;
	} else if (strcmp(key, "stuck") == 0) {
		allowed = "a probability 0-1 or a percentage like 0.1%";
		if (parse_prob(val, &s->stuck_prob))
			goto bad;
	} else if (strcmp(key, "timeout") == 0) {
		allowed = "a duration above 0 up to 1h, like 10ms";
		if (parse_dur(val, &s->timeout_ns) || s->timeout_ns <= 0)
			goto bad;
	} else if (strcmp(key, "coalesce") == 0) {
		allowed = "COUNT:TIME with COUNT 1-255 and TIME up to 1h, "
			  "like 8:100us";
		if (strlen(val) >= sizeof(buf))
			goto bad;
		strcpy(buf, val);
		sep = strchr(buf, ':');
		if (!sep)
			goto bad;
		*sep = '\0';
		if (wl_parse_int64(buf, &v) || v < 1 || v > 255 ||
		    parse_dur(sep + 1, &s->coal_ns))
			goto bad;
		s->coal_count = (uint32_t)v;
	} else if (strcmp(key, "mode") == 0) {
		allowed = "inline, thread";
		if (strcmp(val, "inline") == 0)
			s->thread_mode = false;
		else if (strcmp(val, "thread") == 0)
			s->thread_mode = true;
		else
			goto bad;
	} else if (strcmp(key, "cpu") == 0) {
		allowed = "a CPU number 0-4095";
		if (wl_parse_int64(val, &v) || v < 0 || v > 4095)
			goto bad;
		s->cpu = (int)v;
	} else {
		snprintf(err, errlen,
			 "unknown sim target key '%s': allowed lat, channels, size, lba, err, spike, stuck, timeout, coalesce, mode, cpu",
			 key);
		return -EINVAL;
	}
	return 0;
bad:
	snprintf(err, errlen, "invalid value '%s' for sim target key %s: allowed %s",
		 val, key, allowed);
	return -EINVAL;
}

int sim_spec_parse(const char *target, struct sim_spec *s, char *err,
		   size_t errlen)
{
	char buf[1024], *tok, *save = NULL;
	char *key = NULL, val[1024];
	int ret = 0;

	memset(s, 0, sizeof(*s));
	s->lat.kind = SIM_LAT_FIXED;
	s->lat.a_ns = 15000;
	s->channels = 8;
	s->size = 1ULL << 30;
	s->lba = 512;
	s->timeout_ns = 10000000;
	s->cpu = -1;
	if (strncmp(target, "sim", 3) != 0 ||
	    (target[3] != '\0' && target[3] != ':')) {
		snprintf(err, errlen,
			 "invalid simnvme target '%s': allowed sim or sim:KEY=VALUE,... (e.g. sim:lat=fixed:15us,channels=8)",
			 target);
		return -EINVAL;
	}
	if (target[3] == '\0' || target[4] == '\0')
		return 0;
	if (strlen(target + 4) >= sizeof(buf)) {
		snprintf(err, errlen, "simnvme target too long");
		return -EINVAL;
	}
	strcpy(buf, target + 4);
	val[0] = '\0';
	/* Tokens without '=' continue the previous value (with the comma). */
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq) {
			if (!key) {
				snprintf(err, errlen,
					 "invalid simnvme target '%s': '%s' is not KEY=VALUE",
					 target, tok);
				ret = -EINVAL;
				goto out;
			}
			if (strlen(val) + strlen(tok) + 2 > sizeof(val)) {
				snprintf(err, errlen, "simnvme target too long");
				ret = -EINVAL;
				goto out;
			}
			strcat(val, ",");
			strcat(val, tok);
			continue;
		}
		if (key) {
			ret = spec_set(s, key, val, err, errlen);
			if (ret)
				goto out;
		}
		*eq = '\0';
		key = tok;
		snprintf(val, sizeof(val), "%s", eq + 1);
	}
	if (key)
		ret = spec_set(s, key, val, err, errlen);
out:
	if (ret)
		sim_spec_free(s);
	return ret;
}

int sim_dev_init(struct sim_dev *d, const struct sim_spec *spec,
		 uint64_t seed)
{
	memset(d, 0, sizeof(*d));
	d->spec = spec;
	wl_rand_seed(&d->rand, seed);
	d->chan_free = calloc(spec->channels, sizeof(*d->chan_free));
	d->cap = 64;
	d->q = malloc(d->cap * sizeof(*d->q));
	if (!d->chan_free || !d->q) {
		sim_dev_free(d);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < spec->channels; i++)
		d->chan_free[i] = INT64_MIN;
	return 0;
}

void sim_dev_free(struct sim_dev *d)
{
	free(d->chan_free);
	free(d->q);
	d->chan_free = NULL;
	d->q = NULL;
	d->n = d->cap = 0;
}

/* Insert keeping q sorted by deadline, latest first (earliest at the end). */
static int q_insert(struct sim_dev *d, const struct sim_cmd *c)
{
	size_t lo = 0, hi = d->n;

	if (d->n == d->cap) {
		struct sim_cmd *nq = realloc(d->q, 2 * d->cap * sizeof(*nq));

		if (!nq)
			return -ENOMEM;
		d->q = nq;
		d->cap *= 2;
	}
	/*
	 * First position whose deadline is <= c's: equal deadlines keep FIFO
	 * order because the newer one goes in front (popped later).
	 */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (d->q[mid].deadline > c->deadline)
			lo = mid + 1;
		else
			hi = mid;
	}
	memmove(&d->q[lo + 1], &d->q[lo], (d->n - lo) * sizeof(*d->q));
	d->q[lo] = *c;
	d->n++;
	return 0;
}

int64_t sim_dev_submit(struct sim_dev *d, int64_t now, uint64_t off,
		       uint32_t len, void *tag)
{
	const struct sim_spec *s = d->spec;
	struct sim_cmd c = { .tag = tag, .result = len };
	uint32_t ch = 0;
	int64_t start, lat;
	int ret;

	for (uint32_t i = 1; i < s->channels; i++)
		if (d->chan_free[i] < d->chan_free[ch])
			ch = i;
	start = d->chan_free[ch] > now ? d->chan_free[ch] : now;
	lat = sim_lat_sample(&s->lat, &d->rand);
	if (s->spike_prob > 0 && wl_rand_double(&d->rand) < s->spike_prob) {
		lat += s->spike_ns;
		d->spikes++;
	}
	if (!len || off % s->lba || len % s->lba || off >= s->size ||
	    len > s->size - off) {
		c.result = -EINVAL;
		d->invalid++;
	} else if (s->stuck_prob > 0 &&
		   wl_rand_double(&d->rand) < s->stuck_prob) {
		/* Lost by the device: no channel held, the host times it out. */
		c.result = -ETIMEDOUT;
		c.deadline = now + s->timeout_ns;
		d->stuck++;
		goto insert;
	} else if (s->err_rate > 0 &&
		   wl_rand_double(&d->rand) < s->err_rate) {
		c.result = -EIO;
	}
	c.deadline = start + lat;
	d->chan_free[ch] = c.deadline;
insert:
	ret = q_insert(d, &c);
	if (ret)
		return ret;
	d->submitted++;
	return c.deadline;
}

int64_t sim_dev_next_deadline(const struct sim_dev *d)
{
	return d->n ? d->q[d->n - 1].deadline : INT64_MAX;
}

int64_t sim_dev_irq_time(const struct sim_dev *d)
{
	const struct sim_spec *s = d->spec;
	int64_t first, nth;

	if (!d->n)
		return INT64_MAX;
	first = d->q[d->n - 1].deadline;
	if (!s->coal_count || s->coal_count == 1)
		return first;
	nth = d->n >= s->coal_count ? d->q[d->n - s->coal_count].deadline
				    : INT64_MAX;
	if (first + s->coal_ns < nth)
		return first + s->coal_ns;
	return nth;
}

bool sim_dev_pop(struct sim_dev *d, int64_t now, struct sim_cmd *out)
{
	if (!d->n || d->q[d->n - 1].deadline > now)
		return false;
	*out = d->q[--d->n];
	d->completed++;
	if (out->result < 0)
		d->errors++;
	return true;
}
