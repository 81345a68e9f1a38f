# util/: helpers below every module (nothing of aiotune included): bounded
# reads of user-named files, the registry helper every registry of
# backends uses, small macros (util.h). Part of libaioloop.a so that every
# module, polling/ included, may use it.
LOOP_SRCS += util/file.c util/registry.c
TESTS += tests/util/test-file.c tests/util/test-registry.c \
	tests/util/test-registry-mt.c
TSAN_TESTS += tests/util/test-registry-mt.c
SH_TESTS += tests/util/input-files.sh
