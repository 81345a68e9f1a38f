/*
 * test-devstat.c: device counters of a real disk move with real I/O. 64
 * O_DIRECT reads of a file on the build directory's disk must show up as
 * at least 64 completed reads in /sys/block/<disk>/stat (other I/O on the
 * machine can only add) and, where the disk's interrupts are known
 * (virtio, NVMe), as at least one interrupt in /proc/interrupts. Skips
 * where the build directory is not on a block device (tmpfs, overlay).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "affinity/host.h"
#include "tests/lib/test.h"
#include "workloads/devstat.h"
#include "workloads/target.h"

#define NREADS 64
#define BS 4096

int main(void)
{
	const char *build = getenv("BUILD");
	struct wl_devstat a, b, d;
	char path[1024], disk[64];
	struct stat st;
	void *buf;
	int fd;

	snprintf(path, sizeof(path), "%s/tmp", build ? build : t_tmpdir());
	mkdir(path, 0755);
	strncat(path, "/devstat.dat", sizeof(path) - strlen(path) - 1);
	fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(posix_memalign(&buf, BS, BS), 0);
	for (int i = 0; i < NREADS; i++) {
		wl_pattern_fill(buf, BS, (uint64_t)i * BS, 1);
		ASSERT_EQ(pwrite(fd, buf, BS, (off_t)i * BS), BS);
	}
	ASSERT_EQ(fsync(fd), 0);
	ASSERT_EQ(fstat(fd, &st), 0);
	close(fd);

	if (aff_blockdev_disk(st.st_dev, disk, sizeof(disk)))
		t_skip("%s is not on a block device", path);
	fd = open(path, O_RDONLY | O_DIRECT);
	if (fd < 0)
		t_skip("no O_DIRECT on %s: %s", path, strerror(errno));
	ASSERT_EQ(wl_devstat_init(&a, disk), 0);
	ASSERT_STREQ(a.disk, disk);
	b = a;
	ASSERT_EQ(wl_devstat_sample(&a), 0);
	for (int i = 0; i < NREADS; i++) {
		ASSERT_EQ(pread(fd, buf, BS, (off_t)i * BS), BS);
		ASSERT_TRUE(wl_pattern_check(buf, BS, (uint64_t)i * BS, 1,
					     NULL));
	}
	ASSERT_EQ(wl_devstat_sample(&b), 0);
	wl_devstat_delta(&a, &b, &d);
	printf("%s: %lu reads, %lu sectors, %lu irqs (top CPU %d, prefix "
	       "'%s')\n", disk, (unsigned long)d.rd_ios,
	       (unsigned long)d.rd_sectors, (unsigned long)d.irqs,
	       wl_devstat_top_cpu(&d), d.irq_prefix);
	ASSERT_GE(d.rd_ios, NREADS);
	ASSERT_GE(d.rd_sectors, NREADS * BS / 512);
	if (d.has_irqs) {
		ASSERT_GE(d.irqs, 1);
		ASSERT_GE(wl_devstat_top_cpu(&d), 0);
	}
	close(fd);
	unlink(path);
	free(buf);
	return T_EXIT_PASS;
}
