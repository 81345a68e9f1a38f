/*
 * qemu-compare.h: QEMU's curves beside aiotune's in figures and in
 * `aiotune recommend`. A QEMU curve (engine qemu*) is a peer, as fio's
 * are: never a candidate for the recommended window (an emulated TCG
 * guest's IOPS say nothing of a deployment), but its knee is reported
 * beside the knee of aiotune's counterpart, the curve of the same
 * workload run by aiotune's loop with the virtio front end, the engine
 * of the same kind (wl_qemu_engine_peer) and the poll policy QEMU runs
 * (qemu-ctx for QEMU 7.2), with whether the two agree.
 */
#ifndef AIOTUNE_RESULTS_QEMU_COMPARE_H
#define AIOTUNE_RESULTS_QEMU_COMPARE_H

#include <stdbool.h>
#include <stdio.h>

#include "results/recommend.h"
#include "results/summary.h"

/*
 * Append to a curve's label what it ran on when the figures mix QEMU
 * and aiotune curves (any_qemu): " [QEMU 7.2 qemu-ctx, TCG: emulated]"
 * or " [aiotune loop, qemu-ctx]".
 */
void res_qemu_label_note(const struct res_row *key, bool any_qemu,
			 char *label, size_t size);
/* Whether any row of s is a QEMU run. */
bool res_summary_has_qemu(const struct res_summary *s);
/*
 * Print each QEMU curve's knee and its aiotune counterpart's (opts: the
 * recommendation's tolerance), and whether they agree. Nothing when s
 * has no QEMU curve.
 */
void res_qemu_compare_print(FILE *f, const struct res_summary *s,
			    const struct res_rec_opts *opts, bool markdown);

#endif
