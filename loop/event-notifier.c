/* event-notifier.c: EventNotifier on a Linux eventfd. */
#include <errno.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "loop/aio.h"

int event_notifier_init(EventNotifier *e, bool active)
{
	int fd = eventfd(active ? 1 : 0, EFD_NONBLOCK | EFD_CLOEXEC);

	if (fd < 0)
		return -errno;
	e->rfd = e->wfd = fd;
	e->initialized = true;
	return 0;
}

void event_notifier_cleanup(EventNotifier *e)
{
	if (!e->initialized)
		return;
	close(e->rfd);
	e->rfd = e->wfd = -1;
	e->initialized = false;
}

int event_notifier_set(EventNotifier *e)
{
	uint64_t one = 1;
	ssize_t ret;

	do {
		ret = write(e->wfd, &one, sizeof(one));
	} while (ret < 0 && errno == EINTR);
	/* EAGAIN: the counter is saturated, so it is set anyway. */
	if (ret < 0 && errno != EAGAIN)
		return -errno;
	return 0;
}

bool event_notifier_test_and_clear(EventNotifier *e)
{
	uint64_t value;
	ssize_t ret;

	do {
		ret = read(e->rfd, &value, sizeof(value));
	} while (ret < 0 && errno == EINTR);
	return ret == sizeof(value) && value != 0;
}

int event_notifier_get_fd(const EventNotifier *e)
{
	return e->rfd;
}
