// SPDX-License-Identifier: GPL-2.0-only
/*
 * spm-probe: measure how much memory lands on a node that nobody asked for.
 * Runs unchanged on the vanilla and the patched kernel, so the VM log shows
 * the two side by side.
 *
 *   spm-probe leak NODE      run every pressure phase, print
 *                            "leak <phase> <MiB>" per phase
 *   spm-probe touch MIB NODE map and touch MIB MiB, print how many MiB of it
 *                            are on NODE ("on_node <MiB>"); run under
 *                            numactl or spmctl exec to test a policy
 *   spm-probe pages MIB      map and touch MIB MiB, print the pages per node
 *   spm-probe kernel NODE    kernel allocations under System RAM pressure:
 *                            slab, page tables, kernel stacks, pipe buffers
 *                            and page cache; print "kernel <field> <KiB>",
 *                            the largest growth of NODE's meminfo field
 *                            while the workload holds its memory, and
 *                            "kernel MemUsed <MiB>" (largest MemFree drop)
 *
 * "Leak" is the largest drop of NODE's MemFree seen while the phase runs,
 * sampled every 10 ms: it counts every page that landed there, whoever
 * allocated it (anonymous, tmpfs, page tables, slab).
 *
 * Only raw syscalls: no libnuma, so the binary is static and the same on
 * both kernels.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MIB (1024UL * 1024)
#define PAGE 4096UL
#define MAX_NODES 64
#define MPOL_INTERLEAVE 3

static long node_meminfo_kb(int node, const char *key)
{
	char path[128], line[256];
	long val = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo",
		 node);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, key);

		if (p && p[strlen(key)] == ':') {
			val = strtol(p + strlen(key) + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return val;
}

/* Nodes with memory, from has_memory ("0-2" or "0,2"). */
static int memory_nodes(int *nodes)
{
	char buf[256], *p;
	int n = 0;
	FILE *f = fopen("/sys/devices/system/node/has_memory", "r");

	if (!f || !fgets(buf, sizeof(buf), f)) {
		if (f)
			fclose(f);
		return 0;
	}
	fclose(f);
	p = buf;
	while (*p && *p != '\n' && n < MAX_NODES) {
		long a = strtol(p, &p, 10), b = a;

		if (*p == '-')
			b = strtol(p + 1, &p, 10);
		for (; a <= b && n < MAX_NODES; a++)
			nodes[n++] = (int)a;
		if (*p == ',')
			p++;
	}
	return n;
}

/* Free memory of every node but the target: the capacity to exceed. */
static long other_free_kb(int target)
{
	int nodes[MAX_NODES], n = memory_nodes(nodes), i;
	long sum = 0;

	for (i = 0; i < n; i++)
		if (nodes[i] != target)
			sum += node_meminfo_kb(nodes[i], "MemFree");
	return sum;
}

static void set_oom_adj(int adj)
{
	FILE *f = fopen("/proc/self/oom_score_adj", "w");

	if (f) {
		fprintf(f, "%d", adj);
		fclose(f);
	}
}

/* Touch memory in 16 MiB chunks until @bytes, then tell the parent. */
static void __attribute__((noreturn)) hog(size_t bytes, int notify_fd)
{
	size_t done = 0, chunk = 16 * MIB;

	set_oom_adj(1000);
	while (done < bytes) {
		char *p = mmap(NULL, chunk, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			break;
		memset(p, 0x5a, chunk);
		done += chunk;
	}
	if (write(notify_fd, "x", 1) < 0)
		_exit(2);
	for (;;)
		pause();
}

/* Write @bytes to a tmpfs file; stops quietly on ENOSPC/ENOMEM. */
static void __attribute__((noreturn)) tmpfs_writer(const char *path,
						   size_t bytes)
{
	static char buf[1 << 20];
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	size_t done = 0;

	memset(buf, 0xa5, sizeof(buf));
	if (fd < 0)
		_exit(2);
	while (done < bytes) {
		ssize_t n = write(fd, buf, sizeof(buf));

		if (n <= 0)
			break;
		done += (size_t)n;
	}
	_exit(0);
}

struct sampler {
	int node;
	long start_kb;
	long min_kb;
};

static void sample(struct sampler *s)
{
	long v = node_meminfo_kb(s->node, "MemFree");

	if (v >= 0 && v < s->min_kb)
		s->min_kb = v;
}

static void sampler_init(struct sampler *s, int node)
{
	s->node = node;
	s->start_kb = node_meminfo_kb(node, "MemFree");
	s->min_kb = s->start_kb;
}

static long sampler_leak_mib(struct sampler *s)
{
	return (s->start_kb - s->min_kb) / 1024;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { 0, ms * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * Sample while waiting until @pid exits or writes to @fd (when fd >= 0).
 * Returns 1 when the child reported, 0 when it exited.
 */
static int sample_until(struct sampler *s, pid_t pid, int fd, int timeout_s)
{
	int i, status;
	char c;

	for (i = 0; i < timeout_s * 100; i++) {
		sample(s);
		if (fd >= 0 && read(fd, &c, 1) == 1)
			return 1;
		if (waitpid(pid, &status, WNOHANG) == pid)
			return 0;
		sleep_ms(10);
	}
	return 1;
}

static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static pid_t start_hog(size_t bytes, int *rfd)
{
	int p[2];
	pid_t pid;

	if (pipe(p))
		return -1;
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		hog(bytes, p[1]);
	}
	close(p[1]);
	*rfd = p[0];
	return pid;
}

/* Anonymous memory past the capacity of every other node. */
static long phase_anon(int node)
{
	struct sampler s;
	size_t bytes = (size_t)other_free_kb(node) * 1024 + 384 * MIB;
	int fd;
	pid_t pid;

	sampler_init(&s, node);
	pid = start_hog(bytes, &fd);
	sample_until(&s, pid, fd, 300);
	sample(&s);
	reap(pid);
	close(fd);
	sleep_ms(200);
	return sampler_leak_mib(&s);
}

/* tmpfs written while anonymous memory already fills the other nodes. */
static long phase_tmpfs(int node)
{
	const char *dir = "/tmp/spm-probe-tmpfs";
	struct sampler s;
	size_t hold = (size_t)other_free_kb(node) * 1024;
	int fd, status;
	pid_t hog_pid, writer;

	hold = hold > 256 * MIB ? hold - 256 * MIB : 0;
	mkdir(dir, 0700);
	if (mount("tmpfs", dir, "tmpfs", 0, "size=4g"))
		return -1;
	sampler_init(&s, node);
	hog_pid = start_hog(hold, &fd);
	sample_until(&s, hog_pid, fd, 300);
	writer = fork();
	if (writer == 0) {
		set_oom_adj(500);
		tmpfs_writer("/tmp/spm-probe-tmpfs/fill", 640 * MIB);
	}
	sample_until(&s, writer, -1, 300);
	sample(&s);
	reap(hog_pid);
	close(fd);
	waitpid(writer, &status, WNOHANG);
	unlink("/tmp/spm-probe-tmpfs/fill");
	umount(dir);
	sleep_ms(200);
	return sampler_leak_mib(&s);
}

/* Grow the node's own 2 MiB hugetlb pool; restore it. */
static long phase_hugetlb(int node)
{
	char path[160], buf[32] = "";
	long got;
	FILE *f;

	snprintf(path, sizeof(path),
		 "/sys/devices/system/node/node%d/hugepages/hugepages-2048kB/nr_hugepages",
		 node);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "16");
	fclose(f);
	f = fopen(path, "r");
	if (!f || !fgets(buf, sizeof(buf), f))
		got = -1;
	else
		got = strtol(buf, NULL, 10) * 2;
	if (f)
		fclose(f);
	f = fopen(path, "w");
	if (f) {
		fprintf(f, "0");
		fclose(f);
	}
	return got;
}

static long count_on_node(char *p, size_t bytes, int node, long *per_node)
{
	size_t n = bytes / PAGE, i;
	void **pages = calloc(n, sizeof(void *));
	int *status = calloc(n, sizeof(int));
	long on = 0;

	if (!pages || !status)
		return -1;
	for (i = 0; i < n; i++)
		pages[i] = p + i * PAGE;
	if (syscall(SYS_move_pages, 0, n, pages, NULL, status, 0)) {
		on = -1;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (status[i] == node)
			on++;
		if (per_node && status[i] >= 0 && status[i] < MAX_NODES)
			per_node[status[i]]++;
	}
out:
	free(pages);
	free(status);
	return on;
}

/* move_pages(2) of SysRAM pages to the node: how many moved. */
static long phase_move_pages(int node)
{
	size_t bytes = 4 * MIB, n = bytes / PAGE, i;
	char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void **pages;
	int *nodes, *status;
	long moved;

	if (p == MAP_FAILED)
		return -1;
	memset(p, 1, bytes);
	pages = calloc(n, sizeof(void *));
	nodes = calloc(n, sizeof(int));
	status = calloc(n, sizeof(int));
	for (i = 0; i < n; i++) {
		pages[i] = p + i * PAGE;
		nodes[i] = node;
	}
	/* Errors per page are in status; the call itself may fail too. */
	syscall(SYS_move_pages, 0, n, pages, nodes, status, 2 /* MOVE */);
	moved = count_on_node(p, bytes, node, NULL);
	free(pages);
	free(nodes);
	free(status);
	munmap(p, bytes);
	return moved < 0 ? -1 : moved * (long)PAGE / (long)MIB;
}

/* MPOL_INTERLEAVE over every memory node, as numactl --interleave=all. */
static long phase_interleave(int node)
{
	unsigned long mask[2] = { 0, 0 };
	int nodes[MAX_NODES], n = memory_nodes(nodes), i, status;
	size_t bytes = 96 * MIB;
	int p[2];
	long on = -1;
	pid_t pid;

	for (i = 0; i < n; i++)
		mask[0] |= 1UL << nodes[i];
	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		char *m;
		long r = -2;

		/* The series narrows the mask to SysRAM; vanilla uses all. */
		if (!syscall(SYS_set_mempolicy, MPOL_INTERLEAVE, mask, 65)) {
			m = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (m != MAP_FAILED) {
				memset(m, 3, bytes);
				r = count_on_node(m, bytes, node, NULL);
			}
		}
		if (write(p[1], &r, sizeof(r)) < 0)
			_exit(2);
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &on, sizeof(on)) != sizeof(on))
		on = -1;
	close(p[0]);
	waitpid(pid, &status, 0);
	return on < 0 ? on : on * (long)PAGE / (long)MIB;
}

/* The node meminfo fields that only kernel allocations move. */
static const char *const kern_fields[] = {
	"Slab", "PageTables", "KernelStack", "FilePages",
};
#define NR_KERN_FIELDS (sizeof(kern_fields) / sizeof(kern_fields[0]))

struct kern_sampler {
	struct sampler mem;
	long start[NR_KERN_FIELDS];
	long max[NR_KERN_FIELDS];
};

static void kern_sample(struct kern_sampler *k)
{
	unsigned int i;

	sample(&k->mem);
	for (i = 0; i < NR_KERN_FIELDS; i++) {
		long v = node_meminfo_kb(k->mem.node, kern_fields[i]);

		if (v > k->max[i])
			k->max[i] = v;
	}
}

/*
 * The kernel workload, in its own process group: fill System RAM with
 * anonymous memory down to @leave bytes, then hold ~340 MiB of kernel
 * allocations on top (page tables for a sparse mapping, pipe buffers,
 * tmpfs page cache, 20k inodes and dentries, 256 sleeping tasks' stacks),
 * tell the parent, and wait to be killed.
 */
static void __attribute__((noreturn)) kernel_workload(size_t hold, int fd)
{
	struct rlimit rl = { 65536, 65536 };
	const char *dir = "/run/spm-probe-kernel";
	size_t sparse = 32UL << 30, off;
	char path[96], buf[4096];
	int i, p[2], file;
	char *m;

	setpgid(0, 0);
	setrlimit(RLIMIT_NOFILE, &rl);
	memset(buf, 0x3c, sizeof(buf));
	/*
	 * The big mappings are not inherited by the tasks forked below, or
	 * every fork would copy their page tables.
	 */
	if (hold) {
		m = mmap(NULL, hold, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m != MAP_FAILED) {
			madvise(m, hold, MADV_DONTFORK);
			memset(m, 7, hold);
		}
	}
	/*
	 * 16384 page-table pages (64 MiB) and as much anonymous memory: one
	 * base page per 2 MiB, so no transparent huge pages here.
	 */
	m = mmap(NULL, sparse, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m != MAP_FAILED) {
		madvise(m, sparse, MADV_NOHUGEPAGE);
		madvise(m, sparse, MADV_DONTFORK);
		for (off = 0; off < sparse; off += 2 * MIB)
			m[off] = 1;
	}
	/* 1500 full pipes: 94 MiB of pipe buffers */
	for (i = 0; i < 1500 && !pipe(p); i++) {
		fcntl(p[1], F_SETFL, O_NONBLOCK);
		while (write(p[1], buf, sizeof(buf)) > 0)
			;
	}
	/* 96 MiB of tmpfs page cache and 20000 empty files */
	mkdir(dir, 0700);
	snprintf(path, sizeof(path), "%s/data", dir);
	file = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	for (off = 0; file >= 0 && off < 96 * MIB; off += sizeof(buf))
		if (write(file, buf, sizeof(buf)) != sizeof(buf))
			break;
	for (i = 0; i < 20000; i++) {
		snprintf(path, sizeof(path), "%s/f%d", dir, i);
		file = open(path, O_CREAT | O_WRONLY, 0600);
		if (file >= 0)
			close(file);
	}
	/* 256 tasks: kernel stacks and task structs */
	for (i = 0; i < 256; i++) {
		pid_t pid = fork();

		if (pid == 0)
			for (;;)
				pause();
		if (pid < 0)
			break;
	}
	if (write(fd, "x", 1) < 0)
		_exit(2);
	for (;;)
		pause();
}

/*
 * Kernel allocations while System RAM is nearly full, so that the local
 * node's watermarks are low and its allocations fall back to other nodes.
 * Prints the growth of @node's kernel meminfo fields while held.
 */
static void phase_kernel(int node)
{
	long other = other_free_kb(node) * 1024L;
	size_t hold = other > (long)(640 * MIB) ? other - 640 * MIB : 0;
	struct kern_sampler k = { 0 };
	unsigned int i;
	int fds[2], n;
	pid_t pid, pgid;

	sampler_init(&k.mem, node);
	for (i = 0; i < NR_KERN_FIELDS; i++)
		k.start[i] = k.max[i] = node_meminfo_kb(node, kern_fields[i]);
	if (pipe(fds))
		return;
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		kernel_workload(hold, fds[1]);
	}
	/* the workload and every task it forked, even if it died first */
	pgid = pid;
	if (pid > 0)
		setpgid(pid, pid);
	close(fds[1]);
	for (n = 0; n < 30000; n++) {	/* up to 300 s */
		char c;

		kern_sample(&k);
		if (read(fds[0], &c, 1) == 1)
			break;
		if (waitpid(pid, NULL, WNOHANG) == pid) {
			pid = -1;
			break;
		}
		sleep_ms(10);
	}
	for (n = 0; pid > 0 && n < 100; n++) {	/* one more second held */
		kern_sample(&k);
		sleep_ms(10);
	}
	if (pgid > 0) {
		kill(-pgid, SIGKILL);
		if (pid > 0)
			waitpid(pid, NULL, 0);
	}
	close(fds[0]);
	for (i = 0; i < NR_KERN_FIELDS; i++)
		printf("kernel %s %ld\n", kern_fields[i], k.max[i] - k.start[i]);
	printf("kernel MemUsed %ld\n", sampler_leak_mib(&k.mem));
	printf("kernel held %s\n", pid > 0 ? "yes" : "no");
}

static char *map_touch(size_t bytes)
{
	char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	memset(p, 7, bytes);
	return p;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "leak")) {
		int node = atoi(argv[2]);

		set_oom_adj(-1000);
		setvbuf(stdout, NULL, _IONBF, 0);
		printf("leak anon %ld\n", phase_anon(node));
		printf("leak tmpfs %ld\n", phase_tmpfs(node));
		printf("leak interleave %ld\n", phase_interleave(node));
		printf("leak hugetlb %ld\n", phase_hugetlb(node));
		printf("leak move_pages %ld\n", phase_move_pages(node));
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "touch")) {
		size_t bytes = strtoul(argv[2], NULL, 10) * MIB;
		char *p = map_touch(bytes);
		long on = count_on_node(p, bytes, atoi(argv[3]), NULL);

		if (on < 0)
			return 1;
		printf("on_node %ld\n", on * (long)PAGE / (long)MIB);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "pages")) {
		size_t bytes = strtoul(argv[2], NULL, 10) * MIB;
		long per_node[MAX_NODES] = { 0 };
		char *p = map_touch(bytes);
		int i;

		if (count_on_node(p, bytes, -1, per_node) < 0)
			return 1;
		for (i = 0; i < MAX_NODES; i++)
			if (per_node[i])
				printf("node%d %ld\n", i, per_node[i]);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "kernel")) {
		setvbuf(stdout, NULL, _IONBF, 0);
		phase_kernel(atoi(argv[2]));
		return 0;
	}
	fprintf(stderr,
		"usage: spm-probe leak NODE | touch MIB NODE | pages MIB | kernel NODE\n");
	return 2;
}
