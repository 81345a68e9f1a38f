/*
 * version.h: aiotune's version and the git revision it was built from,
 * for provenance (run JSON, meta.json, fio exports) and `aiotune
 * version`. The revision is the build's -DAIOTUNE_GIT_REV (util/module.mk).
 */
#ifndef AIOTUNE_UTIL_VERSION_H
#define AIOTUNE_UTIL_VERSION_H

/* "0.1.0". */
const char *util_version(void);
/* The short git revision, or "unknown" outside a git checkout. */
const char *util_git_rev(void);

#endif
