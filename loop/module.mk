# loop/: the AioContext/IOThread library (build/libaioloop.a)
LOOP_SRCS += loop/event-notifier.c loop/lockcnt.c loop/timer.c \
	loop/async.c loop/aio-posix.c loop/fdmon.c loop/fdmon-poll.c \
	loop/gsource.c
# fd monitors: epoll and io_uring (tests in tests/fdmon/).
LOOP_SRCS += loop/fdmon-epoll.c loop/fdmon-io_uring.c
FDMON_TESTS_MT := tests/fdmon/test-fdmon-remove-mt.c \
	tests/fdmon/test-fdmon-gsource.c tests/fdmon/test-fdmon-io_uring.c \
	tests/fdmon/test-aio-add-sqe.c
TESTS += tests/fdmon/test-fdmon-dispatch.c tests/fdmon/test-fdmon-upgrade.c \
	$(FDMON_TESTS_MT)
TSAN_TESTS += $(FDMON_TESTS_MT)
BENCHES += bench/fdmon-wake.c
BENCHES += bench/loop-costs.c
# IOThread and the per-context thread pool (tests in tests/iothread/).
LOOP_SRCS += loop/iothread.c loop/thread-pool.c
IOTHREAD_TESTS := tests/iothread/test-thread-pool.c \
	tests/iothread/test-thread-pool-cancel.c \
	tests/iothread/test-thread-pool-params.c \
	tests/iothread/test-thread-pool-bounded.c \
	tests/iothread/test-iothread.c tests/iothread/test-iothread-params.c \
	tests/iothread/test-iothread-gmain.c tests/iothread/test-iothread-pool.c
TESTS += $(IOTHREAD_TESTS)
TSAN_TESTS += $(IOTHREAD_TESTS)
