# tests/affinity/: placements on shipped topologies, device facts from a
# fake sysfs, real pinning and memory policy; `aiotune topo`.
TESTS += tests/affinity/test-cpuset.c tests/affinity/test-placement-parse.c \
	tests/affinity/test-topo-xml.c tests/affinity/test-placement-2s.c \
	tests/affinity/test-placement-small.c tests/affinity/test-device-sysfs.c \
	tests/affinity/test-host-facts.c \
	tests/affinity/test-pin.c tests/affinity/test-mem.c
TSAN_TESTS += tests/affinity/test-pin.c
SH_TESTS += tests/affinity/topo.sh
