# util/: helpers below every module (nothing of aiotune included): bounded
# reads of user-named files. Part of libaioloop.a so that every module,
# polling/ included, may use it.
LOOP_SRCS += util/file.c
TESTS += tests/util/test-file.c
SH_TESTS += tests/util/input-files.sh
