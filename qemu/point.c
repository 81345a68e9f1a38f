/* point.c: a QEMU point's fixed settings and checks (point.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "qemu/point.h"
#include "qemu/qemu.h"
#include "workloads/peer.h"
#include "workloads/runner.h"

const char *qm_binary_policy(const char *qemu)
{
	static char cached_for[1024];
	static const char *cached;
	char cmd[1100], line[256];
	int major = 0, minor = 0;
	FILE *p;

	if (cached && !strcmp(cached_for, qemu))
		return cached;
	/* "QEMU emulator version 7.2.22 (Debian ...)" */
	cached = qm_policy_of_version(0, 0);
	if (!strchr(qemu, '\'')) {
		snprintf(cmd, sizeof(cmd), "'%s' --version 2>/dev/null", qemu);
		p = popen(cmd, "r");
		if (p) {
			if (fgets(line, sizeof(line), p) &&
			    sscanf(line, "QEMU emulator version %d.%d", &major,
				   &minor) == 2)
				cached = qm_policy_of_version(major, minor);
			pclose(p);
		}
	}
	snprintf(cached_for, sizeof(cached_for), "%s", qemu);
	return cached;
}

int qm_job_check(const struct wl_job *job, char *err, size_t errlen)
{
	struct wl_job j = *job;

	if (job->iothreads != 1) {
		snprintf(err, errlen, "--iothreads %u: the QEMU guest has one "
			 "virtio-blk disk, served by one IOThread",
			 job->iothreads);
		return -ENOTSUP;
	}
	if (strcmp(job->frontend, "direct") && strcmp(job->frontend,
						       "virtio")) {
		snprintf(err, errlen, "invalid value '%s' for --frontend: a "
			 "QEMU guest is a virtio guest (allowed virtio)",
			 job->frontend);
		return -EINVAL;
	}
	if (strcmp(job->poll_policy, "qemu") &&
	    strcmp(job->poll_policy, "qemu-ctx")) {
		snprintf(err, errlen, "invalid value '%s' for --poll-policy: "
			 "a QEMU guest polls as its QEMU does (allowed qemu, "
			 "qemu-ctx)", job->poll_policy);
		return -EINVAL;
	}
	if (job->guest_think_ns || job->guest_poll_ns || job->verify ||
	    job->hipri) {
		snprintf(err, errlen, "--guest-think, --guest-poll-ns, "
			 "--verify and --hipri are aiotune's own loop's, not a "
			 "QEMU guest's");
		return -EINVAL;
	}
	if (!strncmp(job->target, "sim:", 4)) {
		snprintf(err, errlen, "invalid value '%s' for --target: a QEMU "
			 "guest needs a file or a device", job->target);
		return -EINVAL;
	}
	/* The target as the engine of the same kind would check it. */
	snprintf(j.engine, sizeof(j.engine), "%s",
		 wl_qemu_engine_peer(job->engine));
	snprintf(j.frontend, sizeof(j.frontend), "direct");
	return wl_job_check(&j, err, errlen);
}
