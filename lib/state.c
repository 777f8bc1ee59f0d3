// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The isolation state of a dax device: the question every user of libspm
 * asks ("is this device's memory an isolated SPM node?"), answered here so
 * that spmctl, an exporter or an orchestrator all get the same answer.
 */
#include "libspm-discovery.h"

int spm_dax_get_node(struct spm_dax *dax)
{
	struct spm_block *b;

	spm_dax_block_foreach (dax, b)
		if (spm_block_get_node(b) >= 0)
			return spm_block_get_node(b);
	return spm_dax_get_target_node(dax);
}

enum spm_dax_state spm_dax_get_state(struct spm_dax *dax)
{
	unsigned long count = 0, online = 0;
	struct spm_block *b;
	struct spm_node *node;

	if (!dax)
		return SPM_DAX_STATE_UNKNOWN;
	if (!dax->size)
		return SPM_DAX_STATE_SEED;
	switch (dax->mode) {
	case SPM_DAX_MODE_DEVDAX:
		return SPM_DAX_STATE_DEVDAX;
	case SPM_DAX_MODE_NONE:
		return SPM_DAX_STATE_UNBOUND;
	case SPM_DAX_MODE_OTHER:
		return SPM_DAX_STATE_OTHER;
	case SPM_DAX_MODE_KMEM:
		break;
	default:
		return SPM_DAX_STATE_UNKNOWN;
	}
	spm_dax_block_foreach (dax, b) {
		count++;
		if (spm_block_get_state(b) == SPM_BLOCK_ONLINE)
			online++;
	}
	if (!count)
		return SPM_DAX_STATE_UNKNOWN;
	if (!online)
		return SPM_DAX_STATE_OFFLINE;
	if (online < count)
		return SPM_DAX_STATE_PARTIAL;
	node = spm_node_get_by_id(dax->ctx, spm_dax_get_node(dax));
	return node && spm_node_is_spm(node) ? SPM_DAX_STATE_ISOLATED :
					       SPM_DAX_STATE_SYSRAM;
}

const char *spm_dax_state_get_name(enum spm_dax_state state)
{
	switch (state) {
	case SPM_DAX_STATE_ISOLATED:
		return "isolated";
	case SPM_DAX_STATE_SYSRAM:
		return "sysram";
	case SPM_DAX_STATE_OFFLINE:
		return "offline";
	case SPM_DAX_STATE_PARTIAL:
		return "partial";
	case SPM_DAX_STATE_DEVDAX:
		return "devdax";
	case SPM_DAX_STATE_UNBOUND:
		return "unbound";
	case SPM_DAX_STATE_OTHER:
		return "other";
	case SPM_DAX_STATE_SEED:
		return "seed";
	default:
		return "unknown";
	}
}

const char *spm_check_get_name(enum spm_check check)
{
	switch (check) {
	case SPM_CHECK_SEED:
		return "seed";
	case SPM_CHECK_PERSISTENT:
		return "persistent";
	case SPM_CHECK_SYSRAM_NODE:
		return "sysram-node";
	case SPM_CHECK_NO_VALID_ZONES:
		return "no-valid-zones";
	case SPM_CHECK_UNREMOVABLE:
		return "unremovable";
	case SPM_CHECK_KMEM_BLACKLISTED:
		return "kmem-blacklisted";
	case SPM_CHECK_LOCKED:
		return "locked";
	case SPM_CHECK_USER_NUMA_NODE:
		return "user-numa-node";
	case SPM_CHECK_DRIVER_OWNED:
		return "driver-owned";
	default:
		return "none";
	}
}
