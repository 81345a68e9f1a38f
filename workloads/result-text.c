/* result-text.c: the human summary and the CSV row of a run result. */
#include <stdio.h>
#include <string.h>

#include "workloads/result.h"

/* ns as a short human figure: 950ns, 15.2us, 3.10ms, 1.20s. */
static const char *fmt_ns(char *buf, size_t len, double ns)
{
	if (ns < 1000)
		snprintf(buf, len, "%.0fns", ns);
	else if (ns < 1e6)
		snprintf(buf, len, "%.1fus", ns / 1e3);
	else if (ns < 1e9)
		snprintf(buf, len, "%.2fms", ns / 1e6);
	else
		snprintf(buf, len, "%.2fs", ns / 1e9);
	return buf;
}

static void print_lat(FILE *f, const char *label, const struct wl_hist *h)
{
	char a[32], b[32], c[32], d[32], e[32], g[32], m[32];

	fprintf(f, "  %-9s min %s  mean %s  p50 %s  p90 %s  p99 %s  p99.9 %s  max %s\n",
		label, fmt_ns(a, sizeof(a), h->n ? (double)h->min : 0),
		fmt_ns(m, sizeof(m), wl_hist_mean(h)),
		fmt_ns(b, sizeof(b), (double)wl_hist_percentile(h, 50)),
		fmt_ns(c, sizeof(c), (double)wl_hist_percentile(h, 90)),
		fmt_ns(d, sizeof(d), (double)wl_hist_percentile(h, 99)),
		fmt_ns(e, sizeof(e), (double)wl_hist_percentile(h, 99.9)),
		fmt_ns(g, sizeof(g), (double)h->max));
}

/* virtio counters and the target's disk, when the run has them. */
static void print_frontend_device(const struct wl_result *r, FILE *f)
{
	const struct wl_devstat *d = &r->dev;

	for (int i = 0; i < r->nfe_counters; i++)
		fprintf(f, "%s%s %llu", i ? ", " : "  frontend  ",
			r->fe_counters[i].name,
			(unsigned long long)r->fe_counters[i].value);
	if (r->nfe_counters)
		fputc('\n', f);
	if (!r->has_dev)
		return;
	fprintf(f, "  device    %s: %llu reads, %llu writes, busy %llu ms",
		d->disk, (unsigned long long)d->rd_ios,
		(unsigned long long)d->wr_ios,
		(unsigned long long)d->io_ticks_ms);
	if (d->has_irqs)
		fprintf(f, ", %llu interrupts (%s, most on CPU %d)",
			(unsigned long long)d->irqs, d->irq_prefix,
			wl_devstat_top_cpu(d));
	fputc('\n', f);
}

void wl_result_print_text(const struct wl_result *r, FILE *f)
{
	const struct wl_job *j = &r->job;
	const AioStats *s = &r->loop.stats;
	char a[32], b[32];
	double iters = s->iterations ? (double)s->iterations : 1;

	fprintf(f, "%s %s bs=%u iodepth=%u iothreads=%u frontend=%s target=%s\n",
		j->engine, wl_rw_name(j->rw), j->bs, j->iodepth, j->iothreads,
		j->frontend, j->target);
	fprintf(f, "poll-max-ns=%lld poll-grow=%lld poll-shrink=%lld policy=%s fdmon=%s",
		(long long)j->poll_max_ns, (long long)j->poll_grow,
		(long long)j->poll_shrink, r->loop.policy, r->loop.fdmon);
	if (strcmp(r->loop.ring_flags, "-") && r->loop.ring_flags[0])
		fprintf(f, " ring-flags=%s", r->loop.ring_flags);
	if (r->loop.uring_ring[0])
		fprintf(f, " uring-ring=%s", r->loop.uring_ring);
	fputc('\n', f);
	fprintf(f, "  iops      %.0f  (%llu ios, %llu errors%s%s, %.2f s measured)\n",
		r->iops, (unsigned long long)r->total.ios,
		(unsigned long long)r->total.errors,
		r->total.first_error ? ", first: " : "",
		r->total.first_error ? wl_io_error_name((int)r->total.first_error) : "",
		r->measured_ns / 1e9);
	fprintf(f, "  bw        %.1f MiB/s\n", r->bw_bytes / (1024.0 * 1024));
	print_lat(f, "lat", &r->total.lat);
	if (r->total.staged) {
		print_lat(f, " held", &r->total.hold);
		print_lat(f, " device", &r->total.device);
		print_lat(f, " dispatch", &r->total.dispatch);
	}
	if (r->has_guest_lat)
		print_lat(f, "guest lat", &r->guest_lat);
	fprintf(f, "  cpu       iothreads %.1f%%  guest %.1f%%  device %.1f%%  process %.1f%%\n",
		r->iothread_pct, r->guest_pct, r->device_pct, r->process_pct);
	for (int i = 0; i < r->nthreads; i++) {
		const struct wl_thread_result *t = &r->threads[i];
		double pct = r->measured_ns ?
			     (double)t->cpu.cpu_ns * 100.0 / (double)r->measured_ns : 0;

		fprintf(f, "    %-8s %d tid %-7d cpu %5.1f%% (usr %s sys %s) csw %lld vol %lld invol, on CPU %d\n",
			t->role, t->index, t->tid, pct,
			fmt_ns(a, sizeof(a), (double)t->cpu.usr_ns),
			fmt_ns(b, sizeof(b), (double)t->cpu.sys_ns),
			(long long)t->cpu.vol_csw, (long long)t->cpu.invol_csw,
			t->cpu.cpu);
	}
	fprintf(f, "  loop      %llu iterations, %llu polls: %llu hits %llu misses (%.0f%% hit), %llu blocking waits\n",
		(unsigned long long)s->iterations,
		(unsigned long long)s->poll_attempts,
		(unsigned long long)s->poll_hits,
		(unsigned long long)s->poll_misses,
		s->poll_attempts ? 100.0 * (double)s->poll_hits /
				   (double)s->poll_attempts : 0.0,
		(unsigned long long)s->blocking_waits);
	fprintf(f, "            polled %s, blocked %s per iteration; window %lld ns now, %llu grows %llu shrinks, %zu window changes\n",
		fmt_ns(a, sizeof(a), (double)s->poll_ns / iters),
		fmt_ns(b, sizeof(b), (double)s->block_ns / iters),
		(long long)s->window_ns, (unsigned long long)s->grow_events,
		(unsigned long long)s->shrink_events, r->loop.ntrace);
	fprintf(f, "            a block + wake-up costs %s of CPU and wakes %s late (measured, %llu samples)\n",
		fmt_ns(a, sizeof(a), (double)s->block_cost_ns),
		fmt_ns(b, sizeof(b), (double)s->wake_ns),
		(unsigned long long)s->block_cost_samples);
	print_frontend_device(r, f);
}

void wl_result_print_csv(const struct wl_result *r, FILE *f)
{
	const struct wl_job *j = &r->job;
	const AioStats *s = &r->loop.stats;
	const struct wl_hist *h = &r->total.lat;

	fprintf(f, "engine,target,rw,bs_bytes,iodepth,iothreads,frontend,"
		"poll_max_ns,poll_grow,poll_shrink,poll_policy,fdmon,"
		"measured_ns,ios,errors,iops,bw_bytes,lat_min_ns,lat_mean_ns,"
		"lat_p50_ns,lat_p90_ns,lat_p99_ns,lat_p99_9_ns,lat_max_ns,"
		"cpu_iothread_pct,cpu_guest_pct,cpu_device_pct,"
		"cpu_process_pct,loop_iterations,poll_attempts,poll_hits,"
		"poll_misses,blocking_waits,poll_ns,block_ns,grow_events,"
		"shrink_events,window_ns,block_cost_ns,wake_ns,uring_ring,"
		"ring_flags\n");
	fprintf(f, "%s,\"%s\",%s,%u,%u,%u,%s,%lld,%lld,%lld,%s,%s,%lld,%llu,%llu,"
		"%.1f,%.1f,%llu,%.1f,%llu,%llu,%llu,%llu,%llu,%.2f,%.2f,%.2f,"
		"%.2f,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%lld,"
		"%lld,%lld,%s,%s\n",
		j->engine, j->target, wl_rw_name(j->rw), j->bs, j->iodepth,
		j->iothreads, j->frontend, (long long)j->poll_max_ns,
		(long long)j->poll_grow, (long long)j->poll_shrink,
		r->loop.policy, r->loop.fdmon, (long long)r->measured_ns,
		(unsigned long long)r->total.ios,
		(unsigned long long)r->total.errors, r->iops, r->bw_bytes,
		(unsigned long long)(h->n ? h->min : 0), wl_hist_mean(h),
		(unsigned long long)wl_hist_percentile(h, 50),
		(unsigned long long)wl_hist_percentile(h, 90),
		(unsigned long long)wl_hist_percentile(h, 99),
		(unsigned long long)wl_hist_percentile(h, 99.9),
		(unsigned long long)h->max, r->iothread_pct, r->guest_pct,
		r->device_pct, r->process_pct,
		(unsigned long long)s->iterations,
		(unsigned long long)s->poll_attempts,
		(unsigned long long)s->poll_hits,
		(unsigned long long)s->poll_misses,
		(unsigned long long)s->blocking_waits,
		(unsigned long long)s->poll_ns, (unsigned long long)s->block_ns,
		(unsigned long long)s->grow_events,
		(unsigned long long)s->shrink_events, (long long)s->window_ns,
		(long long)s->block_cost_ns, (long long)s->wake_ns,
		r->loop.uring_ring, r->loop.ring_flags);
}
