/*
 * run.c: one point measured in a QEMU guest (qemu.h).
 *
 * The steps: the guest image (scripts/qemu-guest.sh), the accelerator
 * (auto: KVM when a probe boot gets to the guest's init, else TCG), the
 * VM (booted, or the session's, used again), its threads pinned as the
 * placement says (thread ids from QMP), the IOThread's poll parameters
 * (QMP qom-set), fio in the guest with every 20 ms a sample of the disk's
 * request count (QMP query-blockstats) and of the threads' CPU (/proc).
 * The measured window is the host's: from the first request plus the
 * ramp time, for the runtime; CPU and QEMU's trace events are taken over
 * it, fio's figures over its own (the same span, timed by the guest).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "affinity/affinity.h"
#include "qemu/accel.h"
#include "qemu/conio.h"
#include "qemu/console.h"
#include "qemu/guest.h"
#include "qemu/point.h"
#include "qemu/qemu.h"
#include "qemu/qmp.h"
#include "qemu/run-internal.h"
#include "qemu/vm.h"
#include "qemu/window.h"

#define QM_MEM_MB 512      /* the initramfs (about 90 MB) lives in RAM */
/*
 * A TCG boot of this guest took 7-27 s on the 2-vCPU development VM
 * (results/ref/qemu-ref); KVM boots it faster, or, nested, never: 20 s bounds
 * the probe.
 */
#define QM_KVM_PROBE_NS 20000000000LL

int64_t qm__now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int64_t qm__wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* ---- Boot ------------------------------------------------------------- */


/* Why QEMU is gone: its stderr's last line, or the console's. */
void qm__died(struct ctx *c, const char *when)
{
	char err[QM_PATH_MAX + 32], line[512], tail[1024];

	snprintf(err, sizeof(err), "%s/qemu.err", c->dir);
	qm_last_line(err, line, sizeof(line));
	qm_con_log_tail(c->dir, tail, sizeof(tail));
	snprintf(c->why, c->whylen, "QEMU exited %s: %s", when,
		 line[0] ? line : tail[0] ? tail : "no message");
}

/*
 * Start the VM for c->boot and wait for the guest's READY (at most
 * timeout_ns). 0, -ETIMEDOUT (killed), -ECANCELED, -EIO (QEMU exited).
 */
static int boot_vm(struct ctx *c, int64_t timeout_ns)
{
	int64_t t0 = qm__now_ns(), deadline = t0 + timeout_ns;
	size_t after;
	char tail[1024];
	int ret;

	ret = qm_vm_start(&c->boot, c->dir,
			  c->own_session ? getpid() : c->o->owner, &c->vm,
			  c->why, c->whylen);
	if (ret)
		return ret;
	c->vm_started = true;
	ret = qm_con_connect(&c->con, c->dir, &c->vm, 10000, c->why,
			      c->whylen);
	if (ret) {
		if (!qm_vm_alive(&c->vm)) {
			qm__died(c, "at start");
			ret = -EIO;
		}
		return ret;
	}
	for (;;) {
		if (*c->stop) {
			snprintf(c->why, c->whylen, "interrupted while the "
				 "guest booted: QEMU stopped");
			return -ECANCELED;
		}
		if (qm_console_ready(c->con.text, c->con.len, 0, &after))
			break;
		if (c->con.len && qm_console_failed(c->con.text, c->con.len,
						    tail, sizeof(tail))) {
			snprintf(c->why, c->whylen, "the guest failed: %s",
				 tail);
			return -EIO;
		}
		if (!qm_vm_alive(&c->vm)) {
			qm__died(c, "while the guest booted");
			return -EIO;
		}
		if (qm__now_ns() > deadline) {
			qm_con_log_tail(c->dir, tail, sizeof(tail));
			snprintf(c->why, c->whylen, "the guest did not boot "
				 "within %.0f s (killed); console: %s",
				 timeout_ns / 1e9, tail[0] ? tail : "empty");
			return -ETIMEDOUT;
		}
		ret = qm_con_read(&c->con, 50);
		if (ret && ret != -ECONNRESET)
			return ret;
		if (ret == -ECONNRESET)
			sleep_ms(50);
	}
	c->vm.boot_ns = qm__now_ns() - t0;
	c->vm.runs = 0;
	/* Keep only what follows READY for the run's own markers. */
	c->con.len = 0;
	return 0;
}

static void drop_vm(struct ctx *c)
{
	if (c->con.fd >= 0)
		qm_con_close(&c->con);
	qm_qmp_close(&c->qmp);
	qm_vm_stop(&c->vm, 3000);
	c->vm_started = false;
}

/* Pick the accelerator; may leave a booted KVM VM (the probe) in c. */
static int choose_accel(struct ctx *c, char *warn, size_t warnlen)
{
	char reason[600] = "", key[512];
	bool ok;
	int ret;

	if (!strcmp(c->o->accel, "tcg") || !strcmp(c->o->accel, "kvm")) {
		snprintf(c->boot.accel, sizeof(c->boot.accel), "%s",
			 c->o->accel);
		return 0;
	}
	qm_probe_key(c->o->qemu, c->g.kernel_version, key, sizeof(key));
	if (access("/dev/kvm", R_OK | W_OK) < 0) {
		snprintf(reason, sizeof(reason), "/dev/kvm: %s",
			 strerror(errno));
	} else if (qm_probe_cached(c->g.cache, key, &ok, reason, sizeof(reason))) {
		if (ok) {
			snprintf(c->boot.accel, sizeof(c->boot.accel), "kvm");
			return 0;
		}
	} else {
		snprintf(c->boot.accel, sizeof(c->boot.accel), "kvm");
		ret = boot_vm(c, QM_KVM_PROBE_NS);
		if (!ret) {
			qm_probe_save(c->g.cache, key, true, "");
			return 0;
		}
		if (ret == -ECANCELED)
			return ret;
		snprintf(reason, sizeof(reason), "a KVM boot failed: %.500s",
			 c->why);
		drop_vm(c);
		qm_probe_save(c->g.cache, key, false, reason);
	}
	snprintf(c->boot.accel, sizeof(c->boot.accel), "tcg");
	snprintf(c->accel_note, sizeof(c->accel_note), "%s", reason);
	snprintf(warn, warnlen, "--accel auto: KVM unusable (%.300s): using "
		 "TCG, an emulated guest (compare behaviour, not IOPS)",
		 reason);
	return 0;
}

/* ---- The run ---------------------------------------------------------- */

/* The binary, looked up in PATH as exec would: 0 or -ENOENT with why. */
static int find_qemu(const char *qemu, char *why, size_t whylen)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX], *copy, *save = NULL;
	bool found = false;

	if (strchr(qemu, '/')) {
		found = access(qemu, X_OK) == 0;
	} else if (path && (copy = strdup(path))) {
		for (char *d = strtok_r(copy, ":", &save); d && !found;
		     d = strtok_r(NULL, ":", &save))
			found = snprintf(buf, sizeof(buf), "%s/%s", d, qemu) <
				(int)sizeof(buf) && access(buf, X_OK) == 0;
		free(copy);
	}
	if (found)
		return 0;
	snprintf(why, whylen, "no QEMU binary: %s not found (install Debian's "
		 "qemu-system-x86 package: make deps, or set AIOTUNE_QEMU)",
		 qemu);
	return -ENOENT;
}

static int run_steps(struct ctx *c, json_t **run, char *warn,
		     size_t warnlen)
{
	const struct wl_job *job = c->job;
	struct measured m = { 0 };
	struct aff_plan plan;
	struct qm_vm old;
	char key[4096];
	bool have_old;
	int ret;

	ret = qm_guest_image(c->o->guest_script, &c->g, c->why, c->whylen);
	if (ret)
		return ret;
	snprintf(c->boot.qemu, sizeof(c->boot.qemu), "%s", c->o->qemu);
	snprintf(c->boot.aio, sizeof(c->boot.aio), "%s",
		 qm_engine_aio(job->engine));
	snprintf(c->boot.target, sizeof(c->boot.target), "%s", job->target);
	c->boot.read_only = !wl_rw_writes(job->rw);
	snprintf(c->boot.kernel, sizeof(c->boot.kernel), "%s", c->g.kernel);
	snprintf(c->boot.initrd, sizeof(c->boot.initrd), "%s", c->g.initrd);
	c->boot.mem_mb = QM_MEM_MB;
	c->boot.vcpus = 1;
	c->boot.poll_max_ns = job->poll_max_ns;
	c->boot.poll_grow = job->poll_grow;
	c->boot.poll_shrink = job->poll_shrink;
	c->boot.aio_max_batch = job->aio_max_batch;

	/*
	 * The session's VM, if it has the same boot settings and its last
	 * run finished (a run killed mid-way leaves it busy).
	 */
	have_old = !c->own_session && !qm_vm_load(c->dir, &old);
	if (have_old && (!qm_vm_alive(&old) || old.busy)) {
		qm_vm_stop(&old, 3000);
		have_old = false;
	}
	if (have_old) {
		/* auto: the session's VM already says which one works. */
		snprintf(c->boot.accel, sizeof(c->boot.accel), "%s",
			 strcmp(c->o->accel, "auto") ? c->o->accel :
			 strstr(old.key, "accel=kvm ") ? "kvm" : "tcg");
		qm_vm_key(&c->boot, key, sizeof(key));
		if (!strcmp(key, old.key)) {
			c->vm = old;
			c->reused = true;
			ret = qm_con_connect(&c->con, c->dir, &c->vm, 5000,
					      c->why, c->whylen);
			if (ret)
				return ret;
		} else {
			qm_vm_stop(&old, 3000);
		}
	}
	if (!c->reused) {
		ret = choose_accel(c, warn, warnlen);
		if (ret)
			return ret;
		if (!c->vm_started) {
			ret = boot_vm(c, c->o->boot_timeout_ns);
			if (ret)
				return ret;
		}
	}
	c->vm.runs++;
	snprintf(key, sizeof(key), "%s/qmp.sock", c->dir);
	ret = qm_qmp_connect(&c->qmp, key, 10000, c->why, c->whylen);
	if (ret)
		return ret;
	snprintf(c->version, sizeof(c->version), "%s", c->qmp.version);
	ret = qm__find_threads(c);
	if (!ret)
		ret = qm__pin_threads(c, &plan);
	if (!ret)
		ret = qm__set_poll_params(c);
	c->vm.busy = true;
	if (!ret)
		ret = qm_vm_save(&c->vm);
	if (!ret)
		ret = qm__measure(c, &m);
	if (!ret)
		ret = qm__build_run(c, &m, &plan, run);
	c->vm.busy = false;
	if (!ret && !c->own_session)
		ret = qm_vm_save(&c->vm);
	free(m.s);
	free(m.fio_args);
	free(m.res.json);
	return ret;
}

int qm_run(const struct wl_job *job, const struct qm_opts *o,
	   volatile sig_atomic_t *stop, json_t **run, char *warn,
	   size_t warnlen, char *why, size_t whylen)
{
	struct ctx *c = calloc(1, sizeof(*c));
	int ret;

	warn[0] = '\0';
	*run = NULL;
	if (!c) {
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	ret = qm_job_check(job, why, whylen);
	if (!ret)
		ret = find_qemu(o->qemu, why, whylen);
	if (ret) {
		free(c);
		return ret;
	}
	c->job = job;
	c->o = o;
	c->stop = stop;
	c->why = why;
	c->whylen = whylen;
	c->con.fd = -1;
	c->qmp.fd = -1;
	c->vm.qemu = c->vm.keeper = -1;
	c->own_session = !o->session[0];
	if (c->own_session) {
		snprintf(c->dir, sizeof(c->dir), "/tmp/aiotune-qemu-XXXXXX");
		if (!mkdtemp(c->dir)) {
			ret = -errno;
			snprintf(why, whylen, "cannot create a directory in "
				 "/tmp: %s", strerror(errno));
			free(c);
			return ret;
		}
	} else {
		snprintf(c->dir, sizeof(c->dir), "%s", o->session);
		mkdir(c->dir, 0700);
	}
	ret = run_steps(c, run, warn, warnlen);
	qm_con_close(&c->con);
	qm_qmp_close(&c->qmp);
	/* A session keeps a VM that served its run well; else it goes. */
	if (c->own_session || ret) {
		if (c->vm.qemu > 0)
			qm_vm_stop(&c->vm, 3000);
		if (c->own_session)
			rmdir(c->dir);
	}
	free(c);
	return ret;
}
