// SPDX-License-Identifier: GPL-2.0-only
/*
 * JSON pieces shared by list, online/offline and doctor, so that one
 * object is spelled the same everywhere (docs/json-schema.md): a dax
 * device printed by "online -j" has the keys "list -j" gives it, and an
 * unknown value is omitted, never null or -1.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include <json-c/json.h>
#include <spm/libspm.h>

#include "discovery.h"

int spmctl_jadd(struct json_object *obj, const char *key,
		struct json_object *val)
{
	if (!val)
		return -ENOMEM;
	return json_object_object_add(obj, key, val) ? -ENOMEM : 0;
}

struct json_object *spmctl_jsize(uint64_t v, bool human)
{
	char buf[32];

	if (human)
		return json_object_new_string(spmctl_size(v, buf));
	return json_object_new_uint64(v);
}

struct json_object *spmctl_jaddr(uint64_t v, bool human)
{
	char buf[32];

	if (human) {
		snprintf(buf, sizeof(buf), "%#" PRIx64, v);
		return json_object_new_string(buf);
	}
	return json_object_new_uint64(v);
}

struct json_object *spmctl_blocks_json(const struct spmctl_blocks *s)
{
	struct json_object *o = json_object_new_object(), *z;
	int i;

	if (!o)
		return NULL;
	spmctl_jadd(o, "count", json_object_new_uint64(s->count));
	spmctl_jadd(o, "online", json_object_new_uint64(s->online));
	spmctl_jadd(o, "offline", json_object_new_uint64(s->offline));
	if (s->going_offline)
		spmctl_jadd(o, "going_offline",
			    json_object_new_uint64(s->going_offline));
	if (s->online) {
		z = json_object_new_object();
		for (i = 0; z && i < s->nr_zones; i++)
			spmctl_jadd(z, s->zone[i],
				    json_object_new_uint64(s->zone_count[i]));
		spmctl_jadd(o, "online_zones", z);
	}
	if (s->unremovable)
		spmctl_jadd(o, "unremovable",
			    json_object_new_uint64(s->unremovable));
	return o;
}

struct json_object *spmctl_dax_json(struct spm_dax *dax, bool human)
{
	struct json_object *r = json_object_new_object();
	enum spm_dax_source src = spm_dax_get_source(dax);
	struct spmctl_blocks s;

	if (!r)
		return NULL;
	spmctl_dax_blocks(dax, &s);
	spmctl_jadd(r, "dev", json_object_new_string(spm_dax_get_devname(dax)));
	spmctl_jadd(r, "source",
		    json_object_new_string(spm_dax_source_get_name(src)));
	if (spm_dax_get_hmem(dax))
		spmctl_jadd(r, "hmem",
			    json_object_new_string(spm_dax_get_hmem(dax)));
	if (spm_dax_get_cxl_region(dax))
		spmctl_jadd(r, "cxl_region",
			    json_object_new_string(spm_dax_get_cxl_region(dax)));
	if (spm_dax_get_nd_region(dax))
		spmctl_jadd(r, "nd_region",
			    json_object_new_string(spm_dax_get_nd_region(dax)));
	if (spm_dax_get_start(dax))
		spmctl_jadd(r, "start", spmctl_jaddr(spm_dax_get_start(dax),
						      human));
	spmctl_jadd(r, "size", spmctl_jsize(spm_dax_get_size(dax), human));
	if (spm_dax_get_align(dax))
		spmctl_jadd(r, "align",
			    spmctl_jsize(spm_dax_get_align(dax), human));
	if (spm_dax_get_target_node(dax) >= 0)
		spmctl_jadd(r, "target_node",
			    json_object_new_int(spm_dax_get_target_node(dax)));
	spmctl_jadd(r, "mode",
		    json_object_new_string(
			    spmctl_dax_mode_name(spm_dax_get_mode(dax))));
	if (spm_dax_get_driver(dax))
		spmctl_jadd(r, "driver",
			    json_object_new_string(spm_dax_get_driver(dax)));
	if (spm_dax_get_spm_node(dax) >= 0)
		spmctl_jadd(r, "spm_node",
			    json_object_new_boolean(spm_dax_get_spm_node(dax)));
	/* absent on kernels without the owner's opt-in */
	if (spm_dax_get_user_numa(dax) >= 0)
		spmctl_jadd(r, "user_numa",
			    json_object_new_boolean(spm_dax_get_user_numa(dax)));
	spmctl_jadd(r, "state",
		    json_object_new_string(
			    spm_dax_state_get_name(spm_dax_get_state(dax))));
	spmctl_jadd(r, "memory_blocks", spmctl_blocks_json(&s));
	return r;
}

void spmctl_node_owner_json(struct json_object *o, struct spm_node *node)
{
	const char *driver = spm_node_get_driver(node);

	if (spm_node_is_spm(node))
		spmctl_jadd(o, "owner",
			    json_object_new_string(spm_node_owner_get_name(
				    spm_node_get_owner(node))));
	if (driver)
		spmctl_jadd(o, "driver", json_object_new_string(driver));
}

/* Pretty, with spaces after the colons, as every spmctl JSON output. */
void spmctl_print_json(struct json_object *o)
{
	printf("%s\n", json_object_to_json_string_ext(
			       o, JSON_C_TO_STRING_PRETTY |
					  JSON_C_TO_STRING_SPACED |
					  JSON_C_TO_STRING_NOSLASHESCAPE));
}
