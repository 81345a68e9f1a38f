/* main.c: the aiotune command: dispatch to a subcommand. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: aiotune <command> [options]\n\ncommands:\n");
	for (size_t i = 0; cli_commands[i]; i++)
		fprintf(f, "  %-12s %s\n", cli_commands[i]->name,
			cli_commands[i]->summary);
	fprintf(f, "\n'aiotune <command> --help' describes each command; "
		"'aiotune --version'\nprints the version (as 'aiotune "
		"version').\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	/* --version is the version command (same output, same checks). */
	if (!strcmp(argv[1], "--version"))
		argv[1] = "version";
	for (size_t i = 0; cli_commands[i]; i++) {
		if (strcmp(cli_commands[i]->name, argv[1]) == 0) {
			cli_check_repeats(cli_commands[i], argc - 1, argv + 1);
			return cli_commands[i]->run(argc - 1, argv + 1);
		}
	}
	fprintf(stderr, "aiotune: unknown command '%s': allowed ", argv[1]);
	for (size_t i = 0; cli_commands[i]; i++)
		fprintf(stderr, "%s%s", i ? ", " : "", cli_commands[i]->name);
	fputc('\n', stderr);
	return CLI_EXIT_USAGE;
}
