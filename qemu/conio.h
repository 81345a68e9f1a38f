/*
 * conio.h: the guest's serial console, a socket of QEMU's (server, one
 * client at a time; everything it carries is also in the session's
 * console.log). What the guest says accumulates in text; console.h reads
 * its markers.
 */
#ifndef AIOTUNE_QEMU_CONIO_H
#define AIOTUNE_QEMU_CONIO_H

#include <stddef.h>

#include "qemu/vm.h"

struct qm_con {
	int fd;
	char *text;     /* what was read, NUL-terminated */
	size_t len, cap;
};

/*
 * Connect to dir/console.sock, retrying up to timeout_ms while it does
 * not exist yet; -ESRCH as soon as vm (NULL: not checked) has exited,
 * -ETIMEDOUT with why.
 */
int qm_con_connect(struct qm_con *c, const char *dir, const struct qm_vm *vm,
		   int timeout_ms, char *why, size_t whylen);
/* Append what the console has, waiting up to ms. 0 or -errno (closed). */
int qm_con_read(struct qm_con *c, int ms);
/* Send s to the guest. 0 or -errno. */
int qm_con_send(struct qm_con *c, const char *s);
void qm_con_close(struct qm_con *c);
/* The last lines of dir/console.log, joined (for a failure's message). */
void qm_con_log_tail(const char *dir, char *buf, size_t size);

#endif
