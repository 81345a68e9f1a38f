/* console.c: the guest's marker lines on the serial console (console.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu/console.h"

#define MARK "@@AIOTUNE "

/* Next complete line in [*p, end): its start and length without "\r\n". */
static bool next_line(const char **p, const char *end, const char **s,
		      size_t *n)
{
	const char *nl;

	if (!*p || *p >= end)
		return false;
	nl = memchr(*p, '\n', (size_t)(end - *p));
	if (!nl)
		return false;
	*s = *p;
	*n = (size_t)(nl - *p);
	while (*n && (*s)[*n - 1] == '\r')
		(*n)--;
	*p = nl + 1;
	return true;
}

/* Whether line [s, s+n) is marker kind ("READY") for id (NULL: any). */
static bool is_mark(const char *s, size_t n, const char *kind,
		    const char *id, const char **rest)
{
	size_t ml = strlen(MARK), kl = strlen(kind), il = id ? strlen(id) : 0;
	const char *q;

	/* The marker may follow console noise on the same line. */
	q = memmem(s, n, MARK, ml);
	if (!q)
		return false;
	n -= (size_t)(q - s);
	s = q + ml;
	n -= ml;
	if (n < kl || memcmp(s, kind, kl) || (n > kl && s[kl] != ' '))
		return false;
	s += kl;
	n -= kl;
	if (id) {
		if (n < il + 1 || s[0] != ' ' || memcmp(s + 1, id, il) ||
		    (n > il + 1 && s[il + 1] != ' '))
			return false;
		s += il + 1;
	}
	if (rest)
		*rest = *s == ' ' ? s + 1 : s;
	return true;
}

bool qm_console_ready(const char *text, size_t len, size_t from,
		      size_t *after)
{
	const char *p, *end, *s;
	size_t n;

	if (!text)
		return false;
	p = text + (from < len ? from : len);
	end = text + len;
	while (next_line(&p, end, &s, &n)) {
		if (is_mark(s, n, "READY", NULL, NULL)) {
			*after = (size_t)(p - text);
			return true;
		}
	}
	return false;
}

static void copy_rest(char *buf, size_t size, const char *rest,
		      const char *s, size_t n)
{
	size_t k = (size_t)(s + n - rest);

	if (k >= size)
		k = size - 1;
	memcpy(buf, rest, k);
	buf[k] = '\0';
}

bool qm_console_failed(const char *text, size_t len, char *buf, size_t size)
{
	const char *p = text, *end, *s, *rest;
	size_t n;

	if (!text)
		return false;
	end = text + len;
	while (next_line(&p, end, &s, &n)) {
		if (is_mark(s, n, "FAIL", NULL, &rest)) {
			copy_rest(buf, size, rest, s, n);
			return true;
		}
	}
	return false;
}

int qm_console_result(const char *text, size_t len, size_t from,
		      const char *id, struct qm_console_result *out,
		      char *why, size_t whylen)
{
	const char *p, *end, *s, *rest, *body = NULL;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (!text)
		return -EAGAIN;
	p = text + (from < len ? from : len);
	end = text + len;
	while (next_line(&p, end, &s, &n)) {
		if (!out->err[0] && is_mark(s, n, "ERR", id, &rest)) {
			copy_rest(out->err, sizeof(out->err), rest, s, n);
		} else if (is_mark(s, n, "BEGIN", id, NULL)) {
			body = p;
		} else if (is_mark(s, n, "END", id, &rest)) {
			char tail[64], *e;
			long rc;
			unsigned long long bytes;
			size_t blen, k = 0;
			char *json;

			copy_rest(tail, sizeof(tail), rest, s, n);
			rc = strtol(tail, &e, 10);
			if (e == tail || *e != ' ')
				goto bad_end;
			bytes = strtoull(e + 1, &e, 10);
			if (*e)
				goto bad_end;
			if (!body) {
				snprintf(why, whylen, "the console has END %s "
					 "without BEGIN (garbled)", id);
				return -EBADMSG;
			}
			/* The body: lines between BEGIN and END, "\r" out. */
			blen = (size_t)(s - body);
			json = malloc(blen + 1);
			if (!json) {
				snprintf(why, whylen, "out of memory");
				return -ENOMEM;
			}
			for (size_t i = 0; i < blen; i++)
				if (body[i] != '\r' ||
				    (i + 1 < blen && body[i + 1] != '\n'))
					json[k++] = body[i];
			/* The guest's echo adds one newline after the file. */
			if (k && json[k - 1] == '\n')
				k--;
			json[k] = '\0';
			if (k != bytes) {
				free(json);
				snprintf(why, whylen, "fio's JSON for %s is %zu "
					 "bytes on the console, the guest sent "
					 "%llu (garbled or interleaved)", id, k,
					 bytes);
				return -EBADMSG;
			}
			out->rc = (int)rc;
			out->json = json;
			out->bytes = k;
			return 0;
bad_end:
			snprintf(why, whylen, "the console's END line for %s is "
				 "garbled", id);
			return -EBADMSG;
		}
	}
	return -EAGAIN;
}

void qm_console_tail(const char *text, size_t len, int nlines, char *buf,
		     size_t size)
{
	const char *end, *p;
	int found = 0;
	size_t k = 0;

	buf[0] = '\0';
	if (!text || !len)
		return;
	end = text + len;
	p = end;
	/* Walk back over nlines non-empty lines. */
	while (p > text && found < nlines) {
		const char *q = p;

		while (q > text && (q[-1] == '\n' || q[-1] == '\r'))
			q--;
		if (q == text)
			break;
		while (q > text && q[-1] != '\n')
			q--;
		p = q;
		found++;
	}
	while (p < end && k + 1 < size) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		while (n && (p[n - 1] == '\r' || p[n - 1] == ' '))
			n--;
		if (n) {
			int w = snprintf(buf + k, size - k, "%s%.*s",
					 k ? " | " : "", (int)n, p);

			if (w < 0 || (size_t)w >= size - k) {
				buf[size - 1] = '\0';
				return;
			}
			k += (size_t)w;
		}
		p = nl ? nl + 1 : end;
	}
}
