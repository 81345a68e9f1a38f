/*
 * report.h: the page of `aiotune report`, HTML (one file: figures
 * embedded as data: URIs, CSS inline, no outside asset; laid out for a
 * laptop screen, 1366x768, without sideways scrolling) or Markdown
 * (linking the figures). The answer comes first: the recommendation (for
 * a fleet, the deployment default with its rule and each class's
 * setting) with its deployment snippets; then the knee table and the
 * scores (for a fleet, the per-host table and every setting's score on
 * every host); then the figures (fio's and QEMU's curves beside
 * aiotune's, the fleet figure); then the evidence (fio baseline, QEMU
 * beside aiotune, the table of points, provenance).
 *
 * In HTML the recommendation is the element with id "recommendation",
 * its setting the element of class "setting" inside it. A few lines of
 * inline script record, once the page has loaded, where they sit and
 * whether anything scrolls sideways, as data- attributes of <body>:
 * data-setting-bottom (px from the top of the window), data-viewport
 * ("WxH"), data-scroll-x (1: the page is wider than the window),
 * data-rec-scroll-x (elements of the recommendation wider than their
 * box), data-images and data-images-loaded (counts of <img>).
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
	char what[640];        /* the sentence under it */
	char name[32];
};

struct res_report_in {
	bool html;
	const char *title;             /* name of the sweep or the fleet */
	const char *caption;           /* "host H, device D, engine E" */
	const struct res_set *set;     /* one host: all its directories */
	const struct res_fleet *fleet; /* or a fleet (set NULL), analysed */
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
