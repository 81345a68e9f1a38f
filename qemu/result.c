/*
 * result.c: a QEMU run's run object (docs/run-json.md): fio's figures
 * from the guest, CPU over the host's window, QEMU's trace events as the
 * loop statistics, and what QEMU ran (the "qemu" object).
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
#include "qemu/point.h"
#include "qemu/proc.h"
#include "qemu/run-internal.h"
#include "qemu/trace.h"
#include "results/runjson.h"
#include "workloads/result.h"

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

/* The run object from fio's JSON, the samples and the trace. */
int qm__build_run(struct ctx *c, struct measured *m,
		     const struct aff_plan *plan, json_t **out)
{
	const struct wl_job *job = c->job;
	struct wl_job rj = *job;
	struct qm_window w;
	struct qm_loop *loop;
	const struct qm_sample *a, *b;
	json_t *run, *jj, *cpu, *threads, *q;
	char name[64], *trace;
	size_t tlen;
	int major = 0, minor = 0, ret;
	int64_t span;

	ret = qm_fio_result(m->res.json, job->rw, &run, c->why, c->whylen);
	if (ret)
		return ret;

	qm_find_window(job->ramp_ns, job->runtime_ns, m->s, m->n, &w);
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
	jj = res_job_json(&rj);
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
