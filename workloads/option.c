/* option.c: the job options, their limits and their errors (option.h). */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "affinity/affinity.h"
#include "loop/aio.h"
#include "polling/policy.h"
#include "util/util.h"
#include "workloads/engine.h"
#include "workloads/frontend-virtio.h"
#include "workloads/frontend.h"
#include "workloads/option.h"
#include "workloads/peer.h"
#include "workloads/runner.h"
#include "workloads/units.h"

/* aiotune's engines, then QEMU's (workloads/peer.h). */
static char engine_buf[512];
static pthread_once_t engine_once = PTHREAD_ONCE_INIT;

static void engine_build(void)
{
	snprintf(engine_buf, sizeof(engine_buf), "%s, %s", wl_engine_names(),
		 wl_qemu_engine_names());
}

static const char *engine_words(void)
{
	pthread_once(&engine_once, engine_build);
	return engine_buf;
}

static const char *taskrun_words(void)
{
	return "coop, signal";
}

static const char *uring_ring_words(void)
{
	return "auto, context, own";
}

/* Text a sweep can pass on and a results row can hold: no controls. */
static bool valid_text(const char *v)
{
	for (; *v; v++)
		if (iscntrl((unsigned char)*v))
			return false;
	return true;
}

static const char *target_syntax(void)
{
	return "a file, a block device or sim:KEY=VALUE,... of 1-255 "
	       "characters";
}

static const char *think_syntax(void)
{
	return WL_THINK_SYNTAX;
}

static bool valid_think(const char *v)
{
	struct wl_think t;

	return wl_think_parse(v, &t) == 0;
}

static bool valid_placement(const char *v)
{
	struct aff_placement pl;
	char why[256];

	return aff_placement_parse(v, &pl, why, sizeof(why)) == 0;
}

#define F(type, f) .field = WL_FIELD_##type, .off = offsetof(struct wl_job, f)
#define NS_S 1000000000LL

/*
 * The limits are the run's: more IOThreads than the runner has
 * (WL_MAX_IOTHREADS), a deeper queue than an engine takes (4096, io_uring's
 * ring), a shift of 64 or more (poll-weight), a measurement shorter than
 * the 1 ms a run's timers resolve, are refused where they are written,
 * not by the run a sweep starts. Text is what a results row holds
 * (results/row.h: 255 characters of target and placement, 63 of the
 * rest).
 */
static const struct wl_opt opts[] = {
	{ "engine", WL_OPT_WORD, .words = engine_words, .max = 63,
	  F(STR, engine) },
	{ "target", WL_OPT_STRING, .min = 1, .max = 255, .valid = valid_text,
	  .syntax = target_syntax, F(STR, target) },
	{ "rw", WL_OPT_WORD, .words = wl_rw_names, .max = 63, F(RW, rw) },
	{ "rwmixread", WL_OPT_INT, .min = 0, .max = 100,
	  .note = "percent reads of randrw", F(INT, rwmixread) },
	{ "bs", WL_OPT_SIZE, .min = 1, .max = 64 << 20, .example = "4k",
	  F(U32, bs) },
	{ "iodepth", WL_OPT_COUNT, .min = 1, .max = 4096, F(U32, iodepth) },
	{ "size", WL_OPT_SIZE, .min = 1, .max = UINT64_MAX, .example = "1g",
	  F(U64, size) },
	{ "offset", WL_OPT_SIZE, .min = 0, .max = UINT64_MAX,
	  .example = "0 or 1m", F(U64, offset) },
	{ "runtime", WL_OPT_DURATION, .min = 1000000, .max = INT64_MAX,
	  .unit_ns = NS_S, .example = "10s or 500ms", F(I64, runtime_ns) },
	{ "ramp", WL_OPT_DURATION, .min = 0, .max = INT64_MAX,
	  .unit_ns = NS_S, .example = "2s or 0", F(I64, ramp_ns) },
	{ "iothreads", WL_OPT_COUNT, .min = 1, .max = WL_MAX_IOTHREADS,
	  F(U32, iothreads) },
	{ "frontend", WL_OPT_WORD, .words = wl_frontend_names, .max = 63,
	  F(STR, frontend) },
	{ "guest-think", WL_OPT_STRING, .min = 1, .max = 63,
	  .valid = valid_think, .syntax = think_syntax,
	  F(THINK, guest_think) },
	{ "guest-poll-ns", WL_OPT_DURATION, .min = 0, .max = INT64_MAX,
	  .unit_ns = 1, .example = "0, 50000 or 50us",
	  F(I64, guest_poll_ns) },
	{ "poll-max-ns", WL_OPT_DURATION, .min = 0, .max = INT64_MAX,
	  .unit_ns = 1, .example = "32768, 32k or 20us",
	  F(I64, poll_max_ns) },
	{ "poll-grow", WL_OPT_COUNT, .min = 0, .max = INT64_MAX,
	  .note = "0 = 2", F(I64, poll_grow) },
	{ "poll-shrink", WL_OPT_COUNT, .min = 0, .max = INT64_MAX,
	  .note = "0 = reset", F(I64, poll_shrink) },
	{ "poll-policy", WL_OPT_WORD, .words = poll_policy_names, .max = 63,
	  F(STR, poll_policy) },
	{ "poll-weight", WL_OPT_INT, .min = 0, .max = 63, .note = "0 = 3",
	  F(I64, poll_weight) },
	{ "fdmon", WL_OPT_WORD, .words = aio_fdmon_names, .max = 63,
	  F(STR, fdmon) },
	{ "aio-max-batch", WL_OPT_COUNT, .min = 0, .max = 1 << 20,
	  .note = "0 = engine default", F(I64, aio_max_batch) },
	{ "placement", WL_OPT_STRING, .min = 1, .max = 255,
	  .valid = valid_placement, .syntax = aff_placement_allowed,
	  F(STR, placement) },
	{ "direct", WL_OPT_BOOL, F(BOOL, direct) },
	{ "allow-write", WL_OPT_BOOL, .is_switch = true,
	  F(BOOL, allow_write) },
	{ "verify", WL_OPT_BOOL, .is_switch = true, F(BOOL, verify) },
	{ "hipri", WL_OPT_BOOL, .is_switch = true, F(BOOL, hipri) },
	{ "uring-taskrun", WL_OPT_WORD, .words = taskrun_words, .max = 15,
	  F(STR, uring_taskrun) },
	{ "uring-ring", WL_OPT_WORD, .words = uring_ring_words, .max = 15,
	  F(STR, uring_ring) },
	{ "ring-flags", WL_OPT_WORD, .words = aio_ring_flags_names,
	  .max = 15, F(STR, ring_flags) },
	{ "seed", WL_OPT_COUNT, .min = 0, .max = INT64_MAX, F(U64, seed) },
};

#define NR_OPTS ARRAY_SIZE(opts)

const struct wl_opt *wl_opts(size_t *n)
{
	*n = NR_OPTS;
	return opts;
}

const struct wl_opt *wl_opt_find(const char *name)
{
	char norm[64];
	size_t i;

	for (i = 0; name[i] && i + 1 < sizeof(norm); i++)
		norm[i] = name[i] == '_' ? '-' : name[i];
	if (name[i])
		return NULL;
	norm[i] = '\0';
	for (size_t k = 0; k < NR_OPTS; k++)
		if (!strcmp(norm, opts[k].name))
			return &opts[k];
	return NULL;
}

/* A size as its user would write it: 64m, 4k, 1000. */
static void fmt_size(uint64_t v, char *buf, size_t size)
{
	static const char suffix[] = "kmgt";
	int i = -1;

	while (v && v % 1024 == 0 && i < 3) {
		v /= 1024;
		i++;
	}
	if (i < 0)
		snprintf(buf, size, "%" PRIu64, v);
	else
		snprintf(buf, size, "%" PRIu64 "%c", v, suffix[i]);
}

/* A duration as its user would write it: 1ms, 2s, 500. */
static void fmt_duration(uint64_t ns, char *buf, size_t size)
{
	static const struct { const char *unit; uint64_t ns; } units[] = {
		{ "s", 1000000000ULL }, { "ms", 1000000 }, { "us", 1000 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		if (ns && ns % units[i].ns == 0) {
			snprintf(buf, size, "%" PRIu64 "%s", ns / units[i].ns,
				 units[i].unit);
			return;
		}
	}
	snprintf(buf, size, "%" PRIu64 "%s", ns, ns ? "ns" : "");
}

/* " 1-4096", " >= 1" or "" (no limits) for a number of o. */
static void fmt_range(const struct wl_opt *o, char *buf, size_t size)
{
	uint64_t top = o->kind == WL_OPT_SIZE ? UINT64_MAX : INT64_MAX;
	char lo[32], hi[32];

	if (o->kind == WL_OPT_SIZE) {
		fmt_size(o->min, lo, sizeof(lo));
		fmt_size(o->max, hi, sizeof(hi));
	} else if (o->kind == WL_OPT_DURATION) {
		fmt_duration(o->min, lo, sizeof(lo));
		fmt_duration(o->max, hi, sizeof(hi));
	} else {
		snprintf(lo, sizeof(lo), "%" PRIu64, o->min);
		snprintf(hi, sizeof(hi), "%" PRIu64, o->max);
	}
	if (o->max < top)
		snprintf(buf, size, " %s-%s", lo, hi);
	else if (o->min > 0 || o->kind == WL_OPT_COUNT ||
		 o->kind == WL_OPT_INT)
		snprintf(buf, size, " >= %s", lo);
	else
		buf[0] = '\0';
}

const char *wl_opt_allowed(const struct wl_opt *o, char *buf, size_t size)
{
	char range[80], note[96] = "";

	if (o->note)
		snprintf(note, sizeof(note), " (%s)", o->note);
	switch (o->kind) {
	case WL_OPT_WORD:
		return o->words();
	case WL_OPT_STRING:
		return o->syntax();
	case WL_OPT_BOOL:
		return "0, 1 (or true, false)";
	case WL_OPT_SIZE:
		fmt_range(o, range, sizeof(range));
		snprintf(buf, size, "a size%s, like %s%s", range, o->example,
			 note);
		return buf;
	case WL_OPT_DURATION:
		fmt_range(o, range, sizeof(range));
		snprintf(buf, size, "a duration%s, like %s (a bare number is "
			 "%s)%s", range, o->example,
			 o->unit_ns == 1 ? "ns; 32k = 32768" : "seconds", note);
		return buf;
	default:
		fmt_range(o, range, sizeof(range));
		snprintf(buf, size, "an integer%s%s", range, note);
		return buf;
	}
}

void wl_opt_error(const struct wl_opt *o, bool as_flag, const char *v,
		  char *err, size_t errlen)
{
	char allowed[512];
	const char *a = wl_opt_allowed(o, allowed, sizeof(allowed));
	const char *dash = as_flag ? "--" : "";

	if (!v)
		snprintf(err, errlen, "missing value for %s%s: allowed %s",
			 dash, o->name, a);
	else
		snprintf(err, errlen, "invalid value '%s' for %s%s: allowed %s",
			 v, dash, o->name, a);
}

/* Whether v is one of the ", "-separated words. */
static bool is_word(const char *words, const char *v)
{
	size_t n = strlen(v);

	while (n && *words) {
		size_t len = strcspn(words, ",");

		if (len == n && !strncmp(words, v, n))
			return true;
		words += len;
		words += strspn(words, ", ");
	}
	return false;
}

static int parse_bool(const char *v, int64_t *num)
{
	static const char *const on[] = { "1", "true", "yes", "on" };
	static const char *const off[] = { "0", "false", "no", "off" };

	for (size_t i = 0; i < 4; i++) {
		if (!strcmp(v, on[i]) || !strcmp(v, off[i])) {
			*num = !strcmp(v, on[i]);
			return 0;
		}
	}
	return -EINVAL;
}

static int parse_number(const struct wl_opt *o, const char *v, int64_t *num)
{
	uint64_t u;
	int ret;

	switch (o->kind) {
	case WL_OPT_SIZE:
		ret = wl_parse_size(v, &u);
		break;
	case WL_OPT_DURATION:
		ret = wl_parse_duration_ns(v, o->unit_ns, num);
		u = (uint64_t)*num;
		break;
	case WL_OPT_COUNT:
		ret = wl_parse_count(v, num);
		u = (uint64_t)*num;
		break;
	default:
		ret = wl_parse_int64(v, num);
		if (!ret && *num < 0)
			ret = -ERANGE;
		u = (uint64_t)*num;
		break;
	}
	if (ret)
		return ret;
	if (u < o->min || u > o->max)
		return -ERANGE;
	*num = (int64_t)u;
	return 0;
}

int wl_opt_parse(const struct wl_opt *o, bool as_flag, const char *v,
		 int64_t *num, char *err, size_t errlen)
{
	int ret = -EINVAL;

	*num = 0;
	if (!v) {
		wl_opt_error(o, as_flag, v, err, errlen);
		return -EINVAL;
	}
	switch (o->kind) {
	case WL_OPT_WORD:
		ret = is_word(o->words(), v) && strlen(v) <= o->max ? 0 :
		      -EINVAL;
		break;
	case WL_OPT_STRING:
		ret = strlen(v) >= o->min && strlen(v) <= o->max &&
		      o->valid(v) ? 0 : -EINVAL;
		break;
	case WL_OPT_BOOL:
		ret = parse_bool(v, num);
		break;
	default:
		ret = parse_number(o, v, num);
		break;
	}
	if (ret) {
		wl_opt_error(o, as_flag, v, err, errlen);
		return -EINVAL;
	}
	return 0;
}

int wl_opt_store(struct wl_job *job, const struct wl_opt *o, const char *v,
		 int64_t num)
{
	char *base = (char *)job + o->off;
	struct wl_think think;

	switch (o->field) {
	case WL_FIELD_STR:
		if (!v || strlen(v) > o->max)
			return -EINVAL;
		memcpy(base, v, strlen(v) + 1);
		return 0;
	case WL_FIELD_RW:
		return v ? wl_rw_parse(v, &job->rw) : -EINVAL;
	case WL_FIELD_THINK:
		if (!v || strlen(v) > o->max || wl_think_parse(v, &think))
			return -EINVAL;
		memcpy(job->guest_think, v, strlen(v) + 1);
		job->guest_think_ns = wl_think_mean_ns(&think);
		return 0;
	case WL_FIELD_U32:
		*(uint32_t *)base = (uint32_t)num;
		return 0;
	case WL_FIELD_INT:
		*(int *)base = (int)num;
		return 0;
	case WL_FIELD_U64:
		*(uint64_t *)base = (uint64_t)num;
		return 0;
	case WL_FIELD_I64:
		*(int64_t *)base = num;
		return 0;
	case WL_FIELD_BOOL:
		*(bool *)base = num != 0;
		return 0;
	}
	return -EINVAL;
}

int wl_opt_set(struct wl_job *job, const struct wl_opt *o, bool as_flag,
	       const char *v, char *err, size_t errlen)
{
	int64_t num;
	int ret = wl_opt_parse(o, as_flag, v, &num, err, errlen);

	if (!ret && wl_opt_store(job, o, v, num)) {
		wl_opt_error(o, as_flag, v, err, errlen);
		ret = -EINVAL;
	}
	return ret;
}

void wl_opt_format(const struct wl_opt *o, int64_t num, char *buf,
		   size_t size)
{
	const char *unit = o->kind == WL_OPT_DURATION && o->unit_ns != 1 ?
			   "ns" : "";

	if (o->kind == WL_OPT_SIZE)
		snprintf(buf, size, "%" PRIu64, (uint64_t)num);
	else
		snprintf(buf, size, "%" PRId64 "%s", num, unit);
}
