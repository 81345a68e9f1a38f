/*
 * recommend.h: from measured curves to the settings to deploy.
 *
 * Per curve (one workload under one polling configuration) the knee is
 * the smallest poll-max-ns whose median IOPS is within a tolerance of the
 * curve's best, where the tolerance widens to half the best point's
 * spread (max - min over the repetitions) when the data are noisier than
 * the tolerance. The workloads (iodepths, ...) are then combined into one
 * setting under an objective:
 *   throughput  smallest poll-max-ns at which every workload is within
 *               tolerance of its best IOPS;
 *   latency     the same with p99 latency;
 *   efficiency  best geometric mean over workloads of IOPS per CPU
 *               (relative to each workload's best), smallest window
 *               within tolerance of that score;
 *   balanced    the same with (relative IOPS) x (relative IOPS per CPU):
 *               one unit of throughput is worth one unit of efficiency.
 * A CPU budget (% of one CPU per IOThread) removes candidates that cost
 * more on any workload. The explanation names the constraint that
 * decided; warnings say when the data cannot carry a recommendation.
 */
#ifndef AIOTUNE_RESULTS_RECOMMEND_H
#define AIOTUNE_RESULTS_RECOMMEND_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "results/summary.h"

enum res_objective {
	RES_OBJ_BALANCED,
	RES_OBJ_THROUGHPUT,
	RES_OBJ_LATENCY,
	RES_OBJ_EFFICIENCY,
};

struct res_rec_opts {
	enum res_objective objective;
	double tolerance_pct;   /* default 5 */
	double cpu_budget_pct;  /* < 0: none */
	double max_spread_pct;  /* wider is warned about; default 20 */
};

struct res_knee {
	size_t series;
	int64_t knee_ns, best_ns;
	double knee_iops, best_iops;
	double knee_cpu, zero_cpu;    /* cpu_iothread_pct; NaN if unknown */
	double knee_p99, zero_iops;
	double tol;                   /* tolerance used (fraction) */
	bool few_points;              /* fewer than 3 poll-max-ns values */
	bool single_rep;              /* no spread to judge noise by */
	bool wide_spread;             /* best or knee spread > max_spread */
	bool rising;                  /* no knee: still rising at the end */
	bool flat;                    /* polling made no difference */
};

#define RES_REC_MAX_WARN 32

struct res_rec {
	bool have;                    /* a setting was chosen */
	bool confident;               /* no warning undermines it */
	enum res_objective objective;
	int64_t poll_max_ns;
	struct res_row settings;      /* policy, grow, shrink, weight */
	int iothreads;                /* most IOThreads measured */
	struct res_knee *knees;       /* one per curve but fio's */
	size_t nknees;
	size_t npeers;                /* fio curves (baseline only) */
	char explain[4096];
	char warn[RES_REC_MAX_WARN][320];
	int nwarn;
	struct res_rec_opts opts;     /* what it was made with */
};

void res_rec_opts_init(struct res_rec_opts *o);
/* "balanced" etc.; 0 or -EINVAL. */
int res_objective_parse(const char *s, enum res_objective *out);
const char *res_objective_name(enum res_objective o);
/*
 * A percentage option ("5", "12.5%"): a decimal from lo to hi (nan,
 * inf, hex, exponents and negatives are refused). 0 or -EINVAL.
 */
int res_rec_pct_parse(const char *s, double lo, double hi, double *out);

/* Knee of one curve. */
void res_knee_find(const struct res_summary *s, size_t series,
		   const struct res_rec_opts *o, struct res_knee *k);
/* The whole recommendation. 0 or -ENOMEM. */
int res_recommend(const struct res_summary *s, const struct res_rec_opts *o,
		  struct res_rec *r);
void res_rec_free(struct res_rec *r);

/* One candidate setting and how it stands under the objective. */
struct res_score {
	struct res_row key;           /* a point of it: policy, grow, ... */
	int64_t poll_max_ns;
	double score;                 /* the objective's score (above) */
	double rel_iops;              /* worst workload's IOPS / its best */
	double cpu;                   /* most CPU per IOThread, % */
	bool budget_ok;               /* within --cpu-budget (or none) */
};

/*
 * Every candidate (polling configuration, poll-max-ns) measured on every
 * workload of aiotune's curves, with the score res_recommend weighs it
 * by; *out is malloc'ed (free it), in the order of the curves' points.
 * 0 or -ENOMEM / -E2BIG.
 */
int res_rec_scores(const struct res_summary *s, const struct res_rec_opts *o,
		   struct res_score **out, size_t *n);
/* Whether a and b have the same poll policy, grow, shrink and weight. */
bool res_same_poll_config(const struct res_row *a, const struct res_row *b);

/* The ways to deploy a setting, each a text block. */
enum res_snippet {
	RES_SNIP_QEMU,      /* -object iothread,...,poll-max-ns=... */
	RES_SNIP_QMP,       /* qom-set, HMP and QMP */
	RES_SNIP_LIBVIRT,   /* <iothread id=..><poll max= grow= shrink=/> */
	RES_SNIP_VIRSH,     /* virsh iothreadset */
};
#define RES_SNIP_ALL 0xfu
#define RES_SNIP_BIT(k) (1u << (k))

/* "QEMU command line:" etc. */
const char *res_snippet_title(enum res_snippet k);
/*
 * The block of kind k for poll-max-ns p with st's grow, shrink (and
 * weight, policy weight) on n IOThreads (n < 1: one), lines indented
 * by two spaces, no title.
 */
void res_snippet_print(FILE *f, enum res_snippet k, const struct res_row *st,
		       int64_t p, int n);
/* The blocks of the kinds in mask, each under its title (md: fenced). */
void res_snippets_print(FILE *f, const struct res_row *st, int64_t p, int n,
			unsigned int mask, bool md);

/*
 * Print the per-curve knees, the choice with its explanation, the
 * settings as QEMU, QMP/HMP, libvirt and virsh text, the fio baseline,
 * QEMU's knees and the warnings. markdown: for the report (code blocks,
 * tables).
 */
void res_rec_print(FILE *f, const struct res_summary *s,
		   const struct res_rec *r, bool markdown);
/* Its parts: the knee of each curve (a table when markdown). */
void res_rec_print_knees(FILE *f, const struct res_summary *s,
			 const struct res_rec *r, bool markdown);
/*
 * The fio baseline: each fio curve beside aiotune's runs of the same
 * workload at poll-max-ns 0 and at the recommended window (aiotune / fio
 * ratios of IOPS, p99 and CPU per I/O). Nothing without fio curves.
 */
void res_rec_print_baseline(FILE *f, const struct res_summary *s,
			    const struct res_rec *r, bool markdown);

#endif
