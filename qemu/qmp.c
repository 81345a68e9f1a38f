/* qmp.c: QMP over a unix socket (qmp.h). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "qemu/qmp.h"
#include "util/sock.h"

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int qm_qmp_parse_reply(const char *line, json_t **ret, char *why,
		       size_t whylen)
{
	json_t *o = json_loads(line, 0, NULL), *v;

	if (!json_is_object(o)) {
		json_decref(o);
		snprintf(why, whylen, "QEMU sent a line that is not QMP: "
			 "%.80s", line);
		return -EBADMSG;
	}
	if (json_object_get(o, "event")) {
		json_decref(o);
		return 1;
	}
	v = json_object_get(o, "error");
	if (json_is_object(v)) {
		const char *d = json_string_value(json_object_get(v, "desc"));

		snprintf(why, whylen, "%s", d ? d : "an error without text");
		json_decref(o);
		return -EREMOTEIO;
	}
	v = json_object_get(o, "return");
	if (!v) {
		snprintf(why, whylen, "QEMU sent a QMP message without "
			 "\"return\": %.80s", line);
		json_decref(o);
		return -EBADMSG;
	}
	if (ret)
		*ret = json_incref(v);
	json_decref(o);
	return 0;
}

/* Read one line into line (NUL-terminated) by deadline. 0 or -errno. */
static int read_line(struct qm_qmp *q, char *line, size_t size,
		     int64_t deadline)
{
	for (;;) {
		char *nl = memchr(q->buf, '\n', q->len);
		struct pollfd pfd = { .fd = q->fd, .events = POLLIN };
		int64_t left;
		ssize_t n;

		if (nl) {
			size_t k = (size_t)(nl - q->buf);

			if (k >= size)
				return -EMSGSIZE;
			memcpy(line, q->buf, k);
			line[k] = '\0';
			memmove(q->buf, nl + 1, q->len - k - 1);
			q->len -= k + 1;
			return 0;
		}
		if (q->len == sizeof(q->buf))
			return -EMSGSIZE;
		left = deadline - now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		n = poll(&pfd, 1, (int)left);
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n <= 0)
			continue;
		n = read(q->fd, q->buf + q->len, sizeof(q->buf) - q->len);
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			return -errno;
		if (n == 0)
			return -ECONNRESET;
		if (n > 0)
			q->len += (size_t)n;
	}
}

int qm_qmp_cmd(struct qm_qmp *q, const char *cmd, json_t *args,
	       json_t **ret, int timeout_ms, char *why, size_t whylen)
{
	int64_t deadline = now_ms() + timeout_ms;
	json_t *msg = json_object();
	char *text, line[sizeof(q->buf)];
	int r;

	json_object_set_new(msg, "execute", json_string(cmd));
	if (args)
		json_object_set_new(msg, "arguments", args);
	text = json_dumps(msg, JSON_COMPACT);
	json_decref(msg);
	if (!text) {
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	r = util_send_all(q->fd, text, strlen(text));
	if (!r)
		r = util_send_all(q->fd, "\n", 1);
	free(text);
	if (r) {
		snprintf(why, whylen, "QMP %s: cannot send: %s", cmd,
			 strerror(-r));
		return r;
	}
	for (;;) {
		char w2[256];

		r = read_line(q, line, sizeof(line), deadline);
		if (r) {
			snprintf(why, whylen, "QMP %s: no reply: %s", cmd,
				 r == -ETIMEDOUT ? "timed out" : strerror(-r));
			return r;
		}
		r = qm_qmp_parse_reply(line, ret, w2, sizeof(w2));
		if (r == 1)
			continue;
		if (r)
			snprintf(why, whylen, "QMP %s: %s", cmd, w2);
		return r;
	}
}

int qm_qmp_connect(struct qm_qmp *q, const char *path, int timeout_ms,
		   char *why, size_t whylen)
{
	int64_t deadline = now_ms() + timeout_ms;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char line[sizeof(q->buf)];
	json_t *g, *v;
	int r;

	memset(q, 0, sizeof(*q));
	q->fd = -1;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(why, whylen, "the QMP socket path %s is too long",
			 path);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	for (;;) {
		struct timespec ts = { 0, 20000000 };

		q->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (q->fd < 0) {
			r = -errno;
			snprintf(why, whylen, "socket: %s", strerror(errno));
			return r;
		}
		if (!connect(q->fd, (struct sockaddr *)&sa, sizeof(sa)))
			break;
		r = -errno;
		close(q->fd);
		q->fd = -1;
		if ((r != -ENOENT && r != -ECONNREFUSED) ||
		    now_ms() >= deadline) {
			snprintf(why, whylen, "cannot connect to QMP at %s: %s",
				 path, strerror(-r));
			return r == -ENOENT || r == -ECONNREFUSED ?
			       -ETIMEDOUT : r;
		}
		nanosleep(&ts, NULL);
	}
	r = read_line(q, line, sizeof(line), deadline);
	if (r) {
		snprintf(why, whylen, "no QMP greeting from %s: %s", path,
			 strerror(-r));
		qm_qmp_close(q);
		return r;
	}
	g = json_loads(line, 0, NULL);
	v = json_object_get(json_object_get(json_object_get(g, "QMP"),
					    "version"), "qemu");
	if (!json_is_object(v)) {
		json_decref(g);
		snprintf(why, whylen, "%s does not speak QMP", path);
		qm_qmp_close(q);
		return -EPROTO;
	}
	snprintf(q->version, sizeof(q->version), "%lld.%lld.%lld",
		 (long long)json_integer_value(json_object_get(v, "major")),
		 (long long)json_integer_value(json_object_get(v, "minor")),
		 (long long)json_integer_value(json_object_get(v, "micro")));
	json_decref(g);
	r = qm_qmp_cmd(q, "qmp_capabilities", NULL, NULL,
		       (int)(deadline - now_ms() > 1000 ?
			     deadline - now_ms() : 1000), why, whylen);
	if (r)
		qm_qmp_close(q);
	return r;
}

void qm_qmp_close(struct qm_qmp *q)
{
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
	q->len = 0;
}
