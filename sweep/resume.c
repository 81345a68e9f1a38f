/*
 * resume.c: `--resume DIR`: the results directory claimed again, its plan
 * and meta.json read back, the flags or job file given held against them,
 * the finished runs taken back from runs/ and what attempts cut short
 * left in tmp/ removed (sweep.h).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "results/atomic.h"
#include "results/runjson.h"
#include "sweep/sweep-internal.h"

/* Sort the rows of a resumed sweep into run order. */
static void sort_rows(struct res_table *t)
{
	for (size_t i = 1; i < t->n; i++)
		for (size_t k = i; k > 0 && t->rows[k - 1].order >
						t->rows[k].order; k--) {
			struct res_row r = t->rows[k];

			t->rows[k] = t->rows[k - 1];
			t->rows[k - 1] = r;
		}
}

/* Take back the finished run id of slot from path (runs/<id>.json). */
static int load_run(struct sw_sweep *s, const char *path, const char *id,
		    long slot)
{
	const struct sw_slot *sl = &s->plan.runs[slot];
	char err[512], why[512];
	struct res_row row;
	json_t *run, *sj;

	if (res_run_load(path, &run, err, sizeof(err)))
		return sw_fail(s, -EBADMSG, "%s", err);
	res_row_init(&row);
	if (res_row_from_run(run, &row, err, sizeof(err))) {
		json_decref(run);
		return sw_fail(s, -EBADMSG, "%s: %s", path, err);
	}
	if (!sw_point_matches(&s->plan.points[sl->point], &row, why,
			      sizeof(why))) {
		json_decref(run);
		return sw_fail(s, -EBADMSG, "%s does not match the grid: %s",
			       path, why);
	}
	sj = json_object_get(run, "sweep");
	snprintf(row.run_id, sizeof(row.run_id), "%s", id);
	row.point = (int64_t)sl->point;
	row.rep = sl->rep;
	row.order = slot + 1;
	snprintf(row.section, sizeof(row.section), "%s",
		 s->plan.points[row.point].section);
	row.wall_ns = json_number_value(json_object_get(sj, "wall_ns"));
	snprintf(row.json, sizeof(row.json), "runs/%s.json", id);
	sw_meta_note(s->meta, "fdmon_used",
		     json_object_get(json_object_get(run, "loop"), "fdmon"));
	json_decref(run);
	if (s->done[slot])
		return 0;
	s->done[slot] = true;
	s->ndone++;
	if (res_table_add(&s->table, &row))
		return sw_fail(s, -ENOMEM, "out of memory");
	return 0;
}

/* Rebuild the finished rows of a resumed sweep from runs/<id>.json. */
static int load_done(struct sw_sweep *s)
{
	char runs[PATH_MAX];
	struct dirent *e;
	DIR *d;
	int ret = sw_path_in(s, "runs", runs, sizeof(runs));

	if (ret)
		return ret;
	d = opendir(runs);
	if (!d)
		return sw_fail(s, -errno, "%s: %s", runs, strerror(errno));
	while (!ret && (e = readdir(d))) {
		char id[RES_NAME_MAX], path[PATH_MAX + 300];
		const char *dot = strrchr(e->d_name, '.');
		long slot;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", runs, e->d_name);
		if (strstr(e->d_name, ".tmp.")) {
			unlink(path); /* a write cut short: never renamed */
			continue;
		}
		if (!dot || strcmp(dot, ".json") != 0 ||
		    (size_t)(dot - e->d_name) >= sizeof(id))
			continue;
		memcpy(id, e->d_name, (size_t)(dot - e->d_name));
		id[dot - e->d_name] = '\0';
		slot = sw_plan_find(&s->plan, id);
		if (slot < 0)
			ret = sw_fail(s, -EBADMSG, "%s: not a run of this "
				      "sweep's plan", path);
		else
			ret = load_run(s, path, id, slot);
	}
	closedir(d);
	sort_rows(&s->table);
	return ret;
}

/* Runs skipped before (settings this host cannot realize) stay skipped. */
static void mark_skipped(struct sw_sweep *s)
{
	json_t *arr = json_object_get(s->meta, "skipped_runs"), *e;
	size_t i;

	if (!json_is_array(arr)) {
		json_object_set_new(s->meta, "skipped_runs", json_array());
		return;
	}
	json_array_foreach(arr, i, e) {
		const char *id = json_string_value(json_object_get(e,
								   "run_id"));
		long slot = id ? sw_plan_find(&s->plan, id) : -1;

		if (slot >= 0 && !s->done[slot]) {
			s->done[slot] = true;
			s->skipped++;
		}
	}
}

/* Remove what attempts cut short left in tmp/ (nobody else writes there). */
static int clean_tmp(struct sw_sweep *s)
{
	char tmp[PATH_MAX], path[PATH_MAX + 300];
	struct dirent *e;
	DIR *d;
	int ret = sw_path_in(s, "tmp", tmp, sizeof(tmp));

	if (!ret)
		ret = res_mkdirs(tmp);
	if (ret)
		return sw_fail(s, ret, "cannot create %s: %s", tmp,
			       strerror(-ret));
	d = opendir(tmp);
	if (!d)
		return sw_fail(s, -errno, "%s: %s", tmp, strerror(errno));
	while (!ret && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmp, e->d_name);
		if (unlink(path) < 0 && errno != ENOENT)
			ret = sw_fail(s, -errno, "cannot remove %s: %s", path,
				      strerror(errno));
	}
	closedir(d);
	return ret;
}

/* Flags of a resume that say something else than the directory. */
static int check_resume_flags(struct sw_sweep *s)
{
	const struct sw_opts *o = s->o;
	const char *name = json_string_value(json_object_get(
		json_object_get(s->meta, "sweep"), "name"));
	int ret;

	ret = sw_resume_agrees(s, "seed", o->seed_set, true, o->seed,
			       s->plan.seed);
	if (!ret)
		ret = sw_resume_agrees(s, "repetitions", o->reps_set, true,
				       (uint64_t)o->reps,
				       (uint64_t)s->plan.repetitions);
	if (ret)
		return ret;
	if (o->name && name && strcmp(o->name, name))
		return sw_fail(s, -EINVAL, "cannot resume %s with --name %s: "
			       "the sweep has name %s (a resume keeps the "
			       "directory's own; give that or none)", s->dir,
			       o->name, name);
	if (o->fio) {
		unsigned stored = sw_meta_variants(s->meta);

		if (o->variants_set && o->variants != stored)
			return sw_fail(s, -EINVAL, "cannot resume %s with "
				       "other --variants than the sweep's "
				       "(meta.json fio_variants; a resume "
				       "keeps the directory's own)", s->dir);
		s->variants = stored;
	}
	return 0;
}

/* The plan rebuilt from the flags or job file given must be the stored. */
static int rebuild_agrees(struct sw_sweep *s)
{
	struct sw_plan stored = s->plan;
	char why[512];
	int ret;

	s->stored = &stored;
	memset(&s->plan, 0, sizeof(s->plan));
	ret = sw_build_plan(s);
	s->stored = NULL;
	if (!ret && !sw_plan_same(&stored, &s->plan, why, sizeof(why)))
		ret = sw_fail(s, -EINVAL, "cannot resume %s: %s", s->dir, why);
	sw_plan_free(&stored);
	return ret;
}

/* The directory's plan and meta.json, read once it is this process's. */
static int read_back(struct sw_sweep *s)
{
	const char *dir = s->o->resume_dir;
	char path[PATH_MAX], err[512];
	json_t *j, *accel;
	int ret = sw_path_in(s, "plan.json", path, sizeof(path));

	if (ret)
		return ret;
	/* A regular file of at most RES_READ_MAX bytes (util/file.h). */
	if (res_json_load(path, &j, err, sizeof(err)))
		return sw_fail(s, -EINVAL, "invalid value '%s' for --resume: "
			       "allowed a sweep's results directory (%s)", dir,
			       err);
	ret = sw_plan_from_json(j, &s->plan, err, sizeof(err));
	json_decref(j);
	if (ret)
		return sw_fail(s, ret == -ENOMEM ? ret : -EBADMSG, "%s/%s",
			       s->dir, err);
	ret = sw_path_in(s, "meta.json", path, sizeof(path));
	if (ret)
		return ret;
	if (res_json_load(path, &s->meta, err, sizeof(err)))
		return sw_fail(s, -EBADMSG, "%s: missing or not JSON", path);
	accel = json_object_get(s->meta, "qemu_accel");
	if (!s->accel && json_is_string(accel)) {
		snprintf(s->accel_buf, sizeof(s->accel_buf), "%s",
			 json_string_value(accel));
		s->accel = s->accel_buf;
	}
	return 0;
}

int sw_start_resume(struct sw_sweep *s)
{
	const struct sw_opts *o = s->o;
	const char *kind, *name;
	char path[PATH_MAX];
	int ret;

	snprintf(s->dir, sizeof(s->dir), "%s", o->resume_dir);
	ret = sw_path_in(s, "plan.json", path, sizeof(path));
	if (ret)
		return ret;
	if (!res_path_exists(path))
		return sw_fail(s, -EINVAL, "invalid value '%s' for --resume: "
			       "allowed a sweep's results directory (no "
			       "plan.json)", o->resume_dir);
	/* Everything is read once the directory is this process's alone. */
	ret = sw_claim_dir(s);
	if (!ret)
		ret = read_back(s);
	if (ret)
		return ret;
	kind = json_string_value(json_object_get(json_object_get(s->meta,
							"sweep"), "kind"));
	if (o->fio != (kind && !strcmp(kind, "fio")))
		return sw_fail(s, -EINVAL, "invalid value '%s' for --resume: "
			       "it is %s sweep; resume it with aiotune %s "
			       "--resume %s", o->resume_dir,
			       o->fio ? "an aiotune" : "a fio",
			       o->fio ? "sweep" : "fio", o->resume_dir);
	ret = check_resume_flags(s);
	if (ret)
		return ret;
	if (!s->name) {
		name = json_string_value(json_object_get(
			json_object_get(s->meta, "sweep"), "name"));
		snprintf(s->name_buf, sizeof(s->name_buf), "%s",
			 name ? name : "sweep");
		s->name = s->name_buf;
	}
	if (o->have_flag_dims || o->job_path) {
		/* Rebuild from what was given, with the stored seed. */
		ret = rebuild_agrees(s);
		if (ret)
			return ret;
	}
	s->done = calloc(s->plan.nruns + 1, sizeof(bool));
	if (!s->done)
		return sw_fail(s, -ENOMEM, "out of memory");
	ret = clean_tmp(s);
	if (!ret)
		ret = load_done(s);
	if (ret)
		return ret;
	/* failed_runs lists runs without a result only (older ones may not). */
	for (size_t i = 0; i < s->table.n; i++)
		sw_meta_forget_failure(s->meta, s->table.rows[i].run_id);
	mark_skipped(s);
	return sw_save_csv(s);
}
