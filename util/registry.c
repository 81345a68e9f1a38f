/* registry.c: finding, listing and checking backends (registry.h). */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/registry.h"

/* Serializes the first use of every registry (rare: once each). */
static pthread_mutex_t ready_lock = PTHREAD_MUTEX_INITIALIZER;

/* "<what> registry: entry I (NAME) <fmt...>" into err; -EINVAL. */
static int __attribute__((format(printf, 6, 7)))
fail(const struct util_registry *r, size_t i, const char *name, char *err,
     size_t errlen, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err || !errlen)
		return -EINVAL;
	n = snprintf(err, errlen, "%s registry: entry %zu (%s) ", r->what, i,
		     name ? name : "unnamed");
	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* Append a name to buf as "a, b"; false when it does not fit. */
static bool append(char *buf, size_t size, size_t *len, const char *name)
{
	int n = snprintf(buf + *len, size - *len, "%s%s", *len ? ", " : "",
			 name);

	if (n < 0 || (size_t)n >= size - *len)
		return false;
	*len += (size_t)n;
	return true;
}

/* The names string into buf; false when it does not fit. */
static bool build_names(const struct util_registry *r, char *buf,
			size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	if (r->extra && !append(buf, size, &len, r->extra))
		return false;
	for (size_t i = 0; i < r->n; i++)
		if (!append(buf, size, &len, r->name(i)))
			return false;
	return true;
}

int util_registry_check(const struct util_registry *r, char *err,
			size_t errlen)
{
	char names[UTIL_REGISTRY_NAMES_MAX];

	for (size_t i = 0; i < r->n; i++) {
		const char *name = r->name(i), *hook;

		if (!name || !*name)
			return fail(r, i, NULL, err, errlen, "has no name");
		if (r->extra && !strcmp(name, r->extra))
			return fail(r, i, name, err, errlen,
				    "uses the reserved name");
		for (size_t j = 0; j < i; j++)
			if (!strcmp(name, r->name(j)))
				return fail(r, i, name, err, errlen,
					    "repeats the name of entry %zu", j);
		hook = r->lacks ? r->lacks(i) : NULL;
		if (hook)
			return fail(r, i, name, err, errlen, "lacks %s", hook);
	}
	if (!build_names(r, names, sizeof(names))) {
		if (err && errlen)
			snprintf(err, errlen, "%s registry: the names do not "
				 "fit %d bytes", r->what,
				 UTIL_REGISTRY_NAMES_MAX);
		return -EINVAL;
	}
	return 0;
}

void util_registry_ready(struct util_registry *r)
{
	char err[256];

	if (atomic_load_explicit(&r->ready, memory_order_acquire))
		return;
	pthread_mutex_lock(&ready_lock);
	if (!atomic_load_explicit(&r->ready, memory_order_relaxed)) {
		if (util_registry_check(r, err, sizeof(err))) {
			fprintf(stderr, "aiotune: internal error: %s\n", err);
			abort();
		}
		build_names(r, r->names, sizeof(r->names));
		/* Pairs with the acquire load above in other threads. */
		atomic_store_explicit(&r->ready, true, memory_order_release);
	}
	pthread_mutex_unlock(&ready_lock);
}

int util_registry_find(struct util_registry *r, const char *name)
{
	util_registry_ready(r);
	if (!name)
		return -1;
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->name(i), name))
			return (int)i;
	return -1;
}

bool util_registry_valid(struct util_registry *r, const char *name)
{
	if (util_registry_find(r, name) >= 0)
		return true;
	return name && r->extra && !strcmp(name, r->extra);
}

const char *util_registry_names(struct util_registry *r)
{
	util_registry_ready(r);
	return r->names;
}
