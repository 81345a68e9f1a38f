/*
 * console.h: what the guest says on its serial console. The guest's init
 * (qemu/guest-init.sh) answers the host with marker lines among whatever
 * else the console carries (kernel messages):
 *
 *   @@AIOTUNE READY UPTIME       ready for a command
 *   @@AIOTUNE START ID           fio is starting
 *   @@AIOTUNE BEGIN ID           fio's JSON follows, then
 *   @@AIOTUNE END ID RC BYTES    fio's exit status and the JSON's length
 *   @@AIOTUNE ERR ID TEXT        a line of fio's stderr
 *   @@AIOTUNE FAIL TEXT          the guest cannot serve
 *
 * Lines end in "\r\n" on a serial console; a "\r" before "\n" is ignored.
 */
#ifndef AIOTUNE_QEMU_CONSOLE_H
#define AIOTUNE_QEMU_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Whether text[from, len) holds a complete READY line; *after gets the
 * offset just past it.
 */
bool qm_console_ready(const char *text, size_t len, size_t from,
		      size_t *after);

/*
 * Whether text holds a complete FAIL line; its text (or the first ERR
 * line's, for id) goes to buf.
 */
bool qm_console_failed(const char *text, size_t len, char *buf, size_t size);

struct qm_console_result {
	int rc;          /* fio's exit status in the guest */
	char *json;      /* fio's JSON (malloc'ed, NUL-terminated) */
	size_t bytes;
	char err[512];   /* first ERR line of this id, or "" */
};

/*
 * The result of command id in text[from, len): 0 with *out filled (free
 * out->json); -EAGAIN when its END line has not come yet; -EBADMSG when
 * the lines are there but do not agree (no BEGIN before END, a length
 * other than END says: a garbled or interleaved console), with why.
 */
int qm_console_result(const char *text, size_t len, size_t from,
		      const char *id, struct qm_console_result *out,
		      char *why, size_t whylen);

/*
 * The last n lines of the console text that are not markers, joined by
 * " | " into buf (for a failure's message).
 */
void qm_console_tail(const char *text, size_t len, int n, char *buf,
		     size_t size);

#endif
