/*
 * fdmon-epoll.c: the epoll(7) fd monitor.
 *
 * A context reaches it in two ways: chosen directly ("epoll"), or upgraded
 * from fdmon-poll once a wait sees AIO_EPOLL_ENABLE_THRESHOLD fds, where
 * rebuilding a pollfd array on every iteration starts to cost more than
 * keeping the set in the kernel. Handler changes become EPOLL_CTL_ADD, MOD
 * or DEL. The kernel refuses some fds (regular files: EPERM); any such
 * failure disables epoll for good and the context goes back to fdmon-poll,
 * which then is what aio_context_fdmon_name() reports.
 *
 * ctx->epollfd: -1 until epoll is first used on this context, then the
 * epoll fd. After a fallback it is either still open (a loop thread may be
 * blocked in it: see fdmon_epoll_disable; the next upgrade attempt or the
 * context's teardown closes it) or FDMON_EPOLL_DISABLED. Either way a
 * context falls back at most once and never upgrades again.
 *
 * node->fdmon_flags (only under list_lock's mutex): FDMON_EPOLL_REGISTERED
 * when the fd of this node is in the epoll set with this node as its data.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "loop/aio-internal.h"

#define FDMON_EPOLL_MAX_EVENTS 128 /* per epoll_wait, as QEMU */
#define FDMON_EPOLL_REGISTERED 1
#define FDMON_EPOLL_DISABLED -2    /* ctx->epollfd after a fallback */

extern const FDMonOps fdmon_epoll_ops; /* listed in fdmon.c's registry */

static uint32_t fdmon_epoll_events(short events)
{
	uint32_t ev = 0;

	if (events & POLLIN)
		ev |= EPOLLIN;
	if (events & POLLOUT)
		ev |= EPOLLOUT;
	return ev; /* EPOLLHUP and EPOLLERR are always reported */
}

static short fdmon_epoll_revents(uint32_t ev)
{
	short revents = 0;

	if (ev & EPOLLIN)
		revents |= POLLIN;
	if (ev & EPOLLOUT)
		revents |= POLLOUT;
	if (ev & EPOLLHUP)
		revents |= POLLHUP;
	if (ev & EPOLLERR)
		revents |= POLLERR;
	return revents;
}

static int fdmon_epoll_ctl(AioContext *ctx, int op, AioHandler *node)
{
	struct epoll_event ev = {
		.events = fdmon_epoll_events(__atomic_load_n(&node->events,
							     __ATOMIC_RELAXED)),
		.data.ptr = node,
	};

	if (epoll_ctl(ctx->epollfd, op, node->fd, &ev) < 0)
		return -errno;
	return 0;
}

/*
 * Give up on epoll (list_lock's mutex held, any thread): the context goes
 * on with fdmon-poll, which walks the handler list itself and needs no
 * state. If a loop iteration is under way its thread may be inside
 * epoll_wait() on our fd, so the fd stays open: the aio_notify that follows
 * every handler change wakes that thread through the notifier, which is
 * still in the set, and its next wait is a poll one.
 */
static void fdmon_epoll_disable(AioContext *ctx, int err)
{
	fprintf(stderr, "aiotune: epoll_ctl: %s; fd monitor falls back to "
		"poll\n", strerror(-err));
	__atomic_store_n(&ctx->fdmon_ops, &fdmon_poll_ops, __ATOMIC_RELEASE);
	if (aio_lockcnt_count(&ctx->list_lock) == 0) {
		close(ctx->epollfd);
		ctx->epollfd = FDMON_EPOLL_DISABLED;
	}
}

static void fdmon_epoll_update(AioContext *ctx, AioHandler *old_node,
			       AioHandler *new_node)
{
	bool old_reg = old_node &&
		       (old_node->fdmon_flags & FDMON_EPOLL_REGISTERED);
	bool new_reg = new_node &&
		       __atomic_load_n(&new_node->events, __ATOMIC_RELAXED);
	int ret = 0;

	if (old_node)
		old_node->fdmon_flags &= ~FDMON_EPOLL_REGISTERED;
	if (new_reg)
		ret = fdmon_epoll_ctl(ctx, old_reg ? EPOLL_CTL_MOD :
					   EPOLL_CTL_ADD, new_node);
	else if (old_reg)
		ret = fdmon_epoll_ctl(ctx, EPOLL_CTL_DEL, old_node);
	if (ret < 0) {
		fdmon_epoll_disable(ctx, ret);
		return;
	}
	if (new_reg)
		new_node->fdmon_flags |= FDMON_EPOLL_REGISTERED;
}

/* Add every live handler with events to the set (list_lock's mutex held). */
static int fdmon_epoll_register_all(AioContext *ctx)
{
	AioHandler *node;
	int ret;

	for (node = atomic_load(&ctx->aio_handlers); node;
	     node = atomic_load(&node->next)) {
		if (atomic_load(&node->deleted) ||
		    !__atomic_load_n(&node->events, __ATOMIC_RELAXED))
			continue;
		ret = fdmon_epoll_ctl(ctx, EPOLL_CTL_ADD, node);
		if (ret < 0)
			return ret;
		node->fdmon_flags |= FDMON_EPOLL_REGISTERED;
	}
	return 0;
}

static void fdmon_epoll_unmark_all(AioContext *ctx)
{
	AioHandler *node;

	for (node = atomic_load(&ctx->aio_handlers); node;
	     node = atomic_load(&node->next))
		node->fdmon_flags &= ~FDMON_EPOLL_REGISTERED;
}

static int fdmon_epoll_create(AioContext *ctx)
{
	int fd = epoll_create1(EPOLL_CLOEXEC);

	if (fd < 0)
		return -errno;
	ctx->epollfd = fd;
	return 0;
}

static int fdmon_epoll_setup(AioContext *ctx)
{
	/*
	 * The poll backend's state is made now, in the creating thread, so
	 * that a fallback from any thread allocates nothing (teardown frees
	 * it with fdmon_poll_ops.destroy).
	 */
	bool own_poll_state = !ctx->fdmon_poll_state;
	int ret;

	if (own_poll_state) {
		ret = fdmon_poll_ops.setup(ctx);
		if (ret < 0)
			return ret;
	}
	ret = fdmon_epoll_create(ctx);
	if (ret < 0)
		goto fail;
	aio_lockcnt_lock(&ctx->list_lock);
	ret = fdmon_epoll_register_all(ctx);
	if (ret < 0)
		fdmon_epoll_unmark_all(ctx);
	aio_lockcnt_unlock(&ctx->list_lock);
	if (ret == 0)
		return 0;
	close(ctx->epollfd);
	ctx->epollfd = -1;
fail:
	if (own_poll_state)
		fdmon_poll_ops.destroy(ctx);
	return ret;
}

static void fdmon_epoll_destroy(AioContext *ctx)
{
	if (ctx->epollfd >= 0)
		close(ctx->epollfd);
	ctx->epollfd = -1;
}

/* Push the events epoll_wait() returned; the number pushed. */
static int fdmon_epoll_collect(AioHandlerList *ready,
			       const struct epoll_event *events, int n)
{
	int i;

	for (i = 0; i < n; i++)
		aio_add_ready_handler(ready, events[i].data.ptr,
				      fdmon_epoll_revents(events[i].events),
				      false);
	return n;
}

static int fdmon_epoll_wait(AioContext *ctx, AioHandlerList *ready,
			    int64_t timeout_ns)
{
	struct epoll_event events[FDMON_EPOLL_MAX_EVENTS];
	int ret;

	/*
	 * epoll_wait() counts in ms; ppoll() on the epoll fd gives the ns
	 * resolution the adaptive poller's timeouts need.
	 */
	if (timeout_ns > 0) {
		struct pollfd pfd = { .fd = ctx->epollfd, .events = POLLIN };
		struct timespec ts = {
			.tv_sec = timeout_ns / 1000000000LL,
			.tv_nsec = timeout_ns % 1000000000LL,
		};

		ret = ppoll(&pfd, 1, &ts, NULL);
		if (ret < 0)
			return errno == EINTR ? 0 : -errno;
		if (ret == 0)
			return 0;
		timeout_ns = 0;
	}
	ret = epoll_wait(ctx->epollfd, events, FDMON_EPOLL_MAX_EVENTS,
			 timeout_ns < 0 ? -1 : 0);
	if (ret < 0)
		return errno == EINTR ? 0 : -errno;
	/*
	 * The nodes come from the kernel. aio_set_fd_handler published each
	 * one (store-release of the list head) before epoll_ctl named it,
	 * and the syscalls order the rest; this acquire of the head makes
	 * that ordering visible to the compiler and to ThreadSanitizer.
	 */
	if (ret > 0)
		(void)atomic_load_explicit(&ctx->aio_handlers,
					   memory_order_acquire);
	return fdmon_epoll_collect(ready, events, ret);
}

static int fdmon_epoll_gsource_fd(AioContext *ctx)
{
	return ctx->epollfd;
}


/*
 * The upgrade from fdmon-poll at AIO_EPOLL_ENABLE_THRESHOLD fds: called by
 * fdmon_try_upgrade from the poll backend's wait, in the loop thread, with
 * list_lock held exclusively (count 0, mutex held), so no handler can
 * change while the set is built.
 */
static bool fdmon_epoll_upgrade(AioContext *ctx)
{
	int ret;

	if (ctx->epollfd != -1) {
		/* Fallen back before: close what a fallback had to leave. */
		if (ctx->epollfd >= 0)
			close(ctx->epollfd);
		ctx->epollfd = FDMON_EPOLL_DISABLED;
		return false;
	}
	if (fdmon_epoll_create(ctx) < 0)
		return false;
	ret = fdmon_epoll_register_all(ctx);
	if (ret < 0) {
		fprintf(stderr, "aiotune: epoll_ctl: %s; fd monitor stays "
			"poll\n", strerror(-ret));
		fdmon_epoll_unmark_all(ctx);
		close(ctx->epollfd);
		ctx->epollfd = FDMON_EPOLL_DISABLED;
		return false;
	}
	__atomic_store_n(&ctx->fdmon_ops, &fdmon_epoll_ops, __ATOMIC_RELEASE);
	return true;
}

const FDMonOps fdmon_epoll_ops = {
	.name = "epoll",
	.setup = fdmon_epoll_setup,
	.destroy = fdmon_epoll_destroy,
	.update = fdmon_epoll_update,
	.wait = fdmon_epoll_wait,
	.need_wait = aio_poll_disabled,
	.upgrade = fdmon_epoll_upgrade,
	.gsource_fd = fdmon_epoll_gsource_fd,
};
