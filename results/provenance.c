/*
 * provenance.c: host and device facts for meta.json. affinity/ reads them
 * (affinity/host.h, aff_device_probe); this file only names them.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "affinity/affinity.h"
#include "affinity/host.h"
#include "results/provenance.h"
#include "util/util.h"

/* This process's timer slack (procfs), the default its children get. */
static void set_timer_slack(json_t *o)
{
	char buf[64], *end;
	long long v;
	FILE *f = fopen("/proc/self/timerslack_ns", "re");

	if (!f)
		return;
	if (fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = '\0';
		v = strtoll(buf, &end, 10);
		if (end != buf && !*end)
			json_object_set_new(o, "default_timer_slack_ns",
					    json_integer(v));
	}
	fclose(f);
}

static const struct {
	const char *key;
	enum aff_host_setting setting;
	bool integer;
} settings[] = {
	{ "clocksource", AFF_HOST_CLOCKSOURCE, false },
	{ "cpuidle_driver", AFF_HOST_CPUIDLE_DRIVER, false },
	{ "cpuidle_governor", AFF_HOST_CPUIDLE_GOVERNOR, false },
	{ "guest_halt_poll_ns", AFF_HOST_GUEST_HALT_POLL_NS, true },
	{ "cpufreq_governor", AFF_HOST_CPUFREQ_GOVERNOR, false },
};

static void set_settings(json_t *o)
{
	char buf[256], *end;
	long long v;

	for (size_t i = 0; i < ARRAY_SIZE(settings); i++) {
		if (aff_host_setting(settings[i].setting, buf, sizeof(buf)))
			continue;
		if (!settings[i].integer) {
			json_object_set_new(o, settings[i].key,
					    json_string(buf));
			continue;
		}
		v = strtoll(buf, &end, 10);
		if (end != buf && !*end)
			json_object_set_new(o, settings[i].key,
					    json_integer(v));
	}
}

void res_prov_utc_now(char *buf, size_t size)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

json_t *res_prov_host(void)
{
	json_t *o = json_object();
	struct utsname u;
	char buf[256];

	if (gethostname(buf, sizeof(buf)) == 0) {
		buf[sizeof(buf) - 1] = '\0';
		json_object_set_new(o, "hostname", json_string(buf));
	}
	if (uname(&u) == 0) {
		json_object_set_new(o, "kernel", json_string(u.release));
		json_object_set_new(o, "kernel_version",
				    json_string(u.version));
		json_object_set_new(o, "machine", json_string(u.machine));
	}
	if (aff_host_cpu_model(buf, sizeof(buf)))
		snprintf(buf, sizeof(buf), "unknown");
	json_object_set_new(o, "cpu_model", json_string(buf));
	json_object_set_new(o, "cpus_online",
			    json_integer(sysconf(_SC_NPROCESSORS_ONLN)));
	json_object_set_new(o, "cpus_configured",
			    json_integer(sysconf(_SC_NPROCESSORS_CONF)));
	json_object_set_new(o, "numa_nodes",
			    json_integer(aff_host_numa_nodes()));
	/* The default slack of this host's processes; the runs set theirs
	 * (meta.json run_timer_slack_ns). */
	set_timer_slack(o);
	set_settings(o);
	return o;
}

static void set_str(json_t *o, const char *key, const char *v)
{
	if (*v)
		json_object_set_new(o, key, json_string(v));
}

static void set_int(json_t *o, const char *key, int v)
{
	if (v >= 0)
		json_object_set_new(o, key, json_integer(v));
}

/* What sysfs says of the disk under the target (-1 and "" left out). */
static void disk_facts(json_t *o, const struct aff_device *d)
{
	set_str(o, "disk", d->disk);
	set_str(o, "partition", d->part);
	set_str(o, "via", d->via);
	set_str(o, "model", d->model);
	set_str(o, "firmware", d->firmware);
	set_str(o, "vendor", d->vendor);
	set_str(o, "scheduler", d->scheduler);
	set_int(o, "nr_requests", d->nr_requests);
	set_int(o, "io_poll", d->io_poll);
	if (d->io_poll_delay_known)
		json_object_set_new(o, "io_poll_delay",
				    json_integer(d->io_poll_delay));
	set_int(o, "rotational", d->rotational);
	set_int(o, "logical_block_size", d->logical_block);
	set_int(o, "max_hw_sectors_kb", d->max_hw_sectors_kb);
	set_int(o, "nomerges", d->nomerges);
	set_int(o, "rq_affinity", d->rq_affinity);
	set_int(o, "hw_queues", d->hw_queues);
}

json_t *res_prov_device(const char *target)
{
	json_t *o = json_object();
	const char *kind = "unknown";
	struct aff_device *d;
	int ret;

	json_object_set_new(o, "target", json_string(target));
	if (strncmp(target, "sim", 3) == 0 &&
	    (target[3] == '\0' || target[3] == ':')) {
		json_object_set_new(o, "kind", json_string("simulated"));
		json_object_set_new(o, "model", json_string("simnvme"));
		return o;
	}
	d = malloc(sizeof(*d));
	if (!d)
		return o;
	ret = aff_device_probe(target, d);
	if (d->kind == AFF_DEV_BLOCK)
		kind = "block device";
	else if (d->kind == AFF_DEV_FILE || ret == -ENODEV)
		kind = "file"; /* -ENODEV: on tmpfs, overlay, ... */
	json_object_set_new(o, "kind", json_string(kind));
	if (d->kind != AFF_DEV_NONE && *d->disk)
		disk_facts(o, d);
	free(d);
	return o;
}
