# tests/polling/: the policies, the trace reader, the offline simulator
# and `aiotune simulate`, the loop without polling, live beside simulated.
TESTS += tests/polling/test-policy-qemu.c
TESTS += tests/polling/test-policy-weight.c tests/polling/test-policy-cost.c
TESTS += tests/polling/test-policy-probe.c
TESTS += tests/polling/test-trace.c tests/polling/test-simulate.c
SH_TESTS += tests/polling/simulate-cli.sh
TESTS += tests/polling/test-loop-nopoll.c
TESTS += tests/polling/test-live-vs-sim.c
TSAN_TESTS += tests/polling/test-live-vs-sim.c
