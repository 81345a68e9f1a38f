# tests/qemu/: QEMU as the peer: trace, console, window and accelerator
# units; the guest image, bad input, faults and a whole run end to end.
TESTS += tests/qemu/test-qm-trace.c tests/qemu/test-qm-console.c \
	tests/qemu/test-qm-window.c tests/qemu/test-qm-accel.c
SH_TESTS += tests/qemu/guest-image.sh tests/qemu/qemu-bad-input.sh \
	tests/qemu/qemu-faults.sh tests/qemu/qemu-e2e.sh
