# loop/: the AioContext/IOThread library (build/libaioloop.a)
LOOP_SRCS += loop/event-notifier.c loop/lockcnt.c loop/timer.c \
	loop/async.c loop/aio-posix.c loop/fdmon.c loop/fdmon-poll.c \
	loop/gsource.c
# fd monitors: epoll and io_uring (tests in tests/fdmon/).
LOOP_SRCS += loop/fdmon-epoll.c loop/fdmon-io_uring.c
