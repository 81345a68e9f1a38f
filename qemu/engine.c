/* engine.c: QEMU's engine names, its policy, the run's options (qemu.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu/qemu.h"
#include "util/util.h"

static const struct {
	const char *engine, *aio, *peer;
} engines[] = {
	{ "qemu", "native", "linux-aio" },
	{ "qemu-io_uring", "io_uring", "io_uring" },
	{ "qemu-threads", "threads", "threads" },
};

#define NR_ENGINES ARRAY_SIZE(engines)

bool qm_engine_is_qemu(const char *e)
{
	return qm_engine_aio(e) != NULL;
}

const char *qm_engine_aio(const char *e)
{
	for (size_t i = 0; i < NR_ENGINES; i++)
		if (e && !strcmp(e, engines[i].engine))
			return engines[i].aio;
	return NULL;
}

const char *qm_engine_peer(const char *e)
{
	for (size_t i = 0; i < NR_ENGINES; i++)
		if (e && !strcmp(e, engines[i].engine))
			return engines[i].peer;
	return NULL;
}

const char *qm_engine_names(void)
{
	return "qemu, qemu-io_uring, qemu-threads";
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
