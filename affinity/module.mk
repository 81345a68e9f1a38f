# affinity/: topology (hwloc), host and device facts (procfs, sysfs: the
# one reader of them, affinity/host.h), placements, pinning,
# memory policy (libnuma). Public API: affinity/affinity.h, host.h,
# aff-json.h.
APP_SRCS += affinity/caps.c affinity/cpuset.c affinity/device.c \
	affinity/irq.c affinity/json.c affinity/mem.c affinity/pin.c \
	affinity/host.c affinity/blockdev.c \
	affinity/placement.c affinity/placement-parse.c affinity/sys.c \
	affinity/topo.c affinity/util.c
