# tests/loop/: loop conformance tests (each runs on every fd monitor).
LOOP_TESTS_MT := tests/loop/test-notify.c tests/loop/test-timer.c \
	tests/loop/test-acquire.c tests/loop/test-multithread.c \
	tests/loop/test-stress.c
TESTS += tests/loop/test-bh.c tests/loop/test-event.c \
	tests/loop/test-gsource.c tests/loop/test-poll-params.c \
	tests/loop/test-nested.c tests/loop/test-bad-input.c \
	tests/loop/test-epoll-upgrade.c tests/loop/test-blockcost.c \
	$(LOOP_TESTS_MT)
TSAN_TESTS += $(LOOP_TESTS_MT)
# The block cost: work counted from several threads, an IOThread's
# calibration and loop while another thread reads the statistics.
TSAN_TESTS += tests/loop/test-blockcost.c
