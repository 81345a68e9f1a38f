/*
 * test-target-safety.c: the rules of workloads/target.h, at the layer every
 * engine goes through:
 * - a missing file is created and filled with the seed's pattern, only
 *   when asked to (create); wl_target_check creates nothing;
 * - a file is not created where it does not fit (statvfs), with the sizes
 *   needed and free in the message;
 * - FIFOs, character devices, directories and files on procfs/sysfs are
 *   refused for reads and writes, naming what the path is;
 * - a file open in another process is refused for writes even with
 *   allow_write;
 * - a read job's fd is read-only (the kernel refuses writes through it);
 * - a write job on an existing file is refused without allow_write and the
 *   file is left untouched; with allow_write it opens for writing;
 * - the root filesystem's block device is reported in use ("mounted on");
 * - open errors (ENOENT, ENOTDIR, EACCES) are one line naming the target
 *   and the cause.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include "affinity/host.h"
#include "tests/lib/test.h"
#include "workloads/target.h"

static void assert_one_line(const char *err, const char *path,
			    const char *cause)
{
	if (!strstr(err, path) || !strstr(err, cause) || strchr(err, '\n'))
		t_fail("want one line naming '%s' and '%s', got: %s", path,
		       cause, err);
	printf("ok: %s\n", err);
}

static void opts_init(struct wl_target_opts *o, bool write, bool allow)
{
	memset(o, 0, sizeof(*o));
	o->size = 64 * 1024;
	o->write = write;
	o->allow_write = allow;
	o->direct = false;
	o->seed = 5;
	o->create = true;
}

static void test_create_and_readonly(const char *dir)
{
	struct wl_target_opts o;
	struct wl_target t;
	char path[1024], err[512], buf[4096];
	uint64_t bad;

	snprintf(path, sizeof(path), "%s/created.dat", dir);
	unlink(path);
	opts_init(&o, false, false);
	ASSERT_EQ(wl_target_open(&t, path, &o, err, sizeof(err)), 0);
	ASSERT_TRUE(t.created);
	ASSERT_EQ(t.kind, WL_TARGET_FILE);
	ASSERT_EQ(t.size, 64 * 1024);
	ASSERT_FALSE(t.writable);
	ASSERT_EQ(pread(t.fd, buf, sizeof(buf), 8192), (ssize_t)sizeof(buf));
	ASSERT_TRUE(wl_pattern_check(buf, sizeof(buf), 8192, 5, &bad));
	ASSERT_FALSE(wl_pattern_check(buf, sizeof(buf), 8192, 6, &bad));
	/* Reads never write: the fd itself refuses. */
	ASSERT_LT(pwrite(t.fd, buf, sizeof(buf), 0), 0);
	ASSERT_EQ(errno, EBADF);
	wl_target_close(&t);
}

static void test_existing_needs_allow_write(const char *dir)
{
	struct wl_target_opts o;
	struct wl_target t;
	char path[1024], err[512], buf[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/existing.dat", dir);
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	ASSERT_GE(fd, 0);
	memset(buf, 0xab, sizeof(buf));
	for (int i = 0; i < 16; i++)
		ASSERT_EQ(write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	close(fd);

	opts_init(&o, true, false);
	ASSERT_EQ(wl_target_open(&t, path, &o, err, sizeof(err)), -EPERM);
	assert_one_line(err, path, "--allow-write");
	ASSERT_EQ(t.fd, -1);
	ASSERT_FALSE(t.created);

	/* Untouched: still 64 KiB of 0xab. */
	fd = open(path, O_RDONLY);
	ASSERT_EQ(pread(fd, buf, sizeof(buf), 4096), (ssize_t)sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		ASSERT_EQ((unsigned char)buf[i], 0xab);
	close(fd);

	opts_init(&o, true, true);
	ASSERT_EQ(wl_target_open(&t, path, &o, err, sizeof(err)), 0);
	ASSERT_TRUE(t.writable);
	ASSERT_FALSE(t.created);
	wl_target_close(&t);

	/* Larger than the file: refused, not extended. */
	opts_init(&o, false, false);
	o.size = 1 << 20;
	ASSERT_EQ(wl_target_open(&t, path, &o, err, sizeof(err)), -EINVAL);
	assert_one_line(err, path, "smaller than");
}

static void assert_absent(const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0)
		t_fail("%s was created", path);
}

static void test_check_creates_nothing(const char *dir)
{
	struct wl_target_opts o;
	struct wl_target t;
	char path[1024], err[512];

	snprintf(path, sizeof(path), "%s/not-yet.dat", dir);
	unlink(path);
	opts_init(&o, true, false);
	ASSERT_EQ(wl_target_check(&t, path, &o, err, sizeof(err)), 0);
	ASSERT_TRUE(t.missing);
	ASSERT_EQ(t.fd, -1);
	assert_absent(path);

	/* open without create: an error, and still nothing there. */
	o.create = false;
	ASSERT_EQ(wl_target_open(&t, path, &o, err, sizeof(err)), -ENOENT);
	assert_one_line(err, path, "ENOENT");
	assert_absent(path);

	/* More than the filesystem has free: refused before creating. */
	opts_init(&o, true, false);
	o.size = 1ULL << 62;
	ASSERT_EQ(wl_target_check(&t, path, &o, err, sizeof(err)), -EINVAL);
	assert_one_line(err, path, "4 EiB");
	assert_one_line(err, path, " free on ");
	ASSERT_EQ(wl_target_open(&t, path, &o, err, sizeof(err)), -EINVAL);
	assert_one_line(err, path, " free on ");
	assert_absent(path);

	/* An existing target is checked as open would, and left closed. */
	snprintf(path, sizeof(path), "%s/existing.dat", dir);
	opts_init(&o, true, false);
	ASSERT_EQ(wl_target_check(&t, path, &o, err, sizeof(err)), -EPERM);
	assert_one_line(err, path, "--allow-write");
	opts_init(&o, false, false);
	ASSERT_EQ(wl_target_check(&t, path, &o, err, sizeof(err)), 0);
	ASSERT_FALSE(t.missing);
	ASSERT_EQ(t.fd, -1);
	ASSERT_EQ(t.size, 64 * 1024);
}

/* What is not a regular file or a block device, named in the message. */
static void test_kinds(const char *dir)
{
	/* Read-only ones: a regression must not change a kernel setting. */
	static const char *const sys_files[] = {
		"/sys/kernel/uevent_seqnum", "/sys/kernel/fscaps", NULL,
	};
	struct wl_target_opts o;
	struct wl_target t;
	char path[1024], err[512];
	const char *sysf = NULL;

	snprintf(path, sizeof(path), "%s/fifo", dir);
	unlink(path);
	ASSERT_EQ(mkfifo(path, 0644), 0);
	for (int w = 0; w < 2; w++) {
		opts_init(&o, w, w);
		ASSERT_EQ(wl_target_open(&t, path, &o, err, sizeof(err)),
			  -EINVAL);
		assert_one_line(err, path, "is a FIFO");
		assert_one_line(err, path, "a regular file or a block device");
		ASSERT_EQ(wl_target_check(&t, path, &o, err, sizeof(err)),
			  -EINVAL);
		ASSERT_EQ(wl_target_open(&t, "/dev/null", &o, err,
					 sizeof(err)), -EINVAL);
		assert_one_line(err, "/dev/null", "is a character device");
		ASSERT_EQ(wl_target_open(&t, dir, &o, err, sizeof(err)),
			  -EINVAL);
		assert_one_line(err, dir, "is a directory");
		ASSERT_EQ(wl_target_open(&t, "/proc/version", &o, err,
					 sizeof(err)), -EINVAL);
		assert_one_line(err, "/proc/version", "on procfs");
	}
	for (int i = 0; sys_files[i] && !sysf; i++)
		if (access(sys_files[i], F_OK) == 0)
			sysf = sys_files[i];
	if (!sysf) {
		printf("skip part: no sysfs file found\n");
		return;
	}
	opts_init(&o, true, true);
	o.direct = false;
	ASSERT_EQ(wl_target_open(&t, sysf, &o, err, sizeof(err)), -EINVAL);
	assert_one_line(err, sysf, "on sysfs");
	ASSERT_EQ(wl_target_check(&t, sysf, &o, err, sizeof(err)), -EINVAL);
	assert_one_line(err, sysf, "on sysfs");
	/* Nor is a new file created there. */
	ASSERT_EQ(wl_target_check(&t, "/sys/kernel/aiotune.dat", &o, err,
				  sizeof(err)), -EINVAL);
	assert_one_line(err, "/sys/kernel/aiotune.dat", "on sysfs");
}

/* A file another process has open is not written, whatever the flags. */
static void test_open_elsewhere(const char *dir)
{
	struct wl_target_opts o;
	struct wl_target t;
	char path[1024], err[1024], c;
	int go[2], ready[2], status;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/existing.dat", dir);
	ASSERT_EQ(pipe(go), 0);
	ASSERT_EQ(pipe(ready), 0);
	fflush(stdout); /* a child must not print our buffer again */
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		int fd = open(path, O_RDONLY);

		close(go[1]);
		close(ready[0]);
		if (fd < 0 || write(ready[1], "x", 1) != 1)
			_exit(1);
		(void)read(go[0], &c, 1); /* until the parent is done */
		_exit(0);
	}
	close(go[0]);
	close(ready[1]);
	ASSERT_EQ(read(ready[0], &c, 1), 1);
	opts_init(&o, true, true);
	ASSERT_EQ(wl_target_open(&t, path, &o, err, sizeof(err)), -EBUSY);
	assert_one_line(err, path, "is open in process");
	ASSERT_EQ(wl_target_check(&t, path, &o, err, sizeof(err)), -EBUSY);
	/* Reading it is fine. */
	opts_init(&o, false, false);
	ASSERT_EQ(wl_target_open(&t, path, &o, err, sizeof(err)), 0);
	wl_target_close(&t);
	close(go[1]);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(ready[0]);
	/* Once it is closed there, --allow-write writes again. */
	opts_init(&o, true, true);
	ASSERT_EQ(wl_target_open(&t, path, &o, err, sizeof(err)), 0);
	wl_target_close(&t);
}

static void test_root_device_in_use(void)
{
	struct stat st;
	char why[512], disk[64];

	ASSERT_EQ(stat("/", &st), 0);
	if (aff_blockdev_disk(st.st_dev, disk, sizeof(disk))) {
		printf("skip part: / is not on a block device (%u:%u)\n",
		       major(st.st_dev), minor(st.st_dev));
		return;
	}
	ASSERT_TRUE(wl_blockdev_in_use(st.st_dev, why, sizeof(why)));
	ASSERT_NOT_NULL(strstr(why, "mounted on"));
	printf("ok: / is on %s: %s\n", disk, why);
}

static void test_open_errors(const char *dir)
{
	struct wl_target_opts o;
	struct wl_target t;
	char path[1024], err[512];
	int fd, status;
	pid_t pid;

	opts_init(&o, false, false);
	ASSERT_EQ(wl_target_open(&t, "/dev/aiotune-no-such-disk", &o, err,
				 sizeof(err)), -ENOENT);
	assert_one_line(err, "/dev/aiotune-no-such-disk", "ENOENT");

	snprintf(path, sizeof(path), "%s/existing.dat/sub", dir);
	ASSERT_EQ(wl_target_open(&t, path, &o, err, sizeof(err)), -ENOTDIR);
	assert_one_line(err, path, "ENOTDIR");

	ASSERT_EQ(wl_target_open(&t, dir, &o, err, sizeof(err)), -EINVAL);
	assert_one_line(err, dir, "a regular file or a block device");

	/* EACCES: a 0600 file opened by an unprivileged user. */
	snprintf(path, sizeof(path), "%s/private.dat", dir);
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(ftruncate(fd, 65536), 0);
	close(fd);
	if (geteuid() != 0) {
		ASSERT_EQ(chmod(path, 0), 0);
		ASSERT_EQ(wl_target_open(&t, path, &o, err, sizeof(err)),
			  -EACCES);
		assert_one_line(err, path, "EACCES");
		return;
	}
	fflush(stdout); /* a child must not print our buffer again */
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		int ret;

		if (setgid(65534) || setuid(65534))
			_exit(77);
		ret = wl_target_open(&t, path, &o, err, sizeof(err));
		if (ret != -EACCES) {
			fprintf(stderr, "want -EACCES, got %d: %s\n", ret, err);
			_exit(1);
		}
		assert_one_line(err, path, "EACCES");
		fflush(stdout);
		_exit(0);
	}
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	ASSERT_TRUE(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		printf("skip part: cannot drop privileges for EACCES\n");
	else
		ASSERT_EQ(WEXITSTATUS(status), 0);
}

int main(void)
{
	const char *build = getenv("BUILD");
	char dir[1024];

	snprintf(dir, sizeof(dir), "%s/tmp", build ? build : t_tmpdir());
	mkdir(dir, 0755);
	strncat(dir, "/target-safety", sizeof(dir) - strlen(dir) - 1);
	if (mkdir(dir, 0755) && errno != EEXIST)
		t_fail("mkdir %s: %s", dir, strerror(errno));
	/* The EACCES child must reach the file: let everyone search dir. */
	chmod(dir, 0755);
	test_create_and_readonly(dir);
	test_existing_needs_allow_write(dir);
	test_check_creates_nothing(dir);
	test_kinds(dir);
	test_open_elsewhere(dir);
	test_root_device_in_use();
	test_open_errors(dir);
	return T_EXIT_PASS;
}
