/*
 * version.h: aiotune's version and the git revision it was built from,
 * for provenance (run JSON, meta.json, fio exports) and `aiotune
 * version`. Both are the build's (-DAIOTUNE_VERSION, -DAIOTUNE_GIT_REV:
 * util/module.mk; a source tarball's revision is its GIT-REV file).
 */
#ifndef AIOTUNE_UTIL_VERSION_H
#define AIOTUNE_UTIL_VERSION_H

/* "0.1.0": AIOTUNE_VERSION in util/module.mk. */
const char *util_version(void);
/* The short git revision, or "unknown" outside a git checkout. */
const char *util_git_rev(void);

#endif
