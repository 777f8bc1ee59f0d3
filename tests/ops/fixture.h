/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Synthetic sysfs/procfs trees for the operation tests, and a write hook
 * that plays the 6.12 kernel with the SPM node series on such a tree.
 *
 * Topology (spm-abi.md "The test machine"): nodes 0 and 1 with CPUs,
 * node 2 memory-only; dax0.0 from hmem.0, 1 GiB at 4 GiB, target_node 2,
 * 128 MiB blocks: memory32..memory39.
 */
#ifndef _OPS_FIXTURE_H_
#define _OPS_FIXTURE_H_

#include <stdbool.h>

#define FIX_FIRST_BLOCK 32
#define FIX_NR_BLOCKS 8

/*
 * Scenarios:
 *  synthetic-hmem-kmem-offline   kmem bound, spm_node=1, blocks offline
 *  synthetic-devdax-idle         device_dax bound, spm_node=0, no blocks
 *  synthetic-online-movable      kmem bound, spm_node=1, blocks online Movable
 *  synthetic-sysram-movable      kmem bound, spm_node=0, blocks online Movable
 *  synthetic-mixed-zones         kmem bound, spm_node=1, 32-35 Normal, 36-39 Movable
 *  synthetic-no-series           device_dax bound, no spm_node, no has_spm_memory
 *  synthetic-unbound             no driver, spm_node=0
 *  synthetic-no-valid-zones      as synthetic-hmem-kmem-offline on a kernel
 *                                without CONFIG_MEMORY_HOTREMOVE (no
 *                                valid_zones, removable 0)
 *  synthetic-user-numa-devdax    as synthetic-devdax-idle on a kernel with
 *                                spm_user_numa (0) and has_spm_user_numa
 *  synthetic-user-numa-online    as synthetic-online-movable on that kernel,
 *                                spm_user_numa=0 latched
 * Returns 0 or -1 (errno set).
 */
int fix_create(const char *root, const char *scenario);

/* A snapshot of every path, type, content and link target, sorted;
 * malloc'ed, "" for an empty tree. */
char *fix_snapshot(const char *root);
/* Remove the tree. */
void fix_remove(const char *root);

struct spm_ctx;

/* The kernel simulation behind the write hook. */
struct fix_sim {
	char root[4096];
	/* fault injection: the nth (0-based) write to fail_rel (with value
	 * fail_val, when set) fails with fail_err */
	const char *fail_rel;
	const char *fail_val;
	int fail_nth;
	int fail_err;
	int fail_seen;
	/* a second, independent fault (e.g. to break the rollback) */
	const char *fail2_rel;
	const char *fail2_val;
	int fail2_nth;
	int fail2_err;
	int fail2_seen;
	/* kernel behaviours */
	bool auto_online; /* auto_online_blocks=online_movable */
	bool bind_needs_new_id; /* kmem's bind gives ENODEV without a new_id
				 * (device_dax's always does: 6.12 matches
				 * hmem devices to kmem by type) */
	unsigned long normal_block; /* online_movable of it gives Normal */
	unsigned long race_block; /* another agent onlines it (Movable)
				     * just before our write, which then
				     * fails with EINVAL */
	/* observations */
	int nwrites;
	bool new_id[2]; /* a new_id entry is in place: kmem, device_dax */
	bool lost_range; /* kmem unbound with a block online */
	char log[16384]; /* "rel=val\n" per write */
};

void fix_sim_init(struct fix_sim *sim, const char *root);
/* The spm_write_hook_fn. */
int fix_sim_hook(struct spm_ctx *ctx, const char *rel, const char *val,
		 void *data);

#endif /* _OPS_FIXTURE_H_ */
