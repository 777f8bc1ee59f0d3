// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * NUMA nodes (sys/devices/system/node/nodeN).
 *
 * libnuma is not used: it reads the real /sys once at load time and has no
 * API for has_memory, let alone the series' has_spm_memory.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libspm-discovery.h"

#define NODE_DIR "sys/devices/system/node"

void spm_node_free(void *p)
{
	struct spm_node *n = p;

	if (!n)
		return;
	free(n->distance);
	free(n->cpulist);
	free(n);
}

static bool mask_isset(const struct spm_nodemask *m, int node)
{
	const int bpl = 8 * sizeof(unsigned long);

	return node >= 0 && node < SPM_MAX_NODES &&
	       (m->bits[node / bpl] >> (node % bpl)) & 1;
}

/* Read a node list; an absent file leaves the mask empty. */
static int read_mask(struct spm_ctx *ctx, const char *name,
		     struct spm_nodemask *mask, bool *exists)
{
	char buf[4096], path[SPM_PATH_MAX];
	int rc;

	memset(mask, 0, sizeof(*mask));
	rc = spm_try_read_str(ctx, buf, sizeof(buf), NODE_DIR "/%s", name);
	if (exists)
		*exists = rc >= 0;
	if (rc < 0)
		return rc;
	rc = spm_parse_bitlist(buf, mask);
	if (rc < 0) {
		spm_path(ctx, path, sizeof(path), NODE_DIR "/%s", name);
		return spm_set_error(ctx, rc, "%s: not a node list: \"%s\"",
				     path, buf);
	}
	return 0;
}

int spm_meminfo_parse(const char *text, uint64_t *total, uint64_t *free_b)
{
	const char *p = text;
	unsigned long long v;
	char key[64], unit[8];
	int found = 0, node, n;

	while (*p) {
		unit[0] = '\0';
		n = sscanf(p, "Node %d %63s %llu %7s", &node, key, &v, unit);
		if (n >= 3) {
			/* Only "kB" lines are sizes; HugePages_* have none. */
			uint64_t bytes = !strcmp(unit, "kB") ? v * 1024 : v;

			if (!strcmp(key, "MemTotal:")) {
				*total = bytes;
				found |= 1;
			} else if (!strcmp(key, "MemFree:")) {
				*free_b = bytes;
				found |= 2;
			}
		}
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
	return found == 3 ? 0 : -ENODATA;
}

static int cmp_node(const void *a, const void *b)
{
	const struct spm_node *x = *(struct spm_node *const *)a;
	const struct spm_node *y = *(struct spm_node *const *)b;

	return (x->id > y->id) - (x->id < y->id);
}

static struct spm_node *find_node(struct spm_disc *d, int id)
{
	size_t i;

	for (i = 0; i < d->nodes_all.n; i++) {
		struct spm_node *n = d->nodes_all.v[i];

		if (n->id == id)
			return n;
	}
	return NULL;
}

/* distance lists one value per online node, in node order. */
static void read_distance(struct spm_ctx *ctx, struct spm_node *n,
			  const struct spm_nodemask *online, int max_id)
{
	char buf[4096], *p, *end;
	int i, to = -1;
	long v;

	free(n->distance);
	n->distance = NULL;
	n->nr_distance = 0;
	if (spm_try_read_str(ctx, buf, sizeof(buf), NODE_DIR "/node%d/distance",
			     n->id) < 0)
		return;
	n->distance = malloc(sizeof(int) * (size_t)(max_id + 1));
	if (!n->distance)
		return;
	n->nr_distance = max_id + 1;
	for (i = 0; i <= max_id; i++)
		n->distance[i] = -1;
	p = buf;
	for (;;) {
		errno = 0;
		v = strtol(p, &end, 10);
		if (end == p || errno)
			break;
		p = end;
		for (to++; to <= max_id && !mask_isset(online, to); to++)
			;
		if (to > max_id)
			break;
		n->distance[to] = (int)v;
	}
}

static void read_tiers(struct spm_ctx *ctx)
{
	struct spm_disc *d = &ctx->disc;
	struct spm_nodemask mask;
	char buf[4096], c;
	struct dirent *de;
	DIR *dir;
	size_t i;
	int fd, tier;

	fd = spm_open_rel(ctx, "sys/devices/virtual/memory_tiering",
			  O_DIRECTORY);
	if (fd < 0)
		return;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return;
	}
	while ((de = readdir(dir))) {
		if (sscanf(de->d_name, "memory_tier%d%c", &tier, &c) != 1)
			continue;
		if (spm_try_read_str(
			    ctx, buf, sizeof(buf),
			    "sys/devices/virtual/memory_tiering/%s/nodelist",
			    de->d_name) < 0 ||
		    spm_parse_bitlist(buf, &mask) < 0)
			continue;
		for (i = 0; i < d->nodes.n; i++) {
			struct spm_node *n = d->nodes.v[i];

			if (mask_isset(&mask, n->id))
				n->tier = tier;
		}
	}
	closedir(dir);
}

int spm_scan_nodes(struct spm_ctx *ctx)
{
	struct spm_nodemask has_mem, has_spm, has_cpu, online, user_numa;
	struct spm_disc *d = &ctx->disc;
	char buf[4096], c, *text;
	struct spm_node *n;
	struct dirent *de;
	int fd, id, max_id = -1, rc;
	bool have_online;
	DIR *dir;
	size_t i;

	if (d->nodes_done)
		return 0;
	rc = spm_scan_kernel(ctx);
	if (rc < 0)
		return rc;
	fd = spm_open_rel(ctx, NODE_DIR, O_DIRECTORY);
	if (fd < 0) {
		char path[SPM_PATH_MAX];

		/* Every NUMA kernel has it: its absence means a wrong root. */
		spm_path(ctx, path, sizeof(path), NODE_DIR);
		return spm_set_error(ctx, fd, "%s: %s", path, strerror(-fd));
	}
	rc = read_mask(ctx, "has_memory", &has_mem, NULL);
	if (rc == -EINVAL)
		goto err_fd;
	rc = read_mask(ctx, "has_spm_memory", &has_spm, NULL);
	if (rc == -EINVAL)
		goto err_fd;
	/* absent on kernels without the owner's opt-in: no node has it */
	rc = read_mask(ctx, "has_spm_user_numa", &user_numa, NULL);
	if (rc == -EINVAL)
		goto err_fd;
	rc = read_mask(ctx, "has_cpu", &has_cpu, NULL);
	if (rc == -EINVAL)
		goto err_fd;
	rc = read_mask(ctx, "online", &online, &have_online);
	if (rc == -EINVAL)
		goto err_fd;

	for (i = 0; i < d->nodes.n; i++)
		((struct spm_node *)d->nodes.v[i])->present = false;
	d->nodes.n = 0;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return -ENOMEM;
	}
	while ((de = readdir(dir))) {
		if (sscanf(de->d_name, "node%d%c", &id, &c) != 1 || id < 0 ||
		    id >= SPM_MAX_NODES)
			continue;
		n = find_node(d, id);
		if (!n) {
			n = calloc(1, sizeof(*n));
			if (!n || spm_vec_push(&d->nodes_all, n)) {
				free(n);
				closedir(dir);
				return -ENOMEM;
			}
			n->ctx = ctx;
			n->id = id;
		}
		if (spm_vec_push(&d->nodes, n)) {
			closedir(dir);
			return -ENOMEM;
		}
		n->present = true;
		if (id > max_id)
			max_id = id;
	}
	closedir(dir);
	if (d->nodes.n)
		qsort(d->nodes.v, d->nodes.n, sizeof(void *), cmp_node);
	/* Without "online" every listed node is taken as online. */
	if (!have_online)
		for (i = 0; i < d->nodes.n; i++) {
			n = d->nodes.v[i];
			online.bits[n->id / (8 * sizeof(unsigned long))] |=
				1UL << (n->id % (8 * sizeof(unsigned long)));
		}
	for (i = 0; i < d->nodes.n; i++) {
		n = d->nodes.v[i];
		n->idx = i;
		n->has_memory = mask_isset(&has_mem, n->id);
		n->is_spm = mask_isset(&has_spm, n->id);
		n->user_numa = mask_isset(&user_numa, n->id);
		n->has_cpu = mask_isset(&has_cpu, n->id);
		n->tier = -1;
		free(n->cpulist);
		n->cpulist = NULL;
		if (spm_try_read_str(ctx, buf, sizeof(buf),
				     NODE_DIR "/node%d/cpulist", n->id) >= 0)
			n->cpulist = strdup(buf);
		n->mem_total = n->mem_free = 0;
		if (spm_read_file(ctx, &text, NODE_DIR "/node%d/meminfo",
				  n->id) >= 0) {
			spm_meminfo_parse(text, &n->mem_total, &n->mem_free);
			free(text);
		} else {
			spm_clear_error(ctx);
		}
		read_distance(ctx, n, &online, max_id);
	}
	read_tiers(ctx);
	d->nodes_done = true;
	return 0;
err_fd:
	close(fd);
	return rc;
}

struct spm_node *spm_node_get_first(struct spm_ctx *ctx)
{
	if (!ctx || spm_scan_nodes(ctx) < 0 || !ctx->disc.nodes.n)
		return NULL;
	return ctx->disc.nodes.v[0];
}

struct spm_node *spm_node_get_next(struct spm_node *node)
{
	if (!node || !node->present)
		return NULL;
	return spm_vec_next(&node->ctx->disc.nodes, node->idx);
}

struct spm_node *spm_node_get_by_id(struct spm_ctx *ctx, int id)
{
	struct spm_node *n;

	if (!ctx)
		return NULL;
	spm_node_foreach (ctx, n)
		if (n->id == id)
			return n;
	return NULL;
}

int spm_node_get_id(struct spm_node *node)
{
	return node ? node->id : -1;
}

bool spm_node_is_spm(struct spm_node *node)
{
	return node && node->is_spm;
}

bool spm_node_is_user_numa(struct spm_node *node)
{
	return node && node->user_numa;
}

bool spm_node_has_memory(struct spm_node *node)
{
	return node && node->has_memory;
}

bool spm_node_has_cpu(struct spm_node *node)
{
	return node && node->has_cpu;
}

const char *spm_node_get_cpulist(struct spm_node *node)
{
	return node && node->cpulist ? node->cpulist : "";
}

uint64_t spm_node_get_mem_total(struct spm_node *node)
{
	return node ? node->mem_total : 0;
}

uint64_t spm_node_get_mem_free(struct spm_node *node)
{
	return node ? node->mem_free : 0;
}

int spm_node_get_distance(struct spm_node *node, int to)
{
	if (!node || to < 0 || to >= node->nr_distance)
		return -1;
	return node->distance[to];
}

int spm_node_get_memory_tier(struct spm_node *node)
{
	return node ? node->tier : -1;
}
