/*
 * fuzz-fio-import.c: fio JSON output (results/fio-import.c) as `aiotune
 * import-fio` reads it. Every run an accepted file gives must be a run
 * object the results reader takes (results/runjson.c), with the job
 * settings import-fio promises (engine fio-*, iodepth, numjobs and bs of
 * at least 1), and its row must survive results.csv.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "results/fio-import.h"
#include "results/runjson.h"
#include "tests/fuzz/fuzz.h"

#define MAX_ROWS 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_path("fio.json");
	struct res_row rows[MAX_ROWS];
	json_t *runs = NULL, *run;
	char err[1024];
	size_t i, n = 0;
	int ret;

	fuzz_write(path, data, size);
	err[0] = '\0';
	ret = res_fio_import_file(path, &runs, err, sizeof(err));
	if (ret) {
		FUZZ_ASSERT(ret < 0 && err[0]);
		FUZZ_ASSERT(!runs);
		return 0;
	}
	FUZZ_ASSERT(json_is_array(runs));
	json_array_foreach(runs, i, run) {
		struct res_row r;

		res_row_init(&r);
		if (res_row_from_run(run, &r, err, sizeof(err)))
			fuzz_fail("fio job %zu: imported, then refused: %s",
				  i, err);
		FUZZ_ASSERT(!strncmp(r.engine, "fio-", 4));
		FUZZ_ASSERT(r.rw[0]);
		FUZZ_ASSERT(r.bs_bytes >= 1);
		FUZZ_ASSERT(r.iodepth >= 1);
		FUZZ_ASSERT(r.iothreads >= 1);
		if (n < MAX_ROWS)
			rows[n++] = r;
	}
	json_decref(runs);
	if (n)
		fuzz_csv_roundtrip(rows, n);
	return 0;
}
