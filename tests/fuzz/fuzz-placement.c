/*
 * fuzz-placement.c: placement strings (affinity/placement-parse.c), then
 * the resolution of an accepted one on a synthetic two-socket SMT
 * topology (tests/affinity/2s-smt.xml) for 2 IOThreads, 2 guest threads
 * and a device thread. An accepted placement must keep its text, hold CPU
 * lists within the documented limits and parse again to the same lists
 * when written back ("iothread=0-3;guest=5"); a resolved plan pins each
 * thread to a CPU of the topology, the listed one for explicit lists.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "affinity/affinity.h"
#include "tests/fuzz/fuzz.h"

#ifndef FUZZ_SRCDIR
#define FUZZ_SRCDIR "."
#endif
#define TOPO FUZZ_SRCDIR "/tests/affinity/2s-smt.xml"

static struct aff_topo *topo;

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (aff_topo_load(&topo, TOPO))
		fuzz_fail("cannot load the topology %s", TOPO);
	return 0;
}

/* Explicit lists written back, each ascending run as "lo-hi". */
static void format_lists(const struct aff_placement *p, char *buf,
			 size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int r = 0; r < AFF_ROLE_COUNT; r++) {
		const int *l = p->list[r];
		int n = p->nlist[r];

		if (!n)
			continue;
		len += (size_t)snprintf(buf + len, size - len, "%s%s=",
					len ? ";" : "",
					aff_role_name((enum aff_role)r));
		for (int i = 0; i < n;) {
			int j = i;

			while (j + 1 < n && l[j + 1] == l[j] + 1)
				j++;
			len += (size_t)snprintf(buf + len, size - len,
						"%s%d", i ? "," : "", l[i]);
			if (j > i)
				len += (size_t)snprintf(buf + len, size - len,
							"-%d", l[j]);
			i = j + 1;
		}
		FUZZ_ASSERT(len < size);
	}
}

static void check_parsed(const char *spec, const struct aff_placement *p)
{
	struct aff_placement q;
	char text[4096], err[1024];

	FUZZ_ASSERT(p->kind >= 0 && p->kind < AFF_PL_COUNT);
	FUZZ_ASSERT(!strcmp(p->spec, spec));
	if (p->kind != AFF_PL_EXPLICIT) {
		FUZZ_ASSERT(!strcmp(aff_placement_name(p->kind), spec));
		return;
	}
	for (int r = 0; r < AFF_ROLE_COUNT; r++) {
		FUZZ_ASSERT(p->nlist[r] >= 0 &&
			    p->nlist[r] <= AFF_MAX_THREADS);
		for (int i = 0; i < p->nlist[r]; i++)
			FUZZ_ASSERT(p->list[r][i] >= 0 &&
				    p->list[r][i] < AFF_MAX_CPUS);
	}
	format_lists(p, text, sizeof(text));
	if (aff_placement_parse(text, &q, err, sizeof(err)))
		fuzz_fail("'%s' written back as '%s': %s", spec, text, err);
	FUZZ_ASSERT(q.kind == AFF_PL_EXPLICIT);
	FUZZ_ASSERT(!memcmp(q.nlist, p->nlist, sizeof(q.nlist)));
	for (int r = 0; r < AFF_ROLE_COUNT; r++)
		FUZZ_ASSERT(!memcmp(q.list[r], p->list[r],
				    (size_t)p->nlist[r] * sizeof(int)));
}

static void check_resolved(const struct aff_placement *p)
{
	struct aff_roles counts = { { 2, 2, 1 } };
	struct aff_plan plan;
	char why[512];
	int ret;

	ret = aff_placement_resolve(topo, p, &counts, NULL, &plan, why,
				    sizeof(why));
	if (ret) {
		FUZZ_ASSERT(ret == -ENOTSUP || ret == -EINVAL);
		FUZZ_ASSERT(why[0]);
		return;
	}
	FUZZ_ASSERT(plan.nslots == 5);
	for (int i = 0; i < plan.nslots; i++) {
		const struct aff_slot *s = &plan.slots[i];

		FUZZ_ASSERT(s->cpu == -1 || aff_topo_pu_of_cpu(topo, s->cpu));
		if (p->kind == AFF_PL_EXPLICIT && p->nlist[s->role])
			FUZZ_ASSERT(s->cpu == p->list[s->role][s->index]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aff_placement p;
	char *spec, err[1024];
	int ret;

	if (memchr(data, '\0', size))
		return -1;
	spec = fuzz_str(data, size);
	err[0] = '\0';
	ret = aff_placement_parse(spec, &p, err, sizeof(err));
	if (ret) {
		FUZZ_ASSERT(ret == -EINVAL && err[0]);
		free(spec);
		return 0;
	}
	check_parsed(spec, &p);
	check_resolved(&p);
	free(spec);
	return 0;
}
