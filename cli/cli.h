/*
 * cli.h: the aiotune command: subcommand registry and shared argument
 * parsing. Bad input is reported in one line naming the value and what is
 * allowed, with exit status 2 (CLI_EXIT_USAGE).
 */
#ifndef AIOTUNE_CLI_H
#define AIOTUNE_CLI_H

#include <stdbool.h>

#define CLI_EXIT_USAGE 2
/* A run this host cannot realize: nothing was measured (run, fio-run). */
#define CLI_EXIT_SKIPPED 3

struct cli_cmd {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv); /* argv[0] is the subcommand */
	/*
	 * Whether flag ("--name") may be given more than once because its
	 * values add up (sweep's grid lists); NULL: no flag may.
	 */
	bool (*repeatable)(const char *flag);
};

/* NULL-terminated registry, in cli/commands.c. */
extern const struct cli_cmd *const cli_commands[];

/* Print "aiotune: <msg>" to stderr and exit with status. */
void cli_die(int status, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));
/*
 * "aiotune: invalid value 'v' for --flag: allowed ..." and exit 2; value
 * NULL: "missing value for --flag: allowed ...".
 */
void cli_bad_value(const char *flag, const char *value, const char *allowed)
	__attribute__((noreturn));

/*
 * Exit 2 when an option of argv[1..argc-1] ("--flag" or "--flag=v") is
 * given twice and cmd->repeatable does not allow it: one value silently
 * replacing another is refused for every subcommand here, before it runs.
 */
void cli_check_repeats(const struct cli_cmd *cmd, int argc,
		       char *const *argv);

/* The longest path an output option takes. */
#define CLI_PATH_MAX 1023

/*
 * The one check of every output path option (--output, --resume): exit 2
 * unless path is 1 to CLI_PATH_MAX characters and, for a directory, is
 * not an existing non-directory (for a file: not an existing directory)
 * and its parents are not files. An empty path used to mean the root.
 */
void cli_check_output_dir(const char *flag, const char *path);
void cli_check_output_file(const char *flag, const char *path);

/* A results name (--name): non-empty, no '/' or blanks, under 64 bytes. */
void cli_check_name(const char *flag, const char *val);

/*
 * first, then each argv[i], separated by spaces (no leading space when
 * first is ""): a command line for provenance. malloc'ed; exits when out
 * of memory.
 */
char *cli_join_args(const char *first, int argc, char *const *argv);

#endif
