# workloads/: engines, front ends, the job and its options (one table,
# option.h) in fio's units, measurement, the runner and its text output;
# the engine names of the peers (QEMU's, fio's) and a job as fio runs it.
APP_SRCS += workloads/job.c workloads/hist.c workloads/stats.c \
	workloads/gen.c workloads/frontend.c workloads/frontend-direct.c \
	workloads/simnvme-model.c workloads/engine-simnvme.c \
	workloads/registry.c workloads/measure.c workloads/runner.c \
	workloads/result-text.c workloads/units.c workloads/option.c \
	workloads/peer.c workloads/fio-cmd.c
# Real targets and engines (io_uring, linux-aio, threads), virtio front end.
APP_SRCS += workloads/target.c workloads/target-use.c workloads/devstat.c \
	workloads/engine-real.c workloads/engine-io_uring.c \
	workloads/engine-linux-aio.c workloads/engine-threads.c \
	workloads/frontend-virtio.c
