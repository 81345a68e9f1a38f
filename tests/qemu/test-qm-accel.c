/*
 * test-qm-accel.c: the cached outcomes of KVM probe boots (qemu/accel.h):
 * each key keeps its own (a probe with another QEMU binary, as a test's
 * wrapper, must not undo this host's), a failure keeps its reason, an
 * unknown key is not cached.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qemu/accel.h"
#include "tests/lib/test.h"

int main(void)
{
	char dir[] = "/tmp/test-qm-accel-XXXXXX", k1[512], k2[512], k3[512];
	char why[600], cmd[64];
	bool ok;

	ASSERT_NOT_NULL(mkdtemp(dir));
	qm_probe_key("qemu-system-x86_64", "6.1.0-57-amd64", k1, sizeof(k1));
	qm_probe_key("/tmp/x/qemu", "6.1.0-57-amd64", k2, sizeof(k2));
	qm_probe_key("qemu-system-x86_64", "6.1.0-58-amd64", k3, sizeof(k3));
	ASSERT_TRUE(strcmp(k1, k2) != 0 && strcmp(k1, k3) != 0);
	ASSERT_TRUE(strstr(k1, "qemu=qemu-system-x86_64") != NULL);

	ASSERT_FALSE(qm_probe_cached(dir, k1, &ok, why, sizeof(why)));
	qm_probe_save(dir, k1, true, "");
	qm_probe_save(dir, k2, false, "a KVM boot failed: no KVM");
	ASSERT_TRUE(qm_probe_cached(dir, k1, &ok, why, sizeof(why)));
	ASSERT_TRUE(ok);
	ASSERT_TRUE(qm_probe_cached(dir, k2, &ok, why, sizeof(why)));
	ASSERT_FALSE(ok);
	ASSERT_STREQ(why, "a KVM boot failed: no KVM");
	ASSERT_FALSE(qm_probe_cached(dir, k3, &ok, why, sizeof(why)));

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ASSERT_EQ(system(cmd), 0);
	return 0;
}
