/* grid.c: sweep dimensions, value lists and the grid's points. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu/point.h"
#include "results/summary.h"
#include "sweep/grid.h"
#include "util/spawn.h"
#include "workloads/option.h"
#include "workloads/peer.h"
#include "workloads/runner.h"
#include "workloads/units.h"

/*
 * A dimension is a job option (workloads/option.h): its values are
 * checked by the option's kind and limits, with the option's one-line
 * error, as `aiotune run` checks them.
 */
struct dim_desc {
	const char *key;        /* the option's name */
	size_t off;             /* in struct sw_point */
	size_t size;            /* text: the buffer */
	char sep;               /* list separator */
};

#define PT(f) offsetof(struct sw_point, f), \
	sizeof(((struct sw_point *)0)->f)

static const struct dim_desc dims[SW_NR_DIMS] = {
	[SW_DIM_ENGINE] = { "engine", PT(engine), ',' },
	[SW_DIM_TARGET] = { "target", PT(target), '|' },
	[SW_DIM_RW] = { "rw", PT(rw), ',' },
	[SW_DIM_BS] = { "bs", PT(bs), ',' },
	[SW_DIM_FRONTEND] = { "frontend", PT(frontend), ',' },
	[SW_DIM_GUEST_THINK] = { "guest-think", PT(guest_think), ',' },
	[SW_DIM_IOTHREADS] = { "iothreads", PT(iothreads), ',' },
	[SW_DIM_PLACEMENT] = { "placement", PT(placement), ',' },
	[SW_DIM_IODEPTH] = { "iodepth", PT(iodepth), ',' },
	[SW_DIM_POLL_POLICY] = { "poll-policy", PT(poll_policy), ',' },
	[SW_DIM_POLL_GROW] = { "poll-grow", PT(poll_grow), ',' },
	[SW_DIM_POLL_SHRINK] = { "poll-shrink", PT(poll_shrink), ',' },
	[SW_DIM_POLL_WEIGHT] = { "poll-weight", PT(poll_weight), ',' },
	[SW_DIM_FDMON] = { "fdmon", PT(fdmon), ',' },
	[SW_DIM_URING_RING] = { "uring-ring", PT(uring_ring), ',' },
	[SW_DIM_RING_FLAGS] = { "ring-flags", PT(ring_flags), ',' },
	[SW_DIM_RUNTIME] = { "runtime", PT(runtime_ns), ',' },
	[SW_DIM_RAMP] = { "ramp", PT(ramp_ns), ',' },
	[SW_DIM_POLL_MAX_NS] = { "poll-max-ns", PT(poll_max_ns), ',' },
};

/* The job option of dimension d. */
static const struct wl_opt *opt_of(enum sw_dim d)
{
	return wl_opt_find(dims[d].key);
}

static bool text_dim(enum sw_dim d)
{
	enum wl_opt_kind k = opt_of(d)->kind;

	return k == WL_OPT_WORD || k == WL_OPT_STRING;
}

const char *sw_dim_key(enum sw_dim d)
{
	return (unsigned int)d < SW_NR_DIMS ? dims[d].key : "?";
}

const char *sw_dim_keys(void)
{
	static char buf[512];

	if (!buf[0]) {
		size_t len = 0;

		for (int d = 0; d < SW_NR_DIMS; d++)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len,
						"%s%s", d ? ", " : "",
						dims[d].key);
	}
	return buf;
}

int sw_dim_find(const char *key)
{
	char norm[RES_NAME_MAX];
	size_t i;

	for (i = 0; key[i] && i + 1 < sizeof(norm); i++)
		norm[i] = key[i] == '_' ? '-' : key[i];
	norm[i] = '\0';
	for (int d = 0; d < SW_NR_DIMS; d++)
		if (strcmp(norm, dims[d].key) == 0)
			return d;
	return -1;
}

void sw_grid_init(struct sw_grid *g)
{
	memset(g, 0, sizeof(*g));
	strcpy(g->global.name, "cli");
	g->repetitions = 3;
	strcpy(g->name, "sweep");
}

void sw_section_free(struct sw_section *s)
{
	for (int d = 0; d < SW_NR_DIMS; d++)
		for (int i = 0; i < s->dims[d].n; i++)
			free(s->dims[d].str[i]);
}

void sw_grid_free(struct sw_grid *g)
{
	sw_section_free(&g->global);
	for (int i = 0; i < g->nsections; i++) {
		sw_section_free(g->sections[i]);
		free(g->sections[i]);
	}
	free(g->points);
	memset(g, 0, sizeof(*g));
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int add_value(struct sw_list *l, enum sw_dim d, bool as_flag,
		     const char *item, char *err, size_t errlen)
{
	const struct wl_opt *o = opt_of(d);
	char buf[32];
	int64_t num = 0;
	const char *canon = item;

	if (l->n == SW_MAX_VALUES) {
		snprintf(err, errlen, "too many values for %s%s: at most %d",
			 as_flag ? "--" : "", dims[d].key, SW_MAX_VALUES);
		return -E2BIG;
	}
	if (wl_opt_parse(o, as_flag, item, &num, err, errlen))
		return -EINVAL;
	if (!text_dim(d)) {
		snprintf(buf, sizeof(buf), "%" PRId64, num);
		canon = buf;
	}
	l->str[l->n] = strdup(canon);
	if (!l->str[l->n]) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	l->num[l->n++] = num;
	return 0;
}

int sw_section_set(struct sw_section *s, enum sw_dim d, const char *value,
		   bool as_flag, char *err, size_t errlen)
{
	struct sw_list *l = &s->dims[d];
	char *copy, *p, sepc;
	int ret = 0;

	if (!value || strspn(value, " \t") == strlen(value)) {
		wl_opt_error(opt_of(d), as_flag, "", err, errlen);
		return -EINVAL;
	}
	copy = strdup(value);
	if (!copy)
		return -ENOMEM;
	p = copy;
	/* Explicit placements ("iothread=0,1;guest=2") hold commas. */
	sepc = d == SW_DIM_PLACEMENT && strchr(value, '=') ? '|' : dims[d].sep;
	for (;;) {
		char *sep = strchr(p, sepc);

		if (sep)
			*sep = '\0';
		ret = add_value(l, d, as_flag, trim(p), err, errlen);
		if (ret || !sep)
			break;
		p = sep + 1;
	}
	free(copy);
	return ret;
}

bool sw_section_has(const struct sw_section *s, enum sw_dim d)
{
	return s->dims[d].n > 0;
}

/* The default list of each dimension: aiotune run's defaults, except the
 * two a sweep is about (poll-max-ns and iodepth). */
static int default_list(struct sw_list *l, enum sw_dim d)
{
	static const char *const poll_default = "0,2k,4k,8k,16k,32k,64k,128k,256k";
	struct sw_section tmp;
	struct wl_job job;
	char val[RES_TARGET_MAX], err[256];
	const char *v = val;
	int ret;

	wl_job_init(&job);
	switch (d) {
	case SW_DIM_ENGINE: v = job.engine; break;
	case SW_DIM_TARGET: v = job.target; break;
	case SW_DIM_RW: v = wl_rw_name(job.rw); break;
	case SW_DIM_BS: snprintf(val, sizeof(val), "%u", job.bs); break;
	case SW_DIM_FRONTEND: v = job.frontend; break;
	case SW_DIM_GUEST_THINK: v = job.guest_think; break;
	case SW_DIM_IOTHREADS:
		snprintf(val, sizeof(val), "%u", job.iothreads);
		break;
	case SW_DIM_PLACEMENT: v = job.placement; break;
	case SW_DIM_IODEPTH: v = "1,32"; break;
	case SW_DIM_POLL_POLICY: v = job.poll_policy; break;
	case SW_DIM_POLL_GROW:
	case SW_DIM_POLL_SHRINK:
	case SW_DIM_POLL_WEIGHT: v = "0"; break;
	case SW_DIM_FDMON: v = job.fdmon; break;
	case SW_DIM_URING_RING: v = job.uring_ring; break;
	case SW_DIM_RING_FLAGS: v = job.ring_flags; break;
	case SW_DIM_RUNTIME:
		snprintf(val, sizeof(val), "%" PRId64 "ns", job.runtime_ns);
		break;
	case SW_DIM_RAMP:
		snprintf(val, sizeof(val), "%" PRId64 "ns", job.ramp_ns);
		break;
	case SW_DIM_POLL_MAX_NS: v = poll_default; break;
	default: return -EINVAL;
	}
	memset(&tmp, 0, sizeof(tmp));
	ret = sw_section_set(&tmp, d, v, false, err, sizeof(err));
	if (!ret)
		*l = tmp.dims[d];
	return ret;
}

static void list_free(struct sw_list *l)
{
	for (int i = 0; i < l->n; i++)
		free(l->str[i]);
	l->n = 0;
}

static void set_dim(struct sw_point *p, enum sw_dim d,
		    const struct sw_list *l, int i)
{
	char *base = (char *)p + dims[d].off;

	if (text_dim(d))
		snprintf(base, dims[d].size, "%s", l->str[i]);
	else
		*(int64_t *)base = l->num[i];
}

/*
 * A QEMU point has what a QEMU guest has, whatever the grid said: the
 * virtio front end (virtio-blk), no guest think time, and the poll policy
 * of the installed QEMU (qm_binary_policy); the grid's values are
 * replaced, so results and figures say what ran.
 */
static void qemu_point_normalize(struct sw_point *p)
{
	const char *q = getenv("AIOTUNE_QEMU");

	if (!wl_engine_is_qemu(p->engine))
		return;
	snprintf(p->frontend, sizeof(p->frontend), "virtio");
	snprintf(p->guest_think, sizeof(p->guest_think), "0");
	snprintf(p->poll_policy, sizeof(p->poll_policy), "%s",
		 qm_binary_policy(q && *q ? q : "qemu-system-x86_64"));
}


#define MAX_POINTS 100000

static int expand_section(struct sw_grid *g, const struct sw_section *s,
			  const struct sw_section *over, char *err,
			  size_t errlen)
{
	struct sw_list defs[SW_NR_DIMS];
	const struct sw_list *use[SW_NR_DIMS];
	int idx[SW_NR_DIMS] = { 0 };
	size_t total = 1, base = g->npoints;
	struct sw_point *np;
	int ret = 0;

	memset(defs, 0, sizeof(defs));
	for (int d = 0; d < SW_NR_DIMS; d++) {
		if (over && over->dims[d].n)
			use[d] = &over->dims[d];
		else if (s->dims[d].n)
			use[d] = &s->dims[d];
		else if (g->global.dims[d].n)
			use[d] = &g->global.dims[d];
		else {
			ret = default_list(&defs[d], (enum sw_dim)d);
			if (ret) {
				snprintf(err, errlen, "bad default for %s",
					 dims[d].key);
				goto out;
			}
			use[d] = &defs[d];
		}
		total *= (size_t)use[d]->n;
		if (total + base > MAX_POINTS) {
			snprintf(err, errlen, "the grid has more than %d "
				 "points", MAX_POINTS);
			ret = -E2BIG;
			goto out;
		}
	}
	np = realloc(g->points, (base + total) * sizeof(*np));
	if (!np) {
		snprintf(err, errlen, "out of memory");
		ret = -ENOMEM;
		goto out;
	}
	g->points = np;
	for (size_t k = 0; k < total; k++) {
		struct sw_point *p = &g->points[base + k];

		memset(p, 0, sizeof(*p));
		snprintf(p->section, sizeof(p->section), "%s", s->name);
		for (int d = 0; d < SW_NR_DIMS; d++)
			set_dim(p, (enum sw_dim)d, use[d], idx[d]);
		qemu_point_normalize(p);
		/* Odometer: the last dimension turns fastest. */
		for (int d = SW_NR_DIMS - 1; d >= 0; d--) {
			if (++idx[d] < use[d]->n)
				break;
			idx[d] = 0;
		}
	}
	g->npoints = base + total;
out:
	for (int d = 0; d < SW_NR_DIMS; d++)
		list_free(&defs[d]);
	return ret;
}

int sw_grid_expand(struct sw_grid *g, const struct sw_section *over,
		   char *err, size_t errlen)
{
	int ret;

	free(g->points);
	g->points = NULL;
	g->npoints = 0;
	if (g->nsections == 0)
		return expand_section(g, &g->global, over, err, errlen);
	for (int i = 0; i < g->nsections; i++) {
		ret = expand_section(g, g->sections[i], over, err, errlen);
		if (ret)
			return ret;
	}
	return 0;
}

void sw_point_value(const struct sw_point *p, enum sw_dim d, char *buf,
		    size_t size)
{
	const char *base = (const char *)p + dims[d].off;

	if (text_dim(d))
		snprintf(buf, size, "%s", base);
	else
		snprintf(buf, size, "%" PRId64, *(const int64_t *)base);
}

bool sw_dim_numeric(enum sw_dim d)
{
	return !text_dim(d);
}

int sw_point_set_value(struct sw_point *p, enum sw_dim d, const char *v)
{
	char *base = (char *)p + dims[d].off;

	if (text_dim(d)) {
		if (strlen(v) >= dims[d].size)
			return -EINVAL;
		strcpy(base, v);
		return 0;
	}
	return wl_parse_int64(v, (int64_t *)base);
}

void sw_grid_varying(const struct sw_grid *g, bool varying[SW_NR_DIMS])
{
	char a[RES_TARGET_MAX], b[RES_TARGET_MAX];

	for (int d = 0; d < SW_NR_DIMS; d++) {
		varying[d] = false;
		for (size_t i = 1; i < g->npoints && !varying[d]; i++) {
			sw_point_value(&g->points[0], (enum sw_dim)d, a,
				       sizeof(a));
			sw_point_value(&g->points[i], (enum sw_dim)d, b,
				       sizeof(b));
			varying[d] = strcmp(a, b) != 0;
		}
	}
}

static void fmt_dim(const struct sw_point *p, enum sw_dim d, char *buf,
		    size_t size)
{
	if (d == SW_DIM_POLL_MAX_NS)
		res_fmt_ns_short(p->poll_max_ns, buf, size);
	else if (d == SW_DIM_RUNTIME || d == SW_DIM_RAMP)
		snprintf(buf, size, "%gs",
			 (double)*(const int64_t *)((const char *)p +
						    dims[d].off) / 1e9);
	else
		sw_point_value(p, d, buf, size);
}

void sw_point_label(const struct sw_point *p, const bool show[SW_NR_DIMS],
		    char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int d = 0; d < SW_NR_DIMS && len + 1 < size; d++) {
		char v[RES_TARGET_MAX];

		if (!show[d])
			continue;
		fmt_dim(p, (enum sw_dim)d, v, sizeof(v));
		len += (size_t)snprintf(buf + len, size - len, "%s%s=%s",
					len ? " " : "", dims[d].key, v);
	}
}

bool sw_point_equal(const struct sw_point *p, const struct sw_point *q)
{
	char a[RES_TARGET_MAX], b[RES_TARGET_MAX];

	for (int d = 0; d < SW_NR_DIMS; d++) {
		sw_point_value(p, (enum sw_dim)d, a, sizeof(a));
		sw_point_value(q, (enum sw_dim)d, b, sizeof(b));
		if (strcmp(a, b) != 0)
			return false;
	}
	return true;
}

bool sw_point_matches(const struct sw_point *p, const struct res_row *r,
		      char *why, size_t size)
{
	struct sw_point q;

	memset(&q, 0, sizeof(q));
	snprintf(q.engine, sizeof(q.engine), "%s", r->engine);
	snprintf(q.target, sizeof(q.target), "%s", r->target);
	snprintf(q.rw, sizeof(q.rw), "%s", r->rw);
	q.bs = r->bs_bytes;
	snprintf(q.frontend, sizeof(q.frontend), "%s", r->frontend);
	/* Rows from before the guest-think column: no think time. */
	snprintf(q.guest_think, sizeof(q.guest_think), "%s",
		 r->guest_think[0] ? r->guest_think : "0");
	q.iothreads = r->iothreads;
	snprintf(q.placement, sizeof(q.placement), "%s", r->placement);
	q.iodepth = r->iodepth;
	snprintf(q.poll_policy, sizeof(q.poll_policy), "%s", r->poll_policy);
	q.poll_grow = r->poll_grow;
	q.poll_shrink = r->poll_shrink;
	q.poll_weight = r->poll_weight;
	snprintf(q.fdmon, sizeof(q.fdmon), "%s", r->fdmon_requested);
	/* Rows from before the ring columns: the defaults. */
	snprintf(q.uring_ring, sizeof(q.uring_ring), "%s",
		 r->uring_ring_requested[0] ? r->uring_ring_requested : "auto");
	snprintf(q.ring_flags, sizeof(q.ring_flags), "%s",
		 r->ring_flags_requested[0] ? r->ring_flags_requested : "auto");
	q.runtime_ns = r->runtime_ns;
	q.ramp_ns = r->ramp_ns;
	q.poll_max_ns = r->poll_max_ns;
	for (int d = 0; d < SW_NR_DIMS; d++) {
		char a[RES_TARGET_MAX], b[RES_TARGET_MAX];

		sw_point_value(p, (enum sw_dim)d, a, sizeof(a));
		sw_point_value(&q, (enum sw_dim)d, b, sizeof(b));
		if (strcmp(a, b) != 0) {
			snprintf(why, size, "%s is '%s', the grid says '%s'",
				 dims[d].key, b, a);
			return false;
		}
	}
	return true;
}

/* Text of dimension d of p as a job option takes it back. */
static void option_text(const struct sw_point *p, enum sw_dim d, char *buf,
			size_t size)
{
	if (text_dim(d))
		sw_point_value(p, d, buf, size);
	else
		wl_opt_format(opt_of(d), *(const int64_t *)((const char *)p +
							   dims[d].off),
			      buf, size);
}

char **sw_point_run_args(const struct sw_point *p)
{
	char **argv = calloc(2 * SW_NR_DIMS + 1, sizeof(*argv));
	int n = 0;

	if (!argv)
		return NULL;
	for (int d = 0; d < SW_NR_DIMS; d++) {
		char v[RES_PLACEMENT_MAX + 8];

		option_text(p, (enum sw_dim)d, v, sizeof(v));
		argv[n] = malloc(strlen(dims[d].key) + 3);
		argv[n + 1] = strdup(v);
		if (!argv[n] || !argv[n + 1]) {
			free(argv[n]);
			free(argv[n + 1]);
			argv[n] = NULL;
			util_argv_free(argv);
			return NULL;
		}
		sprintf(argv[n], "--%s", dims[d].key);
		n += 2;
	}
	return argv;
}

int sw_point_job(const struct sw_point *p, struct wl_job *job, char *err,
		 size_t errlen)
{
	wl_job_init(job);
	for (int d = 0; d < SW_NR_DIMS; d++) {
		const struct wl_opt *o = opt_of((enum sw_dim)d);
		const char *base = (const char *)p + dims[d].off;
		int ret;

		if (text_dim((enum sw_dim)d))
			ret = wl_opt_store(job, o, base, 0);
		else
			ret = wl_opt_store(job, o, NULL,
					   *(const int64_t *)base);
		if (ret) {
			wl_opt_error(o, false, text_dim((enum sw_dim)d) ?
				     base : "?", err, errlen);
			return ret;
		}
	}
	return 0;
}

int sw_point_check(const struct sw_point *p, char *err, size_t errlen)
{
	struct wl_job job;
	int ret;

	ret = sw_point_job(p, &job, err, errlen);
	if (!ret)
		ret = wl_engine_is_qemu(job.engine) ?
		      qm_job_check(&job, err, errlen) :
		      wl_job_check(&job, err, errlen);
	return ret;
}
