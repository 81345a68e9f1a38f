/*
 * placement-parse.c: placement strings: a name ("spread") or explicit CPU
 * lists per role ("iothread=0,2;guest=1,3;device=4").
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "affinity/aff-internal.h"

static const char *const names[AFF_PL_COUNT] = {
	[AFF_PL_NONE] = "none",
	[AFF_PL_COMPACT] = "compact",
	[AFF_PL_SPREAD] = "spread",
	[AFF_PL_SAME_CORE] = "same-core",
	[AFF_PL_SMT_SIBLING] = "smt-sibling",
	[AFF_PL_SAME_L3] = "same-l3",
	[AFF_PL_DEVICE_LOCAL] = "device-local",
	[AFF_PL_REMOTE_NODE] = "remote-node",
	[AFF_PL_IRQ_CPU] = "irq-cpu",
	[AFF_PL_EXPLICIT] = "explicit",
};

static const char *const role_names[AFF_ROLE_COUNT] = {
	[AFF_ROLE_IOTHREAD] = "iothread",
	[AFF_ROLE_GUEST] = "guest",
	[AFF_ROLE_DEVICE] = "device",
};

const char *aff_role_name(enum aff_role r)
{
	return r < AFF_ROLE_COUNT ? role_names[r] : "?";
}

const char *aff_placement_name(enum aff_placement_kind k)
{
	return k < AFF_PL_COUNT ? names[k] : "?";
}

const char *aff_placement_allowed(void)
{
	return "none, compact, spread, same-core, smt-sibling, same-l3, "
	       "device-local, remote-node, irq-cpu, or CPU lists per role "
	       "such as iothread=0,2;guest=1,3;device=4";
}

/* "0,2,4-6" in the order given (a range ascends); count in *n. */
static int parse_list(const char *s, size_t len, int *cpus, int *n)
{
	const char *p = s, *end = s + len;

	*n = 0;
	if (!len)
		return -EINVAL;
	while (p < end) {
		long lo, hi;
		char *e;

		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		lo = strtol(p, &e, 10);
		hi = lo;
		p = e;
		if (p < end && *p == '-') {
			p++;
			if (p >= end || !isdigit((unsigned char)*p))
				return -EINVAL;
			hi = strtol(p, &e, 10);
			p = e;
		}
		if (p > end || lo >= AFF_MAX_CPUS || hi >= AFF_MAX_CPUS ||
		    hi < lo)
			return -ERANGE;
		for (long c = lo; c <= hi; c++) {
			if (*n >= AFF_MAX_THREADS)
				return -E2BIG;
			cpus[(*n)++] = (int)c;
		}
		if (p < end) {
			if (*p != ',' || p + 1 >= end)
				return -EINVAL;
			p++;
		}
	}
	return 0;
}

static int parse_role(const char *s, size_t len)
{
	for (int r = 0; r < AFF_ROLE_COUNT; r++)
		if (strlen(role_names[r]) == len &&
		    !strncmp(s, role_names[r], len))
			return r;
	return -1;
}

static int parse_explicit(const char *spec, struct aff_placement *out,
			  char *err, size_t errlen)
{
	const char *p = spec;

	out->kind = AFF_PL_EXPLICIT;
	while (*p) {
		const char *semi = strchr(p, ';');
		size_t len = semi ? (size_t)(semi - p) : strlen(p);
		const char *eq = memchr(p, '=', len);
		int r, ret;

		if (!eq) {
			snprintf(err, errlen, "invalid placement '%s': '%.*s' "
				 "is not role=CPUs (roles iothread, guest, "
				 "device)", spec, (int)len, p);
			return -EINVAL;
		}
		r = parse_role(p, (size_t)(eq - p));
		if (r < 0) {
			snprintf(err, errlen, "invalid placement '%s': unknown "
				 "role '%.*s' (allowed iothread, guest, "
				 "device)", spec, (int)(eq - p), p);
			return -EINVAL;
		}
		if (out->nlist[r]) {
			snprintf(err, errlen, "invalid placement '%s': role "
				 "%s given twice", spec, role_names[r]);
			return -EINVAL;
		}
		ret = parse_list(eq + 1, len - (size_t)(eq + 1 - p),
				 out->list[r], &out->nlist[r]);
		if (ret) {
			snprintf(err, errlen, "invalid placement '%s': bad CPU "
				 "list '%.*s' for %s (allowed CPU numbers "
				 "below %d such as 0,2 or 0-3, at most %d per "
				 "role)", spec, (int)(len - (size_t)(eq + 1 - p)),
				 eq + 1, role_names[r], AFF_MAX_CPUS,
				 AFF_MAX_THREADS);
			return -EINVAL;
		}
		if (!semi)
			break;
		p = semi + 1;
		if (!*p) {
			snprintf(err, errlen, "invalid placement '%s': "
				 "trailing ';'", spec);
			return -EINVAL;
		}
	}
	return 0;
}

int aff_placement_parse(const char *spec, struct aff_placement *out,
			char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (err && errlen)
		err[0] = '\0';
	if (!spec || !*spec) {
		snprintf(err, errlen, "empty placement: allowed %s",
			 aff_placement_allowed());
		return -EINVAL;
	}
	if (strlen(spec) >= AFF_SPEC_MAX) {
		snprintf(err, errlen, "placement '%.40s...' is too long (at "
			 "most %d characters)", spec, AFF_SPEC_MAX - 1);
		return -EINVAL;
	}
	aff__strlcpy(out->spec, spec, sizeof(out->spec));
	if (strchr(spec, '='))
		return parse_explicit(spec, out, err, errlen);
	for (int k = 0; k < AFF_PL_EXPLICIT; k++) {
		if (!strcmp(spec, names[k])) {
			out->kind = (enum aff_placement_kind)k;
			return 0;
		}
	}
	snprintf(err, errlen, "invalid placement '%s': allowed %s", spec,
		 aff_placement_allowed());
	return -EINVAL;
}
