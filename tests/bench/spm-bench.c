// SPDX-License-Identifier: GPL-2.0-only
/*
 * spm-bench: the guest side of tests/bench/run-bench.sh.
 *
 *   spm-bench fault MIB ITERS CPU
 *	page_fault1 style: pinned to CPU, mmap MIB MiB of private anonymous
 *	memory (no THP, so each fault allocates one order-0 page), write one
 *	byte per page, munmap; ITERS times after one warm-up iteration.
 *	Prints "fault iter=<i> ns_per_fault=<x>" per iteration and
 *	"fault median=<x> min=<x> max=<x> faults=<n>". The time includes the
 *	munmap (freeing the pages), as in will-it-scale's page_fault1.
 *   spm-bench time COMMAND [ARGS...]
 *	run COMMAND, print "time_s <seconds> rc=<exit status> cpu_s <seconds>":
 *	elapsed guest time, and the CPU time COMMAND used (user + system,
 *	from wait4(); the kernel makes their sum the exact runtime), which
 *	leaves out the time it slept, for example while the kernel waited for
 *	a grace period in a sysfs write.
 *
 * Guest time is CLOCK_MONOTONIC: under QEMU "-icount shift=0,sleep=off" it
 * advances one nanosecond per guest instruction, so "ns" here means
 * instructions, and the figures do not depend on how busy the host is.
 *
 * Our own code, static, no libraries: the same binary on every kernel.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MIB (1024UL * 1024)

static int nohuge_warned;

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* One mmap/touch/munmap pass; returns ns per fault, < 0 on error. */
static double fault_pass(size_t bytes, long page)
{
	unsigned long long t0, t1;
	volatile char *p;
	size_t off;

	t0 = now_ns();
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	/*
	 * Order-0 faults only: a THP fault would hide 511 of 512. EINVAL
	 * means a kernel without madvise(2) or THP; the scenario also sets
	 * THP to "never", so either way the faults are order 0.
	 */
	if (madvise((void *)p, bytes, MADV_NOHUGEPAGE) && !nohuge_warned) {
		perror("madvise(MADV_NOHUGEPAGE)");
		nohuge_warned = 1;
	}
	for (off = 0; off < bytes; off += page)
		p[off] = 1;
	munmap((void *)p, bytes);
	t1 = now_ns();
	return (double)(t1 - t0) / (double)(bytes / page);
}

static int cmd_fault(int mib, int iters, int cpu)
{
	size_t bytes = (size_t)mib * MIB;
	long page = sysconf(_SC_PAGESIZE);
	double *r = calloc(iters, sizeof(*r));
	cpu_set_t set;
	int i;

	if (!r || mib <= 0 || iters <= 0)
		return 2;
	/* Stay on one CPU and so on its node: the local zonelist. */
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		perror("sched_setaffinity");
		return 1;
	}
	if (fault_pass(bytes, page) < 0) {	/* warm-up */
		perror("mmap");
		return 1;
	}
	for (i = 0; i < iters; i++) {
		r[i] = fault_pass(bytes, page);
		if (r[i] < 0) {
			perror("mmap");
			return 1;
		}
		printf("fault iter=%d ns_per_fault=%.1f\n", i, r[i]);
	}
	qsort(r, iters, sizeof(*r), cmp_double);
	printf("fault median=%.1f min=%.1f max=%.1f faults=%zu\n",
	       iters % 2 ? r[iters / 2] : (r[iters / 2 - 1] + r[iters / 2]) / 2,
	       r[0], r[iters - 1], (size_t)iters * (bytes / page));
	free(r);
	return 0;
}

static int cmd_time(char **argv)
{
	unsigned long long t0, t1;
	struct rusage ru;
	int status;
	pid_t pid;

	t0 = now_ns();
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		execvp(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) != pid)
		return 1;
	t1 = now_ns();
	printf("time_s %.6f rc=%d cpu_s %.6f\n", (double)(t1 - t0) / 1e9,
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128,
	       (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
		       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) /
			       1e6);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 5 && !strcmp(argv[1], "fault"))
		return cmd_fault(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
	if (argc >= 3 && !strcmp(argv[1], "time"))
		return cmd_time(argv + 2);
	fprintf(stderr,
		"usage: spm-bench fault MIB ITERS CPU | time COMMAND [ARGS...]\n");
	return 2;
}
