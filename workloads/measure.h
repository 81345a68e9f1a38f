/*
 * measure.h: CPU accounting for one thread and the whole process, and the
 * facts about the host recorded with every result.
 */
#ifndef AIOTUNE_WORKLOADS_MEASURE_H
#define AIOTUNE_WORKLOADS_MEASURE_H

#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>

struct wl_cpu_sample {
	int64_t cpu_ns;     /* CLOCK_THREAD_CPUTIME_ID or the thread's clock */
	int64_t usr_ns;
	int64_t sys_ns;
	int64_t vol_csw;
	int64_t invol_csw;
	int cpu;            /* CPU last run on, -1 if unknown */
};

/*
 * The calling thread: CLOCK_THREAD_CPUTIME_ID and getrusage(RUSAGE_THREAD)
 * (microsecond usr/sys, switch counts), sched_getcpu().
 */
void wl_cpu_sample_self(struct wl_cpu_sample *s);
/*
 * Another thread of this process: its CPU clock (pthread_getcpuclockid),
 * usr/sys ticks from /proc/self/task/TID/stat, switches from .../status.
 * 0 or -errno (a thread that exited).
 */
int wl_cpu_sample_thread(pthread_t thread, pid_t tid,
			 struct wl_cpu_sample *s);
/* The process: utime + stime from /proc/self/stat, in ns. */
int64_t wl_process_cpu_ns(void);

struct wl_host {
	char hostname[128];
	char kernel[128];
	char cpu_model[128];
	int cpus;
	int numa_nodes;
};

/*
 * Fill h: uname, the CPU model and NUMA node count (affinity/host.h; ""
 * and 1 when unknown), the online CPUs.
 */
void wl_host_probe(struct wl_host *h);

#endif
