# polling/: adaptive polling policies (pure code, part of libaioloop.a),
# the trace reader and the offline simulator.
LOOP_SRCS += polling/registry.c polling/qemu.c polling/weight.c \
	polling/fixed.c polling/cost.c polling/hist.c polling/trace.c \
	polling/simulate.c polling/probe.c
TESTS += tests/polling/test-policy-qemu.c
TESTS += tests/polling/test-policy-weight.c tests/polling/test-policy-cost.c
TESTS += tests/polling/test-policy-probe.c
# `aiotune simulate` (the CLI front of polling/simulate.c).
APP_SRCS += cli/simulate.c
TESTS += tests/polling/test-trace.c tests/polling/test-simulate.c
SH_TESTS += tests/polling/simulate-cli.sh
TESTS += tests/polling/test-loop-nopoll.c
TESTS += tests/polling/test-live-vs-sim.c
TSAN_TESTS += tests/polling/test-live-vs-sim.c
