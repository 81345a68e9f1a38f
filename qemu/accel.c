/* accel.c: the cached outcome of a KVM probe boot (accel.h). */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "qemu/accel.h"
#include "qemu/vm.h"

void qm_probe_key(const char *qemu, const char *guest_kernel, char *buf,
		  size_t size)
{
	struct utsname u;

	if (uname(&u))
		snprintf(u.release, sizeof(u.release), "?");
	snprintf(buf, size, "host-kernel=%.64s qemu=%.300s guest=%.60s",
		 u.release, qemu, guest_kernel);
}

/* One file per key: kvm-probe-<FNV-1a of the key>. */
static void probe_path(const char *cache, const char *key, char *buf,
		       size_t size)
{
	uint64_t h = 14695981039346656037ULL;

	for (const char *p = key; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	snprintf(buf, size, "%s/kvm-probe-%016" PRIx64, cache, h);
}

bool qm_probe_cached(const char *cache, const char *key, bool *ok,
		     char *why, size_t size)
{
	char path[QM_PATH_MAX + 48], line[1024];
	bool found = false;
	FILE *f;

	probe_path(cache, key, path, sizeof(path));
	f = fopen(path, "r");
	if (!f)
		return false;
	if (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strcmp(line, key) && fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = '\0';
			*ok = !strcmp(line, "ok");
			snprintf(why, size, "%.500s", *ok ? "" : line);
			found = true;
		}
	}
	fclose(f);
	return found;
}

void qm_probe_save(const char *cache, const char *key, bool ok,
		   const char *why)
{
	char path[QM_PATH_MAX + 48];
	FILE *f;

	probe_path(cache, key, path, sizeof(path));
	f = fopen(path, "w");
	if (!f)
		return;
	fprintf(f, "%s\n%s\n", key, ok ? "ok" : why);
	fclose(f);
}
