/*
 * atomic.h: crash-safe file output for results. A file is written to a
 * temporary name in the same directory, fsync'ed, renamed over the final
 * name and the directory fsync'ed, so a reader (or a resumed sweep) sees
 * either the old file or the whole new one, never a torn one.
 */
#ifndef AIOTUNE_RESULTS_ATOMIC_H
#define AIOTUNE_RESULTS_ATOMIC_H

#include <stdbool.h>
#include <stddef.h>

#include "util/file.h"

/*
 * The largest results file read (results.csv, meta.json, runs/<id>.json,
 * a fio JSON document): 64 MiB, some 100 000 rows of results.csv (a row
 * is about 600 bytes; the committed sweeps have 150 rows in 110 KiB) and
 * 400 times the largest run JSON committed (results/ref/uring-taskrun-ref,
 * 146 KiB).
 */
#define RES_READ_MAX (64 * UTIL_MIB)

/*
 * Write len bytes of buf as path, atomically, through a temporary file of
 * a name no other write uses (path.tmp.<pid>.<n>). 0 or -errno.
 */
int res_write_atomic(const char *path, const void *buf, size_t len);
/* mkdir -p path (mode 0755). 0 or -errno. */
int res_mkdirs(const char *path);
/*
 * Read a whole regular file of at most RES_READ_MAX bytes into a
 * NUL-terminated malloc'ed buffer (util_read_file). 0 or -errno (-EINVAL
 * when it is not a regular file, -EFBIG when larger).
 */
int res_read_file(const char *path, char **out, size_t *len);
/*
 * The last non-empty line of a file (trailing spaces dropped), for a
 * one-line failure message; "" when the file cannot be read.
 */
void res_last_line(const char *path, char *buf, size_t size);
/*
 * buf = "a/b". 0, -ENAMETOOLONG (buf then holds a truncated path) or
 * -EINVAL when a is empty (buf then is ""; "/b" would be at the root).
 */
int res_join(char *buf, size_t size, const char *a, const char *b);
/* Whether path exists (any type). */
bool res_path_exists(const char *path);

#endif
