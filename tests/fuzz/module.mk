# tests/fuzz/: libFuzzer targets, one per parser of outside input (job
# files, fio JSON, run JSON, results.csv, sim: targets, placements). make
# fuzz builds them with clang under ASan+UBSan in build/fuzz and runs each
# for FUZZ_SECONDS on a copy of its seed corpus, tests/fuzz/corpus/NAME/
# (tests/fuzz/run.sh). make check replays each corpus through the same
# targets built with the normal compiler (replay.c, replay.sh).
FUZZ_TARGETS := jobfile fio-import runjson results-csv sim-spec placement
FUZZ_LIB := tests/fuzz/fuzz-lib.c
FUZZ_REPLAY := tests/fuzz/replay.c
SH_TESTS += tests/fuzz/replay.sh
TEST_PROGS += $(FUZZ_TARGETS:%=$(BUILD)/tests/fuzz/replay-%)
TESTS += tests/fuzz/test-findings.c
