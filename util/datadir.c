/* datadir.c: finding aiotune's data files (datadir.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/datadir.h"
#include "util/util.h"

#ifndef AIOTUNE_DATADIR
#define AIOTUNE_DATADIR "/usr/local/share/aiotune"
#endif

const char *util_datadir(void)
{
	return AIOTUNE_DATADIR;
}

int util_exe_dir(char *buf, size_t size)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0)
		return n < 0 ? -errno : -ENOENT;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return -ENOENT;
	*slash = '\0';
	if (snprintf(buf, size, "%s", exe) >= (int)size)
		return -ENAMETOOLONG;
	return 0;
}

/* buf = dir/rel when that fits and is readable. */
static int try_path(char *buf, size_t size, const char *dir, const char *rel)
{
	if (snprintf(buf, size, "%s/%s", dir, rel) >= (int)size)
		return -ENAMETOOLONG;
	return access(buf, R_OK) ? -ENOENT : 0;
}

int util_data_find(const char *rel, char *buf, size_t size)
{
	static const char *const up[] = { "/..", "/../..",
					  "/../share/aiotune" };
	char exe[PATH_MAX], dir[PATH_MAX + 32];

	if (!util_exe_dir(exe, sizeof(exe))) {
		for (size_t i = 0; i < ARRAY_SIZE(up); i++) {
			snprintf(dir, sizeof(dir), "%s%s", exe, up[i]);
			if (!try_path(buf, size, dir, rel))
				return 0;
		}
	}
	if (!try_path(buf, size, util_datadir(), rel))
		return 0;
	snprintf(buf, size, "%s", rel);
	return access(buf, R_OK) ? -ENOENT : 0;
}
