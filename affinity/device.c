/*
 * device.c: facts about the block device under a target, from sysfs.
 *
 * A target is a block device, or a file whose filesystem lives on one:
 * stat's st_dev leads to /sys/dev/block/MAJ:MIN; a partition is resolved
 * to its disk, a dm/md device with a single slave to that slave. From
 * /sys/block/<disk> come the queue settings (mq/ entries, io_poll,
 * io_poll_delay, scheduler), from device/ the controller (model, firmware,
 * PCI function, numa_node, local_cpulist, MSI interrupts; see irq.c).
 * Nothing is guessed: what cannot be read stays -1 or "".
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "affinity/aff-internal.h"

void aff__device_init(struct aff_device *d, const char *target)
{
	memset(d, 0, sizeof(*d));
	aff__strlcpy(d->target, target, sizeof(d->target));
	d->kind = AFF_DEV_NONE;
	d->hw_queues = -1;
	d->poll_queues = -1;
	d->io_poll = -1;
	d->io_poll_delay = -1;
	d->nr_requests = -1;
	d->logical_block = -1;
	d->rotational = -1;
	d->max_hw_sectors_kb = -1;
	d->nomerges = -1;
	d->rq_affinity = -1;
	d->sysfs_node = -1;
	d->hwloc_node = -1;
	d->numa_node = -1;
	d->irq_cpu = -1;
}

static bool is_pci_addr(const char *s)
{
	unsigned int dom, bus, dev, fn;
	char tail;

	return sscanf(s, "%4x:%2x:%2x.%1x%c", &dom, &bus, &dev, &fn,
		      &tail) == 4 && strlen(s) == 12;
}

/* The PCI function above the disk's device, as a directory path. */
static int find_pci_dir(const char *root, const char *disk, char *out,
			size_t len)
{
	char path[PATH_MAX], real[PATH_MAX], *slash;
	size_t rootlen = strlen(root);
	int ret;

	ret = aff__path(path, sizeof(path), "%s/sys/block/%s/device", root,
			disk);
	if (ret)
		return ret;
	if (!realpath(path, real))
		return -errno;
	while ((slash = strrchr(real, '/')) && (size_t)(slash - real) > rootlen) {
		if (is_pci_addr(slash + 1)) {
			aff__strlcpy(out, real, len);
			return 0;
		}
		*slash = '\0';
	}
	return -ENOENT;
}

/*
 * With NVMe native multipath, /sys/block/nvmeXnY/device is the virtual
 * nvme-subsysN, which links to its controllers (nvme0, ...): take the
 * first controller with a PCI function and name it the controller.
 */
static int find_subsys_pci(const char *root, struct aff_device *d, char *out,
			   size_t len)
{
	char path[PATH_MAX], sub[PATH_MAX];
	struct dirent *e;
	DIR *dir;
	int ret = -ENOENT;

	if (aff__path(path, sizeof(path), "%s/sys/block/%s/device", root,
		      d->disk) || !realpath(path, sub))
		return -ENOENT;
	dir = opendir(sub);
	if (!dir)
		return -ENOENT;
	while (ret && (e = readdir(dir))) {
		char real[PATH_MAX], *slash;

		if (strncmp(e->d_name, "nvme", 4) ||
		    !isdigit((unsigned char)e->d_name[4]) ||
		    aff__path(path, sizeof(path), "%s/%s/device", sub,
			      e->d_name) || !realpath(path, real))
			continue;
		slash = strrchr(real, '/');
		if (slash && is_pci_addr(slash + 1)) {
			aff__strlcpy(out, real, len);
			aff__strlcpy(d->ctrl, e->d_name, sizeof(d->ctrl));
			ret = 0;
		}
	}
	closedir(dir);
	return ret;
}

static int count_mq(const char *root, const char *disk)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d;
	int n = 0;

	if (aff__path(path, sizeof(path), "%s/sys/block/%s/mq", root, disk))
		return -1;
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (isdigit((unsigned char)e->d_name[0]))
			n++;
	closedir(d);
	return n;
}

/* "none [mq-deadline] kyber" -> "mq-deadline"; a lone "none" stays. */
static void selected_scheduler(const char *line, char *out, size_t len)
{
	const char *a = strchr(line, '['), *b = a ? strchr(a, ']') : NULL;

	if (a && b) {
		snprintf(out, len, "%.*s", (int)(b - a - 1), a + 1);
		return;
	}
	aff__strlcpy(out, line, len);
}

static void read_queue(const char *root, struct aff_device *d)
{
	const char *q = "%s/sys/block/%s/queue/%s";
	char line[256];
	int v;

	d->hw_queues = count_mq(root, d->disk);
	if (!aff__read_int(&v, q, root, d->disk, "io_poll"))
		d->io_poll = v;
	if (!aff__read_int(&v, q, root, d->disk, "io_poll_delay")) {
		d->io_poll_delay = v;
		d->io_poll_delay_known = true;
	}
	if (!aff__read_line(line, sizeof(line), q, root, d->disk,
			    "scheduler"))
		selected_scheduler(line, d->scheduler, sizeof(d->scheduler));
	if (!aff__read_int(&v, q, root, d->disk, "nr_requests"))
		d->nr_requests = v;
	if (!aff__read_int(&v, q, root, d->disk, "logical_block_size"))
		d->logical_block = v;
	if (!aff__read_int(&v, q, root, d->disk, "rotational"))
		d->rotational = v;
	if (!aff__read_int(&v, q, root, d->disk, "max_hw_sectors_kb"))
		d->max_hw_sectors_kb = v;
	if (!aff__read_int(&v, q, root, d->disk, "nomerges"))
		d->nomerges = v;
	if (!aff__read_int(&v, q, root, d->disk, "rq_affinity"))
		d->rq_affinity = v;
}

static void read_controller(const char *root, struct aff_device *d)
{
	const char *dev = "%s/sys/block/%s/device/%s";

	aff__disk_ctrl(root, d->disk, d->ctrl, sizeof(d->ctrl));
	/* nvme: model and firmware_rev; SCSI: model and rev. */
	aff__read_line(d->model, sizeof(d->model), dev, root, d->disk,
		       "model");
	if (aff__read_line(d->firmware, sizeof(d->firmware), dev, root,
			   d->disk, "firmware_rev"))
		aff__read_line(d->firmware, sizeof(d->firmware), dev, root,
			       d->disk, "rev");
	aff__read_line(d->vendor, sizeof(d->vendor), dev, root, d->disk,
		       "vendor");
}

/* Driver, PCI address and a model from the PCI ids if none was found. */
static void read_pci(const char *root, struct aff_device *d, const char *pci)
{
	char path[PATH_MAX], vendor[16], device[16];

	if (!*pci)
		return;
	aff__strlcpy(d->pci, strrchr(pci, '/') + 1, sizeof(d->pci));
	/* The disk's driver (virtio_blk); nvme namespaces only have the
	 * PCI function's (nvme). */
	if (aff__path(path, sizeof(path), "%s/sys/block/%s/device/driver",
		      root, d->disk) ||
	    aff__link_base(d->driver, sizeof(d->driver), path))
		if (!aff__path(path, sizeof(path), "%s/driver", pci))
			aff__link_base(d->driver, sizeof(d->driver), path);
	if (!*d->model &&
	    !aff__read_line(vendor, sizeof(vendor), "%s/vendor", pci) &&
	    !aff__read_line(device, sizeof(device), "%s/device", pci))
		snprintf(d->model, sizeof(d->model), "PCI %s:%s",
			 vendor + (strncmp(vendor, "0x", 2) ? 0 : 2),
			 device + (strncmp(device, "0x", 2) ? 0 : 2));
}

static void read_locality(struct aff_device *d, const char *pci)
{
	char line[1024];
	int v;

	if (!*pci)
		return;
	if (!aff__read_int(&v, "%s/numa_node", pci))
		d->sysfs_node = v;
	if (!aff__read_line(line, sizeof(line), "%s/local_cpulist", pci) &&
	    !aff_cpuset_parse(line, &d->local_cpus))
		d->local_cpus_known = true;
}

/* "maj:min" of the disk and of each of its partitions. */
static int disk_devs(const char *root, const char *disk, char devs[][16],
		     int max)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *dir;
	int n = 0;

	if (!aff__read_line(devs[n], 16, "%s/sys/block/%s/dev", root, disk))
		n++;
	if (aff__path(path, sizeof(path), "%s/sys/block/%s", root, disk))
		return n;
	dir = opendir(path);
	if (!dir)
		return n;
	while ((e = readdir(dir)) && n < max) {
		if (strncmp(e->d_name, disk, strlen(disk)))
			continue;
		if (!aff__read_line(devs[n], 16, "%s/%s/dev", path, e->d_name))
			n++;
	}
	closedir(dir);
	return n;
}

static void read_mounts(const char *root, struct aff_device *d)
{
	char devs[64][16], line[4096], mnt[1024], majmin[32], path[PATH_MAX];
	int n = disk_devs(root, d->disk, devs, 64);
	FILE *f;

	if (!n || aff__path(path, sizeof(path), "%s/proc/self/mountinfo",
			    root))
		return;
	f = fopen(path, "re");
	if (!f)
		return;
	while (!*d->mounted_on && fgets(line, sizeof(line), f)) {
		/* id parent maj:min root mountpoint ... */
		if (sscanf(line, "%*s %*s %31s %*s %1023s", majmin, mnt) != 2)
			continue;
		for (int i = 0; i < n; i++)
			if (!strcmp(devs[i], majmin))
				aff__strlcpy(d->mounted_on, mnt,
					     sizeof(d->mounted_on));
	}
	fclose(f);
}

/* First entry of a holders/ or slaves/ directory; returns the count. */
static int first_entry(const char *dirpath, char *name, size_t len)
{
	struct dirent *e;
	DIR *d = opendir(dirpath);
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (!n++)
			aff__strlcpy(name, e->d_name, len);
	}
	closedir(d);
	return n;
}

int aff__device_probe_disk(const char *root, const char *disk,
			   struct aff_device *d)
{
	char path[PATH_MAX], pci[PATH_MAX] = "";
	struct stat st;

	if (disk != d->disk)
		aff__strlcpy(d->disk, disk, sizeof(d->disk));
	if (aff__path(path, sizeof(path), "%s/sys/block/%s", root, disk))
		return -ENAMETOOLONG;
	if (stat(path, &st) < 0)
		return -ENOENT;
	read_queue(root, d);
	read_controller(root, d);
	if (find_pci_dir(root, disk, pci, sizeof(pci)))
		find_subsys_pci(root, d, pci, sizeof(pci));
	read_pci(root, d, pci);
	read_locality(d, pci);
	/* nvme and virtio_blk both have a poll_queues parameter. */
	if (*d->driver &&
	    aff__read_int(&d->poll_queues,
			  "%s/sys/module/%s/parameters/poll_queues", root,
			  d->driver))
		d->poll_queues = -1;
	read_mounts(root, d);
	if (!aff__path(path, sizeof(path), "%s/sys/block/%s/holders", root,
		       disk))
		first_entry(path, d->held_by, sizeof(d->held_by));
	if (*pci)
		return aff__irq_probe(root, pci, d);
	snprintf(d->irq_note, sizeof(d->irq_note),
		 "%s has no PCI controller (loop, zram, dm?): no interrupts",
		 disk);
	return 0;
}

/*
 * The disk behind /sys/dev/block/MAJ:MIN: the name itself for a disk, the
 * parent for a partition, the single slave of a stacked device.
 */
static int resolve_disk(dev_t dev, struct aff_device *d)
{
	char path[PATH_MAX], real[PATH_MAX], name[64], slave[64], *slash;

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u", major(dev),
		 minor(dev));
	for (int depth = 0; depth < 4; depth++) {
		if (!realpath(path, real))
			return -ENODEV;
		slash = strrchr(real, '/');
		aff__strlcpy(name, slash + 1, sizeof(name));
		if (!aff__path(path, sizeof(path), "%s/partition", real) &&
		    !access(path, F_OK)) {
			/* .../block/vda/vda1: the disk is the parent. */
			if (!*d->part)
				aff__strlcpy(d->part, name, sizeof(d->part));
			*slash = '\0';
			slash = strrchr(real, '/');
			if (!slash)
				return -ENODEV;
			aff__strlcpy(name, slash + 1, sizeof(name));
		}
		snprintf(path, sizeof(path), "/sys/block/%s/slaves", name);
		if (first_entry(path, slave, sizeof(slave)) != 1) {
			aff__strlcpy(d->disk, name, sizeof(d->disk));
			return 0;
		}
		if (!*d->via)
			aff__strlcpy(d->via, name, sizeof(d->via));
		snprintf(path, sizeof(path), "/sys/class/block/%s", slave);
	}
	return -ELOOP;
}

int aff_device_probe(const char *target, struct aff_device *out)
{
	struct stat st;
	dev_t dev;
	int ret;

	aff__device_init(out, target);
	if (!strncmp(target, "sim:", 4) || !strcmp(target, "sim")) {
		aff__strlcpy(out->irq_note, "simulated target: no host device",
			     sizeof(out->irq_note));
		return 0;
	}
	if (stat(target, &st) < 0)
		return -errno;
	if (S_ISBLK(st.st_mode)) {
		out->kind = AFF_DEV_BLOCK;
		dev = st.st_rdev;
	} else if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) {
		out->kind = AFF_DEV_FILE;
		dev = st.st_dev;
	} else {
		return -EINVAL;
	}
	ret = resolve_disk(dev, out);
	if (ret) {
		snprintf(out->irq_note, sizeof(out->irq_note),
			 "filesystem on %u:%u has no block device (tmpfs, "
			 "overlay?)", major(dev), minor(dev));
		out->kind = AFF_DEV_NONE;
		return -ENODEV;
	}
	return aff__device_probe_disk("", out->disk, out);
}

void aff_device_locate(const struct aff_topo *t, struct aff_device *d)
{
	const struct aff_iodev *io;
	const struct aff_domain *node;

	if (d->kind == AFF_DEV_NONE)
		return;
	io = aff_topo_find_iodev(t, d->disk);
	if (io && io->node >= 0)
		d->hwloc_node = io->node;
	if (d->hwloc_node >= 0) {
		d->numa_node = d->hwloc_node;
		aff__strlcpy(d->node_source, "hwloc", sizeof(d->node_source));
	} else if (d->sysfs_node >= 0) {
		d->numa_node = d->sysfs_node;
		aff__strlcpy(d->node_source, "sysfs", sizeof(d->node_source));
	} else if (aff_topo_ndomains(t, AFF_LEVEL_NODE) == 1) {
		d->numa_node = aff_topo_domain(t, AFF_LEVEL_NODE, 0)->os_index;
		aff__strlcpy(d->node_source, "one node",
			     sizeof(d->node_source));
	}
	if (io && io->node >= 0 && !aff_cpuset_empty(&io->local_cpus)) {
		d->local_cpus = io->local_cpus;
		d->local_cpus_known = true;
	}
	if (!d->local_cpus_known && d->numa_node >= 0 &&
	    (node = aff_topo_node(t, d->numa_node))) {
		d->local_cpus = node->cpus;
		d->local_cpus_known = true;
	}
}

int aff_device_from_topo(const struct aff_topo *t, const char *name,
			 struct aff_device *d)
{
	const struct aff_iodev *io = aff_topo_find_iodev(t, name);

	aff__device_init(d, name);
	if (!io)
		return -ENOENT;
	d->kind = AFF_DEV_BLOCK;
	aff__strlcpy(d->disk, io->name, sizeof(d->disk));
	aff__strlcpy(d->pci, io->pci, sizeof(d->pci));
	aff__strlcpy(d->model, io->model, sizeof(d->model));
	aff__strlcpy(d->irq_note, "topology from XML: no interrupt facts",
		     sizeof(d->irq_note));
	aff_device_locate(t, d);
	return 0;
}
