/*
 * fakesys.h: a fake procfs and sysfs tree for the affinity tests: files
 * and symlinks under a root directory, named relative to it. Each test
 * sets root, builds what it needs, and points the aff__* readers at it.
 */
#ifndef AIOTUNE_TESTS_AFFINITY_FAKESYS_H
#define AIOTUNE_TESTS_AFFINITY_FAKESYS_H

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/lib/test.h"

/* The tree's root directory. */
static char root[256];

/* root/<fmt...>, in one of four rotating buffers. */
static const char *at(const char *fmt, ...)
{
	static char paths[4][PATH_MAX];
	static int k;
	char rel[PATH_MAX - 512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	k = (k + 1) % 4;
	snprintf(paths[k], PATH_MAX, "%s/%s", root, rel);
	return paths[k];
}

/* mkdir -p. */
static void mkdirs(const char *path)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(buf, 0755);
		*p = '/';
	}
	if (mkdir(buf, 0755) && errno != EEXIST)
		t_fail("mkdir %s: %s", buf, strerror(errno));
}

/* Write text and a newline to path, creating its directories. */
static void put(const char *path, const char *text)
{
	char dir[PATH_MAX];
	FILE *f;

	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	mkdirs(dir);
	f = fopen(path, "w");
	if (!f)
		t_fail("create %s: %s", path, strerror(errno));
	fprintf(f, "%s\n", text);
	fclose(f);
}

/* A symlink at path to target, creating its directories. */
static void link_to(const char *target, const char *path)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	mkdirs(dir);
	if (symlink(target, path))
		t_fail("symlink %s: %s", path, strerror(errno));
}

#endif
