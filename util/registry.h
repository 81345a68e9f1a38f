/*
 * registry.h: one helper for every registry of backends (I/O engines,
 * front ends, polling policies, fd monitors). A registry is a const array
 * of pointers to const ops tables in one file of its module; this helper
 * finds an entry by name, lists the names once, and checks the tables.
 *
 * The module describes its array through two callbacks, so no ops type
 * is cast to another:
 *
 *   static const char *engine_name(size_t i) { return engines[i]->name; }
 *   static const char *engine_lacks(size_t i) { ... "queue" or NULL ... }
 *   static struct util_registry reg =
 *           UTIL_REGISTRY_INIT("engine", ARRAY_SIZE(engines) - 1,
 *                              engine_name, engine_lacks, NULL);
 *
 * The check: every entry has a non-empty name, no two entries share one
 * (nor the extra name), every entry has the hooks the module requires, and
 * the names fit UTIL_REGISTRY_NAMES_MAX. util_registry_ready() runs it
 * once per registry, at the first use from any thread, and builds the
 * names string then; a registry that fails it is a build error, so the
 * program stops there with the reason on stderr (abort). Every other
 * function calls util_registry_ready() first.
 *
 * Thread safety: all functions may be called from any thread at any
 * time; the first use builds the names under a mutex and publishes them
 * with a release store, later uses read them with an acquire load (the
 * equivalent of pthread_once for a registry object).
 */
#ifndef AIOTUNE_UTIL_REGISTRY_H
#define AIOTUNE_UTIL_REGISTRY_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

/* Room for "a, b, c" and its NUL. */
#define UTIL_REGISTRY_NAMES_MAX 256

struct util_registry {
	const char *what;               /* "engine": for messages */
	size_t n;                       /* number of entries */
	const char *(*name)(size_t i);  /* the name of entry i */
	/* The first required hook entry i lacks ("queue"), or NULL. */
	const char *(*lacks)(size_t i);
	/*
	 * A value accepted beside the entries, listed first ("auto" for fd
	 * monitors), or NULL. util_registry_find() never returns it.
	 */
	const char *extra;
	/* Set once by util_registry_ready(). */
	atomic_bool ready;
	char names[UTIL_REGISTRY_NAMES_MAX];
};

#define UTIL_REGISTRY_INIT(what_, n_, name_, lacks_, extra_) \
	{ .what = (what_), .n = (n_), .name = (name_), .lacks = (lacks_), \
	  .extra = (extra_) }

/*
 * Check r as described above, changing nothing. 0, or -EINVAL with one
 * line in err naming the registry, the entry and what is wrong
 * ("engine registry: entry 2 (io_uring) lacks queue").
 */
int util_registry_check(const struct util_registry *r, char *err,
			size_t errlen);
/*
 * Once per registry: check it (abort with the message on stderr when the
 * check fails) and build its names. Cheap after the first call.
 */
void util_registry_ready(struct util_registry *r);
/* Index of the entry called name, or -1 (also for NULL and the extra). */
int util_registry_find(struct util_registry *r, const char *name);
/* Whether name is an entry's name or the extra one. */
bool util_registry_valid(struct util_registry *r, const char *name);
/* The extra name (if any), then every entry's, in registry order: "a, b". */
const char *util_registry_names(struct util_registry *r);

#endif
