/*
 * fuzz-runjson.c: the run JSON `aiotune run --format json` prints, as the
 * sweep and report read it (results/runjson.c). An accepted run must give
 * a row that survives results.csv (the sweep writes it there).
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "results/runjson.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_str(data, size);
	json_t *run = NULL;
	struct res_row r;
	char err[1024];
	int ret;

	err[0] = '\0';
	ret = res_run_parse(text, &run, err, sizeof(err));
	free(text);
	if (ret) {
		FUZZ_ASSERT(ret < 0 && err[0]);
		return 0;
	}
	FUZZ_ASSERT(json_is_object(run));
	res_row_init(&r);
	ret = res_row_from_run(run, &r, err, sizeof(err));
	json_decref(run);
	if (ret) {
		FUZZ_ASSERT(ret < 0 && err[0]);
		return 0;
	}
	FUZZ_ASSERT(r.format_version == RES_FORMAT_VERSION);
	fuzz_csv_roundtrip(&r, 1);
	return 0;
}
