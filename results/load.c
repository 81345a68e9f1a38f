/* load.c: read results directories and fold them into one summary. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "results/atomic.h"
#include "results/load.h"
#include "workloads/fio-cmd.h"

/* Whether the string field at off differs between the directories. */
static bool differs(const struct res_set *s, size_t off)
{
	const char *first = NULL;

	for (int i = 0; i < s->n; i++) {
		for (size_t k = 0; k < s->tables[i].n; k++) {
			const char *v = (const char *)&s->tables[i].rows[k] +
					off;

			if (!first)
				first = v;
			else if (strcmp(first, v) != 0)
				return true;
		}
	}
	return false;
}

/* Whether every run of t has the engine of its first. */
static bool one_engine(const struct res_table *t)
{
	for (size_t k = 1; k < t->n; k++)
		if (strcmp(t->rows[k].engine, t->rows[0].engine) != 0)
			return false;
	return true;
}

/* Whether every run of t was measured by fio. */
static bool all_fio(const struct res_table *t)
{
	for (size_t k = 0; k < t->n; k++)
		if (!wl_engine_is_fio(t->rows[k].engine))
			return false;
	return true;
}

static void label_dirs(struct res_set *s)
{
	bool hosts = differs(s, offsetof(struct res_row, host));
	bool engines = differs(s, offsetof(struct res_row, engine));

	for (int i = 0; i < s->n; i++) {
		const struct res_row *r = &s->tables[i].rows[0];
		const char *base;
		char dir[PATH_MAX];
		size_t len;

		/* A row without a host or engine: the directory's name. */
		if (hosts && !engines && r->host[0]) {
			snprintf(s->labels[i], sizeof(s->labels[i]), "%s",
				 r->host);
			continue;
		}
		if (engines && !hosts && one_engine(&s->tables[i]) &&
		    r->engine[0]) {
			snprintf(s->labels[i], sizeof(s->labels[i]), "%s",
				 r->engine);
			continue;
		}
		if (engines && !hosts && all_fio(&s->tables[i])) {
			snprintf(s->labels[i], sizeof(s->labels[i]), "fio");
			continue;
		}
		snprintf(dir, sizeof(dir), "%s", s->dirs[i]);
		len = strlen(dir);
		while (len > 1 && dir[len - 1] == '/')
			dir[--len] = '\0';
		base = strrchr(dir, '/');
		snprintf(s->labels[i], sizeof(s->labels[i]), "%s",
			 base ? base + 1 : dir);
	}
	/* Labels must tell the directories apart. */
	for (int i = 0; i < s->n; i++)
		for (int k = 0; k < i; k++)
			if (!strcmp(s->labels[i], s->labels[k])) {
				size_t l = strlen(s->labels[i]);
				char num[8];

				if (l > 56)
					l = 56;
				num[0] = '#';
				num[1] = (char)('0' + (i + 1) / 10);
				num[2] = (char)('0' + (i + 1) % 10);
				num[3] = '\0';
				memcpy(s->labels[i] + l, num, 4);
			}
}

int res_set_load(struct res_set *s, char *const *dirs, int n, char *err,
		 size_t errlen)
{
	const char *labels[RES_MAX_SOURCES];
	int ret;

	memset(s, 0, sizeof(*s));
	if (n < 1 || n > RES_MAX_SOURCES) {
		snprintf(err, errlen, "give 1 to %d results directories",
			 RES_MAX_SOURCES);
		return -EINVAL;
	}
	for (int i = 0; i < n; i++) {
		char path[PATH_MAX];

		s->dirs[i] = dirs[i];
		s->n = i + 1;
		if (res_join(path, sizeof(path), dirs[i], "results.csv")) {
			snprintf(err, errlen, "%s: path too long", dirs[i]);
			res_set_free(s);
			return -ENAMETOOLONG;
		}
		ret = res_csv_load(path, &s->tables[i], err, errlen);
		if (ret) {
			res_set_free(s);
			return ret;
		}
		if (!s->tables[i].n) {
			snprintf(err, errlen, "%s: no finished runs yet", path);
			res_set_free(s);
			return -ENODATA;
		}
	}
	label_dirs(s);
	for (int i = 0; i < n; i++)
		labels[i] = s->labels[i];
	ret = res_summary_build(&s->sum, s->tables, labels, n);
	if (ret) {
		snprintf(err, errlen, "cannot summarize the results: %s",
			 strerror(-ret));
		res_set_free(s);
	}
	return ret;
}

void res_set_free(struct res_set *s)
{
	res_summary_free(&s->sum);
	for (int i = 0; i < s->n; i++)
		res_table_free(&s->tables[i]);
	s->n = 0;
}
