/* accel.c: the cached outcome of a KVM probe boot (accel.h). */
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

bool qm_probe_cached(const char *cache, const char *key, bool *ok,
		     char *why, size_t size)
{
	char path[QM_PATH_MAX + 32], line[1024];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/kvm-probe", cache);
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
	char path[QM_PATH_MAX + 32];
	FILE *f;

	snprintf(path, sizeof(path), "%s/kvm-probe", cache);
	f = fopen(path, "w");
	if (!f)
		return;
	fprintf(f, "%s\n%s\n", key, ok ? "ok" : why);
	fclose(f);
}
