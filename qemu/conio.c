/* conio.c: the guest's serial console over QEMU's socket (conio.h). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "qemu/conio.h"
#include "qemu/console.h"
#include "util/sock.h"

int qm_con_connect(struct qm_con *c, const char *dir, const struct qm_vm *vm,
		   int timeout_ms, char *why, size_t whylen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timespec ts = { 0, 10000000 };
	int waited = 0;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/console.sock", dir);
	for (;;) {
		c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (c->fd < 0)
			return -errno;
		if (!connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)))
			return 0;
		close(c->fd);
		c->fd = -1;
		if (vm && !qm_vm_alive(vm))
			return -ESRCH;
		if (waited >= timeout_ms) {
			snprintf(why, whylen, "QEMU's console %s did not open",
				 sa.sun_path);
			return -ETIMEDOUT;
		}
		nanosleep(&ts, NULL);
		waited += 10;
	}
}

int qm_con_read(struct qm_con *c, int ms)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	ssize_t n;

	if (poll(&pfd, 1, ms) <= 0)
		return 0;
	if (c->cap - c->len < 4096) {
		size_t cap = c->cap ? 2 * c->cap : 65536;
		char *t = realloc(c->text, cap);

		if (!t)
			return -ENOMEM;
		c->text = t;
		c->cap = cap;
	}
	n = read(c->fd, c->text + c->len, c->cap - c->len - 1);
	if (n == 0)
		return -ECONNRESET;
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -errno;
	c->len += (size_t)n;
	c->text[c->len] = '\0';
	return 0;
}

int qm_con_send(struct qm_con *c, const char *s)
{
	return util_send_all(c->fd, s, strlen(s));
}

void qm_con_close(struct qm_con *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->text);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

void qm_con_log_tail(const char *dir, char *buf, size_t size)
{
	char path[QM_PATH_MAX + 32], *text = NULL;
	size_t len = 0, cap = 0;
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/console.log", dir);
	f = fopen(path, "r");
	if (!f)
		return;
	for (;;) {
		char *t;
		size_t n;

		if (cap - len < 65536) {
			t = realloc(text, cap + 65536);
			if (!t)
				break;
			text = t;
			cap += 65536;
		}
		n = fread(text + len, 1, cap - len, f);
		if (!n)
			break;
		len += n;
	}
	fclose(f);
	if (text)
		qm_console_tail(text, len, 3, buf, size);
	free(text);
}
