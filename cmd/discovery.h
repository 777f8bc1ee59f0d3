/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers shared by spmctl list and spmctl doctor (cmd/list.c). */
#ifndef _SPMCTL_DISCOVERY_H_
#define _SPMCTL_DISCOVERY_H_

#include <stdint.h>

#include <spm/libspm.h>

/* Counts over a set of memory blocks; zones only of online blocks. */
struct spmctl_blocks {
	unsigned long count, online, offline, going_offline, unknown;
	unsigned long movable, normal;
	unsigned long unremovable;
	/* every zone of online blocks, in order of appearance */
	int nr_zones;
	const char *zone[8];
	unsigned long zone_count[8];
};

void spmctl_blocks_add(struct spmctl_blocks *s, struct spm_block *b);
void spmctl_dax_blocks(struct spm_dax *dax, struct spmctl_blocks *s);
void spmctl_node_blocks(struct spm_node *node, struct spmctl_blocks *s);

/*
 * Isolation state of a dax device: "isolated" (kmem, every block online on
 * an SPM node), "sysram" (online on a SysRAM node), "offline", "partial",
 * "devdax", "unbound", "other" (another driver) or "unknown".
 */
const char *spmctl_dax_state(struct spm_ctx *ctx, struct spm_dax *dax,
			     const struct spmctl_blocks *s);
const char *spmctl_dax_mode_name(enum spm_dax_mode mode);

/* "1.00 GiB"; buf must hold 32 bytes. */
const char *spmctl_size(uint64_t bytes, char *buf);

#endif /* _SPMCTL_DISCOVERY_H_ */
