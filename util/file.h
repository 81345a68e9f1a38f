/*
 * file.h: reading a file a user named. Every reader of such a file
 * (imports, traces, topologies, histograms, results, job files) goes
 * through here, so none can block on a FIFO, read a device forever or
 * swallow a file larger than it can use: the file is opened
 * O_RDONLY|O_NONBLOCK, must be a regular file, and is read up to a limit
 * the caller states. util/ includes nothing of aiotune: every module may
 * use it.
 *
 * Messages are one line naming the file: "PATH: not a regular file",
 * "PATH: larger than 64 MiB", "PATH: No such file or directory".
 */
#ifndef AIOTUNE_UTIL_FILE_H
#define AIOTUNE_UTIL_FILE_H

#include <stddef.h>

#define UTIL_MIB ((size_t)1 << 20)

/*
 * Open path read-only without blocking (a FIFO without a writer opens at
 * once) and check it is a regular file. The fd (O_CLOEXEC), -EINVAL with
 * "PATH: not a regular file" in err for anything else, or -errno.
 */
int util_open_regular(const char *path, char *err, size_t errlen);

/*
 * Read fd to its end into a malloc'ed buffer with a NUL after the data
 * (*len bytes, NULs inside kept; len may be NULL). A non-blocking fd is
 * waited on. -EFBIG with "NAME: larger than N MiB" when it holds more than
 * max bytes (then at most max + 1 bytes were read), -errno otherwise.
 */
int util_read_fd(int fd, const char *name, size_t max, char **out,
		 size_t *len, char *err, size_t errlen);

/* util_open_regular, util_read_fd and close. 0 or -errno with err. */
int util_read_file(const char *path, size_t max, char **out, size_t *len,
		   char *err, size_t errlen);

#endif
