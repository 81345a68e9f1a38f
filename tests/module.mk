# tests/: one program per test. Modules list their own tests in their
# module.mk (TESTS, SH_TESTS, TSAN_TESTS); shared helpers live in tests/lib.
# tests/loop/: loop conformance tests (each runs on every fd monitor).
LOOP_TESTS_MT := tests/loop/test-notify.c tests/loop/test-timer.c \
	tests/loop/test-acquire.c tests/loop/test-multithread.c \
	tests/loop/test-stress.c
TESTS += tests/loop/test-bh.c tests/loop/test-event.c \
	tests/loop/test-gsource.c tests/loop/test-poll-params.c \
	tests/loop/test-nested.c tests/loop/test-bad-input.c \
	tests/loop/test-epoll-upgrade.c $(LOOP_TESTS_MT)
TSAN_TESTS += $(LOOP_TESTS_MT)
# tests/model/: the notify_me/notified protocol, model-checked with spin.
SH_TESTS += tests/model/spin-notify.sh
# tests/docs-links.sh: no reference leaves the repository; every docs/
# file and section cited exists.
SH_TESTS += tests/docs-links.sh
include tests/fuzz/module.mk
