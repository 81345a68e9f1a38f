/*
 * version.c: "aiotune version" (and "aiotune --version"): the version and
 * git revision.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/version.h"

static int cmd_version(int argc, char **argv)
{
	if (argc > 1 &&
	    (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: aiotune version (or aiotune --version)\n"
		       "Print aiotune's version and the git revision it was "
		       "built from.\n");
		return 0;
	}
	if (argc > 1)
		cli_die(CLI_EXIT_USAGE, "version takes no arguments: got "
			"'%s'", argv[1]);
	printf("aiotune %s (git %s)\n", util_version(), util_git_rev());
	return 0;
}

const struct cli_cmd cli_cmd_version = {
	.name = "version",
	.summary = "print the version and git revision",
	.run = cmd_version,
};
