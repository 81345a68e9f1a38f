/* gen.c: request pattern and PRNG (see gen.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>

#include "workloads/gen.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void wl_rand_seed(struct wl_rand *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t wl_rand_u64(struct wl_rand *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint64_t wl_rand_below(struct wl_rand *r, uint64_t n)
{
	uint64_t limit, v;

	if (n <= 1)
		return 0;
	/* Reject the top partial range so every residue is equally likely. */
	limit = UINT64_MAX - UINT64_MAX % n;
	do {
		v = wl_rand_u64(r);
	} while (v >= limit);
	return v % n;
}

double wl_rand_double(struct wl_rand *r)
{
	return (double)(wl_rand_u64(r) >> 11) * 0x1.0p-53;
}

double wl_rand_normal(struct wl_rand *r)
{
	double u1, u2;

	/* Box-Muller; u1 in (0, 1] so log() is finite. */
	u1 = 1.0 - wl_rand_double(r);
	u2 = wl_rand_double(r);
	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

int wl_gen_init(struct wl_gen *g, const struct wl_job *job,
		uint64_t target_size, uint32_t align, uint64_t seed,
		char *err, size_t errlen)
{
	uint64_t span;

	if (!align)
		align = 1;
	if (!job->bs || job->bs % align) {
		snprintf(err, errlen,
			 "bs %u is not a multiple of the target's alignment %u",
			 job->bs, align);
		return -EINVAL;
	}
	if (job->offset % align) {
		snprintf(err, errlen,
			 "offset %llu is not a multiple of the target's alignment %u",
			 (unsigned long long)job->offset, align);
		return -EINVAL;
	}
	if (job->offset >= target_size) {
		snprintf(err, errlen, "offset %llu is past the target's %llu bytes",
			 (unsigned long long)job->offset,
			 (unsigned long long)target_size);
		return -EINVAL;
	}
	span = target_size - job->offset;
	if (job->size) {
		if (job->size > span) {
			snprintf(err, errlen,
				 "size %llu (from offset %llu) is larger than the target's %llu bytes",
				 (unsigned long long)job->size,
				 (unsigned long long)job->offset,
				 (unsigned long long)target_size);
			return -EINVAL;
		}
		span = job->size;
	}
	if (span < job->bs) {
		snprintf(err, errlen, "the range of %llu bytes holds no %u-byte block",
			 (unsigned long long)span, job->bs);
		return -EINVAL;
	}
	wl_rand_seed(&g->rand, seed);
	g->rw = job->rw;
	g->rwmixread = job->rwmixread;
	g->bs = job->bs;
	g->base = job->offset;
	g->nblocks = span / job->bs;
	g->next_blk = 0;
	return 0;
}

void wl_gen_next(struct wl_gen *g, struct wl_io *io)
{
	uint64_t blk;

	if (wl_rw_random(g->rw)) {
		blk = wl_rand_below(&g->rand, g->nblocks);
	} else {
		blk = g->next_blk++;
		if (g->next_blk >= g->nblocks)
			g->next_blk = 0;
	}
	io->offset = g->base + blk * g->bs;
	io->len = g->bs;
	switch (g->rw) {
	case WL_RW_RANDREAD:
	case WL_RW_READ:
		io->ddir = WL_DDIR_READ;
		break;
	case WL_RW_RANDWRITE:
	case WL_RW_WRITE:
		io->ddir = WL_DDIR_WRITE;
		break;
	case WL_RW_RANDRW:
		io->ddir = (int)wl_rand_below(&g->rand, 100) < g->rwmixread ?
			   WL_DDIR_READ : WL_DDIR_WRITE;
		break;
	}
}
