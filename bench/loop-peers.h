/*
 * loop-peers.h: one event loop as bench/loop-peers sees it. Each adapter
 * (bench/peer-<name>.c) defines `loop_peer`, the ops of one library; the
 * driver (bench/loop-peers.c) measures the same four figures through these
 * ops for every library. One adapter per program: libev exports libevent's
 * compatibility API under libevent's own names, so the two cannot share a
 * process.
 */
#ifndef AIOTUNE_BENCH_LOOP_PEERS_H
#define AIOTUNE_BENCH_LOOP_PEERS_H

#include <stdbool.h>
#include <stddef.h>

struct peer_loop;

/* The callback the driver wants run by the loop, once per post or wake. */
typedef void peer_cb(void *opaque);

struct peer_ops {
	const char *name;
	/* The exact library calls behind iterate, block, poll, post, wake. */
	const char *call_iterate;
	const char *call_block;
	const char *call_poll;
	const char *call_post;
	const char *call_wake;
	/*
	 * A new loop with one reusable handle whose callback is cb(opaque).
	 * polling: the loop will be driven by poll, not block. 0 or -errno.
	 */
	int (*create)(struct peer_loop **lp, bool polling, peer_cb *cb,
		      void *opaque);
	/* Free the loop; no thread is running it. */
	void (*destroy)(struct peer_loop *l);
	/* Library version and the kernel interface it waits with. */
	void (*describe)(struct peer_loop *l, char *buf, size_t len);
	/* One non-blocking iteration. */
	void (*iterate)(struct peer_loop *l);
	/* One iteration that may block until a wake. */
	void (*block)(struct peer_loop *l);
	/* One iteration of a loop that busy-polls (created with polling). */
	void (*poll)(struct peer_loop *l);
	/* In the loop's thread: have the next iteration run the callback. */
	void (*post)(struct peer_loop *l);
	/* From another thread: have the loop run the callback soon. */
	void (*wake)(struct peer_loop *l);
};

/* The loop this program measures (defined by the linked adapter). */
extern const struct peer_ops loop_peer;

#endif
