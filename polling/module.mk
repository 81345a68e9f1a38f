# polling/: adaptive polling policies (pure code, part of libaioloop.a)
LOOP_SRCS += polling/registry.c polling/qemu.c
