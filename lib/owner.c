// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Who owns the memory of an SPM node.
 *
 * Until the driver-managed SPM series, every SPM node was made of dax
 * devices bound to kmem: spmctl's to online and offline. A driver can now
 * own an SPM node itself: it calls add_memory_driver_managed(nid, start,
 * size, "System RAM (<driver>)", MHP_SPM_NODE) and onlines the blocks (the
 * kernel's test_spm module does). Such a node is in has_spm_memory and has
 * memory blocks like any other, but no dax device covers them; the kernel
 * convention names the resource "System RAM (<driver>)" in /proc/iomem,
 * and that name is the only place the driver can be read. spmctl shows
 * such a node and leaves its memory alone.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "libspm-discovery.h"

#define SYSRAM_PREFIX "System RAM ("

/*
 * The driver of the "System RAM (<driver>)" resource of /proc/iomem that
 * holds addr (the innermost one), copied into buf; false when there is
 * none or the addresses are hidden (non-root reads them as 0).
 */
static bool iomem_driver(struct spm_ctx *ctx, uint64_t addr, char *buf,
			 size_t len)
{
	const struct spm_iomem_entry *e, *found = NULL;
	struct spm_disc *d = &ctx->disc;
	size_t plen = strlen(SYSRAM_PREFIX), nlen;
	int i;

	if (spm_scan_ranges(ctx) < 0)
		return false;
	for (i = 0; i < d->nr_iomem; i++) {
		e = &d->iomem[i];
		nlen = strlen(e->name);
		if (!e->end || addr < e->start || addr > e->end ||
		    nlen <= plen + 1 || strncmp(e->name, SYSRAM_PREFIX, plen) ||
		    e->name[nlen - 1] != ')')
			continue;
		if (!found || e->depth > found->depth)
			found = e;
	}
	if (!found)
		return false;
	snprintf(buf, len, "%.*s",
		 (int)(strlen(found->name) - plen - 1), found->name + plen);
	return true;
}

/*
 * Without root a kmem device's range is unreadable, so its blocks are not
 * attributed to it: its target node stands in for them.
 */
static bool kmem_targets(struct spm_ctx *ctx, int node)
{
	struct spm_dax *dax;

	spm_dax_foreach (ctx, dax)
		if (spm_dax_get_mode(dax) == SPM_DAX_MODE_KMEM &&
		    !spm_dax_get_start(dax) &&
		    spm_dax_get_target_node(dax) == node)
			return true;
	return false;
}

enum spm_node_owner spm_node_get_owner(struct spm_node *node)
{
	struct spm_block *first;
	struct spm_block *b;
	char drv[SPM_NAME_MAX];

	if (!node)
		return SPM_NODE_OWNER_NONE;
	node->driver[0] = '\0';
	if (!node->is_spm)
		return SPM_NODE_OWNER_NONE;
	first = spm_node_block_get_first(node);
	if (!first)
		return SPM_NODE_OWNER_UNKNOWN;
	spm_node_block_foreach (node, b)
		if (spm_block_get_dax(b))
			return SPM_NODE_OWNER_DAX;
	if (kmem_targets(node->ctx, node->id))
		return SPM_NODE_OWNER_DAX;
	if (!iomem_driver(node->ctx, spm_block_get_start(first), drv,
			  sizeof(drv))) {
		spm_copy_name(node->driver, "unknown");
		return SPM_NODE_OWNER_DRIVER;
	}
	/* kmem's memory whose dax device is not (or no longer) listed */
	if (!strcmp(drv, "kmem"))
		return SPM_NODE_OWNER_DAX;
	spm_copy_name(node->driver, drv);
	return SPM_NODE_OWNER_DRIVER;
}

const char *spm_node_owner_get_name(enum spm_node_owner owner)
{
	switch (owner) {
	case SPM_NODE_OWNER_DAX:
		return "dax";
	case SPM_NODE_OWNER_DRIVER:
		return "driver";
	case SPM_NODE_OWNER_UNKNOWN:
		return "unknown";
	default:
		return "none";
	}
}

const char *spm_node_get_driver(struct spm_node *node)
{
	if (spm_node_get_owner(node) != SPM_NODE_OWNER_DRIVER)
		return NULL;
	return node->driver;
}

const char *spm_node_owner_words(struct spm_node *node, char *buf,
				 size_t len)
{
	const char *driver = spm_node_get_driver(node);

	if (!driver)
		return "";
	if (!strcmp(driver, "unknown"))
		snprintf(buf, len, "a driver that /proc/iomem does not name "
				   "(it hides addresses without root)");
	else
		snprintf(buf, len, "driver %s", driver);
	return buf;
}

int spm_node_check_ops(struct spm_node *node, struct spm_op_result *result)
{
	struct spm_op_result *r = NULL;
	char owner[128];
	int rc = 0;

	if (!node)
		return -EINVAL;
	if (result && result->size >= sizeof(*result)) {
		r = result;
		memset((char *)r + sizeof(r->size), 0,
		       sizeof(*r) - sizeof(r->size));
	}
	if (spm_node_get_driver(node))
		rc = spm_set_error(node->ctx, -EPERM,
				   "node%d: memory owned by %s, not by a dax "
				   "device; spmctl does not online or offline "
				   "it",
				   node->id,
				   spm_node_owner_words(node, owner,
							sizeof(owner)));
	if (r) {
		r->err = rc;
		r->check = rc < 0 ? SPM_CHECK_DRIVER_OWNED : SPM_CHECK_NONE;
		if (rc < 0)
			snprintf(r->message, sizeof(r->message), "%s",
				 spm_get_last_error(node->ctx));
	}
	return rc;
}
