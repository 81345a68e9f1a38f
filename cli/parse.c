/*
 * parse.c: the one-line error helpers and the checks every subcommand
 * shares (repeated options, output paths).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "results/row.h"

void cli_die(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("aiotune: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

void cli_bad_value(const char *flag, const char *value, const char *allowed)
{
	if (!value)
		cli_die(CLI_EXIT_USAGE, "missing value for %s: allowed %s",
			flag, allowed);
	cli_die(CLI_EXIT_USAGE, "invalid value '%s' for %s: allowed %s",
		value, flag, allowed);
}

/* Whether a and b are the same option: "--x", "--x=1" and "--x=2" are. */
static bool same_option(const char *a, const char *b)
{
	size_t n = strcspn(a, "=");

	return strncmp(a, b, n) == 0 && (b[n] == '\0' || b[n] == '=');
}

void cli_check_repeats(const struct cli_cmd *cmd, int argc,
		       char *const *argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		size_t n = strcspn(a, "=");
		char flag[64];

		if (strncmp(a, "--", 2) != 0 || n == 2 || n >= sizeof(flag) ||
		    same_option("--help", a))
			continue;
		memcpy(flag, a, n);
		flag[n] = '\0';
		if (cmd->repeatable && cmd->repeatable(flag))
			continue;
		for (int k = 1; k < i; k++)
			if (same_option(argv[k], a))
				cli_die(CLI_EXIT_USAGE, "%s given more than "
					"once for %s: allowed once (a second "
					"value would replace the first)", flag,
					cmd->name);
	}
}

static void check_path(const char *flag, const char *path, const char *what)
{
	if (!path)
		cli_bad_value(flag, NULL, what);
	if (!*path || strlen(path) > CLI_PATH_MAX)
		cli_die(CLI_EXIT_USAGE, "invalid value '%.64s%s' for %s: "
			"allowed %s of 1 to %d characters", path,
			strlen(path) > 64 ? "..." : "", flag, what,
			CLI_PATH_MAX);
}

/* Exit 2 when path exists as what it must not be, or cannot be looked at. */
static void check_kind(const char *flag, const char *path, bool want_dir)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		if (errno == ENOENT)
			return; /* it (and missing parents) will be created */
		cli_die(CLI_EXIT_USAGE, "invalid value '%s' for %s: %s", path,
			flag, strerror(errno));
	}
	if (want_dir && !S_ISDIR(st.st_mode))
		cli_die(CLI_EXIT_USAGE, "invalid value '%s' for %s: it is not "
			"a directory; allowed a directory path", path, flag);
	if (!want_dir && S_ISDIR(st.st_mode))
		cli_die(CLI_EXIT_USAGE, "invalid value '%s' for %s: it is a "
			"directory; allowed a file path", path, flag);
}

void cli_check_output_dir(const char *flag, const char *path)
{
	check_path(flag, path, "a directory path");
	check_kind(flag, path, true);
}

void cli_check_output_file(const char *flag, const char *path)
{
	check_path(flag, path, "a file path");
	check_kind(flag, path, false);
}

char *cli_join_args(const char *first, int argc, char *const *argv)
{
	size_t len = strlen(first) + 1;
	char *s;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = malloc(len);
	if (!s)
		cli_die(1, "out of memory");
	strcpy(s, first);
	for (int i = 0; i < argc; i++) {
		if (*s)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

void cli_check_name(const char *flag, const char *val)
{
	if (!*val || strlen(val) >= RES_NAME_MAX || strpbrk(val, "/ \t"))
		cli_bad_value(flag, val, "a name without '/' or spaces, "
			      "up to 63 characters");
}
