/* engine-real.c: target handling shared by the real engines. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "workloads/engine-real.h"

void wl_real_target_opts(const struct wl_job *job, struct wl_target_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->size = job->size ? job->offset + job->size : 0;
	o->write = wl_rw_writes(job->rw);
	o->allow_write = job->allow_write;
	o->direct = job->direct;
	o->seed = job->seed;
}

/* The request size fits the target's alignment (known once it exists). */
static int check_bs(const struct wl_job *job, const struct wl_target *t,
		    char *err, size_t errlen)
{
	if (t->missing || job->bs % t->align == 0)
		return 0;
	snprintf(err, errlen, "%s: block size %u is not a multiple of the "
		 "target's %u-byte alignment for %s I/O", job->target, job->bs,
		 t->align, t->direct ? "direct" : "buffered");
	return -EINVAL;
}

int wl_real_check(const struct wl_job *job, char *err, size_t errlen)
{
	struct wl_target_opts o;
	struct wl_target t;
	int ret;

	if (!strncmp(job->target, "sim:", 4) || !strcmp(job->target, "sim")) {
		snprintf(err, errlen, "--engine %s needs --target FILE or a "
			 "block device; '%s' is a sim: target, which needs "
			 "--engine simnvme", job->engine, job->target);
		return -EINVAL;
	}
	wl_real_target_opts(job, &o);
	ret = wl_target_check(&t, job->target, &o, err, errlen);
	return ret ? ret : check_bs(job, &t, err, errlen);
}

int wl_real_prepare(const struct wl_job *job, bool *created, char *err,
		    size_t errlen)
{
	struct wl_target_opts o;
	struct wl_target t;
	int ret;

	wl_real_target_opts(job, &o);
	o.create = true;
	o.msg = stderr;
	ret = wl_target_open(&t, job->target, &o, err, errlen);
	if (ret)
		return ret;
	if (created)
		*created = t.created;
	ret = check_bs(job, &t, err, errlen);
	wl_target_close(&t);
	return ret;
}

int wl_real_open(struct wl_engine *e, struct wl_target *t)
{
	struct wl_target_opts o;
	int ret;

	wl_real_target_opts(e->job, &o);
	ret = wl_target_open(t, e->job->target, &o, e->err, sizeof(e->err));
	if (ret)
		return ret;
	e->size = t->size;
	/* Buffered I/O has no alignment rule; O_DIRECT has the target's. */
	e->align = t->direct ? t->align : 1;
	e->mem_align = t->mem_align;
	snprintf(e->disk, sizeof(e->disk), "%s", t->disk);
	return 0;
}

bool wl_real_io_allowed(const struct wl_target *t, const struct wl_io *io)
{
	return io->ddir == WL_DDIR_READ || t->writable;
}
