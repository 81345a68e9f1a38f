/*
 * run-internal.h: what the files of one QEMU run share (run.c boots and
 * orders the steps, measure.c talks to QEMU and samples, result.c builds
 * the run object). Not a public API: qemu.h is.
 */
#ifndef AIOTUNE_QEMU_RUN_INTERNAL_H
#define AIOTUNE_QEMU_RUN_INTERNAL_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "affinity/affinity.h"
#include "qemu/conio.h"
#include "qemu/console.h"
#include "qemu/guest.h"
#include "qemu/qemu.h"
#include "qemu/qmp.h"
#include "qemu/vm.h"
#include "qemu/window.h"

#define QM_SAMPLE_MS 20          /* the host's sampling period */
#define QM_MAX_SAMPLES 65536
#define QM_MAX_VCPUS 8

struct ctx {
	const struct wl_job *job;
	const struct qm_opts *o;
	volatile sig_atomic_t *stop;
	struct qm_guest g;
	struct qm_boot boot;
	struct qm_vm vm;
	bool vm_started;     /* by this run */
	bool reused;
	bool own_session;
	char dir[QM_PATH_MAX];
	struct qm_con con;
	struct qm_qmp qmp;
	char accel_note[512];
	char version[64];
	int iothread_tid;
	int vcpu_tids[QM_MAX_VCPUS];
	int nvcpus;
	char *why;
	size_t whylen;
};

struct measured {
	struct qm_sample *s;
	size_t n;
	struct qm_console_result res;
	char *fio_args;
	char id[64];
	off_t trace_off;
	int64_t sent_us, done_us;
};

/* Why QEMU is gone, into c->why: its stderr's or the console's last line. */
void qm__died(struct ctx *c, const char *when);
/* QMP: the IOThread's and vCPUs' thread ids into c. 0 or -errno. */
int qm__find_threads(struct ctx *c);
/* Pin them as c->job->placement says; plan gets the CPUs. 0/-errno. */
int qm__pin_threads(struct ctx *c, struct aff_plan *plan);
/* qom-set the point's poll-grow, -shrink, aio-max-batch, poll-max-ns. */
int qm__set_poll_params(struct ctx *c);
/* Run fio in the guest, sampling; m gets the samples and fio's JSON. */
int qm__measure(struct ctx *c, struct measured *m);
/* The run object from m. 0 or -errno with c->why. */
int qm__build_run(struct ctx *c, struct measured *m,
		  const struct aff_plan *plan, json_t **out);
/* Clocks: monotonic ns, wall-clock us. */
int64_t qm__now_ns(void);
int64_t qm__wall_us(void);

#endif
