/*
 * units.h: the fio-style numbers every job option, sweep list and job file
 * is written in, in one place: `aiotune run`, the sweep and job files
 * share them.
 */
#ifndef AIOTUNE_WORKLOADS_UNITS_H
#define AIOTUNE_WORKLOADS_UNITS_H

#include <stdint.h>

/*
 * fio-style numbers. Sizes: 4k, 1m, 2g (powers of 1024), plain bytes.
 * Durations to ns: 10s, 500ms, 20us, 100ns, 1m (minute); a bare number is
 * in default_unit_ns (1e9 for --runtime, 1 for *-ns flags). Counts in ns
 * flags also take k/m suffixes (32k = 32768). All return 0 or -EINVAL
 * (-ERANGE on overflow).
 */
int wl_parse_size(const char *s, uint64_t *out);
int wl_parse_duration_ns(const char *s, int64_t default_unit_ns,
			 int64_t *out);
int wl_parse_int64(const char *s, int64_t *out);
/* An integer that may use k/m/g suffixes (x1024): 32k -> 32768. */
int wl_parse_count(const char *s, int64_t *out);

#endif
