// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Memory blocks (sys/devices/system/memory/memoryN).
 *
 * A machine can have 64k blocks and more, so the scan is linear: one
 * readdir of the memory directory, three small reads per block (state,
 * valid_zones, removable) relative to one directory fd, one readdir per
 * node for the node links, and a merge of the sorted blocks with the dax
 * ranges sorted by start. memoryN starts at N * block_size_bytes (N is
 * phys_index), so no per-block phys_index read is needed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libspm-discovery.h"

#define MEM_DIR "sys/devices/system/memory"
#define NODE_DIR "sys/devices/system/node"

/* "memory123" -> 123; false for memory_failure, memory_tier... */
static bool parse_block_name(const char *name, unsigned long *id)
{
	unsigned long v = 0;
	const char *p;

	if (strncmp(name, "memory", 6) || !name[6])
		return false;
	for (p = name + 6; *p; p++) {
		if (*p < '0' || *p > '9' || v > (~0UL - 9) / 10)
			return false;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	*id = v;
	return true;
}

static int cmp_ulong(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a;
	unsigned long y = *(const unsigned long *)b;

	return (x > y) - (x < y);
}

/*
 * Block ids are dense in practice (one per 128 MiB of physical address
 * space), so a presence map sorts them in linear time; a sparse layout
 * falls back to qsort.
 */
static bool dense(unsigned long max_id, size_t n)
{
	return max_id < 4 * (unsigned long)n + 4096;
}

static int sort_ids(unsigned long *ids, size_t n, unsigned long max_id)
{
	unsigned char *seen;
	unsigned long id;
	size_t i, k = 0;

	if (!dense(max_id, n)) {
		qsort(ids, n, sizeof(*ids), cmp_ulong);
		return 0;
	}
	seen = calloc(max_id + 1, 1);
	if (!seen)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		seen[ids[i]] = 1;
	for (id = 0; id <= max_id; id++)
		if (seen[id])
			ids[k++] = id;
	free(seen);
	return 0;
}

static struct spm_block *alloc_block(struct spm_disc *d)
{
	struct spm_block *chunk;

	if (!d->blocks_all.n || d->block_chunk_used == SPM_BLOCK_CHUNK) {
		chunk = malloc(SPM_BLOCK_CHUNK * sizeof(*chunk));
		if (!chunk || spm_vec_push(&d->blocks_all, chunk)) {
			free(chunk);
			return NULL;
		}
		d->block_chunk_used = 0;
	}
	chunk = d->blocks_all.v[d->blocks_all.n - 1];
	chunk = &chunk[d->block_chunk_used++];
	memset(chunk, 0, sizeof(*chunk));
	return chunk;
}

/* Look up in a sorted array of blocks, through the dense map if any. */
static struct spm_block *lookup(struct spm_block **by_id, unsigned long len,
				struct spm_block **sorted, size_t n,
				unsigned long id)
{
	size_t lo = 0, hi = n, mid;

	if (by_id)
		return id < len ? by_id[id] : NULL;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (sorted[mid]->id == id)
			return sorted[mid];
		if (sorted[mid]->id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Decimal "memoryN/<attr>" without printf: this runs per block. */
static void block_attr(char *buf, unsigned long id, const char *attr)
{
	char tmp[24];
	int n = 0;

	memcpy(buf, "memory", 6);
	buf += 6;
	do {
		tmp[n++] = (char)('0' + id % 10);
		id /= 10;
	} while (id);
	while (n)
		*buf++ = tmp[--n];
	*buf++ = '/';
	strcpy(buf, attr);
}

static void read_block(int memfd, struct spm_block *b)
{
	char path[64], buf[64];
	int len;

	b->state = SPM_BLOCK_UNKNOWN;
	block_attr(path, b->id, "state");
	if (spm_read_at(memfd, path, buf, sizeof(buf)) > 0) {
		if (!strcmp(buf, "online"))
			b->state = SPM_BLOCK_ONLINE;
		else if (!strcmp(buf, "offline"))
			b->state = SPM_BLOCK_OFFLINE;
		else if (!strcmp(buf, "going-offline"))
			b->state = SPM_BLOCK_GOING_OFFLINE;
	}
	b->valid_zones[0] = '\0';
	b->zone_len = 0;
	block_attr(path, b->id, "valid_zones");
	len = spm_read_at(memfd, path, b->valid_zones, sizeof(b->valid_zones));
	if (len > 0)
		b->zone_len = (unsigned char)strcspn(b->valid_zones, " ");
	else
		b->valid_zones[0] = '\0';
	/*
	 * removable is read on demand: it is a third of the reads of a scan,
	 * and every kernel since 5.9 reports 1 for every block anyway. Only
	 * list and doctor ask for it; spmctl online does not.
	 */
	b->removable = REMOVABLE_UNREAD;
}

/* The node links: nodeK/memoryM, one readdir per node. */
static void assign_nodes(struct spm_ctx *ctx)
{
	struct spm_disc *d = &ctx->disc;
	struct spm_block *b;
	struct dirent *de;
	char rel[64];
	unsigned long id;
	size_t i;
	DIR *dir;

	for (i = 0; i < d->nodes.n; i++) {
		struct spm_node *n = d->nodes.v[i];

		snprintf(rel, sizeof(rel), NODE_DIR "/node%d", n->id);
		dir = spm_opendir_rel(ctx, rel);
		if (!dir)
			continue;
		while ((de = readdir(dir))) {
			if (!parse_block_name(de->d_name, &id))
				continue;
			b = lookup(d->block_by_id, d->block_by_id_len,
				   (struct spm_block **)d->blocks.v,
				   d->blocks.n, id);
			if (b)
				b->node = n->id;
		}
		closedir(dir);
	}
}

static int cmp_dax_start(const void *a, const void *b)
{
	const struct spm_dax *x = *(struct spm_dax *const *)a;
	const struct spm_dax *y = *(struct spm_dax *const *)b;

	return (x->start > y->start) - (x->start < y->start);
}

/*
 * Addresses hidden (resource is 0400 and iomem shows zeros to non-root):
 * the blocks of a kmem device's target node are its own when it is the
 * only such device on the node and their number is exactly what its size
 * makes (one device per node, the usual hmem case). Otherwise no guess.
 */
static void assign_hidden(struct spm_ctx *ctx)
{
	struct spm_disc *d = &ctx->disc;
	uint64_t bs = d->block_size;
	struct spm_block *b, *last;
	struct spm_node *node;
	unsigned long n;
	size_t i, k;

	for (i = 0; i < d->dax.n; i++) {
		struct spm_dax *dax = d->dax.v[i];
		bool alone = true;

		if (dax->start || !dax->size || dax->mode != SPM_DAX_MODE_KMEM ||
		    dax->target_node < 0 || dax->size % bs)
			continue;
		for (k = 0; k < d->dax.n; k++) {
			struct spm_dax *o = d->dax.v[k];

			if (o != dax && o->target_node == dax->target_node &&
			    o->mode == SPM_DAX_MODE_KMEM)
				alone = false;
		}
		node = NULL;
		for (k = 0; k < d->nodes.n; k++)
			if (((struct spm_node *)d->nodes.v[k])->id ==
			    dax->target_node)
				node = d->nodes.v[k];
		if (!alone || !node)
			continue;
		n = 0;
		for (b = node->first_block; b; b = b->node_next) {
			if (b->dax)
				break;
			n++;
		}
		if (b || !n || n != dax->size / bs)
			continue;
		last = NULL;
		for (b = node->first_block; b; b = b->node_next) {
			b->dax = dax;
			if (last)
				last->dax_next = b;
			else
				dax->first_block = b;
			last = b;
		}
		dax->nr_blocks = n;
	}
}

/* Merge blocks (sorted by start) with dax ranges (sorted by start). */
static int assign_dax(struct spm_ctx *ctx)
{
	struct spm_disc *d = &ctx->disc;
	uint64_t bs = d->block_size;
	struct spm_dax **v, *dax;
	struct spm_block *b, *last = NULL;
	size_t i, j = 0, nv = 0;

	if (!bs || !d->dax.n)
		return 0;
	v = malloc(d->dax.n * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < d->dax.n; i++) {
		dax = d->dax.v[i];
		/* Unknown start (non-root): no mapping, not a wrong one. */
		if (dax->start && dax->size)
			v[nv++] = dax;
	}
	qsort(v, nv, sizeof(*v), cmp_dax_start);
	for (i = 0; i < d->blocks.n && j < nv; i++) {
		b = d->blocks.v[i];
		while (j < nv && v[j]->start + v[j]->size < b->start + bs)
			j++;
		if (j == nv)
			break;
		dax = v[j];
		if (b->start < dax->start)
			continue;
		b->dax = dax;
		if (!dax->first_block)
			dax->first_block = b;
		else if (last && last->dax == dax)
			last->dax_next = b;
		dax->nr_blocks++;
		last = b;
	}
	free(v);
	assign_hidden(ctx);
	return 0;
}

static void link_nodes(struct spm_ctx *ctx)
{
	struct spm_disc *d = &ctx->disc;
	struct spm_node **by_id = NULL;
	struct spm_block *b;
	int max_id = -1;
	size_t i;

	for (i = 0; i < d->nodes.n; i++) {
		struct spm_node *n = d->nodes.v[i];

		if (n->id > max_id)
			max_id = n->id;
	}
	if (max_id < 0)
		return;
	by_id = calloc((size_t)max_id + 1, sizeof(*by_id));
	if (!by_id)
		return;
	for (i = 0; i < d->nodes.n; i++) {
		struct spm_node *n = d->nodes.v[i];

		by_id[n->id] = n;
	}
	for (i = 0; i < d->blocks.n; i++) {
		struct spm_node *n;

		b = d->blocks.v[i];
		if (b->node < 0 || b->node > max_id || !by_id[b->node])
			continue;
		n = by_id[b->node];
		if (n->last_block)
			n->last_block->node_next = b;
		else
			n->first_block = b;
		n->last_block = b;
		n->nr_blocks++;
	}
	free(by_id);
}

static void reset_links(struct spm_disc *d)
{
	size_t i;

	for (i = 0; i < d->dax_all.n; i++) {
		struct spm_dax *dax = d->dax_all.v[i];

		dax->first_block = NULL;
		dax->nr_blocks = 0;
	}
	for (i = 0; i < d->nodes_all.n; i++) {
		struct spm_node *n = d->nodes_all.v[i];

		n->first_block = n->last_block = NULL;
		n->nr_blocks = 0;
	}
}

static int list_ids(struct spm_ctx *ctx, int memfd, unsigned long **out,
		    size_t *count, unsigned long *max)
{
	unsigned long *ids = NULL, *nids, id, max_id = 0;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *dir;
	int fd;

	fd = dup(memfd);
	if (fd < 0)
		return -errno;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return -ENOMEM;
	}
	while ((de = readdir(dir))) {
		if (!parse_block_name(de->d_name, &id))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			nids = realloc(ids, cap * sizeof(*ids));
			if (!nids) {
				free(ids);
				closedir(dir);
				return -ENOMEM;
			}
			ids = nids;
		}
		ids[n++] = id;
		if (id > max_id)
			max_id = id;
	}
	closedir(dir);
	*out = ids;
	*count = n;
	*max = max_id;
	return 0;
}

int spm_scan_blocks(struct spm_ctx *ctx)
{
	struct spm_disc *d = &ctx->disc;
	struct spm_block **old = NULL, **old_by_id;
	unsigned long *ids = NULL, max_id = 0, old_len;
	struct spm_vec cur = { 0 };
	struct spm_block *b;
	size_t i, n = 0, old_n;
	int memfd, rc;

	if (d->blocks_done)
		return 0;
	rc = spm_scan_kernel(ctx);
	if (rc == 0)
		rc = spm_scan_nodes(ctx);
	if (rc == 0)
		rc = spm_scan_dax(ctx);
	if (rc < 0)
		return rc;

	memfd = spm_open_rel(ctx, MEM_DIR, O_DIRECTORY);
	if (memfd >= 0) {
		rc = list_ids(ctx, memfd, &ids, &n, &max_id);
		if (rc == 0)
			rc = sort_ids(ids, n, max_id);
		if (rc < 0)
			goto out;
	} else {
		/* No CONFIG_MEMORY_HOTPLUG: there are no blocks to manage. */
		spm_dbg(ctx, MEM_DIR ": %s", strerror(-memfd));
	}

	/* Keep the previous objects for blocks that still exist. */
	old = (struct spm_block **)d->blocks.v;
	old_n = d->blocks.n;
	old_by_id = d->block_by_id;
	old_len = d->block_by_id_len;
	for (i = 0; i < old_n; i++)
		old[i]->present = false;
	d->block_by_id = NULL;
	d->block_by_id_len = 0;
	if (n && dense(max_id, n)) {
		d->block_by_id = calloc(max_id + 1, sizeof(*d->block_by_id));
		if (!d->block_by_id) {
			rc = -ENOMEM;
			goto out_old;
		}
		d->block_by_id_len = max_id + 1;
	}
	if (n) {
		cur.v = malloc(n * sizeof(void *));
		if (!cur.v) {
			rc = -ENOMEM;
			goto out_old;
		}
		cur.cap = n;
	}
	for (i = 0; i < n; i++) {
		b = lookup(old_by_id, old_len, old, old_n, ids[i]);
		if (!b) {
			b = alloc_block(d);
			if (!b) {
				rc = -ENOMEM;
				goto out_old;
			}
			b->ctx = ctx;
			b->id = ids[i];
		}
		b->start = (uint64_t)b->id * d->block_size;
		b->present = true;
		b->idx = i;
		b->node = -1;
		b->dax = NULL;
		b->dax_next = b->node_next = NULL;
		read_block(memfd, b);
		cur.v[cur.n++] = b;
		if (d->block_by_id)
			d->block_by_id[b->id] = b;
	}
	free(old);
	free(old_by_id);
	d->blocks = cur;
	reset_links(d);
	assign_nodes(ctx);
	link_nodes(ctx);
	rc = assign_dax(ctx);
	if (rc == 0)
		d->blocks_done = true;
	goto out;
out_old:
	/* Leave the previous scan in place; its objects stay valid. */
	free(cur.v);
	free(d->block_by_id);
	d->block_by_id = old_by_id;
	d->block_by_id_len = old_len;
	for (i = 0; i < old_n; i++)
		old[i]->present = true;
out:
	free(ids);
	if (memfd >= 0)
		close(memfd);
	return rc;
}

struct spm_block *spm_block_get_first(struct spm_ctx *ctx)
{
	if (!ctx || spm_scan_blocks(ctx) < 0 || !ctx->disc.blocks.n)
		return NULL;
	return ctx->disc.blocks.v[0];
}

struct spm_block *spm_block_get_next(struct spm_block *block)
{
	if (!block || !block->present)
		return NULL;
	return spm_vec_next(&block->ctx->disc.blocks, block->idx);
}

struct spm_block *spm_dax_block_get_first(struct spm_dax *dax)
{
	if (!dax || spm_scan_blocks(dax->ctx) < 0 || !dax->present)
		return NULL;
	return dax->first_block;
}

struct spm_block *spm_dax_block_get_next(struct spm_block *block)
{
	return block && block->present ? block->dax_next : NULL;
}

struct spm_block *spm_node_block_get_first(struct spm_node *node)
{
	if (!node || spm_scan_blocks(node->ctx) < 0 || !node->present)
		return NULL;
	return node->first_block;
}

struct spm_block *spm_node_block_get_next(struct spm_block *block)
{
	return block && block->present ? block->node_next : NULL;
}

unsigned long spm_block_get_id(struct spm_block *block)
{
	return block ? block->id : 0;
}

uint64_t spm_block_get_start(struct spm_block *block)
{
	return block ? block->start : 0;
}

uint64_t spm_block_get_size(struct spm_block *block)
{
	return block ? block->ctx->disc.block_size : 0;
}

const char *spm_block_state_get_name(enum spm_block_state state)
{
	switch (state) {
	case SPM_BLOCK_ONLINE:
		return "online";
	case SPM_BLOCK_OFFLINE:
		return "offline";
	case SPM_BLOCK_GOING_OFFLINE:
		return "going-offline";
	default:
		return "unknown";
	}
}

enum spm_block_state spm_block_get_state(struct spm_block *block)
{
	return block ? block->state : SPM_BLOCK_UNKNOWN;
}

/*
 * The zone is the first word of valid_zones: the one zone of an online
 * block, or the default the kernel would pick for an offline one. It is
 * returned from a table so that valid_zones stays whole.
 */
const char *spm_block_get_zone(struct spm_block *block)
{
	static const char *const zones[] = {
		"DMA",	   "DMA32",  "Normal", "HighMem",
		"Movable", "Device", "none",
	};
	size_t i;

	if (!block || !block->zone_len)
		return NULL;
	for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++)
		if (strlen(zones[i]) == block->zone_len &&
		    !strncmp(zones[i], block->valid_zones, block->zone_len))
			return zones[i];
	return NULL;
}

const char *spm_block_get_valid_zones(struct spm_block *block)
{
	return block && block->valid_zones[0] ? block->valid_zones : NULL;
}

int spm_block_is_removable(struct spm_block *block)
{
	char buf[8];

	if (!block)
		return -1;
	if (block->removable == REMOVABLE_UNREAD) {
		/* list -j asks for every block: no printf per block here */
		char rel[96] = MEM_DIR "/";
		int len = -1;

		block_attr(rel + sizeof(MEM_DIR), block->id, "removable");
		if (block->present)
			len = spm_read_at(block->ctx->root_fd, rel, buf,
					  sizeof(buf));
		block->removable = -1;
		if (len > 0 && (buf[0] == '0' || buf[0] == '1'))
			block->removable = (signed char)(buf[0] - '0');
	}
	return block->removable;
}

int spm_block_get_node(struct spm_block *block)
{
	return block ? block->node : -1;
}

struct spm_dax *spm_block_get_dax(struct spm_block *block)
{
	return block ? block->dax : NULL;
}
