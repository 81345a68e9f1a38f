/* units.c: fio-style sizes, durations and counts (units.h). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "workloads/units.h"

int wl_parse_int64(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (!s || !*s || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

/* Split "123abc" into a non-negative number and a suffix. */
static int split_number(const char *s, double *num, uint64_t *inum,
			const char **suffix)
{
	char *end;

	if (!s || !*s || !(isdigit((unsigned char)*s) || *s == '.'))
		return -EINVAL;
	errno = 0;
	*inum = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end == '.') {
		*num = strtod(s, &end);
		*inum = 0;
	} else {
		*num = (double)*inum;
	}
	*suffix = end;
	return 0;
}

static int scale_u64(uint64_t v, uint64_t mult, uint64_t *out)
{
	if (mult && v > UINT64_MAX / mult)
		return -ERANGE;
	*out = v * mult;
	return 0;
}

static int size_mult(const char *suf, uint64_t *mult)
{
	static const struct { const char *s; uint64_t m; } tab[] = {
		{ "", 1 }, { "b", 1 },
		{ "k", 1ULL << 10 }, { "kb", 1ULL << 10 }, { "kib", 1ULL << 10 },
		{ "m", 1ULL << 20 }, { "mb", 1ULL << 20 }, { "mib", 1ULL << 20 },
		{ "g", 1ULL << 30 }, { "gb", 1ULL << 30 }, { "gib", 1ULL << 30 },
		{ "t", 1ULL << 40 }, { "tb", 1ULL << 40 }, { "tib", 1ULL << 40 },
	};

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		if (strcasecmp(suf, tab[i].s) == 0) {
			*mult = tab[i].m;
			return 0;
		}
	}
	return -EINVAL;
}

int wl_parse_size(const char *s, uint64_t *out)
{
	double num;
	uint64_t inum, mult;
	const char *suf;
	int ret = split_number(s, &num, &inum, &suf);

	if (ret)
		return ret;
	if (size_mult(suf, &mult))
		return -EINVAL;
	if (inum == 0 && num != 0) {
		if (num * (double)mult > 1.8e19)
			return -ERANGE;
		*out = (uint64_t)(num * (double)mult);
		return 0;
	}
	return scale_u64(inum, mult, out);
}

int wl_parse_count(const char *s, int64_t *out)
{
	uint64_t v;
	int ret;

	if (s && *s == '-')
		return -EINVAL;
	ret = wl_parse_size(s, &v);
	if (ret)
		return ret;
	if (v > INT64_MAX)
		return -ERANGE;
	*out = (int64_t)v;
	return 0;
}

int wl_parse_duration_ns(const char *s, int64_t default_unit_ns,
			 int64_t *out)
{
	static const struct { const char *s; int64_t ns; } tab[] = {
		{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 },
		{ "s", 1000000000LL }, { "m", 60000000000LL },
		{ "h", 3600000000000LL },
	};
	double num;
	uint64_t inum, r;
	const char *suf;
	int64_t mult = -1;
	int ret = split_number(s, &num, &inum, &suf);

	if (ret)
		return ret;
	if (!*suf) {
		mult = default_unit_ns;
	} else if (default_unit_ns == 1 && (strcasecmp(suf, "k") == 0)) {
		mult = 1024; /* 32k in an ns flag means 32768 */
	} else {
		for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
			if (strcasecmp(suf, tab[i].s) == 0)
				mult = tab[i].ns;
	}
	if (mult < 0)
		return -EINVAL;
	if (inum == 0 && num != 0) {
		if (num * (double)mult > 9.2e18)
			return -ERANGE;
		*out = (int64_t)(num * (double)mult);
		return 0;
	}
	ret = scale_u64(inum, (uint64_t)mult, &r);
	if (ret || r > INT64_MAX)
		return -ERANGE;
	*out = (int64_t)r;
	return 0;
}
