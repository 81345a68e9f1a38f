/*
 * fleet.h: one fleet run. The same sweep job file, with the same seed,
 * runs on every host of an Ansible inventory: ansible-playbook plays
 * fleet/playbook.yml, which puts aiotune on each host (a build of the
 * source tarball by default), runs `aiotune sweep --job job.ini --seed S`
 * there and fetches the results directory back. The fleet's directory:
 *
 *   fleet.json   the fleet (docs/fleet-json.md): job, seed, inventory,
 *                times, aiotune's version, and per host its status, the
 *                reason it failed, how aiotune was installed there
 *   job.ini      the job file's text, as every host ran it
 *   <host>/      each host's sweep results directory (results.csv,
 *                meta.json, runs/ ...), as fetched back
 *   fleet.lock   locked while an `aiotune fleet` writes here
 *   .fleet/      Ansible's side: vars.json (the playbook's variables),
 *                hosts (the --limit file), source.tar.gz, status/<host>.json
 *                (what the playbook recorded for a host), tree/<host>
 *                (Ansible's last result for it), incoming/ (the fetched
 *                archives), ansible-<time>.log (its output)
 *
 * A host that fails is recorded with its reason and does not stop the
 * others; a resume runs the hosts that are not ok. fleet.json is
 * rewritten (atomically) as each host finishes; SIGINT or SIGTERM stops
 * Ansible and keeps every host that finished.
 *
 * Errors: each call returns 0 or -errno with one line in err; -EINVAL
 * means the input was refused (an option, the inventory, the job file, a
 * fleet directory that cannot be used): the command line is to blame.
 * Nothing here exits.
 */
#ifndef AIOTUNE_FLEET_FLEET_H
#define AIOTUNE_FLEET_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A fleet's options, as the command line gave them. */
struct fl_opts {
	const char *inventory;     /* --inventory (a resume: or the record's) */
	const char *job_path;      /* --job (not with a resume) */
	const char *name;          /* --name, or NULL: the sweep's name */
	const char *output;        /* --output, or NULL: results/fleet-... */
	const char *resume_dir;    /* --resume, or NULL */
	const char *hosts;         /* --hosts: an Ansible pattern, or NULL */
	uint64_t seed;             /* --seed when seed_set */
	bool seed_set;
	const char *command_line;  /* for fleet.json */
};

/* How a fleet went (fl_fleet_run). */
struct fl_outcome {
	size_t hosts;              /* hosts in the fleet */
	size_t ok;                 /* with their results back */
	size_t failed;             /* recorded with a reason */
	size_t pending;            /* not run yet, or stopped */
	int stop_signal;           /* the signal that stopped it, or 0 */
	const char *dir;           /* the fleet's directory (f's) */
};

struct fl_fleet;

/*
 * A new fleet of o (which, with the strings it points at, must outlive
 * it); NULL when out of memory.
 */
struct fl_fleet *fl_fleet_new(const struct fl_opts *o);
void fl_fleet_free(struct fl_fleet *f);

/*
 * What would run where: the job file checked as a sweep plans it, the
 * name and seed, the inventory's hosts that --hosts selects (through
 * ansible-inventory and ansible, which must be in PATH) and their
 * variables; a resume reads the fleet's directory and picks the hosts
 * that are not ok. Writes nothing.
 */
int fl_fleet_plan(struct fl_fleet *f, char *err, size_t errlen);
/* Print the plan (--dry-run), after fl_fleet_plan. */
void fl_fleet_print_plan(const struct fl_fleet *f, FILE *out);
/* The number of hosts the plan runs (0: a resume with nothing left). */
size_t fl_fleet_to_run(const struct fl_fleet *f);
/*
 * Make the fleet's directory this process's: a new fleet's (refused
 * unless new or empty) gets job.ini and fleet.json with every host
 * pending; a resume's is claimed as it is.
 */
int fl_fleet_start(struct fl_fleet *f, char *err, size_t errlen);
/*
 * Make the source tarball (when a host builds it) and run
 * ansible-playbook on the planned hosts, recording each host's outcome
 * in fleet.json as it comes. 0 with *out filled (failed hosts
 * are in out, not errors), or -errno when the fleet cannot go on.
 */
int fl_fleet_run(struct fl_fleet *f, struct fl_outcome *out, char *err,
		 size_t errlen);
/* Print one line per host and the totals, after fl_fleet_run. */
void fl_fleet_print_summary(const struct fl_fleet *f, FILE *out);

#endif
