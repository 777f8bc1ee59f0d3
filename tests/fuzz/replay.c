// SPDX-License-Identifier: GPL-2.0-only
/*
 * Replay driver: feeds every file of the given directories (or the given
 * files) to LLVMFuzzerTestOneInput once, so the fuzz corpora run as plain
 * meson tests with any compiler, and a crash found by the fuzzer stays a
 * regression test once its input is added to the corpus.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int run_file(const char *path)
{
	uint8_t *buf;
	size_t len;
	FILE *f;
	long n;

	f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return 1;
	}
	len = n;
	/* Exactly len bytes, so ASan sees any read past the input. */
	buf = malloc(len ? len : 1);
	if (!buf || fread(buf, 1, len, f) != len) {
		fclose(f);
		free(buf);
		return 1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int i, failed = 0, count = 0;
	struct dirent *de;
	struct stat st;
	char path[4096];
	DIR *dir;

	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && !S_ISDIR(st.st_mode)) {
			failed |= run_file(argv[i]);
			count++;
			continue;
		}
		dir = opendir(argv[i]);
		if (!dir) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		while ((de = readdir(dir))) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[i],
				 de->d_name);
			failed |= run_file(path);
			count++;
		}
		closedir(dir);
	}
	printf("%d inputs replayed\n", count);
	return failed || !count;
}
