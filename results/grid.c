/* grid.c: sweep dimensions, value lists and the grid's points. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "affinity/affinity.h"
#include "cli/cli.h"
#include "loop/aio.h"
#include "polling/policy.h"
#include "qemu/point.h"
#include "qemu/qemu.h"
#include "results/grid.h"
#include "workloads/frontend.h"
#include "workloads/frontend-virtio.h"
#include "workloads/job.h"
#include "workloads/runner.h"

enum dim_kind {
	K_STR,    /* a name */
	K_COUNT,  /* integer, k/m suffixes (x1024) */
	K_SIZE,   /* bytes: 4k, 1m */
	K_DUR,    /* duration, bare number in seconds */
	K_NS,     /* duration, bare number in ns; 32k = 32768 */
};

struct dim_desc {
	const char *key;
	enum dim_kind kind;
	size_t off;
	size_t size;            /* K_STR buffer */
	int64_t min, max;       /* numeric bounds */
	char sep;               /* list separator */
	/* K_STR: whether v is allowed, and the allowed names for errors. */
	bool (*valid)(const char *v);
	const char *(*allowed)(void);
};

static bool valid_any(const char *v)
{
	for (; *v; v++)
		if (isspace((unsigned char)*v) || iscntrl((unsigned char)*v))
			return false;
	return true;
}

static const char *allowed_any(void)
{
	return "a name without spaces";
}

static bool valid_rw(const char *v)
{
	enum wl_rw rw;

	return wl_rw_parse(v, &rw) == 0;
}

static bool valid_frontend(const char *v)
{
	return wl_frontend_find(v) != NULL;
}

static bool valid_think(const char *v)
{
	struct wl_think t;

	return wl_think_parse(v, &t) == 0;
}

static const char *allowed_think(void)
{
	return WL_THINK_SYNTAX;
}

static bool valid_policy(const char *v)
{
	return poll_policy_find(v) != NULL;
}

static bool valid_placement(const char *v)
{
	struct aff_placement pl;
	char err[256];

	return aff_placement_parse(v, &pl, err, sizeof(err)) == 0;
}

#define PT(f) offsetof(struct res_point, f), \
	sizeof(((struct res_point *)0)->f)

static const struct dim_desc dims[RES_NR_DIMS] = {
	[RES_DIM_ENGINE] = { "engine", K_STR, PT(engine), 0, 0, ',',
			     valid_any, allowed_any },
	[RES_DIM_TARGET] = { "target", K_STR, PT(target), 0, 0, '|',
			     valid_any, allowed_any },
	[RES_DIM_RW] = { "rw", K_STR, PT(rw), 0, 0, ',', valid_rw,
			 wl_rw_names },
	[RES_DIM_BS] = { "bs", K_SIZE, PT(bs), 1, 64 << 20, ',' },
	[RES_DIM_FRONTEND] = { "frontend", K_STR, PT(frontend), 0, 0, ',',
			       valid_frontend, wl_frontend_names },
	[RES_DIM_GUEST_THINK] = { "guest-think", K_STR, PT(guest_think), 0, 0,
				  ',', valid_think, allowed_think },
	[RES_DIM_IOTHREADS] = { "iothreads", K_COUNT, PT(iothreads), 1, 1024,
				',' },
	[RES_DIM_PLACEMENT] = { "placement", K_STR, PT(placement), 0, 0, ',',
				valid_placement, aff_placement_allowed },
	[RES_DIM_IODEPTH] = { "iodepth", K_COUNT, PT(iodepth), 1, 65536,
			      ',' },
	[RES_DIM_POLL_POLICY] = { "poll-policy", K_STR, PT(poll_policy), 0, 0,
				  ',', valid_policy, poll_policy_names },
	[RES_DIM_POLL_GROW] = { "poll-grow", K_COUNT, PT(poll_grow), 0,
				INT64_MAX, ',' },
	[RES_DIM_POLL_SHRINK] = { "poll-shrink", K_COUNT, PT(poll_shrink), 0,
				  INT64_MAX, ',' },
	[RES_DIM_POLL_WEIGHT] = { "poll-weight", K_COUNT, PT(poll_weight), 0,
				  INT64_MAX, ',' },
	[RES_DIM_FDMON] = { "fdmon", K_STR, PT(fdmon), 0, 0, ',',
			    aio_fdmon_name_valid, aio_fdmon_names },
	[RES_DIM_RUNTIME] = { "runtime", K_DUR, PT(runtime_ns), 1000000,
			      INT64_MAX, ',' },
	[RES_DIM_RAMP] = { "ramp", K_DUR, PT(ramp_ns), 0, INT64_MAX, ',' },
	[RES_DIM_POLL_MAX_NS] = { "poll-max-ns", K_NS, PT(poll_max_ns), 0,
				  INT64_MAX, ',' },
};

const char *res_dim_key(enum res_dim d)
{
	return (unsigned int)d < RES_NR_DIMS ? dims[d].key : "?";
}

const char *res_dim_keys(void)
{
	static char buf[512];

	if (!buf[0]) {
		size_t len = 0;

		for (int d = 0; d < RES_NR_DIMS; d++)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len,
						"%s%s", d ? ", " : "",
						dims[d].key);
	}
	return buf;
}

int res_dim_find(const char *key)
{
	char norm[RES_NAME_MAX];
	size_t i;

	for (i = 0; key[i] && i + 1 < sizeof(norm); i++)
		norm[i] = key[i] == '_' ? '-' : key[i];
	norm[i] = '\0';
	for (int d = 0; d < RES_NR_DIMS; d++)
		if (strcmp(norm, dims[d].key) == 0)
			return d;
	return -1;
}

void res_grid_init(struct res_grid *g)
{
	memset(g, 0, sizeof(*g));
	strcpy(g->global.name, "cli");
	g->repetitions = 3;
	strcpy(g->name, "sweep");
}

static void section_free(struct res_section *s)
{
	for (int d = 0; d < RES_NR_DIMS; d++)
		for (int i = 0; i < s->dims[d].n; i++)
			free(s->dims[d].str[i]);
}

void res_grid_free(struct res_grid *g)
{
	section_free(&g->global);
	for (int i = 0; i < g->nsections; i++) {
		section_free(g->sections[i]);
		free(g->sections[i]);
	}
	free(g->points);
	memset(g, 0, sizeof(*g));
}

static const char *allowed_num(const struct dim_desc *dd, char *buf,
			       size_t size)
{
	switch (dd->kind) {
	case K_SIZE:
		return "a size in bytes (4096, 4k, 1m), up to 64m";
	case K_DUR:
		return "a duration (10s, 500ms, 1m); a bare number is seconds";
	case K_NS:
		return "a duration in ns (0, 4096, 32k, 20us); 32k = 32768";
	default:
		if (dd->max == INT64_MAX)
			return "a non-negative integer";
		snprintf(buf, size, "an integer from %" PRId64 " to %" PRId64,
			 dd->min, dd->max);
		return buf;
	}
}

static int parse_num(const struct dim_desc *dd, const char *v, int64_t *out)
{
	uint64_t u;
	int ret;

	switch (dd->kind) {
	case K_SIZE:
		ret = cli_parse_size(v, &u);
		if (!ret && u > INT64_MAX)
			ret = -ERANGE;
		*out = (int64_t)u;
		break;
	case K_DUR:
		ret = cli_parse_duration_ns(v, 1000000000LL, out);
		break;
	case K_NS:
		ret = cli_parse_duration_ns(v, 1, out);
		break;
	default:
		ret = cli_parse_count(v, out);
		break;
	}
	if (ret)
		return ret;
	if (*out < dd->min || *out > dd->max)
		return -ERANGE;
	return 0;
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

static int add_value(struct res_list *l, const struct dim_desc *dd,
		     const char *item, char *err, size_t errlen)
{
	char buf[32];
	int64_t num = 0;
	const char *canon = item;

	if (l->n == RES_MAX_VALUES) {
		snprintf(err, errlen, "too many values for %s: at most %d",
			 dd->key, RES_MAX_VALUES);
		return -E2BIG;
	}
	if (dd->kind == K_STR) {
		if (!*item || !dd->valid(item) || strlen(item) >= dd->size) {
			snprintf(err, errlen, "invalid value '%s' for %s: "
				 "allowed %s", item, dd->key, dd->allowed());
			return -EINVAL;
		}
	} else {
		if (parse_num(dd, item, &num)) {
			char ab[64];

			snprintf(err, errlen, "invalid value '%s' for %s: "
				 "allowed %s", item, dd->key,
				 allowed_num(dd, ab, sizeof(ab)));
			return -EINVAL;
		}
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

int res_section_set(struct res_section *s, enum res_dim d,
		    const char *value, char *err, size_t errlen)
{
	const struct dim_desc *dd = &dims[d];
	struct res_list *l = &s->dims[d];
	char *copy, *p, ab[64], sepc;
	int ret = 0;

	if (!value || strspn(value, " \t") == strlen(value)) {
		snprintf(err, errlen, "invalid value '' for %s: allowed %s",
			 dd->key, dd->kind == K_STR ? dd->allowed() :
			 allowed_num(dd, ab, sizeof(ab)));
		return -EINVAL;
	}
	copy = strdup(value);
	if (!copy)
		return -ENOMEM;
	p = copy;
	/* Explicit placements ("iothread=0,1;guest=2") hold commas. */
	sepc = d == RES_DIM_PLACEMENT && strchr(value, '=') ? '|' : dd->sep;
	for (;;) {
		char *sep = strchr(p, sepc);

		if (sep)
			*sep = '\0';
		ret = add_value(l, dd, trim(p), err, errlen);
		if (ret || !sep)
			break;
		p = sep + 1;
	}
	free(copy);
	return ret;
}

bool res_section_has(const struct res_section *s, enum res_dim d)
{
	return s->dims[d].n > 0;
}

/* The default list of each dimension: aiotune run's defaults, except the
 * two a sweep is about (poll-max-ns and iodepth). */
static int default_list(struct res_list *l, enum res_dim d)
{
	static const char *const poll_default = "0,2k,4k,8k,16k,32k,64k,128k,256k";
	struct res_section tmp;
	struct wl_job job;
	char val[RES_TARGET_MAX], err[256];
	const char *v = val;
	int ret;

	wl_job_init(&job);
	switch (d) {
	case RES_DIM_ENGINE: v = job.engine; break;
	case RES_DIM_TARGET: v = job.target; break;
	case RES_DIM_RW: v = wl_rw_name(job.rw); break;
	case RES_DIM_BS: snprintf(val, sizeof(val), "%u", job.bs); break;
	case RES_DIM_FRONTEND: v = job.frontend; break;
	case RES_DIM_GUEST_THINK: v = job.guest_think; break;
	case RES_DIM_IOTHREADS:
		snprintf(val, sizeof(val), "%u", job.iothreads);
		break;
	case RES_DIM_PLACEMENT: v = job.placement; break;
	case RES_DIM_IODEPTH: v = "1,32"; break;
	case RES_DIM_POLL_POLICY: v = job.poll_policy; break;
	case RES_DIM_POLL_GROW:
	case RES_DIM_POLL_SHRINK:
	case RES_DIM_POLL_WEIGHT: v = "0"; break;
	case RES_DIM_FDMON: v = job.fdmon; break;
	case RES_DIM_RUNTIME:
		snprintf(val, sizeof(val), "%" PRId64 "ns", job.runtime_ns);
		break;
	case RES_DIM_RAMP:
		snprintf(val, sizeof(val), "%" PRId64 "ns", job.ramp_ns);
		break;
	case RES_DIM_POLL_MAX_NS: v = poll_default; break;
	default: return -EINVAL;
	}
	memset(&tmp, 0, sizeof(tmp));
	ret = res_section_set(&tmp, d, v, err, sizeof(err));
	if (!ret)
		*l = tmp.dims[d];
	return ret;
}

static void list_free(struct res_list *l)
{
	for (int i = 0; i < l->n; i++)
		free(l->str[i]);
	l->n = 0;
}

static void set_dim(struct res_point *p, enum res_dim d,
		    const struct res_list *l, int i)
{
	char *base = (char *)p + dims[d].off;

	if (dims[d].kind == K_STR)
		snprintf(base, dims[d].size, "%s", l->str[i]);
	else
		*(int64_t *)base = l->num[i];
}

#define MAX_POINTS 100000

static int expand_section(struct res_grid *g, const struct res_section *s,
			  const struct res_section *over, char *err,
			  size_t errlen)
{
	struct res_list defs[RES_NR_DIMS];
	const struct res_list *use[RES_NR_DIMS];
	int idx[RES_NR_DIMS] = { 0 };
	size_t total = 1, base = g->npoints;
	struct res_point *np;
	int ret = 0;

	memset(defs, 0, sizeof(defs));
	for (int d = 0; d < RES_NR_DIMS; d++) {
		if (over && over->dims[d].n)
			use[d] = &over->dims[d];
		else if (s->dims[d].n)
			use[d] = &s->dims[d];
		else if (g->global.dims[d].n)
			use[d] = &g->global.dims[d];
		else {
			ret = default_list(&defs[d], (enum res_dim)d);
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
		struct res_point *p = &g->points[base + k];

		memset(p, 0, sizeof(*p));
		snprintf(p->section, sizeof(p->section), "%s", s->name);
		for (int d = 0; d < RES_NR_DIMS; d++)
			set_dim(p, (enum res_dim)d, use[d], idx[d]);
		qm_point_normalize(p);   /* QEMU points: qemu/point.h */
		/* Odometer: the last dimension turns fastest. */
		for (int d = RES_NR_DIMS - 1; d >= 0; d--) {
			if (++idx[d] < use[d]->n)
				break;
			idx[d] = 0;
		}
	}
	g->npoints = base + total;
out:
	for (int d = 0; d < RES_NR_DIMS; d++)
		list_free(&defs[d]);
	return ret;
}

int res_grid_expand(struct res_grid *g, const struct res_section *over,
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

void res_point_value(const struct res_point *p, enum res_dim d, char *buf,
		     size_t size)
{
	const char *base = (const char *)p + dims[d].off;

	if (dims[d].kind == K_STR)
		snprintf(buf, size, "%s", base);
	else
		snprintf(buf, size, "%" PRId64, *(const int64_t *)base);
}

bool res_dim_numeric(enum res_dim d)
{
	return dims[d].kind != K_STR;
}

int res_point_set_value(struct res_point *p, enum res_dim d, const char *v)
{
	char *base = (char *)p + dims[d].off;

	if (dims[d].kind == K_STR) {
		if (strlen(v) >= dims[d].size)
			return -EINVAL;
		strcpy(base, v);
		return 0;
	}
	return cli_parse_int64(v, (int64_t *)base);
}

void res_grid_varying(const struct res_grid *g, bool varying[RES_NR_DIMS])
{
	char a[RES_TARGET_MAX], b[RES_TARGET_MAX];

	for (int d = 0; d < RES_NR_DIMS; d++) {
		varying[d] = false;
		for (size_t i = 1; i < g->npoints && !varying[d]; i++) {
			res_point_value(&g->points[0], (enum res_dim)d, a,
					sizeof(a));
			res_point_value(&g->points[i], (enum res_dim)d, b,
					sizeof(b));
			varying[d] = strcmp(a, b) != 0;
		}
	}
}

void res_fmt_ns_short(int64_t ns, char *buf, size_t size)
{
	if (ns != 0 && ns % (1024 * 1024) == 0)
		snprintf(buf, size, "%" PRId64 "m", ns / (1024 * 1024));
	else if (ns != 0 && ns % 1024 == 0)
		snprintf(buf, size, "%" PRId64 "k", ns / 1024);
	else
		snprintf(buf, size, "%" PRId64, ns);
}

static void fmt_dim(const struct res_point *p, enum res_dim d, char *buf,
		    size_t size)
{
	if (d == RES_DIM_POLL_MAX_NS)
		res_fmt_ns_short(p->poll_max_ns, buf, size);
	else if (d == RES_DIM_RUNTIME || d == RES_DIM_RAMP)
		snprintf(buf, size, "%gs",
			 (double)*(const int64_t *)((const char *)p +
						    dims[d].off) / 1e9);
	else
		res_point_value(p, d, buf, size);
}

void res_point_label(const struct res_point *p, const bool show[RES_NR_DIMS],
		     char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int d = 0; d < RES_NR_DIMS && len + 1 < size; d++) {
		char v[RES_TARGET_MAX];

		if (!show[d])
			continue;
		fmt_dim(p, (enum res_dim)d, v, sizeof(v));
		len += (size_t)snprintf(buf + len, size - len, "%s%s=%s",
					len ? " " : "", dims[d].key, v);
	}
}

bool res_point_equal(const struct res_point *p, const struct res_point *q)
{
	char a[RES_TARGET_MAX], b[RES_TARGET_MAX];

	for (int d = 0; d < RES_NR_DIMS; d++) {
		res_point_value(p, (enum res_dim)d, a, sizeof(a));
		res_point_value(q, (enum res_dim)d, b, sizeof(b));
		if (strcmp(a, b) != 0)
			return false;
	}
	return true;
}

bool res_point_matches(const struct res_point *p, const struct res_row *r,
		       char *why, size_t size)
{
	struct res_point q;

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
	q.runtime_ns = r->runtime_ns;
	q.ramp_ns = r->ramp_ns;
	q.poll_max_ns = r->poll_max_ns;
	for (int d = 0; d < RES_NR_DIMS; d++) {
		char a[RES_TARGET_MAX], b[RES_TARGET_MAX];

		res_point_value(p, (enum res_dim)d, a, sizeof(a));
		res_point_value(&q, (enum res_dim)d, b, sizeof(b));
		if (strcmp(a, b) != 0) {
			snprintf(why, size, "%s is '%s', the grid says '%s'",
				 dims[d].key, b, a);
			return false;
		}
	}
	return true;
}

char **res_point_run_args(const struct res_point *p)
{
	char **argv = calloc(2 * RES_NR_DIMS + 1, sizeof(*argv));
	int n = 0;

	if (!argv)
		return NULL;
	for (int d = 0; d < RES_NR_DIMS; d++) {
		char v[RES_TARGET_MAX + 8];

		res_point_value(p, (enum res_dim)d, v, sizeof(v));
		if (dims[d].kind == K_DUR)
			strcat(v, "ns");
		argv[n] = malloc(strlen(dims[d].key) + 3);
		argv[n + 1] = strdup(v);
		if (!argv[n] || !argv[n + 1]) {
			free(argv[n]);
			free(argv[n + 1]);
			argv[n] = NULL;
			res_argv_free(argv);
			return NULL;
		}
		sprintf(argv[n], "--%s", dims[d].key);
		n += 2;
	}
	return argv;
}

void res_argv_free(char **argv)
{
	if (!argv)
		return;
	for (int i = 0; argv[i]; i++)
		free(argv[i]);
	free(argv);
}

int res_point_job(const struct res_point *p, struct wl_job *job, char *err,
		  size_t errlen)
{
	struct wl_think think;

	wl_job_init(job);
	snprintf(job->engine, sizeof(job->engine), "%s", p->engine);
	snprintf(job->target, sizeof(job->target), "%s", p->target);
	if (wl_rw_parse(p->rw, &job->rw)) {
		snprintf(err, errlen, "invalid value '%s' for rw: allowed %s",
			 p->rw, wl_rw_names());
		return -EINVAL;
	}
	job->bs = (uint32_t)p->bs;
	snprintf(job->frontend, sizeof(job->frontend), "%s", p->frontend);
	if (wl_think_parse(p->guest_think, &think)) {
		snprintf(err, errlen, "invalid value '%s' for guest-think: "
			 "allowed %s", p->guest_think, WL_THINK_SYNTAX);
		return -EINVAL;
	}
	snprintf(job->guest_think, sizeof(job->guest_think), "%s",
		 p->guest_think);
	job->guest_think_ns = wl_think_mean_ns(&think);
	job->iothreads = (uint32_t)p->iothreads;
	snprintf(job->placement, sizeof(job->placement), "%s", p->placement);
	job->iodepth = (uint32_t)p->iodepth;
	snprintf(job->poll_policy, sizeof(job->poll_policy), "%s",
		 p->poll_policy);
	job->poll_grow = p->poll_grow;
	job->poll_shrink = p->poll_shrink;
	job->poll_weight = p->poll_weight;
	snprintf(job->fdmon, sizeof(job->fdmon), "%s", p->fdmon);
	job->runtime_ns = p->runtime_ns;
	job->ramp_ns = p->ramp_ns;
	job->poll_max_ns = p->poll_max_ns;
	return 0;
}

int res_point_check(const struct res_point *p, char *err, size_t errlen)
{
	struct wl_job job;
	int ret;

	ret = res_point_job(p, &job, err, errlen);
	if (!ret)
		ret = qm_engine_is_qemu(job.engine) ?
		      qm_job_check(&job, err, errlen) :
		      wl_job_check(&job, err, errlen);
	return ret;
}
