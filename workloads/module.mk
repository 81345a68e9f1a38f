# workloads/: engines, front ends, the job, measurement and the runner.
APP_SRCS += workloads/job.c workloads/hist.c workloads/stats.c \
	workloads/gen.c workloads/frontend.c workloads/frontend-direct.c \
	workloads/simnvme-model.c workloads/engine-simnvme.c workloads/registry.c \
	workloads/measure.c workloads/runner.c workloads/result-json.c \
	workloads/result-text.c cli/run.c
TESTS += tests/workloads/test-hist.c tests/workloads/test-simnvme-model.c \
	tests/workloads/test-gen.c tests/workloads/test-simnvme-engine.c \
	tests/workloads/test-run.c
TSAN_TESTS += tests/workloads/test-simnvme-engine.c tests/workloads/test-run.c
SH_TESTS += tests/workloads/run-cli.sh
# Real targets and engines (io_uring, linux-aio, threads), virtio front end.
APP_SRCS += workloads/target.c workloads/target-use.c workloads/devstat.c workloads/engine-real.c \
	workloads/engine-io_uring.c workloads/engine-linux-aio.c \
	workloads/engine-threads.c workloads/frontend-virtio.c
TESTS += tests/workloads/test-engine-verify.c \
	tests/workloads/test-target-safety.c tests/workloads/test-virtio-ring.c
TESTS += tests/workloads/test-devstat.c tests/workloads/test-run-real.c
TSAN_TESTS += tests/workloads/test-virtio-ring.c \
	tests/workloads/test-engine-verify.c tests/workloads/test-run-real.c
SH_TESTS += tests/workloads/real-safety.sh
SH_TESTS += tests/workloads/real-output.sh
SH_TESTS += tests/workloads/real-verify.sh
SH_TESTS += tests/workloads/uring-taskrun.sh
SH_TESTS += tests/workloads/uring-ring.sh
SH_TESTS += tests/workloads/engine-bounded.sh
SH_TESTS += tests/workloads/target-rules.sh
# The hist: latency file, read strictly.
TESTS += tests/workloads/test-simnvme-hist.c
