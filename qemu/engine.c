/* engine.c: QEMU's aio= modes, its policy, the run's options (qemu.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu/qemu.h"
#include "util/util.h"
#include "workloads/peer.h"

/* QEMU's -blockdev aio= mode for the aiotune engine of the same kind. */
static const struct {
	const char *peer, *aio;
} aio_modes[] = {
	{ "linux-aio", "native" },
	{ "io_uring", "io_uring" },
	{ "threads", "threads" },
};

const char *qm_engine_aio(const char *e)
{
	const char *peer = wl_qemu_engine_peer(e);

	for (size_t i = 0; peer && i < ARRAY_SIZE(aio_modes); i++)
		if (!strcmp(peer, aio_modes[i].peer))
			return aio_modes[i].aio;
	return NULL;
}

const char *qm_policy_of_version(int major, int minor)
{
	(void)minor;
	/* Per-handler windows came with QEMU 10.0 (polling/policy.h). */
	return major >= 10 ? "qemu" : "qemu-ctx";
}

void qm_opts_init(struct qm_opts *o)
{
	const char *s = getenv("AIOTUNE_QEMU_SESSION");
	const char *w = getenv("AIOTUNE_QEMU_OWNER");
	const char *q = getenv("AIOTUNE_QEMU");

	memset(o, 0, sizeof(*o));
	snprintf(o->accel, sizeof(o->accel), "auto");
	o->boot_timeout_ns = 60000000000LL;
	o->guest_timeout_ns = 30000000000LL;
	snprintf(o->qemu, sizeof(o->qemu), "%s",
		 q && *q ? q : "qemu-system-x86_64");
	if (s && *s && w && atoi(w) > 0) {
		snprintf(o->session, sizeof(o->session), "%s", s);
		o->owner = (pid_t)atoi(w);
	}
}
