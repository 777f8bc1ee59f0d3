// SPDX-License-Identifier: GPL-2.0-only
/*
 * numa-compat: an unmodified libnuma application, as Debian bookworm ships
 * libnuma (2.0.16). It binds memory the way programs written for libnuma
 * do and reports where the pages are while it still holds them.
 *
 *   numa-compat tonode MIB NODE   mmap, numa_tonode_memory(), touch
 *   numa-compat onnode MIB NODE   numa_alloc_onnode(), touch
 *   numa-compat membind MIB NODE  numa_set_membind(NODE), print what
 *                                 numa_get_membind() reads back, then mmap
 *                                 and touch under the task policy
 *   numa-compat getmembind        print numa_get_membind() (for a policy
 *                                 set by the parent, e.g. spmctl exec)
 *   numa-compat hold MIB NODE     mmap and touch with the default policy,
 *                                 print "ready", wait for SIGUSR1 (after
 *                                 migratepages), then report as the others
 *
 * Each placement is reported as "<what> <MiB on NODE> <MiB touched>". The
 * pages are counted with numa_move_pages(NULL nodes), which queries without
 * moving. libnuma's own warnings (it prints them when a setter fails, and
 * returns void) go to stderr, where the scenario looks for them.
 */
#include <errno.h>
#include <numa.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MIB (1024UL * 1024)

static volatile sig_atomic_t go;

static void on_usr1(int sig)
{
	(void)sig;
	go = 1;
}

static void touch(char *p, size_t len)
{
	size_t off, ps = (size_t)numa_pagesize();

	for (off = 0; off < len; off += ps)
		p[off] = 1;
}

/* Print "<what> <MiB on node> <MiB>"; returns 0 or 1 if the query failed. */
static int report(const char *what, char *p, size_t len, int node)
{
	size_t ps = (size_t)numa_pagesize(), n = len / ps, i, on = 0;
	void **pages = calloc(n, sizeof(*pages));
	int *status = calloc(n, sizeof(*status));

	if (!pages || !status) {
		perror("calloc");
		return 1;
	}
	for (i = 0; i < n; i++)
		pages[i] = p + i * ps;
	if (numa_move_pages(0, n, pages, NULL, status, 0)) {
		perror("move_pages");
		return 1;
	}
	for (i = 0; i < n; i++)
		on += status[i] == node;
	printf("%s %zu %zu\n", what, on * ps / MIB, len / MIB);
	fflush(stdout);
	free(pages);
	free(status);
	return 0;
}

static void *map(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	return p;
}

static void print_mask(const char *what, struct bitmask *m)
{
	unsigned int n;
	const char *sep = "";

	printf("%s ", what);
	for (n = 0; n < m->size; n++) {
		if (numa_bitmask_isbitset(m, n)) {
			printf("%s%u", sep, n);
			sep = ",";
		}
	}
	printf("\n");
	fflush(stdout);
}

int main(int argc, char **argv)
{
	size_t len = argc > 2 ? strtoul(argv[2], NULL, 0) * MIB : 0;
	int node = argc > 3 ? atoi(argv[3]) : -1;
	struct bitmask *m;
	char *p;

	if (numa_available() < 0) {
		fprintf(stderr, "numa-compat: no NUMA support\n");
		return 1;
	}
	if (argc == 4 && !strcmp(argv[1], "tonode")) {
		p = map(len);
		numa_tonode_memory(p, len, node);
		touch(p, len);
		return report("tonode", p, len, node);
	}
	if (argc == 4 && !strcmp(argv[1], "onnode")) {
		p = numa_alloc_onnode(len, node);
		if (!p) {
			fprintf(stderr, "numa_alloc_onnode failed\n");
			return 1;
		}
		touch(p, len);
		return report("onnode", p, len, node);
	}
	if (argc == 4 && !strcmp(argv[1], "membind")) {
		m = numa_allocate_nodemask();
		numa_bitmask_setbit(m, node);
		numa_set_membind(m);
		print_mask("get_membind", numa_get_membind());
		p = map(len);
		touch(p, len);
		return report("membind", p, len, node);
	}
	if (argc == 2 && !strcmp(argv[1], "getmembind")) {
		print_mask("get_membind", numa_get_membind());
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "hold")) {
		sigset_t usr1, old;

		/* blocked until sigsuspend(), so that it cannot be missed */
		sigemptyset(&usr1);
		sigaddset(&usr1, SIGUSR1);
		sigprocmask(SIG_BLOCK, &usr1, &old);
		signal(SIGUSR1, on_usr1);
		p = map(len);
		touch(p, len);
		printf("ready\n");
		fflush(stdout);
		while (!go)
			sigsuspend(&old);
		return report("hold", p, len, node);
	}
	fprintf(stderr,
		"usage: numa-compat tonode|onnode|membind MIB NODE | getmembind | hold MIB NODE\n");
	return 2;
}
