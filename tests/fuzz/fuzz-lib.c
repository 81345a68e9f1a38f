/* fuzz-lib.c: helpers shared by the fuzz targets (see fuzz.h). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "results/row.h"
#include "tests/fuzz/fuzz.h"

#define MAX_PATHS 16

static char dir[256];
static char paths[MAX_PATHS][320];
static int npaths;
static char subdirs[MAX_PATHS][320];
static int nsubdirs;

void fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("fuzz: invariant broken: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

char *fuzz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		fuzz_fail("out of memory");
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

static void cleanup(void)
{
	for (int i = 0; i < npaths; i++)
		unlink(paths[i]);
	for (int i = nsubdirs - 1; i >= 0; i--)
		rmdir(subdirs[i]);
	if (dir[0])
		rmdir(dir);
}

const char *fuzz_dir(void)
{
	const char *tmp = getenv("TMPDIR");

	if (dir[0])
		return dir;
	snprintf(dir, sizeof(dir), "%s/aiotune-fuzz-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		fuzz_fail("mkdtemp %s: %s", dir, strerror(errno));
	atexit(cleanup);
	return dir;
}

const char *fuzz_path(const char *name)
{
	char full[320];
	const char *slash = strchr(name, '/');

	snprintf(full, sizeof(full), "%s/%s", fuzz_dir(), name);
	for (int i = 0; i < npaths; i++)
		if (!strcmp(paths[i], full))
			return paths[i];
	if (npaths == MAX_PATHS || nsubdirs == MAX_PATHS)
		fuzz_fail("more than %d scratch files", MAX_PATHS);
	if (slash) {
		snprintf(subdirs[nsubdirs], sizeof(subdirs[0]), "%s/%.*s",
			 dir, (int)(slash - name), name);
		if (mkdir(subdirs[nsubdirs], 0700) && errno != EEXIST)
			fuzz_fail("mkdir %s: %s", subdirs[nsubdirs],
				  strerror(errno));
		nsubdirs++;
	}
	snprintf(paths[npaths], sizeof(paths[0]), "%s", full);
	return paths[npaths++];
}

/*
 * A new file each time: truncating one makes ext4 write it back on close
 * (auto_da_alloc), which is most of a run's time.
 */
static FILE *create(const char *path)
{
	unlink(path);
	return fopen(path, "wb");
}

void fuzz_write(const char *path, const void *data, size_t size)
{
	FILE *f = create(path);

	if (!f || fwrite(data, 1, size, f) != size || fclose(f))
		fuzz_fail("cannot write %s: %s", path, strerror(errno));
}

/* Whether b is what the CSV writer and reader make of a. */
static bool same_dbl(double a, double b)
{
	if (isnan(a))
		return isnan(b);
	/* Infinity: written as such, or as not measured (empty). */
	if (isinf(a))
		return a == b || isnan(b);
	/* 6 decimals, then strtod's rounding of a large value. */
	return fabs(a - b) <= 1e-6 + 1e-15 * fabs(a);
}

void fuzz_csv_roundtrip(const struct res_row *rows, size_t n)
{
	const char *path = fuzz_path("rt/results.csv");
	struct res_table back = { 0 };
	const struct res_col *cols;
	FILE *f = create(path);
	size_t ncols;
	char err[512];
	int ret;

	/* res_csv_save's writer, without its fsync. */
	if (!f)
		fuzz_fail("cannot write %s: %s", path, strerror(errno));
	res_csv_write_header(f);
	for (size_t i = 0; i < n; i++)
		res_csv_write_row(f, &rows[i]);
	if (fclose(f))
		fuzz_fail("cannot write %s: %s", path, strerror(errno));
	ret = res_csv_load(path, &back, err, sizeof(err));
	if (ret)
		fuzz_fail("a results.csv the writer made does not load: %s",
			  err);
	if (back.n != n)
		fuzz_fail("%zu rows written, %zu read back", n, back.n);
	cols = res_cols(&ncols);
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < ncols; k++) {
			const struct res_col *c = &cols[k];
			const char *a = (const char *)&rows[i] + c->off;
			const char *b = (const char *)&back.rows[i] + c->off;
			double x = res_row_num(&rows[i], c);
			double y = res_row_num(&back.rows[i], c);

			if (c->type == RES_COL_STR && strcmp(a, b))
				fuzz_fail("row %zu column %s: '%s' written, "
					  "'%s' read back", i, c->name, a, b);
			if (c->type == RES_COL_I64 &&
			    *(const int64_t *)a != *(const int64_t *)b)
				fuzz_fail("row %zu column %s: %lld written, "
					  "%lld read back", i, c->name,
					  (long long)*(const int64_t *)a,
					  (long long)*(const int64_t *)b);
			if (c->type == RES_COL_DBL && !same_dbl(x, y))
				fuzz_fail("row %zu column %s: %.17g written, "
					  "%.17g read back", i, c->name, x, y);
		}
	}
	res_table_free(&back);
}
