/*
 * session.c: a fleet's plan (the job, the hosts, the files Ansible
 * needs), its new directory or a resume's, and the fleet's lock
 * (fleet.h).
 */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fleet/fleet-internal.h"
#include "results/atomic.h"
#include "results/provenance.h"
#include "sweep/claim.h"
#include "util/datadir.h"

int fl_fail(struct fl_fleet *f, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->err, sizeof(f->err), fmt, ap);
	va_end(ap);
	return ret;
}

/* The public calls hand f->err on. */
static int report(const struct fl_fleet *f, int ret, char *err,
		  size_t errlen)
{
	if (ret)
		snprintf(err, errlen, "%s", f->err);
	return ret;
}

int fl_path(struct fl_fleet *f, const char *rel, char *buf, size_t size)
{
	int ret = res_join(buf, size, f->dir, rel);

	if (ret)
		return fl_fail(f, ret, "%s/%s: %s", f->dir, rel,
			       strerror(-ret));
	return 0;
}

struct fl_fleet *fl_fleet_new(const struct fl_opts *o)
{
	struct fl_fleet *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->o = o;
	return f;
}

void fl_fleet_free(struct fl_fleet *f)
{
	if (!f)
		return;
	sw_sweep_free(f->sweep);
	free(f->hosts);
	free(f);
}

size_t fl_fleet_to_run(const struct fl_fleet *f)
{
	size_t n = 0;

	for (size_t i = 0; i < f->nhosts; i++)
		n += f->hosts[i].run;
	return n;
}

/* The job file planned as a sweep would plan it: its name and seed. */
static int plan_job(struct fl_fleet *f, const char *job, const char *name,
		    bool seed_set, uint64_t seed)
{
	char err[2048];
	int ret;

	if (name == f->name) {
		/* A resume's: f->name is rewritten below. */
		snprintf(f->name_given, sizeof(f->name_given), "%s", name);
		name = f->name_given;
	}
	f->sweep_opts.job_path = job;
	f->sweep_opts.name = name;
	f->sweep_opts.seed = seed;
	f->sweep_opts.seed_set = seed_set;
	f->sweep_opts.command_line = f->o->command_line;
	f->sweep = sw_sweep_new(&f->sweep_opts);
	if (!f->sweep)
		return fl_fail(f, -ENOMEM, "out of memory");
	ret = sw_sweep_plan(f->sweep, err, sizeof(err));
	if (ret)
		return fl_fail(f, ret, "%s", err);
	snprintf(f->name, sizeof(f->name), "%s", sw_sweep_name(f->sweep));
	f->seed = sw_sweep_seed(f->sweep);
	return 0;
}

static int set_inventory(struct fl_fleet *f, const char *path)
{
	char *abs = realpath(path, NULL);

	if (!abs || strlen(abs) >= sizeof(f->inventory)) {
		int err = abs ? ENAMETOOLONG : errno;

		free(abs);
		return fl_fail(f, -EINVAL, "invalid value '%s' for "
			       "--inventory: allowed an Ansible inventory file "
			       "or directory (%s)", path, strerror(err));
	}
	snprintf(f->inventory, sizeof(f->inventory), "%s", abs);
	free(abs);
	return 0;
}

/*
 * The playbook, this binary and, when a host builds aiotune there, the
 * source tree the playbook sits in (fleet/playbook.yml of the tree above
 * build/, util/datadir.h).
 */
static int find_files(struct fl_fleet *f)
{
	char buf[PATH_MAX], *abs;
	bool source = false;
	ssize_t n;

	if (util_data_find("fleet/playbook.yml", buf, sizeof(buf)) ||
	    !(abs = realpath(buf, NULL)))
		return fl_fail(f, -ENOENT, "fleet/playbook.yml not found "
			       "beside %s nor in %s", "this aiotune",
			       util_datadir());
	snprintf(f->playbook, sizeof(f->playbook), "%s", abs);
	free(abs);
	n = readlink("/proc/self/exe", f->self, sizeof(f->self) - 1);
	if (n < 0)
		return fl_fail(f, -errno, "/proc/self/exe: %s",
			       strerror(errno));
	f->self[n] = '\0';
	for (size_t i = 0; i < f->nhosts; i++)
		source |= f->hosts[i].run &&
			  !strcmp(f->hosts[i].install, "source");
	if (!source)
		return 0;
	snprintf(buf, sizeof(buf), "%s", f->playbook);
	snprintf(f->srcdir, sizeof(f->srcdir), "%s", dirname(dirname(buf)));
	if (snprintf(buf, sizeof(buf), "%s/util/version.c", f->srcdir) >=
	    (int)sizeof(buf) || access(buf, R_OK)) {
		f->srcdir[0] = '\0';
		return fl_fail(f, -ENOENT, "hosts with aiotune_install=source "
			       "build aiotune's source tree, and there is none "
			       "around %s: give them aiotune_install=package "
			       "or binary", f->playbook);
	}
	return 0;
}

static int plan_new(struct fl_fleet *f)
{
	const struct fl_opts *o = f->o;
	char *abs;
	int ret;

	ret = set_inventory(f, o->inventory);
	if (ret)
		return ret;
	abs = realpath(o->job_path, NULL);
	snprintf(f->job, sizeof(f->job), "%s", abs ? abs : o->job_path);
	free(abs);
	snprintf(f->pattern, sizeof(f->pattern), "%s",
		 o->hosts ? o->hosts : "all");
	snprintf(f->command_line, sizeof(f->command_line), "%s",
		 o->command_line ? o->command_line : "");
	ret = plan_job(f, o->job_path, o->name, o->seed_set, o->seed);
	if (!ret)
		ret = fl_read_inventory(f);
	if (!ret)
		ret = find_files(f);
	if (ret)
		return ret;
	if (o->output) {
		snprintf(f->dir, sizeof(f->dir), "%s", o->output);
	} else {
		char stamp[32];
		time_t t = time(NULL);
		struct tm tm;

		localtime_r(&t, &tm);
		strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
		snprintf(f->dir, sizeof(f->dir), "results/fleet-%s-%s",
			 f->name, stamp);
	}
	res_prov_utc_now(f->started, sizeof(f->started));
	return 0;
}

static int plan_resume(struct fl_fleet *f)
{
	const struct fl_opts *o = f->o;
	int ret;

	f->resume = true;
	snprintf(f->dir, sizeof(f->dir), "%s", o->resume_dir);
	ret = fl_record_read(f);
	if (ret)
		return ret;
	if (o->inventory) {
		ret = set_inventory(f, o->inventory);
		if (ret)
			return ret;
	}
	if (o->hosts)
		snprintf(f->pattern, sizeof(f->pattern), "%s", o->hosts);
	ret = fl_path(f, "job.ini", f->job_copy, sizeof(f->job_copy));
	if (!ret)
		ret = plan_job(f, f->job_copy, f->name, true, f->seed);
	if (!ret)
		ret = fl_read_inventory(f);
	if (!ret)
		ret = find_files(f);
	return ret;
}

int fl_fleet_plan(struct fl_fleet *f, char *err, size_t errlen)
{
	int ret;

	fl_ansible_env();
	ret = f->o->resume_dir ? plan_resume(f) : plan_new(f);
	return report(f, ret, err, errlen);
}

/* Whether dir is missing or empty (its lock file aside). */
static bool dir_is_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	bool empty = true;

	if (!d)
		return true;
	while ((e = readdir(d)) && empty)
		empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
			!strcmp(e->d_name, FL_LOCK_FILE);
	closedir(d);
	return empty;
}

static int claim(struct fl_fleet *f)
{
	pid_t holder;
	int ret = sw_claim_file(f->dir, FL_LOCK_FILE, &holder);

	if (ret == -EBUSY)
		return fl_fail(f, -EINVAL, "%s: another aiotune fleet (pid %d) "
			       "is writing it", f->dir, (int)holder);
	if (ret)
		return fl_fail(f, ret, "%s/%s: %s", f->dir, FL_LOCK_FILE,
			       strerror(-ret));
	return 0;
}

static int start_new(struct fl_fleet *f)
{
	char path[PATH_MAX];
	const char *text;
	size_t len;
	int ret;

	if (!dir_is_empty(f->dir))
		return fl_fail(f, -EINVAL, "invalid value '%s' for --output: "
			       "allowed a new or empty directory (--resume %s "
			       "continues a fleet)", f->dir, f->dir);
	ret = res_mkdirs(f->dir);
	if (ret)
		return fl_fail(f, ret, "%s: %s", f->dir, strerror(-ret));
	ret = claim(f);
	if (ret)
		return ret;
	if (!dir_is_empty(f->dir))
		return fl_fail(f, -EINVAL, "%s: another process wrote into it "
			       "meanwhile", f->dir);
	text = sw_sweep_job_text(f->sweep, &len);
	ret = fl_path(f, "job.ini", path, sizeof(path));
	if (ret)
		return ret;
	ret = res_write_atomic(path, text ? text : "", text ? len : 0);
	if (ret)
		return fl_fail(f, ret, "%s: %s", path, strerror(-ret));
	return fl_record_write(f);
}

int fl_fleet_start(struct fl_fleet *f, char *err, size_t errlen)
{
	static const char *const side[] = {
		FL_SIDE_DIR "/status", FL_SIDE_DIR "/incoming",
		FL_SIDE_DIR "/tree",
	};
	char path[PATH_MAX];
	int ret;

	ret = f->resume ? claim(f) : start_new(f);
	for (size_t i = 0; !ret && i < sizeof(side) / sizeof(side[0]); i++) {
		ret = fl_path(f, side[i], path, sizeof(path));
		if (!ret && (ret = res_mkdirs(path)))
			fl_fail(f, ret, "%s: %s", path, strerror(-ret));
	}
	return report(f, ret, err, errlen);
}
