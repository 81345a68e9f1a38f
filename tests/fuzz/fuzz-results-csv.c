/*
 * fuzz-results-csv.c: results.csv as plot, recommend and report load it
 * (results/row.c, results/load.c, results/summary.c). The input is one
 * directory's results.csv, loaded alone and then twice over (two
 * directories whose labels must still differ). An accepted table must
 * survive being written and read again.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "results/load.h"
#include "tests/fuzz/fuzz.h"

static void check_set(const struct res_set *s, int n)
{
	FUZZ_ASSERT(s->n == n);
	for (int i = 0; i < n; i++) {
		FUZZ_ASSERT(s->tables[i].n > 0);
		FUZZ_ASSERT(s->labels[i][0]);
		FUZZ_ASSERT(memchr(s->labels[i], '\0', RES_NAME_MAX));
		for (int k = 0; k < i; k++)
			FUZZ_ASSERT(strcmp(s->labels[i], s->labels[k]));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *csv = fuzz_path("in/results.csv");
	char dir[512];
	char *dirs[2] = { dir, dir };
	struct res_set s;
	char err[1024];
	int ret;

	fuzz_write(csv, data, size);
	snprintf(dir, sizeof(dir), "%s/in", fuzz_dir());
	err[0] = '\0';
	ret = res_set_load(&s, dirs, 1, err, sizeof(err));
	if (ret) {
		FUZZ_ASSERT(ret < 0 && err[0]);
		return 0;
	}
	check_set(&s, 1);
	fuzz_csv_roundtrip(s.tables[0].rows, s.tables[0].n);
	res_set_free(&s);

	ret = res_set_load(&s, dirs, 2, err, sizeof(err));
	if (ret)
		fuzz_fail("loads alone, not twice over: %s", err);
	check_set(&s, 2);
	res_set_free(&s);
	return 0;
}
