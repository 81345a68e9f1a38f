/*
 * meta.c: a sweep's meta.json: the header every results directory has
 * (results/meta.h), the host and its devices, the sweep (name, seed,
 * repetitions, the child command), one session per start or resume, and
 * the runs that failed or were skipped.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results/atomic.h"
#include "results/meta.h"
#include "results/provenance.h"
#include "sweep/sweep-internal.h"

int sw_save_json(struct sw_sweep *s, const char *name, json_t *j)
{
	char path[PATH_MAX], *text;
	int ret = sw_path_in(s, name, path, sizeof(path));

	if (ret)
		return ret;
	text = json_dumps(j, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	if (!text)
		return sw_fail(s, -ENOMEM, "out of memory");
	ret = res_write_atomic(path, text, strlen(text));
	free(text);
	if (ret)
		return sw_fail(s, ret, "cannot write %s: %s", path,
			       strerror(-ret));
	return 0;
}

int sw_save_csv(struct sw_sweep *s)
{
	char path[PATH_MAX];
	int ret = sw_path_in(s, "results.csv", path, sizeof(path));

	if (ret)
		return ret;
	ret = res_csv_save(path, &s->table);
	if (ret)
		return sw_fail(s, ret, "cannot write %s: %s", path,
			       strerror(-ret));
	return 0;
}

int sw_meta_save(struct sw_sweep *s)
{
	json_t *sweep = json_object_get(s->meta, "sweep");
	char now[32];

	res_prov_utc_now(now, sizeof(now));
	json_object_set_new(s->session, "end_time", json_string(now));
	json_object_set_new(sweep, "runs_done", json_integer((json_int_t)
							     s->ndone));
	json_object_set_new(s->session, "interrupted",
			    json_boolean(s->interrupted));
	return sw_save_json(s, "meta.json", s->meta);
}

json_t *sw_meta_session(const struct sw_sweep *s)
{
	return json_pack("{s:s, s:s, s:I}",
			 "command_line", s->o->command_line,
			 "start_time", s->start_time,
			 "runs_done_before", (json_int_t)s->ndone);
}

/* The device behind each target, once per target. */
static json_t *devices(const struct sw_plan *p)
{
	json_t *devs = json_array();

	for (size_t i = 0; devs && i < p->npoints; i++) {
		const char *t = p->points[i].target;
		bool seen = false;

		for (size_t k = 0; k < i && !seen; k++)
			seen = !strcmp(p->points[k].target, t);
		if (!seen)
			json_array_append_new(devs, res_prov_device(t));
	}
	return devs;
}

/* aiotune fio: what it left out, and its variants. */
static void fio_meta(const struct sw_sweep *s, json_t *m)
{
	json_t *notes = json_array(), *vars = json_array();

	for (int i = 0; i < s->fio_grid.nnotes; i++)
		json_array_append_new(notes, json_pack("{s:s, s:s}",
			"what", s->fio_grid.notes[i].what,
			"why", s->fio_grid.notes[i].why));
	for (int v = 0; v < WL_FIO_NR_VARIANTS; v++)
		if (s->variants & (1u << v))
			json_array_append_new(vars, json_string(
				wl_fio_variant_name((enum wl_fio_variant)v)));
	json_object_set_new(m, "fio_skipped", notes);
	json_object_set_new(m, "fio_variants", vars);
}

static json_t *sweep_obj(const struct sw_sweep *s)
{
	const char *env = getenv("AIOTUNE_RUN_CMD");
	json_t *sweep = json_object(), *cmd = json_array();

	json_object_set_new(sweep, "name", json_string(s->name));
	json_object_set_new(sweep, "kind", json_string(s->o->fio ? "fio" :
						       "aiotune"));
	json_object_set_new(sweep, "seed", json_integer((json_int_t)
							s->plan.seed));
	json_object_set_new(sweep, "repetitions",
			    json_integer(s->plan.repetitions));
	json_object_set_new(sweep, "points",
			    json_integer((json_int_t)s->plan.npoints));
	json_object_set_new(sweep, "runs",
			    json_integer((json_int_t)s->plan.nruns));
	if (s->o->job_path)
		json_object_set_new(sweep, "job_file",
				    json_string(s->o->job_path));
	for (int i = 0; i < s->nrun_cmd; i++)
		json_array_append_new(cmd, json_string(s->run_cmd[i]));
	json_object_set_new(sweep, "run_command", cmd);
	json_object_set_new(sweep, "run_command_overridden",
			    json_boolean(env && *env));
	return sweep;
}

json_t *sw_meta_new(struct sw_sweep *s)
{
	json_t *m = res_meta_new(s->o->command_line, s->start_time);

	if (!m)
		return NULL;
	json_object_set_new(m, "host", res_prov_host());
	json_object_set_new(m, "devices", devices(&s->plan));
	json_object_set_new(m, "fdmon_used", json_array());
	if (s->o->fio)
		fio_meta(s, m);
	json_object_set_new(m, "run_timer_slack_ns", json_array());
	json_object_set_new(m, "sweep", sweep_obj(s));
	json_object_set_new(m, "failed_runs", json_array());
	json_object_set_new(m, "skipped_runs", json_array());
	json_object_set_new(m, "sessions", json_array());
	return m;
}

void sw_meta_note(json_t *meta, const char *key, json_t *v)
{
	json_t *arr = json_object_get(meta, key), *e;
	size_t i;

	if (!v || json_is_null(v))
		return;
	json_array_foreach(arr, i, e)
		if (json_equal(e, v))
			return;
	json_array_append(arr, v);
}

void sw_meta_forget_failure(json_t *meta, const char *run_id)
{
	json_t *arr = json_object_get(meta, "failed_runs"), *e;

	for (size_t i = 0; i < json_array_size(arr);) {
		const char *id;

		e = json_array_get(arr, i);
		id = json_string_value(json_object_get(e, "run_id"));
		if (id && !strcmp(id, run_id))
			json_array_remove(arr, i);
		else
			i++;
	}
}

unsigned sw_meta_variants(json_t *meta)
{
	json_t *arr = json_object_get(meta, "fio_variants"), *e;
	unsigned mask = 0;
	size_t i;

	json_array_foreach(arr, i, e)
		for (int v = 0; v < WL_FIO_NR_VARIANTS; v++)
			if (json_is_string(e) && !strcmp(json_string_value(e),
				wl_fio_variant_name((enum wl_fio_variant)v)))
				mask |= 1u << v;
	return mask;
}
