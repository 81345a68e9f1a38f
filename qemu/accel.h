/*
 * accel.h: what `--accel auto` learned about this host. A probe boot of
 * the guest under KVM either reaches the guest's init or not; the
 * outcome is kept in the guest cache, one kvm-probe-<hash> file per key
 * (the host kernel, the QEMU binary, the guest kernel), so the probe (up
 * to 20 s where KVM hangs) is paid once per host.
 */
#ifndef AIOTUNE_QEMU_ACCEL_H
#define AIOTUNE_QEMU_ACCEL_H

#include <stdbool.h>
#include <stddef.h>

/* The key of a probe: host kernel, QEMU binary, guest kernel. */
void qm_probe_key(const char *qemu, const char *guest_kernel, char *buf,
		  size_t size);
/*
 * Whether cache holds the outcome for key: *ok, and why KVM failed
 * (when !*ok).
 */
bool qm_probe_cached(const char *cache, const char *key, bool *ok,
		     char *why, size_t size);
/* Keep the outcome for key in cache (best effort). */
void qm_probe_save(const char *cache, const char *key, bool ok,
		   const char *why);

#endif
