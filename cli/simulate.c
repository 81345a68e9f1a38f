/*
 * simulate.c: `aiotune simulate`: replay a trace of event arrival gaps
 * through polling policies (polling/simulate.h) and print, per policy,
 * events caught while polling, ns polled, blocks and the cost.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "polling/policy.h"
#include "polling/simulate.h"
#include "workloads/units.h"

#define SIM_MAX_POLICIES 32

struct sim_opts {
	const struct poll_policy_ops *ops[SIM_MAX_POLICIES];
	size_t nops;
	const char *trace;
	struct poll_sim_config cfg;
	bool wake_set;
	bool csv;
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: aiotune simulate --trace FILE [options]\n"
"Replay a trace of event arrival gaps through polling policies with a\n"
"virtual clock. Trace lines: '<gap_ns> [handler]' ('#' comments); traces\n"
"recorded by the loop (aio_context_set_trace) have this form.\n"
"\n"
"  --trace FILE        the trace ('-' = standard input)\n"
"  --policy P[,P...]   %s, or all (default all)\n"
"  --poll-max-ns N     poll window limit: 32768, 32k, 20us (default 32768)\n"
"  --poll-grow N       window growth factor, 0 = 2 (default 0)\n"
"  --poll-shrink N     window shrink divisor, 0 = reset (default 0)\n"
"  --poll-weight N     weight policy EWMA shift 0-63, 0 = 3 (default 0)\n"
"  --block-cost-ns C   CPU one block + wake-up costs (default 25000)\n"
"  --wake-ns L         delay a block adds before the event is seen\n"
"                      (default: the block cost; 0 for traces recorded by\n"
"                      the loop, whose blocked gaps already include it)\n"
"  --loops N           replay the trace N times end to end (1-1000,\n"
"                      default 1)\n"
"  --warmup DUR        replay but do not count the events before this\n"
"                      virtual time, as a run's ramp (default 0)\n"
"  --format F          text or csv (default text)\n"
"\n"
"Per event, T = gap + wake delay if it blocked, U = ns polled + block cost\n"
"if it blocked; cost = mean T x mean U in us^2 = 1 / (IOPS x IOPS per\n"
"CPU-second) of a requester that waits on each event. Lower is better.\n",
		poll_policy_names());
}

static int64_t ns_in(const char *flag, const char *val)
{
	int64_t v;

	if (!val || wl_parse_duration_ns(val, 1, &v) || v < 0)
		cli_bad_value(flag, val,
			      "a duration >= 0: 32768, 32k, 20us (bare = ns, at most 9223372036854775807)");
	return v;
}

static int64_t int_in(const char *flag, const char *val, int64_t hi,
		      const char *allowed)
{
	int64_t v;

	if (!val || wl_parse_count(val, &v) || v < 0 || v > hi)
		cli_bad_value(flag, val, allowed);
	return v;
}

static void add_policies(struct sim_opts *o, const char *val)
{
	char allowed[512], *list, *tok, *save = NULL;

	snprintf(allowed, sizeof(allowed), "a comma-separated list of %s, or all",
		 poll_policy_names());
	if (!val || !*val)
		cli_bad_value("--policy", val, allowed);
	list = strdup(val);
	if (!list)
		cli_die(1, "out of memory");
	o->nops = 0;
	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		const struct poll_policy_ops *const *all = poll_policy_all();

		if (!strcmp(tok, "all")) {
			for (size_t i = 0; all[i] && o->nops < SIM_MAX_POLICIES;
			     i++)
				o->ops[o->nops++] = all[i];
			continue;
		}
		if (!poll_policy_find(tok)) {
			fprintf(stderr, "aiotune: invalid value '%s' for --policy: allowed %s\n",
				tok, allowed);
			exit(CLI_EXIT_USAGE);
		}
		if (o->nops >= SIM_MAX_POLICIES)
			cli_die(CLI_EXIT_USAGE, "--policy: at most %d policies",
				SIM_MAX_POLICIES);
		o->ops[o->nops++] = poll_policy_find(tok);
	}
	free(list);
	if (!o->nops)
		cli_bad_value("--policy", val, allowed);
}

static void parse_flag(struct sim_opts *o, const char *flag, const char *val)
{
	struct poll_params *p = &o->cfg.params;

	if (!strcmp(flag, "--trace")) {
		if (!val || !*val)
			cli_bad_value(flag, val, "a file path or -");
		o->trace = val;
	} else if (!strcmp(flag, "--policy")) {
		add_policies(o, val);
	} else if (!strcmp(flag, "--poll-max-ns")) {
		p->max_ns = ns_in(flag, val);
	} else if (!strcmp(flag, "--poll-grow")) {
		p->grow = int_in(flag, val, INT64_MAX, "an integer >= 0 (0 = 2)");
	} else if (!strcmp(flag, "--poll-shrink")) {
		p->shrink = int_in(flag, val, INT64_MAX,
				   "an integer >= 0 (0 = reset to 0)");
	} else if (!strcmp(flag, "--poll-weight")) {
		p->weight = int_in(flag, val, 63, "an integer 0-63 (0 = 3)");
	} else if (!strcmp(flag, "--block-cost-ns")) {
		p->block_cost_ns = ns_in(flag, val);
	} else if (!strcmp(flag, "--wake-ns")) {
		o->cfg.wake_ns = ns_in(flag, val);
		o->wake_set = true;
	} else if (!strcmp(flag, "--loops")) {
		o->cfg.loops = (uint32_t)int_in(flag, val, 1000,
						"an integer 1-1000");
		if (!o->cfg.loops)
			cli_bad_value(flag, val, "an integer 1-1000");
	} else if (!strcmp(flag, "--warmup")) {
		o->cfg.warmup_ns = ns_in(flag, val);
	} else if (!strcmp(flag, "--format")) {
		if (val && !strcmp(val, "text"))
			o->csv = false;
		else if (val && !strcmp(val, "csv"))
			o->csv = true;
		else
			cli_bad_value(flag, val, "text, csv");
	} else {
		cli_die(CLI_EXIT_USAGE,
			"unknown option '%s' for simulate: 'aiotune simulate --help' lists them",
			flag);
	}
}

static void parse_args(int argc, char **argv, struct sim_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->cfg.params.max_ns = 32768;
	o->cfg.params.block_cost_ns = 25000;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *eq, *val = NULL;
		char flag[64];

		if (strncmp(arg, "--", 2) != 0)
			cli_die(CLI_EXIT_USAGE,
				"unexpected argument '%s' for simulate: options are --flag VALUE",
				arg);
		eq = strchr(arg, '=');
		if (eq) {
			if ((size_t)(eq - arg) >= sizeof(flag))
				cli_die(CLI_EXIT_USAGE,
					"unknown option '%.40s...' for simulate",
					arg);
			memcpy(flag, arg, (size_t)(eq - arg));
			flag[eq - arg] = '\0';
			val = eq + 1;
		} else {
			snprintf(flag, sizeof(flag), "%s", arg);
			if (i + 1 < argc)
				val = argv[++i];
		}
		parse_flag(o, flag, val);
	}
	if (!o->trace)
		cli_die(CLI_EXIT_USAGE,
			"simulate needs --trace FILE (lines '<gap_ns> [handler]')");
	if (!o->nops)
		add_policies(o, "all");
	if (!o->wake_set)
		o->cfg.wake_ns = o->cfg.params.block_cost_ns;
}

static void read_trace(const char *path, struct poll_trace *t)
{
	char err[1024];
	int ret;

	if (strcmp(path, "-") != 0) {
		ret = poll_trace_load(path, t, err, sizeof(err));
	} else {
		char msg[512];

		ret = poll_trace_read(stdin, t, msg, sizeof(msg));
		snprintf(err, sizeof(err), "-: %s", msg);
	}
	if (ret == -ENOMEM)
		cli_die(1, "out of memory reading trace %s", path);
	if (ret < 0)
		cli_die(ret == -EIO ? 1 : CLI_EXIT_USAGE, "trace %s", err);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static void print_trace_summary(const char *path, const struct poll_trace *t)
{
	int64_t *g = malloc(t->n * sizeof(*g));
	double sum = 0;

	if (!g)
		cli_die(1, "out of memory");
	for (size_t i = 0; i < t->n; i++) {
		g[i] = t->ev[i].gap_ns;
		sum += (double)g[i];
	}
	qsort(g, t->n, sizeof(*g), cmp_i64);
	printf("trace %s: %zu events, %zu handler%s; gap_ns p10 %lld, p50 %lld, "
	       "p90 %lld, p99 %lld, mean %.0f\n",
	       path, t->n, t->nids, t->nids == 1 ? "" : "s",
	       (long long)g[t->n / 10], (long long)g[t->n / 2],
	       (long long)g[t->n * 9 / 10], (long long)g[t->n * 99 / 100],
	       sum / (double)t->n);
	free(g);
}

static void print_header(const struct sim_opts *o)
{
	const struct poll_params *p = &o->cfg.params;

	if (o->csv) {
		printf("policy,events,hits,blocks,ready,poll_ns,cpu_ns,delay_ns,"
		       "time_ns,time_per_event_ns,cpu_per_event_ns,cost_us2,"
		       "mean_window_ns,grow_events,shrink_events\n");
		return;
	}
	printf("parameters: poll-max-ns %lld, poll-grow %lld, poll-shrink %lld, "
	       "poll-weight %lld\n",
	       (long long)p->max_ns, (long long)p->grow, (long long)p->shrink,
	       (long long)p->weight);
	printf("cost model: a block costs %lld ns of CPU and delays its event "
	       "by %lld ns;\n  cost = (time/ev) x (cpu/ev) in us^2 = 1 / "
	       "(IOPS x IOPS per CPU-s) at QD1; lower is better\n",
	       (long long)p->block_cost_ns, (long long)o->cfg.wake_ns);
	printf("%-9s %7s %6s %7s %11s %11s %11s %8s %8s %8s %8s %6s %6s\n",
	       "policy", "hits", "hit%", "blocks", "poll_ns", "cpu_ns",
	       "delay_ns", "time/ev", "cpu/ev", "cost", "mean_win", "grows",
	       "shrnks");
}

static void print_row(const struct sim_opts *o, const char *name,
		      const struct poll_sim_result *r)
{
	int64_t n = (int64_t)r->events;

	if (o->csv) {
		printf("%s,%llu,%llu,%llu,%llu,%lld,%lld,%lld,%lld,%lld,%lld,"
		       "%.1f,%lld,%llu,%llu\n",
		       name, (unsigned long long)r->events,
		       (unsigned long long)r->hits,
		       (unsigned long long)r->blocks,
		       (unsigned long long)r->ready, (long long)r->poll_ns,
		       (long long)r->cpu_ns, (long long)r->delay_ns,
		       (long long)r->virtual_ns, (long long)(r->virtual_ns / n),
		       (long long)(r->cpu_ns / n), r->cost_us2,
		       (long long)(r->window_sum_ns / n),
		       (unsigned long long)r->grow_events,
		       (unsigned long long)r->shrink_events);
		return;
	}
	printf("%-9s %7llu %6.1f %7llu %11lld %11lld %11lld %8lld %8lld %8.0f "
	       "%8lld %6llu %6llu\n",
	       name, (unsigned long long)r->hits,
	       100.0 * (double)r->hits / (double)n,
	       (unsigned long long)r->blocks, (long long)r->poll_ns,
	       (long long)r->cpu_ns, (long long)r->delay_ns,
	       (long long)(r->virtual_ns / n), (long long)(r->cpu_ns / n),
	       r->cost_us2, (long long)(r->window_sum_ns / n),
	       (unsigned long long)r->grow_events,
	       (unsigned long long)r->shrink_events);
}

static int cmd_simulate(int argc, char **argv)
{
	struct poll_trace t = { 0 };
	struct sim_opts o;
	const char *best = NULL;
	double best_cost = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		}
	}
	parse_args(argc, argv, &o);
	read_trace(o.trace, &t);
	if (!o.csv)
		print_trace_summary(o.trace, &t);
	print_header(&o);
	for (size_t i = 0; i < o.nops; i++) {
		struct poll_sim_result r;
		int ret = poll_sim_run(o.ops[i], &t, &o.cfg, &r, NULL, NULL);

		if (ret < 0)
			cli_die(1, "simulating %s: %s", o.ops[i]->name,
				strerror(-ret));
		print_row(&o, o.ops[i]->name, &r);
		if (!best || r.cost_us2 < best_cost) {
			best_cost = r.cost_us2;
			best = o.ops[i]->name;
		}
	}
	if (!o.csv && o.nops > 1)
		printf("least cost: %s\n", best);
	poll_trace_free(&t);
	return 0;
}

const struct cli_cmd cli_cmd_simulate = {
	.name = "simulate",
	.summary = "replay an event-gap trace through polling policies (offline)",
	.run = cmd_simulate,
};
