# tests/util/: bounded reads of user-named files, in C and through every
# command that reads one; the registry helper.
TESTS += tests/util/test-file.c tests/util/test-registry.c \
	tests/util/test-registry-mt.c
TSAN_TESTS += tests/util/test-registry-mt.c
SH_TESTS += tests/util/input-files.sh
