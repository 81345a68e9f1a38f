# qemu/: QEMU itself as a measured peer (`aiotune run --engine qemu`):
# the guest's VM under a keeper, QMP, the console protocol, QEMU's trace
# events and /proc CPU times (public API: qemu/qemu.h).
APP_SRCS += qemu/accel.c qemu/conio.c qemu/console.c \
	qemu/engine.c qemu/fio-result.c qemu/guest.c qemu/point.c qemu/proc.c \
	qemu/measure.c qemu/qmp.c qemu/result.c qemu/run.c qemu/session.c \
	qemu/trace.c qemu/vm.c qemu/window.c
# The guest image's builder and the guest's /init are data files (make
# install); qemu-guest.sh finds guest-init.sh at ../qemu/ beside itself.
INSTALL_DATA += scripts/qemu-guest.sh qemu/guest-init.sh
