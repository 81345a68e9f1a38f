/*
 * util.h: small helpers every module may use. util/ includes nothing of
 * aiotune.
 */
#ifndef AIOTUNE_UTIL_UTIL_H
#define AIOTUNE_UTIL_UTIL_H

#include <stddef.h>

/* 0, or a compile error when e is true (usable inside an expression). */
#define UTIL_BUILD_BUG_ON_ZERO(e) ((int)(sizeof(struct { int : (-!!(e)); })))

/* Whether a is an array rather than a pointer (GNU C). */
#define UTIL_IS_ARRAY(a) \
	(!__builtin_types_compatible_p(__typeof__(a), __typeof__(&(a)[0])))

/* Number of elements of array a; a pointer does not compile. */
#define ARRAY_SIZE(a) \
	(sizeof(a) / sizeof((a)[0]) + UTIL_BUILD_BUG_ON_ZERO(!UTIL_IS_ARRAY(a)))

/* The struct of type type whose member member is at ptr. */
#define container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

#endif
