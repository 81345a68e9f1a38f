# tests/: one program per test. Modules list their own tests in their
# module.mk (TESTS, SH_TESTS, TSAN_TESTS); shared helpers live in tests/lib.
