# tests/util/: bounded reads of user-named files, in C and through every
# command that reads one.
TESTS += tests/util/test-file.c
SH_TESTS += tests/util/input-files.sh
