/*
 * measure.c: a QEMU run's talk with QEMU (QMP: threads, pinning, the
 * IOThread's poll parameters) and the measurement itself: the job sent
 * to the guest's console, the host sampling the disk's requests and the
 * threads' CPU every QM_SAMPLE_MS until fio's JSON comes back.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "qemu/fio-result.h"
#include "qemu/proc.h"
#include "qemu/run-internal.h"
#include "util/spawn.h"
#include "workloads/fio-cmd.h"

int qm__find_threads(struct ctx *c)
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

int qm__pin_threads(struct ctx *c, struct aff_plan *plan)
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

int qm__set_poll_params(struct ctx *c)
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

static void take_sample(struct ctx *c, struct qm_sample *s)
{
	struct qm_cpu t;

	memset(s, 0, sizeof(*s));
	s->t_us = qm__wall_us();
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
	argv = wl_fio_argv("fio", &g, WL_FIO_PLAIN, NULL, "/tmp/fio.json");
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
	util_argv_free(argv);
	return line;
}

static off_t trace_size(const char *dir)
{
	char path[QM_PATH_MAX + 32];
	struct stat st;

	snprintf(path, sizeof(path), "%s/trace.log", dir);
	return stat(path, &st) ? 0 : st.st_size;
}

int qm__measure(struct ctx *c, struct measured *m)
{
	const struct wl_job *job = c->job;
	int64_t limit = job->runtime_ns + job->ramp_ns +
			c->o->guest_timeout_ns;
	int64_t deadline = qm__now_ns() + limit;
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
	m->sent_us = qm__wall_us();
	ret = qm_con_send(&c->con, cmd);
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
			qm__died(c, "while fio ran in the guest");
			return -EIO;
		}
		if (qm__now_ns() > deadline) {
			qm_con_log_tail(c->dir, tail, sizeof(tail));
			snprintf(c->why, c->whylen, "the guest did not finish "
				 "fio within %.1f s (killed); console: %s",
				 limit / 1e9, tail[0] ? tail : "empty");
			return -ETIMEDOUT;
		}
		if (qm__now_ns() >= next && m->n < QM_MAX_SAMPLES) {
			struct qm_sample *s = &m->s[m->n];

			take_sample(c, s);
			ret = disk_ops(c, &s->ops);
			if (ret)
				return ret;
			m->n++;
			next = qm__now_ns() + QM_SAMPLE_MS * 1000000LL;
		}
		ret = qm_con_read(&c->con, QM_SAMPLE_MS / 2);
		if (ret) {
			if (!qm_vm_alive(&c->vm)) {
				qm__died(c, "while fio ran in the guest");
				return -EIO;
			}
			snprintf(c->why, c->whylen, "the guest's console "
				 "closed: %s", strerror(-ret));
			return ret;
		}
	}
	m->done_us = qm__wall_us();
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
