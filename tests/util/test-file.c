/*
 * test-file.c: util_read_file reads regular files whole and refuses, at
 * once and in one line naming the file, what is not one (a FIFO without a
 * writer, a directory, /dev/zero) or is larger than the limit; a pipe
 * that never ends is cut at the limit.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/lib/test.h"
#include "util/file.h"

static void write_file(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	ASSERT_NOT_NULL(f);
	ASSERT_EQ(fwrite(buf, 1, len, f), len);
	ASSERT_EQ(fclose(f), 0);
}

static void test_regular(const char *dir)
{
	char path[256], err[512], *buf;
	size_t len;
	const char data[] = "a\0b\nlast";

	snprintf(path, sizeof(path), "%s/data", dir);
	write_file(path, data, sizeof(data) - 1);
	ASSERT_EQ(util_read_file(path, 100, &buf, &len, err, sizeof(err)), 0);
	ASSERT_EQ(len, sizeof(data) - 1);
	ASSERT_EQ(memcmp(buf, data, len), 0);
	ASSERT_EQ(buf[len], '\0');
	free(buf);

	/* Exactly the limit is fine; one byte more is not. */
	ASSERT_EQ(util_read_file(path, len, &buf, NULL, err, sizeof(err)), 0);
	free(buf);
	ASSERT_EQ(util_read_file(path, len - 1, &buf, NULL, err, sizeof(err)),
		  -EFBIG);
	ASSERT_NOT_NULL(strstr(err, path));
	ASSERT_NOT_NULL(strstr(err, "larger than 7 bytes"));

	/* An empty file is an empty buffer. */
	snprintf(path, sizeof(path), "%s/empty", dir);
	write_file(path, "", 0);
	ASSERT_EQ(util_read_file(path, 10, &buf, &len, err, sizeof(err)), 0);
	ASSERT_EQ(len, 0);
	ASSERT_STREQ(buf, "");
	free(buf);
}

static void test_big(const char *dir)
{
	char path[256], err[512], *buf = NULL, *data;
	size_t n = 3 * UTIL_MIB;

	data = calloc(1, n);
	ASSERT_NOT_NULL(data);
	snprintf(path, sizeof(path), "%s/big", dir);
	write_file(path, data, n);
	ASSERT_EQ(util_read_file(path, 2 * UTIL_MIB, &buf, NULL, err,
				 sizeof(err)), -EFBIG);
	ASSERT_NULL(buf);
	ASSERT_NOT_NULL(strstr(err, ": larger than 2 MiB"));
	ASSERT_EQ(util_read_file(path, n, &buf, NULL, err, sizeof(err)), 0);
	free(buf);
	free(data);
}

static void test_not_regular(const char *dir)
{
	char path[256], err[512], want[300], *buf = NULL;

	/* A FIFO with no writer: refused at once, not waited on. */
	snprintf(path, sizeof(path), "%s/fifo", dir);
	ASSERT_EQ(mkfifo(path, 0600), 0);
	alarm(20);
	ASSERT_EQ(util_read_file(path, 100, &buf, NULL, err, sizeof(err)),
		  -EINVAL);
	alarm(0);
	snprintf(want, sizeof(want), "%s: not a regular file", path);
	ASSERT_STREQ(err, want);

	ASSERT_EQ(util_read_file(dir, 100, &buf, NULL, err, sizeof(err)),
		  -EINVAL);
	ASSERT_NOT_NULL(strstr(err, "not a regular file"));
	ASSERT_EQ(util_read_file("/dev/zero", 100, &buf, NULL, err,
				 sizeof(err)), -EINVAL);
	ASSERT_STREQ(err, "/dev/zero: not a regular file");
	ASSERT_NULL(buf);

	snprintf(path, sizeof(path), "%s/missing", dir);
	ASSERT_EQ(util_read_file(path, 100, &buf, NULL, err, sizeof(err)),
		  -ENOENT);
	ASSERT_NOT_NULL(strstr(err, path));
	ASSERT_EQ(util_open_regular(path, NULL, 0), -ENOENT);
}

/* A pipe whose writer never stops is read up to the limit, then cut. */
static void test_endless_pipe(void)
{
	char err[512], *buf = NULL, chunk[4096] = { 0 };
	int p[2];
	pid_t pid;

	ASSERT_EQ(pipe(p), 0);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		close(p[0]);
		for (;;)
			if (write(p[1], chunk, sizeof(chunk)) < 0)
				_exit(0);
	}
	close(p[1]);
	/* Non-blocking, as stdin may be: the reader must wait, not fail. */
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	alarm(20);
	ASSERT_EQ(util_read_fd(p[0], "stdin", UTIL_MIB, &buf, NULL, err,
			       sizeof(err)), -EFBIG);
	alarm(0);
	ASSERT_STREQ(err, "stdin: larger than 1 MiB");
	close(p[0]);
	kill(pid, SIGKILL);
}

int main(void)
{
	const char *dir = t_tmpdir();
	char cmd[300];

	test_regular(dir);
	test_big(dir);
	test_not_regular(dir);
	test_endless_pipe();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return T_EXIT_FAIL;
	return T_EXIT_PASS;
}
