/*
 * parse.c: fio-style number parsing, the one-line error helpers, and the
 * checks every subcommand shares (repeated options, output paths).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"

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

int cli_parse_int64(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (!s || !*s || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

/* Split "123abc" into a non-negative number and a suffix. */
static int split_number(const char *s, double *num, uint64_t *inum,
			const char **suffix)
{
	char *end;

	if (!s || !*s || !(isdigit((unsigned char)*s) || *s == '.'))
		return -EINVAL;
	errno = 0;
	*inum = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end == '.') {
		*num = strtod(s, &end);
		*inum = 0;
	} else {
		*num = (double)*inum;
	}
	*suffix = end;
	return 0;
}

static int scale_u64(uint64_t v, uint64_t mult, uint64_t *out)
{
	if (mult && v > UINT64_MAX / mult)
		return -ERANGE;
	*out = v * mult;
	return 0;
}

static int size_mult(const char *suf, uint64_t *mult)
{
	static const struct { const char *s; uint64_t m; } tab[] = {
		{ "", 1 }, { "b", 1 }, { "k", 1ULL << 10 }, { "kb", 1ULL << 10 },
		{ "kib", 1ULL << 10 }, { "m", 1ULL << 20 }, { "mb", 1ULL << 20 },
		{ "mib", 1ULL << 20 }, { "g", 1ULL << 30 }, { "gb", 1ULL << 30 },
		{ "gib", 1ULL << 30 }, { "t", 1ULL << 40 }, { "tb", 1ULL << 40 },
		{ "tib", 1ULL << 40 },
	};

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		if (strcasecmp(suf, tab[i].s) == 0) {
			*mult = tab[i].m;
			return 0;
		}
	}
	return -EINVAL;
}

int cli_parse_size(const char *s, uint64_t *out)
{
	double num;
	uint64_t inum, mult;
	const char *suf;
	int ret = split_number(s, &num, &inum, &suf);

	if (ret)
		return ret;
	if (size_mult(suf, &mult))
		return -EINVAL;
	if (inum == 0 && num != 0) {
		if (num * (double)mult > 1.8e19)
			return -ERANGE;
		*out = (uint64_t)(num * (double)mult);
		return 0;
	}
	return scale_u64(inum, mult, out);
}

int cli_parse_count(const char *s, int64_t *out)
{
	uint64_t v;
	int ret;

	if (s && *s == '-')
		return -EINVAL;
	ret = cli_parse_size(s, &v);
	if (ret)
		return ret;
	if (v > INT64_MAX)
		return -ERANGE;
	*out = (int64_t)v;
	return 0;
}

int cli_parse_duration_ns(const char *s, int64_t default_unit_ns,
			  int64_t *out)
{
	static const struct { const char *s; int64_t ns; } tab[] = {
		{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 },
		{ "s", 1000000000LL }, { "m", 60000000000LL },
		{ "h", 3600000000000LL },
	};
	double num;
	uint64_t inum, r;
	const char *suf;
	int64_t mult = -1;
	int ret = split_number(s, &num, &inum, &suf);

	if (ret)
		return ret;
	if (!*suf) {
		mult = default_unit_ns;
	} else if (default_unit_ns == 1 && (strcasecmp(suf, "k") == 0)) {
		mult = 1024; /* 32k in an ns flag means 32768 */
	} else {
		for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
			if (strcasecmp(suf, tab[i].s) == 0)
				mult = tab[i].ns;
	}
	if (mult < 0)
		return -EINVAL;
	if (inum == 0 && num != 0) {
		if (num * (double)mult > 9.2e18)
			return -ERANGE;
		*out = (int64_t)(num * (double)mult);
		return 0;
	}
	ret = scale_u64(inum, (uint64_t)mult, &r);
	if (ret || r > INT64_MAX)
		return -ERANGE;
	*out = (int64_t)r;
	return 0;
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
