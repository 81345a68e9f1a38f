/* peer.c: the names of QEMU's engines and their counterparts (peer.h). */
#include <stddef.h>
#include <string.h>

#include "util/util.h"
#include "workloads/peer.h"

static const struct {
	const char *engine, *peer;
} qemu_engines[] = {
	{ "qemu", "linux-aio" },
	{ "qemu-io_uring", "io_uring" },
	{ "qemu-threads", "threads" },
};

#define NR_QEMU ARRAY_SIZE(qemu_engines)

bool wl_engine_is_qemu(const char *engine)
{
	return wl_qemu_engine_peer(engine) != NULL;
}

const char *wl_qemu_engine_peer(const char *engine)
{
	for (size_t i = 0; i < NR_QEMU; i++)
		if (engine && !strcmp(engine, qemu_engines[i].engine))
			return qemu_engines[i].peer;
	return NULL;
}

const char *wl_qemu_engine_names(void)
{
	return "qemu, qemu-io_uring, qemu-threads";
}
