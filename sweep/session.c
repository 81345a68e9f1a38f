/*
 * session.c: a sweep's plan, its new results directory (a resume's is
 * resume.c's), its targets and its session in meta.json (sweep.h).
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "qemu/session.h"
#include "results/atomic.h"
#include "results/provenance.h"
#include "sweep/claim.h"
#include "sweep/sweep-internal.h"
#include "sweep/targets.h"
#include "util/util.h"
#include "workloads/peer.h"

int sw_fail(struct sw_sweep *s, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->err, sizeof(s->err), fmt, ap);
	va_end(ap);
	return ret;
}

/* The public calls hand s->err on. */
static int report(const struct sw_sweep *s, int ret, char *err,
		  size_t errlen)
{
	if (ret)
		snprintf(err, errlen, "%s", s->err);
	return ret;
}

int sw_path_in(struct sw_sweep *s, const char *name, char *buf, size_t size)
{
	int ret = res_join(buf, size, s->dir, name);

	if (ret)
		return sw_fail(s, ret, "%s/%s: %s", s->dir, name,
			       strerror(-ret));
	return 0;
}

struct sw_sweep *sw_sweep_new(const struct sw_opts *o)
{
	struct sw_sweep *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->o = o;
	s->name = o->name;
	s->accel = o->accel;
	s->variants = o->variants;
	res_prov_utc_now(s->start_time, sizeof(s->start_time));
	return s;
}

void sw_sweep_free(struct sw_sweep *s)
{
	if (!s)
		return;
	sw_grid_free(&s->grid);
	sw_plan_free(&s->plan);
	sw_fio_grid_free(&s->fio_grid);
	res_table_free(&s->table);
	free(s->done);
	free(s->job_text);
	free(s->may_write);
	json_decref(s->session);
	json_decref(s->meta);
	if (s->run_cmd_buf)
		free(s->run_cmd_buf);
	else if (s->run_cmd)
		free(s->run_cmd[0]);
	free(s->run_cmd);
	qm_session_end(s->qemu_session);
	free(s);
}

/* The child command: this binary, or AIOTUNE_RUN_CMD split at spaces. */
static int setup_run_cmd(struct sw_sweep *s)
{
	const char *env = getenv("AIOTUNE_RUN_CMD");
	char exe[PATH_MAX];
	ssize_t n;

	s->run_cmd = calloc(64, sizeof(char *));
	if (!s->run_cmd)
		return sw_fail(s, -ENOMEM, "out of memory");
	if (env && *env) {
		char *copy = strdup(env), *save = NULL;

		if (!copy)
			return sw_fail(s, -ENOMEM, "out of memory");
		s->run_cmd_buf = copy;
		for (char *t = strtok_r(copy, " \t", &save);
		     t && s->nrun_cmd < 60; t = strtok_r(NULL, " \t", &save))
			s->run_cmd[s->nrun_cmd++] = t;
		if (s->nrun_cmd)
			return 0;
		free(copy);
		s->run_cmd_buf = NULL;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return sw_fail(s, -errno, "cannot find the aiotune binary "
			       "(/proc/self/exe): %s", strerror(errno));
	exe[n] = '\0';
	s->run_cmd[0] = strdup(exe);
	if (!s->run_cmd[0])
		return sw_fail(s, -ENOMEM, "out of memory");
	s->nrun_cmd = 1;
	return 0;
}

/* aiotune fio: the grid's points as fio runs them, and what it leaves out. */
static int fio_points(struct sw_sweep *s)
{
	const struct sw_fio_note *nt = s->fio_grid.notes;

	sw_fio_grid_free(&s->fio_grid);
	if (!s->variants)
		s->variants = (1u << WL_FIO_NR_VARIANTS) - 1;
	if (sw_fio_grid_build(s->grid.points, s->grid.npoints, s->variants,
			      wl_fio_hipri_ok, &s->fio_grid))
		return sw_fail(s, -ENOMEM, "out of memory");
	if (!s->fio_grid.n)
		return sw_fail(s, -EINVAL, "nothing in this grid can run "
			       "through fio: %s: %s", nt[0].what, nt[0].why);
	return 0;
}

static uint64_t default_seed(void)
{
	struct timespec ts;
	uint64_t seed;

	clock_gettime(CLOCK_REALTIME, &ts);
	seed = (uint64_t)ts.tv_sec * 1000000007ULL ^ (uint64_t)ts.tv_nsec ^
	       ((uint64_t)getpid() << 32);
	/* Keep it a positive JSON integer and easy to retype. */
	return sw_rand_next(&seed) % 1000000000ULL;
}

/* Read and parse --job, once: job.ini gets the very text that was parsed. */
static int load_job(struct sw_sweep *s)
{
	const char *path = s->o->job_path;
	char err[1024];
	int ret;

	if (!s->job_text) {
		ret = sw_job_read(path, &s->job_text, &s->job_len, err,
				  sizeof(err));
		if (ret == -ENOMEM)
			return sw_fail(s, ret, "out of memory");
		if (ret)
			return sw_fail(s, ret == -EIO ? ret : -EINVAL,
				       "invalid value '%s' for --job: %s", path,
				       err);
	}
	ret = sw_grid_parse_job(&s->grid, path, s->job_text, s->job_len, err,
				sizeof(err));
	if (ret)
		return sw_fail(s, ret == -ENOMEM ? ret : -EINVAL, "%s", err);
	return 0;
}

int sw_resume_agrees(struct sw_sweep *s, const char *what, bool given,
		     bool by_flag, uint64_t v, uint64_t stored)
{
	if (!given || v == stored)
		return 0;
	if (by_flag)
		return sw_fail(s, -EINVAL, "cannot resume %s with --%s %" PRIu64
			       ": the sweep has %s %" PRIu64 " (a resume keeps "
			       "the directory's own; give that or none)",
			       s->dir, what, v, what, stored);
	return sw_fail(s, -EINVAL, "cannot resume %s with %s, which has %s %"
		       PRIu64 ": the sweep has %s %" PRIu64 " (a resume keeps "
		       "the directory's own)", s->dir, s->o->job_path, what,
		       v, what, stored);
}

/* The sweep's name: --name, the job file's, the job file's base name. */
static void pick_name(struct sw_sweep *s)
{
	const char *job = s->o->job_path;

	if (!s->name) {
		if (job && strcmp(s->grid.name, "sweep") == 0) {
			const char *b = strrchr(job, '/');
			char *dot;

			snprintf(s->name_buf, sizeof(s->name_buf), "%s",
				 b ? b + 1 : job);
			dot = strrchr(s->name_buf, '.');
			if (dot && dot != s->name_buf)
				*dot = '\0';
			s->name = s->name_buf;
		} else {
			s->name = s->grid.name;
		}
	}
	/* A fio sweep's directory tells itself apart: NAME-fio-<time>. */
	if (s->o->fio && (strlen(s->name) < 4 ||
			  strcmp(s->name + strlen(s->name) - 4, "-fio"))) {
		char base[RES_NAME_MAX - 4];

		snprintf(base, sizeof(base), "%s", s->name);
		snprintf(s->name_buf, sizeof(s->name_buf), "%s-fio", base);
		s->name = s->name_buf;
	}
}

/* Each distinct setting but poll-max-ns, checked as `aiotune run` would. */
static int check_points(struct sw_sweep *s)
{
	char err[1024];
	int ret;

	for (size_t i = 0; i < s->grid.npoints; i++) {
		const struct sw_point *p = &s->grid.points[i];
		bool seen = false;

		for (size_t k = 0; k < i && !seen; k++) {
			struct sw_point q = s->grid.points[k];

			q.poll_max_ns = p->poll_max_ns;
			seen = sw_point_equal(&q, p);
		}
		if (seen)
			continue;
		ret = sw_point_check_writes(p, s->o->allow_write, err,
					    sizeof(err));
		if (ret && s->o->job_path)
			return sw_fail(s, ret, "%s: [%s]: %s", s->o->job_path,
				       p->section, err);
		if (ret)
			return sw_fail(s, ret, "%s", err);
	}
	return 0;
}

int sw_build_plan(struct sw_sweep *s)
{
	const struct sw_opts *o = s->o;
	char err[1024];
	int ret;

	sw_grid_free(&s->grid);
	sw_grid_init(&s->grid);
	if (o->job_path) {
		ret = load_job(s);
		if (ret)
			return ret;
	}
	if (o->reps_set)
		s->grid.repetitions = o->reps;
	if (!s->accel && s->grid.accel[0])
		s->accel = s->grid.accel;
	if (o->seed_set) {
		s->grid.seed = o->seed;
		s->grid.seed_set = true;
	}
	if (s->stored) {
		/* A resume: the directory's own values, never others. */
		ret = sw_resume_agrees(s, "seed", s->grid.seed_set, o->seed_set,
				       s->grid.seed, s->stored->seed);
		if (!ret)
			ret = sw_resume_agrees(s, "repetitions",
				s->grid.repetitions_set || o->reps_set,
				o->reps_set, (uint64_t)s->grid.repetitions,
				(uint64_t)s->stored->repetitions);
		if (ret)
			return ret;
		s->grid.seed = s->stored->seed;
		s->grid.repetitions = s->stored->repetitions;
	} else if (!s->grid.seed_set) {
		s->grid.seed = default_seed();
	}
	pick_name(s);
	ret = sw_grid_expand(&s->grid, o->have_flag_dims ? &o->flags : NULL,
			     err, sizeof(err));
	if (ret == -ENOMEM)
		return sw_fail(s, ret, "out of memory");
	if (ret && o->job_path)
		return sw_fail(s, -EINVAL, "%s: %s", o->job_path, err);
	if (ret)
		return sw_fail(s, -EINVAL, "%s", err);
	ret = check_points(s);
	if (!ret && o->fio)
		ret = fio_points(s);
	if (ret)
		return ret;
	if (sw_plan_build(&s->plan,
			  o->fio ? s->fio_grid.points : s->grid.points,
			  o->fio ? s->fio_grid.n : s->grid.npoints,
			  s->grid.repetitions, s->grid.seed))
		return sw_fail(s, -ENOMEM, "out of memory");
	return 0;
}

int sw_sweep_plan(struct sw_sweep *s, char *err, size_t errlen)
{
	int ret = sw_build_plan(s);

	if (!ret)
		sw_label_dims(s);
	return report(s, ret, err, errlen);
}

const char *sw_sweep_name(const struct sw_sweep *s)
{
	return s->name;
}

uint64_t sw_sweep_seed(const struct sw_sweep *s)
{
	return s->plan.seed;
}

const char *sw_sweep_job_text(const struct sw_sweep *s, size_t *len)
{
	*len = s->job_len;
	return s->job_text;
}

/* job.ini: the text the plan was built from (read once, in load_job). */
static int copy_job_file(struct sw_sweep *s)
{
	char path[PATH_MAX];
	int ret;

	if (!s->job_text)
		return 0;
	ret = sw_path_in(s, "job.ini", path, sizeof(path));
	if (ret)
		return ret;
	ret = res_write_atomic(path, s->job_text, s->job_len);
	if (ret)
		return sw_fail(s, ret, "cannot write %s: %s", path,
			       strerror(-ret));
	return 0;
}

static bool dir_is_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	bool empty = true;

	if (!d)
		return true;
	while ((e = readdir(d)) && empty)
		empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
			!strcmp(e->d_name, SW_CLAIM_FILE);
	closedir(d);
	return empty;
}

static int make_dirs(struct sw_sweep *s)
{
	static const char *const subdirs[] = { "runs", "logs", "tmp" };
	char path[PATH_MAX];
	int ret;

	for (size_t i = 0; i < ARRAY_SIZE(subdirs); i++) {
		ret = sw_path_in(s, subdirs[i], path, sizeof(path));
		if (ret)
			return ret;
		ret = res_mkdirs(path);
		if (ret)
			return sw_fail(s, ret, "cannot create %s: %s", path,
				       strerror(-ret));
	}
	return 0;
}

static int in_use(struct sw_sweep *s, pid_t holder)
{
	char who[64] = "another process";

	if (holder)
		snprintf(who, sizeof(who), "another sweep (pid %d)",
			 (int)holder);
	if (s->o->resume_dir)
		return sw_fail(s, -EINVAL, "results directory %s is in use by "
			       "%s: resume it once that has ended", s->dir,
			       who);
	return sw_fail(s, -EINVAL, "results directory %s is in use by %s: "
		       "give another --output", s->dir, who);
}

int sw_claim_dir(struct sw_sweep *s)
{
	pid_t holder;
	int ret = res_mkdirs(s->dir);

	if (ret)
		return sw_fail(s, ret, "cannot create %s: %s", s->dir,
			       strerror(-ret));
	ret = sw_claim(s->dir, &holder);
	if (ret == -EBUSY)
		return in_use(s, holder);
	if (ret)
		return sw_fail(s, ret, "cannot lock %s/%s: %s", s->dir,
			       SW_CLAIM_FILE, strerror(-ret));
	return 0;
}

/*
 * Before claiming, say who holds it if anyone does (after, this process
 * must not open the lock file again: closing it would drop the lock).
 */
static int not_empty(struct sw_sweep *s, bool claimed)
{
	pid_t holder = claimed ? 0 : sw_claim_holder(s->dir);

	if (holder)
		return in_use(s, holder);
	return sw_fail(s, -EINVAL, "invalid value '%s' for --output: allowed "
		       "a new or empty directory (--resume %s continues a "
		       "sweep)", s->dir, s->dir);
}

/* fio, or $AIOTUNE_FIO, must be there before a fio sweep starts. */
static int check_fio(struct sw_sweep *s)
{
	const char *env = getenv("AIOTUNE_FIO"), *path = getenv("PATH");
	char buf[PATH_MAX], *copy, *save = NULL;
	bool found = false;

	if (env && *env) {
		if (access(env, X_OK))
			return sw_fail(s, -EINVAL, "invalid value '%s' for "
				       "AIOTUNE_FIO: allowed an executable fio",
				       env);
		return 0;
	}
	copy = strdup(path ? path : "/usr/bin:/bin");
	if (!copy)
		return sw_fail(s, -ENOMEM, "out of memory");
	for (char *d = strtok_r(copy, ":", &save); d && !found;
	     d = strtok_r(NULL, ":", &save)) {
		snprintf(buf, sizeof(buf), "%s/fio", d);
		found = !access(buf, X_OK);
	}
	free(copy);
	if (!found)
		return sw_fail(s, -ENOENT, "fio is not installed (not in "
			       "PATH): install Debian's fio package (make "
			       "deps)");
	return 0;
}

static int start_new(struct sw_sweep *s)
{
	json_t *plan;
	int ret;

	if (s->o->fio) {
		ret = check_fio(s);
		if (ret)
			return ret;
	}
	if (s->o->output) {
		snprintf(s->dir, sizeof(s->dir), "%s", s->o->output);
	} else {
		char stamp[32];
		time_t t = time(NULL);
		struct tm tm;

		localtime_r(&t, &tm);
		strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
		snprintf(s->dir, sizeof(s->dir), "results/%s-%s", s->name,
			 stamp);
	}
	/* Refuse before writing anything, then claim, then look again. */
	if (!dir_is_empty(s->dir))
		return not_empty(s, false);
	ret = sw_claim_dir(s);
	if (ret)
		return ret;
	if (!dir_is_empty(s->dir))
		return not_empty(s, true);
	ret = make_dirs(s);
	if (ret)
		return ret;
	plan = sw_plan_to_json(&s->plan);
	if (!plan)
		return sw_fail(s, -ENOMEM, "out of memory");
	ret = sw_save_json(s, "plan.json", plan);
	json_decref(plan);
	if (!ret)
		ret = copy_job_file(s);
	if (ret)
		return ret;
	s->meta = sw_meta_new(s);
	if (!s->meta)
		return sw_fail(s, -ENOMEM, "out of memory");
	s->done = calloc(s->plan.nruns + 1, sizeof(bool));
	if (!s->done)
		return sw_fail(s, -ENOMEM, "out of memory");
	return sw_save_csv(s);
}

/* Create missing target files once; which points' runs may write. */
static int prepare_targets(struct sw_sweep *s)
{
	char err[1024];
	int ret;

	s->may_write = calloc(s->plan.npoints + 1, sizeof(bool));
	if (!s->may_write)
		return sw_fail(s, -ENOMEM, "out of memory");
	if (s->ndone + s->skipped >= s->plan.nruns)
		return 0; /* a resumed sweep with nothing left to run */
	ret = sw_plan_prepare_targets(&s->plan, s->o->allow_write,
				      s->may_write, err, sizeof(err));
	if (ret)
		return sw_fail(s, ret, "%s", err);
	return 0;
}

/* Open this session in meta.json; QEMU points share one VM. */
static int open_session(struct sw_sweep *s)
{
	json_t *sessions = json_object_get(s->meta, "sessions");

	if (!json_is_array(sessions))
		return sw_fail(s, -EBADMSG, "%s/meta.json: no sessions array",
			       s->dir);
	s->session = sw_meta_session(s);
	if (!s->session || json_array_append(sessions, s->session))
		return sw_fail(s, -ENOMEM, "out of memory");
	for (size_t i = 0; i < s->plan.npoints && !s->qemu_session[0]; i++)
		if (wl_engine_is_qemu(s->plan.points[i].engine) &&
		    qm_session_begin(s->qemu_session,
				     sizeof(s->qemu_session)))
			return sw_fail(s, -errno, "cannot create a QEMU "
				       "session directory in /tmp: %s",
				       strerror(errno));
	if (s->accel)
		json_object_set_new(s->meta, "qemu_accel",
				    json_string(s->accel));
	return 0;
}

int sw_sweep_start(struct sw_sweep *s, char *err, size_t errlen)
{
	int ret = setup_run_cmd(s);

	if (!ret)
		ret = s->o->resume_dir ? sw_start_resume(s) : start_new(s);
	if (ret)
		return report(s, ret, err, errlen);
	sw_label_dims(s);
	ret = prepare_targets(s);
	if (!ret)
		ret = open_session(s);
	if (!ret)
		ret = sw_meta_save(s);
	return report(s, ret, err, errlen);
}
