/*
 * proc.h: CPU time of another process's threads, from /proc (QEMU's
 * IOThread and vCPU threads): user and system time, time on a CPU, the
 * context switches and the CPU it last ran on.
 */
#ifndef AIOTUNE_QEMU_PROC_H
#define AIOTUNE_QEMU_PROC_H

#include <stdint.h>
#include <sys/types.h>

struct qm_cpu {
	int64_t usr_ns, sys_ns;   /* utime, stime (clock ticks, as ns) */
	int64_t run_ns;           /* schedstat: on a CPU (ns), else usr+sys */
	int64_t vol_csw, invol_csw;
	int cpu;                  /* last CPU, -1 unknown */
};

/* Thread tid of process pid (tid 0: the whole process). 0 or -errno. */
int qm_proc_cpu(pid_t pid, int tid, struct qm_cpu *out);
/* Its name (comm, e.g. "IO io0", "CPU 0/TCG"), or -errno. */
int qm_proc_comm(pid_t pid, int tid, char *buf, size_t size);

#endif
