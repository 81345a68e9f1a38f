/*
 * qemu.h: QEMU itself as a measured peer (`aiotune run --engine qemu`).
 *
 * One point is a QEMU guest (qemu-system-x86_64, Debian's kernel, a
 * busybox + fio initramfs; vm.h) whose virtio-blk disk, the target, is
 * served by an IOThread with the point's poll-max-ns, poll-grow,
 * poll-shrink and aio-max-batch (set with QMP qom-set on the running
 * VM, as a user tunes one). fio in the guest runs the point's workload on
 * /dev/vda; its JSON comes back over the console and becomes the run's
 * result (results/fio-import.h), QEMU's trace events its loop statistics
 * (trace.h), /proc its IOThread's and vCPUs' CPU (proc.h).
 *
 * Engine names (workloads/peer.h): "qemu" (the disk with aio=native,
 * Linux AIO, as aiotune's linux-aio engine), "qemu-io_uring"
 * (aio=io_uring) and "qemu-threads" (aio=threads, QEMU's thread pool).
 */
#ifndef AIOTUNE_QEMU_QEMU_H
#define AIOTUNE_QEMU_QEMU_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "workloads/job.h"

/*
 * Its -blockdev aio= mode ("native"), or NULL when engine is not one of
 * QEMU's (workloads/peer.h names them).
 */
const char *qm_engine_aio(const char *engine);
/*
 * The poll policy of aiotune that QEMU version (major, minor) runs:
 * "qemu-ctx" (one window per AioContext) before 10.0, "qemu" (one per
 * handler) from 10.0.
 */
const char *qm_policy_of_version(int major, int minor);

struct qm_opts {
	char accel[8];            /* "auto" (default), "kvm", "tcg" */
	int64_t boot_timeout_ns;  /* boot to the guest's READY */
	int64_t guest_timeout_ns; /* fio's time beyond runtime + ramp */
	char qemu[1024];          /* the binary ($AIOTUNE_QEMU or PATH) */
	char session[1024];       /* "" = a VM of this run only */
	pid_t owner;              /* the session's owner (a sweep) */
	char guest_script[1024];  /* scripts/qemu-guest.sh, "" = find it */
};

/* Defaults; $AIOTUNE_QEMU_SESSION and _OWNER set the session. */
void qm_opts_init(struct qm_opts *o);

/*
 * Measure job (its engine a qemu one) as a QEMU guest. 0 with *run the
 * run object (docs/run-json.md, tool "qemu"); -ENOTSUP when the point
 * cannot be run here (skipped); -EINVAL bad settings; -ENOENT no QEMU,
 * no kernel package or no guest image; -ETIMEDOUT the guest did not
 * finish in time (killed); -ECANCELED *stop was set (a signal); other
 * -errno. why has one line either way; warn a warning line or "".
 * No QEMU process of this run is left running when it returns, but the
 * VM of a session, which stays for the session's next run.
 */
int qm_run(const struct wl_job *job, const struct qm_opts *o,
	   volatile sig_atomic_t *stop, json_t **run, char *warn,
	   size_t warnlen, char *why, size_t whylen);

#endif
