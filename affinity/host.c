/*
 * host.c: facts about the host (host.h): CPU model, NUMA nodes and the
 * kernel settings provenance records.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "affinity/aff-internal.h"
#include "affinity/host.h"
#include "util/util.h"

int aff__cpu_model(const char *root, char *buf, size_t len)
{
	char path[PATH_MAX], line[512];
	int ret = -ENOENT;
	FILE *f;

	if (aff__path(path, sizeof(path), "%s/proc/cpuinfo", root))
		return -ENAMETOOLONG;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (ret && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':'), *v;
		size_t n;

		if (strncmp(line, "model name", 10) || !colon)
			continue;
		for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
			;
		n = strcspn(v, "\n");
		while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
			n--;
		v[n] = '\0';
		aff__strlcpy(buf, v, len);
		ret = 0;
	}
	fclose(f);
	return ret;
}

int aff_host_cpu_model(char *buf, size_t len)
{
	return aff__cpu_model("", buf, len);
}

int aff__sysfs_numa_nodes(const char *root)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d;
	int n = 0;

	if (aff__path(path, sizeof(path), "%s/sys/devices/system/node", root))
		return -ENAMETOOLONG;
	d = opendir(path);
	if (!d)
		return -errno;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "node", 4) &&
		    isdigit((unsigned char)e->d_name[4]))
			n++;
	closedir(d);
	return n ? n : -ENOENT;
}

int aff_host_numa_nodes(void)
{
	int n = aff__numa_nodes();

	if (n < 1)
		n = aff__sysfs_numa_nodes("");
	return n < 1 ? 1 : n;
}

int aff_node_of_cpu(int cpu)
{
	int node;

	if (cpu < 0 || cpu >= AFF_MAX_CPUS)
		return -1;
	node = aff__numa_node_of_cpu(cpu);
	return node < 0 ? -1 : node;
}

static const char *const settings[AFF_HOST_NR_SETTINGS] = {
	[AFF_HOST_CLOCKSOURCE] =
		"devices/system/clocksource/clocksource0/current_clocksource",
	[AFF_HOST_CPUIDLE_DRIVER] = "devices/system/cpu/cpuidle/current_driver",
	[AFF_HOST_CPUIDLE_GOVERNOR] =
		"devices/system/cpu/cpuidle/current_governor_ro",
	[AFF_HOST_CPUFREQ_GOVERNOR] =
		"devices/system/cpu/cpu0/cpufreq/scaling_governor",
	[AFF_HOST_GUEST_HALT_POLL_NS] =
		"module/haltpoll/parameters/guest_halt_poll_ns",
};

int aff__host_setting(const char *root, enum aff_host_setting s, char *buf,
		      size_t len)
{
	if ((unsigned)s >= ARRAY_SIZE(settings))
		return -EINVAL;
	return aff__read_line(buf, len, "%s/sys/%s", root, settings[s]);
}

int aff_host_setting(enum aff_host_setting s, char *buf, size_t len)
{
	return aff__host_setting("", s, buf, len);
}
