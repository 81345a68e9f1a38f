/* window.c: the measured window from the host's samples (window.h). */
#include <string.h>

#include "qemu/window.h"

/* Index of the first sample at or after t (n if none). */
static size_t at_or_after(const struct qm_sample *s, size_t n, int64_t t)
{
	size_t i;

	for (i = 0; i < n && s[i].t_us < t; i++)
		;
	return i;
}

void qm_find_window(int64_t ramp_ns, int64_t runtime_ns,
		    const struct qm_sample *s, size_t n, struct qm_window *w)
{
	size_t first = n, last = 0;

	memset(w, 0, sizeof(*w));
	for (size_t i = 1; i < n; i++) {
		if (s[i].ops > s[0].ops && first == n)
			first = i;
		if (s[i].ops > s[i - 1].ops)
			last = i;
	}
	if (first == n) {
		w->a = 0;
		w->b = n ? n - 1 : 0;
		w->whole = true;
		return;
	}
	w->io_start_us = s[first].t_us;
	w->a = at_or_after(s, n, s[first].t_us + ramp_ns / 1000);
	w->b = at_or_after(s, n, s[w->a < n ? w->a : first].t_us +
			   runtime_ns / 1000);
	if (w->b >= n || w->b > last)
		w->b = last;
	if (w->a >= w->b) {
		w->a = first > 0 ? first - 1 : 0;
		w->b = last;
		w->whole = true;
	}
}
