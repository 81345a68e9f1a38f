/*
 * stats.h: what a front end counts for one IOThread while the runner says
 * the measurement window is open (ramp excluded). Written only by the
 * thread that owns it; read by the runner after that thread stopped
 * counting (a BH in the IOThread, or after the guest thread was joined).
 */
#ifndef AIOTUNE_WORKLOADS_STATS_H
#define AIOTUNE_WORKLOADS_STATS_H

#include <stdint.h>

#include "workloads/hist.h"

struct wl_stats {
	uint64_t ios;        /* completed requests, errors included */
	uint64_t errors;     /* completed with result != len */
	uint64_t bytes;      /* bytes transferred by successful requests */
	uint64_t reads;
	uint64_t writes;
	uint64_t first_error; /* -result of the first error, 0 if none */
	struct wl_hist lat;  /* queue -> completion, ns */
	/*
	 * The same requests' latency in stages, where the engine stamps
	 * them (wl_io.submit_ns, reap_ns): queued -> submitted (held before
	 * the system call), submitted -> reaped (kernel, device and the
	 * wake-up), reaped -> completed (behind other completions).
	 */
	uint64_t staged;
	struct wl_hist hold, device, dispatch;
};

/* Zero everything. */
void wl_stats_reset(struct wl_stats *s);
/* Add src into dst (histograms merged). */
void wl_stats_merge(struct wl_stats *dst, const struct wl_stats *src);
/* Text for an error of a request (errno > 0); EILSEQ is a verify miss. */
const char *wl_io_error_name(int err);

#endif
