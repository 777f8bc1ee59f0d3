// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * spm.conf: loading, checking, rule access, and matching rules to dax
 * devices by stable identity (physical range, hmem platform device, CXL
 * memdev serials, target node). Never by daxX.Y name: those follow probe
 * order and change across boots.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config-private.h"

void spm_config_free(struct spm_config *config)
{
	int i;

	if (!config)
		return;
	for (i = 0; i < config->nrules; i++)
		spm_rule_free(config->rules[i]);
	free(config->rules);
	for (i = 0; i < config->nproblems; i++)
		free(config->problems[i].message);
	free(config->problems);
	for (i = 0; i < config->nfiles; i++)
		free(config->files[i]);
	free(config->files);
	free(config);
}

static int config_parse(struct spm_ctx *ctx, const char *path,
			struct spm_config **out)
{
	struct spm_config *config = spm_config_new(ctx);
	int rc;

	if (!config)
		return -ENOMEM;
	rc = spm_config_read(config, spm_get_root(ctx), path);
	if (rc < 0) {
		spm_config_free(config);
		return rc;
	}
	*out = config;
	return 0;
}

int spm_config_check(struct spm_ctx *ctx, const char *path,
		     spm_config_problem_fn fn, void *userdata)
{
	struct spm_config *config;
	int i, rc;

	rc = config_parse(ctx, path, &config);
	if (rc < 0)
		return rc;
	for (i = 0; fn && i < config->nproblems; i++)
		fn(userdata, config->problems[i].file, config->problems[i].line,
		   config->problems[i].message);
	rc = config->nproblems;
	spm_config_free(config);
	return rc;
}

int spm_config_load(struct spm_ctx *ctx, const char *path,
		    struct spm_config **out, char *err, size_t errlen)
{
	struct spm_config *config;
	struct spm_config_problem *pb;
	int n, rc;

	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	rc = config_parse(ctx, path, &config);
	if (rc < 0) {
		if (err && errlen)
			snprintf(err, errlen, "spm.conf: out of memory");
		return rc;
	}
	n = config->nproblems;
	if (n == 0) {
		*out = config;
		return 0;
	}
	/* The first problem: the one a caller that prints a single line
	 * should show. */
	pb = &config->problems[0];
	if (err && errlen && pb->line)
		snprintf(err, errlen, "%s:%d: %s%s", pb->file, pb->line,
			 pb->message, n > 1 ? " (and more problems)" : "");
	else if (err && errlen)
		snprintf(err, errlen, "%s: %s%s", pb->file, pb->message,
			 n > 1 ? " (and more problems)" : "");
	spm_config_free(config);
	return -EINVAL;
}

const char *spm_config_get_error(struct spm_config *config)
{
	return config ? config->error : "";
}

struct spm_rule *spm_rule_get_first(struct spm_config *config)
{
	return config && config->nrules ? config->rules[0] : NULL;
}

struct spm_rule *spm_rule_get_next(struct spm_rule *rule)
{
	struct spm_config *config = rule->config;

	return rule->index + 1 < config->nrules ?
		       config->rules[rule->index + 1] :
		       NULL;
}

const char *spm_rule_get_name(struct spm_rule *rule)
{
	return rule->name;
}

const char *spm_rule_get_location(struct spm_rule *rule)
{
	return rule->location;
}

const char *spm_rule_get_match(struct spm_rule *rule)
{
	return rule->match_desc;
}

enum spm_action spm_rule_get_action(struct spm_rule *rule)
{
	return rule->action;
}

enum spm_zone spm_rule_get_zone(struct spm_rule *rule)
{
	return rule->zone;
}

int spm_rule_get_user_numa(struct spm_rule *rule)
{
	if (!rule->key_line[SPM_KEY_USER_NUMA])
		return -1;
	return rule->user_numa;
}

/* ------------------------------------------------------------------ */
/* Matching                                                             */
/* ------------------------------------------------------------------ */

enum tri { NO, YES, UNKNOWN };

struct verdict {
	enum tri tri;
	int err; /* for UNKNOWN */
	const char *why; /* for UNKNOWN */
};

static enum tri match_range(struct spm_rule *r, struct spm_dax *dax,
			    struct verdict *v)
{
	uint64_t start = spm_dax_get_start(dax), size = spm_dax_get_size(dax);

	if (size == 0)
		return NO; /* a seed device holds no memory to match */
	if (start == 0) {
		/* resource is 0400: without root the address reads as 0. */
		v->err = -EACCES;
		v->why = "its physical address is unreadable (needs root)";
		return UNKNOWN;
	}
	if (size - 1 > UINT64_MAX - start)
		return NO;
	return start >= r->start && start + (size - 1) <= r->end ? YES : NO;
}

static enum tri match_serials(struct spm_rule *r, struct spm_dax *dax,
			      struct verdict *v)
{
	struct spm_ctx *ctx = r->config->ctx;
	const char *name = spm_dax_get_cxl_region(dax);
	struct spm_cxl_region *region;
	bool unreadable = false;
	int i, j, n;

	if (!name)
		return NO;
	spm_cxl_region_foreach (ctx, region)
		if (strcmp(spm_cxl_region_get_devname(region), name) == 0)
			break;
	if (!region) {
		v->err = -ENODATA;
		v->why = "its CXL region cannot be read";
		return UNKNOWN;
	}
	n = spm_cxl_region_get_num_memdevs(region);
	for (i = 0; i < n; i++)
		unreadable |= spm_cxl_region_get_memdev_serial(region, i) ==
			      UINT64_MAX;
	for (j = 0; j < r->nserials; j++) {
		for (i = 0; i < n; i++)
			if (spm_cxl_region_get_memdev_serial(region, i) ==
			    r->serials[j])
				break;
		if (i == n) {
			if (!unreadable)
				return NO;
			v->err = -ENODATA;
			v->why =
				"a memdev serial of its CXL region is unreadable";
			return UNKNOWN;
		}
	}
	return YES;
}

/* All keys of a rule must hold. A key that is certainly false decides,
 * even when another key cannot be read. */
static void match_one(struct spm_rule *r, struct spm_dax *dax,
		      struct verdict *v)
{
	const char *hmem;
	enum tri t;
	int k;

	v->tri = YES;
	for (k = SPM_KEY_MATCH_FIRST; k <= SPM_KEY_MATCH_LAST; k++) {
		if (!r->key_line[k])
			continue;
		switch (k) {
		case SPM_KEY_RANGE:
			t = match_range(r, dax, v);
			break;
		case SPM_KEY_HMEM:
			hmem = spm_dax_get_hmem(dax);
			t = hmem && strcmp(hmem, r->hmem) == 0 ? YES : NO;
			break;
		case SPM_KEY_SERIAL:
			t = match_serials(r, dax, v);
			break;
		case SPM_KEY_NODE:
			t = spm_dax_get_target_node(dax) == r->node ? YES : NO;
			break;
		default:
			t = NO;
		}
		if (t == NO) {
			v->tri = NO;
			return;
		}
		if (t == UNKNOWN)
			v->tri = UNKNOWN;
	}
}

int spm_config_match_rule(struct spm_config *config, struct spm_dax *dax,
			  struct spm_rule **rule)
{
	struct verdict v;
	int i;

	*rule = NULL;
	if (config)
		config->error[0] = '\0';
	/* A configuration from spm_config_load() always has its context;
	 * matching a CXL rule needs it. */
	if (!config || !dax || !config->ctx)
		return -EINVAL;
	for (i = 0; i < config->nrules; i++) {
		struct spm_rule *r = config->rules[i];

		memset(&v, 0, sizeof(v));
		match_one(r, dax, &v);
		if (v.tri == NO)
			continue;
		if (v.tri == UNKNOWN) {
			/* Trying the next rules could pick one not meant
			 * for this device: stop and leave it alone. */
			snprintf(config->error, sizeof(config->error),
				 "%s: cannot tell whether the rule at %s matches: %s",
				 spm_dax_get_devname(dax), r->location, v.why);
			return v.err;
		}
		*rule = r;
		return 0;
	}
	return 0;
}

enum spm_action spm_config_match(struct spm_config *config, struct spm_dax *dax,
				 enum spm_zone *zone, const char **rule)
{
	struct spm_rule *r;

	if (spm_config_match_rule(config, dax, &r) < 0 || !r) {
		if (rule)
			*rule = NULL;
		return SPM_ACTION_NONE;
	}
	if (zone)
		*zone = r->zone;
	if (rule)
		*rule = r->location;
	return r->action;
}
