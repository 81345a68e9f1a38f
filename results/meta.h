/*
 * meta.json: what a results directory says about itself. Every writer of
 * one (`aiotune sweep`, `aiotune fio`, `aiotune import-fio`) starts from
 * the same header, built here: format_version (RES_FORMAT_VERSION), tool,
 * the aiotune version and git revision, the command line and the start
 * time; each then adds its own (a sweep: host, devices, sessions; an
 * import: the files it read).
 */
#ifndef AIOTUNE_RESULTS_META_H
#define AIOTUNE_RESULTS_META_H

#include <jansson.h>

/*
 * A new meta.json object holding the header, command_line and start_time
 * (ISO 8601, res_prov_utc_now) as given. NULL when out of memory.
 */
json_t *res_meta_new(const char *command_line, const char *start_time);

#endif
