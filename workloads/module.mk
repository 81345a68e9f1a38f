# workloads/: engines, front ends, the job, measurement and the runner.
APP_SRCS += workloads/job.c workloads/hist.c workloads/stats.c \
	workloads/gen.c workloads/frontend.c workloads/frontend-direct.c \
	workloads/simnvme-model.c workloads/engine-simnvme.c workloads/registry.c \
	workloads/measure.c workloads/runner.c workloads/result-json.c \
	workloads/result-text.c
TESTS += tests/workloads/test-hist.c tests/workloads/test-simnvme-model.c \
	tests/workloads/test-gen.c
# Real targets and engines (io_uring, linux-aio, threads), virtio front end.
APP_SRCS += workloads/target.c workloads/devstat.c workloads/engine-real.c \
	workloads/engine-io_uring.c workloads/engine-linux-aio.c
TESTS += tests/workloads/test-target-safety.c
