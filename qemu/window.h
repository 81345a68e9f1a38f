/*
 * window.h: the measured window of a QEMU run, on the host's clock. While
 * fio runs in the guest the host samples, every 20 ms, the disk's request
 * count (QMP query-blockstats) and QEMU's threads' CPU (/proc). The window
 * starts at the first sample after the first request plus the ramp time
 * and ends at the first sample a runtime later, or at the last sample in
 * which requests still completed; CPU and QEMU's trace events are taken
 * over it, as fio takes its figures over its own (the same span, timed by
 * the guest).
 */
#ifndef AIOTUNE_QEMU_WINDOW_H
#define AIOTUNE_QEMU_WINDOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qemu/proc.h"

struct qm_sample {
	int64_t t_us;          /* host wall clock */
	int64_t ops;           /* the disk's reads + writes so far */
	struct qm_cpu io, vcpu, proc;  /* IOThread, vCPUs, whole QEMU */
};

struct qm_window {
	size_t a, b;            /* the samples bounding it */
	int64_t io_start_us;    /* first request seen (0: none) */
	bool whole;             /* too short for ramp + runtime: the whole
				   span with requests */
};

/* The window over samples s[0..n) (s[0]: before the job was sent). */
void qm_find_window(int64_t ramp_ns, int64_t runtime_ns,
		    const struct qm_sample *s, size_t n, struct qm_window *w);

#endif
