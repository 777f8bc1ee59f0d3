/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Private interfaces of the operations half of libspm (online.c, udev.c,
 * kmod.c, mempolicy.c). Not installed; the ops tests include it to reach
 * the test hooks.
 */
#ifndef _LIBSPM_OPS_H_
#define _LIBSPM_OPS_H_

#include <stdbool.h>
#include <stddef.h>

#include "libspm-private.h"

/* ---- udev.c: waiting for the kernel's and udev's reaction ---- */

struct spm_udev_wait;

/*
 * Start listening for uevents of the "memory" and "dax" subsystems before
 * an action that makes the kernel add devices. Returns NULL (nothing to
 * wait for) when the root is not the live "/", or udevd does not run, or
 * libudev fails (then waiting degrades to checking that the blocks exist).
 */
struct spm_udev_wait *spm_udev_wait_begin(struct spm_ctx *ctx);
/*
 * Wait until udevd has processed an "add" event for each of the nr memory
 * blocks ids[] (so its rules, which may online them, have run) and its
 * queue is empty, or timeout_ms passed. Returns 0, or -ETIMEDOUT with the
 * number of blocks still unseen in *missing. Frees w; w may be NULL.
 */
int spm_udev_wait_end(struct spm_udev_wait *w, const unsigned long *ids,
		      size_t nr, int timeout_ms, size_t *missing);
/* Free without waiting. */
void spm_udev_wait_cancel(struct spm_udev_wait *w);

/* ---- kmod.c ---- */

/*
 * Make sure the dax driver `driver` ("kmem", "device_dax") is present:
 * return 0 when sys/bus/dax/drivers/<driver> exists, otherwise load the
 * module with libkmod (live root only). Blacklisted → -EPERM with a
 * message; not found → -ENOENT.
 */
int spm_kmod_ensure_dax_driver(struct spm_ctx *ctx, const char *driver);

/* ---- mempolicy.c ---- */

/*
 * Build the nodemask argument of mbind/set_mempolicy: whole longs holding
 * the highest set node, plus one zeroed long, so both readings of maxnode
 * stay in bounds. Returns the number of longs written (<= len) and the
 * maxnode to pass (bits + 1), or -ENOSPC / -EINVAL (empty mask).
 */
int spm_mpol_build_mask(const struct spm_nodemask *mask, unsigned long *out,
			size_t len, unsigned long *maxnode);

/*
 * Test hook replacing the real syscalls (nr is SYS_mbind or
 * SYS_set_mempolicy; addr/len/flags are 0 for set_mempolicy). Returns what
 * the syscall would: 0 or -1 with errno set.
 */
typedef long (*spm_mpol_hook_fn)(long nr, void *addr, unsigned long len,
				 int mode, const unsigned long *nmask,
				 unsigned long maxnode, unsigned int flags);
void spm_set_mpol_hook(spm_mpol_hook_fn fn);

#endif /* _LIBSPM_OPS_H_ */
