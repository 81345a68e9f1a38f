/*
 * qmp.h: a small QMP client (QEMU's machine protocol) over a unix
 * socket: connect, leave capabilities negotiation, run commands. Replies
 * are one JSON object a line; asynchronous events in between are skipped.
 */
#ifndef AIOTUNE_QEMU_QMP_H
#define AIOTUNE_QEMU_QMP_H

#include <stddef.h>

#include <jansson.h>

struct qm_qmp {
	int fd;
	char buf[65536];
	size_t len;
	char version[64];   /* "7.2.22", from the greeting */
};

/*
 * Connect to the QMP socket at path, retrying for up to timeout_ms while
 * it does not exist yet; read the greeting and send qmp_capabilities.
 * 0, -ETIMEDOUT, or -errno, with why.
 */
int qm_qmp_connect(struct qm_qmp *q, const char *path, int timeout_ms,
		   char *why, size_t whylen);
/*
 * Run cmd with args (NULL: none; the reference is taken) and wait up to
 * timeout_ms for its reply: 0 with *ret the "return" value (a new
 * reference; ret may be NULL), -EREMOTEIO with QEMU's error text in why,
 * -ETIMEDOUT, or -errno.
 */
int qm_qmp_cmd(struct qm_qmp *q, const char *cmd, json_t *args,
	       json_t **ret, int timeout_ms, char *why, size_t whylen);
void qm_qmp_close(struct qm_qmp *q);

/*
 * Parse one reply line of QMP: 0 with *ret for a "return", 1 for an
 * event (ignored), -EREMOTEIO with the error's description in why, or
 * -EBADMSG when the line is not a QMP message.
 */
int qm_qmp_parse_reply(const char *line, json_t **ret, char *why,
		       size_t whylen);

#endif
