# tests/fdmon/: the fd monitors (poll, epoll, io_uring).
FDMON_TESTS_MT := tests/fdmon/test-fdmon-remove-mt.c \
	tests/fdmon/test-fdmon-gsource.c tests/fdmon/test-fdmon-io_uring.c \
	tests/fdmon/test-aio-add-sqe.c
TESTS += tests/fdmon/test-fdmon-dispatch.c tests/fdmon/test-fdmon-upgrade.c \
	$(FDMON_TESTS_MT)
TSAN_TESTS += $(FDMON_TESTS_MT)
