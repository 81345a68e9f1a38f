/* meta.c: the header every meta.json starts with (meta.h). */
#include "results/meta.h"
#include "results/row.h"
#include "util/version.h"

json_t *res_meta_new(const char *command_line, const char *start_time)
{
	return json_pack("{s:i, s:s, s:s, s:s, s:s, s:s}",
			 "format_version", RES_FORMAT_VERSION,
			 "tool", "aiotune",
			 "version", util_version(),
			 "git", util_git_rev(),
			 "command_line", command_line,
			 "start_time", start_time);
}
