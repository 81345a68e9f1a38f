/*
 * fleet-internal.h: the state of a fleet (fleet.h), shared by session.c
 * (plan, directory, resume), inventory.c (Ansible's view of the hosts and
 * its tools), record.c (fleet.json), run.c (ansible-playbook and what
 * each host recorded) and print.c (dry run, summary).
 */
#ifndef AIOTUNE_FLEET_FLEET_INTERNAL_H
#define AIOTUNE_FLEET_FLEET_INTERNAL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "fleet/fleet.h"
#include "sweep/sweep.h"

/* fleet.json's format_version (docs/fleet-json.md). */
#define FL_FORMAT_VERSION 1
/* The longest host name (a directory name in the fleet's directory). */
#define FL_HOST_NAME_MAX 64
/* The longest reason kept for a host's failure (one line). */
#define FL_REASON_MAX 512
/* Where a host works when the inventory gives no aiotune_workdir. */
#define FL_WORKDIR_DEFAULT "/var/tmp/aiotune-fleet"
/* The fleet's lock file (sweep/claim.h). */
#define FL_LOCK_FILE "fleet.lock"
/* Ansible's side of the fleet's directory. */
#define FL_SIDE_DIR ".fleet"

enum fl_status { FL_PENDING, FL_OK, FL_FAILED };

struct fl_host {
	char name[FL_HOST_NAME_MAX];
	enum fl_status status;
	char reason[FL_REASON_MAX];   /* one line, "" when ok */
	char install[16];             /* source, package, binary */
	double elapsed_s;             /* its last attempt, 0 when none */
	char finished[32];            /* when it was recorded, "" pending */
	bool run;                     /* in this attempt */
	/* The inventory's variables for it (a host this attempt runs). */
	char workdir[PATH_MAX];       /* aiotune_workdir or the default */
	char connection[32];          /* ansible_connection, "" default */
	bool deps;                    /* aiotune_deps */
	char make_args[256];          /* aiotune_make_args */
};

struct fl_fleet {
	const struct fl_opts *o;

	char name[64];
	char name_given[64];          /* the name the sweep plan was given */
	uint64_t seed;
	char dir[PATH_MAX];           /* the fleet's directory */
	char inventory[PATH_MAX];     /* absolute */
	char job[PATH_MAX];           /* the job file as first given */
	char pattern[256];            /* --hosts, "all" when not given */
	char started[32];             /* the first attempt's start */
	char finished[32];            /* the last attempt's end, "" */
	char command_line[2048];      /* the first attempt's */
	char playbook[PATH_MAX];      /* fleet/playbook.yml, absolute */
	char srcdir[PATH_MAX];        /* the source tree, "" when none */
	char self[PATH_MAX];          /* this aiotune binary */
	char log[PATH_MAX];           /* this attempt's Ansible log */
	struct fl_host *hosts;
	size_t nhosts;
	bool resume;

	/* The sweep planned from the job file (checks it, prints the grid). */
	struct sw_opts sweep_opts;
	struct sw_sweep *sweep;
	char job_copy[PATH_MAX];      /* a resume: DIR/job.ini */

	int stop_signal;              /* the signal that stopped Ansible */
	char err[2048];               /* the last error */
};

/* Put a message in f->err; returns ret. */
int fl_fail(struct fl_fleet *f, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* buf = f->dir/rel. 0 or -ENAMETOOLONG with f->err. */
int fl_path(struct fl_fleet *f, const char *rel, char *buf, size_t size);

/* Set the environment every Ansible command of a fleet runs with. */
void fl_ansible_env(void);
/*
 * Run argv (argv[0] found in PATH) to its end, at most two minutes: its
 * stdout into *out (malloc'ed, NUL-terminated), the last line of its
 * stderr into errline. 0 with *status as from waitpid, or -errno
 * (-ENOENT: not installed).
 */
int fl_capture(char *const argv[], char **out, char *errline,
	       size_t errlen, int *status);
/*
 * The inventory's hosts that f->pattern selects, with their variables:
 * every one of them added to f->hosts (those already there, a resume's,
 * keep their record) and marked to run unless it is ok. 0 or -errno with
 * f->err (-EINVAL: the inventory, the pattern or a variable is refused).
 */
int fl_read_inventory(struct fl_fleet *f);
/* Whether name may be a host's directory in the fleet's directory. */
bool fl_host_name_ok(const char *name);
/* The host called name, or NULL. */
struct fl_host *fl_host_find(struct fl_fleet *f, const char *name);
/* Add a host called name (pending). NULL when out of memory. */
struct fl_host *fl_host_add(struct fl_fleet *f, const char *name);

/* Write fleet.json atomically. 0 or -errno with f->err. */
int fl_record_write(struct fl_fleet *f);
/*
 * Read the fleet.json of f->dir (a resume): name, seed, job, inventory,
 * pattern, times and the hosts. 0 or -errno with f->err (-EINVAL: not a
 * fleet's directory, or one of a later format).
 */
int fl_record_read(struct fl_fleet *f);
/* The status as fleet.json writes it ("ok", "failed", "pending"). */
const char *fl_status_name(enum fl_status s);

#endif
