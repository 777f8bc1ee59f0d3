// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for spm_nodemask_parse(), the node-list parser behind
 * "spmctl exec --membind" and friends, on a fixture tree with nodes 0-2
 * (node 2 an SPM node).
 *
 * Beyond "no crash": a list that parses must print with
 * spm_nodemask_format() and parse back to the same mask, and a failure
 * must say why in the last error.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <spm/libspm.h>

#include "fuzz.h"

static struct spm_ctx *ctx;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spm_nodemask mask, again;
	char *str, out[8192];
	int rc;

	if (!ctx) {
		char root[4096];

		snprintf(root, sizeof(root), "%s/online-movable",
			 fuzz_fixtures());
		if (spm_new(&ctx) < 0)
			abort();
		spm_set_log_priority(ctx, 0);
		if (spm_set_root(ctx, root) < 0 || !spm_node_get_first(ctx)) {
			fprintf(stderr, "fuzz-nodelist: no nodes under %s\n",
				root);
			abort();
		}
	}
	/* The API takes a C string: what follows a NUL is not seen. */
	str = malloc(size + 1);
	if (!str)
		return 0;
	memcpy(str, data, size);
	str[size] = '\0';

	rc = spm_nodemask_parse(ctx, str, &mask);
	if (rc < 0) {
		/* The documented errors, each with its reason in the last
		 * error. */
		if ((rc != -EINVAL && rc != -ENODEV && rc != -EOPNOTSUPP) ||
		    !spm_get_last_error(ctx)[0])
			abort();
	} else {
		if (spm_nodemask_format(&mask, out, sizeof(out)) < 0)
			abort();
		if (out[0]) {
			if (spm_nodemask_parse(ctx, out, &again) < 0 ||
			    memcmp(&mask, &again, sizeof(mask)) != 0)
				abort();
		}
	}
	free(str);
	return 0;
}
