/* stats.c: per-IOThread counters (see stats.h). */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "workloads/stats.h"

void wl_stats_reset(struct wl_stats *s)
{
	memset(s, 0, offsetof(struct wl_stats, lat));
	wl_hist_reset(&s->lat);
	s->staged = 0;
	wl_hist_reset(&s->hold);
	wl_hist_reset(&s->device);
	wl_hist_reset(&s->dispatch);
}

void wl_stats_merge(struct wl_stats *dst, const struct wl_stats *src)
{
	dst->ios += src->ios;
	dst->errors += src->errors;
	dst->bytes += src->bytes;
	dst->reads += src->reads;
	dst->writes += src->writes;
	if (!dst->first_error)
		dst->first_error = src->first_error;
	wl_hist_merge(&dst->lat, &src->lat);
	dst->staged += src->staged;
	wl_hist_merge(&dst->hold, &src->hold);
	wl_hist_merge(&dst->device, &src->device);
	wl_hist_merge(&dst->dispatch, &src->dispatch);
}

const char *wl_io_error_name(int err)
{
	if (err == EILSEQ)
		return "data did not match the verify pattern";
	return strerror(err);
}
