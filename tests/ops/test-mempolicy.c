// SPDX-License-Identifier: GPL-2.0-only
/*
 * spm_mbind / spm_set_task_policy / spm_alloc_onnode: the mask and
 * maxnode handed to the kernel, and every refusal before the syscall. The
 * syscalls themselves are replaced by a hook: the flag only works on the
 * patched kernel (the VM harness runs "spmctl exec --node 2" there).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/mempolicy.h>

#include "libspm-private.h"
#include "libspm-ops.h"
#include "check.h"
#include "fixture.h"

#define SPM_FLAG (1 << 12)

static struct {
	int calls;
	long nr;
	void *addr;
	unsigned long len;
	int mode;
	unsigned long mask[3];
	unsigned long maxnode;
	unsigned int flags;
	int fail; /* errno to fail with */
} seen;

static long hook(long nr, void *addr, unsigned long len, int mode,
		 const unsigned long *nmask, unsigned long maxnode,
		 unsigned int flags)
{
	size_t i, n = (maxnode - 1 + 63) / 64;

	seen.calls++;
	seen.nr = nr;
	seen.addr = addr;
	seen.len = len;
	seen.mode = mode;
	seen.maxnode = maxnode;
	seen.flags = flags;
	/* read what either reading of maxnode would: nbits, or nbits + 1
	 * (one more long); valgrind/ASan catch an out-of-bounds read */
	n = maxnode / 64 + 1;
	for (i = 0; i < n && i < 3; i++)
		seen.mask[i] = nmask[i];
	if (seen.fail) {
		errno = seen.fail;
		return -1;
	}
	return 0;
}

static void quiet_log(struct spm_ctx *ctx, int priority, const char *file,
		      int line, const char *fn, const char *format,
		      va_list args)
{
	(void)ctx, (void)priority, (void)file, (void)line, (void)fn;
	(void)format, (void)args;
}

static struct spm_ctx *ctx_for(const char *root)
{
	struct spm_ctx *ctx;

	if (spm_new(&ctx) < 0 || spm_set_root(ctx, root) < 0)
		abort();
	spm_set_log_fn(ctx, quiet_log);
	return ctx;
}

static void put_file(const char *root, const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
}

static void test_build_mask(void)
{
	unsigned long out[SPM_MAX_NODES / 64 + 1], maxnode = 0;
	struct spm_nodemask m;
	int n;

	spm_nodemask_zero(&m);
	CHECK(spm_mpol_build_mask(&m, out, 17, &maxnode) == -EINVAL, "empty");
	spm_nodemask_set(&m, 2);
	memset(out, 0xaa, sizeof(out));
	n = spm_mpol_build_mask(&m, out, 17, &maxnode);
	CHECK(n == 2 && out[0] == 4 && out[1] == 0 && maxnode == 65,
	      "node 2: n %d out %lx %lx maxnode %lu", n, out[0], out[1],
	      maxnode);
	spm_nodemask_set(&m, 63);
	n = spm_mpol_build_mask(&m, out, 17, &maxnode);
	CHECK(n == 2 && out[0] == (4UL | 1UL << 63) && maxnode == 65,
	      "node 63: n %d maxnode %lu", n, maxnode);
	spm_nodemask_set(&m, 64);
	n = spm_mpol_build_mask(&m, out, 17, &maxnode);
	CHECK(n == 3 && out[1] == 1 && out[2] == 0 && maxnode == 129,
	      "node 64: n %d maxnode %lu", n, maxnode);
	spm_nodemask_zero(&m);
	spm_nodemask_set(&m, SPM_MAX_NODES - 1);
	n = spm_mpol_build_mask(&m, out, 17, &maxnode);
	CHECK(n == 17 && out[15] == 1UL << 63 && out[16] == 0 &&
		      maxnode == SPM_MAX_NODES + 1,
	      "node 1023: n %d maxnode %lu", n, maxnode);
	CHECK(spm_mpol_build_mask(&m, out, 16, &maxnode) == -ENOSPC,
	      "too small");
}

static void test_policy(const char *root)
{
	struct spm_ctx *ctx = ctx_for(root);
	struct spm_nodemask m;
	char buf[64];
	void *p;
	int rc;

	spm_set_mpol_hook(hook);

	/* node 2 alone: MPOL_BIND | MPOL_F_SPM_NODE, mask 0b100, maxnode 65 */
	spm_nodemask_zero(&m);
	spm_nodemask_set(&m, 2);
	memset(&seen, 0, sizeof(seen));
	rc = spm_set_task_policy(ctx, &m);
	CHECK(rc == 0 && seen.calls == 1 && seen.nr == SYS_set_mempolicy &&
		      seen.mode == (MPOL_BIND | SPM_FLAG) &&
		      seen.mask[0] == 4 && seen.mask[1] == 0 &&
		      seen.maxnode == 65,
	      "set_mempolicy: rc %d calls %d mode %#x mask %lx maxnode %lu (%s)",
	      rc, seen.calls, seen.mode, seen.mask[0], seen.maxnode,
	      spm_get_last_error(ctx));

	memset(&seen, 0, sizeof(seen));
	rc = spm_mbind(ctx, (void *)0x10000, 8192, &m,
		       SPM_MBIND_MOVE | SPM_MBIND_STRICT);
	CHECK(rc == 0 && seen.nr == SYS_mbind && seen.addr == (void *)0x10000 &&
		      seen.len == 8192 && seen.mode == (MPOL_BIND | SPM_FLAG) &&
		      seen.flags == (MPOL_MF_MOVE | MPOL_MF_STRICT) &&
		      seen.maxnode == 65 && seen.mask[0] == 4,
	      "mbind: rc %d flags %#x", rc, seen.flags);
	CHECK(spm_mbind(ctx, NULL, 4096, &m, 1 << 5) == -EINVAL,
	      "unknown mbind flag");

	/* the kernel's answer is passed on, with words */
	memset(&seen, 0, sizeof(seen));
	seen.fail = ENOMEM;
	rc = spm_set_task_policy(ctx, &m);
	CHECK(rc == -ENOMEM &&
		      strstr(spm_get_last_error(ctx),
			     "set_mempolicy(MPOL_BIND|MPOL_F_SPM_NODE, nodes 2): Cannot allocate memory"),
	      "kernel error: %d %s", rc, spm_get_last_error(ctx));
	seen.fail = 0;

	/* alloc: mmap + mbind; a failed bind is a failed allocation */
	memset(&seen, 0, sizeof(seen));
	p = spm_alloc_onnode(ctx, 1 << 20, 2);
	CHECK(p && seen.nr == SYS_mbind && seen.addr == p &&
		      seen.len == 1 << 20 && seen.flags == 0,
	      "alloc: %p %s", p, spm_get_last_error(ctx));
	if (p) {
		memset(p, 1, 4096);
		spm_free(p, 1 << 20);
	}
	seen.fail = EINVAL;
	errno = 0;
	p = spm_alloc_onnode(ctx, 1 << 20, 2);
	CHECK(!p && errno == EINVAL, "alloc with failing mbind: %p %d", p,
	      errno);
	seen.fail = 0;
	errno = 0;
	CHECK(!spm_alloc_onnode(ctx, 0, 2) && errno == EINVAL, "size 0");
	CHECK(!spm_alloc_onnode(ctx, 4096, -1) && errno == EINVAL, "node -1");
	CHECK(!spm_alloc_onnode(ctx, 4096, 1) && errno == EINVAL,
	      "node 1 is SysRAM");
	spm_free(NULL, 0);

	/* refusals before the syscall */
	memset(&seen, 0, sizeof(seen));
	spm_nodemask_zero(&m);
	rc = spm_set_task_policy(ctx, &m);
	CHECK(rc == -EINVAL && strstr(spm_get_last_error(ctx), "empty"),
	      "empty: %d %s", rc, spm_get_last_error(ctx));
	spm_nodemask_set(&m, 1);
	spm_nodemask_set(&m, 2);
	rc = spm_set_task_policy(ctx, &m);
	CHECK(rc == -EINVAL && strstr(spm_get_last_error(ctx),
				      "node 1 is not an SPM node (SysRAM)"),
	      "SysRAM node: %d %s", rc, spm_get_last_error(ctx));
	spm_nodemask_zero(&m);
	spm_nodemask_set(&m, 7);
	rc = spm_mbind(ctx, NULL, 4096, &m, 0);
	CHECK(rc == -EINVAL &&
		      strstr(spm_get_last_error(ctx), "node 7 does not exist"),
	      "missing node: %d %s", rc, spm_get_last_error(ctx));
	CHECK(seen.calls == 0, "syscall made %d times", seen.calls);

	/* node 2 with no memory online: not an SPM node */
	put_file(root, "sys/devices/system/node/has_spm_memory", "\n");
	spm_nodemask_zero(&m);
	spm_nodemask_set(&m, 2);
	rc = spm_set_task_policy(ctx, &m);
	CHECK(rc == -EINVAL && strstr(spm_get_last_error(ctx),
				      "node 2 is not an SPM node"),
	      "no memory: %d %s", rc, spm_get_last_error(ctx));
	put_file(root, "sys/devices/system/node/has_spm_memory", "2\n");

	/* cpuset conflict, named */
	put_file(
		root, "proc/self/status",
		"Name:\tx\nMems_allowed:\t00000003\nMems_allowed_list:\t0-1\n");
	rc = spm_set_task_policy(ctx, &m);
	CHECK(rc == -EINVAL &&
		      strstr(spm_get_last_error(ctx),
			     "node 2 is not allowed by this task's cpuset (Mems_allowed_list 0-1)"),
	      "cpuset: %d %s", rc, spm_get_last_error(ctx));
	/* no status file: not checked */
	snprintf(buf, sizeof(buf), "%s", "proc/self/status");
	{
		char path[512];

		snprintf(path, sizeof(path), "%s/%s", root, buf);
		unlink(path);
	}
	memset(&seen, 0, sizeof(seen));
	rc = spm_set_task_policy(ctx, &m);
	CHECK(rc == 0 && seen.calls == 1, "no status: %d %s", rc,
	      spm_get_last_error(ctx));
	CHECK(seen.calls == 1, "calls %d", seen.calls);

	spm_set_mpol_hook(NULL);
	spm_unref(ctx);
}

static void test_no_series(const char *root)
{
	struct spm_ctx *ctx = ctx_for(root);
	struct spm_nodemask m;
	int rc;

	spm_set_mpol_hook(hook);
	memset(&seen, 0, sizeof(seen));
	spm_nodemask_zero(&m);
	spm_nodemask_set(&m, 2);
	rc = spm_set_task_policy(ctx, &m);
	CHECK(rc == -EOPNOTSUPP &&
		      strstr(spm_get_last_error(ctx),
			     "kernel lacks MPOL_F_SPM_NODE (no has_spm_memory)"),
	      "no series: %d %s", rc, spm_get_last_error(ctx));
	rc = spm_mbind(ctx, NULL, 4096, &m, 0);
	CHECK(rc == -EOPNOTSUPP, "mbind no series: %d", rc);
	CHECK(seen.calls == 0, "syscall made");
	spm_set_mpol_hook(NULL);
	spm_unref(ctx);
}

/*
 * The real syscall on this kernel, through a fixture claiming node 2 is
 * SPM: whatever the kernel says, the error is reported, not hidden.
 */
static void test_real_syscall(const char *root)
{
	struct spm_ctx *ctx = ctx_for(root);
	struct spm_nodemask m;
	int rc;

	spm_nodemask_zero(&m);
	spm_nodemask_set(&m, 2);
	rc = spm_mbind(ctx, NULL, 0, &m, 0);
	/* a 0-length mbind succeeds on any kernel that accepts the mode;
	 * without the series (or node 2) it is EINVAL */
	CHECK(rc == 0 || (rc < 0 && strstr(spm_get_last_error(ctx), "mbind(")),
	      "real mbind: %d %s", rc, spm_get_last_error(ctx));
	spm_unref(ctx);
}

int main(void)
{
	char tmpl[] = "/tmp/spm-mpol-XXXXXX", root[256];

	if (!mkdtemp(tmpl))
		abort();
	test_build_mask();
	snprintf(root, sizeof(root), "%s/online", tmpl);
	if (fix_create(root, "synthetic-online-movable"))
		abort();
	test_policy(root);
	test_real_syscall(root);
	snprintf(root, sizeof(root), "%s/noseries", tmpl);
	if (fix_create(root, "synthetic-no-series"))
		abort();
	test_no_series(root);
	fix_remove(tmpl);
	return check_report();
}
