/* fio-result.c: the guest's fio JSON as a run object (fio-result.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu/fio-result.h"
#include "results/fio-import.h"
#include "workloads/hist.h"

/*
 * fio's "bins" ({"value_ns": count}) as aiotune's buckets; NULL when
 * there are none, *bad when they are not counts.
 */
static json_t *hist_of_bins(json_t *bins, bool *bad)
{
	uint64_t *b;
	json_t *v, *arr;
	const char *k;

	*bad = false;
	if (!json_is_object(bins) || !json_object_size(bins))
		return NULL;
	b = calloc(WL_HIST_NR, sizeof(*b));
	if (!b)
		return NULL;
	json_object_foreach(bins, k, v) {
		char *e;
		unsigned long long ns = strtoull(k, &e, 10);

		if (e == k || *e || !json_is_integer(v) ||
		    json_integer_value(v) < 0) {
			*bad = true;
			free(b);
			return NULL;
		}
		b[wl_hist_index(ns)] += (uint64_t)json_integer_value(v);
	}
	arr = json_array();
	for (unsigned i = 0; i < WL_HIST_NR; i++)
		if (b[i])
			json_array_append_new(arr, json_pack("[I, I]",
				(json_int_t)i, (json_int_t)b[i]));
	free(b);
	return json_pack("{s:i, s:o, s:s}", "plat_bits", WL_HIST_BITS,
			 "buckets", arr, "source",
			 "fio json+ completion-latency bins (guest)");
}

int qm_fio_result(const char *text, enum wl_rw rw, json_t **out, char *why,
		  size_t whylen)
{
	const char *start = text ? strchr(text, '{') : NULL;
	json_t *doc, *runs = NULL, *run, *res, *lat, *h, *job;
	json_error_t jerr;
	char err[256];
	bool bad;

	*out = NULL;
	doc = start ? json_loads(start, 0, &jerr) : NULL;
	if (!doc) {
		snprintf(why, whylen, "the guest's fio output is not JSON%s%s",
			 start ? ": " : " (no '{')", start ? jerr.text : "");
		return -EBADMSG;
	}
	if (res_fio_import_doc(doc, &runs, err, sizeof(err)) ||
	    json_array_size(runs) != 1) {
		snprintf(why, whylen, "the guest's fio output: %s",
			 runs ? "not one job" : err);
		json_decref(runs);
		json_decref(doc);
		return -EBADMSG;
	}
	run = json_incref(json_array_get(runs, 0));
	json_decref(runs);
	res = json_object_get(run, "result");
	/* fio's latency is the guest's: what an application there sees. */
	lat = json_object_get(res, "lat_ns");
	if (lat)
		json_object_set(res, "guest_lat_ns", lat);
	job = json_array_get(json_object_get(doc, "jobs"), 0);
	h = hist_of_bins(json_object_get(json_object_get(json_object_get(job,
		wl_rw_writes(rw) && rw != WL_RW_RANDRW ? "write" : "read"),
		"clat_ns"), "bins"), &bad);
	json_decref(doc);
	if (bad) {
		json_decref(run);
		snprintf(why, whylen, "the guest's fio output has latency bins "
			 "that are not counts");
		return -EBADMSG;
	}
	if (h)
		json_object_set_new(res, "hist", h);
	else
		json_object_set_new(res, "missing", json_string(
			"hist: fio gave no completion-latency bins"));
	*out = run;
	return 0;
}
