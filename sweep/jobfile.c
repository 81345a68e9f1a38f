/*
 * jobfile.c: INI job files (inih), fio-like:
 *
 *   [global]              defaults for every section, and the options
 *   repetitions = 3       of the sweep (repetitions, seed, name, accel)
 *   target = sim:lat=fixed:20us
 *
 *   [qd1]                 one sweep per section
 *   iodepth = 1
 *   poll-max-ns = 0,4k,8k,16k
 *
 * inih does not tell a handler its line, so the file is fed to inih
 * through a reader that counts lines: every message is "path:line: ...".
 * The file is read once, bounded, into memory (the sweep copies that very
 * text into its results) and parsed from there.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "sweep/grid.h"
#include "workloads/units.h"

struct job_ctx {
	struct sw_grid *g;
	FILE *f;
	int line;            /* line of the text inih is handling */
	bool at_line_start;  /* the last chunk ended a line */
	char cur[RES_NAME_MAX];
	struct sw_section *sec;
	bool opt_seen[4];
	bool global_seen;
	int err_line;        /* first error found by the handler */
	char err[512];
};

static char *reader(char *str, int num, void *stream)
{
	struct job_ctx *c = stream;
	char *r = fgets(str, num, c->f);

	if (!r)
		return NULL;
	if (c->at_line_start)
		c->line++;
	c->at_line_start = strchr(str, '\n') != NULL;
	return r;
}

static int fail(struct job_ctx *c, const char *fmt, const char *a,
		const char *b)
{
	if (!c->err_line) {
		c->err_line = c->line;
		snprintf(c->err, sizeof(c->err), fmt, a, b);
	}
	return 0;
}

static struct sw_section *find_section(struct sw_grid *g, const char *name)
{
	for (int i = 0; i < g->nsections; i++)
		if (strcmp(g->sections[i]->name, name) == 0)
			return g->sections[i];
	return NULL;
}

/* Enter section name; a section may not be opened twice. */
static int enter(struct job_ctx *c, const char *name)
{
	struct sw_grid *g = c->g;

	if (c->sec && strcmp(c->cur, name) == 0)
		return 1;
	snprintf(c->cur, sizeof(c->cur), "%s", name);
	if (!*name)
		return fail(c, "a key outside any section: put it under "
			    "[global] or a [sweep]%s%s", "", "");
	if (strcasecmp(name, "global") == 0) {
		if (c->global_seen)
			return fail(c, "section [%s] appears twice%s", name,
				    "");
		c->global_seen = true;
		c->sec = &g->global;
		return 1;
	}
	if (strlen(name) >= RES_NAME_MAX || !*name ||
	    strpbrk(name, " \t/,\"'"))
		return fail(c, "invalid section name '%s': allowed %s", name,
			    "a name of up to 63 characters without spaces, "
			    "quotes, ',' or '/'");
	if (find_section(g, name))
		return fail(c, "section [%s] appears twice%s", name, "");
	if (g->nsections == SW_MAX_SECTIONS)
		return fail(c, "too many sections at [%s]%s", name, "");
	c->sec = calloc(1, sizeof(*c->sec));
	if (!c->sec)
		return fail(c, "out of memory%s%s", "", "");
	strcpy(c->sec->name, name);
	g->sections[g->nsections++] = c->sec;
	return 1;
}

static int set_option(struct job_ctx *c, const char *key, const char *value)
{
	static const char *const opts[] = { "repetitions", "seed", "name",
					    "accel" };
	struct sw_grid *g = c->g;
	int64_t v;
	int i;

	for (i = 0; i < 4; i++)
		if (strcmp(key, opts[i]) == 0)
			break;
	if (i == 4)
		return -ENOENT;
	if (c->sec != &g->global)
		return fail(c, "%s is a sweep option: allowed only in "
			    "[global], not in [%s]", key, c->cur);
	if (c->opt_seen[i])
		return fail(c, "%s appears twice in [global]%s", key, "");
	c->opt_seen[i] = true;
	switch (i) {
	case 0:
		if (wl_parse_int64(value, &v) || v < 1 || v > 1000)
			return fail(c, "invalid value '%s' for %s: allowed "
				    "an integer from 1 to 1000", value, key);
		g->repetitions = (int)v;
		g->repetitions_set = true;
		return 1;
	case 1:
		if (wl_parse_int64(value, &v) || v < 0)
			return fail(c, "invalid value '%s' for %s: allowed "
				    "a non-negative integer", value, key);
		g->seed = (uint64_t)v;
		g->seed_set = true;
		return 1;
	case 3:
		/* QEMU points' accelerator (qemu/qemu.h). */
		if (strcmp(value, "auto") && strcmp(value, "kvm") &&
		    strcmp(value, "tcg"))
			return fail(c, "invalid value '%s' for %s: allowed "
				    "auto, kvm, tcg", value, key);
		strcpy(g->accel, value);
		return 1;
	default:
		if (!*value || strlen(value) >= sizeof(g->name) ||
		    strpbrk(value, " \t/"))
			return fail(c, "invalid value '%s' for %s: allowed "
				    "a name without spaces or '/'", value, key);
		strcpy(g->name, value);
		return 1;
	}
}

static int handler(void *user, const char *section, const char *name,
		   const char *value)
{
	struct job_ctx *c = user;
	char err[400];
	int d, ret;

	if (!enter(c, section))
		return 0;
	ret = set_option(c, name, value);
	if (ret != -ENOENT)
		return ret;
	d = sw_dim_find(name);
	if (d < 0) {
		snprintf(err, sizeof(err), "%s, repetitions, seed, name, accel",
			 sw_dim_keys());
		return fail(c, "unknown key '%s': allowed %s", name, err);
	}
	if (sw_section_has(c->sec, (enum sw_dim)d))
		return fail(c, "%s appears twice in [%s]", sw_dim_key(d),
			    c->cur);
	if (sw_section_set(c->sec, (enum sw_dim)d, value, false, err,
			   sizeof(err)))
		return fail(c, "%s%s", err, "");
	c->sec->dims[d].line = c->line;
	return 1;
}

/* Read the job file open as f; messages name it path. */
static int load_stream(struct sw_grid *g, FILE *f, const char *path,
		       char *err, size_t errlen)
{
	struct job_ctx c;
	int ret;

	memset(&c, 0, sizeof(c));
	c.g = g;
	c.at_line_start = true;
	c.f = f;
	strcpy(g->global.name, "global");
	ret = ini_parse_stream(reader, &c, handler, &c);
	if (ret < 0) {
		snprintf(err, errlen, "%s: cannot read the job file", path);
		return -EIO;
	}
	if (ret > 0 && (!c.err_line || ret < c.err_line)) {
		snprintf(err, errlen, "%s:%d: syntax error: expected "
			 "'[section]', 'key = value' or a comment", path, ret);
		return -EINVAL;
	}
	if (c.err_line) {
		snprintf(err, errlen, "%s:%d: %s", path, c.err_line, c.err);
		return -EINVAL;
	}
	if (g->nsections == 0 && c.line == 0) {
		snprintf(err, errlen, "%s: the job file is empty", path);
		return -EINVAL;
	}
	return 0;
}

int sw_grid_parse_job(struct sw_grid *g, const char *name,
		      const char *text, size_t len, char *err, size_t errlen)
{
	FILE *f;
	int ret;

	if (len == 0) {
		snprintf(err, errlen, "%s: the job file is empty", name);
		return -EINVAL;
	}
	/* A read-only stream never writes to its buffer. */
	f = fmemopen((char *)text, len, "r");
	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", name, strerror(errno));
		return ret;
	}
	ret = load_stream(g, f, name, err, errlen);
	fclose(f);
	return ret;
}

int sw_job_read(const char *path, char **text, size_t *len, char *err,
		size_t errlen)
{
	size_t cap = SW_JOB_MAX_BYTES + 1, n = 0;
	struct stat st;
	char *buf, *nul;
	int fd, ret = 0;

	*text = NULL;
	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s", strerror(errno));
		return ret;
	}
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s", strerror(errno));
	} else if (S_ISDIR(st.st_mode)) {
		ret = -EISDIR;
		snprintf(err, errlen, "it is a directory; allowed an INI job "
			 "file");
	} else if (!S_ISREG(st.st_mode)) {
		ret = -EINVAL;
		snprintf(err, errlen, "not a regular file; allowed an INI job "
			 "file");
	} else if (st.st_size > SW_JOB_MAX_BYTES) {
		ret = -EFBIG;
	}
	buf = ret ? NULL : malloc(cap);
	if (!ret && !buf)
		ret = -ENOMEM;
	/* Up to one byte more than allowed: the file may have grown. */
	while (!ret && n < cap) {
		ssize_t got = read(fd, buf + n, cap - n);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			ret = -errno;
			snprintf(err, errlen, "cannot read it: %s",
				 strerror(errno));
		}
		if (got <= 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	if (!ret && n > SW_JOB_MAX_BYTES)
		ret = -EFBIG;
	if (ret == -EFBIG)
		snprintf(err, errlen, "larger than %d bytes; allowed an INI "
			 "job file up to that size", SW_JOB_MAX_BYTES);
	if (ret == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	nul = ret ? NULL : memchr(buf, '\0', n);
	if (nul) {
		int line = 1;

		for (const char *p = buf; p < nul; p++)
			line += *p == '\n';
		ret = -EINVAL;
		snprintf(err, errlen, "line %d has a NUL byte; allowed an INI "
			 "job file (text)", line);
	}
	if (ret) {
		free(buf);
		return ret;
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

int sw_grid_load_job(struct sw_grid *g, const char *path, char *err,
		     size_t errlen)
{
	char why[256], *text;
	size_t len;
	int ret = sw_job_read(path, &text, &len, why, sizeof(why));

	if (ret) {
		snprintf(err, errlen, "%s: %s", path, why);
		return ret;
	}
	ret = sw_grid_parse_job(g, path, text, len, err, errlen);
	free(text);
	return ret;
}
