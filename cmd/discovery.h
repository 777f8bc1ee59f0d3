/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers shared by the spmctl commands that show devices (cmd/list.c,
 * cmd/json.c). */
#ifndef _SPMCTL_DISCOVERY_H_
#define _SPMCTL_DISCOVERY_H_

#include <stdbool.h>
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

const char *spmctl_dax_mode_name(enum spm_dax_mode mode);

/* "1.00 GiB"; buf must hold 32 bytes. */
const char *spmctl_size(uint64_t bytes, char *buf);

/* JSON (cmd/json.c): the same keys wherever an object is printed. */
struct json_object;
int spmctl_jadd(struct json_object *obj, const char *key,
		struct json_object *val);
struct json_object *spmctl_jsize(uint64_t v, bool human);
struct json_object *spmctl_jaddr(uint64_t v, bool human);
struct json_object *spmctl_blocks_json(const struct spmctl_blocks *s);
/* A dax device as in list -j's dax_devices. */
struct json_object *spmctl_dax_json(struct spm_dax *dax, bool human);
/* A node's "owner" (SPM nodes) and "driver" (a driver's) as in list -j's
 * nodes. */
void spmctl_node_owner_json(struct json_object *o, struct spm_node *node);
void spmctl_print_json(struct json_object *o);

#endif /* _SPMCTL_DISCOVERY_H_ */
