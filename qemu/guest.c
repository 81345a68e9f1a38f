/* guest.c: the guest image, from scripts/qemu-guest.sh (guest.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qemu/guest.h"
#include "util/datadir.h"
#include "util/util.h"

/* scripts/qemu-guest.sh: given, AIOTUNE_SCRIPTS, or a data file. */
static int find_script(const char *override, char *buf, size_t size)
{
	const char *env = getenv("AIOTUNE_SCRIPTS");

	if (override && override[0]) {
		snprintf(buf, size, "%s", override);
		return access(buf, R_OK) ? -ENOENT : 0;
	}
	if (env && *env) {
		snprintf(buf, size, "%s/qemu-guest.sh", env);
		return access(buf, R_OK) ? -ENOENT : 0;
	}
	return util_data_find("scripts/qemu-guest.sh", buf, size);
}

void qm_last_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	char line[1024];

	buf[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] && snprintf(buf, size, "%s", line) >= (int)size)
			buf[size - 1] = '\0';
	}
	fclose(f);
}

int qm_guest_image(const char *script, struct qm_guest *g, char *why,
		   size_t whylen)
{
	char path[PATH_MAX], cmd[3 * PATH_MAX], line[2048], errf[64];
	char last[512];
	FILE *p;
	int st, fd;

	memset(g, 0, sizeof(*g));
	if (find_script(script, path, sizeof(path))) {
		snprintf(why, whylen, "no guest image: scripts/qemu-guest.sh "
			 "not found (set AIOTUNE_SCRIPTS)");
		return -ENOENT;
	}
	if (strchr(path, '\'')) {
		snprintf(why, whylen, "the path %s has a quote", path);
		return -EINVAL;
	}
	snprintf(errf, sizeof(errf), "/tmp/aiotune-guest-XXXXXX");
	fd = mkstemp(errf);
	if (fd < 0) {
		snprintf(why, whylen, "cannot create a file in /tmp: %s",
			 strerror(errno));
		return -errno;
	}
	close(fd);
	snprintf(cmd, sizeof(cmd), "sh '%s' 2>'%s'", path, errf);
	p = popen(cmd, "r");
	if (!p) {
		unlink(errf);
		snprintf(why, whylen, "cannot run %s", path);
		return -EIO;
	}
	while (fgets(line, sizeof(line), p)) {
		char *eq = strchr(line, '=');

		line[strcspn(line, "\n")] = '\0';
		if (!eq)
			continue;
		*eq++ = '\0';
		if (!strcmp(line, "kernel"))
			snprintf(g->kernel, sizeof(g->kernel), "%s", eq);
		else if (!strcmp(line, "initrd"))
			snprintf(g->initrd, sizeof(g->initrd), "%s", eq);
		else if (!strcmp(line, "kernel_version"))
			snprintf(g->kernel_version, sizeof(g->kernel_version),
				 "%s", eq);
		else if (!strcmp(line, "kernel_package"))
			snprintf(g->kernel_package, sizeof(g->kernel_package),
				 "%s", eq);
	}
	st = pclose(p);
	qm_last_line(errf, last, sizeof(last));
	unlink(errf);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0 ||
	    !g->kernel[0] || !g->initrd[0]) {
		snprintf(why, whylen, "%s", last[0] ? last :
			 "no guest image: scripts/qemu-guest.sh failed");
		return WIFEXITED(st) && WEXITSTATUS(st) == 3 ? -ENOENT : -EIO;
	}
	snprintf(g->cache, sizeof(g->cache), "%s", g->kernel);
	/* cache/kernel-V/vmlinux -> cache */
	for (int i = 0; i < 2; i++) {
		char *s = strrchr(g->cache, '/');

		if (s)
			*s = '\0';
	}
	return 0;
}
