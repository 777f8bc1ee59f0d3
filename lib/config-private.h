/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * spm.conf internals shared by config-parse.c (reading and validating the
 * files) and config.c (API and matching), and reached by the tests and
 * fuzz targets through the spm-policy static library. Not installed.
 */
#ifndef _SPM_CONFIG_PRIVATE_H_
#define _SPM_CONFIG_PRIVATE_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spm-policy.h"

/* Limits; each one exceeded is reported, never silently truncated. */
#define SPM_CONFIG_LINE_MAX 1024 /* bytes per line, without newline */
#define SPM_CONFIG_FILE_MAX (1 << 20) /* bytes per file */
#define SPM_CONFIG_RULES_MAX 1024 /* rules over all files */
#define SPM_CONFIG_SERIALS_MAX 16 /* serials in one match-cxl-serial */
#define SPM_CONFIG_NAME_MAX 64 /* bytes of a rule name */
#define SPM_CONFIG_PROBLEMS_MAX 100 /* reported per file before giving up */

/* The system's files, relative to the context root. */
#define SPM_CONFIG_MAIN "etc/spm/spm.conf"
#define SPM_CONFIG_DIR "etc/spm/conf.d"

enum spm_config_key {
	SPM_KEY_NAME,
	SPM_KEY_RANGE,
	SPM_KEY_HMEM,
	SPM_KEY_SERIAL,
	SPM_KEY_NODE,
	SPM_KEY_ACTION,
	SPM_KEY_ZONE,
	SPM_KEY_ALLOW_SYSRAM,
	SPM_KEY_USER_NUMA,
	SPM_KEY_MAX,
};

/* The match keys are a contiguous run, so they can be walked in a loop. */
#define SPM_KEY_MATCH_FIRST SPM_KEY_RANGE
#define SPM_KEY_MATCH_LAST SPM_KEY_NODE

struct spm_rule {
	struct spm_config *config;
	int index; /* in config->rules, once kept */
	const char *file; /* owned by config->files */
	int line; /* of the [device] header */
	char *location; /* "file:line" */
	char *match_desc; /* "range ..., node 2" */
	/* Line of each key in the rule, 0 when absent; set even when the
	 * value was bad, so a bad key is not also reported as missing. */
	int key_line[SPM_KEY_MAX];
	bool bad; /* some line of the rule had a problem */

	char *name;
	uint64_t start, end; /* match-range, inclusive */
	char hmem[32]; /* match-hmem */
	uint64_t serials[SPM_CONFIG_SERIALS_MAX]; /* sorted */
	int nserials;
	int node; /* match-node */
	enum spm_action action;
	enum spm_zone zone;
	bool allow_sysram;
	bool user_numa; /* meant only when key_line[SPM_KEY_USER_NUMA] */
};

struct spm_config_problem {
	const char *file;
	int line;
	char *message;
};

struct spm_config {
	struct spm_ctx *ctx; /* may be NULL (parser tests, fuzzing) */
	char **files; /* display names of the files read */
	int nfiles;
	struct spm_rule **rules;
	int nrules;
	struct spm_config_problem *problems;
	int nproblems;
	bool nomem; /* an allocation failed: result unusable */
	char error[512]; /* why the last match failed */
};

/* An empty configuration bound to ctx (which may be NULL). */
struct spm_config *spm_config_new(struct spm_ctx *ctx);
void spm_rule_free(struct spm_rule *rule);
/*
 * Parse one file's text, named file in messages. Rules and problems are
 * appended to config; rules are checked against those of earlier files.
 * Returns the number of new problems, or -ENOMEM.
 */
int spm_config_parse_buffer(struct spm_config *config, const char *file,
			    const char *buf, size_t len);
/*
 * Read the system's files under root ("/" on a live system), or the one
 * file path when it is not NULL. Unreadable files are problems (line 0).
 * Returns the number of problems so far, or -ENOMEM.
 */
int spm_config_read(struct spm_config *config, const char *root,
		    const char *path);

#endif /* _SPM_CONFIG_PRIVATE_H_ */
