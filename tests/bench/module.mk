# tests/bench/: loop-peers.sh runs every loop-peer adapter's check (no
# timing); the adapters are built by bench/module.mk.
TEST_PROGS += $(LOOP_PEER_BINS)
SH_TESTS += tests/bench/loop-peers.sh
# tests/bench/policies-report.sh: bench/policies-report.py on fixture runs
# (medians, goal verdicts, the files it writes).
SH_TESTS += tests/bench/policies-report.sh
