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
#include <stdlib.h>
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
	"                   [--nodes] [--blocks] [-d|--device DEV]\n"
	"                   [--node N] [--source SOURCE]\n"
	"\n"
	"  -j, --json          print one JSON object (see spmctl(8))\n"
	"  -u, --human         sizes as \"1.00 GiB\" and addresses in hex in JSON\n"
	"      --ranges        show the Soft Reserved ranges, hmem devices and\n"
	"                      CXL regions\n"
	"      --devices       show the dax devices\n"
	"      --nodes         show the NUMA nodes\n"
	"      --blocks        also show the memory blocks, as ranges of blocks\n"
	"                      in the same state, zone and node (like lsmem)\n"
	"  -d, --device DEV    only this dax device (and its node and blocks)\n"
	"      --node N        only node N (its devices and blocks)\n"
	"      --source SOURCE only dax devices of this source: hmem, cxl-ram,\n"
	"                      pmem, driver, unknown\n"
	"  -h, --help          show this help\n";

struct list_opts {
	bool json, human;
	unsigned int show;
	const char *dev; /* --device */
	int node;	 /* --node, -1: all */
	int source;	 /* --source, -1: all */
};

static bool list_wants_dax(const struct list_opts *o, struct spm_dax *dax)
{
	if (o->dev && strcmp(o->dev, spm_dax_get_devname(dax)))
		return false;
	if (o->source >= 0 && (int)spm_dax_get_source(dax) != o->source)
		return false;
	return o->node < 0 || spm_dax_get_node(dax) == o->node;
}

static bool list_wants_node(struct spm_ctx *ctx, const struct list_opts *o,
			    struct spm_node *n)
{
	struct spm_dax *dax;

	if (o->node >= 0)
		return spm_node_get_id(n) == o->node;
	if (!o->dev && o->source < 0)
		return true;
	/* a device filter shows the nodes of the devices it shows */
	spm_dax_foreach (ctx, dax)
		if (list_wants_dax(o, dax) &&
		    spm_dax_get_node(dax) == spm_node_get_id(n))
			return true;
	return false;
}

static bool list_wants_block(struct spm_ctx *ctx, const struct list_opts *o,
			     struct spm_block *b)
{
	struct spm_dax *dax = spm_block_get_dax(b);

	if (o->node >= 0 && spm_block_get_node(b) != o->node)
		return false;
	if (o->dev || o->source >= 0)
		return dax && list_wants_dax(o, dax);
	return true;
}

/* ---- shared with doctor ------------------------------------------- */

const char *spmctl_size(uint64_t bytes, char *buf)
{
	return spm_size_format(bytes, buf, 32);
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

/* ---- JSON ---------------------------------------------------------- */


static struct json_object *jsize(const struct list_opts *o, uint64_t v)
{
	return spmctl_jsize(v, o->human);
}

static struct json_object *jaddr(const struct list_opts *o, uint64_t v)
{
	return spmctl_jaddr(v, o->human);
}

static struct json_object *kernel_json(struct spm_ctx *ctx,
				       const struct list_opts *o)
{
	struct json_object *k = json_object_new_object();
	const char *s;
	int v;

	if (!k)
		return NULL;
	spmctl_jadd(k, "has_spm_series",
	     json_object_new_boolean(spm_kernel_has_spm(ctx)));
	spmctl_jadd(k, "dax_spm_node",
	     json_object_new_boolean(spm_kernel_has_dax_spm(ctx)));
	s = spm_get_auto_online_blocks(ctx);
	if (s)
		spmctl_jadd(k, "auto_online_blocks", json_object_new_string(s));
	s = spm_get_cmdline_memhp_default_state(ctx);
	if (s)
		spmctl_jadd(k, "memhp_default_state", json_object_new_string(s));
	v = spm_get_cmdline_hmem_spm_node(ctx);
	if (v >= 0)
		spmctl_jadd(k, "dax_hmem_spm_node", json_object_new_boolean(v));
	v = spm_get_cxl_spm_node(ctx);
	if (v >= 0)
		spmctl_jadd(k, "cxl_core_spm_node", json_object_new_boolean(v));
	s = spm_get_auto_online_source(ctx);
	if (s)
		spmctl_jadd(k, "auto_online_source", json_object_new_string(s));
	if (spm_get_onlining_udev_rule(ctx, 0)) {
		struct json_object *rules = json_object_new_array();

		for (v = 0; rules && (s = spm_get_onlining_udev_rule(ctx, v));
		     v++)
			json_object_array_add(rules,
					      json_object_new_string(s));
		spmctl_jadd(k, "onlining_udev_rules", rules);
	}
	s = spm_get_online_policy(ctx);
	if (s)
		spmctl_jadd(k, "online_policy", json_object_new_string(s));
	if (spm_get_memory_block_size(ctx))
		spmctl_jadd(k, "memory_block_size",
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
			spmctl_jadd(r, "start", jaddr(o, spm_range_get_start(range)));
			spmctl_jadd(r, "size", jsize(o, spm_range_get_size(range)));
		}
		if (spm_range_get_dax_devname(range))
			spmctl_jadd(r, "dax",
			     json_object_new_string(
				     spm_range_get_dax_devname(range)));
		spmctl_jadd(r, "sysram",
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
		spmctl_jadd(r, "dev", json_object_new_string(spm_hmem_get_devname(h)));
		if (spm_hmem_get_numa_node(h) >= 0)
			spmctl_jadd(r, "numa_node",
			     json_object_new_int(spm_hmem_get_numa_node(h)));
		if (spm_hmem_get_size(h))
			spmctl_jadd(r, "size", jsize(o, spm_hmem_get_size(h)));
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
		spmctl_jadd(r, "region",
		     json_object_new_string(spm_cxl_region_get_devname(reg)));
		spmctl_jadd(r, "mode",
		     json_object_new_string(spm_cxl_region_get_mode(reg)));
		if (spm_cxl_region_get_start(reg))
			spmctl_jadd(r, "start",
			     jaddr(o, spm_cxl_region_get_start(reg)));
		if (spm_cxl_region_get_size(reg))
			spmctl_jadd(r, "size", jsize(o, spm_cxl_region_get_size(reg)));
		if (spm_cxl_region_get_dax_region(reg))
			spmctl_jadd(r, "dax_region",
			     json_object_new_string(
				     spm_cxl_region_get_dax_region(reg)));
		m = json_object_new_array();
		for (i = 0; m && i < spm_cxl_region_get_num_memdevs(reg); i++) {
			md = json_object_new_object();
			if (!md)
				break;
			if (spm_cxl_region_get_memdev(reg, i))
				spmctl_jadd(md, "memdev",
				     json_object_new_string(
					     spm_cxl_region_get_memdev(reg,
								       i)));
			if (spm_cxl_region_get_decoder(reg, i))
				spmctl_jadd(md, "decoder",
				     json_object_new_string(
					     spm_cxl_region_get_decoder(reg,
									i)));
			serial = spm_cxl_region_get_memdev_serial(reg, i);
			if (serial != UINT64_MAX)
				spmctl_jadd(md, "serial",
				     json_object_new_uint64(serial));
			json_object_array_add(m, md);
		}
		spmctl_jadd(r, "memdevs", m);
		json_object_array_add(a, r);
	}
	return a;
}

static struct json_object *dax_json(struct spm_ctx *ctx,
				    const struct list_opts *o)
{
	struct json_object *a = json_object_new_array(), *r;
	struct spm_dax *dax;

	if (!a)
		return NULL;
	spm_dax_foreach (ctx, dax) {
		if (!list_wants_dax(o, dax))
			continue;
		r = spmctl_dax_json(dax, o->human);
		if (!r)
			break;
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
		if (!list_wants_node(ctx, o, n))
			continue;
		r = json_object_new_object();
		if (!r)
			break;
		spmctl_node_blocks(n, &s);
		spmctl_jadd(r, "node", json_object_new_int(spm_node_get_id(n)));
		spmctl_jadd(r, "type",
		     json_object_new_string(spm_node_is_spm(n) ? "spm" :
					    spm_node_has_memory(n) ?
								 "sysram" :
								 "memoryless"));
		/* who owns an SPM node's memory: dax devices (spmctl's to
		 * online and offline) or a driver (left alone) */
		spmctl_node_owner_json(r, n);
		/* only SPM nodes can be opened; omitted on a kernel
		 * without the owner's opt-in, which cannot say */
		if (spm_node_is_spm(n) && spm_kernel_has_spm_user_numa(ctx))
			spmctl_jadd(r, "user_numa",
			     json_object_new_boolean(spm_node_is_user_numa(n)));
		spmctl_jadd(r, "has_cpu",
		     json_object_new_boolean(spm_node_has_cpu(n)));
		if (spm_node_get_cpulist(n)[0])
			spmctl_jadd(r, "cpulist",
			     json_object_new_string(spm_node_get_cpulist(n)));
		spmctl_jadd(r, "mem_total", jsize(o, spm_node_get_mem_total(n)));
		spmctl_jadd(r, "mem_free", jsize(o, spm_node_get_mem_free(n)));
		if (spm_node_get_memory_tier(n) >= 0)
			spmctl_jadd(r, "memory_tier",
			     json_object_new_int(spm_node_get_memory_tier(n)));
		d = json_object_new_object();
		spm_node_foreach (ctx, to) {
			char key[16];
			int dist =
				spm_node_get_distance(n, spm_node_get_id(to));

			if (!d || dist < 0)
				continue;
			snprintf(key, sizeof(key), "%d", spm_node_get_id(to));
			spmctl_jadd(d, key, json_object_new_int(dist));
		}
		spmctl_jadd(r, "distance", d);
		spmctl_jadd(r, "memory_blocks", spmctl_blocks_json(&s));
		json_object_array_add(a, r);
	}
	return a;
}

static struct json_object *blocks_array_json(struct spm_ctx *ctx,
					     const struct list_opts *o)
{
	struct json_object *a = json_object_new_array(), *r;
	struct spm_block *b;

	if (!a)
		return NULL;
	spm_block_foreach (ctx, b) {
		if (!list_wants_block(ctx, o, b))
			continue;
		r = json_object_new_object();
		if (!r)
			break;
		spmctl_jadd(r, "id", json_object_new_uint64(spm_block_get_id(b)));
		spmctl_jadd(r, "start", jaddr(o, spm_block_get_start(b)));
		spmctl_jadd(r, "state",
		     json_object_new_string(
			     spm_block_state_get_name(spm_block_get_state(b))));
		if (spm_block_get_zone(b))
			spmctl_jadd(r, "zone",
			     json_object_new_string(spm_block_get_zone(b)));
		if (spm_block_get_valid_zones(b))
			spmctl_jadd(r, "valid_zones",
			     json_object_new_string(
				     spm_block_get_valid_zones(b)));
		if (spm_block_is_removable(b) >= 0)
			spmctl_jadd(r, "removable",
			     json_object_new_boolean(
				     spm_block_is_removable(b)));
		if (spm_block_get_node(b) >= 0)
			spmctl_jadd(r, "node",
			     json_object_new_int(spm_block_get_node(b)));
		if (spm_block_get_dax(b))
			spmctl_jadd(r, "dax",
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
	rc |= spmctl_jadd(top, "kernel", kernel_json(ctx, o));
	rc |= spmctl_jadd(top, "ranges", ranges_json(ctx, o));
	rc |= spmctl_jadd(top, "hmem", hmem_json(ctx, o));
	rc |= spmctl_jadd(top, "cxl_regions", cxl_json(ctx, o));
	rc |= spmctl_jadd(top, "dax_devices", dax_json(ctx, o));
	rc |= spmctl_jadd(top, "nodes", nodes_json(ctx, o));
	if (o->show & LIST_BLOCKS)
		rc |= spmctl_jadd(top, "blocks", blocks_array_json(ctx, o));
	if (rc == 0)
		spmctl_print_json(top);
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
	const char *rule;
	char sz[32];
	int i;

	printf("kernel: SPM node series %s, dax spm_node %s, spm_user_numa %s, "
	       "memory block %s\n",
	       spm_kernel_has_spm(ctx) ? "present" : "absent",
	       spm_kernel_has_dax_spm(ctx) ? "present" : "absent",
	       spm_kernel_has_spm_user_numa(ctx) ? "present" : "absent",
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
	if (spm_get_auto_online_source(ctx))
		printf("  auto_online_blocks set by %s\n",
		       spm_get_auto_online_source(ctx));
	for (i = 0; (rule = spm_get_onlining_udev_rule(ctx, i)); i++)
		printf("  udev rule that onlines memory: %s\n", rule);
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
		spm_hmem_foreach (ctx, h) {
			printf("  %s  %s", spm_hmem_get_devname(h),
			       spmctl_size(spm_hmem_get_size(h), sz));
			/* the nearest online node, not where the memory goes */
			if (spm_hmem_get_numa_node(h) >= 0)
				printf("  numa_node %d",
				       spm_hmem_get_numa_node(h));
			putchar('\n');
		}
	}
	if (spm_cxl_region_get_first(ctx)) {
		puts("\nCXL RAM regions:");
		spm_cxl_region_foreach (ctx, reg) {
			printf("  %s", spm_cxl_region_get_devname(reg));
			if (spm_cxl_region_get_start(reg))
				printf("  %#" PRIx64,
				       spm_cxl_region_get_start(reg));
			printf("  %s  %s",
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
				const char *dec =
					spm_cxl_region_get_decoder(reg, i);

				printf("%s%s", i ? ", " : "  memdevs ",
				       m ? m : "?");
				if (serial != UINT64_MAX)
					printf(" (serial %#" PRIx64 ")",
					       serial);
				if (dec)
					printf(" via %s", dec);
			}
			putchar('\n');
		}
	}
}

static void text_devices(struct spm_ctx *ctx, const struct list_opts *o)
{
	struct spmctl_blocks s;
	struct spm_dax *dax;
	bool any = false;
	char sz[32];

	puts("\ndax devices:");
	spm_dax_foreach (ctx, dax) {
		if (!list_wants_dax(o, dax))
			continue;
		any = true;
		spmctl_dax_blocks(dax, &s);
		printf("  %s  %s", spm_dax_get_devname(dax),
		       spmctl_size(spm_dax_get_size(dax), sz));
		if (spm_dax_get_start(dax))
			printf(" at %#" PRIx64, spm_dax_get_start(dax));
		printf("  %s", spm_dax_source_get_name(
				       spm_dax_get_source(dax)));
		if (spm_dax_get_hmem(dax))
			printf(" %s", spm_dax_get_hmem(dax));
		if (spm_dax_get_cxl_region(dax))
			printf(" %s", spm_dax_get_cxl_region(dax));
		if (spm_dax_get_nd_region(dax))
			printf(" %s", spm_dax_get_nd_region(dax));
		printf("\n    mode %s",
		       spmctl_dax_mode_name(spm_dax_get_mode(dax)));
		if (spm_dax_get_target_node(dax) >= 0)
			printf(", node %d", spm_dax_get_target_node(dax));
		if (spm_dax_get_spm_node(dax) >= 0)
			printf(", spm_node %d", spm_dax_get_spm_node(dax));
		if (spm_dax_get_user_numa(dax) >= 0)
			printf(", spm_user_numa %d", spm_dax_get_user_numa(dax));
		printf(", state %s\n",
		       spm_dax_state_get_name(spm_dax_get_state(dax)));
		if (spm_dax_get_mode(dax) == SPM_DAX_MODE_KMEM)
			print_blocks("    ", &s);
	}
	if (!any)
		puts("  none");
}

static void text_nodes(struct spm_ctx *ctx, const struct list_opts *o)
{
	struct spmctl_blocks s;
	const char *driver;
	struct spm_node *n;
	char t[32], f[32];

	puts("\nnodes:");
	spm_node_foreach (ctx, n) {
		if (!list_wants_node(ctx, o, n))
			continue;
		spmctl_node_blocks(n, &s);
		printf("  node%d  %s", spm_node_get_id(n),
		       spm_node_is_spm(n)     ? "SPM" :
		       spm_node_has_memory(n) ? "SysRAM" :
						"no memory");
		driver = spm_node_get_driver(n);
		if (driver && !strcmp(driver, "unknown"))
			printf(" owned by an unknown driver, no dax device");
		else if (driver)
			printf(" owned by driver %s, no dax device", driver);
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
		if (spm_node_is_user_numa(n))
			printf("  user-numa");
		putchar('\n');
		if (s.count)
			print_blocks("    ", &s);
	}
}

/* A run of consecutive blocks that look the same, printed as one line. */
struct block_run {
	struct spm_block *first;
	unsigned long last_id, count;
};

static bool same_run(const struct block_run *r, struct spm_block *b)
{
	struct spm_block *f = r->first;
	const char *zf = spm_block_get_zone(f), *zb = spm_block_get_zone(b);

	return spm_block_get_id(b) == r->last_id + 1 &&
	       spm_block_get_state(b) == spm_block_get_state(f) &&
	       spm_block_get_node(b) == spm_block_get_node(f) &&
	       spm_block_get_dax(b) == spm_block_get_dax(f) &&
	       spm_block_is_removable(b) == spm_block_is_removable(f) &&
	       (zf == zb || (zf && zb && !strcmp(zf, zb)));
}

static void print_run(const struct block_run *r)
{
	struct spm_block *f = r->first;
	uint64_t bs = spm_block_get_size(f);
	uint64_t start = spm_block_get_start(f);
	char id[48], sz[32];

	if (r->count == 1)
		snprintf(id, sizeof(id), "memory%lu", spm_block_get_id(f));
	else
		snprintf(id, sizeof(id), "memory%lu-%lu", spm_block_get_id(f),
			 r->last_id);
	printf("  %-18s 0x%016" PRIx64 "-0x%016" PRIx64 " %10s  %-13s %-8s",
	       id, start, start + r->count * bs - 1,
	       spmctl_size(r->count * bs, sz),
	       spm_block_state_get_name(spm_block_get_state(f)),
	       spm_block_get_zone(f) ? spm_block_get_zone(f) : "-");
	if (spm_block_get_node(f) >= 0)
		printf(" node %d", spm_block_get_node(f));
	if (spm_block_is_removable(f) == 0)
		printf("  unremovable");
	if (spm_block_get_dax(f))
		printf("  %s", spm_dax_get_devname(spm_block_get_dax(f)));
	putchar('\n');
}

/*
 * Memory blocks merged into ranges of blocks with the same state, zone,
 * node and owner, as lsmem prints them: 64k blocks of a big machine make
 * a handful of lines. JSON keeps one object per block.
 */
static void text_blocks(struct spm_ctx *ctx, const struct list_opts *o)
{
	struct block_run run = { 0 };
	struct spm_block *b;

	puts("\nmemory blocks:");
	spm_block_foreach (ctx, b) {
		if (!list_wants_block(ctx, o, b))
			continue;
		if (run.first && same_run(&run, b)) {
			run.last_id = spm_block_get_id(b);
			run.count++;
			continue;
		}
		if (run.first)
			print_run(&run);
		run.first = b;
		run.last_id = spm_block_get_id(b);
		run.count = 1;
	}
	if (run.first)
		print_run(&run);
	else
		puts("  none");
}

static void list_text(struct spm_ctx *ctx, const struct list_opts *o)
{
	text_kernel(ctx);
	if (o->show & LIST_RANGES)
		text_ranges(ctx);
	if (o->show & LIST_DEVICES)
		text_devices(ctx, o);
	if (o->show & LIST_NODES)
		text_nodes(ctx, o);
	if (o->show & LIST_BLOCKS)
		text_blocks(ctx, o);
}

int cmd_list(int argc, char **argv, struct spm_ctx *ctx)
{
	enum { OPT_NODE = 0x100, OPT_SOURCE };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "human", no_argument, NULL, 'u' },
		{ "ranges", no_argument, NULL, 'R' },
		{ "devices", no_argument, NULL, 'D' },
		{ "nodes", no_argument, NULL, 'N' },
		{ "blocks", no_argument, NULL, 'B' },
		{ "device", required_argument, NULL, 'd' },
		{ "node", required_argument, NULL, OPT_NODE },
		{ "source", required_argument, NULL, OPT_SOURCE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct list_opts o = { .node = -1, .source = -1 };
	const char *node_arg = NULL, *source_arg = NULL;
	int c, rc, i;
	char *end;
	long v;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":juhd:", longopts, NULL)) != -1) {
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
		case 'd':
			o.dev = optarg;
			break;
		case OPT_NODE:
			node_arg = optarg;
			break;
		case OPT_SOURCE:
			source_arg = optarg;
			break;
		case 'h':
			fputs(list_usage, stdout);
			return SPMCTL_EXIT_OK;
		default:
			return spmctl_bad_option("list", c, argv, list_usage);
		}
	}
	if (optind < argc) {
		spmctl_error("list", "unexpected argument '%s'", argv[optind]);
		fputs(list_usage, stderr);
		return SPMCTL_EXIT_USAGE;
	}
	if (node_arg) {
		errno = 0;
		v = strtol(node_arg, &end, 10);
		if (errno || end == node_arg || *end || v < 0 ||
		    v >= SPM_MAX_NODES) {
			spmctl_error("list", "--node: \"%s\" is not a node id",
				     node_arg);
			return SPMCTL_EXIT_USAGE;
		}
		o.node = (int)v;
	}
	if (source_arg) {
		for (i = SPM_DAX_SOURCE_UNKNOWN; i <= SPM_DAX_SOURCE_DRIVER; i++)
			if (!strcmp(source_arg, spm_dax_source_get_name(i)))
				o.source = i;
		if (o.source < 0) {
			spmctl_error(
				"list",
				"--source: \"%s\" is not hmem, cxl-ram, pmem, driver or unknown",
				source_arg);
			return SPMCTL_EXIT_USAGE;
		}
	}
	/* --blocks alone adds the block list to the default sections. */
	if (!(o.show & ~LIST_BLOCKS))
		o.show |= LIST_RANGES | LIST_DEVICES | LIST_NODES;

	/* One full scan up front, so a bad root or sysfs fails loudly. */
	rc = spm_refresh(ctx);
	if (rc < 0) {
		spmctl_error("list", "%s", spm_get_last_error(ctx));
		return spmctl_exit_code(rc, SPM_CHECK_NONE);
	}
	if (o.dev && !spm_dax_get_by_name(ctx, o.dev)) {
		spmctl_error("list", "%s: no such dax device", o.dev);
		return SPMCTL_EXIT_NOTFOUND;
	}
	if (o.node >= 0 && !spm_node_get_by_id(ctx, o.node)) {
		spmctl_error("list", "node %d does not exist", o.node);
		return SPMCTL_EXIT_NOTFOUND;
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
