/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The spm.conf boot policy: parsing, validation and matching rules to dax
 * devices. Tools-side, like ndctl's util/parse-configs.c: an internal
 * static library (lib/meson.build: spm-policy) that spmctl and the tests
 * link, built on libspm's public API only. It is not part of libspm's ABI,
 * so the file format can still change without a new soname.
 */
#ifndef _SPM_POLICY_H_
#define _SPM_POLICY_H_

#include <stddef.h>

#include <spm/libspm.h>

/* ------------------------------------------------------------------ */
/* Boot policy (spm.conf)                                               */
/* ------------------------------------------------------------------ */

struct spm_config;
struct spm_rule;

enum spm_action {
	SPM_ACTION_NONE = 0,	/* no rule matched: leave the device alone */
	SPM_ACTION_ISOLATE,	/* SPM node, zone per rule */
	SPM_ACTION_DEVDAX,	/* keep or return to device_dax */
	SPM_ACTION_SYSRAM,	/* plain SysRAM, only when asked by name */
	SPM_ACTION_IGNORE,	/* a rule says: leave the device alone */
};

/* "isolate", "devdax", "sysram", "ignore", or "none". */
const char *spm_action_get_name(enum spm_action action);

/*
 * Parse /etc/spm/spm.conf and then every /etc/spm/conf.d/NAME.conf in
 * lexical order, under the context root; or only the file path (a plain
 * path, not under the root) when path is not NULL. A missing spm.conf is an
 * empty configuration. On any problem -EINVAL, *config stays NULL, and err
 * (errlen bytes, may be NULL) names the first problem as "file:line: what
 * is wrong"; spm_config_check() lists them all. See spm.conf(5).
 */
int spm_config_load(struct spm_ctx *ctx, const char *path,
		    struct spm_config **config, char *err, size_t errlen);
void spm_config_free(struct spm_config *config);

/* Called once per problem, in file and line order; line is 0 for a
 * problem with the whole file (unreadable, too large). */
typedef void (*spm_config_problem_fn)(void *userdata, const char *file,
				      int line, const char *message);
/* Validate the same files as spm_config_load without keeping them.
 * Returns the number of problems (0: valid) or -ENOMEM. */
int spm_config_check(struct spm_ctx *ctx, const char *path,
		     spm_config_problem_fn fn, void *userdata);

/* The rules in the order they are tried. */
struct spm_rule *spm_rule_get_first(struct spm_config *config);
struct spm_rule *spm_rule_get_next(struct spm_rule *rule);
#define spm_rule_foreach(config, r)                                          \
	for (r = spm_rule_get_first(config); r != NULL;                      \
	     r = spm_rule_get_next(r))
const char *spm_rule_get_name(struct spm_rule *rule); /* NULL if unnamed */
const char *spm_rule_get_location(struct spm_rule *rule); /* "file:line" */
/* What it matches, e.g. "range 0x100000000-0x13fffffff, node 2". */
const char *spm_rule_get_match(struct spm_rule *rule);
enum spm_action spm_rule_get_action(struct spm_rule *rule);
enum spm_zone spm_rule_get_zone(struct spm_rule *rule);
/* user-numa (action = isolate only): 1 yes, 0 no, -1 not given (the
 * device keeps its spm_user_numa). */
int spm_rule_get_user_numa(struct spm_rule *rule);

/*
 * The first rule that matches the device, or NULL in *rule when none does.
 * Returns 0, or -EACCES / -ENODATA (spm_config_get_error() says which rule
 * and key)
 * when a rule cannot be decided because an identity the rule needs is
 * unreadable (physical address without root, a memdev serial); rules
 * after it are then not tried, because they might not be meant for the
 * device, and the caller must leave the device alone.
 */
int spm_config_match_rule(struct spm_config *config, struct spm_dax *dax,
			  struct spm_rule **rule);
/* Why the last spm_config_match_rule() on config failed, or "". */
const char *spm_config_get_error(struct spm_config *config);
/* The action and zone for a device, and the rule that matched ("file:line")
 * or NULL when no rule matched or none could be decided (the device is left
 * alone). zone and rule may be NULL. */
enum spm_action spm_config_match(struct spm_config *config,
				 struct spm_dax *dax, enum spm_zone *zone,
				 const char **rule);

#endif /* _SPM_POLICY_H_ */
