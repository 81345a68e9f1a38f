/* cpuset.c: fixed-size CPU bitmaps and the Linux cpulist syntax. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "affinity/affinity.h"

#define WORDS (AFF_MAX_CPUS / 64)

void aff_cpuset_zero(struct aff_cpuset *s)
{
	memset(s, 0, sizeof(*s));
}

int aff_cpuset_set(struct aff_cpuset *s, int cpu)
{
	if (cpu < 0 || cpu >= AFF_MAX_CPUS)
		return -EINVAL;
	s->bits[cpu / 64] |= 1ULL << (cpu % 64);
	return 0;
}

bool aff_cpuset_isset(const struct aff_cpuset *s, int cpu)
{
	if (cpu < 0 || cpu >= AFF_MAX_CPUS)
		return false;
	return s->bits[cpu / 64] & (1ULL << (cpu % 64));
}

bool aff_cpuset_equal(const struct aff_cpuset *a, const struct aff_cpuset *b)
{
	return memcmp(a->bits, b->bits, sizeof(a->bits)) == 0;
}

bool aff_cpuset_empty(const struct aff_cpuset *s)
{
	for (int i = 0; i < WORDS; i++)
		if (s->bits[i])
			return false;
	return true;
}

int aff_cpuset_count(const struct aff_cpuset *s)
{
	int n = 0;

	for (int i = 0; i < WORDS; i++)
		n += __builtin_popcountll(s->bits[i]);
	return n;
}

int aff_cpuset_next(const struct aff_cpuset *s, int prev)
{
	for (int c = prev + 1; c < AFF_MAX_CPUS; c++) {
		uint64_t w = s->bits[c / 64] >> (c % 64);

		if (!w) {
			c = (c / 64 + 1) * 64 - 1; /* skip to the next word */
			continue;
		}
		return c + __builtin_ctzll(w);
	}
	return -1;
}

int aff_cpuset_first(const struct aff_cpuset *s)
{
	return aff_cpuset_next(s, -1);
}

void aff_cpuset_and(struct aff_cpuset *d, const struct aff_cpuset *a,
		    const struct aff_cpuset *b)
{
	for (int i = 0; i < WORDS; i++)
		d->bits[i] = a->bits[i] & b->bits[i];
}

/* One decimal CPU number at *p; advances *p. */
static int parse_cpu(const char **p, int *cpu)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)**p))
		return -EINVAL;
	errno = 0;
	v = strtol(*p, &end, 10);
	if (errno == ERANGE || v >= AFF_MAX_CPUS)
		return -ERANGE;
	*p = end;
	*cpu = (int)v;
	return 0;
}

int aff_cpuset_parse(const char *s, struct aff_cpuset *out)
{
	const char *p = s;
	int ret;

	aff_cpuset_zero(out);
	if (!s || !*s)
		return -EINVAL;
	for (;;) {
		int lo, hi;

		ret = parse_cpu(&p, &lo);
		if (ret)
			return ret;
		hi = lo;
		if (*p == '-') {
			p++;
			ret = parse_cpu(&p, &hi);
			if (ret)
				return ret;
			if (hi < lo)
				return -EINVAL;
		}
		for (int c = lo; c <= hi; c++)
			aff_cpuset_set(out, c);
		if (*p == '\0')
			return 0;
		if (*p != ',')
			return -EINVAL;
		p++;
	}
}

int aff_cpuset_format(const struct aff_cpuset *s, char *buf, size_t len)
{
	size_t used = 0;
	int c = aff_cpuset_first(s);

	if (!len)
		return -ENOSPC;
	buf[0] = '\0';
	while (c >= 0) {
		int end = c, n;

		while (aff_cpuset_isset(s, end + 1))
			end++;
		if (end == c)
			n = snprintf(buf + used, len - used, "%s%d",
				     used ? "," : "", c);
		else
			n = snprintf(buf + used, len - used, "%s%d-%d",
				     used ? "," : "", c, end);
		if (n < 0 || (size_t)n >= len - used)
			return -ENOSPC;
		used += (size_t)n;
		c = aff_cpuset_next(s, end);
	}
	return 0;
}
