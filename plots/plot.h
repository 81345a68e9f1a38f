/*
 * plot.h: figures with gnuplot. The data of each figure is written as a
 * gnuplot data file (one block per curve, its first line the curve's
 * title) under OUT/data/, then each script of plots/ is run as
 * `gnuplot -c plots/NAME.gp DATA OUT.{png,svg} CAPTION`.
 *
 * Figures: iops (IOPS vs poll-max-ns with min-max bars), latency (p50 and
 * p99), cpu (IOThread CPU and IOPS per CPU), pollhit (poll hit rate),
 * window (the polling window of some runs over time) and heatmap (IOPS
 * over iothreads x placement, only when the grid varies them). Several
 * results directories are overlaid in the same figures. For a fleet,
 * fleet (the knee of each host and its score at the deployment default).
 */
#ifndef AIOTUNE_PLOTS_PLOT_H
#define AIOTUNE_PLOTS_PLOT_H

#include <limits.h>
#include <stdbool.h>

#include "results/summary.h"

#define PLOT_MAX_FILES 32

struct plot_opts {
	const char *outdir;        /* figures go here (created) */
	const char *scripts_dir;   /* NULL: search (plot_scripts_dir) */
	bool png, svg;
};

struct plot_out {
	char files[PLOT_MAX_FILES][PATH_MAX];
	int nfiles;
	char notes[8][256];        /* figures left out, and why */
	int nnotes;
};

/*
 * Find the directory holding the gnuplot scripts: $AIOTUNE_PLOTS, then
 * plots/ as a data file (util/datadir.h: the source tree above the
 * binary's build directory, the installed share/aiotune/plots, the
 * compiled-in data directory, ./plots). 0 or -ENOENT.
 */
int plot_scripts_dir(char *buf, size_t size);

/*
 * Draw every figure of s (dirs[i] is the directory of source i, for the
 * run JSON files), captioned with caption. 0 or -errno with err (gnuplot
 * missing or failing, unwritable output).
 */
int plot_draw(const struct res_summary *s, const char *const *dirs,
	      const char *caption, const struct plot_opts *o,
	      struct plot_out *out, char *err, size_t errlen);

struct res_fleet;

/*
 * The fleet figure (fleet.png/.svg under o->outdir, data in
 * o->outdir/data/fleet.dat): each usable host's knee per workload, its
 * own recommendation and the deployment default, and its score at the
 * default (results/fleet.h). 0 or -errno with err; -ENODATA when no host
 * is usable.
 */
int plot_fleet(const struct res_fleet *f, const char *caption,
	       const struct plot_opts *o, struct plot_out *out, char *err,
	       size_t errlen);

/* Caption "host H, device D, engine E" from the meta.json of each dir. */
void plot_caption(const char *const *dirs, int n,
		  const struct res_summary *s, char *buf, size_t size);

#endif
