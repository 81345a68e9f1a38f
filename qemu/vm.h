/*
 * vm.h: one QEMU guest whose virtio-blk disk (the target) is served by an
 * IOThread, started under a keeper process so that it never outlives
 * its owner.
 *
 * A VM lives in a session directory (qmp.sock, console.sock,
 * console.log, trace.log, vm.json). Its keeper is a process of its own
 * session (no terminal signal reaches it) whose child is QEMU (which dies
 * with it, PR_SET_PDEATHSIG); the keeper waits for the owner process to
 * exit (a pidfd), then stops QEMU (SIGTERM, then SIGKILL) and removes the
 * session's files. The owner is the `aiotune run` that booted the VM, or
 * the sweep that runs many such runs one after the other: each of them
 * finds the VM in the session and uses it again when its boot settings
 * (everything but the poll parameters, which QMP sets on the running
 * IOThread) are the same.
 */
#ifndef AIOTUNE_QEMU_VM_H
#define AIOTUNE_QEMU_VM_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#define QM_PATH_MAX 1024

/* What a boot depends on. */
struct qm_boot {
	char qemu[QM_PATH_MAX];     /* qemu-system-x86_64 */
	char accel[8];              /* "kvm" or "tcg" */
	char aio[16];               /* "native", "io_uring", "threads" */
	char target[QM_PATH_MAX];
	bool read_only;
	char kernel[QM_PATH_MAX];
	char initrd[QM_PATH_MAX];
	int mem_mb;
	int vcpus;
	/* The IOThread's parameters at boot (QMP changes them later). */
	int64_t poll_max_ns, poll_grow, poll_shrink, aio_max_batch;
};

struct qm_vm {
	char dir[QM_PATH_MAX];      /* the session directory */
	char key[4096];             /* the boot settings, as text */
	pid_t keeper;
	pid_t qemu;
	int64_t boot_ns;            /* start to the guest's READY */
	int64_t started_unix_us;    /* wall clock at start */
	char cmdline[8192];         /* QEMU's command line, as run */
	int boots;                  /* VMs started in this session */
	int runs;                   /* runs served by this VM, this one too */
	bool busy;                  /* a run is using it (or died doing so) */
};

/* The argv QEMU runs with (NULL-terminated, malloc'ed; util_argv_free). */
char **qm_vm_argv(const struct qm_boot *b, const char *dir);
/* The boot settings as one line: equal keys boot the same VM. */
void qm_vm_key(const struct qm_boot *b, char *buf, size_t size);

/*
 * Start QEMU for b in dir (created if missing) under a keeper that
 * stops it when owner exits. 0 or -errno with why. The guest is not
 * ready yet: wait for READY on the console.
 */
int qm_vm_start(const struct qm_boot *b, const char *dir, pid_t owner,
		struct qm_vm *vm, char *why, size_t whylen);
/* Whether QEMU of vm still runs. */
bool qm_vm_alive(const struct qm_vm *vm);
/*
 * Stop QEMU (SIGTERM, SIGKILL after timeout_ms) and its keeper, and
 * remove dir's files; waits until both are gone. Always safe to call.
 */
void qm_vm_stop(struct qm_vm *vm, int timeout_ms);

/* vm.json of a session: write, read (0, -ENOENT, -EINVAL). */
int qm_vm_save(const struct qm_vm *vm);
int qm_vm_load(const char *dir, struct qm_vm *vm);

#endif
