/* targets.c: a sweep's targets, created once, and who may write (see .h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu/point.h"
#include "sweep/targets.h"
#include "workloads/fio-cmd.h"
#include "workloads/job.h"
#include "workloads/peer.h"
#include "workloads/runner.h"

int sw_point_check_writes(const struct sw_point *p, bool allow_write,
			  char *err, size_t errlen)
{
	struct wl_job job;
	int ret;

	ret = sw_point_job(p, &job, err, errlen);
	if (ret)
		return ret;
	job.allow_write = allow_write;
	return wl_engine_is_qemu(job.engine) ? qm_job_check(&job, err, errlen) :
					       wl_job_check(&job, err, errlen);
}

/*
 * The job of p; a peer's (fio, a QEMU guest) as the aiotune engine of the
 * same kind, whose target rules it follows.
 */
static int point_job(const struct sw_point *p, struct wl_job *job,
		     char *err, size_t errlen)
{
	const char *peer = wl_fio_engine_peer(p->engine);
	int ret = sw_point_job(p, job, err, errlen);

	if (ret)
		return ret;
	if (wl_engine_is_fio(p->engine) && peer) {
		snprintf(job->engine, sizeof(job->engine), "%s", peer);
	} else if (wl_engine_is_qemu(p->engine)) {
		snprintf(job->engine, sizeof(job->engine), "%s",
			 wl_qemu_engine_peer(p->engine));
		snprintf(job->frontend, sizeof(job->frontend), "direct");
		job->guest_think_ns = 0;
	}
	return 0;
}

/* The first point before i with the same target, or i. */
static size_t first_with_target(const struct sw_plan *plan, size_t i)
{
	for (size_t k = 0; k < i; k++)
		if (!strcmp(plan->points[k].target, plan->points[i].target))
			return k;
	return i;
}

int sw_plan_prepare_targets(const struct sw_plan *plan, bool allow_write,
			    bool *may_write, char *err, size_t errlen)
{
	bool *created = calloc(plan->npoints + 1, sizeof(*created));
	bool *checked = calloc(plan->npoints + 1, sizeof(*checked));
	int ret = 0;

	if (!created || !checked) {
		snprintf(err, errlen, "out of memory");
		ret = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < plan->npoints && !ret; i++) {
		size_t first = first_with_target(plan, i);
		struct wl_job job;

		ret = point_job(&plan->points[i], &job, err, errlen);
		if (ret)
			break;
		job.allow_write = allow_write;
		if (first == i)
			ret = wl_job_prepare(&job, &created[i], err, errlen);
		else
			created[i] = created[first];
		job.allow_write = allow_write || created[i];
		may_write[i] = job.allow_write && wl_rw_writes(job.rw);
		/*
		 * A write to a target that was there before needs the flag;
		 * one check per target (a resumed sweep finds its own file
		 * existing and says so here, before any run).
		 */
		if (!ret && wl_rw_writes(job.rw) && !checked[first]) {
			checked[first] = true;
			ret = wl_job_check(&job, err, errlen);
		}
	}
out:
	free(created);
	free(checked);
	return ret;
}
