/*
 * run.c: one attempt of a fleet. The source tarball, the playbook's
 * variables and the hosts to run go into DIR/.fleet/; ansible-playbook
 * plays fleet/playbook.yml on those hosts while this process looks, twice
 * a second, for the status files the playbook writes as each host ends:
 * a host done has its results unpacked into DIR/<host>/ (whole, or not
 * at all) and fleet.json is rewritten. A host that ends without a status
 * file (unreachable, or Ansible itself failed) gets Ansible's last word
 * on it (the tree callback's DIR/.fleet/tree/<host>) as its reason.
 */
#include <errno.h>
#include <ftw.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fleet/fleet-internal.h"
#include "results/atomic.h"
#include "results/provenance.h"
#include "util/datadir.h"
#include "util/spawn.h"

/* The longest an attempt may run: 30 days (a sweep may take hours). */
#define FL_RUN_NS (30LL * 86400 * 1000000000LL)
/* How often the status files are looked at while Ansible runs. */
#define FL_TICK_MS 500
/* The longest the source tarball or an unpacking may take. */
#define FL_TAR_NS (600 * 1000000000LL)

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

/* SIGINT and SIGTERM stop Ansible; the hosts that finished stay. */
static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	return remove(path) ? -1 : 0;
}

/* rm -r path; 0 when it is gone. */
static int remove_tree(const char *path)
{
	if (!res_path_exists(path))
		return 0;
	if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS))
		return -errno;
	return 0;
}

/* Run a helper command to its end; 0 when it exited 0. */
static int run_quiet(struct fl_fleet *f, char *const argv[],
		     const char *what)
{
	char errpath[PATH_MAX], line[400];
	int status, ret;

	ret = fl_path(f, FL_SIDE_DIR "/helper.err", errpath, sizeof(errpath));
	if (ret)
		return ret;
	ret = util_spawn_wait(argv, "/dev/null", errpath, FL_TAR_NS, NULL,
			      &status);
	if (ret)
		return fl_fail(f, ret, "%s: %s: %s", what, argv[0],
			       strerror(-ret));
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		res_last_line(errpath, line, sizeof(line));
		return fl_fail(f, -EIO, "%s: %s", what,
			       line[0] ? line : "failed");
	}
	return 0;
}

/* DIR/.fleet/source.tar.gz: the source tree (fleet/source-tarball.sh). */
static int make_source(struct fl_fleet *f, char *out, size_t size)
{
	char script[PATH_MAX], *dir;
	int ret;

	out[0] = '\0';
	if (!f->srcdir[0])
		return 0;
	if (util_data_find("fleet/source-tarball.sh", script, sizeof(script)))
		return fl_fail(f, -ENOENT, "fleet/source-tarball.sh not found");
	/* Absolute: the script works in the source tree. */
	dir = realpath(f->dir, NULL);
	if (!dir)
		return fl_fail(f, -errno, "%s: %s", f->dir, strerror(errno));
	ret = res_join(out, size, dir, FL_SIDE_DIR "/source.tar.gz");
	free(dir);
	if (ret)
		return fl_fail(f, ret, "%s: too long", f->dir);
	{
		char *argv[] = { "sh", script, f->srcdir, out, NULL };

		return run_quiet(f, argv, "the source tarball");
	}
}

/* DIR/.fleet/vars.json: the playbook's variables (-e @file). */
static int write_vars(struct fl_fleet *f, const char *source)
{
	char path[PATH_MAX], abs_dir[PATH_MAX], job[PATH_MAX], seed[32], *t;
	char *real = realpath(f->dir, NULL);
	json_t *j;
	int ret;

	if (!real)
		return fl_fail(f, -errno, "%s: %s", f->dir, strerror(errno));
	snprintf(abs_dir, sizeof(abs_dir), "%s", real);
	free(real);
	if (res_join(job, sizeof(job), abs_dir, "job.ini"))
		return fl_fail(f, -ENAMETOOLONG, "%s: too long", abs_dir);
	/* A string: Jinja would print a large integer in another form. */
	snprintf(seed, sizeof(seed), "%llu", (unsigned long long)f->seed);
	j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}",
		      "fleet_dir", abs_dir, "fleet_source", source,
		      "fleet_binary", f->self, "fleet_job", job,
		      "fleet_seed", seed, "fleet_name", f->name);
	t = j ? json_dumps(j, JSON_INDENT(1)) : NULL;
	json_decref(j);
	if (!t)
		return fl_fail(f, -ENOMEM, "out of memory");
	ret = fl_path(f, FL_SIDE_DIR "/vars.json", path, sizeof(path));
	if (!ret && (ret = res_write_atomic(path, t, strlen(t))))
		fl_fail(f, ret, "%s: %s", path, strerror(-ret));
	free(t);
	return ret;
}

/* A host's file under DIR/.fleet/. */
static int side_path(struct fl_fleet *f, const char *sub, const char *host,
		     const char *ext, char *buf, size_t size)
{
	char rel[PATH_MAX];

	snprintf(rel, sizeof(rel), "%s/%s/%s%s", FL_SIDE_DIR, sub, host, ext);
	return fl_path(f, rel, buf, size);
}

/*
 * DIR/.fleet/hosts: the hosts of this attempt, one a line (--limit
 * @file); an earlier attempt's status, tree and archive of each go.
 */
static int write_limit(struct fl_fleet *f)
{
	char path[PATH_MAX], *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	int ret = 0;

	if (!m)
		return fl_fail(f, -ENOMEM, "out of memory");
	for (size_t i = 0; i < f->nhosts && !ret; i++) {
		struct fl_host *h = &f->hosts[i];

		if (!h->run)
			continue;
		fprintf(m, "%s\n", h->name);
		if (!(ret = side_path(f, "status", h->name, ".json", path,
				      sizeof(path))))
			unlink(path);
		if (!ret && !(ret = side_path(f, "tree", h->name, "", path,
					      sizeof(path))))
			unlink(path);
		if (!ret && !(ret = side_path(f, "incoming", h->name,
					      ".tar.gz", path, sizeof(path))))
			unlink(path);
	}
	fclose(m);
	if (!ret)
		ret = fl_path(f, FL_SIDE_DIR "/hosts", path, sizeof(path));
	if (!ret && (ret = res_write_atomic(path, text, len)))
		fl_fail(f, ret, "%s: %s", path, strerror(-ret));
	free(text);
	return ret;
}

/* One line, at most FL_REASON_MAX - 1 bytes. */
static void set_reason(struct fl_host *h, const char *why)
{
	snprintf(h->reason, sizeof(h->reason), "%.*s", FL_REASON_MAX - 1, why);
	for (char *p = h->reason; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
}

/*
 * The host's fetched archive into DIR/<host>/: unpacked beside it first,
 * checked to be a sweep's results, then renamed into place.
 */
static int unpack(struct fl_fleet *f, struct fl_host *h)
{
	char archive[PATH_MAX], tmp[PATH_MAX], dest[PATH_MAX], csv[PATH_MAX];
	int ret;

	ret = side_path(f, "incoming", h->name, ".tar.gz", archive,
			sizeof(archive));
	if (!ret)
		ret = side_path(f, "unpack", h->name, "", tmp, sizeof(tmp));
	if (!ret)
		ret = fl_path(f, h->name, dest, sizeof(dest));
	if (ret)
		return ret;
	if ((ret = remove_tree(tmp)) || (ret = res_mkdirs(tmp)))
		return fl_fail(f, ret, "%s: %s", tmp, strerror(-ret));
	{
		char *argv[] = { "tar", "-xzf", archive, "-C", tmp, NULL };

		ret = run_quiet(f, argv, "unpacking the results");
		if (ret)
			return ret;
	}
	if (res_join(csv, sizeof(csv), tmp, "results.csv") ||
	    !res_path_exists(csv))
		return fl_fail(f, -EBADMSG, "the results fetched hold no "
			       "results.csv");
	/* Nothing of a host that is not ok is kept: its results were not. */
	if ((ret = remove_tree(dest)))
		return fl_fail(f, ret, "%s: %s", dest, strerror(-ret));
	if (rename(tmp, dest))
		return fl_fail(f, -errno, "%s: %s", dest, strerror(errno));
	unlink(archive);
	return 0;
}

/* Print a host's outcome as it comes (stderr, like a sweep's progress). */
static void progress(const struct fl_host *h)
{
	if (h->status == FL_OK)
		fprintf(stderr, "fleet: %s ok (%.1f s)\n", h->name,
			h->elapsed_s);
	else
		fprintf(stderr, "fleet: %s failed: %s\n", h->name, h->reason);
}

/* The host's status file, if the playbook wrote it: 1 read, 0 none. */
static int read_status(struct fl_fleet *f, struct fl_host *h)
{
	char path[PATH_MAX], *text;
	const char *status, *reason, *install;
	json_t *j, *el;
	size_t len;

	if (side_path(f, "status", h->name, ".json", path, sizeof(path)) ||
	    res_read_file(path, &text, &len))
		return 0;
	j = json_loads(text, 0, NULL);
	free(text);
	if (!j)
		return 0; /* written atomically: not yet */
	status = json_string_value(json_object_get(j, "status"));
	reason = json_string_value(json_object_get(j, "reason"));
	install = json_string_value(json_object_get(j, "install"));
	el = json_object_get(j, "elapsed_s");
	h->elapsed_s = json_is_number(el) ? json_number_value(el) : 0;
	if (install)
		snprintf(h->install, sizeof(h->install), "%s", install);
	res_prov_utc_now(h->finished, sizeof(h->finished));
	if (status && !strcmp(status, "ok")) {
		if (unpack(f, h)) {
			h->status = FL_FAILED;
			set_reason(h, f->err);
		} else {
			h->status = FL_OK;
			h->reason[0] = '\0';
		}
	} else {
		h->status = FL_FAILED;
		set_reason(h, reason && *reason ? reason : "failed");
	}
	json_decref(j);
	return 1;
}

/* The hosts of this attempt that have ended since the last look. */
static void scan(void *arg)
{
	struct fl_fleet *f = arg;
	bool changed = false;

	for (size_t i = 0; i < f->nhosts; i++) {
		struct fl_host *h = &f->hosts[i];

		if (!h->run || h->status != FL_PENDING)
			continue;
		if (read_status(f, h)) {
			progress(h);
			changed = true;
		}
	}
	if (changed && fl_record_write(f))
		fprintf(stderr, "aiotune: %s\n", f->err);
}

/* Why a host ended without a status file: Ansible's last result for it. */
static void no_status(struct fl_fleet *f, struct fl_host *h, int status)
{
	char path[PATH_MAX], why[FL_REASON_MAX], *text = NULL;
	const char *msg = NULL;
	json_t *j = NULL;
	size_t len;

	if (!side_path(f, "tree", h->name, "", path, sizeof(path)) &&
	    !res_read_file(path, &text, &len)) {
		j = json_loads(text, 0, NULL);
		msg = json_string_value(json_object_get(j, "msg"));
	}
	if (msg && json_is_true(json_object_get(j, "unreachable")))
		snprintf(why, sizeof(why), "unreachable: %.400s", msg);
	else if (msg)
		snprintf(why, sizeof(why), "%.400s", msg);
	else if (WIFEXITED(status))
		snprintf(why, sizeof(why), "ansible-playbook exited %d without "
			 "a result for it (see %.400s)", WEXITSTATUS(status),
			 f->log);
	else
		snprintf(why, sizeof(why), "ansible-playbook ended without a "
			 "result for it (see %.400s)", f->log);
	h->status = FL_FAILED;
	set_reason(h, why);
	res_prov_utc_now(h->finished, sizeof(h->finished));
	progress(h);
	json_decref(j);
	free(text);
}

/* ansible-playbook on this attempt's hosts, watched; its exit status. */
static int play(struct fl_fleet *f, int *status)
{
	char limit[PATH_MAX], vars[PATH_MAX], tree[PATH_MAX], lim[PATH_MAX + 1];
	char evars[PATH_MAX + 1], stamp[32], rel[64], callbacks[256];
	const char *cb;
	time_t t = time(NULL);
	struct tm tm;
	int ret;

	localtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	snprintf(rel, sizeof(rel), FL_SIDE_DIR "/ansible-%s.log", stamp);
	if ((ret = fl_path(f, rel, f->log, sizeof(f->log))) ||
	    (ret = fl_path(f, FL_SIDE_DIR "/hosts", limit, sizeof(limit))) ||
	    (ret = fl_path(f, FL_SIDE_DIR "/vars.json", vars, sizeof(vars))) ||
	    (ret = fl_path(f, FL_SIDE_DIR "/tree", tree, sizeof(tree))))
		return ret;
	snprintf(lim, sizeof(lim), "@%s", limit);
	snprintf(evars, sizeof(evars), "@%s", vars);
	/*
	 * The tree callback keeps each host's last result (no_status),
	 * besides the callbacks the user's environment enables.
	 */
	cb = getenv("ANSIBLE_CALLBACKS_ENABLED");
	if (cb && *cb && !strstr(cb, "tree")) {
		snprintf(callbacks, sizeof(callbacks), "%.200s,tree", cb);
		setenv("ANSIBLE_CALLBACKS_ENABLED", callbacks, 1);
	} else if (!cb || !*cb) {
		setenv("ANSIBLE_CALLBACKS_ENABLED", "tree", 1);
	}
	setenv("ANSIBLE_CALLBACK_TREE_DIR", tree, 1);
	{
		char *argv[] = { "ansible-playbook", "-i", f->inventory,
				 "--limit", lim, "-e", evars, f->playbook,
				 NULL };
		fprintf(stderr, "fleet: ansible-playbook on %zu host(s); its "
			"output: %s\n", fl_fleet_to_run(f), f->log);
		ret = util_spawn_watch(argv, f->log, f->log, FL_RUN_NS,
				       &stop_signal, FL_TICK_MS, scan, f,
				       status);
	}
	if (ret == -ENOENT)
		return fl_fail(f, ret, "ansible-playbook is not installed (not "
			       "in PATH): install Debian's ansible-core (make "
			       "deps)");
	if (ret == -ECANCELED) {
		f->stop_signal = stop_signal;
		return 0;
	}
	if (ret)
		return fl_fail(f, ret, "ansible-playbook: %s", strerror(-ret));
	return 0;
}

int fl_fleet_run(struct fl_fleet *f, struct fl_outcome *out, char *err,
		 size_t errlen)
{
	char source[PATH_MAX];
	int ret, status = 0;

	memset(out, 0, sizeof(*out));
	out->dir = f->dir;
	catch_signals();
	/* The hosts of this attempt are pending until they end again. */
	for (size_t i = 0; i < f->nhosts; i++) {
		struct fl_host *h = &f->hosts[i];

		if (!h->run)
			continue;
		h->status = FL_PENDING;
		h->reason[0] = h->finished[0] = '\0';
		h->elapsed_s = 0;
	}
	ret = fl_record_write(f);
	if (ret) {
		snprintf(err, errlen, "%s", f->err);
		return ret;
	}
	ret = make_source(f, source, sizeof(source));
	if (!ret)
		ret = write_vars(f, source);
	if (!ret)
		ret = write_limit(f);
	if (!ret)
		ret = play(f, &status);
	if (ret) {
		snprintf(err, errlen, "%s", f->err);
		return ret;
	}
	scan(f);
	for (size_t i = 0; i < f->nhosts && !f->stop_signal; i++)
		if (f->hosts[i].run && f->hosts[i].status == FL_PENDING)
			no_status(f, &f->hosts[i], status);
	res_prov_utc_now(f->finished, sizeof(f->finished));
	ret = fl_record_write(f);
	if (ret) {
		snprintf(err, errlen, "%s", f->err);
		return ret;
	}
	for (size_t i = 0; i < f->nhosts; i++) {
		out->hosts++;
		out->ok += f->hosts[i].status == FL_OK;
		out->failed += f->hosts[i].status == FL_FAILED;
		out->pending += f->hosts[i].status == FL_PENDING;
	}
	out->stop_signal = f->stop_signal;
	return 0;
}
