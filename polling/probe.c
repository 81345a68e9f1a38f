/*
 * probe.c: the "probe" policy: try a few windows, measure what each really
 * delivers, keep the cheapest of the best.
 *
 * Why measure instead of model. Whether a window pays depends on things the
 * loop cannot see: the device's latency and capacity, what a wake-up costs
 * on this host, and what a spinning thread takes from the other threads on
 * its CPUs. docs/FINDINGS.md shows all three at work on one VM: polling a
 * 78 us device gives 1.40x the IOPS at iodepth 1, polling a 160 us device
 * gives 0.92x although the same model (a wake-up saved per event) predicts
 * 1.27x, because the spinning IOThread slows the guest thread next to it;
 * at iodepth 32 a device at its capacity gains nothing from any window.
 * QEMU's grow/shrink rule (qemu, weight) reads none of this; the cost policy
 * (cost.c) models it with a block cost and gets the 160 us case right and
 * the 78 us one wrong. So probe asks the system: it runs each candidate
 * window for a while and compares the throughput and CPU it measured.
 *
 * What it measures, per epoch (at least PROBE_EPOCH_NS and PROBE_EPOCH_UNITS
 * units of progress, at most PROBE_EPOCH_MAX_NS):
 *	rate = progress / wall time, where progress is the work the
 *	       application reports (aio_context_count_work: requests
 *	       completed) or, if it reports none, polled-handler events;
 *	       events alone overstate polling at high queue depth, where a
 *	       blocked wait returns with several completions and a poller sees
 *	       them one by one;
 *	cpu  = the loop thread's CPU time / wall time, as the loop sampled
 *	       it (struct poll_obs).
 *
 * The cycle, after PROBE_SETTLE_NS of blocking from the first iteration
 * (a loop's users start up with it, and their first 100 ms or so run
 * slower: measured here, the first trial round of a fresh run was up to
 * 40% below the later ones):
 *  1. survey: one epoch polling the whole poll-max-ns (the cap), so every
 *     event up to it is caught and its gap is exact; a histogram of those
 *     gaps (quarter octaves, hist.h) gives the candidates: 0 (never poll),
 *     the ski-rental window C + L (below) and twice the window that
 *     covers 99% of the events (one bucket, ~19%, above that quantile; the
 *     cap if the quantile is past it), at least C + L; the middle one is
 *     dropped when it is not at least 1.5x below the last.
 *  2. trial: PROBE_ROUNDS rounds, one epoch per candidate each, in the
 *     order ascending, descending, ascending, ... (a drift cancels out).
 *  3. decide: order the candidates by their median cpu over the rounds,
 *     start from the cheapest, and let a dearer candidate replace the
 *     choice only if it beats it: the median over the rounds of the ratio
 *     of their rates (both measured within the same round, so a load that
 *     comes and goes hits both) is at least 1 + PROBE_TOL_PCT, and at most
 *     a quarter of the rounds say otherwise. When the median says so but
 *     more rounds disagree, two more rounds, up to PROBE_ROUNDS_MAX. So a
 *     window is kept only where it buys throughput consistently, and of
 *     the windows that do, the one that spends least; noise alone (on
 *     these shared VMs, +-5% per 20 ms epoch is common) does not make it
 *     spin: blocking wins every tie.
 *  4. exploit: poll with the chosen window. Its first PROBE_BASE_EPOCHS
 *     epochs give the reference rate (the choice's own steady state).
 *     Probe again after PROBE_REPROBE_NS, or sooner when
 *     PROBE_SHIFT_EPOCHS epochs in a row measure a rate more than
 *     PROBE_SHIFT_PCT away from the reference (the device or the workload
 *     changed), but never within PROBE_MIN_INTERVAL_NS of the last probe.
 *
 * The block cost. The loop measures what one block and wake-up costs its
 * thread (block_cost_ns, C) and how late it wakes (wake_ns, L) on this host
 * (loop/blockcost.c). probe's decision does not need them, since it
 * measures the CPU of each window whole; they choose the middle candidate:
 * the ski-rental window C + L, polling as long as one block costs in CPU
 * and delay together (never worse than twice an oracle that knew each gap:
 * Karlin, Manasse, McGeoch, Owicki, SODA '90). It catches every gap shorter
 * than a block's price (a guest's next kick, an Optane-class device) and
 * bounds what is spun in vain on the others. Until the loop has measured
 * C and L, the window covering half the surveyed gaps stands in for it.
 *
 * What it costs. A probe is 1 + ncand x PROBE_ROUNDS epochs, about 180-
 * 300 ms here; where blocking wins, the survey and the polled trials spend
 * up to ~150 ms of CPU in it, ~2% of a CPU at one probe per 8 s.
 *
 * Pure, as every policy: the clock, the work and the CPU time come in
 * struct poll_obs. State: cs->ns is the window, cs->hist the survey's
 * histogram, cs->ext struct probe below.
 */
#include <string.h>

#include "polling/hist.h"
#include "polling/policy.h"

#define PROBE_SETTLE_NS 100000000LL     /* 100 ms before the first probe */
#define PROBE_EPOCH_NS 20000000LL       /* 20 ms */
#define PROBE_EPOCH_UNITS 64
#define PROBE_EPOCH_MAX_NS 200000000LL  /* 200 ms */
#define PROBE_ROUNDS 4        /* rounds a probe takes ... */
#define PROBE_ROUNDS_MAX 8    /* ... up to this when undecided */
#define PROBE_MAX_CAND 3
#define PROBE_TOL_PCT 3
#define PROBE_REPROBE_NS 8000000000LL   /* 8 s */
#define PROBE_MIN_INTERVAL_NS 2000000000LL /* 2 s */
#define PROBE_SHIFT_PCT 30
#define PROBE_SHIFT_EPOCHS 5
#define PROBE_BASE_EPOCHS 3

enum { PH_SETTLE = 0, PH_SURVEY, PH_TRIAL, PH_EXPLOIT };

/* All int64_t, laid over poll_state.ext. */
struct probe {
	int64_t started;          /* 0 until the first observation */
	int64_t phase;
	int64_t ep_t0;            /* current epoch: start time ... */
	int64_t ep_work0, ep_events0, ep_cpu0, ep_cpu_at0; /* ... and counts */
	int64_t use_work;         /* progress = work (1) or events (0) */
	int64_t ncand;
	int64_t cand[PROBE_MAX_CAND];
	int64_t step;             /* trial epoch, 0 .. ncand * ROUNDS - 1 */
	int64_t rounds;           /* rounds to run (PROBE_ROUNDS, or more) */
	int64_t rate[PROBE_MAX_CAND][PROBE_ROUNDS_MAX]; /* units/s x 1000 */
	int64_t cpu[PROBE_MAX_CAND][PROBE_ROUNDS_MAX];  /* ppm of one CPU */
	int64_t chosen;           /* index into cand */
	int64_t probe_at;         /* when the last probe began */
	int64_t base[PROBE_BASE_EPOCHS]; /* first exploit epochs' rates ... */
	int64_t nbase;
	int64_t base_rate;        /* ... their median: the choice's own rate */
	int64_t off_epochs;       /* exploit epochs in a row off that rate */
	int64_t probes;           /* probes completed */
};

_Static_assert(sizeof(struct probe) <= sizeof(((struct poll_state *)0)->ext),
	       "struct probe does not fit poll_state.ext");

static struct probe *pr_of(struct poll_state *cs)
{
	return (struct probe *)cs->ext;
}

static int64_t clamp_window(int64_t w, const struct poll_params *p)
{
	if (w < 0)
		return 0;
	return w > p->max_ns ? p->max_ns : w;
}

static void epoch_begin(struct probe *pr, const struct poll_obs *o)
{
	pr->ep_t0 = o->now_ns;
	pr->ep_work0 = (int64_t)o->work;
	pr->ep_events0 = (int64_t)o->events;
	pr->ep_cpu0 = o->cpu_ns;
	pr->ep_cpu_at0 = o->cpu_at_ns;
}

static int64_t units_since(const struct probe *pr, const struct poll_obs *o,
			   bool work)
{
	return work ? (int64_t)o->work - pr->ep_work0 :
		      (int64_t)o->events - pr->ep_events0;
}

/* Whether the current epoch has run long enough to be measured. */
static bool epoch_done(const struct probe *pr, const struct poll_obs *o)
{
	int64_t dt = o->now_ns - pr->ep_t0;
	int64_t units = units_since(pr, o, pr->use_work);

	if (dt >= PROBE_EPOCH_MAX_NS)
		return true;
	return dt >= PROBE_EPOCH_NS && units >= PROBE_EPOCH_UNITS;
}

/* Rate (units/s x 1000) and CPU (ppm) of the epoch ending now. */
static void epoch_measure(const struct probe *pr, const struct poll_obs *o,
			  int64_t *rate, int64_t *cpu)
{
	int64_t dt = o->now_ns - pr->ep_t0;
	int64_t dc = o->cpu_at_ns - pr->ep_cpu_at0;
	__int128 units = units_since(pr, o, pr->use_work);

	*rate = dt > 0 ? (int64_t)(units * 1000000000000LL / dt) : 0;
	if (dc > 0 && pr->ep_cpu_at0)
		*cpu = (int64_t)((__int128)(o->cpu_ns - pr->ep_cpu0) * 1000000 /
				 dc);
	else
		*cpu = 0; /* not sampled: all candidates tie on CPU */
}

static void survey_begin(struct poll_state *cs, const struct poll_params *p,
			 const struct poll_obs *o)
{
	struct probe *pr = pr_of(cs);

	memset(cs->hist, 0, sizeof(cs->hist));
	cs->nsamples = 0;
	pr->phase = PH_SURVEY;
	pr->probe_at = o->now_ns;
	pr->off_epochs = 0;
	cs->ns = p->max_ns;
	epoch_begin(pr, o);
}

/* The window that covers fraction num/den of the surveyed events. */
static int64_t survey_quantile(const struct poll_state *cs,
			       const struct poll_params *p, uint64_t num,
			       uint64_t den)
{
	uint64_t total = 0, cum = 0;
	int k;

	for (k = 0; k < POLL_HIST_BUCKETS; k++)
		total += cs->hist[k];
	if (!total)
		return p->max_ns;
	for (k = 0; k <= POLL_HIST_TOP; k++) {
		cum += cs->hist[k];
		if (cum * den >= total * num)
			break;
	}
	if (k >= POLL_HIST_TOP)
		return p->max_ns; /* at or past the cap */
	return poll_hist_edge(p->max_ns, k + 1); /* one bucket of margin */
}

static int64_t sat_add(int64_t a, int64_t b)
{
	int64_t r;

	return __builtin_add_overflow(a, b, &r) ? INT64_MAX : r;
}

static void trial_begin(struct poll_state *cs, const struct poll_params *p,
			const struct poll_obs *o)
{
	struct probe *pr = pr_of(cs);
	int64_t hi = survey_quantile(cs, p, 99, 100), lo;

	if (p->block_cost_ns > 0 && p->wake_ns > 0)
		lo = sat_add(p->block_cost_ns, p->wake_ns); /* ski rental */
	else
		lo = survey_quantile(cs, p, 1, 2);
	lo = clamp_window(lo, p);
	/*
	 * Twice the 99% gap, and at least the ski window: the survey polled
	 * everything, and a loop that polls less sees somewhat longer gaps
	 * (a preempted or slower neighbour); a window a little too long
	 * spins a little more when an event is late, one too short blocks.
	 */
	hi = clamp_window(sat_add(hi, hi) > lo ? sat_add(hi, hi) : lo, p);
	pr->use_work = (int64_t)o->work > pr->ep_work0;
	pr->ncand = 0;
	pr->cand[pr->ncand++] = 0;
	if (lo > 0 && (__int128)lo * 3 <= (__int128)hi * 2)
		pr->cand[pr->ncand++] = lo;
	if (hi > 0)
		pr->cand[pr->ncand++] = clamp_window(hi, p);
	pr->step = 0;
	pr->rounds = PROBE_ROUNDS;
	pr->phase = PH_TRIAL;
	cs->ns = pr->cand[0];
	epoch_begin(pr, o);
}

/* Candidate of trial epoch step: rounds go up, down, up, ... */
static int step_cand(const struct probe *pr, int64_t step)
{
	int64_t round = step / pr->ncand, i = step % pr->ncand;

	return (int)(round % 2 ? pr->ncand - 1 - i : i);
}

static int64_t median(const int64_t *v, int n)
{
	int64_t a[PROBE_ROUNDS_MAX];

	memcpy(a, v, (size_t)n * sizeof(a[0]));
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && a[j - 1] > a[j]; j--) {
			int64_t t = a[j];

			a[j] = a[j - 1];
			a[j - 1] = t;
		}
	return n % 2 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
}

enum verdict { NOT_BETTER, BETTER, UNSURE };

/*
 * Whether candidate a delivers more than b, round by round (each round
 * measured both within ~100 ms, so a load that comes and goes hits both):
 * BETTER when the median of the per-round ratios is at least
 * 1 + PROBE_TOL_PCT and at most a quarter of the rounds say otherwise;
 * UNSURE when the median says so but more rounds disagree.
 */
static enum verdict compare(const struct probe *pr, int a, int b)
{
	int64_t ratio[PROBE_ROUNDS_MAX]; /* a / b, x 10000 */
	int n = (int)pr->rounds, worse = 0;

	for (int r = 0; r < n; r++) {
		int64_t rb = pr->rate[b][r] > 0 ? pr->rate[b][r] : 1;

		ratio[r] = (int64_t)((__int128)pr->rate[a][r] * 10000 / rb);
		worse += ratio[r] <= 10000;
	}
	if (median(ratio, n) < 10000 + 100 * PROBE_TOL_PCT)
		return NOT_BETTER;
	return worse * 4 <= n ? BETTER : UNSURE;
}

/*
 * After the rounds: the choice, or false when a comparison is unsure and
 * two more rounds may settle it (then pr->rounds grew).
 */
static bool decide(struct poll_state *cs, const struct poll_obs *o)
{
	struct probe *pr = pr_of(cs);
	int64_t cpu[PROBE_MAX_CAND];
	int order[PROBE_MAX_CAND] = { 0 }, pick, n = (int)pr->rounds;

	/* Candidates from the cheapest (median CPU) to the dearest ... */
	for (int c = 0; c < pr->ncand; c++) {
		cpu[c] = median(pr->cpu[c], n);
		order[c] = c;
		for (int j = c; j > 0 && cpu[order[j - 1]] > cpu[order[j]];
		     j--) {
			int t = order[j];

			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	}
	/* ... a dearer one replaces the choice only if it beats it. */
	pick = order[0];
	for (int j = 1; j < pr->ncand; j++) {
		enum verdict v = compare(pr, order[j], pick);

		if (v == UNSURE && pr->rounds + 2 <= PROBE_ROUNDS_MAX) {
			pr->rounds += 2;
			return false;
		}
		if (v == BETTER)
			pick = order[j];
	}
	pr->chosen = pick;
	pr->nbase = 0;
	pr->off_epochs = 0;
	pr->probes++;
	pr->phase = PH_EXPLOIT;
	cs->ns = pr->cand[pick];
	epoch_begin(pr, o);
	return true;
}

static bool rate_shifted(int64_t rate, int64_t ref)
{
	__int128 d = (__int128)rate - ref;

	if (d < 0)
		d = -d;
	return d * 100 > (__int128)ref * PROBE_SHIFT_PCT;
}

static int probe_observe(struct poll_state *cs, const struct poll_params *p,
			 const struct poll_obs *o)
{
	struct probe *pr = pr_of(cs);
	int64_t old = cs->ns, rate, cpu;

	if (!pr->started) {
		/* Block while the loop's users start up (see PH_SETTLE). */
		pr->started = 1;
		pr->phase = PH_SETTLE;
		cs->ns = 0;
		epoch_begin(pr, o);
		return POLL_SAME;
	}
	if (pr->phase == PH_SETTLE) {
		if (o->now_ns - pr->ep_t0 < PROBE_SETTLE_NS)
			return POLL_SAME;
		survey_begin(cs, p, o);
		return cs->ns > old ? POLL_GREW : POLL_SAME;
	}
	/* The survey learns each polled event's gap (exact when caught). */
	if (pr->phase == PH_SURVEY && o->max_event_ns >= 0) {
		int b = o->caught ? poll_hist_bucket(p->max_ns, o->block_ns) :
				    POLL_HIST_OVER;

		cs->hist[b]++;
		cs->nsamples++;
	}
	if (!epoch_done(pr, o))
		return POLL_SAME;

	switch (pr->phase) {
	case PH_SURVEY:
		trial_begin(cs, p, o);
		break;
	case PH_TRIAL: {
		int c = step_cand(pr, pr->step);

		epoch_measure(pr, o, &rate, &cpu);
		pr->rate[c][pr->step / pr->ncand] = rate;
		pr->cpu[c][pr->step / pr->ncand] = cpu;
		if (++pr->step < pr->ncand * pr->rounds || !decide(cs, o)) {
			cs->ns = pr->cand[step_cand(pr, pr->step)];
			epoch_begin(pr, o);
		}
		break;
	}
	default: /* PH_EXPLOIT */
		epoch_measure(pr, o, &rate, &cpu);
		/*
		 * The reference is the choice's own steady state, not its
		 * trial epochs: between other windows' epochs a queue (and
		 * a guest) may not have settled into it.
		 */
		if (pr->nbase < PROBE_BASE_EPOCHS) {
			pr->base[pr->nbase++] = rate;
			if (pr->nbase == PROBE_BASE_EPOCHS)
				pr->base_rate = median(pr->base,
						       PROBE_BASE_EPOCHS);
		} else {
			pr->off_epochs = rate_shifted(rate, pr->base_rate) ?
					 pr->off_epochs + 1 : 0;
		}
		if (o->now_ns - pr->probe_at >= PROBE_MIN_INTERVAL_NS &&
		    (pr->off_epochs >= PROBE_SHIFT_EPOCHS ||
		     o->now_ns - pr->probe_at >= PROBE_REPROBE_NS))
			survey_begin(cs, p, o);
		else
			epoch_begin(pr, o);
		break;
	}
	if (cs->ns > old)
		return POLL_GREW;
	return cs->ns < old ? POLL_SHRANK : POLL_SAME;
}

const struct poll_policy_ops poll_policy_probe = {
	.name = "probe",
	.desc = "measure 0, the ski-rental window (measured block cost + wake-up) and the window covering 99% of the gaps; keep the cheapest unless a dearer one is consistently 3% faster",
	.per_context = true,
	.observe = probe_observe,
};
