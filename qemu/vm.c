/* vm.c: start, find again and stop a QEMU guest under a keeper (vm.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "qemu/vm.h"
#include "util/spawn.h"
#include "util/util.h"

/* qboot: a firmware that boots a PVH kernel at once (qemu-system-data). */
#define QM_QBOOT "/usr/share/qemu/qboot.rom"

static const char *const session_files[] = {
	"qmp.sock", "console.sock", "console.log", "trace.log", "qemu.err",
	"vm.json", NULL,
};

/* The disk as -blockdev JSON (no comma escaping needed for paths). */
static char *blockdev(const struct qm_boot *b)
{
	json_t *o = json_pack("{s:s, s:s, s:b, s:{s:s, s:s, s:s, s:{s:b}}}",
			      "driver", "raw", "node-name", "disk0",
			      "read-only", b->read_only,
			      "file", "driver", "file", "filename", b->target,
			      "aio", b->aio, "cache", "direct", 1);
	char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

	json_decref(o);
	return s;
}

char **qm_vm_argv(const struct qm_boot *b, const char *dir)
{
	static const char *const events[] = {
		"poll_grow", "poll_shrink", "run_poll_handlers_begin",
		"run_poll_handlers_end",
	};
	struct util_argv a = { 0 };
	char *bd = blockdev(b);

	if (!bd)
		return NULL;
	util_argv_add(&a, "%s", b->qemu);
	util_argv_add(&a, "-name");
	util_argv_add(&a, "aiotune,debug-threads=on");
	util_argv_add(&a, "-machine");
	util_argv_add(&a, "q35");
	util_argv_add(&a, "-accel");
	util_argv_add(&a, "%s", b->accel);
	if (!strcmp(b->accel, "kvm")) {
		util_argv_add(&a, "-cpu");
		util_argv_add(&a, "host");
	}
	util_argv_add(&a, "-m");
	util_argv_add(&a, "%d", b->mem_mb);
	util_argv_add(&a, "-smp");
	util_argv_add(&a, "%d", b->vcpus);
	util_argv_add(&a, "-nodefaults");
	util_argv_add(&a, "-no-user-config");
	util_argv_add(&a, "-display");
	util_argv_add(&a, "none");
	util_argv_add(&a, "-no-reboot");
	util_argv_add(&a, "-bios");
	util_argv_add(&a, "%s", QM_QBOOT);
	util_argv_add(&a, "-kernel");
	util_argv_add(&a, "%s", b->kernel);
	util_argv_add(&a, "-initrd");
	util_argv_add(&a, "%s", b->initrd);
	util_argv_add(&a, "-append");
	util_argv_add(&a, "console=ttyS0 loglevel=1 rdinit=/init panic=-1");
	util_argv_add(&a, "-chardev");
	util_argv_add(&a, "socket,id=con0,path=%s/console.sock,server=on,"
		      "wait=off,logfile=%s/console.log", dir, dir);
	util_argv_add(&a, "-serial");
	util_argv_add(&a, "chardev:con0");
	util_argv_add(&a, "-chardev");
	util_argv_add(&a, "socket,id=qmp0,path=%s/qmp.sock,server=on,"
		      "wait=off", dir);
	util_argv_add(&a, "-mon");
	util_argv_add(&a, "chardev=qmp0,mode=control");
	util_argv_add(&a, "-object");
	util_argv_add(&a, "iothread,id=io0,poll-max-ns=%" PRId64
		      ",poll-grow=%" PRId64 ",poll-shrink=%" PRId64
		      ",aio-max-batch=%" PRId64, b->poll_max_ns, b->poll_grow,
		      b->poll_shrink, b->aio_max_batch);
	util_argv_add(&a, "-blockdev");
	util_argv_add(&a, "%s", bd);
	util_argv_add(&a, "-device");
	util_argv_add(&a, "virtio-blk-pci,id=vblk0,drive=disk0,iothread=io0");
	for (size_t i = 0; i < ARRAY_SIZE(events); i++) {
		util_argv_add(&a, "-trace");
		util_argv_add(&a, "%s", events[i]);
	}
	util_argv_add(&a, "-msg");
	util_argv_add(&a, "timestamp=on");
	util_argv_add(&a, "-D");
	util_argv_add(&a, "%s/trace.log", dir);
	free(bd);
	if (a.oom) {
		util_argv_free(a.v);
		return NULL;
	}
	return a.v;
}

void qm_vm_key(const struct qm_boot *b, char *buf, size_t size)
{
	if (snprintf(buf, size, "qemu=%s accel=%s aio=%s ro=%d mem=%d "
		     "vcpus=%d kernel=%s initrd=%s target=%s", b->qemu,
		     b->accel, b->aio, b->read_only, b->mem_mb, b->vcpus,
		     b->kernel, b->initrd, b->target) >= (int)size)
		buf[size - 1] = '\0';
}

static int64_t wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void path_of(char *buf, size_t size, const char *dir, const char *f)
{
	snprintf(buf, size, "%s/%s", dir, f);
}

static void remove_files(const char *dir)
{
	char p[QM_PATH_MAX + 32];

	for (int i = 0; session_files[i]; i++) {
		path_of(p, sizeof(p), dir, session_files[i]);
		unlink(p);
	}
	rmdir(dir);
}

static int pidfd_of(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* The keeper: start QEMU, tell its pid, stop it when the owner goes. */
static void keeper(char **argv, const char *dir, pid_t owner, int wfd)
{
	char err[QM_PATH_MAX + 32];
	int ofd, qfd, fd;
	pid_t q;

	setsid();
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	ofd = pidfd_of(owner);
	if (ofd < 0 || kill(owner, 0) < 0)
		_exit(1);
	path_of(err, sizeof(err), dir, "qemu.err");
	q = fork();
	if (q < 0)
		_exit(1);
	if (q == 0) {
		int e;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		execvp(argv[0], argv);
		e = errno;
		if (write(wfd, &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	if (write(wfd, &q, sizeof(q)) != sizeof(q))
		kill(q, SIGKILL);
	close(wfd);
	qfd = pidfd_of(q);
	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = ofd, .events = POLLIN },
			{ .fd = qfd, .events = POLLIN },
		};

		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents)
			break;   /* QEMU exited */
		if (pfd[0].revents) {
			/* The owner is gone: stop QEMU. */
			struct pollfd w = { .fd = qfd, .events = POLLIN };

			kill(q, SIGTERM);
			if (poll(&w, 1, 3000) <= 0)
				kill(q, SIGKILL);
			waitpid(q, NULL, 0);
			remove_files(dir);
			_exit(0);
		}
	}
	waitpid(q, NULL, 0);
	_exit(0);
}

int qm_vm_start(const struct qm_boot *b, const char *dir, pid_t owner,
		struct qm_vm *vm, char *why, size_t whylen)
{
	char **argv;
	int p[2], e = 0;
	size_t len = 0;
	pid_t k, q = -1;
	ssize_t n;

	memset(vm, 0, sizeof(*vm));
	snprintf(vm->dir, sizeof(vm->dir), "%s", dir);
	vm->keeper = vm->qemu = -1;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		e = errno;
		snprintf(why, whylen, "cannot create %s: %s", dir,
			 strerror(e));
		return -e;
	}
	if (access(QM_QBOOT, R_OK) < 0) {
		snprintf(why, whylen, "%s is missing: install Debian's "
			 "qemu-system-data package (make deps)", QM_QBOOT);
		return -ENOENT;
	}
	for (int i = 0; session_files[i]; i++) {
		char f[QM_PATH_MAX + 32];

		path_of(f, sizeof(f), dir, session_files[i]);
		unlink(f);
	}
	argv = qm_vm_argv(b, dir);
	if (!argv) {
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	for (int i = 0; argv[i]; i++)
		len += (size_t)snprintf(vm->cmdline + len,
					len < sizeof(vm->cmdline) ?
					sizeof(vm->cmdline) - len : 0,
					"%s%s", i ? " " : "", argv[i]);
	qm_vm_key(b, vm->key, sizeof(vm->key));
	if (pipe2(p, O_CLOEXEC) < 0) {
		e = errno;
		util_argv_free(argv);
		snprintf(why, whylen, "pipe: %s", strerror(e));
		return -e;
	}
	vm->started_unix_us = wall_us();
	k = fork();
	if (k < 0) {
		e = errno;
		close(p[0]);
		close(p[1]);
		util_argv_free(argv);
		snprintf(why, whylen, "fork: %s", strerror(e));
		return -e;
	}
	if (k == 0) {
		close(p[0]);
		keeper(argv, dir, owner, p[1]);
	}
	close(p[1]);
	util_argv_free(argv);
	vm->keeper = k;
	n = read(p[0], &q, sizeof(q));
	if (n == sizeof(q)) {
		vm->qemu = q;
		/* EOF: exec worked; an int: its errno. */
		if (read(p[0], &e, sizeof(e)) != sizeof(e))
			e = 0;
	} else {
		e = ECHILD;
	}
	close(p[0]);
	if (e) {
		waitpid(k, NULL, 0);
		if (e == ENOENT)
			snprintf(why, whylen, "no QEMU binary: %s not found "
				 "(install Debian's qemu-system-x86 package: "
				 "make deps, or set AIOTUNE_QEMU)", b->qemu);
		else
			snprintf(why, whylen, "cannot start %s: %s", b->qemu,
				 strerror(e));
		remove_files(dir);
		return -e;
	}
	vm->boots = 1;
	return 0;
}

/*
 * Whether pid is a zombie or gone (/proc/PID/stat's state). An empty
 * command line alone does not say so: a process inside execve (a wrapper
 * script exec'ing QEMU) has none for a moment.
 */
static bool exited(int pid)
{
	char p[64], buf[512], *r;
	ssize_t n;
	int fd;

	snprintf(p, sizeof(p), "/proc/%d/stat", pid);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return true;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return true;
	buf[n] = '\0';
	r = strrchr(buf, ')');
	return !r || r[1] != ' ' || r[2] == 'Z' || r[2] == 'X';
}

bool qm_vm_alive(const struct qm_vm *vm)
{
	char p[64], buf[8192];
	ssize_t n;
	int fd;

	if (vm->qemu <= 0)
		return false;
	snprintf(p, sizeof(p), "/proc/%d/cmdline", (int)vm->qemu);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return !exited((int)vm->qemu);
	buf[n] = '\0';
	for (ssize_t i = 0; i < n; i++)
		if (!buf[i])
			buf[i] = ' ';
	/* Pid reuse: it must still be our QEMU, in our directory. */
	return strstr(buf, vm->dir) != NULL;
}

static bool gone(pid_t pid)
{
	if (pid <= 0)
		return true;
	/* Our child (the keeper we forked): reap it. */
	if (waitpid(pid, NULL, WNOHANG) == pid)
		return true;
	return kill(pid, 0) < 0 && errno == ESRCH;
}

void qm_vm_stop(struct qm_vm *vm, int timeout_ms)
{
	struct timespec ts = { 0, 10000000 };
	int waited = 0;

	if (qm_vm_alive(vm))
		kill(vm->qemu, SIGTERM);
	while (qm_vm_alive(vm) && waited < timeout_ms) {
		nanosleep(&ts, NULL);
		waited += 10;
	}
	if (qm_vm_alive(vm))
		kill(vm->qemu, SIGKILL);
	/* The keeper leaves once QEMU is gone. */
	for (waited = 0; !gone(vm->keeper) && waited < 5000; waited += 10)
		nanosleep(&ts, NULL);
	if (!gone(vm->keeper))
		kill(vm->keeper, SIGKILL);
	while (qm_vm_alive(vm))
		nanosleep(&ts, NULL);
	remove_files(vm->dir);
	vm->qemu = vm->keeper = -1;
}

int qm_vm_save(const struct qm_vm *vm)
{
	char p[QM_PATH_MAX + 32], tmp[QM_PATH_MAX + 40];
	json_t *o = json_pack("{s:s, s:i, s:i, s:I, s:I, s:s, s:i, s:i, s:b}",
			      "key", vm->key, "keeper", (int)vm->keeper,
			      "qemu", (int)vm->qemu,
			      "boot_ns", (json_int_t)vm->boot_ns,
			      "started_unix_us",
			      (json_int_t)vm->started_unix_us,
			      "cmdline", vm->cmdline, "boots", vm->boots,
			      "runs", vm->runs, "busy", vm->busy);
	int ret;

	if (!o)
		return -ENOMEM;
	path_of(p, sizeof(p), vm->dir, "vm.json");
	snprintf(tmp, sizeof(tmp), "%s.tmp", p);
	ret = json_dump_file(o, tmp, JSON_COMPACT);
	json_decref(o);
	if (ret || rename(tmp, p) < 0) {
		unlink(tmp);
		return -EIO;
	}
	return 0;
}

int qm_vm_load(const char *dir, struct qm_vm *vm)
{
	char p[QM_PATH_MAX + 32];
	json_t *o;
	const char *key, *cmd;
	int keeper, qemu, boots, runs, busy;
	json_int_t boot, start;

	memset(vm, 0, sizeof(*vm));
	snprintf(vm->dir, sizeof(vm->dir), "%s", dir);
	vm->keeper = vm->qemu = -1;
	path_of(p, sizeof(p), dir, "vm.json");
	if (access(p, F_OK) < 0)
		return -ENOENT;
	o = json_load_file(p, 0, NULL);
	if (!o || json_unpack(o, "{s:s, s:i, s:i, s:I, s:I, s:s, s:i, s:i, "
			      "s:b}",
			      "key", &key, "keeper", &keeper, "qemu", &qemu,
			      "boot_ns", &boot, "started_unix_us", &start,
			      "cmdline", &cmd, "boots", &boots,
			      "runs", &runs, "busy", &busy)) {
		json_decref(o);
		return -EINVAL;
	}
	snprintf(vm->key, sizeof(vm->key), "%s", key);
	snprintf(vm->cmdline, sizeof(vm->cmdline), "%s", cmd);
	vm->keeper = keeper;
	vm->qemu = qemu;
	vm->boot_ns = boot;
	vm->started_unix_us = start;
	vm->boots = boots;
	vm->runs = runs;
	vm->busy = busy;
	json_decref(o);
	return 0;
}
