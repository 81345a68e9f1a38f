/* qemu-compare.c: QEMU's curves beside aiotune's (qemu-compare.h). */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "results/qemu-compare.h"
#include "workloads/peer.h"

void res_qemu_label_note(const struct res_row *key, bool any_qemu,
			 char *label, size_t size)
{
	size_t len = strlen(label);

	if (!any_qemu || len + 1 >= size)
		return;
	if (wl_engine_is_qemu(key->engine))
		snprintf(label + len, size - len, "%s[QEMU %s %s, %s]",
			 len ? " " : "", key->version, key->poll_policy,
			 !strcmp(key->accel, "tcg") ? "TCG: emulated" :
			 key->accel[0] ? key->accel : "?");
	else
		snprintf(label + len, size - len, "%s[aiotune loop, %s]",
			 len ? " " : "", key->poll_policy);
}

bool res_summary_has_qemu(const struct res_summary *s)
{
	for (size_t i = 0; i < s->naggs; i++)
		if (wl_engine_is_qemu(s->aggs[i].key.engine))
			return true;
	return false;
}

/* aiotune's curve for QEMU curve q: same workload, loop, policy. */
static bool counterpart(const struct res_row *q, const struct res_row *c)
{
	const char *peer = wl_qemu_engine_peer(q->engine);

	return peer && !strcmp(c->engine, peer) &&
	       !strcmp(c->frontend, "virtio") && !strcmp(c->rw, q->rw) &&
	       !strcmp(c->target, q->target) && c->bs_bytes == q->bs_bytes &&
	       c->iodepth == q->iodepth && c->iothreads == q->iothreads &&
	       !strcmp(c->placement, q->placement) &&
	       !strcmp(c->poll_policy, q->poll_policy) &&
	       c->poll_grow == q->poll_grow &&
	       c->poll_shrink == q->poll_shrink;
}

static const char *ns_txt(int64_t ns, char *b)
{
	if (ns && ns % 1024 == 0)
		snprintf(b, 24, "%" PRId64 "k", ns / 1024);
	else
		snprintf(b, 24, "%" PRId64, ns);
	return b;
}

/* Median IOPS of curve c at poll-max-ns p, or NaN. */
static double iops_at(const struct res_summary *s, const struct res_series *c,
		      int64_t p)
{
	const struct res_agg *a = res_series_at(s, c, p);

	return a ? a->m[RES_M_IOPS].med : NAN;
}

/*
 * The knees agree when each curve, at the other's knee, is within its
 * own tolerance of its best IOPS (the same window would do for both).
 */
static bool agree(const struct res_summary *s, const struct res_knee *kq,
		  const struct res_knee *ka)
{
	const struct res_series *q = &s->series[kq->series];
	const struct res_series *a = &s->series[ka->series];
	double qa = iops_at(s, q, ka->knee_ns), aq = iops_at(s, a, kq->knee_ns);

	if (kq->knee_ns == ka->knee_ns)
		return true;
	return qa >= kq->best_iops * (1 - kq->tol) &&
	       aq >= ka->best_iops * (1 - ka->tol);
}

static void knee_line(FILE *f, const struct res_summary *s,
		      const struct res_knee *k, const char *who, bool md)
{
	char b1[24], b2[24];

	fprintf(f, "%s%s: knee %s (IOPS %.0f, best %.0f at %s), IOThread CPU "
		"%.0f%% (at 0: %.0f%%)%s%s\n", md ? "- " : "    ", who,
		ns_txt(k->knee_ns, b1), k->knee_iops, k->best_iops,
		ns_txt(k->best_ns, b2), k->knee_cpu, k->zero_cpu,
		k->rising ? ", still rising at the grid's end" : "",
		k->flat ? ", flat (polling made no difference)" : "");
	(void)s;
}

void res_qemu_compare_print(FILE *f, const struct res_summary *s,
			    const struct res_rec_opts *o, bool md)
{
	bool header = false;

	for (size_t j = 0; j < s->nseries; j++) {
		const struct res_series *qc = &s->series[j];
		const struct res_row *q = &s->aggs[qc->pts[0]].key;
		struct res_knee kq, ka;
		bool found = false;
		char who[512];

		if (!wl_engine_is_qemu(q->engine))
			continue;
		if (!header) {
			fprintf(f, md ? "\n**QEMU beside aiotune's loop** "
				"(QEMU curves are peers: never used to choose "
				"the window)\n\n" : "\nQEMU beside aiotune's "
				"loop (QEMU curves are peers: never used to "
				"choose the window):\n");
			header = true;
		}
		res_knee_find(s, j, o, &kq);
		fprintf(f, "%s%s %s iodepth=%" PRId64 ":\n", md ? "" : "  ",
			q->engine, q->rw, q->iodepth);
		snprintf(who, sizeof(who), "QEMU %s, policy %s, %s", q->version,
			 q->poll_policy, !strcmp(q->accel, "tcg") ?
			 "TCG (emulated: compare behaviour, not IOPS)" :
			 q->accel);
		knee_line(f, s, &kq, who, md);
		for (size_t k = 0; k < s->nseries; k++) {
			const struct res_series *ac = &s->series[k];
			const struct res_row *a = &s->aggs[ac->pts[0]].key;

			if (!counterpart(q, a))
				continue;
			res_knee_find(s, k, o, &ka);
			snprintf(who, sizeof(who), "aiotune %s virtio, policy "
				 "%s", a->engine, a->poll_policy);
			knee_line(f, s, &ka, who, md);
			fprintf(f, "%sthe knees %s\n", md ? "- " : "    ",
				agree(s, &kq, &ka) ? "agree (each curve is "
				"within tolerance of its best at the other's "
				"knee)" : "differ (at the other's knee, one "
				"curve is short of its best)");
			found = true;
		}
		if (!found)
			fprintf(f, "%sno aiotune curve of the same workload "
				"(engine %s, frontend virtio, policy %s) to "
				"compare with\n", md ? "- " : "    ",
				wl_qemu_engine_peer(q->engine), q->poll_policy);
	}
}
