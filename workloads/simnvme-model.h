/*
 * simnvme-model.h: the simulated NVMe device, pure part (no clock, no
 * syscall, no loop): target syntax, latency models, channels and the
 * completion queue ordered by deadline. engine-simnvme.c wraps it in an
 * engine; tests drive it with made-up times.
 *
 * Target syntax:  sim:KEY=VALUE,KEY=VALUE,...  (a bare "sim" takes every
 * default). A token without '=' continues the previous value, so
 * "lat=lognormal:20us,0.3" keeps its comma. Keys:
 *   lat=fixed:L | uniform:A-B | lognormal:MEDIAN,SIGMA | hist:FILE
 *                         service latency per command (default fixed:15us)
 *   channels=N            commands served at once (default 8)
 *   size=SIZE             capacity (default 1g)
 *   lba=SIZE              logical block: offsets and lengths must be
 *                         multiples (default 512)
 *   err=P                 probability (0..1, or N%) a command fails (EIO)
 *   spike=P:LAT           probability P of LAT extra latency
 *   stuck=P               probability a command is lost; the host times it
 *                         out after timeout=DUR (default 10ms): ETIMEDOUT
 *   coalesce=N:TIME       interrupt after N completions or TIME after the
 *                         first pending one (NVMe aggregation); polling
 *                         sees each completion at its deadline regardless
 *   mode=inline|thread    deadlines checked in the IOThread (default) or by
 *                         a busy-waiting device thread
 *   cpu=N                 CPU of the device thread (thread mode)
 * hist:FILE is a run JSON written by aiotune (result.hist is sampled) or a
 * text file of lines "LATENCY [COUNT]" (LATENCY with a unit, ns if none).
 * Every duration (latencies, spike, timeout, coalescing time) is at most
 * SIM_MAX_DUR_NS and a lognormal sample is cut there, so deadlines (a
 * clock reading plus queued latencies) never overflow an int64.
 *
 * Deadline of a command submitted at now: max(now, when the first channel
 * frees) + sampled latency (+ spike); that channel is busy until then.
 */
#ifndef AIOTUNE_WORKLOADS_SIMNVME_MODEL_H
#define AIOTUNE_WORKLOADS_SIMNVME_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "workloads/gen.h"

enum sim_lat_kind {
	SIM_LAT_FIXED,
	SIM_LAT_UNIFORM,
	SIM_LAT_LOGNORMAL,
	SIM_LAT_HIST,
};

struct sim_lat {
	enum sim_lat_kind kind;
	int64_t a_ns;          /* fixed value, uniform low, lognormal median */
	int64_t b_ns;          /* uniform high */
	double sigma;          /* lognormal */
	/* hist: bins [lo, hi] with cumulative counts. */
	size_t nbins;
	int64_t *lo, *hi;
	uint64_t *cum;
};

#define SIM_MAX_CHANNELS 1024
#define SIM_MAX_DUR_NS 3600000000000LL	/* 1 h */

struct sim_spec {
	struct sim_lat lat;
	uint32_t channels;
	uint64_t size;
	uint32_t lba;
	double err_rate;
	double spike_prob;
	int64_t spike_ns;
	double stuck_prob;
	int64_t timeout_ns;
	uint32_t coal_count;   /* 0 = no coalescing */
	int64_t coal_ns;
	bool thread_mode;
	int cpu;               /* -1 = not pinned */
};

/* Parse "sim:..." into s (defaults first). 0 or -EINVAL with err. */
int sim_spec_parse(const char *target, struct sim_spec *s, char *err,
		   size_t errlen);
/* Parse a latency model alone ("fixed:15us"). 0 or -EINVAL with err. */
int sim_lat_parse(const char *model, struct sim_lat *m, char *err,
		  size_t errlen);
/*
 * The largest hist: file read: 64 MiB (a run JSON with its histogram is
 * under 150 KiB; a text histogram needs a line per distinct latency).
 */
#define SIM_HIST_MAX_BYTES ((size_t)64 << 20)
/*
 * A hist: model from the len bytes of text (a run JSON or "LATENCY
 * [COUNT]" lines), name naming it in messages. 0 or -EINVAL with err.
 */
int sim_lat_hist_parse(const char *text, size_t len, const char *name,
		       struct sim_lat *m, char *err, size_t errlen);
/* One latency sample in ns (>= 0). */
int64_t sim_lat_sample(const struct sim_lat *m, struct wl_rand *r);
/* Free what a hist model allocated. */
void sim_spec_free(struct sim_spec *s);

struct sim_cmd {
	int64_t deadline;
	int64_t result;        /* len or -errno */
	void *tag;
};

struct sim_dev {
	const struct sim_spec *spec;
	struct wl_rand rand;
	int64_t *chan_free;    /* per channel: busy until */
	struct sim_cmd *q;     /* outstanding, sorted by deadline, latest first */
	size_t n, cap;
	/* Counters since init. */
	uint64_t submitted, completed, errors, invalid, spikes, stuck;
};

/* 0 or -ENOMEM. spec must outlive dev. */
int sim_dev_init(struct sim_dev *d, const struct sim_spec *spec,
		 uint64_t seed);
void sim_dev_free(struct sim_dev *d);
/*
 * Accept a command at time now. An unaligned or out-of-range command is
 * accepted too and fails with -EINVAL at its deadline (counted in
 * invalid). Returns its deadline, or -ENOMEM.
 */
int64_t sim_dev_submit(struct sim_dev *d, int64_t now, uint64_t off,
		       uint32_t len, void *tag);
/* Earliest deadline, or INT64_MAX when nothing is outstanding. */
int64_t sim_dev_next_deadline(const struct sim_dev *d);
/* When the interrupt fires (coalescing applied), or INT64_MAX. */
int64_t sim_dev_irq_time(const struct sim_dev *d);
/* Pop the earliest command if its deadline <= now; false otherwise. */
bool sim_dev_pop(struct sim_dev *d, int64_t now, struct sim_cmd *out);

#endif
