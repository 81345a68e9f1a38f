/*
 * xml.h: the synthetic hwloc topologies shipped with the affinity tests.
 * Tests run from the repository root (make check), so the paths are
 * relative to it.
 *   2s-smt.xml      2 packages/nodes, 2 L3 each, 2 cores per L3, 2 threads
 *                   per core, Linux numbering (CPU n and n+8 are siblings)
 *   1node.xml       1 package, 1 node, 1 L3, 4 cores, no SMT
 *   nvme-node1.xml  2 packages/nodes of 4 cores, no SMT; nvme0n1 under
 *                   package 1 (node 1), vda on the root (no single node)
 */
#ifndef AIOTUNE_TESTS_AFFINITY_XML_H
#define AIOTUNE_TESTS_AFFINITY_XML_H

#include "affinity/affinity.h"
#include "tests/lib/test.h"

#define XML_2S_SMT "tests/affinity/2s-smt.xml"
#define XML_1NODE "tests/affinity/1node.xml"
#define XML_NVME "tests/affinity/nvme-node1.xml"

static inline struct aff_topo *load_xml(const char *path)
{
	struct aff_topo *t = NULL;
	int ret = aff_topo_load(&t, path);

	if (ret)
		t_fail("aff_topo_load(%s): %d", path, ret);
	return t;
}

static inline struct aff_roles roles(int io, int guests, int devs)
{
	struct aff_roles r = { { io, guests, devs } };

	return r;
}

#endif
