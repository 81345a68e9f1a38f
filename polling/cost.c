/*
 * cost.c: our own policies, both built on one spin-then-block cost model.
 *
 * Waiting for the next event, the loop spins for a window W, then blocks.
 * An event that arrives g ns after the wait began costs
 *	g        when g <= W (caught while spinning: g ns of CPU),
 *	W + B    otherwise (W ns spun in vain, then a block),
 * where B = C + L: C is the CPU time one block + wake-up costs the loop
 * thread (block_cost_ns, 25 us by default from MACHINE.md) and L is the
 * delay the wake-up adds before the event is handled. A QD1 requester pays
 * both (IOPS x IOPS-per-CPU falls with either), so they are added; we take
 * L = C, as MACHINE.md measures 20-30 us for each on our VMs.
 *
 * ski:  W = B, the deterministic rule of the ski-rental problem: whatever
 *       the gaps, it costs at most twice what an oracle that knew each gap
 *       would pay (Karlin, Manasse, McGeoch, Owicki, "Competitive
 *       randomized algorithms for non-uniform problems", SODA '90).
 * cost: knowing the distribution of g one can do better than 2x. It learns
 *       that distribution (a decaying quarter-octave histogram, hist.h) and
 *       after every iteration picks the W among the bucket edges (and 0)
 *       that minimises the expected cost
 *		J(W) = sum over caught g of g + (events not caught) * (W + B),
 *       the discrete form of choosing W where the hazard rate of g crosses
 *       1/B (Karlin, Li, Manasse, Owicki, "Empirical studies of competitive
 *       spinning for a shared-memory multiprocessor", SOSP '91, found such
 *       adaptive mixed strategies best). Until it has 16 samples it acts as
 *       ski. A blocked iteration's block time includes the wake-up delay:
 *       it is counted as block_ns - L, and at least W + 1 (the event was
 *       not there within W), so blocking does not teach it that gaps are
 *       longer than they are. Iterations in which no polled handler fired
 *       (BHs, timers) teach it nothing. One window per context: what
 *       matters for the spin decision is the time until any event.
 */
#include "polling/hist.h"
#include "polling/policy.h"

#define POLL_COST_WARMUP 16

/* B = C + L with L = C, saturating. */
static int64_t block_penalty(const struct poll_params *p)
{
	int64_t c = p->block_cost_ns > 0 ? p->block_cost_ns : 0, b;

	if (__builtin_add_overflow(c, c, &b))
		return INT64_MAX;
	return b;
}

static int64_t ski_window(const struct poll_state *cs, int64_t max_handler_ns,
			  const struct poll_params *p)
{
	int64_t b = block_penalty(p);

	return b < p->max_ns ? b : p->max_ns;
}

static int64_t cost_window(const struct poll_state *cs,
			   int64_t max_handler_ns, const struct poll_params *p)
{
	if (cs->nsamples < POLL_COST_WARMUP)
		return ski_window(cs, max_handler_ns, p);
	return cs->ns;
}

/* The bucket edge (or 0) with the least expected cost J. */
static int64_t cost_best_window(const struct poll_state *cs,
				const struct poll_params *p)
{
	double b = (double)block_penalty(p), total = 0, caught = 0;
	double caught_ns = 0, best;
	int64_t lo = 0, best_w = 0;

	for (int i = 0; i < POLL_HIST_BUCKETS; i++)
		total += (double)cs->hist[i];
	best = total * b; /* W = 0: every event blocks */
	for (int k = 0; k <= POLL_HIST_TOP; k++) {
		int64_t hi = poll_hist_edge(p->max_ns, k);
		double n = (double)cs->hist[k], j;

		if (hi <= 0)
			continue;
		caught += n;
		caught_ns += n * ((double)lo + (double)hi) / 2;
		j = caught_ns + (total - caught) * ((double)hi + b);
		if (j < best) {
			best = j;
			best_w = hi;
		}
		lo = hi;
	}
	return best_w;
}

static int cost_iteration(struct poll_state *cs, const struct poll_params *p,
			  int64_t block_ns, int64_t max_event_ns,
			  int64_t now_ns)
{
	int64_t old = cost_window(cs, 0, p), sample = block_ns, next;

	if (max_event_ns < 0)
		return POLL_SAME; /* no polled handler fired */
	if (sample < 0)
		sample = 0;
	if (sample > old) {
		/* Blocked: the event came about L before we saw it. */
		sample -= p->block_cost_ns > 0 ? p->block_cost_ns : 0;
		if (sample <= old)
			sample = old < INT64_MAX ? old + 1 : old;
	}
	poll_hist_add(cs, p->max_ns, sample);
	if (cs->nsamples >= POLL_COST_WARMUP)
		cs->ns = cost_best_window(cs, p);
	next = cost_window(cs, 0, p);
	if (next > old)
		return POLL_GREW;
	return next < old ? POLL_SHRANK : POLL_SAME;
}

const struct poll_policy_ops poll_policy_ski = {
	.name = "ski",
	.desc = "spin as long as a block + wake-up costs (2 x block-cost), then block: 2-competitive",
	.per_context = true,
	.window = ski_window,
};

const struct poll_policy_ops poll_policy_cost = {
	.name = "cost",
	.desc = "learn the block-time distribution, poll for the window of least expected CPU + delay cost",
	.per_context = true,
	.iteration = cost_iteration,
	.window = cost_window,
};
