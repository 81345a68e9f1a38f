# loop/: the AioContext/IOThread library (build/libaioloop.a): contexts,
# fd monitors (poll, epoll, io_uring), IOThread and the per-context thread
# pool.
LOOP_SRCS += loop/event-notifier.c loop/lockcnt.c loop/timer.c \
	loop/async.c loop/aio-posix.c loop/fdmon.c loop/fdmon-poll.c \
	loop/gsource.c loop/blockcost.c
LOOP_SRCS += loop/fdmon-epoll.c loop/fdmon-io_uring.c
LOOP_SRCS += loop/iothread.c loop/thread-pool.c
