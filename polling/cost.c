/*
 * cost.c: our own policies, both built on one spin-then-block model.
 *
 * Waiting for the next event, the loop spins for a window W, then blocks.
 * An event that arrives g ns after the wait began
 *	when g <= W: is caught while spinning: g ns of CPU, seen at once;
 *	otherwise:   costs W ns of CPU spun in vain plus C for the block and
 *	             wake-up, and is seen L ns late,
 * where C is the CPU time one block + wake-up costs the loop thread
 * (block_cost_ns: what the loop measures on its host, loop/blockcost.c,
 * unless set; docs/machine.md section 2 found 20-30 us on our VMs) and L
 * the delay the wake-up adds; we take L = C (docs/machine.md section 2
 * measures 20-30 us for both on our VMs).
 *
 * ski:  W = C + L, the deterministic rule of the ski-rental problem with
 *       the block priced at C + L: whatever the gaps, it costs at most twice
 *       what an oracle that knew each gap would pay (Karlin, Manasse,
 *       McGeoch, Owicki, "Competitive randomized algorithms for non-uniform
 *       problems", SODA '90).
 * cost: knowing the distribution of g one can do better. It learns that
 *       distribution (a decaying quarter-octave histogram, hist.h) and after
 *       every iteration picks, among the bucket edges and 0, the W that
 *       maximises what the sweeps judge, IOPS x IOPS per CPU. For a
 *       requester that waits on each event that is 1 / (T x U), with
 *	 T(W) = E[g] + P(g > W) L                 time per event,
 *	 U(W) = E[min(g, W)] + P(g > W) (W + C)   loop CPU per event,
 *       so it minimises the product T x U (the event's own processing is
 *       left out: the policy never sees it). Unlike a sum of CPU and delay,
 *       the product weighs a ns of delay by how busy the thread is: a mostly
 *       idle loop (long gaps dominate T) stops spinning for short gaps that
 *       a busy one would catch. This is the spin-then-block choice made
 *       with a known distribution, as in Karlin, Li, Manasse, Owicki,
 *       "Empirical studies of competitive spinning for a shared-memory
 *       multiprocessor" (SOSP '91), where adaptive mixed strategies won.
 *       Until it has 16 samples it acts as ski. A blocked iteration's block
 *       time includes the wake-up delay: it is counted as block_ns - L, and
 *       at least W + 1 (the event was not there within W), so blocking does
 *       not teach it that gaps are longer than they are. Iterations in
 *       which no polled handler fired (BHs, timers) teach it nothing. One
 *       window per context: the spin decision depends on the time until
 *       any event.
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

/* The bucket edge (or 0) with the least T x U (see the top comment). */
static int64_t cost_best_window(const struct poll_state *cs,
				const struct poll_params *p)
{
	double c = p->block_cost_ns > 0 ? (double)p->block_cost_ns : 0;
	double total = 0, caught = 0, caught_ns = 0, all_ns, best;
	int64_t lo = 0, best_w = 0;

	for (int i = 0; i < POLL_HIST_BUCKETS; i++)
		total += (double)cs->hist[i];
	all_ns = (double)cs->aux[1];
	/* W = 0: every event blocks. Scaled by total^2, as every j. */
	best = (all_ns + total * c) * (total * c);
	for (int k = 0; k <= POLL_HIST_TOP; k++) {
		int64_t hi = poll_hist_edge(p->max_ns, k);
		double n = (double)cs->hist[k], miss, t, u;

		if (hi <= 0)
			continue;
		caught += n;
		caught_ns += n * ((double)lo + (double)hi) / 2;
		miss = total - caught;
		t = all_ns + miss * c;
		u = caught_ns + miss * ((double)hi + c);
		if (t * u < best) {
			best = t * u;
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
	.desc = "learn the block-time distribution, poll for the window that maximises IOPS x IOPS/CPU",
	.per_context = true,
	.iteration = cost_iteration,
	.window = cost_window,
};
