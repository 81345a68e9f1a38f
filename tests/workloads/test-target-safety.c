/*
 * test-target-safety.c: the rules of workloads/target.h, at the layer every
 * engine goes through:
 * - a missing file is created and filled with the seed's pattern;
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
	ASSERT_EQ(wl_target_open(&t, path, &o, err, sizeof(err)), -ENOSPC);
	assert_one_line(err, path, "smaller than");
}

static void test_root_device_in_use(void)
{
	struct stat st;
	char why[512], disk[64];

	ASSERT_EQ(stat("/", &st), 0);
	if (wl_disk_of_dev(st.st_dev, disk, sizeof(disk))) {
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
	assert_one_line(err, dir, "not a regular file or a block device");

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
	test_root_device_in_use();
	test_open_errors(dir);
	return T_EXIT_PASS;
}
