/*
 * record.c: fleet.json, a fleet's record (docs/fleet-json.md), written
 * whole and atomically each time a host's status changes, read back by a
 * resume.
 */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "fleet/fleet-internal.h"
#include "results/atomic.h"
#include "util/version.h"

static const char *const status_names[] = {
	[FL_PENDING] = "pending",
	[FL_OK] = "ok",
	[FL_FAILED] = "failed",
};

const char *fl_status_name(enum fl_status s)
{
	return status_names[s];
}

static json_t *host_json(const struct fl_host *h)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:f, s:s}",
			 "name", h->name,
			 "status", fl_status_name(h->status),
			 "reason", h->reason,
			 "subdir", h->status == FL_OK ? h->name : "",
			 "install", h->install,
			 "elapsed_s", h->elapsed_s,
			 "finished", h->finished);
}

static json_t *record_json(const struct fl_fleet *f)
{
	json_t *hosts = json_array(), *j;

	if (!hosts)
		return NULL;
	for (size_t i = 0; i < f->nhosts; i++)
		if (json_array_append_new(hosts, host_json(&f->hosts[i]))) {
			json_decref(hosts);
			return NULL;
		}
	j = json_pack("{s:i, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, "
		      "s:s, s:s, s:o}",
		      "format_version", FL_FORMAT_VERSION,
		      "name", f->name,
		      "job", f->job,
		      "job_file", "job.ini",
		      "seed", (json_int_t)f->seed,
		      "inventory", f->inventory,
		      "hosts_pattern", f->pattern,
		      "started", f->started,
		      "finished", f->finished,
		      "version", util_version(),
		      "git", util_git_rev(),
		      "command_line", f->command_line,
		      "hosts", hosts);
	return j;
}

int fl_record_write(struct fl_fleet *f)
{
	char path[PATH_MAX], *text;
	json_t *j = record_json(f);
	int ret;

	if (!j)
		return fl_fail(f, -ENOMEM, "out of memory");
	text = json_dumps(j, JSON_INDENT(1) | JSON_PRESERVE_ORDER |
			  JSON_REAL_PRECISION(10));
	json_decref(j);
	if (!text)
		return fl_fail(f, -ENOMEM, "out of memory");
	ret = fl_path(f, "fleet.json", path, sizeof(path));
	if (!ret) {
		size_t n = strlen(text);
		char *line = realloc(text, n + 2);

		if (!line) {
			free(text);
			return fl_fail(f, -ENOMEM, "out of memory");
		}
		text = line;
		text[n] = '\n';
		ret = res_write_atomic(path, text, n + 1);
		if (ret)
			fl_fail(f, ret, "%s: %s", path, strerror(-ret));
	}
	free(text);
	return ret;
}

/* A string member into buf; -EINVAL when missing or too long. */
static int get_str(json_t *o, const char *key, char *buf, size_t size)
{
	const char *s = json_string_value(json_object_get(o, key));

	if (!s || strlen(s) >= size)
		return -EINVAL;
	snprintf(buf, size, "%s", s);
	return 0;
}

static int read_host(struct fl_fleet *f, json_t *o, const char *path)
{
	char name[FL_HOST_NAME_MAX], status[16];
	struct fl_host *h;
	json_t *el;

	if (get_str(o, "name", name, sizeof(name)) || !fl_host_name_ok(name) ||
	    get_str(o, "status", status, sizeof(status)))
		return fl_fail(f, -EINVAL, "%s: a host without a valid name or "
			       "status", path);
	if (fl_host_find(f, name))
		return fl_fail(f, -EINVAL, "%s: host %s twice", path, name);
	h = fl_host_add(f, name);
	if (!h)
		return fl_fail(f, -ENOMEM, "out of memory");
	if (!strcmp(status, "ok"))
		h->status = FL_OK;
	else if (!strcmp(status, "failed"))
		h->status = FL_FAILED;
	else if (!strcmp(status, "pending"))
		h->status = FL_PENDING;
	else
		return fl_fail(f, -EINVAL, "%s: host %s: invalid status '%s': "
			       "allowed ok, failed, pending", path, name,
			       status);
	get_str(o, "reason", h->reason, sizeof(h->reason));
	get_str(o, "install", h->install, sizeof(h->install));
	get_str(o, "finished", h->finished, sizeof(h->finished));
	el = json_object_get(o, "elapsed_s");
	h->elapsed_s = json_is_number(el) ? json_number_value(el) : 0;
	return 0;
}

int fl_record_read(struct fl_fleet *f)
{
	char path[PATH_MAX], *text;
	json_t *j, *hosts, *v;
	json_error_t jerr;
	size_t len, i;
	int ret;

	ret = fl_path(f, "fleet.json", path, sizeof(path));
	if (ret)
		return ret;
	ret = res_read_file(path, &text, &len);
	if (ret == -ENOENT)
		return fl_fail(f, -EINVAL, "invalid value '%s' for --resume: "
			       "allowed a fleet's directory (it has no "
			       "fleet.json)", f->dir);
	if (ret)
		return fl_fail(f, ret, "%s: %s", path, strerror(-ret));
	j = json_loads(text, 0, &jerr);
	free(text);
	if (!j)
		return fl_fail(f, -EINVAL, "%s: line %d: %s", path, jerr.line,
			       jerr.text);
	v = json_object_get(j, "format_version");
	ret = -EINVAL;
	if (!json_is_integer(v) || json_integer_value(v) != FL_FORMAT_VERSION)
		fl_fail(f, ret, "%s: format_version is not %d (a fleet of "
			"another aiotune)", path, FL_FORMAT_VERSION);
	else if (get_str(j, "name", f->name, sizeof(f->name)) ||
		 get_str(j, "job", f->job, sizeof(f->job)) ||
		 get_str(j, "inventory", f->inventory, sizeof(f->inventory)) ||
		 get_str(j, "started", f->started, sizeof(f->started)) ||
		 get_str(j, "command_line", f->command_line,
			 sizeof(f->command_line)) ||
		 !json_is_integer(json_object_get(j, "seed")) ||
		 !json_is_array(hosts = json_object_get(j, "hosts")))
		fl_fail(f, ret, "%s: name, job, inventory, started, "
			"command_line, seed or hosts missing", path);
	else
		ret = 0;
	if (!ret && (!f->name[0] || strpbrk(f->name, "/ \t")))
		ret = fl_fail(f, -EINVAL, "%s: invalid name '%s'", path,
			      f->name);
	if (!ret) {
		f->seed = (uint64_t)json_integer_value(json_object_get(j,
								       "seed"));
		if (get_str(j, "hosts_pattern", f->pattern, sizeof(f->pattern)))
			snprintf(f->pattern, sizeof(f->pattern), "all");
		json_array_foreach(hosts, i, v) {
			ret = read_host(f, v, path);
			if (ret)
				break;
		}
	}
	json_decref(j);
	return ret;
}
