/*
 * test-host-facts.c: the readers of affinity/host.h on a fake procfs and
 * sysfs tree: the CPU model, NUMA nodes from sysfs, the kernel settings,
 * block devices by number and name (a disk with two partitions, one held
 * by device-mapper; two loop devices, one with a backing file), a disk's
 * I/O counters and driver device, and interrupt counts summed by name
 * (CPU columns with a gap, a shared line, rows of other devices and
 * summary rows left out). Unknown facts come back as -ENOENT.
 */
#include <stdlib.h>
#include <sys/sysmacros.h>

#include "affinity/aff-internal.h"
#include "tests/affinity/fakesys.h"

#define PCI "sys/devices/pci0000:00/0000:00:04.0"
#define VDA PCI "/virtio1/block/vda"
#define LOOPS "sys/devices/virtual/block"

static void build_tree(void)
{
	put(at("proc/cpuinfo"),
	    "processor\t: 0\n"
	    "vendor_id\t: FakeVendor\n"
	    "model name\t: Fake CPU 9000 @ 3.00GHz  \n"
	    "flags\t\t: fpu\n\n"
	    "processor\t: 1\n"
	    "model name\t: Other CPU");
	mkdirs(at("sys/devices/system/node/node0"));
	mkdirs(at("sys/devices/system/node/node1"));
	put(at("sys/devices/system/node/possible"), "0-1");
	put(at("sys/devices/system/clocksource/clocksource0/"
	       "current_clocksource"), "tsc");
	put(at("sys/devices/system/cpu/cpuidle/current_driver"), "haltpoll");
	put(at("sys/module/haltpoll/parameters/guest_halt_poll_ns"),
	    "200000");

	/* vda: two partitions, vda1 held by dm-0. */
	put(at(VDA "/dev"), "253:0");
	put(at(VDA "/stat"), "     100        2      800       50       10"
	    "        0       80        5        1       60       55");
	mkdirs(at(VDA "/holders"));
	link_to("../../../virtio1", at(VDA "/device"));
	put(at(VDA "/vda1/dev"), "253:1");
	put(at(VDA "/vda1/partition"), "1");
	mkdirs(at(VDA "/vda1/holders/dm-0"));
	put(at(VDA "/vda2/dev"), "253:2");
	put(at(VDA "/vda2/partition"), "2");
	mkdirs(at(VDA "/vda2/holders"));
	mkdirs(at(VDA "/queue"));
	link_to("../../devices/pci0000:00/0000:00:04.0/virtio1/block/vda",
		at("sys/dev/block/253:0"));
	link_to("../../devices/pci0000:00/0000:00:04.0/virtio1/block/vda/vda1",
		at("sys/dev/block/253:1"));
	link_to("../../devices/pci0000:00/0000:00:04.0/virtio1/block/vda",
		at("sys/class/block/vda"));
	link_to("../../devices/pci0000:00/0000:00:04.0/virtio1/block/vda/vda1",
		at("sys/class/block/vda1"));
	link_to("../devices/pci0000:00/0000:00:04.0/virtio1/block/vda",
		at("sys/block/vda"));

	/* loop0 backs a file, loop1 is free; sdz has a short stat. */
	put(at(LOOPS "/loop0/dev"), "7:0");
	put(at(LOOPS "/loop0/loop/backing_file"), "/srv/disk.img");
	put(at(LOOPS "/loop1/dev"), "7:1");
	link_to("../devices/virtual/block/loop0", at("sys/block/loop0"));
	link_to("../devices/virtual/block/loop1", at("sys/block/loop1"));
	put(at("sys/block/sdz/stat"), "1 2 3");

	/* CPU2 is offline: its column is missing. */
	put(at("proc/interrupts"),
"           CPU0       CPU1       CPU3\n"
" 24:          5          0          7  PCI-MSI 0-edge      virtio1-req.0\n"
" 25:          1          2          3  PCI-MSI 1-edge      virtio10-req.0\n"
" 26:          0          4          0  PCI-MSI 2-edge      virtio1-config\n"
" 27:          1          1          1  IO-APIC 11-fasteoi  nvme0q1, virtio1-req.1\n"
"NMI:          9          9          9   Non-maskable interrupts\n"
"ERR:          3");
}

static void check_host(void)
{
	char buf[64], small[5], empty[PATH_MAX];

	ASSERT_EQ(aff__cpu_model(root, buf, sizeof(buf)), 0);
	ASSERT_STREQ(buf, "Fake CPU 9000 @ 3.00GHz");
	ASSERT_EQ(aff__cpu_model(root, small, sizeof(small)), 0);
	ASSERT_STREQ(small, "Fake");
	ASSERT_EQ(aff__sysfs_numa_nodes(root), 2);

	ASSERT_EQ(aff__host_setting(root, AFF_HOST_CLOCKSOURCE, buf,
				    sizeof(buf)), 0);
	ASSERT_STREQ(buf, "tsc");
	ASSERT_EQ(aff__host_setting(root, AFF_HOST_CPUIDLE_DRIVER, buf,
				    sizeof(buf)), 0);
	ASSERT_STREQ(buf, "haltpoll");
	ASSERT_EQ(aff__host_setting(root, AFF_HOST_GUEST_HALT_POLL_NS, buf,
				    sizeof(buf)), 0);
	ASSERT_STREQ(buf, "200000");
	ASSERT_EQ(aff__host_setting(root, AFF_HOST_CPUIDLE_GOVERNOR, buf,
				    sizeof(buf)), -ENOENT);
	ASSERT_EQ(aff__host_setting(root, AFF_HOST_NR_SETTINGS, buf,
				    sizeof(buf)), -EINVAL);

	/* A tree without them: the facts are unknown, not guessed. */
	snprintf(empty, sizeof(empty), "%s/empty", root);
	mkdirs(empty);
	ASSERT_EQ(aff__cpu_model(empty, buf, sizeof(buf)), -ENOENT);
	ASSERT_EQ(aff__sysfs_numa_nodes(empty), -ENOENT);
	put(at("empty/proc/cpuinfo"), "processor\t: 0\nflags\t: fpu");
	ASSERT_EQ(aff__cpu_model(empty, buf, sizeof(buf)), -ENOENT);

	/* This host: at least one node; no CPU outside the range. */
	ASSERT_GE(aff_host_numa_nodes(), 1);
	ASSERT_EQ(aff_node_of_cpu(-1), -1);
	ASSERT_EQ(aff_node_of_cpu(AFF_MAX_CPUS), -1);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct aff_blockdev *)a)->name,
		      ((const struct aff_blockdev *)b)->name);
}

static void check_blockdevs(void)
{
	struct aff_blockdev *list;
	char buf[64];

	ASSERT_EQ(aff__blockdev_name(root, makedev(253, 1), buf, sizeof(buf)),
		  0);
	ASSERT_STREQ(buf, "vda1");
	ASSERT_EQ(aff__blockdev_disk(root, makedev(253, 1), buf, sizeof(buf)),
		  0);
	ASSERT_STREQ(buf, "vda");
	ASSERT_EQ(aff__blockdev_disk(root, makedev(253, 0), buf, sizeof(buf)),
		  0);
	ASSERT_STREQ(buf, "vda");
	ASSERT_EQ(aff__blockdev_name(root, makedev(8, 0), buf, sizeof(buf)),
		  -ENOENT);
	ASSERT_EQ(aff__blockdev_disk(root, makedev(8, 0), buf, sizeof(buf)),
		  -ENOENT);

	ASSERT_TRUE(aff__blockdev_is_partition(root, "vda1"));
	ASSERT_FALSE(aff__blockdev_is_partition(root, "vda"));
	ASSERT_FALSE(aff__blockdev_is_partition(root, "sdq"));
	ASSERT_EQ(aff__blockdev_holder(root, "vda1", buf, sizeof(buf)), 0);
	ASSERT_STREQ(buf, "dm-0");
	ASSERT_EQ(aff__blockdev_holder(root, "vda", buf, sizeof(buf)),
		  -ENOENT);

	ASSERT_EQ(aff__blockdev_partitions(root, "vda", &list), 2);
	qsort(list, 2, sizeof(*list), by_name);
	ASSERT_STREQ(list[0].name, "vda1");
	ASSERT_TRUE(list[0].dev == makedev(253, 1));
	ASSERT_STREQ(list[1].name, "vda2");
	ASSERT_TRUE(list[1].dev == makedev(253, 2));
	free(list);
	ASSERT_EQ(aff__blockdev_partitions(root, "vda1", &list), 0);
	ASSERT_NULL(list);
	ASSERT_LT(aff__blockdev_partitions(root, "sdq", &list), 0);

	ASSERT_EQ(aff__loop_devices(root, &list), 2);
	qsort(list, 2, sizeof(*list), by_name);
	ASSERT_STREQ(list[0].name, "loop0");
	ASSERT_TRUE(list[0].dev == makedev(7, 0));
	ASSERT_STREQ(list[1].name, "loop1");
	free(list);
	ASSERT_EQ(aff__loop_backing_file(root, "loop0", buf, sizeof(buf)), 0);
	ASSERT_STREQ(buf, "/srv/disk.img");
	ASSERT_EQ(aff__loop_backing_file(root, "loop1", buf, sizeof(buf)),
		  -ENOENT);
	ASSERT_EQ(aff__loop_backing_file(root, "vda", buf, sizeof(buf)),
		  -ENOENT);
}

static void check_disk(void)
{
	struct aff_disk_stat st;
	char buf[64];

	ASSERT_TRUE(aff__disk_has_stat(root, "vda"));
	ASSERT_FALSE(aff__disk_has_stat(root, "loop1"));
	ASSERT_EQ(aff__disk_stat(root, "vda", &st), 0);
	ASSERT_EQ(st.rd_ios, 100);
	ASSERT_EQ(st.rd_merges, 2);
	ASSERT_EQ(st.rd_sectors, 800);
	ASSERT_EQ(st.wr_ios, 10);
	ASSERT_EQ(st.wr_sectors, 80);
	ASSERT_EQ(st.in_flight, 1);
	ASSERT_EQ(st.io_ticks_ms, 60);
	ASSERT_EQ(st.time_in_queue_ms, 55);
	ASSERT_EQ(aff__disk_stat(root, "sdz", &st), -EIO);
	ASSERT_EQ(aff__disk_stat(root, "loop1", &st), -ENOENT);

	ASSERT_EQ(aff__disk_ctrl(root, "vda", buf, sizeof(buf)), 0);
	ASSERT_STREQ(buf, "virtio1");
	ASSERT_EQ(aff__disk_ctrl(root, "loop0", buf, sizeof(buf)), -ENOENT);
}

static void check_irqs(void)
{
	struct aff_irq_counts *c = malloc(sizeof(*c));
	char empty[PATH_MAX];

	ASSERT_NOT_NULL(c);
	/* virtio1: rows 24, 26 and the shared 27; not virtio10 (25). */
	ASSERT_EQ(aff__irq_counts(root, "virtio1", c), 0);
	ASSERT_EQ(c->total, 19);
	ASSERT_EQ(c->ncpus, 4);
	ASSERT_EQ(c->cpu[0], 6);
	ASSERT_EQ(c->cpu[1], 5);
	ASSERT_EQ(c->cpu[2], 0);
	ASSERT_EQ(c->cpu[3], 8);
	ASSERT_EQ(aff__irq_counts(root, "nvme0", c), 0);
	ASSERT_EQ(c->total, 3);
	ASSERT_EQ(aff__irq_counts(root, "virtio10", c), 0);
	ASSERT_EQ(c->total, 6);
	ASSERT_EQ(aff__irq_counts(root, "sda", c), 0);
	ASSERT_EQ(c->total, 0);
	ASSERT_EQ(c->ncpus, 0);
	ASSERT_EQ(aff__irq_counts(root, "", c), -EINVAL);
	snprintf(empty, sizeof(empty), "%s/empty", root);
	ASSERT_EQ(aff__irq_counts(empty, "virtio1", c), -ENOENT);
	free(c);
}

int main(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(root, sizeof(root), "%s/fakehost", t_tmpdir());
	build_tree();
	check_host();
	check_blockdevs();
	check_disk();
	check_irqs();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t_tmpdir());
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", t_tmpdir());
	return T_EXIT_PASS;
}
