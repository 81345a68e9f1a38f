/* proc.c: another process's thread CPU times from /proc (proc.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qemu/proc.h"

static int read_text(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

static void dir_of(char *buf, size_t size, pid_t pid, int tid)
{
	if (tid)
		snprintf(buf, size, "/proc/%d/task/%d", (int)pid, tid);
	else
		snprintf(buf, size, "/proc/%d", (int)pid);
}

int qm_proc_cpu(pid_t pid, int tid, struct qm_cpu *out)
{
	char dir[64], path[96], buf[4096], *p, *save = NULL, *t;
	long tick = sysconf(_SC_CLK_TCK);
	int field = 2, ret;
	long long v;

	memset(out, 0, sizeof(*out));
	out->cpu = -1;
	dir_of(dir, sizeof(dir), pid, tid);
	snprintf(path, sizeof(path), "%s/stat", dir);
	ret = read_text(path, buf, sizeof(buf));
	if (ret)
		return ret;
	/* The name may hold spaces: fields start after the last ')'. */
	p = strrchr(buf, ')');
	if (!p || tick <= 0)
		return -EINVAL;
	for (t = strtok_r(p + 1, " ", &save); t;
	     t = strtok_r(NULL, " ", &save)) {
		field++;
		v = atoll(t);
		if (field == 14)
			out->usr_ns = v * (1000000000LL / tick);
		else if (field == 15)
			out->sys_ns = v * (1000000000LL / tick);
		else if (field == 39)
			out->cpu = (int)v;
	}
	if (field < 15)
		return -EINVAL;
	out->run_ns = out->usr_ns + out->sys_ns;
	/* A process's schedstat is its main thread's: threads only. */
	snprintf(path, sizeof(path), "%s/schedstat", dir);
	if (tid && !read_text(path, buf, sizeof(buf)) && atoll(buf) > 0)
		out->run_ns = atoll(buf);
	snprintf(path, sizeof(path), "%s/status", dir);
	if (!read_text(path, buf, sizeof(buf))) {
		p = strstr(buf, "\nvoluntary_ctxt_switches:");
		if (p)
			out->vol_csw = atoll(strchr(p, ':') + 1);
		p = strstr(buf, "\nnonvoluntary_ctxt_switches:");
		if (p)
			out->invol_csw = atoll(strchr(p, ':') + 1);
	}
	return 0;
}

int qm_proc_comm(pid_t pid, int tid, char *buf, size_t size)
{
	char dir[64], path[96];
	int ret;

	dir_of(dir, sizeof(dir), pid, tid);
	snprintf(path, sizeof(path), "%s/comm", dir);
	ret = read_text(path, buf, size);
	if (ret)
		return ret;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}
