# tests/workloads/: the histogram, the simulated NVMe device, the
# generator, runs; real targets and engines, the virtio ring, device
# statistics; `aiotune run` flags and outputs.
TESTS += tests/workloads/test-hist.c tests/workloads/test-simnvme-model.c \
	tests/workloads/test-gen.c tests/workloads/test-simnvme-engine.c \
	tests/workloads/test-run.c
TSAN_TESTS += tests/workloads/test-simnvme-engine.c tests/workloads/test-run.c
SH_TESTS += tests/workloads/run-cli.sh
TESTS += tests/workloads/test-engine-verify.c \
	tests/workloads/test-target-safety.c tests/workloads/test-virtio-ring.c
TESTS += tests/workloads/test-devstat.c tests/workloads/test-run-real.c
TSAN_TESTS += tests/workloads/test-virtio-ring.c \
	tests/workloads/test-engine-verify.c tests/workloads/test-run-real.c
SH_TESTS += tests/workloads/real-safety.sh tests/workloads/real-output.sh \
	tests/workloads/real-verify.sh tests/workloads/uring-taskrun.sh \
	tests/workloads/uring-ring.sh \
	tests/workloads/engine-bounded.sh tests/workloads/target-rules.sh
# The hist: latency file, read strictly.
TESTS += tests/workloads/test-simnvme-hist.c
