/*
 * peer.h: the engines of aiotune's peers, as jobs and results name them.
 * QEMU measures a point as a guest whose virtio-blk disk its own IOThread
 * serves (qemu/qemu.h): engine "qemu" (aio=native, the kind of aiotune's
 * linux-aio engine), "qemu-io_uring" and "qemu-threads". fio's engines
 * are named by workloads/fio-cmd.h ("fio-io_uring", ...). Each peer
 * engine has a counterpart: the aiotune engine of the same kind, whose
 * curve its curve is set beside.
 */
#ifndef AIOTUNE_WORKLOADS_PEER_H
#define AIOTUNE_WORKLOADS_PEER_H

#include <stdbool.h>

/* Whether engine is one of QEMU's ("qemu", "qemu-io_uring", ...). */
bool wl_engine_is_qemu(const char *engine);
/* The aiotune engine of the same kind ("qemu" -> "linux-aio"), or NULL. */
const char *wl_qemu_engine_peer(const char *engine);
/* "qemu, qemu-io_uring, qemu-threads". */
const char *wl_qemu_engine_names(void);

#endif
