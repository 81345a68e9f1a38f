/*
 * claim.h: a results directory has one writer at a time. The writer holds
 * a write lock (fcntl, F_SETLK) on DIR/sweep.lock for as long as it runs;
 * the kernel drops it when the process ends, however it ends, so a lock
 * is never stale. The lock is not inherited by child processes.
 */
#ifndef AIOTUNE_SWEEP_CLAIM_H
#define AIOTUNE_SWEEP_CLAIM_H

#include <sys/types.h>

#define SW_CLAIM_FILE "sweep.lock"

/*
 * Claim dir (which must exist): create DIR/sweep.lock if needed and lock
 * it for the life of this process. 0; -EBUSY when another process holds
 * it, with *holder its pid (0 if it let go meanwhile or is out of sight);
 * or -errno.
 */
int sw_claim(const char *dir, pid_t *holder);
/* The same with DIR/file as the lock file (a fleet's DIR/fleet.lock). */
int sw_claim_file(const char *dir, const char *file, pid_t *holder);

/*
 * The pid of the process holding dir's claim, or 0 when none does (no
 * lock file, or nobody holds its lock). Creates nothing.
 */
pid_t sw_claim_holder(const char *dir);

#endif
