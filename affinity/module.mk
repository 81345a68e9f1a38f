# affinity/: topology (hwloc), device facts (sysfs), placements, pinning,
# memory policy (libnuma). Public API: affinity/affinity.h, aff-json.h.
APP_SRCS += affinity/caps.c affinity/cpuset.c affinity/device.c \
	affinity/irq.c affinity/json.c affinity/mem.c affinity/pin.c \
	affinity/placement.c affinity/placement-parse.c affinity/sys.c \
	affinity/topo.c affinity/util.c
