# polling/: adaptive polling policies (pure code, part of libaioloop.a),
# the trace reader and the offline simulator.
LOOP_SRCS += polling/registry.c polling/qemu.c polling/weight.c \
	polling/fixed.c polling/cost.c polling/hist.c polling/trace.c \
	polling/simulate.c polling/probe.c
