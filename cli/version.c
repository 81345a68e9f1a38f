/* version.c: "aiotune version": the version and git revision. */
#include <stdio.h>

#include "cli/cli.h"
#include "util/version.h"

static int cmd_version(int argc, char **argv)
{
	printf("aiotune %s (git %s)\n", util_version(), util_git_rev());
	return 0;
}

const struct cli_cmd cli_cmd_version = {
	.name = "version",
	.summary = "print the version and git revision",
	.run = cmd_version,
};
