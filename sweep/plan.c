/* plan.c: the randomized run order and plan.json. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sweep/plan.h"

uint64_t sw_rand_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void slot_name(struct sw_slot *s)
{
	snprintf(s->run_id, sizeof(s->run_id), "p%04zu-r%d", s->point, s->rep);
}

int sw_plan_build(struct sw_plan *p, const struct sw_point *pts,
		  size_t n, int reps, uint64_t seed)
{
	uint64_t state = seed;

	memset(p, 0, sizeof(*p));
	p->seed = seed;
	p->repetitions = reps;
	p->npoints = n;
	p->nruns = n * (size_t)reps;
	p->points = malloc((n ? n : 1) * sizeof(*p->points));
	p->runs = malloc((p->nruns ? p->nruns : 1) * sizeof(*p->runs));
	if (!p->points || !p->runs) {
		sw_plan_free(p);
		return -ENOMEM;
	}
	memcpy(p->points, pts, n * sizeof(*pts));
	for (size_t i = 0; i < p->nruns; i++) {
		p->runs[i].point = i / (size_t)reps;
		p->runs[i].rep = (int)(i % (size_t)reps) + 1;
		slot_name(&p->runs[i]);
	}
	for (size_t i = p->nruns; i > 1; i--) {
		size_t j = (size_t)(sw_rand_next(&state) % i);
		struct sw_slot t = p->runs[i - 1];

		p->runs[i - 1] = p->runs[j];
		p->runs[j] = t;
	}
	return 0;
}

void sw_plan_free(struct sw_plan *p)
{
	free(p->points);
	free(p->runs);
	memset(p, 0, sizeof(*p));
}

long sw_plan_find(const struct sw_plan *p, const char *run_id)
{
	for (size_t i = 0; i < p->nruns; i++)
		if (strcmp(p->runs[i].run_id, run_id) == 0)
			return (long)i;
	return -1;
}

static json_t *point_to_json(const struct sw_point *pt, size_t index)
{
	json_t *o = json_object();

	json_object_set_new(o, "index", json_integer((json_int_t)index));
	json_object_set_new(o, "section", json_string(pt->section));
	for (int d = 0; d < SW_NR_DIMS; d++) {
		char v[RES_TARGET_MAX];

		sw_point_value(pt, (enum sw_dim)d, v, sizeof(v));
		if (sw_dim_numeric((enum sw_dim)d))
			json_object_set_new(o, sw_dim_key((enum sw_dim)d),
					    json_integer(strtoll(v, NULL, 10)));
		else
			json_object_set_new(o, sw_dim_key((enum sw_dim)d),
					    json_string(v));
	}
	return o;
}

json_t *sw_plan_to_json(const struct sw_plan *p)
{
	json_t *o = json_object(), *pts = json_array(), *runs = json_array();

	json_object_set_new(o, "format_version",
			    json_integer(SW_PLAN_FORMAT_VERSION));
	/* The seed as text: JSON integers are signed 64-bit. */
	json_object_set_new(o, "seed", json_sprintf("%" PRIu64, p->seed));
	json_object_set_new(o, "repetitions", json_integer(p->repetitions));
	for (size_t i = 0; i < p->npoints; i++)
		json_array_append_new(pts, point_to_json(&p->points[i], i));
	for (size_t i = 0; i < p->nruns; i++)
		json_array_append_new(runs, json_string(p->runs[i].run_id));
	json_object_set_new(o, "points", pts);
	json_object_set_new(o, "runs", runs);
	return o;
}

static int point_from_json(json_t *o, struct sw_point *pt, char *err,
			   size_t errlen)
{
	json_t *sec = json_object_get(o, "section");

	memset(pt, 0, sizeof(*pt));
	if (!json_is_string(sec) ||
	    strlen(json_string_value(sec)) >= sizeof(pt->section))
		goto bad;
	strcpy(pt->section, json_string_value(sec));
	for (int d = 0; d < SW_NR_DIMS; d++) {
		json_t *v = json_object_get(o, sw_dim_key((enum sw_dim)d));
		char buf[32];
		const char *s = buf;

		if (json_is_integer(v))
			snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT,
				 json_integer_value(v));
		else if (!v && d == SW_DIM_GUEST_THINK)
			s = "0"; /* a plan from before this dimension */
		else if (!v && (d == SW_DIM_URING_RING ||
				d == SW_DIM_RING_FLAGS))
			s = "auto"; /* the same */
		else if (json_is_string(v))
			s = json_string_value(v);
		else
			goto bad;
		if (sw_point_set_value(pt, (enum sw_dim)d, s))
			goto bad;
	}
	return 0;
bad:
	snprintf(err, errlen, "plan.json: a malformed point");
	return -EINVAL;
}

static int slot_from_id(struct sw_slot *s, const char *id, size_t npoints,
			int reps)
{
	size_t point;
	int rep, used = 0;

	if (sscanf(id, "p%zu-r%d%n", &point, &rep, &used) != 2 ||
	    id[used] || point >= npoints || rep < 1 || rep > reps)
		return -EINVAL;
	s->point = point;
	s->rep = rep;
	slot_name(s);
	return strcmp(s->run_id, id) ? -EINVAL : 0;
}

int sw_plan_from_json(json_t *j, struct sw_plan *p, char *err,
		      size_t errlen)
{
	json_t *pts = json_object_get(j, "points");
	json_t *runs = json_object_get(j, "runs");
	json_t *seed = json_object_get(j, "seed");
	json_t *v;
	size_t i;
	int ret;

	memset(p, 0, sizeof(*p));
	if (json_integer_value(json_object_get(j, "format_version")) !=
	    SW_PLAN_FORMAT_VERSION || !json_is_array(pts) ||
	    !json_is_array(runs) || !json_is_string(seed)) {
		snprintf(err, errlen, "plan.json: not a version %d plan",
			 SW_PLAN_FORMAT_VERSION);
		return -EINVAL;
	}
	p->seed = strtoull(json_string_value(seed), NULL, 10);
	p->repetitions = (int)json_integer_value(
		json_object_get(j, "repetitions"));
	p->npoints = json_array_size(pts);
	p->nruns = json_array_size(runs);
	if (p->repetitions < 1 ||
	    p->nruns != p->npoints * (size_t)p->repetitions) {
		snprintf(err, errlen, "plan.json: %zu runs for %zu points x %d "
			 "repetitions", p->nruns, p->npoints, p->repetitions);
		memset(p, 0, sizeof(*p));
		return -EINVAL;
	}
	p->points = calloc(p->npoints ? p->npoints : 1, sizeof(*p->points));
	p->runs = calloc(p->nruns ? p->nruns : 1, sizeof(*p->runs));
	if (!p->points || !p->runs) {
		sw_plan_free(p);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	json_array_foreach(pts, i, v) {
		ret = point_from_json(v, &p->points[i], err, errlen);
		if (ret) {
			sw_plan_free(p);
			return ret;
		}
	}
	json_array_foreach(runs, i, v) {
		if (!json_is_string(v) ||
		    slot_from_id(&p->runs[i], json_string_value(v), p->npoints,
				 p->repetitions) ||
		    sw_plan_find(p, p->runs[i].run_id) != (long)i) {
			snprintf(err, errlen, "plan.json: bad or repeated run "
				 "id at position %zu", i + 1);
			sw_plan_free(p);
			return -EINVAL;
		}
	}
	return 0;
}

bool sw_plan_same(const struct sw_plan *a, const struct sw_plan *b,
		  char *why, size_t size)
{
	if (a->npoints != b->npoints) {
		snprintf(why, size, "the grid has %zu points, the sweep being "
			 "resumed has %zu", b->npoints, a->npoints);
		return false;
	}
	if (a->repetitions != b->repetitions) {
		snprintf(why, size, "%d repetitions asked, the sweep being "
			 "resumed has %d", b->repetitions, a->repetitions);
		return false;
	}
	for (size_t i = 0; i < a->npoints; i++) {
		if (!sw_point_equal(&a->points[i], &b->points[i])) {
			snprintf(why, size, "grid point %zu differs from the "
				 "sweep being resumed", i);
			return false;
		}
	}
	for (size_t i = 0; i < a->nruns; i++) {
		if (strcmp(a->runs[i].run_id, b->runs[i].run_id) != 0) {
			snprintf(why, size, "the run order differs (another "
				 "seed?)");
			return false;
		}
	}
	return true;
}
