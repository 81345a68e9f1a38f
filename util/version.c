/* version.c: aiotune's version and git revision (version.h). */
#include "util/version.h"

#ifndef AIOTUNE_GIT_REV
#define AIOTUNE_GIT_REV "unknown"
#endif

const char *util_version(void)
{
	return "0.1.0";
}

const char *util_git_rev(void)
{
	return AIOTUNE_GIT_REV;
}
