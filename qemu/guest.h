/*
 * guest.h: the guest image of a QEMU point: the kernel and initramfs that
 * scripts/qemu-guest.sh builds into its cache (Debian's kernel package,
 * busybox, fio; README "QEMU as the peer"). The script is found in
 * $AIOTUNE_SCRIPTS, or as a data file (util/datadir.h: beside the aiotune
 * binary's source tree, the installed share/aiotune/scripts, ./scripts).
 */
#ifndef AIOTUNE_QEMU_GUEST_H
#define AIOTUNE_QEMU_GUEST_H

#include <stddef.h>

#include "qemu/vm.h"

struct qm_guest {
	char kernel[QM_PATH_MAX];      /* an uncompressed vmlinux */
	char initrd[QM_PATH_MAX];      /* a newc cpio */
	char kernel_version[64];       /* "6.1.0-57-amd64" */
	char kernel_package[128];      /* "linux-image-... 6.1.192-3" */
	char cache[QM_PATH_MAX];       /* the cache directory */
};

/*
 * Run the script (NULL or "": found as above) and read what it built.
 * 0; -ENOENT when no kernel package can be had or the script is missing
 * (why: one line, the script's own); -EIO when it failed.
 */
int qm_guest_image(const char *script, struct qm_guest *g, char *why,
		   size_t whylen);
/* The last non-empty line of file path into buf ("" if none). */
void qm_last_line(const char *path, char *buf, size_t size);

#endif
