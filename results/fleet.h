/*
 * fleet.h: one setting for many hosts. The input is a fleet directory
 * (`aiotune fleet`'s: fleet.json and one results directory per host) or
 * the results directories of several hosts, grouped by the host name in
 * their meta.json (a fio or QEMU directory joins the aiotune directory of
 * its host). Each usable host gets its own recommendation (recommend.h)
 * and scores every candidate it measured against its own best; hosts are
 * grouped into classes by device model and CPU model (meta.json). The
 * deployment default, and the setting of each class over the class's
 * hosts, follow one rule:
 *
 *   1. host h scores candidate c (a poll policy, grow, shrink, weight and
 *      poll-max-ns that h measured on every workload) s_h(c) =
 *      S_h(c) / max S_h, where S_h is the objective's score on h alone
 *      (recommend.h: throughput, the worst workload's IOPS relative to
 *      its best; latency, the same with p99; efficiency and balanced,
 *      the geometric means); 1 is the best one setting gives h, and
 *      1 - s_h(c) is h's loss at c;
 *   2. c is eligible when every host measured it (with a CPU budget:
 *      within the budget on every host);
 *   3. worst(c) is the lowest s_h(c) over the hosts, W the highest
 *      worst(c) of the eligible candidates;
 *   4. the setting is the eligible c with worst(c) >= W (1 - tolerance)
 *      that has the smallest poll-max-ns, then the least CPU per
 *      IOThread (the most any host's workload spends), then the first
 *      found.
 *
 * Hosts that failed or are pending (fleet.json), or whose directory
 * cannot be used, are listed as missing with the reason and take no
 * part.
 */
#ifndef AIOTUNE_RESULTS_FLEET_H
#define AIOTUNE_RESULTS_FLEET_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "results/load.h"
#include "results/recommend.h"

/* The most hosts and directories one fleet holds. */
#define RES_FLEET_MAX_HOSTS 1024

enum res_host_status {
	RES_HOST_OK,        /* usable: it takes part */
	RES_HOST_FAILED,    /* fleet.json: the host's sweep failed */
	RES_HOST_PENDING,   /* fleet.json: not run (yet) */
	RES_HOST_UNUSABLE,  /* its results cannot be used (reason says) */
};

struct res_fleet_host {
	char name[RES_NAME_MAX];
	enum res_host_status status;
	char reason[512];
	char install[32];             /* fleet.json: "package", ... or "" */
	double elapsed_s;             /* fleet.json; -1 unknown */
	char *dirs[RES_MAX_SOURCES];  /* its results directories */
	int ndirs;
	int cls;                      /* index into classes; -1 if missing */
	struct res_set *set;          /* the directories loaded (usable) */
	struct res_rec rec;           /* its own recommendation */
	struct res_score *scores;     /* its candidates (within budget) */
	size_t nscores;
	double top;                   /* max S_h */
	double own;                   /* s_h of its own recommendation */
};

struct res_fleet_class {
	char device[256];             /* device model(s) */
	char cpu[RES_NAME_MAX * 2];   /* CPU model */
};

/* A candidate of the fleet, with each host's s_h (NaN: not measured). */
struct res_fleet_cand {
	struct res_row key;           /* policy, grow, shrink, weight */
	int64_t poll_max_ns;
	double *score;                /* per host: s_h(c) */
	double *cpu;                  /* per host: CPU per IOThread, % */
	bool *over;                   /* per host: over the CPU budget */
};

/* The rule's choice over some hosts (all usable, or one class). */
struct res_fleet_pick {
	bool have;
	size_t cand;                  /* index into cands */
	double worst;                 /* worst(c) of the choice */
	size_t worst_host;
	double best_worst;            /* W */
	size_t best_cand;             /* a candidate with worst(c) = W */
	size_t neligible, nhosts;
	double cpu;                   /* most CPU per IOThread at it */
	int iothreads;                /* most IOThreads measured */
};

/* What fleet.json says of the run ("" when not given or null). */
struct res_fleet_info {
	char job[PATH_MAX];
	uint64_t seed;
	char inventory[PATH_MAX];
	char started[64];
	char finished[64];
	char version[128];
};

struct res_fleet {
	char name[RES_NAME_MAX * 2];  /* fleet.json's name, else "" */
	char file[PATH_MAX];          /* the fleet.json read, else "" */
	struct res_fleet_info info;
	struct res_fleet_host *hosts;
	size_t nhosts;
	struct res_fleet_class *classes;
	size_t nclasses;
	struct res_fleet_cand *cands;
	size_t ncands;
	struct res_fleet_pick deploy;
	struct res_fleet_pick *class_pick;   /* one per class */
	struct res_rec_opts opts;
};

/*
 * Sort the directories into hosts: a directory holding fleet.json gives
 * its hosts (`aiotune fleet`'s record: format_version 1, name, job, seed,
 * inventory, started, finished, version; hosts[]: name, status
 * ok|failed|pending, reason, subdir: the host's results directory inside
 * the fleet's, install, elapsed_s; other keys are ignored); any other directory joins the host named by its meta.json
 * (host.hostname), else by its first run's host column, else by its own
 * name. 0, or -errno with one line in err (a bad fleet.json, too many).
 */
int res_fleet_group(struct res_fleet *f, char *const *dirs, int n, char *err,
		    size_t errlen);
/* Whether f is a fleet: a fleet.json was given, or several hosts. */
bool res_fleet_is_fleet(const struct res_fleet *f);
/*
 * Load every host's directories, recommend per host, classify, and pick
 * the deployment default and each class's setting. 0 or -ENOMEM.
 */
int res_fleet_analyse(struct res_fleet *f, const struct res_rec_opts *o);
/* Number of usable hosts. */
size_t res_fleet_usable(const struct res_fleet *f);
/* "failed", "pending", "unusable", "ok". */
const char *res_host_status_name(enum res_host_status s);
/* "Samsung PM9A3 / AMD EPYC 7543" ("?" for what is unknown). */
void res_fleet_class_name(const struct res_fleet_class *c, char *buf,
			  size_t size);
/*
 * Print the analysis: per host, the classes, the deployment default with
 * the rule, each host's loss at it and every deployment snippet, each
 * class's setting with the QEMU and libvirt snippets, the fio baselines
 * and the hosts' warnings. md: Markdown (tables, code blocks).
 */
void res_fleet_print(FILE *fp, const struct res_fleet *f, bool md);
/* The rule in words, with the tolerance and objective of f. */
void res_fleet_print_rule(FILE *fp, const struct res_fleet *f);
/* The setting of pick pk: its lines, snippets of the kinds in mask. */
void res_fleet_print_pick(FILE *fp, const struct res_fleet *f,
			  const struct res_fleet_pick *pk, int cls,
			  unsigned int mask, bool md);
/* The per-host table (Markdown) or lines. */
void res_fleet_print_hosts(FILE *fp, const struct res_fleet *f, bool md);
void res_fleet_free(struct res_fleet *f);

#endif
