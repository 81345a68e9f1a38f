/*
 * spawn.h: running a child process (one `aiotune run` of a sweep, fio,
 * gnuplot) and the NULL-terminated argv arrays built for it. The child
 * gets its own process group, so a Ctrl-C on the terminal reaches the
 * parent alone (a sweep then stops after the current run) and not the
 * run being measured; its stdout and stderr go to files (one file when
 * both paths are the same). The child is
 * killed (SIGKILL) when the process that started it dies, so a parent
 * killed outright leaves no child running.
 */
#ifndef AIOTUNE_UTIL_SPAWN_H
#define AIOTUNE_UTIL_SPAWN_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * Start argv (argv[0] is looked up in PATH when it has no '/'), wait for
 * it at most timeout_ns. While waiting, *abort (set by a signal handler)
 * is checked each time a signal arrives; when it is non-zero the child's
 * group gets SIGTERM, then SIGKILL a second later.
 * Returns 0 with *status as from waitpid, -ETIMEDOUT (it was killed after
 * timeout_ns), -ECANCELED (killed because of *abort), or -errno when it
 * could not be started.
 */
int util_spawn_wait(char *const argv[], const char *out_path,
		    const char *err_path, int64_t timeout_ns,
		    volatile sig_atomic_t *abort, int *status);

/*
 * The same, calling tick(arg) about every tick_ms (> 0) while the child
 * runs (a fleet looks at what its hosts have recorded meanwhile).
 */
int util_spawn_watch(char *const argv[], const char *out_path,
		     const char *err_path, int64_t timeout_ns,
		     volatile sig_atomic_t *abort, int tick_ms,
		     void (*tick)(void *arg), void *arg, int *status);

/* Free a NULL-terminated malloc'ed array of malloc'ed strings (NULL: none). */
void util_argv_free(char **argv);

/* An argv being built: start zeroed; v stays NULL-terminated. */
struct util_argv {
	char **v;
	int n, cap;
	bool oom;	/* an allocation failed: v is incomplete */
};

/* Append one formatted word; on failure set oom (later calls do nothing). */
void util_argv_add(struct util_argv *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
