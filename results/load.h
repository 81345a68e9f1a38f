/*
 * load.h: the results directories given to plot, recommend and report:
 * each one's results.csv read into a table, a label per directory (the
 * host name when hosts differ, else the engine when engines differ, else
 * the directory name) and the summary of them all.
 */
#ifndef AIOTUNE_RESULTS_LOAD_H
#define AIOTUNE_RESULTS_LOAD_H

#include <stddef.h>

#include "results/row.h"
#include "results/summary.h"

struct res_set {
	int n;
	const char *dirs[RES_MAX_SOURCES];
	struct res_table tables[RES_MAX_SOURCES];
	char labels[RES_MAX_SOURCES][RES_NAME_MAX];
	struct res_summary sum;
};

/* Load n directories. 0, or -errno with one line in err. */
int res_set_load(struct res_set *s, char *const *dirs, int n, char *err,
		 size_t errlen);
void res_set_free(struct res_set *s);

#endif
