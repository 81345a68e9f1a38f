/* job.c: job defaults and the rw names. */
#include <errno.h>
#include <string.h>

#include "loop/iothread.h"
#include "workloads/job.h"

static const char *const rw_names[] = {
	[WL_RW_RANDREAD] = "randread",
	[WL_RW_RANDWRITE] = "randwrite",
	[WL_RW_READ] = "read",
	[WL_RW_WRITE] = "write",
	[WL_RW_RANDRW] = "randrw",
};

#define NR_RW (sizeof(rw_names) / sizeof(rw_names[0]))

void wl_job_init(struct wl_job *job)
{
	memset(job, 0, sizeof(*job));
	strcpy(job->engine, "simnvme");
	strcpy(job->target, "sim:lat=fixed:15us");
	job->rw = WL_RW_RANDREAD;
	job->rwmixread = 50;
	job->bs = 4096;
	job->iodepth = 1;
	job->runtime_ns = 10000000000LL;
	job->ramp_ns = 2000000000LL;
	job->iothreads = 1;
	strcpy(job->frontend, "direct");
	strcpy(job->guest_think, "0");
	job->poll_max_ns = IOTHREAD_POLL_MAX_NS_DEFAULT;
	strcpy(job->poll_policy, "qemu");
	strcpy(job->fdmon, "auto");
	strcpy(job->placement, "none");
	strcpy(job->uring_taskrun, "coop");
	strcpy(job->uring_ring, "auto");
	strcpy(job->ring_flags, "auto");
	job->direct = true;
	job->seed = 0x61696f74756e65ULL; /* "aiotune" */
	job->format = WL_FORMAT_TEXT;
}

bool wl_rw_writes(enum wl_rw rw)
{
	return rw == WL_RW_RANDWRITE || rw == WL_RW_WRITE ||
	       rw == WL_RW_RANDRW;
}

bool wl_rw_random(enum wl_rw rw)
{
	return rw == WL_RW_RANDREAD || rw == WL_RW_RANDWRITE ||
	       rw == WL_RW_RANDRW;
}

const char *wl_rw_name(enum wl_rw rw)
{
	if ((unsigned int)rw >= NR_RW)
		return "?";
	return rw_names[rw];
}

int wl_rw_parse(const char *s, enum wl_rw *out)
{
	for (size_t i = 0; s && i < NR_RW; i++) {
		if (strcmp(s, rw_names[i]) == 0) {
			*out = (enum wl_rw)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *wl_rw_names(void)
{
	return "randread, randwrite, read, write, randrw";
}
