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
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "affinity/affinity.h"
#include "qemu/console.h"
#include "qemu/fio-result.h"
#include "qemu/point.h"
#include "qemu/proc.h"
#include "qemu/qemu.h"
#include "qemu/qmp.h"
#include "qemu/trace.h"
#include "qemu/vm.h"
#include "results/fio-cmd.h"
#include "workloads/result.h"

#define QM_MEM_MB 512      /* the initramfs (about 90 MB) lives in RAM */
#define QM_SAMPLE_MS 20
#define QM_MAX_SAMPLES 65536
#define QM_MAX_VCPUS 8
/* A KVM boot of this guest takes 1-2 s; a nested host may never finish. */
#define QM_KVM_PROBE_NS 20000000000LL

static const struct {
	const char *engine, *aio, *peer;
} engines[] = {
	{ "qemu", "native", "linux-aio" },
	{ "qemu-io_uring", "io_uring", "io_uring" },
	{ "qemu-threads", "threads", "threads" },
};

#define NR_ENGINES (sizeof(engines) / sizeof(engines[0]))

bool qm_engine_is_qemu(const char *e)
{
	return qm_engine_aio(e) != NULL;
}

const char *qm_engine_aio(const char *e)
{
	for (size_t i = 0; i < NR_ENGINES; i++)
		if (e && !strcmp(e, engines[i].engine))
			return engines[i].aio;
	return NULL;
}

const char *qm_engine_peer(const char *e)
{
	for (size_t i = 0; i < NR_ENGINES; i++)
		if (e && !strcmp(e, engines[i].engine))
			return engines[i].peer;
	return NULL;
}

const char *qm_engine_names(void)
{
	return "qemu, qemu-io_uring, qemu-threads";
}

const char *qm_policy_of_version(int major, int minor)
{
	(void)minor;
	/* Per-handler windows came with QEMU 10.0 (polling/policy.h). */
	return major >= 10 ? "qemu" : "qemu-ctx";
}

void qm_opts_init(struct qm_opts *o)
{
	const char *s = getenv("AIOTUNE_QEMU_SESSION");
	const char *w = getenv("AIOTUNE_QEMU_OWNER");
	const char *q = getenv("AIOTUNE_QEMU");

	memset(o, 0, sizeof(*o));
	snprintf(o->accel, sizeof(o->accel), "auto");
	o->boot_timeout_ns = 60000000000LL;
	o->guest_timeout_ns = 30000000000LL;
	snprintf(o->qemu, sizeof(o->qemu), "%s",
		 q && *q ? q : "qemu-system-x86_64");
	if (s && *s && w && atoi(w) > 0) {
		snprintf(o->session, sizeof(o->session), "%s", s);
		o->owner = (pid_t)atoi(w);
	}
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int64_t wall_us(void)
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

/* ---- The guest image -------------------------------------------------- */

struct guest {
	char kernel[QM_PATH_MAX], initrd[QM_PATH_MAX];
	char kernel_version[64], kernel_package[128], cache[QM_PATH_MAX];
};

/* scripts/qemu-guest.sh beside the binary (build/ or build/asan/). */
static int find_script(const struct qm_opts *o, char *buf, size_t size)
{
	static const char *const rel[] = { "/../scripts", "/../../scripts",
					   "/../share/aiotune/scripts" };
	const char *env = getenv("AIOTUNE_SCRIPTS");
	char exe[PATH_MAX];
	ssize_t n;

	if (o->guest_script[0]) {
		snprintf(buf, size, "%s", o->guest_script);
		return access(buf, R_OK) ? -ENOENT : 0;
	}
	if (env && *env) {
		snprintf(buf, size, "%s/qemu-guest.sh", env);
		return access(buf, R_OK) ? -ENOENT : 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
			if (snprintf(buf, size, "%s%s/qemu-guest.sh", exe,
				     rel[i]) < (int)size && !access(buf, R_OK))
				return 0;
		}
	}
	snprintf(buf, size, "scripts/qemu-guest.sh");
	return access(buf, R_OK) ? -ENOENT : 0;
}

static void last_line_of(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	char line[1024];

	buf[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] && snprintf(buf, size, "%s", line) >= (int)size)
			buf[size - 1] = '\0';
	}
	fclose(f);
}

static int guest_image(const struct qm_opts *o, struct guest *g, char *why,
		       size_t whylen)
{
	char script[PATH_MAX], cmd[3 * PATH_MAX], line[2048], errf[64];
	char last[512];
	FILE *p;
	int st, fd;

	memset(g, 0, sizeof(*g));
	if (find_script(o, script, sizeof(script))) {
		snprintf(why, whylen, "no guest image: scripts/qemu-guest.sh "
			 "not found (set AIOTUNE_SCRIPTS)");
		return -ENOENT;
	}
	if (strchr(script, '\'')) {
		snprintf(why, whylen, "the path %s has a quote", script);
		return -EINVAL;
	}
	snprintf(errf, sizeof(errf), "/tmp/aiotune-guest-XXXXXX");
	fd = mkstemp(errf);
	if (fd < 0) {
		snprintf(why, whylen, "cannot create a file in /tmp: %s",
			 strerror(errno));
		return -errno;
	}
	close(fd);
	snprintf(cmd, sizeof(cmd), "sh '%s' 2>'%s'", script, errf);
	p = popen(cmd, "r");
	if (!p) {
		unlink(errf);
		snprintf(why, whylen, "cannot run %s", script);
		return -EIO;
	}
	while (fgets(line, sizeof(line), p)) {
		char *eq = strchr(line, '=');

		line[strcspn(line, "\n")] = '\0';
		if (!eq)
			continue;
		*eq++ = '\0';
		if (!strcmp(line, "kernel"))
			snprintf(g->kernel, sizeof(g->kernel), "%s", eq);
		else if (!strcmp(line, "initrd"))
			snprintf(g->initrd, sizeof(g->initrd), "%s", eq);
		else if (!strcmp(line, "kernel_version"))
			snprintf(g->kernel_version, sizeof(g->kernel_version),
				 "%s", eq);
		else if (!strcmp(line, "kernel_package"))
			snprintf(g->kernel_package, sizeof(g->kernel_package),
				 "%s", eq);
	}
	st = pclose(p);
	last_line_of(errf, last, sizeof(last));
	unlink(errf);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0 ||
	    !g->kernel[0] || !g->initrd[0]) {
		snprintf(why, whylen, "%s", last[0] ? last :
			 "no guest image: scripts/qemu-guest.sh failed");
		return WIFEXITED(st) && WEXITSTATUS(st) == 3 ? -ENOENT : -EIO;
	}
	snprintf(g->cache, sizeof(g->cache), "%s", g->kernel);
	/* cache/kernel-V/vmlinux -> cache */
	for (int i = 0; i < 2; i++) {
		char *s = strrchr(g->cache, '/');

		if (s)
			*s = '\0';
	}
	return 0;
}

/* ---- Console ---------------------------------------------------------- */

struct console {
	int fd;
	char *text;
	size_t len, cap;
};

/* Connect to the console of vm (NULL: no check that QEMU still runs). */
static int console_connect(struct console *c, const char *dir,
			   const struct qm_vm *vm, int timeout_ms, char *why,
			   size_t whylen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int waited = 0;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/console.sock", dir);
	for (;;) {
		c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (c->fd < 0)
			return -errno;
		if (!connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)))
			return 0;
		close(c->fd);
		c->fd = -1;
		if (vm && !qm_vm_alive(vm))
			return -ESRCH;
		if (waited >= timeout_ms) {
			snprintf(why, whylen, "QEMU's console %s did not open",
				 sa.sun_path);
			return -ETIMEDOUT;
		}
		sleep_ms(10);
		waited += 10;
	}
}

/* Read what the console has, waiting up to ms. 0, or -errno (closed). */
static int console_read(struct console *c, int ms)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	ssize_t n;

	if (poll(&pfd, 1, ms) <= 0)
		return 0;
	if (c->cap - c->len < 4096) {
		size_t cap = c->cap ? 2 * c->cap : 65536;
		char *t = realloc(c->text, cap);

		if (!t)
			return -ENOMEM;
		c->text = t;
		c->cap = cap;
	}
	n = read(c->fd, c->text + c->len, c->cap - c->len - 1);
	if (n == 0)
		return -ECONNRESET;
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -errno;
	c->len += (size_t)n;
	c->text[c->len] = '\0';
	return 0;
}

static int console_send(struct console *c, const char *s)
{
	size_t n = strlen(s);

	while (n) {
		ssize_t w = send(c->fd, s, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

static void console_close(struct console *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->text);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

/* The console log's last lines (the socket misses what came before it). */
static void console_log_tail(const char *dir, char *buf, size_t size)
{
	char path[QM_PATH_MAX + 32], *text = NULL;
	size_t len = 0, cap = 0;
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/console.log", dir);
	f = fopen(path, "r");
	if (!f)
		return;
	for (;;) {
		char *t;
		size_t n;

		if (cap - len < 65536) {
			t = realloc(text, cap + 65536);
			if (!t)
				break;
			text = t;
			cap += 65536;
		}
		n = fread(text + len, 1, cap - len, f);
		if (!n)
			break;
		len += n;
	}
	fclose(f);
	if (text)
		qm_console_tail(text, len, 3, buf, size);
	free(text);
}

/* ---- Boot ------------------------------------------------------------- */

struct ctx {
	const struct wl_job *job;
	const struct qm_opts *o;
	volatile sig_atomic_t *stop;
	struct guest g;
	struct qm_boot boot;
	struct qm_vm vm;
	bool vm_started;     /* by this run */
	bool reused;
	bool own_session;
	char dir[QM_PATH_MAX];
	struct console con;
	struct qm_qmp qmp;
	char accel_note[512];
	char version[64];
	int iothread_tid;
	int vcpu_tids[QM_MAX_VCPUS];
	int nvcpus;
	char *why;
	size_t whylen;
};

/* Why QEMU is gone: its stderr's last line, or the console's. */
static void died(struct ctx *c, const char *when)
{
	char err[QM_PATH_MAX + 32], line[512], tail[1024];

	snprintf(err, sizeof(err), "%s/qemu.err", c->dir);
	last_line_of(err, line, sizeof(line));
	console_log_tail(c->dir, tail, sizeof(tail));
	snprintf(c->why, c->whylen, "QEMU exited %s: %s", when,
		 line[0] ? line : tail[0] ? tail : "no message");
}

/*
 * Start the VM for c->boot and wait for the guest's READY (at most
 * timeout_ns). 0, -ETIMEDOUT (killed), -ECANCELED, -EIO (QEMU exited).
 */
static int boot_vm(struct ctx *c, int64_t timeout_ns)
{
	int64_t t0 = now_ns(), deadline = t0 + timeout_ns;
	size_t after;
	char tail[1024];
	int ret;

	ret = qm_vm_start(&c->boot, c->dir,
			  c->own_session ? getpid() : c->o->owner, &c->vm,
			  c->why, c->whylen);
	if (ret)
		return ret;
	c->vm_started = true;
	ret = console_connect(&c->con, c->dir, &c->vm, 10000, c->why,
			      c->whylen);
	if (ret) {
		if (!qm_vm_alive(&c->vm)) {
			died(c, "at start");
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
			died(c, "while the guest booted");
			return -EIO;
		}
		if (now_ns() > deadline) {
			console_log_tail(c->dir, tail, sizeof(tail));
			snprintf(c->why, c->whylen, "the guest did not boot "
				 "within %.0f s (killed); console: %s",
				 timeout_ns / 1e9, tail[0] ? tail : "empty");
			return -ETIMEDOUT;
		}
		ret = console_read(&c->con, 50);
		if (ret && ret != -ECONNRESET)
			return ret;
		if (ret == -ECONNRESET)
			sleep_ms(50);
	}
	c->vm.boot_ns = now_ns() - t0;
	c->vm.runs = 0;
	/* Keep only what follows READY for the run's own markers. */
	c->con.len = 0;
	return 0;
}

static void drop_vm(struct ctx *c)
{
	if (c->con.fd >= 0)
		console_close(&c->con);
	qm_qmp_close(&c->qmp);
	qm_vm_stop(&c->vm, 3000);
	c->vm_started = false;
}

/* The cached outcome of a KVM probe of this host, QEMU and kernel. */
static void probe_key(const struct ctx *c, char *buf, size_t size)
{
	struct utsname u;

	uname(&u);
	snprintf(buf, size, "host-kernel=%.64s qemu=%.300s guest=%.60s",
		 u.release, c->o->qemu, c->g.kernel_version);
}

static bool probe_cached(const struct ctx *c, bool *ok, char *why,
			 size_t size)
{
	char path[QM_PATH_MAX + 32], key[512], line[1024];
	FILE *f;
	bool found = false;

	snprintf(path, sizeof(path), "%s/kvm-probe", c->g.cache);
	probe_key(c, key, sizeof(key));
	f = fopen(path, "r");
	if (!f)
		return false;
	if (fgets(line, sizeof(line), f) &&
	    !strcmp(strtok(line, "\n") ? line : "", key) &&
	    fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		*ok = !strcmp(line, "ok");
		snprintf(why, size, "%.500s", *ok ? "" : line);
		found = true;
	}
	fclose(f);
	return found;
}

static void probe_save(const struct ctx *c, bool ok, const char *why)
{
	char path[QM_PATH_MAX + 32], key[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/kvm-probe", c->g.cache);
	probe_key(c, key, sizeof(key));
	f = fopen(path, "w");
	if (!f)
		return;
	fprintf(f, "%s\n%s\n", key, ok ? "ok" : why);
	fclose(f);
}

/* Pick the accelerator; may leave a booted KVM VM (the probe) in c. */
static int choose_accel(struct ctx *c, char *warn, size_t warnlen)
{
	char reason[600] = "";
	bool ok;
	int ret;

	if (!strcmp(c->o->accel, "tcg") || !strcmp(c->o->accel, "kvm")) {
		snprintf(c->boot.accel, sizeof(c->boot.accel), "%s",
			 c->o->accel);
		return 0;
	}
	if (access("/dev/kvm", R_OK | W_OK) < 0) {
		snprintf(reason, sizeof(reason), "/dev/kvm: %s",
			 strerror(errno));
	} else if (probe_cached(c, &ok, reason, sizeof(reason))) {
		if (ok) {
			snprintf(c->boot.accel, sizeof(c->boot.accel), "kvm");
			return 0;
		}
	} else {
		snprintf(c->boot.accel, sizeof(c->boot.accel), "kvm");
		ret = boot_vm(c, QM_KVM_PROBE_NS);
		if (!ret) {
			probe_save(c, true, "");
			return 0;
		}
		if (ret == -ECANCELED)
			return ret;
		snprintf(reason, sizeof(reason), "a KVM boot failed: %.500s",
			 c->why);
		drop_vm(c);
		probe_save(c, false, reason);
	}
	snprintf(c->boot.accel, sizeof(c->boot.accel), "tcg");
	snprintf(c->accel_note, sizeof(c->accel_note), "%s", reason);
	snprintf(warn, warnlen, "--accel auto: KVM unusable (%.300s): using "
		 "TCG, an emulated guest (compare behaviour, not IOPS)",
		 reason);
	return 0;
}

/* ---- QMP: threads, pinning, poll parameters ---------------------------- */

static int find_threads(struct ctx *c)
{
	json_t *r = NULL, *v;
	size_t i;
	int ret;

	ret = qm_qmp_cmd(&c->qmp, "query-iothreads", NULL, &r, 5000, c->why,
			 c->whylen);
	if (ret)
		return ret;
	json_array_foreach(r, i, v) {
		const char *id = json_string_value(json_object_get(v, "id"));

		if (id && !strcmp(id, "io0"))
			c->iothread_tid = (int)json_integer_value(
				json_object_get(v, "thread-id"));
	}
	json_decref(r);
	ret = qm_qmp_cmd(&c->qmp, "query-cpus-fast", NULL, &r, 5000, c->why,
			 c->whylen);
	if (ret)
		return ret;
	c->nvcpus = 0;
	json_array_foreach(r, i, v) {
		if (c->nvcpus < QM_MAX_VCPUS)
			c->vcpu_tids[c->nvcpus++] = (int)json_integer_value(
				json_object_get(v, "thread-id"));
	}
	json_decref(r);
	if (c->iothread_tid <= 0 || !c->nvcpus) {
		snprintf(c->why, c->whylen, "QMP names no IOThread io0 or no "
			 "vCPU thread");
		return -EPROTO;
	}
	return 0;
}

static int pin_threads(struct ctx *c, struct aff_plan *plan)
{
	struct aff_placement pl;
	struct aff_roles counts = { { 0 } };
	char why[256];
	int ret;

	memset(plan, 0, sizeof(*plan));
	if (!strcmp(c->job->placement, "none"))
		return 0;
	ret = aff_placement_parse(c->job->placement, &pl, why, sizeof(why));
	if (!ret) {
		counts.n[AFF_ROLE_IOTHREAD] = 1;
		counts.n[AFF_ROLE_GUEST] = c->nvcpus;
		ret = aff_placement_resolve_here(&pl, c->job->target, &counts,
						 plan, why, sizeof(why));
	}
	if (ret) {
		snprintf(c->why, c->whylen, "placement '%s' %s: %s",
			 c->job->placement, ret == -ENOTSUP ? "skipped" :
			 "failed", why);
		return ret;
	}
	ret = aff_pin_tid(c->iothread_tid,
			  aff_plan_cpu(plan, AFF_ROLE_IOTHREAD, 0));
	for (int i = 0; !ret && i < c->nvcpus; i++)
		ret = aff_pin_tid(c->vcpu_tids[i],
				  aff_plan_cpu(plan, AFF_ROLE_GUEST, i));
	if (ret)
		snprintf(c->why, c->whylen, "cannot pin QEMU's threads: %s",
			 strerror(-ret));
	return ret;
}

static int set_prop(struct ctx *c, const char *prop, int64_t v)
{
	json_t *args = json_pack("{s:s, s:s, s:I}", "path", "/objects/io0",
				 "property", prop, "value", (json_int_t)v);

	return qm_qmp_cmd(&c->qmp, "qom-set", args, NULL, 5000, c->why,
			  c->whylen);
}

static int set_poll_params(struct ctx *c)
{
	int ret;

	/* Each set resets the window to 0 (QEMU's set_poll_params). */
	ret = set_prop(c, "poll-grow", c->job->poll_grow);
	if (!ret)
		ret = set_prop(c, "poll-shrink", c->job->poll_shrink);
	if (!ret)
		ret = set_prop(c, "aio-max-batch", c->job->aio_max_batch);
	if (!ret)
		ret = set_prop(c, "poll-max-ns", c->job->poll_max_ns);
	return ret;
}

/* ---- The measurement -------------------------------------------------- */

struct sample {
	int64_t t_us;          /* wall clock */
	int64_t ops;           /* the disk's reads + writes (QMP) */
	struct qm_cpu io, vcpu, proc;
};

static int disk_ops(struct ctx *c, int64_t *ops)
{
	json_t *r = NULL, *v;
	size_t i;
	int ret;

	ret = qm_qmp_cmd(&c->qmp, "query-blockstats", NULL, &r, 5000,
			 c->why, c->whylen);
	if (ret)
		return ret;
	*ops = 0;
	json_array_foreach(r, i, v) {
		json_t *st = json_object_get(v, "stats");

		*ops += json_integer_value(json_object_get(st,
							   "rd_operations")) +
			json_integer_value(json_object_get(st,
							   "wr_operations"));
	}
	json_decref(r);
	return 0;
}

static void take_sample(struct ctx *c, struct sample *s)
{
	struct qm_cpu t;

	memset(s, 0, sizeof(*s));
	s->t_us = wall_us();
	qm_proc_cpu(c->vm.qemu, c->iothread_tid, &s->io);
	for (int i = 0; i < c->nvcpus; i++) {
		if (qm_proc_cpu(c->vm.qemu, c->vcpu_tids[i], &t))
			continue;
		s->vcpu.usr_ns += t.usr_ns;
		s->vcpu.sys_ns += t.sys_ns;
		s->vcpu.run_ns += t.run_ns;
		s->vcpu.vol_csw += t.vol_csw;
		s->vcpu.invol_csw += t.invol_csw;
		s->vcpu.cpu = t.cpu;
	}
	qm_proc_cpu(c->vm.qemu, 0, &s->proc);
}

/* The guest's fio command: the point's workload on /dev/vda. */
static char *guest_fio_args(const struct wl_job *job)
{
	struct wl_job g = *job;
	char **argv, *line;
	size_t len = 0;

	snprintf(g.target, sizeof(g.target), "/dev/vda");
	/* fio in the guest submits with libaio, as most guests' fio does. */
	snprintf(g.engine, sizeof(g.engine), "linux-aio");
	g.iothreads = 1;
	argv = fio_argv("fio", &g, FIO_VAR_PLAIN, NULL, "/tmp/fio.json");
	if (!argv)
		return NULL;
	for (int i = 1; argv[i]; i++)
		len += strlen(argv[i]) + 2;
	line = malloc(len + 1);
	if (line) {
		line[0] = '\0';
		for (int i = 1; argv[i]; i++) {
			/* json+: fio adds its latency histogram ("bins"). */
			if (!strcmp(argv[i], "--output-format=json"))
				strcat(line, "--output-format=json+");
			else
				strcat(line, argv[i]);
			if (argv[i + 1])
				strcat(line, " ");
		}
	}
	res_argv_free(argv);
	return line;
}

/* Index of the first sample at or after t (n if none). */
static size_t at_or_after(const struct sample *s, size_t n, int64_t t)
{
	size_t i;

	for (i = 0; i < n && s[i].t_us < t; i++)
		;
	return i;
}

struct window {
	size_t a, b;            /* samples bounding it */
	int64_t io_start_us;    /* first request seen */
	bool whole;             /* too short: the whole I/O span */
};

static void find_window(const struct wl_job *job, const struct sample *s,
			size_t n, struct window *w)
{
	size_t first = n, last = 0;

	memset(w, 0, sizeof(*w));
	for (size_t i = 1; i < n; i++) {
		if (s[i].ops > s[0].ops && first == n)
			first = i;
		if (s[i].ops > s[i - 1].ops)
			last = i;
	}
	if (first == n) {
		w->a = 0;
		w->b = n ? n - 1 : 0;
		w->whole = true;
		return;
	}
	w->io_start_us = s[first].t_us;
	w->a = at_or_after(s, n, s[first].t_us + job->ramp_ns / 1000);
	w->b = at_or_after(s, n, s[w->a < n ? w->a : first].t_us +
			   job->runtime_ns / 1000);
	if (w->b >= n || w->b > last)
		w->b = last;
	if (w->a >= w->b) {
		w->a = first > 0 ? first - 1 : 0;
		w->b = last;
		w->whole = true;
	}
}

static double pct(int64_t d_ns, int64_t span_us)
{
	return span_us > 0 ? 100.0 * (double)d_ns / ((double)span_us * 1e3) :
	       NAN;
}

static json_t *thread_json(const char *role, int index, int tid,
			   const struct qm_cpu *a, const struct qm_cpu *b,
			   int cpu_req, const char *name)
{
	return json_pack("{s:s, s:i, s:i, s:s, s:I, s:I, s:I, s:I, s:I, "
			 "s:i, s:i}", "role", role, "index", index, "tid", tid,
			 "name", name,
			 "cpu_ns", (json_int_t)(b->run_ns - a->run_ns),
			 "usr_ns", (json_int_t)(b->usr_ns - a->usr_ns),
			 "sys_ns", (json_int_t)(b->sys_ns - a->sys_ns),
			 "vol_csw", (json_int_t)(b->vol_csw - a->vol_csw),
			 "invol_csw",
			 (json_int_t)(b->invol_csw - a->invol_csw),
			 "cpu_requested", cpu_req, "cpu_realized", b->cpu);
}

/* Read the trace log from offset on (what this run added). */
static char *read_trace(const char *dir, off_t off, size_t *len)
{
	char path[QM_PATH_MAX + 32], *buf;
	struct stat st;
	ssize_t n;
	int fd;

	*len = 0;
	snprintf(path, sizeof(path), "%s/trace.log", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size < off) {
		if (fd >= 0)
			close(fd);
		return calloc(1, 1);
	}
	buf = malloc((size_t)(st.st_size - off) + 1);
	if (!buf) {
		close(fd);
		return NULL;
	}
	n = pread(fd, buf, (size_t)(st.st_size - off), off);
	close(fd);
	*len = n > 0 ? (size_t)n : 0;
	buf[*len] = '\0';
	return buf;
}

static off_t trace_size(const char *dir)
{
	char path[QM_PATH_MAX + 32];
	struct stat st;

	snprintf(path, sizeof(path), "%s/trace.log", dir);
	return stat(path, &st) ? 0 : st.st_size;
}

static json_t *loop_json(const struct qm_loop *l, const char *policy)
{
	json_t *o, *tr = json_array();

	for (size_t i = 0; i < l->nsamples; i++)
		json_array_append_new(tr, json_pack("[I, I]",
			(json_int_t)l->samples[i].t_ns,
			(json_int_t)l->samples[i].window_ns));
	o = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}",
		      "source", "QEMU trace events (poll_grow, poll_shrink, "
		      "run_poll_handlers_begin/end) of the IOThread",
		      "policy", policy,
		      "poll_attempts", (json_int_t)l->attempts,
		      "poll_hits", (json_int_t)l->hits,
		      "poll_misses", (json_int_t)l->misses,
		      "grow_events", (json_int_t)l->grow,
		      "shrink_events", (json_int_t)l->shrink,
		      "shrink_traced", (json_int_t)l->shrink_traced,
		      "poll_budget_ns", (json_int_t)l->poll_budget_ns,
		      "window_trace", tr);
	json_object_set_new(o, "window_ns",
			    json_integer(l->window_ns < 0 ? 0 : l->window_ns));
	json_object_set_new(o, "window_max_ns",
			    json_integer(l->window_max_ns));
	json_object_set_new(o, "trace_lines", json_integer((json_int_t)l->lines));
	json_object_set_new(o, "trace_bad_lines",
			    json_integer((json_int_t)l->bad_lines));
	json_object_set_new(o, "window_trace_dropped",
			    json_integer((json_int_t)l->dropped));
	return o;
}

struct measured {
	struct sample *s;
	size_t n;
	struct qm_console_result res;
	char *fio_args;
	char id[64];
	off_t trace_off;
	int64_t sent_us, done_us;
};

static int measure(struct ctx *c, struct measured *m)
{
	const struct wl_job *job = c->job;
	int64_t limit = job->runtime_ns + job->ramp_ns +
			c->o->guest_timeout_ns;
	int64_t deadline = now_ns() + limit;
	int64_t next = 0;
	char cmd[8192], tail[1024];
	static unsigned seq;
	int ret;

	m->s = calloc(QM_MAX_SAMPLES, sizeof(*m->s));
	m->fio_args = guest_fio_args(job);
	if (!m->s || !m->fio_args) {
		snprintf(c->why, c->whylen, "out of memory");
		return -ENOMEM;
	}
	snprintf(m->id, sizeof(m->id), "r%d-%u", (int)getpid(), ++seq);
	snprintf(cmd, sizeof(cmd), "AIOTUNE-RUN %s %s\n", m->id, m->fio_args);
	m->trace_off = trace_size(c->dir);
	take_sample(c, &m->s[0]);
	ret = disk_ops(c, &m->s[0].ops);
	if (ret)
		return ret;
	m->n = 1;
	m->sent_us = wall_us();
	ret = console_send(&c->con, cmd);
	if (ret) {
		snprintf(c->why, c->whylen, "cannot write to the guest's "
			 "console: %s", strerror(-ret));
		return ret;
	}
	for (;;) {
		ret = qm_console_result(c->con.text, c->con.len, 0, m->id,
					&m->res, c->why, c->whylen);
		if (ret != -EAGAIN)
			break;
		if (*c->stop) {
			snprintf(c->why, c->whylen, "interrupted while fio ran "
				 "in the guest: QEMU stopped");
			return -ECANCELED;
		}
		if (!qm_vm_alive(&c->vm)) {
			died(c, "while fio ran in the guest");
			return -EIO;
		}
		if (now_ns() > deadline) {
			console_log_tail(c->dir, tail, sizeof(tail));
			snprintf(c->why, c->whylen, "the guest did not finish "
				 "fio within %.1f s (killed); console: %s",
				 limit / 1e9, tail[0] ? tail : "empty");
			return -ETIMEDOUT;
		}
		if (now_ns() >= next && m->n < QM_MAX_SAMPLES) {
			struct sample *s = &m->s[m->n];

			take_sample(c, s);
			ret = disk_ops(c, &s->ops);
			if (ret)
				return ret;
			m->n++;
			next = now_ns() + QM_SAMPLE_MS * 1000000LL;
		}
		ret = console_read(&c->con, QM_SAMPLE_MS / 2);
		if (ret) {
			if (!qm_vm_alive(&c->vm)) {
				died(c, "while fio ran in the guest");
				return -EIO;
			}
			snprintf(c->why, c->whylen, "the guest's console "
				 "closed: %s", strerror(-ret));
			return ret;
		}
	}
	m->done_us = wall_us();
	if (ret)
		return ret;
	if (m->res.rc) {
		snprintf(c->why, c->whylen, "fio failed in the guest (exit "
			 "status %d): %s", m->res.rc, m->res.err[0] ?
			 m->res.err : "no message");
		return -EIO;
	}
	return 0;
}

/* The run object from fio's JSON, the samples and the trace. */
static int build_run(struct ctx *c, struct measured *m,
		     const struct aff_plan *plan, json_t **out)
{
	const struct wl_job *job = c->job;
	struct wl_job rj = *job;
	struct window w;
	struct qm_loop *loop;
	const struct sample *a, *b;
	json_t *run, *jj, *cpu, *threads, *q;
	char name[64], *trace;
	size_t tlen;
	int major = 0, minor = 0, ret;
	int64_t span;

	ret = qm_fio_result(m->res.json, job->rw, &run, c->why, c->whylen);
	if (ret)
		return ret;

	find_window(job, m->s, m->n, &w);
	a = &m->s[w.a];
	b = &m->s[w.b];
	span = b->t_us - a->t_us;
	trace = read_trace(c->dir, m->trace_off, &tlen);
	loop = calloc(1, sizeof(*loop));
	if (!trace || !loop) {
		free(trace);
		free(loop);
		json_decref(run);
		snprintf(c->why, c->whylen, "out of memory");
		return -ENOMEM;
	}
	/* qom-set of poll-max-ns left the window at 0. */
	qm_trace_fold(trace, tlen, c->iothread_tid, a->t_us, b->t_us, 0, loop);
	free(trace);

	sscanf(c->version, "%d.%d", &major, &minor);
	rj.iothreads = 1;
	snprintf(rj.frontend, sizeof(rj.frontend), "virtio");
	snprintf(rj.poll_policy, sizeof(rj.poll_policy), "%s",
		 qm_policy_of_version(major, minor));
	snprintf(rj.guest_think, sizeof(rj.guest_think), "0");
	rj.guest_think_ns = 0;
	jj = wl_job_json(&rj);
	json_object_set_new(jj, "accel", json_string(c->boot.accel));
	json_object_set_new(run, "job", jj);
	json_object_set_new(run, "tool", json_string("qemu"));
	json_object_set_new(run, "version", json_string(c->version));

	cpu = json_object();
	threads = json_array();
	qm_proc_comm(c->vm.qemu, c->iothread_tid, name, sizeof(name));
	json_array_append_new(threads, thread_json("iothread", 0,
		c->iothread_tid, &a->io, &b->io,
		aff_plan_cpu(plan, AFF_ROLE_IOTHREAD, 0), name));
	/* One vCPU (qm_boot.vcpus): its thread is the guest's. */
	qm_proc_comm(c->vm.qemu, c->vcpu_tids[0], name, sizeof(name));
	json_array_append_new(threads, thread_json("guest", 0,
		c->vcpu_tids[0], &a->vcpu, &b->vcpu,
		aff_plan_cpu(plan, AFF_ROLE_GUEST, 0), name));
	json_object_set_new(cpu, "iothread_pct",
			    json_real(pct(b->io.run_ns - a->io.run_ns, span)));
	json_object_set_new(cpu, "guest_pct",
			    json_real(pct(b->vcpu.run_ns - a->vcpu.run_ns,
					  span)));
	json_object_set_new(cpu, "process_pct",
			    json_real(pct(b->proc.run_ns - a->proc.run_ns,
					  span)));
	json_object_set_new(cpu, "source", json_string(
		"/proc of QEMU's threads over the host's window"));
	json_object_set_new(cpu, "threads", threads);
	json_object_set_new(run, "cpu", cpu);
	json_object_set_new(run, "loop", loop_json(loop, rj.poll_policy));

	q = json_object();
	json_object_set_new(q, "version", json_string(c->version));
	json_object_set_new(q, "accel", json_string(c->boot.accel));
	json_object_set_new(q, "accel_requested", json_string(c->o->accel));
	json_object_set_new(q, "emulated",
			    json_boolean(!strcmp(c->boot.accel, "tcg")));
	if (c->accel_note[0])
		json_object_set_new(q, "accel_note",
				    json_string(c->accel_note));
	json_object_set_new(q, "aio", json_string(c->boot.aio));
	json_object_set_new(q, "read_only", json_boolean(c->boot.read_only));
	json_object_set_new(q, "command_line", json_string(c->vm.cmdline));
	json_object_set_new(q, "boot_ns", json_integer(c->vm.boot_ns));
	json_object_set_new(q, "booted_for_this_run",
			    json_boolean(!c->reused));
	json_object_set_new(q, "runs_on_this_boot", json_integer(c->vm.runs));
	json_object_set_new(q, "guest_kernel",
			    json_string(c->g.kernel_package));
	json_object_set_new(q, "guest_fio_args", json_string(m->fio_args));
	json_object_set_new(q, "iothread_tid", json_integer(c->iothread_tid));
	json_object_set_new(q, "window", json_pack(
		"{s:I, s:I, s:I, s:I, s:b, s:i}",
		"start_unix_us", (json_int_t)a->t_us,
		"span_us", (json_int_t)span,
		"io_start_unix_us", (json_int_t)w.io_start_us,
		"host_ios", (json_int_t)(b->ops - a->ops),
		"whole_io_span", w.whole, "samples", (int)m->n));
	json_object_set_new(run, "qemu", q);
	free(loop);
	*out = run;
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

	ret = guest_image(c->o, &c->g, c->why, c->whylen);
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
			ret = console_connect(&c->con, c->dir, &c->vm, 5000,
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
	ret = find_threads(c);
	if (!ret)
		ret = pin_threads(c, &plan);
	if (!ret)
		ret = set_poll_params(c);
	c->vm.busy = true;
	if (!ret)
		ret = qm_vm_save(&c->vm);
	if (!ret)
		ret = measure(c, &m);
	if (!ret)
		ret = build_run(c, &m, &plan, run);
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
	console_close(&c->con);
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
