/*
 * session.h: one QEMU VM shared by the runs of a sweep. The sweep owns a
 * session directory; each `aiotune run --engine qemu` it starts finds it
 * through $AIOTUNE_QEMU_SESSION and $AIOTUNE_QEMU_OWNER (the sweep's pid)
 * and boots a VM there only when the one there has other boot settings
 * (vm.h), so a grid over poll parameters boots once.
 */
#ifndef AIOTUNE_QEMU_SESSION_H
#define AIOTUNE_QEMU_SESSION_H

#include <stddef.h>

/*
 * Make a session directory owned by this process and export it to the
 * children. 0 or -errno.
 */
int qm_session_begin(char *dir, size_t size);
/* Stop the session's VM, if any, and remove the directory. */
void qm_session_end(const char *dir);

#endif
