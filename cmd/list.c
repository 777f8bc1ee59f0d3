// SPDX-License-Identifier: GPL-2.0-only
/*
 * spmctl list: what Specific Purpose Memory the machine has and in what
 * state, as text or as one JSON object (schema in spmctl(8) and
 * docs/json-schema.md). Linear in the number of memory blocks: every block
 * is visited once per summary, never per (block, device) pair.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>
#include <spm/libspm.h>

#include "builtin.h"
#include "discovery.h"

#define LIST_RANGES (1 << 0)
#define LIST_DEVICES (1 << 1)
#define LIST_NODES (1 << 2)
#define LIST_BLOCKS (1 << 3)

static const char list_usage[] =
	"usage: spmctl list [-j|--json] [-u|--human] [--ranges] [--devices]\n"
	"                   [--nodes] [--blocks]\n"
	"\n"
	"  -j, --json     print one JSON object (see spmctl(8))\n"
	"  -u, --human    sizes as \"1.00 GiB\" and addresses in hex in JSON\n"
	"      --ranges   show the Soft Reserved ranges, hmem devices and\n"
	"                 CXL regions\n"
	"      --devices  show the dax devices\n"
	"      --nodes    show the NUMA nodes\n"
	"      --blocks   also list every memory block\n"
	"  -h, --help     show this help\n";

/* ---- shared with doctor ------------------------------------------- */

const char *spmctl_size(uint64_t bytes, char *buf)
{
	static const char *const units[] = { "KiB", "MiB", "GiB",
					     "TiB", "PiB", "EiB" };
	double v = (double)bytes;
	int u = -1;

	if (bytes < 1024) {
		snprintf(buf, 32, "%" PRIu64 " B", bytes);
		return buf;
	}
	while (v >= 1024.0 && u < 5) {
		v /= 1024.0;
		u++;
	}
	snprintf(buf, 32, "%.2f %s", v, units[u]);
	return buf;
}

void spmctl_blocks_add(struct spmctl_blocks *s, struct spm_block *b)
{
	const char *zone;
	int i;

	s->count++;
	switch (spm_block_get_state(b)) {
	case SPM_BLOCK_ONLINE:
		s->online++;
		zone = spm_block_get_zone(b);
		if (!zone)
			zone = "unknown";
		if (!strcmp(zone, "Movable"))
			s->movable++;
		else if (!strcmp(zone, "Normal"))
			s->normal++;
		/* zone strings come from one table: compare pointers */
		for (i = 0; i < s->nr_zones && s->zone[i] != zone; i++)
			;
		if (i == s->nr_zones && i < 8) {
			s->zone[i] = zone;
			s->nr_zones++;
		}
		if (i < 8)
			s->zone_count[i]++;
		break;
	case SPM_BLOCK_OFFLINE:
		s->offline++;
		break;
	case SPM_BLOCK_GOING_OFFLINE:
		s->going_offline++;
		break;
	default:
		s->unknown++;
		break;
	}
	if (spm_block_is_removable(b) == 0)
		s->unremovable++;
}

void spmctl_dax_blocks(struct spm_dax *dax, struct spmctl_blocks *s)
{
	struct spm_block *b;

	memset(s, 0, sizeof(*s));
	spm_dax_block_foreach (dax, b)
		spmctl_blocks_add(s, b);
}

void spmctl_node_blocks(struct spm_node *node, struct spmctl_blocks *s)
{
	struct spm_block *b;

	memset(s, 0, sizeof(*s));
	spm_node_block_foreach (node, b)
		spmctl_blocks_add(s, b);
}

const char *spmctl_dax_mode_name(enum spm_dax_mode mode)
{
	switch (mode) {
	case SPM_DAX_MODE_NONE:
		return "unbound";
	case SPM_DAX_MODE_DEVDAX:
		return "devdax";
	case SPM_DAX_MODE_KMEM:
		return "system-ram";
	case SPM_DAX_MODE_OTHER:
		return "other";
	default:
		return "unknown";
	}
}

/* The node the device's memory is on: its blocks' node, else target. */
static int dax_node(struct spm_dax *dax)
{
	struct spm_block *b;

	spm_dax_block_foreach (dax, b)
		if (spm_block_get_node(b) >= 0)
			return spm_block_get_node(b);
	return spm_dax_get_target_node(dax);
}

const char *spmctl_dax_state(struct spm_ctx *ctx, struct spm_dax *dax,
			     const struct spmctl_blocks *s)
{
	struct spm_node *node;

	switch (spm_dax_get_mode(dax)) {
	case SPM_DAX_MODE_DEVDAX:
		return "devdax";
	case SPM_DAX_MODE_NONE:
		return "unbound";
	case SPM_DAX_MODE_OTHER:
		return "other";
	case SPM_DAX_MODE_KMEM:
		break;
	default:
		return "unknown";
	}
	if (!s->count)
		return "unknown";
	if (!s->online)
		return "offline";
	if (s->online < s->count)
		return "partial";
	node = spm_node_get_by_id(ctx, dax_node(dax));
	if (node && spm_node_is_spm(node))
		return "isolated";
	return "sysram";
}

/* ---- JSON ---------------------------------------------------------- */

struct list_opts {
	bool json, human;
	unsigned int show;
};

static int jadd(struct json_object *obj, const char *key,
		struct json_object *val)
{
	if (!val)
		return -ENOMEM;
	return json_object_object_add(obj, key, val) ? -ENOMEM : 0;
}

static struct json_object *jsize(const struct list_opts *o, uint64_t v)
{
	char buf[32];

	if (o->human)
		return json_object_new_string(spmctl_size(v, buf));
	return json_object_new_uint64(v);
}

static struct json_object *jaddr(const struct list_opts *o, uint64_t v)
{
	char buf[32];

	if (o->human) {
		snprintf(buf, sizeof(buf), "%#" PRIx64, v);
		return json_object_new_string(buf);
	}
	return json_object_new_uint64(v);
}

static struct json_object *blocks_json(const struct spmctl_blocks *s)
{
	struct json_object *o = json_object_new_object(), *z;
	int i;

	if (!o)
		return NULL;
	jadd(o, "count", json_object_new_uint64(s->count));
	jadd(o, "online", json_object_new_uint64(s->online));
	jadd(o, "offline", json_object_new_uint64(s->offline));
	if (s->going_offline)
		jadd(o, "going_offline",
		     json_object_new_uint64(s->going_offline));
	if (s->online) {
		z = json_object_new_object();
		for (i = 0; z && i < s->nr_zones; i++)
			jadd(z, s->zone[i],
			     json_object_new_uint64(s->zone_count[i]));
		jadd(o, "online_zones", z);
	}
	if (s->unremovable)
		jadd(o, "unremovable", json_object_new_uint64(s->unremovable));
	return o;
}

static struct json_object *kernel_json(struct spm_ctx *ctx,
				       const struct list_opts *o)
{
	struct json_object *k = json_object_new_object();
	const char *s;
	int v;

	if (!k)
		return NULL;
	jadd(k, "has_spm_series",
	     json_object_new_boolean(spm_kernel_has_spm(ctx)));
	jadd(k, "dax_spm_node",
	     json_object_new_boolean(spm_kernel_has_dax_spm(ctx)));
	s = spm_get_auto_online_blocks(ctx);
	if (s)
		jadd(k, "auto_online_blocks", json_object_new_string(s));
	s = spm_get_cmdline_memhp_default_state(ctx);
	if (s)
		jadd(k, "memhp_default_state", json_object_new_string(s));
	v = spm_get_cmdline_hmem_spm_node(ctx);
	if (v >= 0)
		jadd(k, "dax_hmem_spm_node", json_object_new_boolean(v));
	s = spm_get_online_policy(ctx);
	if (s)
		jadd(k, "online_policy", json_object_new_string(s));
	if (spm_get_memory_block_size(ctx))
		jadd(k, "memory_block_size",
		     jsize(o, spm_get_memory_block_size(ctx)));
	return k;
}

static struct json_object *ranges_json(struct spm_ctx *ctx,
				       const struct list_opts *o)
{
	struct json_object *a = json_object_new_array(), *r;
	struct spm_range *range;

	if (!a)
		return NULL;
	spm_range_foreach (ctx, range) {
		r = json_object_new_object();
		if (!r)
			break;
		if (spm_range_get_size(range)) {
			jadd(r, "start", jaddr(o, spm_range_get_start(range)));
			jadd(r, "size", jsize(o, spm_range_get_size(range)));
		}
		if (spm_range_get_dax_devname(range))
			jadd(r, "dax",
			     json_object_new_string(
				     spm_range_get_dax_devname(range)));
		jadd(r, "sysram",
		     json_object_new_boolean(spm_range_is_sysram(range)));
		json_object_array_add(a, r);
	}
	return a;
}

static struct json_object *hmem_json(struct spm_ctx *ctx,
				     const struct list_opts *o)
{
	struct json_object *a = json_object_new_array(), *r;
	struct spm_hmem *h;

	if (!a)
		return NULL;
	spm_hmem_foreach (ctx, h) {
		r = json_object_new_object();
		if (!r)
			break;
		jadd(r, "dev", json_object_new_string(spm_hmem_get_devname(h)));
		if (spm_hmem_get_numa_node(h) >= 0)
			jadd(r, "numa_node",
			     json_object_new_int(spm_hmem_get_numa_node(h)));
		if (spm_hmem_get_size(h))
			jadd(r, "size", jsize(o, spm_hmem_get_size(h)));
		json_object_array_add(a, r);
	}
	return a;
}

static struct json_object *cxl_json(struct spm_ctx *ctx,
				    const struct list_opts *o)
{
	struct json_object *a = json_object_new_array(), *r, *m, *md;
	struct spm_cxl_region *reg;
	uint64_t serial;
	int i;

	if (!a)
		return NULL;
	spm_cxl_region_foreach (ctx, reg) {
		r = json_object_new_object();
		if (!r)
			break;
		jadd(r, "region",
		     json_object_new_string(spm_cxl_region_get_devname(reg)));
		jadd(r, "mode",
		     json_object_new_string(spm_cxl_region_get_mode(reg)));
		if (spm_cxl_region_get_start(reg))
			jadd(r, "start",
			     jaddr(o, spm_cxl_region_get_start(reg)));
		if (spm_cxl_region_get_size(reg))
			jadd(r, "size", jsize(o, spm_cxl_region_get_size(reg)));
		if (spm_cxl_region_get_dax_region(reg))
			jadd(r, "dax_region",
			     json_object_new_string(
				     spm_cxl_region_get_dax_region(reg)));
		m = json_object_new_array();
		for (i = 0; m && i < spm_cxl_region_get_num_memdevs(reg); i++) {
			md = json_object_new_object();
			if (!md)
				break;
			if (spm_cxl_region_get_memdev(reg, i))
				jadd(md, "memdev",
				     json_object_new_string(
					     spm_cxl_region_get_memdev(reg,
								       i)));
			serial = spm_cxl_region_get_memdev_serial(reg, i);
			if (serial != UINT64_MAX)
				jadd(md, "serial",
				     json_object_new_uint64(serial));
			json_object_array_add(m, md);
		}
		jadd(r, "memdevs", m);
		json_object_array_add(a, r);
	}
	return a;
}

static struct json_object *dax_json(struct spm_ctx *ctx,
				    const struct list_opts *o)
{
	struct json_object *a = json_object_new_array(), *r;
	struct spmctl_blocks s;
	struct spm_dax *dax;

	if (!a)
		return NULL;
	spm_dax_foreach (ctx, dax) {
		r = json_object_new_object();
		if (!r)
			break;
		spmctl_dax_blocks(dax, &s);
		jadd(r, "dev",
		     json_object_new_string(spm_dax_get_devname(dax)));
		if (spm_dax_get_hmem(dax))
			jadd(r, "hmem",
			     json_object_new_string(spm_dax_get_hmem(dax)));
		if (spm_dax_get_cxl_region(dax))
			jadd(r, "cxl_region",
			     json_object_new_string(
				     spm_dax_get_cxl_region(dax)));
		if (spm_dax_get_start(dax))
			jadd(r, "start", jaddr(o, spm_dax_get_start(dax)));
		jadd(r, "size", jsize(o, spm_dax_get_size(dax)));
		if (spm_dax_get_align(dax))
			jadd(r, "align", jsize(o, spm_dax_get_align(dax)));
		if (spm_dax_get_target_node(dax) >= 0)
			jadd(r, "target_node",
			     json_object_new_int(spm_dax_get_target_node(dax)));
		jadd(r, "mode",
		     json_object_new_string(
			     spmctl_dax_mode_name(spm_dax_get_mode(dax))));
		if (spm_dax_get_driver(dax))
			jadd(r, "driver",
			     json_object_new_string(spm_dax_get_driver(dax)));
		if (spm_dax_get_spm_node(dax) >= 0)
			jadd(r, "spm_node",
			     json_object_new_boolean(
				     spm_dax_get_spm_node(dax)));
		jadd(r, "state",
		     json_object_new_string(spmctl_dax_state(ctx, dax, &s)));
		jadd(r, "memory_blocks", blocks_json(&s));
		json_object_array_add(a, r);
	}
	return a;
}

static struct json_object *nodes_json(struct spm_ctx *ctx,
				      const struct list_opts *o)
{
	struct json_object *a = json_object_new_array(), *r, *d;
	struct spm_node *n, *to;
	struct spmctl_blocks s;

	if (!a)
		return NULL;
	spm_node_foreach (ctx, n) {
		r = json_object_new_object();
		if (!r)
			break;
		spmctl_node_blocks(n, &s);
		jadd(r, "node", json_object_new_int(spm_node_get_id(n)));
		jadd(r, "type",
		     json_object_new_string(spm_node_is_spm(n) ? "spm" :
					    spm_node_has_memory(n) ?
								 "sysram" :
								 "memoryless"));
		jadd(r, "has_cpu",
		     json_object_new_boolean(spm_node_has_cpu(n)));
		if (spm_node_get_cpulist(n)[0])
			jadd(r, "cpulist",
			     json_object_new_string(spm_node_get_cpulist(n)));
		jadd(r, "mem_total", jsize(o, spm_node_get_mem_total(n)));
		jadd(r, "mem_free", jsize(o, spm_node_get_mem_free(n)));
		if (spm_node_get_memory_tier(n) >= 0)
			jadd(r, "memory_tier",
			     json_object_new_int(spm_node_get_memory_tier(n)));
		d = json_object_new_object();
		spm_node_foreach (ctx, to) {
			char key[16];
			int dist =
				spm_node_get_distance(n, spm_node_get_id(to));

			if (!d || dist < 0)
				continue;
			snprintf(key, sizeof(key), "%d", spm_node_get_id(to));
			jadd(d, key, json_object_new_int(dist));
		}
		jadd(r, "distance", d);
		jadd(r, "memory_blocks", blocks_json(&s));
		json_object_array_add(a, r);
	}
	return a;
}

static const char *state_name(enum spm_block_state st)
{
	switch (st) {
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

static struct json_object *blocks_array_json(struct spm_ctx *ctx,
					     const struct list_opts *o)
{
	struct json_object *a = json_object_new_array(), *r;
	struct spm_block *b;

	if (!a)
		return NULL;
	spm_block_foreach (ctx, b) {
		r = json_object_new_object();
		if (!r)
			break;
		jadd(r, "id", json_object_new_uint64(spm_block_get_id(b)));
		jadd(r, "start", jaddr(o, spm_block_get_start(b)));
		jadd(r, "state",
		     json_object_new_string(
			     state_name(spm_block_get_state(b))));
		if (spm_block_get_zone(b))
			jadd(r, "zone",
			     json_object_new_string(spm_block_get_zone(b)));
		if (spm_block_get_valid_zones(b))
			jadd(r, "valid_zones",
			     json_object_new_string(
				     spm_block_get_valid_zones(b)));
		if (spm_block_is_removable(b) >= 0)
			jadd(r, "removable",
			     json_object_new_boolean(
				     spm_block_is_removable(b)));
		if (spm_block_get_node(b) >= 0)
			jadd(r, "node",
			     json_object_new_int(spm_block_get_node(b)));
		if (spm_block_get_dax(b))
			jadd(r, "dax",
			     json_object_new_string(spm_dax_get_devname(
				     spm_block_get_dax(b))));
		json_object_array_add(a, r);
	}
	return a;
}

static int list_json(struct spm_ctx *ctx, const struct list_opts *o)
{
	struct json_object *top = json_object_new_object();
	int rc = 0;

	if (!top)
		return -ENOMEM;
	rc |= jadd(top, "kernel", kernel_json(ctx, o));
	rc |= jadd(top, "ranges", ranges_json(ctx, o));
	rc |= jadd(top, "hmem", hmem_json(ctx, o));
	rc |= jadd(top, "cxl_regions", cxl_json(ctx, o));
	rc |= jadd(top, "dax_devices", dax_json(ctx, o));
	rc |= jadd(top, "nodes", nodes_json(ctx, o));
	if (o->show & LIST_BLOCKS)
		rc |= jadd(top, "blocks", blocks_array_json(ctx, o));
	if (rc == 0)
		printf("%s\n",
		       json_object_to_json_string_ext(
			       top, JSON_C_TO_STRING_PRETTY |
					    JSON_C_TO_STRING_SPACED |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(top);
	return rc ? -ENOMEM : 0;
}

/* ---- text ---------------------------------------------------------- */

static void print_blocks(const char *indent, const struct spmctl_blocks *s)
{
	int i;

	printf("%sblocks: %lu", indent, s->count);
	if (!s->count) {
		putchar('\n');
		return;
	}
	printf(" (%lu online", s->online);
	for (i = 0; i < s->nr_zones; i++)
		printf("%s%lu %s", i ? ", " : ": ", s->zone_count[i],
		       s->zone[i]);
	printf("; %lu offline", s->offline);
	if (s->going_offline)
		printf("; %lu going-offline", s->going_offline);
	if (s->unremovable)
		printf("; %lu unremovable", s->unremovable);
	puts(")");
}

static void text_kernel(struct spm_ctx *ctx)
{
	const char *aob = spm_get_auto_online_blocks(ctx);
	const char *memhp = spm_get_cmdline_memhp_default_state(ctx);
	const char *policy = spm_get_online_policy(ctx);
	int hmem = spm_get_cmdline_hmem_spm_node(ctx);
	char sz[32];

	printf("kernel: SPM node series %s, dax spm_node %s, memory block "
	       "%s\n",
	       spm_kernel_has_spm(ctx) ? "present" : "absent",
	       spm_kernel_has_dax_spm(ctx) ? "present" : "absent",
	       spm_get_memory_block_size(ctx) ?
		       spmctl_size(spm_get_memory_block_size(ctx), sz) :
		       "unknown");
	printf("  auto_online_blocks %s, memhp_default_state=%s, "
	       "dax_hmem.spm_node=%s, online_policy %s\n",
	       aob ? aob : "unknown", memhp ? memhp : "(unset)",
	       hmem < 0 ? "(unset)" :
	       hmem	? "1" :
			  "0",
	       policy ? policy : "unknown");
}

static void text_ranges(struct spm_ctx *ctx)
{
	struct spm_cxl_region *reg;
	struct spm_range *r;
	struct spm_hmem *h;
	char sz[32];
	int i;

	puts("\nSoft Reserved ranges:");
	if (!spm_range_get_first(ctx))
		puts("  none");
	spm_range_foreach (ctx, r) {
		if (spm_range_get_size(r))
			printf("  %#" PRIx64 "-%#" PRIx64 "  %s",
			       spm_range_get_start(r),
			       spm_range_get_start(r) + spm_range_get_size(r) -
				       1,
			       spmctl_size(spm_range_get_size(r), sz));
		else
			printf("  (addresses hidden: needs root)");
		if (spm_range_get_dax_devname(r))
			printf("  %s", spm_range_get_dax_devname(r));
		puts(spm_range_is_sysram(r) ? "  System RAM" : "");
	}
	if (spm_hmem_get_first(ctx)) {
		puts("\nhmem devices:");
		spm_hmem_foreach (ctx, h)
			printf("  %s  %s  numa_node %d\n",
			       spm_hmem_get_devname(h),
			       spmctl_size(spm_hmem_get_size(h), sz),
			       spm_hmem_get_numa_node(h));
	}
	if (spm_cxl_region_get_first(ctx)) {
		puts("\nCXL RAM regions:");
		spm_cxl_region_foreach (ctx, reg) {
			printf("  %s  %#" PRIx64 "  %s  %s",
			       spm_cxl_region_get_devname(reg),
			       spm_cxl_region_get_start(reg),
			       spmctl_size(spm_cxl_region_get_size(reg), sz),
			       spm_cxl_region_get_dax_region(reg) ?
				       spm_cxl_region_get_dax_region(reg) :
				       "(no dax region)");
			for (i = 0; i < spm_cxl_region_get_num_memdevs(reg);
			     i++) {
				const char *m =
					spm_cxl_region_get_memdev(reg, i);
				uint64_t serial =
					spm_cxl_region_get_memdev_serial(reg,
									 i);

				printf("%s%s", i ? ", " : "  memdevs ",
				       m ? m : "?");
				if (serial != UINT64_MAX)
					printf(" (serial %#" PRIx64 ")",
					       serial);
			}
			putchar('\n');
		}
	}
}

static void text_devices(struct spm_ctx *ctx)
{
	struct spmctl_blocks s;
	struct spm_dax *dax;
	char sz[32];

	puts("\ndax devices:");
	if (!spm_dax_get_first(ctx))
		puts("  none");
	spm_dax_foreach (ctx, dax) {
		spmctl_dax_blocks(dax, &s);
		printf("  %s  %s", spm_dax_get_devname(dax),
		       spmctl_size(spm_dax_get_size(dax), sz));
		if (spm_dax_get_start(dax))
			printf(" at %#" PRIx64, spm_dax_get_start(dax));
		if (spm_dax_get_hmem(dax))
			printf("  %s", spm_dax_get_hmem(dax));
		if (spm_dax_get_cxl_region(dax))
			printf("  %s", spm_dax_get_cxl_region(dax));
		printf("\n    mode %s",
		       spmctl_dax_mode_name(spm_dax_get_mode(dax)));
		if (spm_dax_get_target_node(dax) >= 0)
			printf(", node %d", spm_dax_get_target_node(dax));
		if (spm_dax_get_spm_node(dax) >= 0)
			printf(", spm_node %d", spm_dax_get_spm_node(dax));
		printf(", state %s\n", spmctl_dax_state(ctx, dax, &s));
		if (spm_dax_get_mode(dax) == SPM_DAX_MODE_KMEM)
			print_blocks("    ", &s);
	}
}

static void text_nodes(struct spm_ctx *ctx)
{
	struct spmctl_blocks s;
	struct spm_node *n;
	char t[32], f[32];

	puts("\nnodes:");
	spm_node_foreach (ctx, n) {
		spmctl_node_blocks(n, &s);
		printf("  node%d  %s", spm_node_get_id(n),
		       spm_node_is_spm(n)     ? "SPM" :
		       spm_node_has_memory(n) ? "SysRAM" :
						"no memory");
		if (spm_node_get_cpulist(n)[0])
			printf("  cpus %s", spm_node_get_cpulist(n));
		else
			printf("  no cpus");
		if (spm_node_has_memory(n))
			printf("  %s total, %s free",
			       spmctl_size(spm_node_get_mem_total(n), t),
			       spmctl_size(spm_node_get_mem_free(n), f));
		if (spm_node_get_memory_tier(n) >= 0)
			printf("  tier %d", spm_node_get_memory_tier(n));
		putchar('\n');
		if (s.count)
			print_blocks("    ", &s);
	}
}

static void text_blocks(struct spm_ctx *ctx)
{
	struct spm_block *b;

	puts("\nmemory blocks:");
	if (!spm_block_get_first(ctx))
		puts("  none");
	spm_block_foreach (ctx, b) {
		printf("  memory%lu  %#" PRIx64 "  %-13s %-8s node %d",
		       spm_block_get_id(b), spm_block_get_start(b),
		       state_name(spm_block_get_state(b)),
		       spm_block_get_zone(b) ? spm_block_get_zone(b) : "?",
		       spm_block_get_node(b));
		if (spm_block_is_removable(b) == 0)
			printf("  unremovable");
		if (spm_block_get_dax(b))
			printf("  %s",
			       spm_dax_get_devname(spm_block_get_dax(b)));
		putchar('\n');
	}
}

static void list_text(struct spm_ctx *ctx, const struct list_opts *o)
{
	text_kernel(ctx);
	if (o->show & LIST_RANGES)
		text_ranges(ctx);
	if (o->show & LIST_DEVICES)
		text_devices(ctx);
	if (o->show & LIST_NODES)
		text_nodes(ctx);
	if (o->show & LIST_BLOCKS)
		text_blocks(ctx);
}

int cmd_list(int argc, char **argv, struct spm_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "human", no_argument, NULL, 'u' },
		{ "ranges", no_argument, NULL, 'R' },
		{ "devices", no_argument, NULL, 'D' },
		{ "nodes", no_argument, NULL, 'N' },
		{ "blocks", no_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct list_opts o = { 0 };
	int c, rc;

	while ((c = getopt_long(argc, argv, "juh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o.json = true;
			break;
		case 'u':
			o.human = true;
			break;
		case 'R':
			o.show |= LIST_RANGES;
			break;
		case 'D':
			o.show |= LIST_DEVICES;
			break;
		case 'N':
			o.show |= LIST_NODES;
			break;
		case 'B':
			o.show |= LIST_BLOCKS;
			break;
		case 'h':
			fputs(list_usage, stdout);
			return SPMCTL_EXIT_OK;
		default:
			fputs(list_usage, stderr);
			return SPMCTL_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		spmctl_error("list", "unexpected argument '%s'", argv[optind]);
		fputs(list_usage, stderr);
		return SPMCTL_EXIT_USAGE;
	}
	/* --blocks alone adds the block list to the default sections. */
	if (!(o.show & ~LIST_BLOCKS))
		o.show |= LIST_RANGES | LIST_DEVICES | LIST_NODES;

	/* One full scan up front, so a bad root or sysfs fails loudly. */
	rc = spm_refresh(ctx);
	if (rc < 0) {
		spmctl_error("list", "%s", spm_get_last_error(ctx));
		return spmctl_exit_for_errno(rc);
	}
	if (o.json)
		rc = list_json(ctx, &o);
	else
		list_text(ctx, &o);
	if (rc < 0) {
		spmctl_error("list", "%s", strerror(-rc));
		return SPMCTL_EXIT_FAIL;
	}
	return SPMCTL_EXIT_OK;
}
