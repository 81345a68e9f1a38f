/*
 * fio-import.h: turning fio's JSON output (--output-format=json) into run
 * objects of docs/run-json.md, one per fio job (or per client of a
 * client/server run), so fio results go through the same CSV, plots and
 * recommendation as aiotune's own. What fio does not measure (polling
 * window, loop counters) is left out.
 */
#ifndef AIOTUNE_RESULTS_FIO_IMPORT_H
#define AIOTUNE_RESULTS_FIO_IMPORT_H

#include <stddef.h>

#include <jansson.h>

/*
 * Convert a parsed fio document: *runs gets a new array of run objects
 * (may be empty only if every job was an aggregate). -EINVAL with err
 * when doc is not fio output (no "jobs" or "client_stats" array, or a
 * job without "read"/"write" objects).
 */
int res_fio_import_doc(json_t *doc, json_t **runs, char *err, size_t errlen);
/*
 * Parse and convert a fio JSON document of len bytes (text need not end
 * in a NUL). Text before the first '{' (fio warnings) is skipped. -EINVAL
 * with err "not JSON ..." or "not fio JSON ...".
 */
int res_fio_import_buf(const char *text, size_t len, json_t **runs, char *err,
		       size_t errlen);
/*
 * Read (a regular file of at most RES_READ_MAX bytes) and convert a fio
 * JSON file. -EINVAL, -EFBIG or -errno with err naming the file.
 */
int res_fio_import_file(const char *path, json_t **runs, char *err,
			size_t errlen);

#endif
