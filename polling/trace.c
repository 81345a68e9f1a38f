/* trace.c: reading event-gap traces ("<gap_ns> [handler]" per line). */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "polling/simulate.h"
#include "util/file.h"

static int find_or_add_id(struct poll_trace *t, int64_t id, uint32_t *idx)
{
	int64_t *ids;

	for (size_t i = 0; i < t->nids; i++) {
		if (t->ids[i] == id) {
			*idx = (uint32_t)i;
			return 0;
		}
	}
	if (t->nids >= POLL_TRACE_MAX_HANDLERS)
		return -E2BIG;
	ids = realloc(t->ids, (t->nids + 1) * sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	t->ids = ids;
	t->ids[t->nids] = id;
	*idx = (uint32_t)t->nids++;
	return 0;
}

int poll_trace_add(struct poll_trace *t, int64_t gap_ns, int64_t id)
{
	uint32_t idx;
	int ret;

	if (gap_ns < 0 || gap_ns > POLL_TRACE_MAX_GAP || id < 0)
		return -EINVAL;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 1024;
		struct poll_trace_event *ev = realloc(t->ev, cap * sizeof(*ev));

		if (!ev)
			return -ENOMEM;
		t->ev = ev;
		t->cap = cap;
	}
	ret = find_or_add_id(t, id, &idx);
	if (ret < 0)
		return ret;
	t->ev[t->n].gap_ns = gap_ns;
	t->ev[t->n].handler = idx;
	t->n++;
	return 0;
}

void poll_trace_free(struct poll_trace *t)
{
	free(t->ev);
	free(t->ids);
	memset(t, 0, sizeof(*t));
}

static int fail(char *err, size_t errlen, size_t line, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(err, errlen, "line %zu: ", line);
	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* A non-negative decimal integer, at most max; -EINVAL or -ERANGE. */
static int parse_uint(const char *s, int64_t max, int64_t *out)
{
	int64_t v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		if (v > (max - (*s - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return 0;
}

static char *next_field(char **p)
{
	char *s = *p, *start;

	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	if (!*s) {
		*p = s;
		return NULL;
	}
	start = s;
	while (*s && *s != ' ' && *s != '\t' && *s != '\r')
		s++;
	if (*s)
		*s++ = '\0';
	*p = s;
	return start;
}

static int parse_line(struct poll_trace *t, char *buf, size_t line,
		      char *err, size_t errlen)
{
	char *p = buf, *gap_s, *id_s, *extra, *hash = strchr(buf, '#');
	int64_t gap, id = 0;
	int ret;

	if (hash)
		*hash = '\0';
	gap_s = next_field(&p);
	if (!gap_s)
		return 0; /* blank or comment */
	id_s = next_field(&p);
	extra = next_field(&p);
	if (extra)
		return fail(err, errlen, line,
			    "unexpected third field '%.40s' (expected '<gap_ns> [handler]')",
			    extra);
	ret = parse_uint(gap_s, POLL_TRACE_MAX_GAP, &gap);
	if (ret == -ERANGE)
		return fail(err, errlen, line,
			    "gap '%.40s' is out of range (at most %lld ns)",
			    gap_s, (long long)POLL_TRACE_MAX_GAP);
	if (ret < 0)
		return fail(err, errlen, line,
			    "gap '%.40s' is not a non-negative integer number of ns",
			    gap_s);
	if (id_s) {
		ret = parse_uint(id_s, INT32_MAX, &id);
		if (ret < 0)
			return fail(err, errlen, line,
				    "handler '%.40s' is not an integer in [0, %d]",
				    id_s, INT32_MAX);
	}
	ret = poll_trace_add(t, gap, id);
	if (ret == -E2BIG)
		return fail(err, errlen, line,
			    "more than %d distinct handlers",
			    POLL_TRACE_MAX_HANDLERS);
	return ret;
}

int poll_trace_parse(const char *text, size_t len, struct poll_trace *t,
		     char *err, size_t errlen)
{
	char *buf = NULL;
	size_t cap = 0, line = 0, pos = 0;
	int ret = 0;

	if (errlen)
		err[0] = '\0';
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;

		line++;
		if (memchr(text + pos, '\0', n)) {
			ret = fail(err, errlen, line, "contains a NUL byte");
			break;
		}
		if (n + 1 > cap) {
			char *nb = realloc(buf, n + 1);

			if (!nb) {
				ret = -ENOMEM;
				snprintf(err, errlen, "out of memory");
				break;
			}
			buf = nb;
			cap = n + 1;
		}
		memcpy(buf, text + pos, n);
		buf[n] = '\0';
		pos += n + (nl != NULL);
		ret = parse_line(t, buf, line, err, errlen);
		if (ret < 0)
			break;
	}
	free(buf);
	if (!ret && t->n == 0) {
		snprintf(err, errlen, "no events (expected lines '<gap_ns> [handler]')");
		ret = -ENODATA;
	}
	return ret;
}

int poll_trace_read(FILE *fp, struct poll_trace *t, char *err, size_t errlen)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap);
	int ret;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		size_t got;

		if (n > POLL_TRACE_MAX_BYTES) {
			snprintf(err, errlen, "larger than %zu MiB",
				 POLL_TRACE_MAX_BYTES >> 20);
			free(buf);
			return -EFBIG;
		}
		if (n == cap) {
			/* Room for one byte over the limit, no more. */
			size_t nc = cap * 2 > POLL_TRACE_MAX_BYTES + 1 ?
				    POLL_TRACE_MAX_BYTES + 1 : cap * 2;
			char *nb = realloc(buf, nc);

			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap = nc;
		}
		got = fread(buf + n, 1, cap - n, fp);
		n += got;
		if (!got)
			break;
	}
	if (ferror(fp)) {
		free(buf);
		snprintf(err, errlen, "read error");
		return -EIO;
	}
	ret = poll_trace_parse(buf, n, t, err, errlen);
	free(buf);
	return ret;
}

int poll_trace_load(const char *path, struct poll_trace *t, char *err,
		    size_t errlen)
{
	char *text, msg[256];
	size_t len;
	int ret;

	ret = util_read_file(path, POLL_TRACE_MAX_BYTES, &text, &len, err,
			     errlen);
	if (ret)
		return ret;
	ret = poll_trace_parse(text, len, t, msg, sizeof(msg));
	free(text);
	if (ret)
		snprintf(err, errlen, "%s: %s", path, msg);
	return ret;
}
