/*
 * inventory.c: Ansible's view of a fleet's hosts. Which hosts a pattern
 * selects is what `ansible PATTERN --list-hosts` says, and their
 * variables (group variables merged) what `ansible-inventory --list`
 * says: the inventory is never parsed here, so every inventory format
 * and plugin Ansible reads works.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fleet/fleet-internal.h"
#include "results/atomic.h"
#include "util/spawn.h"

/* The longest a listing of the inventory may take. */
#define FL_CAPTURE_NS (120 * 1000000000LL)

void fl_ansible_env(void)
{
	/* An inventory Ansible cannot parse is an error, not no hosts. */
	setenv("ANSIBLE_INVENTORY_UNPARSED_FAILED", "true", 1);
	setenv("ANSIBLE_NOCOLOR", "1", 1);
	setenv("ANSIBLE_RETRY_FILES_ENABLED", "false", 1);
	setenv("ANSIBLE_LOCALHOST_WARNING", "false", 1);
}

int fl_capture(char *const argv[], char **out, char *errline,
	       size_t errlen, int *status)
{
	char dir[] = "/tmp/aiotune-fleet-XXXXXX", opath[64], epath[64];
	size_t len;
	int ret;

	*out = NULL;
	errline[0] = '\0';
	if (!mkdtemp(dir))
		return -errno;
	snprintf(opath, sizeof(opath), "%s/out", dir);
	snprintf(epath, sizeof(epath), "%s/err", dir);
	ret = util_spawn_wait(argv, opath, epath, FL_CAPTURE_NS, NULL, status);
	if (!ret) {
		res_last_line(epath, errline, errlen);
		ret = res_read_file(opath, out, &len);
	}
	unlink(opath);
	unlink(epath);
	rmdir(dir);
	return ret;
}

bool fl_host_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (!n || n >= FL_HOST_NAME_MAX || name[0] == '.' || name[0] == '-')
		return false;
	for (const char *p = name; *p; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9') && !strchr("._-:", *p))
			return false;
	return true;
}

struct fl_host *fl_host_find(struct fl_fleet *f, const char *name)
{
	for (size_t i = 0; i < f->nhosts; i++)
		if (!strcmp(f->hosts[i].name, name))
			return &f->hosts[i];
	return NULL;
}

struct fl_host *fl_host_add(struct fl_fleet *f, const char *name)
{
	struct fl_host *h = realloc(f->hosts, (f->nhosts + 1) * sizeof(*h));

	if (!h)
		return NULL;
	f->hosts = h;
	h = &f->hosts[f->nhosts++];
	memset(h, 0, sizeof(*h));
	snprintf(h->name, sizeof(h->name), "%s", name);
	snprintf(h->install, sizeof(h->install), "source");
	h->status = FL_PENDING;
	return h;
}

/* A variable as text ("" when not set); numbers and booleans too. */
static void var_text(json_t *vars, const char *key, char *buf, size_t size)
{
	json_t *v = json_object_get(vars, key);

	buf[0] = '\0';
	if (json_is_string(v))
		snprintf(buf, size, "%s", json_string_value(v));
	else if (json_is_true(v))
		snprintf(buf, size, "true");
	else if (json_is_false(v))
		snprintf(buf, size, "false");
	else if (json_is_integer(v))
		snprintf(buf, size, "%lld", (long long)json_integer_value(v));
}

/* Ansible's truth of a variable given as text (its bool filter). */
static int parse_bool(const char *s, bool *b)
{
	static const char *const yes[] = { "true", "yes", "on", "1", "y" };
	static const char *const no[] = { "false", "no", "off", "0", "n" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcasecmp(s, yes[i]))
			return *b = true, 0;
		if (!strcasecmp(s, no[i]))
			return *b = false, 0;
	}
	return -EINVAL;
}

/* The variables aiotune reads of host h (fleet/playbook.yml's). */
static int host_vars(struct fl_fleet *f, struct fl_host *h, json_t *vars)
{
	char v[PATH_MAX];

	var_text(vars, "aiotune_workdir", v, sizeof(v));
	if (v[0] && v[0] != '/')
		return fl_fail(f, -EINVAL, "%s: host %s: invalid value '%s' "
			       "for aiotune_workdir: allowed an absolute path",
			       f->inventory, h->name, v);
	snprintf(h->workdir, sizeof(h->workdir), "%s",
		 v[0] ? v : FL_WORKDIR_DEFAULT);
	var_text(vars, "aiotune_install", v, sizeof(v));
	if (v[0] && strcmp(v, "source") && strcmp(v, "package") &&
	    strcmp(v, "binary"))
		return fl_fail(f, -EINVAL, "%s: host %s: invalid value '%s' "
			       "for aiotune_install: allowed source, package, "
			       "binary", f->inventory, h->name, v);
	snprintf(h->install, sizeof(h->install), "%.15s", v[0] ? v : "source");
	var_text(vars, "aiotune_deps", v, sizeof(v));
	h->deps = true;
	if (v[0] && parse_bool(v, &h->deps))
		return fl_fail(f, -EINVAL, "%s: host %s: invalid value '%s' "
			       "for aiotune_deps: allowed true, false",
			       f->inventory, h->name, v);
	var_text(vars, "aiotune_make_args", h->make_args,
		 sizeof(h->make_args));
	var_text(vars, "ansible_connection", h->connection,
		 sizeof(h->connection));
	return 0;
}

/* Run an Ansible tool; its stdout into *out. */
static int ansible_out(struct fl_fleet *f, char *const argv[], char **out)
{
	char errline[512];
	int status, ret;

	ret = fl_capture(argv, out, errline, sizeof(errline), &status);
	if (ret == -ENOENT)
		return fl_fail(f, ret, "%s is not installed (not in PATH): "
			       "install Debian's ansible-core (make deps)",
			       argv[0]);
	if (ret)
		return fl_fail(f, ret, "%s: %s", argv[0], strerror(-ret));
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		free(*out);
		*out = NULL;
		return fl_fail(f, -EINVAL, "%s: %s: %s", f->inventory, argv[0],
			       errline[0] ? errline : "failed");
	}
	return 0;
}

/* The names `ansible --list-hosts` prints after "hosts (N):". */
static int list_hosts(struct fl_fleet *f, char ***names, size_t *n)
{
	char *argv[] = { "ansible", "-i", f->inventory, "--list-hosts",
			 f->pattern, NULL };
	char *out, *save = NULL, **v = NULL;
	bool in_list = false;
	int ret = ansible_out(f, argv, &out);

	*n = 0;
	if (ret)
		return ret;
	for (char *l = strtok_r(out, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		char **nv;

		l += strspn(l, " \t");
		if (!strncmp(l, "hosts (", 7)) {
			in_list = true;
			continue;
		}
		if (!in_list || !*l)
			continue;
		nv = realloc(v, (*n + 2) * sizeof(*v));
		if (!nv || !(nv[*n] = strdup(l))) {
			util_argv_free(nv ? nv : v);
			free(out);
			return fl_fail(f, -ENOMEM, "out of memory");
		}
		v = nv;
		v[++*n] = NULL;
	}
	free(out);
	*names = v;
	return 0;
}

int fl_read_inventory(struct fl_fleet *f)
{
	char *argv[] = { "ansible-inventory", "-i", f->inventory, "--list",
			 NULL };
	char **names = NULL, *out;
	json_t *root, *hostvars;
	json_error_t jerr;
	size_t n;
	int ret;

	ret = list_hosts(f, &names, &n);
	if (ret)
		return ret;
	if (!n)
		return fl_fail(f, -EINVAL, "%s: no host matches '%s' (--hosts: "
			       "an Ansible host pattern)", f->inventory,
			       f->pattern);
	ret = ansible_out(f, argv, &out);
	if (ret) {
		util_argv_free(names);
		return ret;
	}
	root = json_loads(out, 0, &jerr);
	free(out);
	hostvars = json_object_get(json_object_get(root, "_meta"),
				   "hostvars");
	for (size_t i = 0; i < n && !ret; i++) {
		struct fl_host *h;

		if (!fl_host_name_ok(names[i])) {
			ret = fl_fail(f, -EINVAL, "%s: invalid host name '%s': "
				      "allowed letters, digits, '.', '_', '-' "
				      "and ':' (a directory of the fleet), up "
				      "to %d characters", f->inventory,
				      names[i], FL_HOST_NAME_MAX - 1);
			break;
		}
		h = fl_host_find(f, names[i]);
		if (!h)
			h = fl_host_add(f, names[i]);
		if (!h) {
			ret = fl_fail(f, -ENOMEM, "out of memory");
			break;
		}
		/* An ok host keeps its record; its variables are checked. */
		if (h->status == FL_OK) {
			struct fl_host keep = *h;

			ret = host_vars(f, h, json_object_get(hostvars,
							      names[i]));
			*h = keep;
			continue;
		}
		ret = host_vars(f, h, json_object_get(hostvars, names[i]));
		h->run = true;
	}
	json_decref(root);
	util_argv_free(names);
	return ret;
}
