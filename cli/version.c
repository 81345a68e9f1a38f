/* version.c: "aiotune version": the version and git revision. */
#include <stdio.h>

#include "cli/cli.h"

#ifndef AIOTUNE_GIT_REV
#define AIOTUNE_GIT_REV "unknown"
#endif

const char *aiotune_version(void)
{
	return "0.1.0";
}

const char *aiotune_git_rev(void)
{
	return AIOTUNE_GIT_REV;
}

static int cmd_version(int argc, char **argv)
{
	printf("aiotune %s (git %s)\n", aiotune_version(), aiotune_git_rev());
	return 0;
}

const struct cli_cmd cli_cmd_version = {
	.name = "version",
	.summary = "print the version and git revision",
	.run = cmd_version,
};
