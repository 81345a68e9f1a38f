/* fleet.c: hosts of a fleet, their scores, one setting by a stated rule. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "results/atomic.h"
#include "results/fleet.h"
#include "results/runjson.h"

static const char *const status_names[] = {
	[RES_HOST_OK] = "ok",
	[RES_HOST_FAILED] = "failed",
	[RES_HOST_PENDING] = "pending",
	[RES_HOST_UNUSABLE] = "unusable",
};

const char *res_host_status_name(enum res_host_status s)
{
	return status_names[s];
}

static void errf(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static struct res_fleet_host *host_find(struct res_fleet *f, const char *name)
{
	for (size_t i = 0; i < f->nhosts; i++)
		if (strcmp(f->hosts[i].name, name) == 0)
			return &f->hosts[i];
	return NULL;
}

static int host_add(struct res_fleet *f, const char *name,
		    struct res_fleet_host **out, char *err, size_t errlen)
{
	struct res_fleet_host *nh, *h;

	if (f->nhosts == RES_FLEET_MAX_HOSTS) {
		errf(err, errlen, "more than %d hosts", RES_FLEET_MAX_HOSTS);
		return -E2BIG;
	}
	nh = realloc(f->hosts, (f->nhosts + 1) * sizeof(*nh));
	if (!nh) {
		errf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	f->hosts = nh;
	h = &f->hosts[f->nhosts++];
	memset(h, 0, sizeof(*h));
	snprintf(h->name, sizeof(h->name), "%s", name);
	h->status = RES_HOST_OK;
	h->cls = -1;
	h->elapsed_s = -1;
	*out = h;
	return 0;
}

static int host_add_dir(struct res_fleet_host *h, const char *dir, char *err,
			size_t errlen)
{
	if (h->ndirs == RES_MAX_SOURCES) {
		errf(err, errlen, "%s: host %s has %d directories already, the "
		     "most one host takes", dir, h->name, RES_MAX_SOURCES);
		return -E2BIG;
	}
	h->dirs[h->ndirs] = strdup(dir);
	if (!h->dirs[h->ndirs]) {
		errf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	h->ndirs++;
	return 0;
}

/* A name of 1 to RES_NAME_MAX - 1 printable characters. */
static bool good_name(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= RES_NAME_MAX)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

/* A relative path inside the fleet's directory: no "..", not absolute. */
static bool inside(const char *p)
{
	const char *c = p;

	if (!*p || *p == '/' || strlen(p) >= 512)
		return false;
	while (*c) {
		size_t n = strcspn(c, "/");

		if (n == 2 && c[0] == '.' && c[1] == '.')
			return false;
		c += n;
		while (*c == '/')
			c++;
	}
	return true;
}

/*
 * fleet.json's members, typed. Each getter fills err with "FILE: KEY:
 * what is wrong" and returns -EINVAL when key is missing (unless null_ok
 * and it is null) or of another type.
 */
struct jctx {
	const char *path;
	char where[64];               /* "" or "hosts[2]." */
	char *err;
	size_t errlen;
};

static int jbad(const struct jctx *c, const char *key, const char *what)
{
	errf(c->err, c->errlen, "%s: %s%s: %s", c->path, c->where, key, what);
	return -EINVAL;
}

static int jstr(const struct jctx *c, json_t *o, const char *key,
		bool null_ok, char *buf, size_t size)
{
	json_t *v = json_object_get(o, key);

	buf[0] = '\0';
	if (!v)
		return jbad(c, key, "missing (a string)");
	if (json_is_null(v) && null_ok)
		return 0;
	if (!json_is_string(v))
		return jbad(c, key, null_ok ? "not a string or null" :
			    "not a string");
	if (strlen(json_string_value(v)) >= size ||
	    strchr(json_string_value(v), '\n'))
		return jbad(c, key, "longer than it may be, or several lines");
	snprintf(buf, size, "%s", json_string_value(v));
	return 0;
}

/* A number >= 0 (integer: a whole one), or null (-1) when null_ok. */
static int jnum(const struct jctx *c, json_t *o, const char *key,
		bool integer, bool null_ok, double *out)
{
	json_t *v = json_object_get(o, key);

	*out = -1;
	if (!v)
		return jbad(c, key, "missing (a number)");
	if (json_is_null(v) && null_ok)
		return 0;
	if (integer ? !json_is_integer(v) : !json_is_number(v))
		return jbad(c, key, integer ? "not an integer" :
			    "not a number");
	*out = json_number_value(v);
	if (!(*out >= 0) || !isfinite(*out))
		return jbad(c, key, "negative (0 or more allowed)");
	return 0;
}

static int fleet_host(struct res_fleet *f, const char *dir, struct jctx *c,
		      json_t *o, size_t i)
{
	char name[RES_NAME_MAX], status[16], sub[512], path[PATH_MAX];
	struct res_fleet_host *h;
	int ret;

	snprintf(c->where, sizeof(c->where), "hosts[%zu].", i);
	if (!json_is_object(o)) {
		c->where[strlen(c->where) - 1] = '\0';
		return jbad(c, "", "not an object");
	}
	ret = jstr(c, o, "name", false, name, sizeof(name));
	if (!ret && !good_name(name))
		ret = jbad(c, "name", "not a host name (1 to 63 printable "
			   "characters)");
	if (!ret)
		ret = jstr(c, o, "status", false, status, sizeof(status));
	if (!ret && strcmp(status, "ok") && strcmp(status, "failed") &&
	    strcmp(status, "pending"))
		ret = jbad(c, "status", "not ok, failed or pending");
	if (!ret)
		ret = jstr(c, o, "subdir", false, sub, sizeof(sub));
	if (!ret && !inside(sub))
		ret = jbad(c, "subdir", "not a relative directory inside the "
			   "fleet's (no '..', not absolute, not empty)");
	if (ret)
		return ret;
	if (host_find(f, name))
		return jbad(c, "name", "a host listed twice");
	ret = host_add(f, name, &h, c->err, c->errlen);
	if (ret)
		return ret;
	ret = jstr(c, o, "reason", true, h->reason, sizeof(h->reason));
	if (!ret)
		ret = jstr(c, o, "install", true, h->install,
			   sizeof(h->install));
	if (!ret)
		ret = jnum(c, o, "elapsed_s", false, true, &h->elapsed_s);
	if (ret)
		return ret;
	if (strcmp(status, "ok") != 0) {
		h->status = strcmp(status, "failed") == 0 ? RES_HOST_FAILED :
			    RES_HOST_PENDING;
		return 0;
	}
	if (res_join(path, sizeof(path), dir, sub)) {
		errf(c->err, c->errlen, "%s: path too long", dir);
		return -ENAMETOOLONG;
	}
	return host_add_dir(h, path, c->err, c->errlen);
}

static int read_fleet(struct res_fleet *f, const char *dir, const char *path,
		      char *err, size_t errlen)
{
	struct jctx c = { .path = path, .err = err, .errlen = errlen };
	struct res_fleet_info *in = &f->info;
	json_t *root, *hosts, *h, *fv;
	double seed;
	size_t i;
	int ret;

	if (f->file[0]) {
		errf(err, errlen, "%s: one fleet directory at a time (%s was "
		     "given too)", path, f->file);
		return -EINVAL;
	}
	snprintf(f->file, sizeof(f->file), "%s", path);
	ret = res_json_load(path, &root, err, errlen);
	if (ret)
		return ret;
	ret = -EINVAL;
	if (!json_is_object(root)) {
		errf(err, errlen, "%s: not a JSON object", path);
		goto out;
	}
	fv = json_object_get(root, "format_version");
	if (!json_is_integer(fv) || json_integer_value(fv) != 1) {
		jbad(&c, "format_version", "not 1 (the version this aiotune "
		     "reads)");
		goto out;
	}
	if (jstr(&c, root, "name", false, f->name, sizeof(f->name)) ||
	    jstr(&c, root, "job", false, in->job, sizeof(in->job)) ||
	    jnum(&c, root, "seed", true, false, &seed) ||
	    jstr(&c, root, "inventory", false, in->inventory,
		 sizeof(in->inventory)) ||
	    jstr(&c, root, "started", false, in->started,
		 sizeof(in->started)) ||
	    jstr(&c, root, "finished", true, in->finished,
		 sizeof(in->finished)) ||
	    jstr(&c, root, "version", false, in->version,
		 sizeof(in->version)))
		goto out;
	in->seed = (uint64_t)json_integer_value(json_object_get(root, "seed"));
	hosts = json_object_get(root, "hosts");
	if (!json_is_array(hosts) || !json_array_size(hosts)) {
		jbad(&c, "hosts", "missing or empty (an array of objects)");
		goto out;
	}
	json_array_foreach(hosts, i, h) {
		ret = fleet_host(f, dir, &c, h, i);
		if (ret)
			goto out;
	}
	ret = 0;
out:
	json_decref(root);
	return ret;
}

static void base_name(const char *dir, char *buf, size_t size)
{
	char d[PATH_MAX];
	size_t len;
	const char *b;

	snprintf(d, sizeof(d), "%s", dir);
	len = strlen(d);
	while (len > 1 && d[len - 1] == '/')
		d[--len] = '\0';
	b = strrchr(d, '/');
	snprintf(buf, size, "%s", b ? b + 1 : d);
}

/* The host a results directory belongs to. */
static void dir_host(const char *dir, char *buf, size_t size)
{
	char path[PATH_MAX], err[256];
	struct res_table t = { 0 };
	json_t *meta;

	buf[0] = '\0';
	if (!res_join(path, sizeof(path), dir, "meta.json") &&
	    !res_json_load(path, &meta, err, sizeof(err))) {
		const char *n = json_string_value(json_object_get(
			json_object_get(meta, "host"), "hostname"));

		if (n && good_name(n))
			snprintf(buf, size, "%s", n);
		json_decref(meta);
	}
	if (!buf[0] && !res_join(path, sizeof(path), dir, "results.csv") &&
	    !res_csv_load(path, &t, err, sizeof(err)) && t.n &&
	    good_name(t.rows[0].host))
		snprintf(buf, size, "%s", t.rows[0].host);
	res_table_free(&t);
	if (!buf[0])
		base_name(dir, buf, size);
}

int res_fleet_group(struct res_fleet *f, char *const *dirs, int n, char *err,
		    size_t errlen)
{
	int ret;

	memset(f, 0, sizeof(*f));
	for (int i = 0; i < n; i++) {
		char path[PATH_MAX];

		if (res_join(path, sizeof(path), dirs[i], "fleet.json")) {
			errf(err, errlen, "%s: path too long", dirs[i]);
			return -ENAMETOOLONG;
		}
		if (!res_path_exists(path))
			continue;
		ret = read_fleet(f, dirs[i], path, err, errlen);
		if (ret)
			return ret;
	}
	for (int i = 0; i < n; i++) {
		char path[PATH_MAX], name[RES_NAME_MAX];
		struct res_fleet_host *h;

		res_join(path, sizeof(path), dirs[i], "fleet.json");
		if (res_path_exists(path))
			continue;
		dir_host(dirs[i], name, sizeof(name));
		h = host_find(f, name);
		if (!h) {
			ret = host_add(f, name, &h, err, errlen);
			if (ret)
				return ret;
		}
		ret = host_add_dir(h, dirs[i], err, errlen);
		if (ret)
			return ret;
	}
	return 0;
}

bool res_fleet_is_fleet(const struct res_fleet *f)
{
	return f->file[0] || f->nhosts > 1;
}

size_t res_fleet_usable(const struct res_fleet *f)
{
	size_t n = 0;

	for (size_t i = 0; i < f->nhosts; i++)
		n += f->hosts[i].status == RES_HOST_OK;
	return n;
}

static void unusable(struct res_fleet_host *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void unusable(struct res_fleet_host *h, const char *fmt, ...)
{
	va_list ap;

	h->status = RES_HOST_UNUSABLE;
	va_start(ap, fmt);
	vsnprintf(h->reason, sizeof(h->reason), fmt, ap);
	va_end(ap);
}

/* Load host h, recommend for it alone and score its candidates. */
static int host_load(const struct res_rec_opts *o, struct res_fleet_host *h)
{
	char err[512];
	bool budget = o->cpu_budget_pct >= 0;
	int ret;

	h->set = calloc(1, sizeof(*h->set));
	if (!h->set)
		return -ENOMEM;
	if (res_set_load(h->set, h->dirs, h->ndirs, err, sizeof(err))) {
		free(h->set);
		h->set = NULL;
		unusable(h, "%s", err);
		return 0;
	}
	ret = res_recommend(&h->set->sum, o, &h->rec);
	if (!ret)
		ret = res_rec_scores(&h->set->sum, o, &h->scores,
				     &h->nscores);
	if (ret == -E2BIG) {
		unusable(h, "more than 256 workloads");
		return 0;
	}
	if (ret)
		return ret;
	h->top = 0;
	for (size_t i = 0; i < h->nscores; i++)
		if ((!budget || h->scores[i].budget_ok) &&
		    h->scores[i].score > h->top)
			h->top = h->scores[i].score;
	if (!h->nscores && !h->rec.nknees)
		unusable(h, "only peers' runs (fio, QEMU): nothing to choose "
			 "a poll window from");
	else if (!h->nscores)
		unusable(h, "no poll-max-ns was measured for every workload "
			 "under one configuration");
	else if (budget && !(h->top > 0))
		unusable(h, "no setting within the CPU budget of %.0f%%",
			 o->cpu_budget_pct);
	else if (!(h->top > 0))
		unusable(h, "every setting scores 0");
	if (h->status != RES_HOST_OK)
		return 0;
	h->own = NAN;
	for (size_t i = 0; i < h->nscores && h->rec.have; i++)
		if (h->scores[i].poll_max_ns == h->rec.poll_max_ns &&
		    res_same_poll_config(&h->scores[i].key,
					 &h->rec.settings))
			h->own = h->scores[i].score / h->top;
	return 0;
}

/* Append v to the "+"-separated list buf unless it is there. */
static void add_item(char *buf, size_t size, const char *v)
{
	size_t len = strlen(buf), vl = strlen(v);
	const char *p = buf;

	if (!vl)
		return;
	while (*p) {
		size_t n = strcspn(p, "+");

		if (n == vl && strncmp(p, v, n) == 0)
			return;
		p += n;
		if (*p)
			p++;
	}
	snprintf(buf + len, size - len, "%s%s", len ? "+" : "", v);
}

/* Device and CPU model of host h from its directories' meta.json. */
static void host_class(const struct res_fleet_host *h,
		       struct res_fleet_class *c)
{
	memset(c, 0, sizeof(*c));
	for (int i = 0; i < h->ndirs; i++) {
		char path[PATH_MAX], err[256];
		json_t *meta, *d;
		const char *cpu;
		size_t k;

		if (res_join(path, sizeof(path), h->dirs[i], "meta.json") ||
		    res_json_load(path, &meta, err, sizeof(err)))
			continue;
		cpu = json_string_value(json_object_get(
			json_object_get(meta, "host"), "cpu_model"));
		if (cpu && !c->cpu[0])
			snprintf(c->cpu, sizeof(c->cpu), "%s", cpu);
		json_array_foreach(json_object_get(meta, "devices"), k, d) {
			const char *kind = json_string_value(
				json_object_get(d, "kind"));
			const char *model = json_string_value(
				json_object_get(d, "model"));
			const char *target = json_string_value(
				json_object_get(d, "target"));
			char v[300];

			/* A simulated device is told apart by its spec. */
			if (kind && strcmp(kind, "simulated") == 0)
				snprintf(v, sizeof(v), "simulated %s",
					 target ? target : "");
			else
				snprintf(v, sizeof(v), "%s", model ? model : "");
			add_item(c->device, sizeof(c->device), v);
		}
		json_decref(meta);
	}
}

void res_fleet_class_name(const struct res_fleet_class *c, char *buf,
			  size_t size)
{
	snprintf(buf, size, "%s / %s", c->device[0] ? c->device : "?",
		 c->cpu[0] ? c->cpu : "?");
}

static int classify(struct res_fleet *f)
{
	for (size_t i = 0; i < f->nhosts; i++) {
		struct res_fleet_host *h = &f->hosts[i];
		struct res_fleet_class c, *nc;
		size_t k;

		if (h->status != RES_HOST_OK)
			continue;
		host_class(h, &c);
		for (k = 0; k < f->nclasses; k++)
			if (!strcmp(f->classes[k].device, c.device) &&
			    !strcmp(f->classes[k].cpu, c.cpu))
				break;
		if (k == f->nclasses) {
			nc = realloc(f->classes, (k + 1) * sizeof(*nc));
			if (!nc)
				return -ENOMEM;
			f->classes = nc;
			f->classes[f->nclasses++] = c;
		}
		h->cls = (int)k;
	}
	return 0;
}

static int cmp_cand(const void *x, const void *y)
{
	const struct res_fleet_cand *a = x, *b = y;
	int r = strcmp(a->key.poll_policy, b->key.poll_policy);

	if (r)
		return r;
	if (a->key.poll_grow != b->key.poll_grow)
		return a->key.poll_grow < b->key.poll_grow ? -1 : 1;
	if (a->key.poll_shrink != b->key.poll_shrink)
		return a->key.poll_shrink < b->key.poll_shrink ? -1 : 1;
	if (a->key.poll_weight != b->key.poll_weight)
		return a->key.poll_weight < b->key.poll_weight ? -1 : 1;
	return (a->poll_max_ns > b->poll_max_ns) -
	       (a->poll_max_ns < b->poll_max_ns);
}

static struct res_fleet_cand *cand_get(struct res_fleet *f,
				       const struct res_score *sc)
{
	struct res_fleet_cand *c, *nc;

	for (size_t i = 0; i < f->ncands; i++) {
		c = &f->cands[i];
		if (c->poll_max_ns == sc->poll_max_ns &&
		    res_same_poll_config(&c->key, &sc->key))
			return c;
	}
	nc = realloc(f->cands, (f->ncands + 1) * sizeof(*nc));
	if (!nc)
		return NULL;
	f->cands = nc;
	c = &f->cands[f->ncands];
	memset(c, 0, sizeof(*c));
	c->key = sc->key;
	c->poll_max_ns = sc->poll_max_ns;
	c->score = malloc(f->nhosts * sizeof(*c->score));
	c->cpu = malloc(f->nhosts * sizeof(*c->cpu));
	c->over = calloc(f->nhosts, sizeof(*c->over));
	if (!c->score || !c->cpu || !c->over) {
		free(c->score);
		free(c->cpu);
		free(c->over);
		return NULL;
	}
	for (size_t i = 0; i < f->nhosts; i++)
		c->score[i] = c->cpu[i] = NAN;
	f->ncands++;
	return c;
}

static int candidates(struct res_fleet *f)
{
	bool budget = f->opts.cpu_budget_pct >= 0;

	for (size_t i = 0; i < f->nhosts; i++) {
		const struct res_fleet_host *h = &f->hosts[i];

		if (h->status != RES_HOST_OK)
			continue;
		for (size_t k = 0; k < h->nscores; k++) {
			const struct res_score *sc = &h->scores[k];
			struct res_fleet_cand *c = cand_get(f, sc);

			if (!c)
				return -ENOMEM;
			c->cpu[i] = sc->cpu;
			if (budget && !sc->budget_ok)
				c->over[i] = true;
			else
				c->score[i] = sc->score / h->top;
		}
	}
	qsort(f->cands, f->ncands, sizeof(*f->cands), cmp_cand);
	return 0;
}

static bool member(const struct res_fleet *f, size_t h, int cls)
{
	return f->hosts[h].status == RES_HOST_OK &&
	       (cls < 0 || f->hosts[h].cls == cls);
}

/*
 * Whether candidate c is eligible over the hosts of cls (-1: all usable),
 * with its worst score, that host and the most CPU.
 */
static bool cand_stats(const struct res_fleet *f, size_t c, int cls,
		       double *worst, size_t *wh, double *cpu)
{
	const struct res_fleet_cand *k = &f->cands[c];

	*worst = INFINITY;
	*wh = 0;
	*cpu = 0;
	for (size_t h = 0; h < f->nhosts; h++) {
		if (!member(f, h, cls))
			continue;
		if (isnan(k->score[h]))
			return false;
		if (k->score[h] < *worst) {
			*worst = k->score[h];
			*wh = h;
		}
		if (!isnan(k->cpu[h]))
			*cpu = fmax(*cpu, k->cpu[h]);
	}
	return true;
}

/* The rule of fleet.h over the hosts of cls (-1: every usable host). */
static void pick(const struct res_fleet *f, int cls, struct res_fleet_pick *pk)
{
	double tol = f->opts.tolerance_pct / 100, worst, cpu;
	size_t wh;

	memset(pk, 0, sizeof(*pk));
	pk->best_worst = -INFINITY;
	for (size_t h = 0; h < f->nhosts; h++) {
		if (!member(f, h, cls))
			continue;
		pk->nhosts++;
		if (f->hosts[h].rec.iothreads > pk->iothreads)
			pk->iothreads = f->hosts[h].rec.iothreads;
	}
	if (!pk->nhosts)
		return;
	for (size_t c = 0; c < f->ncands; c++) {
		if (!cand_stats(f, c, cls, &worst, &wh, &cpu))
			continue;
		pk->neligible++;
		if (worst > pk->best_worst) {
			pk->best_worst = worst;
			pk->best_cand = c;
		}
	}
	for (size_t c = 0; c < f->ncands; c++) {
		const struct res_fleet_cand *k = &f->cands[c];
		const struct res_fleet_cand *b = &f->cands[pk->cand];

		if (!cand_stats(f, c, cls, &worst, &wh, &cpu) ||
		    worst < pk->best_worst * (1 - tol))
			continue;
		if (pk->have && (k->poll_max_ns > b->poll_max_ns ||
				 (k->poll_max_ns == b->poll_max_ns &&
				  cpu >= pk->cpu)))
			continue;
		pk->have = true;
		pk->cand = c;
		pk->worst = worst;
		pk->worst_host = wh;
		pk->cpu = cpu;
	}
}

int res_fleet_analyse(struct res_fleet *f, const struct res_rec_opts *o)
{
	int ret;

	f->opts = *o;
	for (size_t i = 0; i < f->nhosts; i++) {
		if (f->hosts[i].status != RES_HOST_OK)
			continue;
		ret = host_load(o, &f->hosts[i]);
		if (ret)
			return ret;
	}
	ret = classify(f);
	if (!ret)
		ret = candidates(f);
	if (ret)
		return ret;
	pick(f, -1, &f->deploy);
	f->class_pick = calloc(f->nclasses ? f->nclasses : 1,
			       sizeof(*f->class_pick));
	if (!f->class_pick)
		return -ENOMEM;
	for (size_t k = 0; k < f->nclasses; k++)
		pick(f, (int)k, &f->class_pick[k]);
	return 0;
}

void res_fleet_free(struct res_fleet *f)
{
	for (size_t i = 0; i < f->nhosts; i++) {
		struct res_fleet_host *h = &f->hosts[i];

		for (int k = 0; k < h->ndirs; k++)
			free(h->dirs[k]);
		if (h->set) {
			res_rec_free(&h->rec);
			res_set_free(h->set);
			free(h->set);
		}
		free(h->scores);
	}
	for (size_t c = 0; c < f->ncands; c++) {
		free(f->cands[c].score);
		free(f->cands[c].cpu);
		free(f->cands[c].over);
	}
	free(f->cands);
	free(f->hosts);
	free(f->classes);
	free(f->class_pick);
	memset(f, 0, sizeof(*f));
}

/* Printing. */

static const char *ns_txt(int64_t ns, char *buf)
{
	res_fmt_ns_short(ns, buf, 16);
	return buf;
}

/* "64k (policy qemu, grow 0, shrink 0)" */
static void setting_txt(const struct res_row *k, int64_t p, char *buf,
			size_t size)
{
	char b[16];
	int n;

	n = snprintf(buf, size, "%s (policy %s, grow %" PRId64 ", shrink %"
		     PRId64, ns_txt(p, b), k->poll_policy, k->poll_grow,
		     k->poll_shrink);
	if (n > 0 && (size_t)n < size && strcmp(k->poll_policy, "weight") == 0)
		n += snprintf(buf + n, size - (size_t)n, ", weight %" PRId64,
			      k->poll_weight);
	if (n > 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, ")");
}

void res_fleet_print_rule(FILE *fp, const struct res_fleet *f)
{
	fprintf(fp, "Rule: each host scores every setting it measured on "
		"all its workloads by the %s objective relative to its own "
		"best (1 = the best one setting gives it; its loss is 1 - "
		"score). A setting is eligible when every host measured it%s. "
		"The choice is the eligible setting whose worst host scores "
		"highest, counting those within %.0f%% of that as equal, then "
		"the smallest poll-max-ns, then the least CPU per IOThread.",
		res_objective_name(f->opts.objective),
		f->opts.cpu_budget_pct >= 0 ? " within the CPU budget" : "",
		f->opts.tolerance_pct);
}

/*
 * "h1, h2 and 3 more": the hosts of cls that did not measure candidate c
 * (over: that measured it over the CPU budget).
 */
static void lacking(const struct res_fleet *f, size_t c, int cls, bool over,
		    char *buf, size_t size)
{
	size_t n = 0, len = 0;

	buf[0] = '\0';
	for (size_t h = 0; h < f->nhosts; h++) {
		if (!member(f, h, cls) || !isnan(f->cands[c].score[h]) ||
		    f->cands[c].over[h] != over)
			continue;
		if (n < 3 && len + 1 < size)
			len += (size_t)snprintf(buf + len, size - len, "%s%s",
						n ? ", " : "",
						f->hosts[h].name);
		n++;
	}
	if (n > 3 && len + 1 < size)
		snprintf(buf + len, size - len, " and %zu more", n - 3);
}

void res_fleet_print_pick(FILE *fp, const struct res_fleet *f,
			  const struct res_fleet_pick *pk, int cls,
			  unsigned int mask, bool md)
{
	const char *li = md ? "- " : "  ";
	char b[16], s1[160], list[256], over[256];
	double worst, cpu;
	size_t wh, shown = 0, skipped = 0;

	if (!pk->have) {
		fprintf(fp, "%sno setting was measured on all %zu host%s%s\n",
			li, pk->nhosts, pk->nhosts == 1 ? "" : "s",
			f->opts.cpu_budget_pct >= 0 ? " within the CPU budget" :
			"");
	} else {
		const struct res_fleet_cand *c = &f->cands[pk->cand];

		fprintf(fp, "%sworst host %s scores %.3f (loss %.1f%%); the "
			"best worst-host score is %.3f, at %s; %zu of %zu "
			"settings were measured on all %zu host%s\n", li,
			f->hosts[pk->worst_host].name, pk->worst,
			100 * (1 - pk->worst), pk->best_worst,
			ns_txt(f->cands[pk->best_cand].poll_max_ns, b),
			pk->neligible, f->ncands, pk->nhosts,
			pk->nhosts == 1 ? "" : "s");
		fprintf(fp, "%seach host at it:", li);
		for (size_t h = 0, n = 0; h < f->nhosts; h++) {
			if (!member(f, h, cls))
				continue;
			fprintf(fp, "%s %s %.3f (loss %.1f%%)", n++ ? "," : "",
				f->hosts[h].name, c->score[h],
				100 * (1 - c->score[h]));
		}
		fputc('\n', fp);
	}
	for (size_t c = 0; c < f->ncands; c++) {
		if (cand_stats(f, c, cls, &worst, &wh, &cpu))
			continue;
		if (shown == 6) {
			skipped++;
			continue;
		}
		setting_txt(&f->cands[c].key, f->cands[c].poll_max_ns, s1,
			    sizeof(s1));
		lacking(f, c, cls, false, list, sizeof(list));
		lacking(f, c, cls, true, over, sizeof(over));
		fprintf(fp, "%snot eligible: %s:%s%s%s%s%s\n", li, s1,
			list[0] ? " not measured on " : "", list,
			list[0] && over[0] ? ";" : "",
			over[0] ? " over the CPU budget on " : "", over);
		shown++;
	}
	if (skipped)
		fprintf(fp, "%s(and %zu more settings not measured on every "
			"host)\n", li, skipped);
	if (pk->have && mask) {
		fputc('\n', fp);
		res_snippets_print(fp, &f->cands[pk->cand].key,
				   f->cands[pk->cand].poll_max_ns,
				   pk->iothreads, mask, md);
	}
}

static void pick_headline(FILE *fp, const struct res_fleet *f,
			  const struct res_fleet_pick *pk, const char *what,
			  bool md)
{
	const struct res_fleet_cand *c = &f->cands[pk->cand];
	char b[16];

	if (!pk->have) {
		fprintf(fp, "%s%s%s: none\n", md ? "**" : "", what,
			md ? "**" : "");
		return;
	}
	fprintf(fp, "%s%s%s: poll-max-ns=%" PRId64 " (%s), poll-grow=%" PRId64
		", poll-shrink=%" PRId64 ", poll policy %s", md ? "**" : "",
		what, md ? "**" : "", c->poll_max_ns,
		ns_txt(c->poll_max_ns, b), c->key.poll_grow,
		c->key.poll_shrink, c->key.poll_policy);
	if (strcmp(c->key.poll_policy, "weight") == 0)
		fprintf(fp, ", poll-weight=%" PRId64, c->key.poll_weight);
	fputc('\n', fp);
}

/* "iodepth=1 64k, iodepth=32 0" */
static void knees_txt(const struct res_fleet_host *h, char *buf, size_t size)
{
	size_t len = 0;
	char b[16];

	buf[0] = '\0';
	for (size_t i = 0; i < h->rec.nknees && len + 1 < size; i++) {
		const struct res_knee *k = &h->rec.knees[i];

		len += (size_t)snprintf(buf + len, size - len, "%s%s %s%s",
			i ? ", " : "", h->set->sum.series[k->series].label,
			ns_txt(k->knee_ns, b), k->rising ? " (no knee)" : "");
	}
}

void res_fleet_print_hosts(FILE *fp, const struct res_fleet *f, bool md)
{
	const struct res_fleet_cand *d = f->deploy.have ?
		&f->cands[f->deploy.cand] : NULL;

	if (md)
		fprintf(fp, "| host | class | status | knees | own "
			"recommendation (score) | score at the default | "
			"loss at the default |\n|---|---|---|---|---|---|---|\n");
	else
		fprintf(fp, "Hosts (score: the objective's score relative to "
			"the host's own best; loss = 1 - score):\n");
	for (size_t i = 0; i < f->nhosts; i++) {
		const struct res_fleet_host *h = &f->hosts[i];
		char cls[16] = "-", knees[1024], own[200] = "none", b[16];
		char at[32] = "-", loss[32] = "-";

		if (h->status != RES_HOST_OK) {
			if (md)
				fprintf(fp, "| %s | - | %s: %s | | | | |\n",
					h->name, res_host_status_name(h->status),
					h->reason[0] ? h->reason :
					"no reason given");
			else
				fprintf(fp, "  %-16s missing (%s): %s\n",
					h->name, res_host_status_name(h->status),
					h->reason[0] ? h->reason :
					"no reason given");
			continue;
		}
		snprintf(cls, sizeof(cls), "%d", h->cls + 1);
		knees_txt(h, knees, sizeof(knees));
		if (h->rec.have)
			snprintf(own, sizeof(own), "%s %s (%.3f)",
				 ns_txt(h->rec.poll_max_ns, b),
				 h->rec.settings.poll_policy, h->own);
		if (d && !isnan(d->score[i])) {
			snprintf(at, sizeof(at), "%.3f", d->score[i]);
			snprintf(loss, sizeof(loss), "%.1f%%",
				 100 * (1 - d->score[i]));
		}
		if (md)
			fprintf(fp, "| %s | %s | ok | %s | %s | %s | %s |\n",
				h->name, cls, knees, own, at, loss);
		else
			fprintf(fp, "  %-16s class %s; knees %s; own %s; at "
				"the default %s, loss %s\n", h->name, cls,
				knees, own, at, loss);
	}
	fputc('\n', fp);
}

static void print_classes(FILE *fp, const struct res_fleet *f, bool md)
{
	fprintf(fp, md ? "**Classes** (device model / CPU model, from each "
		"host's meta.json)\n\n" : "Classes (device model / CPU model, "
		"from each host's meta.json):\n");
	for (size_t k = 0; k < f->nclasses; k++) {
		char name[512];
		size_t n = 0;

		res_fleet_class_name(&f->classes[k], name, sizeof(name));
		fprintf(fp, "%sclass %zu: %s:", md ? "- " : "  ", k + 1, name);
		for (size_t h = 0; h < f->nhosts; h++)
			if (member(f, h, (int)k))
				fprintf(fp, "%s %s", n++ ? "," : "",
					f->hosts[h].name);
		fputc('\n', fp);
	}
	fputc('\n', fp);
}

void res_fleet_print(FILE *fp, const struct res_fleet *f, bool md)
{
	size_t usable = res_fleet_usable(f);

	fprintf(fp, "%sFleet%s%s%s%s: %zu host%s, %zu usable; objective %s, "
		"tolerance %.0f%%", md ? "**" : "", f->name[0] ? " '" : "",
		f->name, f->name[0] ? "'" : "", md ? "**" : "", f->nhosts,
		f->nhosts == 1 ? "" : "s", usable,
		res_objective_name(f->opts.objective), f->opts.tolerance_pct);
	if (f->opts.cpu_budget_pct >= 0)
		fprintf(fp, ", CPU budget %.0f%% per IOThread",
			f->opts.cpu_budget_pct);
	if (f->file[0])
		fprintf(fp, "; hosts from %s", f->file);
	fputs("\n\n", fp);
	res_fleet_print_hosts(fp, f, md);
	if (f->nclasses)
		print_classes(fp, f, md);
	pick_headline(fp, f, &f->deploy, "Deployment default", md);
	fputc('\n', fp);
	res_fleet_print_rule(fp, f);
	fputs("\n\n", fp);
	res_fleet_print_pick(fp, f, &f->deploy, -1, RES_SNIP_ALL, md);
	for (size_t k = 0; k < f->nclasses; k++) {
		char what[600], name[512];

		res_fleet_class_name(&f->classes[k], name, sizeof(name));
		snprintf(what, sizeof(what), "Class %zu (%s)", k + 1, name);
		fputc('\n', fp);
		pick_headline(fp, f, &f->class_pick[k], what, md);
		if (md)
			fputc('\n', fp);
		res_fleet_print_pick(fp, f, &f->class_pick[k], (int)k,
				     RES_SNIP_BIT(RES_SNIP_QEMU) |
				     RES_SNIP_BIT(RES_SNIP_LIBVIRT), md);
	}
	for (size_t i = 0; i < f->nhosts; i++) {
		const struct res_fleet_host *h = &f->hosts[i];

		if (h->status != RES_HOST_OK || !h->rec.npeers)
			continue;
		fprintf(fp, md ? "\n**%s**\n" : "\n%s:", h->name);
		res_rec_print_baseline(fp, &h->set->sum, &h->rec, md);
	}
	for (size_t i = 0; i < f->nhosts; i++) {
		const struct res_fleet_host *h = &f->hosts[i];

		for (int w = 0; h->status == RES_HOST_OK && w < h->rec.nwarn;
		     w++)
			fprintf(fp, "%swarning: %s: %s\n", md ? "- " : "",
				h->name, h->rec.warn[w]);
	}
}
