/*
 * measure.c: thread and process CPU time, and the host facts of a result
 * (read by affinity/host.h; see measure.h).
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "affinity/host.h"
#include "workloads/measure.h"

static int64_t ts_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

static int64_t tv_ns(const struct timeval *tv)
{
	return (int64_t)tv->tv_sec * 1000000000LL + tv->tv_usec * 1000LL;
}

void wl_cpu_sample_self(struct wl_cpu_sample *s)
{
	struct timespec ts;
	struct rusage ru;

	memset(s, 0, sizeof(*s));
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0)
		s->cpu_ns = ts_ns(&ts);
	if (getrusage(RUSAGE_THREAD, &ru) == 0) {
		s->usr_ns = tv_ns(&ru.ru_utime);
		s->sys_ns = tv_ns(&ru.ru_stime);
		s->vol_csw = ru.ru_nvcsw;
		s->invol_csw = ru.ru_nivcsw;
	}
	s->cpu = sched_getcpu();
}

/*
 * Fields 14 and 15 (utime, stime, in clock ticks) and 39 (processor) of a
 * stat line; the command name in field 2 may hold spaces, so parsing
 * starts after its closing parenthesis.
 */
static int parse_stat(const char *path, int64_t *utime, int64_t *stime,
		      int *cpu)
{
	char buf[1024];
	FILE *f = fopen(path, "r");
	size_t n;
	char *p, *save = NULL, *tok;
	int field = 3;
	long tick = sysconf(_SC_CLK_TCK);

	if (!f)
		return -errno;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p)
		return -EINVAL;
	if (tick <= 0)
		tick = 100;
	for (tok = strtok_r(p + 1, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save), field++) {
		if (field == 14)
			*utime = strtoll(tok, NULL, 10) * (1000000000LL / tick);
		else if (field == 15)
			*stime = strtoll(tok, NULL, 10) * (1000000000LL / tick);
		else if (field == 39 && cpu)
			*cpu = atoi(tok);
	}
	return field > 15 ? 0 : -EINVAL;
}

int wl_cpu_sample_thread(pthread_t thread, pid_t tid,
			 struct wl_cpu_sample *s)
{
	char path[128], line[256];
	clockid_t cid;
	struct timespec ts;
	FILE *f;
	int ret;

	memset(s, 0, sizeof(*s));
	s->cpu = -1;
	if (pthread_getcpuclockid(thread, &cid) == 0 &&
	    clock_gettime(cid, &ts) == 0)
		s->cpu_ns = ts_ns(&ts);
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	ret = parse_stat(path, &s->usr_ns, &s->sys_ns, &s->cpu);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "/proc/self/task/%d/status", (int)tid);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		long long v;

		if (sscanf(line, "voluntary_ctxt_switches: %lld", &v) == 1)
			s->vol_csw = v;
		else if (sscanf(line, "nonvoluntary_ctxt_switches: %lld",
				&v) == 1)
			s->invol_csw = v;
	}
	fclose(f);
	return 0;
}

int64_t wl_process_cpu_ns(void)
{
	int64_t u = 0, s = 0;

	if (parse_stat("/proc/self/stat", &u, &s, NULL))
		return 0;
	return u + s;
}

void wl_host_probe(struct wl_host *h)
{
	struct utsname u;

	memset(h, 0, sizeof(*h));
	if (uname(&u) == 0) {
		snprintf(h->hostname, sizeof(h->hostname), "%s", u.nodename);
		snprintf(h->kernel, sizeof(h->kernel), "%s", u.release);
	}
	aff_host_cpu_model(h->cpu_model, sizeof(h->cpu_model));
	h->cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	h->numa_nodes = aff_host_numa_nodes();
}
