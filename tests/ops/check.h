/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The check macro of the ops tests: a failed CHECK prints where and why and
 * the test goes on, so that one run shows every failure; check_report()
 * prints the totals and gives the exit status.
 */
#ifndef SPM_TESTS_CHECK_H
#define SPM_TESTS_CHECK_H

#include <stdio.h>

static int failures, checks;

#define CHECK(cond, ...)                                              \
	do {                                                          \
		checks++;                                             \
		if (!(cond)) {                                        \
			failures++;                                   \
			fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, \
				__LINE__, #cond);                     \
			fprintf(stderr, __VA_ARGS__);                 \
			fputc('\n', stderr);                          \
		}                                                     \
	} while (0)

static inline int check_report(void)
{
	printf("%d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}

#endif /* SPM_TESTS_CHECK_H */
