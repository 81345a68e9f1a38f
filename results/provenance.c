/* provenance.c: host and device facts for meta.json (procfs, sysfs). */
#include <dirent.h>
#include <limits.h>
#include <stdbool.h>
#include <numa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "results/provenance.h"

/* First line of a small file, trailing newline cut; false if unreadable. */
static bool read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	bool ok;

	if (!f)
		return false;
	ok = fgets(buf, (int)size, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

static void set_file(json_t *o, const char *key, const char *path)
{
	char buf[256];

	if (read_line(path, buf, sizeof(buf))) {
		/* sysfs pads some strings (model) with spaces. */
		size_t n = strlen(buf);

		while (n && buf[n - 1] == ' ')
			buf[--n] = '\0';
		json_object_set_new(o, key, json_string(buf));
	}
}

static void set_file_int(json_t *o, const char *key, const char *path)
{
	char buf[64], *end;
	long long v;

	if (!read_line(path, buf, sizeof(buf)))
		return;
	v = strtoll(buf, &end, 10);
	if (end != buf && !*end)
		json_object_set_new(o, key, json_integer(v));
}

static void cpu_model(char *buf, size_t size)
{
	char line[512];
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(buf, size, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) != 0 || !colon)
			continue;
		colon++;
		while (*colon == ' ')
			colon++;
		colon[strcspn(colon, "\n")] = '\0';
		snprintf(buf, size, "%s", colon);
		break;
	}
	fclose(f);
}

static int count_numa_nodes(void)
{
	DIR *d;
	struct dirent *e;
	int n = 0;

	if (numa_available() >= 0)
		return numa_num_configured_nodes();
	d = opendir("/sys/devices/system/node");
	if (!d)
		return 1;
	while ((e = readdir(d)))
		if (strncmp(e->d_name, "node", 4) == 0 &&
		    e->d_name[4] >= '0' && e->d_name[4] <= '9')
			n++;
	closedir(d);
	return n ? n : 1;
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
	cpu_model(buf, sizeof(buf));
	json_object_set_new(o, "cpu_model", json_string(buf));
	json_object_set_new(o, "cpus_online",
			    json_integer(sysconf(_SC_NPROCESSORS_ONLN)));
	json_object_set_new(o, "cpus_configured",
			    json_integer(sysconf(_SC_NPROCESSORS_CONF)));
	json_object_set_new(o, "numa_nodes", json_integer(count_numa_nodes()));
	/* The default slack of this host's processes; the runs set theirs
	 * (meta.json run_timer_slack_ns). */
	set_file_int(o, "default_timer_slack_ns", "/proc/self/timerslack_ns");
	set_file(o, "clocksource",
		 "/sys/devices/system/clocksource/clocksource0/"
		 "current_clocksource");
	set_file(o, "cpuidle_driver",
		 "/sys/devices/system/cpu/cpuidle/current_driver");
	set_file(o, "cpuidle_governor",
		 "/sys/devices/system/cpu/cpuidle/current_governor_ro");
	set_file_int(o, "guest_halt_poll_ns",
		     "/sys/module/haltpoll/parameters/guest_halt_poll_ns");
	set_file(o, "cpufreq_governor",
		 "/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
	return o;
}

/* Name of the whole disk for block device dev ("vda" for vda1). */
static bool disk_of(dev_t dev, char *disk, size_t size)
{
	char link[64], path[PATH_MAX + 16], real[PATH_MAX];
	char *base;

	snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", major(dev),
		 minor(dev));
	if (!realpath(link, real))
		return false;
	/* A partition has a "partition" file; its parent is the disk. */
	snprintf(path, sizeof(path), "%s/partition", real);
	if (access(path, F_OK) == 0) {
		char *slash = strrchr(real, '/');

		if (slash)
			*slash = '\0';
	}
	base = strrchr(real, '/');
	if (!base)
		return false;
	snprintf(disk, size, "%s", base + 1);
	return true;
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void disk_facts(json_t *o, const char *disk)
{
	static const char *const str_files[][2] = {
		{ "model", "device/model" },
		{ "firmware", "device/firmware_rev" },
		{ "vendor", "device/vendor" },
		{ "scheduler", "queue/scheduler" },
	};
	static const char *const int_files[][2] = {
		{ "nr_requests", "queue/nr_requests" },
		{ "io_poll", "queue/io_poll" },
		{ "io_poll_delay", "queue/io_poll_delay" },
		{ "rotational", "queue/rotational" },
		{ "logical_block_size", "queue/logical_block_size" },
		{ "max_hw_sectors_kb", "queue/max_hw_sectors_kb" },
		{ "nomerges", "queue/nomerges" },
		{ "rq_affinity", "queue/rq_affinity" },
	};
	char path[PATH_MAX];
	int n;

	json_object_set_new(o, "disk", json_string(disk));
	for (size_t i = 0; i < sizeof(str_files) / sizeof(str_files[0]); i++) {
		snprintf(path, sizeof(path), "/sys/block/%s/%s", disk,
			 str_files[i][1]);
		set_file(o, str_files[i][0], path);
	}
	for (size_t i = 0; i < sizeof(int_files) / sizeof(int_files[0]); i++) {
		snprintf(path, sizeof(path), "/sys/block/%s/%s", disk,
			 int_files[i][1]);
		set_file_int(o, int_files[i][0], path);
	}
	snprintf(path, sizeof(path), "/sys/block/%s/mq", disk);
	n = count_entries(path);
	if (n >= 0)
		json_object_set_new(o, "hw_queues", json_integer(n));
}

json_t *res_prov_device(const char *target)
{
	json_t *o = json_object();
	struct stat st;
	char disk[NAME_MAX + 1];

	json_object_set_new(o, "target", json_string(target));
	if (strncmp(target, "sim", 3) == 0 &&
	    (target[3] == '\0' || target[3] == ':')) {
		json_object_set_new(o, "kind", json_string("simulated"));
		json_object_set_new(o, "model", json_string("simnvme"));
		return o;
	}
	if (stat(target, &st) < 0) {
		json_object_set_new(o, "kind", json_string("unknown"));
		return o;
	}
	if (S_ISBLK(st.st_mode)) {
		json_object_set_new(o, "kind", json_string("block device"));
		if (disk_of(st.st_rdev, disk, sizeof(disk)))
			disk_facts(o, disk);
	} else {
		json_object_set_new(o, "kind", json_string("file"));
		if (disk_of(st.st_dev, disk, sizeof(disk)))
			disk_facts(o, disk);
	}
	return o;
}
