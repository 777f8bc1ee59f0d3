// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the spm.conf parser and rule matching.
 *
 * The input is parsed as two files, as spm.conf and a conf.d file with the
 * same text, so the cross-file checks (names, rules that can never match)
 * run too. A valid result is then matched against the dax devices of two
 * fixture trees (an hmem device, a CXL region device). The invariants
 * checked are those the callers rely on: a problem count that agrees with
 * the list, line numbers within the file, and complete rules.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config-private.h"
#include "fuzz.h"

static struct spm_ctx *ctx_hmem, *ctx_cxl;

static struct spm_ctx *fixture_ctx(const char *name)
{
	struct spm_ctx *ctx;
	char root[4096];

	snprintf(root, sizeof(root), "%s/%s", fuzz_fixtures(), name);
	if (spm_new(&ctx) < 0)
		abort();
	spm_set_log_priority(ctx, 0);
	if (spm_set_root(ctx, root) < 0 || !spm_dax_get_first(ctx)) {
		fprintf(stderr, "fuzz-config: no dax device under %s\n", root);
		abort();
	}
	return ctx;
}

static void check(struct spm_config *config, const char *buf, size_t len)
{
	int i, lines = 1;
	struct spm_rule *r;

	for (i = 0; (size_t)i < len; i++)
		lines += buf[i] == '\n';
	for (i = 0; i < config->nproblems; i++) {
		if (config->problems[i].line < 0 ||
		    config->problems[i].line > lines ||
		    !config->problems[i].message[0])
			abort();
		if (i &&
		    config->problems[i].file == config->problems[i - 1].file &&
		    config->problems[i].line < config->problems[i - 1].line)
			abort(); /* problems of one file in line order */
	}
	spm_rule_foreach (config, r) {
		if (!spm_rule_get_location(r) || !spm_rule_get_match(r) ||
		    !spm_rule_get_match(r)[0] ||
		    spm_rule_get_action(r) == SPM_ACTION_NONE)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct spm_config *config;
	struct spm_ctx *ctxs[2];
	struct spm_rule *rule;
	struct spm_dax *dax;
	enum spm_zone zone;
	const char *loc;
	int rc, i;

	if (!ctx_hmem) {
		ctx_hmem = fixture_ctx("online-movable");
		ctx_cxl = fixture_ctx("cxl-ram-region");
	}
	ctxs[0] = ctx_hmem;
	ctxs[1] = ctx_cxl;

	config = spm_config_new(ctx_cxl);
	if (!config)
		return 0;
	rc = spm_config_parse_buffer(config, "/etc/spm/spm.conf", buf, size);
	if (rc >= 0 && rc != config->nproblems)
		abort();
	if (rc >= 0)
		rc = spm_config_parse_buffer(config, "/etc/spm/conf.d/a.conf",
					     buf, size);
	if (rc >= 0) {
		check(config, buf, size);
		for (i = 0; i < 2; i++) {
			spm_dax_foreach (ctxs[i], dax) {
				if (spm_config_match_rule(config, dax, &rule) ==
					    0 &&
				    spm_config_match(config, dax, &zone,
						     &loc) !=
					    (rule ? spm_rule_get_action(rule) :
						    SPM_ACTION_NONE))
					abort();
			}
		}
	}
	spm_config_free(config);
	return 0;
}
