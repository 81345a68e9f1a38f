# tests/: one program per test, listed by folder in tests/<x>/module.mk
# (TESTS, SH_TESTS, TSAN_TESTS); shared helpers live in tests/lib.
# tests/docs-links.sh: no reference leaves the repository; every docs/
# file and section cited exists.
SH_TESTS += tests/docs-links.sh
include $(sort $(wildcard tests/*/module.mk))
