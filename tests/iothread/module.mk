# tests/iothread/: IOThread and the per-context thread pool.
IOTHREAD_TESTS := tests/iothread/test-thread-pool.c \
	tests/iothread/test-thread-pool-cancel.c \
	tests/iothread/test-thread-pool-params.c \
	tests/iothread/test-thread-pool-bounded.c \
	tests/iothread/test-iothread.c tests/iothread/test-iothread-params.c \
	tests/iothread/test-iothread-gmain.c tests/iothread/test-iothread-pool.c
TESTS += $(IOTHREAD_TESTS)
TSAN_TESTS += $(IOTHREAD_TESTS)
