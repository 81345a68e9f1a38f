/*
 * report.h: the page of `aiotune report`, HTML (one file: figures
 * embedded as data: URIs, no outside CSS, script or font; readable at
 * 1366x768) or Markdown (linking the figures). The answer comes first:
 * the recommendation (for a fleet, the deployment default with its rule)
 * with its deployment snippets, the knee table and the scores (for a
 * fleet, each class's setting and the per-host table); then the figures
 * (fio's curves beside aiotune's, QEMU's labelled, the fleet figure);
 * then the evidence (fio baseline, QEMU beside aiotune, warnings, the
 * table of points, provenance). In HTML the recommendation is the
 * element with id "recommendation", its setting the one of class
 * "setting" inside it.
 */
#ifndef AIOTUNE_RESULTS_REPORT_H
#define AIOTUNE_RESULTS_REPORT_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

#include "results/fleet.h"
#include "results/load.h"
#include "results/recommend.h"

#define RES_REPORT_MAX_FIGS 16

struct res_report_fig {
	char path[PATH_MAX];   /* the PNG, read to embed it */
	char rel[PATH_MAX];    /* how the Markdown page links it */
	char what[512];        /* the sentence under it */
	char name[32];
};

struct res_report_in {
	bool html;
	const char *title;             /* name of the sweep or the fleet */
	const char *caption;           /* "host H, device D, engine E" */
	const struct res_set *set;     /* one host: all its directories */
	const struct res_fleet *fleet; /* or a fleet (set NULL) */
	const struct res_rec_opts *opts;
	struct res_report_fig figs[RES_REPORT_MAX_FIGS];
	int nfigs;
	char notes[8][300];            /* figures left out, and why */
	int nnotes;
};

/*
 * Add the figures found in figdir (*.png of `aiotune plot`, fleet.png),
 * in the page's order, each with its sentence; reldir is how the
 * Markdown page reaches figdir. s (may be NULL) says whether fio's or
 * QEMU's curves are drawn, for the sentences.
 */
void res_report_find_figs(struct res_report_in *in, const char *figdir,
			  const char *reldir, const struct res_summary *s);
/* A note on a figure left out ("gnuplot is not installed"). */
void res_report_note(struct res_report_in *in, const char *text);
/* Write the page. 0 or -ENOMEM. */
int res_report_write(FILE *f, const struct res_report_in *in);

#endif
