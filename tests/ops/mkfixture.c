// SPDX-License-Identifier: GPL-2.0-only
/* ops-mkfixture SCENARIO DIR: build a synthetic tree (see fixture.h). */
#include <stdio.h>

#include "fixture.h"

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: ops-mkfixture SCENARIO DIR\n");
		return 2;
	}
	if (fix_create(argv[2], argv[1])) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}
