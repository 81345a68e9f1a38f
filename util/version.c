/* version.c: aiotune's version and git revision (version.h). */
#include "util/version.h"

#ifndef AIOTUNE_GIT_REV
#define AIOTUNE_GIT_REV "unknown"
#endif
#ifndef AIOTUNE_VERSION
#error "AIOTUNE_VERSION comes from util/module.mk"
#endif

const char *util_version(void)
{
	return AIOTUNE_VERSION;
}

const char *util_git_rev(void)
{
	return AIOTUNE_GIT_REV;
}
