/*
 * gen.h: the request pattern of a job: offsets (random or sequential,
 * aligned to bs within [offset, offset + size)), direction (rw and
 * rwmixread) and a small fast PRNG shared by the engines that sample
 * (simnvme latencies). Pure code: no clock, no syscall.
 */
#ifndef AIOTUNE_WORKLOADS_GEN_H
#define AIOTUNE_WORKLOADS_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "workloads/engine.h"
#include "workloads/job.h"

/* xoshiro256** state. */
struct wl_rand {
	uint64_t s[4];
};

/* Seed (any value, including 0) through splitmix64. */
void wl_rand_seed(struct wl_rand *r, uint64_t seed);
uint64_t wl_rand_u64(struct wl_rand *r);
/* Uniform in [0, n) (n > 0), without modulo bias. */
uint64_t wl_rand_below(struct wl_rand *r, uint64_t n);
/* Uniform double in [0, 1). */
double wl_rand_double(struct wl_rand *r);
/* Standard normal deviate. */
double wl_rand_normal(struct wl_rand *r);

struct wl_gen {
	struct wl_rand rand;
	enum wl_rw rw;
	int rwmixread;
	uint32_t bs;
	uint64_t base;      /* first byte */
	uint64_t nblocks;   /* bs-sized blocks in the range */
	uint64_t next_blk;  /* sequential cursor */
};

/*
 * Prepare the pattern of job over a target of target_size bytes whose
 * offsets must be multiples of align. 0, or -EINVAL with err when bs is
 * not a multiple of align, or the range is empty or past the target.
 */
int wl_gen_init(struct wl_gen *g, const struct wl_job *job,
		uint64_t target_size, uint32_t align, uint64_t seed,
		char *err, size_t errlen);
/* Fill io->offset, io->len and io->ddir for the next request. */
void wl_gen_next(struct wl_gen *g, struct wl_io *io);

#endif
