/*
 * replay.c: a main for the fuzz targets without libFuzzer: run the target
 * once on each file given (a directory: on each file in it). Built with
 * the normal compiler, so make check (and SAN=asan) replays the committed
 * corpus, crash reproducers included, where clang is absent. Exit 0 when
 * every input ran; a broken invariant aborts.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "results/atomic.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int run_file(const char *path)
{
	char *buf;
	size_t len;
	int ret = res_read_file(path, &buf, &len);

	if (ret) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(-ret));
		return 1;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
	free(buf);
	return 0;
}

static int run_path(const char *path, int *n)
{
	struct dirent **ents;
	struct stat st;
	int nents, bad = 0;

	if (stat(path, &st)) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*n)++;
		return run_file(path);
	}
	nents = scandir(path, &ents, NULL, alphasort);
	if (nents < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return 1;
	}
	for (int i = 0; i < nents; i++) {
		char sub[4096];

		if (ents[i]->d_name[0] != '.') {
			snprintf(sub, sizeof(sub), "%s/%s", path,
				 ents[i]->d_name);
			bad |= run_path(sub, n);
		}
		free(ents[i]);
	}
	free(ents);
	return bad;
}

int main(int argc, char **argv)
{
	int bad = 0, n = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++)
		bad |= run_path(argv[i], &n);
	printf("%s: %d inputs replayed\n", argv[0], n);
	return bad;
}
