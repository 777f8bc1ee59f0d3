// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mbind(2) and set_mempolicy(2) with MPOL_BIND | MPOL_F_SPM_NODE.
 *
 * Why not libnuma: its setters cannot carry a mode flag, return void, and
 * check nodes against a Mems_allowed snapshot taken when the library was
 * loaded; numa_alloc_onnode() even returns the mapping when its mbind
 * failed. So the syscalls are made here, directly, from static functions:
 * a global function named mbind or set_mempolicy would take over libnuma's
 * own PLT calls in any process that links both.
 *
 * This file includes <linux/mempolicy.h> and never <numaif.h>: the two
 * clash (numaif.h's MPOL_* macros against the enum).
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
#include "libspm-discovery.h"
#include "libspm-ops.h"

/* The SPM node series' UAPI flag (spm-abi.md §7); no installed header
 * has it yet. */
#ifndef MPOL_F_SPM_NODE
#define MPOL_F_SPM_NODE (1 << 12)
#endif

#define BITS_PER_LONG (8 * sizeof(unsigned long))
/* Longs of a full spm_nodemask plus the extra zeroed one. */
#define MPOL_MASK_LONGS (SPM_MAX_NODES / BITS_PER_LONG + 1)

static spm_mpol_hook_fn mpol_hook;

void spm_set_mpol_hook(spm_mpol_hook_fn fn)
{
	mpol_hook = fn;
}

static long sys_mbind(void *addr, unsigned long len, int mode,
		      const unsigned long *nmask, unsigned long maxnode,
		      unsigned int flags)
{
	if (mpol_hook)
		return mpol_hook(SYS_mbind, addr, len, mode, nmask, maxnode,
				 flags);
	return syscall(SYS_mbind, addr, len, mode, nmask, maxnode, flags);
}

static long sys_set_mempolicy(int mode, const unsigned long *nmask,
			      unsigned long maxnode)
{
	if (mpol_hook)
		return mpol_hook(SYS_set_mempolicy, NULL, 0, mode, nmask,
				 maxnode, 0);
	return syscall(SYS_set_mempolicy, mode, nmask, maxnode);
}

int spm_mpol_build_mask(const struct spm_nodemask *mask, unsigned long *out,
			size_t len, unsigned long *maxnode)
{
	int node, highest = -1;
	size_t nlongs;

	for (node = SPM_MAX_NODES - 1; node >= 0; node--) {
		if (spm_nodemask_isset(mask, node)) {
			highest = node;
			break;
		}
	}
	if (highest < 0)
		return -EINVAL;
	/*
	 * 6.12's get_nodes() does --maxnode and copies BITS_TO_LONGS(maxnode)
	 * longs, so maxnode = nbits + 1 reads exactly the whole longs that
	 * hold the mask. Kernels (and libnuma versions) that read maxnode
	 * bits instead read one more long: the extra zeroed long keeps that
	 * reading in bounds and meaningless.
	 */
	nlongs = highest / BITS_PER_LONG + 1;
	if (nlongs + 1 > len)
		return -ENOSPC;
	memcpy(out, mask->bits, nlongs * sizeof(unsigned long));
	out[nlongs] = 0;
	*maxnode = nlongs * BITS_PER_LONG + 1;
	return (int)(nlongs + 1);
}

static int read_list(struct spm_ctx *ctx, const char *path,
		     struct spm_nodemask *mask)
{
	char buf[8192];
	int rc;

	/* quiet: a missing has_spm_memory is an answer, not an error */
	rc = spm_try_read_str(ctx, buf, sizeof(buf), "%s", path);
	if (rc < 0)
		return rc;
	return spm_parse_bitlist(buf, mask);
}

/*
 * The cpuset's memory nodes of the calling task, read now (a cpuset can
 * change at any time). Under a fixture root its proc/self/status stands in
 * for the task's. Returns 0, or -ENOENT when unknown (no check then).
 */
static int read_mems_allowed(struct spm_ctx *ctx, struct spm_nodemask *mask,
			     char *list, size_t listlen)
{
	static const char key[] = "\nMems_allowed_list:";
	char buf[16384], *p, *eol;
	size_t got = 0;
	ssize_t n;
	int fd, rc;

	/* Not spm_read_str(): status is larger than a sysfs value, and a
	 * fixture without it is no error. */
	fd = spm_open_rel(ctx, "proc/self/status", 0);
	if (fd < 0)
		return fd;
	while (got < sizeof(buf) - 1) {
		n = read(fd, buf + got, sizeof(buf) - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	p = strstr(buf, key);
	if (!p)
		return -ENOENT;
	p += sizeof(key) - 1;
	p += strspn(p, " \t");
	eol = strchr(p, '\n');
	if (eol)
		*eol = '\0';
	snprintf(list, listlen, "%s", p);
	rc = spm_parse_bitlist(p, mask);
	return rc;
}

/*
 * Check a mask before handing it to the kernel, so that the caller gets a
 * reason instead of the kernel's bare EINVAL: the series must be there
 * (without it the flag is EINVAL too, indistinguishable), every node must
 * be an SPM node with memory, and the cpuset must allow it.
 */
static int check_mask(struct spm_ctx *ctx, const struct spm_nodemask *mask,
		      const char *what)
{
	struct spm_nodemask spm, mem, allowed;
	char list[256];
	int rc, node;

	if (!mask || spm_nodemask_weight(mask) == 0)
		return spm_set_error(ctx, -EINVAL, "%s: empty node mask", what);
	rc = read_list(ctx, "sys/devices/system/node/has_spm_memory", &spm);
	if (rc == -ENOENT)
		return spm_set_error(
			ctx, -EOPNOTSUPP,
			"%s: kernel lacks MPOL_F_SPM_NODE (no has_spm_memory)",
			what);
	if (rc < 0)
		return spm_set_error(ctx, rc,
				     "%s: cannot read has_spm_memory: %s", what,
				     strerror(-rc));
	rc = read_list(ctx, "sys/devices/system/node/has_memory", &mem);
	if (rc < 0)
		spm_nodemask_zero(&mem);

	for (node = 0; node < SPM_MAX_NODES; node++) {
		if (!spm_nodemask_isset(mask, node) ||
		    spm_nodemask_isset(&spm, node))
			continue;
		if (!spm_exists(ctx, "sys/devices/system/node/node%d", node))
			return spm_set_error(ctx, -EINVAL,
					     "%s: node %d does not exist", what,
					     node);
		if (spm_nodemask_isset(&mem, node))
			return spm_set_error(
				ctx, -EINVAL,
				"%s: node %d is not an SPM node (SysRAM)", what,
				node);
		return spm_set_error(
			ctx, -EINVAL,
			"%s: node %d is not an SPM node (it has no memory online)",
			what, node);
	}

	rc = read_mems_allowed(ctx, &allowed, list, sizeof(list));
	if (rc < 0) {
		spm_dbg(ctx, "Mems_allowed unknown (%s); not checked",
			strerror(-rc));
		return 0;
	}
	for (node = 0; node < SPM_MAX_NODES; node++) {
		if (spm_nodemask_isset(mask, node) &&
		    !spm_nodemask_isset(&allowed, node))
			return spm_set_error(
				ctx, -EINVAL,
				"%s: node %d is not allowed by this task's cpuset (Mems_allowed_list %s)",
				what, node, list[0] ? list : "empty");
	}
	return 0;
}

static const char *fixture_note(struct spm_ctx *ctx)
{
	return spm_root_is_live(ctx) ?
		       "" :
		       " (the root is not \"/\": the running kernel is not the one it describes)";
}

int spm_mbind(struct spm_ctx *ctx, void *addr, size_t len,
	      const struct spm_nodemask *mask, unsigned int flags)
{
	unsigned long nmask[MPOL_MASK_LONGS], maxnode;
	unsigned int mflags = 0;
	char list[64];
	int rc;

	if (!ctx)
		return -EINVAL;
	if (flags & ~(unsigned int)(SPM_MBIND_MOVE | SPM_MBIND_STRICT))
		return spm_set_error(ctx, -EINVAL, "mbind: unknown flags %#x",
				     flags);
	if (flags & SPM_MBIND_MOVE)
		mflags |= MPOL_MF_MOVE;
	if (flags & SPM_MBIND_STRICT)
		mflags |= MPOL_MF_STRICT;
	rc = check_mask(ctx, mask, "mbind");
	if (rc < 0)
		return rc;
	rc = spm_mpol_build_mask(mask, nmask, MPOL_MASK_LONGS, &maxnode);
	if (rc < 0)
		return spm_set_error(ctx, rc, "mbind: cannot build the mask");
	if (spm_nodemask_format(mask, list, sizeof(list)) < 0)
		snprintf(list, sizeof(list), "...");
	if (sys_mbind(addr, len, MPOL_BIND | MPOL_F_SPM_NODE, nmask, maxnode,
		      mflags) < 0) {
		rc = -errno;
		return spm_set_error(
			ctx, rc,
			"mbind(%p, %zu, MPOL_BIND|MPOL_F_SPM_NODE, nodes %s): %s%s",
			addr, len, list, strerror(-rc), fixture_note(ctx));
	}
	return 0;
}

void *spm_alloc_onnode(struct spm_ctx *ctx, size_t size, int node)
{
	struct spm_nodemask mask;
	void *p;
	int rc;

	if (!ctx || size == 0 || node < 0 || node >= SPM_MAX_NODES) {
		if (ctx)
			spm_set_error(ctx, -EINVAL,
				      "alloc on node %d: invalid size or node",
				      node);
		errno = EINVAL;
		return NULL;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		rc = errno;
		spm_set_error(ctx, -rc,
			      "alloc on node %d: mmap of %zu bytes: %s", node,
			      size, strerror(rc));
		errno = rc;
		return NULL;
	}
	spm_nodemask_zero(&mask);
	spm_nodemask_set(&mask, node);
	/* Nothing is faulted yet, so no MOVE is needed; unlike libnuma, a
	 * failed bind is a failed allocation. */
	rc = spm_mbind(ctx, p, size, &mask, 0);
	if (rc < 0) {
		munmap(p, size);
		errno = -rc;
		return NULL;
	}
	return p;
}

void spm_free(void *ptr, size_t size)
{
	if (ptr)
		munmap(ptr, size);
}

int spm_set_task_policy(struct spm_ctx *ctx, const struct spm_nodemask *mask)
{
	unsigned long nmask[MPOL_MASK_LONGS], maxnode;
	char list[64];
	int rc;

	if (!ctx)
		return -EINVAL;
	rc = check_mask(ctx, mask, "set_mempolicy");
	if (rc < 0)
		return rc;
	rc = spm_mpol_build_mask(mask, nmask, MPOL_MASK_LONGS, &maxnode);
	if (rc < 0)
		return spm_set_error(ctx, rc,
				     "set_mempolicy: cannot build the mask");
	if (spm_nodemask_format(mask, list, sizeof(list)) < 0)
		snprintf(list, sizeof(list), "...");
	if (sys_set_mempolicy(MPOL_BIND | MPOL_F_SPM_NODE, nmask, maxnode) <
	    0) {
		rc = -errno;
		return spm_set_error(
			ctx, rc,
			"set_mempolicy(MPOL_BIND|MPOL_F_SPM_NODE, nodes %s): %s%s",
			list, strerror(-rc), fixture_note(ctx));
	}
	return 0;
}
