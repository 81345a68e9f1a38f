/*
 * simulate.c: the offline simulator. A virtual clock, the loop's order of
 * policy calls and the trace's gaps; no real time, no syscalls, so the same
 * trace always gives the same answer. See simulate.h for the model.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "polling/simulate.h"

struct sim_handler {
	struct poll_state st;
	int64_t last_event_ns;
	bool in_poll_set;
};

static int64_t sat_add(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_add_overflow(a, b, &r))
		return INT64_MAX;
	return r;
}

static int64_t sat_mul(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_mul_overflow(a, b, &r))
		return INT64_MAX;
	return r;
}

static void count_change(struct poll_sim_result *r, int change)
{
	if (change == POLL_GREW)
		r->grow_events++;
	else if (change == POLL_SHRANK)
		r->shrink_events++;
}

/* The window aio_poll would poll for at now_ns (0 with no poll set). */
static int64_t sim_window(const struct poll_policy_ops *ops,
			  const struct poll_state *cs, struct sim_handler *h,
			  size_t nh, const struct poll_params *p,
			  int64_t now_ns)
{
	int64_t max = 0;
	bool any = false;

	if (!p->max_ns)
		return 0;
	for (size_t i = 0; i < nh; i++) {
		if (!h[i].in_poll_set)
			continue;
		/* Idle removal, as run_poll_handlers does with io_uring. */
		if (now_ns - h[i].last_event_ns >= POLL_SIM_IDLE_NS) {
			h[i].in_poll_set = false;
			continue;
		}
		any = true;
		if (h[i].st.ns > max)
			max = h[i].st.ns;
	}
	return any ? poll_policy_window(ops, cs, max, p) : 0;
}

/*
 * The policy calls of one iteration in which handler hi fired: s is what
 * happened to the event, r the totals so far (for observe: events, CPU).
 */
static void sim_dispatch(const struct poll_policy_ops *ops,
			 struct poll_state *cs, struct sim_handler *h,
			 size_t nh, size_t hi, const struct poll_params *p,
			 const struct poll_sim_step *s, int64_t now_ns,
			 struct poll_sim_result *r)
{
	int64_t max_event = -1, block_ns = s->block_ns;

	/* Activity is likely to continue: poll it from now on. */
	h[hi].in_poll_set = true;
	h[hi].last_event_ns = now_ns;
	if (!p->max_ns)
		return;
	h[hi].st.has_event = true;
	if (ops->event)
		count_change(r, ops->event(&h[hi].st, cs, p, block_ns,
					   now_ns));
	for (size_t i = 0; i < nh; i++) {
		if (!h[i].in_poll_set)
			continue;
		if (h[i].st.has_event) {
			if (h[i].st.ns > max_event)
				max_event = h[i].st.ns;
			h[i].st.has_event = false;
		} else if (ops->idle) {
			ops->idle(&h[i].st, p, block_ns);
		}
	}
	if (ops->observe) {
		/* Virtual CPU: polled ns plus a block cost per block. */
		struct poll_obs o = {
			.now_ns = now_ns,
			.block_ns = block_ns,
			.max_event_ns = max_event,
			.window_ns = s->window_ns,
			.caught = s->hit,
			.events = s->index + 1,
			.cpu_ns = sat_add(r->poll_ns,
					  sat_mul((int64_t)r->blocks,
						  p->block_cost_ns)),
			.cpu_at_ns = now_ns,
		};

		count_change(r, ops->observe(cs, p, &o));
	} else if (ops->iteration) {
		count_change(r, ops->iteration(cs, p, block_ns, max_event,
					       now_ns));
	}
}

static bool config_valid(const struct poll_sim_config *cfg)
{
	const struct poll_params *p = &cfg->params;

	return p->max_ns >= 0 && p->grow >= 0 && p->shrink >= 0 &&
	       p->weight >= 0 && p->block_cost_ns >= 0 && cfg->wake_ns >= 0 &&
	       cfg->warmup_ns >= 0;
}

int poll_sim_run(const struct poll_policy_ops *ops, const struct poll_trace *t,
		 const struct poll_sim_config *cfg, struct poll_sim_result *out,
		 PollSimStepFn *step, void *opaque)
{
	struct poll_params params = cfg->params;
	const struct poll_params *p = &params;
	struct poll_sim_result all = { 0 }, snap = { 0 };
	struct poll_state cs = { 0 };
	struct sim_handler *h;
	uint32_t loops = cfg->loops ? cfg->loops : 1;
	size_t total;
	int64_t now = 0, t_start = 0;
	bool counting = cfg->warmup_ns <= 0;

	if (!ops || !config_valid(cfg))
		return -EINVAL;
	if (__builtin_mul_overflow(t->n, (size_t)loops, &total))
		return -EINVAL;
	/* The policies that read it get the model's wake-up delay. */
	params.wake_ns = cfg->wake_ns;
	memset(out, 0, sizeof(*out));
	h = calloc(t->nids ? t->nids : 1, sizeof(*h));
	if (!h)
		return -ENOMEM;

	for (size_t i = 0; i < total; i++) {
		const struct poll_trace_event *e = &t->ev[i % t->n];
		struct poll_sim_step s = { .index = i, .handler = e->handler,
					   .gap_ns = e->gap_ns };

		if (!counting && now >= cfg->warmup_ns) {
			counting = true;
			snap = all;
			t_start = now;
		}
		s.window_ns = sim_window(ops, &cs, h, t->nids, p, now);
		if (e->gap_ns <= s.window_ns && s.window_ns > 0) {
			s.hit = true;
			s.block_ns = e->gap_ns;
			all.hits++;
			all.poll_ns = sat_add(all.poll_ns, e->gap_ns);
		} else if (e->gap_ns == 0) {
			s.block_ns = 0; /* already there: a wait that returns */
			all.ready++;
		} else {
			s.blocked = true;
			s.block_ns = sat_add(e->gap_ns, cfg->wake_ns);
			all.blocks++;
			all.poll_ns = sat_add(all.poll_ns, s.window_ns);
		}
		all.window_sum_ns = sat_add(all.window_sum_ns, s.window_ns);
		all.events++;
		now = sat_add(now, s.block_ns);
		sim_dispatch(ops, &cs, h, t->nids, e->handler, p, &s, now,
			     &all);
		if (step)
			step(opaque, &s);
	}
	if (!counting) { /* the warm-up outlasted the replay */
		snap = all;
		t_start = now;
	}
	/* What happened after the warm-up. */
	out->events = all.events - snap.events;
	out->hits = all.hits - snap.hits;
	out->blocks = all.blocks - snap.blocks;
	out->ready = all.ready - snap.ready;
	out->grow_events = all.grow_events - snap.grow_events;
	out->shrink_events = all.shrink_events - snap.shrink_events;
	out->poll_ns = all.poll_ns - snap.poll_ns;
	out->window_sum_ns = all.window_sum_ns - snap.window_sum_ns;
	out->final_window_ns = sim_window(ops, &cs, h, t->nids, p, now);
	out->virtual_ns = now - t_start;
	out->delay_ns = sat_mul((int64_t)out->blocks, cfg->wake_ns);
	out->cpu_ns = sat_add(out->poll_ns,
			      sat_mul((int64_t)out->blocks, p->block_cost_ns));
	if (out->events)
		out->cost_us2 = (double)out->virtual_ns /
				(double)out->events / 1e3 *
				((double)out->cpu_ns / (double)out->events /
				 1e3);
	free(h);
	return 0;
}
