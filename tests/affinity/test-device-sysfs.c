/*
 * test-device-sysfs.c: device facts from a fake sysfs and procfs tree: an
 * NVMe namespace on node 1 (classic layout) and one behind native
 * multipath (nvme-subsystem), with MSI-X vectors, their affinity and
 * counts, a mounted partition, and the node fallback order.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>

#include "affinity/aff-internal.h"
#include "tests/affinity/fakesys.h"
#include "tests/affinity/xml.h"

#define PCI0 "sys/devices/pci0000:40/0000:40:00.0"
#define PCI1 "sys/devices/pci0000:80/0000:80:00.0"
#define SUBSYS "sys/devices/virtual/nvme-subsystem/nvme-subsys1"

static void queue(const char *blockdir)
{
	put(at("%s/queue/io_poll", blockdir), "1");
	put(at("%s/queue/io_poll_delay", blockdir), "-1");
	put(at("%s/queue/scheduler", blockdir), "[none] mq-deadline");
	put(at("%s/queue/nr_requests", blockdir), "1023");
	put(at("%s/queue/logical_block_size", blockdir), "512");
	put(at("%s/queue/rotational", blockdir), "0");
	for (int i = 0; i < 3; i++)
		mkdirs(at("%s/mq/%d", blockdir, i));
	mkdirs(at("%s/holders", blockdir));
}

static void build_tree(void)
{
	const char *ns0 = PCI0 "/nvme/nvme0/nvme0n1";

	/* Classic: the namespace under its controller under the PCI fn. */
	queue(ns0);
	put(at("%s/queue/max_hw_sectors_kb", ns0), "128");
	put(at("%s/queue/nomerges", ns0), "0");
	put(at("%s/queue/rq_affinity", ns0), "2");
	put(at("%s/dev", ns0), "259:0");
	put(at("%s/nvme0n1p1/dev", ns0), "259:1");
	put(at("%s/nvme0n1p1/partition", ns0), "1");
	link_to("../../nvme0", at("%s/device", ns0));
	put(at(PCI0 "/nvme/nvme0/model"), "Synthetic SSD");
	put(at(PCI0 "/nvme/nvme0/firmware_rev"), "1B2QEXM7");
	put(at(PCI0 "/numa_node"), "1");
	put(at(PCI0 "/local_cpulist"), "4-7");
	put(at(PCI0 "/vendor"), "0x144d");
	put(at(PCI0 "/device"), "0xa808");
	for (int irq = 50; irq <= 52; irq++)
		put(at(PCI0 "/msi_irqs/%d", irq), "msix");
	mkdirs(at("sys/bus/pci/drivers/nvme"));
	link_to("../../../bus/pci/drivers/nvme", at(PCI0 "/driver"));
	link_to("../devices/pci0000:40/0000:40:00.0/nvme/nvme0/nvme0n1",
		at("sys/block/nvme0n1"));
	put(at("sys/module/nvme/parameters/poll_queues"), "4");

	/* Multipath: the namespace under a virtual subsystem. */
	queue(SUBSYS "/nvme1n1");
	put(at(SUBSYS "/nvme1n1/dev"), "259:2");
	link_to("../../nvme-subsys1", at(SUBSYS "/nvme1n1/device"));
	put(at(SUBSYS "/model"), "Subsys SSD");
	put(at(SUBSYS "/firmware_rev"), "2C");
	link_to("../../../pci0000:80/0000:80:00.0/nvme/nvme1",
		at(SUBSYS "/nvme1"));
	link_to("../../../0000:80:00.0", at(PCI1 "/nvme/nvme1/device"));
	put(at(PCI1 "/numa_node"), "0");
	put(at(PCI1 "/irq"), "71");
	link_to("../../../bus/pci/drivers/nvme", at(PCI1 "/driver"));
	link_to("../devices/virtual/nvme-subsystem/nvme-subsys1/nvme1n1",
		at("sys/block/nvme1n1"));

	put(at("proc/interrupts"),
"           CPU0       CPU1       CPU2       CPU3       CPU4       CPU5       CPU6       CPU7\n"
" 50:          0          0          0          0         12          0          0          0  IR-PCI-MSIX-0000:40:00.0    0-edge      nvme0q0\n"
" 51:          0          0          0          0       9000          0          0          0  IR-PCI-MSIX-0000:40:00.0    1-edge      nvme0q1\n"
" 52:          0          0          0          0          3        100          0          0  IR-PCI-MSIX-0000:40:00.0    2-edge      nvme0q2\n"
" 60:          5          5          5          5          5          5          5          5  IR-PCI-MSIX-0000:41:00.0    0-edge      eth0\n"
" 71:          0          0          7          0          0          0          0          0  IO-APIC   11-fasteoi   nvme1q1\n"
"NMI:          0          0          0          0          0          0          0          0   Non-maskable interrupts");
	put(at("proc/irq/51/smp_affinity_list"), "4");
	put(at("proc/irq/51/effective_affinity_list"), "4");
	put(at("proc/irq/52/smp_affinity_list"), "5-6");
	put(at("proc/irq/71/smp_affinity_list"), "0-3");
	put(at("proc/self/mountinfo"),
	    "21 1 254:0 / / rw - ext4 /dev/vda rw\n"
	    "22 21 259:1 / /data rw - ext4 /dev/nvme0n1p1 rw");
}

static void device_init(struct aff_device *d)
{
	/* As aff_device_probe sets it up before reading sysfs. */
	aff__device_init(d, "");
	d->kind = AFF_DEV_BLOCK;
}

static void check_classic(void)
{
	struct aff_device d;
	char buf[64];

	device_init(&d);
	ASSERT_EQ(aff__device_probe_disk(root, "nvme0n1", &d), 0);
	ASSERT_STREQ(d.disk, "nvme0n1");
	ASSERT_STREQ(d.ctrl, "nvme0");
	ASSERT_STREQ(d.driver, "nvme");
	ASSERT_STREQ(d.pci, "0000:40:00.0");
	ASSERT_STREQ(d.model, "Synthetic SSD");
	ASSERT_STREQ(d.firmware, "1B2QEXM7");
	ASSERT_EQ(d.hw_queues, 3);
	ASSERT_EQ(d.poll_queues, 4);
	ASSERT_EQ(d.io_poll, 1);
	ASSERT_EQ(d.io_poll_delay, -1);
	ASSERT_TRUE(d.io_poll_delay_known);
	ASSERT_STREQ(d.scheduler, "none");
	ASSERT_EQ(d.nr_requests, 1023);
	ASSERT_EQ(d.logical_block, 512);
	ASSERT_EQ(d.rotational, 0);
	ASSERT_EQ(d.max_hw_sectors_kb, 128);
	ASSERT_EQ(d.nomerges, 0);
	ASSERT_EQ(d.rq_affinity, 2);
	ASSERT_STREQ(d.vendor, "");
	ASSERT_EQ(d.sysfs_node, 1);
	ASSERT_TRUE(d.local_cpus_known);
	ASSERT_EQ(aff_cpuset_format(&d.local_cpus, buf, sizeof(buf)), 0);
	ASSERT_STREQ(buf, "4-7");
	ASSERT_STREQ(d.mounted_on, "/data");
	ASSERT_STREQ(d.held_by, "");

	/* nvme0q0 (admin) and eth0 (another device) are left out. */
	ASSERT_EQ(d.nirqs, 2);
	ASSERT_EQ(d.irqs[0].irq, 51);
	ASSERT_STREQ(d.irqs[0].name, "nvme0q1");
	ASSERT_EQ(d.irqs[0].count, 9000);
	ASSERT_EQ(d.irqs[0].top_cpu, 4);
	ASSERT_TRUE(d.irqs[0].effective_known);
	ASSERT_EQ(d.irqs[1].irq, 52);
	ASSERT_EQ(d.irqs[1].count, 103);
	ASSERT_EQ(d.irqs[1].top_cpu, 5);
	ASSERT_FALSE(d.irqs[1].effective_known);
	ASSERT_TRUE(d.irqs[1].affinity_known);
	ASSERT_EQ(aff_cpuset_count(&d.irqs[1].affinity), 2);
	/* The busiest vector's effective CPU. */
	ASSERT_EQ(d.irq_cpu, 4);
	ASSERT_NOT_NULL(strstr(d.irq_note, "irq 51"));
}

static void check_multipath(void)
{
	struct aff_device d;

	device_init(&d);
	ASSERT_EQ(aff__device_probe_disk(root, "nvme1n1", &d), 0);
	ASSERT_STREQ(d.ctrl, "nvme1");
	ASSERT_STREQ(d.pci, "0000:80:00.0");
	ASSERT_STREQ(d.model, "Subsys SSD");
	ASSERT_STREQ(d.firmware, "2C");
	/* Queue settings this tree lacks stay unknown. */
	ASSERT_EQ(d.max_hw_sectors_kb, -1);
	ASSERT_EQ(d.rq_affinity, -1);
	ASSERT_EQ(d.sysfs_node, 0);
	ASSERT_FALSE(d.local_cpus_known);
	ASSERT_STREQ(d.mounted_on, "");
	/* A legacy line: effective affinity unreadable, counts decide. */
	ASSERT_EQ(d.nirqs, 1);
	ASSERT_EQ(d.irqs[0].irq, 71);
	ASSERT_EQ(d.irq_cpu, 2);
	ASSERT_NOT_NULL(strstr(d.irq_note, "took most"));
}

static void check_locate(void)
{
	struct aff_topo *smt = load_xml(XML_2S_SMT);
	struct aff_topo *nv = load_xml(XML_NVME);
	struct aff_device d;
	char buf[64];

	/* hwloc knows nvme0n1 in the NVMe XML: it wins over sysfs. */
	device_init(&d);
	ASSERT_EQ(aff__device_probe_disk(root, "nvme0n1", &d), 0);
	aff_device_locate(nv, &d);
	ASSERT_EQ(d.numa_node, 1);
	ASSERT_STREQ(d.node_source, "hwloc");
	/* The 2-socket XML has no I/O objects: sysfs decides. */
	device_init(&d);
	ASSERT_EQ(aff__device_probe_disk(root, "nvme0n1", &d), 0);
	aff_device_locate(smt, &d);
	ASSERT_EQ(d.numa_node, 1);
	ASSERT_STREQ(d.node_source, "sysfs");
	ASSERT_EQ(aff_cpuset_format(&d.local_cpus, buf, sizeof(buf)), 0);
	ASSERT_STREQ(buf, "4-7");
	/* Without local_cpulist, the node's CPUs. */
	device_init(&d);
	ASSERT_EQ(aff__device_probe_disk(root, "nvme1n1", &d), 0);
	aff_device_locate(smt, &d);
	ASSERT_EQ(d.numa_node, 0);
	ASSERT_EQ(aff_cpuset_format(&d.local_cpus, buf, sizeof(buf)), 0);
	ASSERT_STREQ(buf, "0-3,8-11");
	aff_topo_free(smt);
	aff_topo_free(nv);
}

int main(void)
{
	struct aff_device d;
	char cmd[PATH_MAX + 16];

	snprintf(root, sizeof(root), "%s/fakesys", t_tmpdir());
	build_tree();
	check_classic();
	check_multipath();
	check_locate();
	device_init(&d);
	ASSERT_EQ(aff__device_probe_disk(root, "sdq", &d), -ENOENT);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t_tmpdir());
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", t_tmpdir());
	return 0;
}
