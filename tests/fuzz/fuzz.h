/*
 * fuzz.h: what the libFuzzer targets in tests/fuzz/ share. Each target
 * defines LLVMFuzzerTestOneInput (libFuzzer calls it once per input) and
 * turns a broken invariant into an abort, which libFuzzer reports as a
 * crash and saves as a reproducer. make fuzz builds and runs them
 * (tests/fuzz/run.sh).
 */
#ifndef AIOTUNE_TESTS_FUZZ_H
#define AIOTUNE_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "results/row.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Print "fuzz: invariant broken: ..." and abort. */
void fuzz_fail(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));

#define FUZZ_ASSERT(cond)                                                   \
	do {                                                                \
		if (!(cond))                                                \
			fuzz_fail("%s:%d: %s", __FILE__, __LINE__, #cond);  \
	} while (0)

/* data as a NUL-terminated malloc'ed string (aborts when out of memory). */
char *fuzz_str(const uint8_t *data, size_t size);
/*
 * This process's scratch directory ($TMPDIR or /tmp), made on first use
 * and removed at exit with the files made through fuzz_path.
 */
const char *fuzz_dir(void);
/* fuzz_dir()/name (name may hold one subdirectory, made here). */
const char *fuzz_path(const char *name);
/* Replace the file at path with data. Aborts on an I/O error. */
void fuzz_write(const char *path, const void *data, size_t size);
/*
 * Write rows as a results.csv with the sweep's writer, read it back with
 * its reader and abort unless every column survived: strings and integers
 * exactly, measurements within the writer's 6 decimals, NaN (empty) as
 * NaN.
 */
void fuzz_csv_roundtrip(const struct res_row *rows, size_t n);

#endif
