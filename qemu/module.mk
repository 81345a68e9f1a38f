# qemu/: QEMU itself as a measured peer (`aiotune run --engine qemu`):
# the guest's VM under a keeper, QMP, the console protocol, QEMU's trace
# events and /proc CPU times (public API: qemu/qemu.h).
APP_SRCS += qemu/accel.c qemu/conio.c qemu/console.c \
	qemu/engine.c qemu/fio-result.c qemu/guest.c qemu/point.c qemu/proc.c \
	qemu/measure.c qemu/qmp.c qemu/result.c qemu/run.c qemu/session.c \
	qemu/trace.c qemu/vm.c qemu/window.c
