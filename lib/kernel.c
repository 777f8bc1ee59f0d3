// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What the running kernel offers (the SPM series or not) and which onlining
 * policy is in force: the agents that race to online hot-added memory are
 * auto_online_blocks / memhp_default_state= and memory_hotplug.online_policy,
 * and dax_hmem.spm_node=1 is what keeps hmem memory from coming up SysRAM.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libspm-discovery.h"

/* kstrtobool() forms: 1/0, y/n, on/off, and the kernel's first-char rule.
 * The one parser of boolean sysfs values and parameters (spm_node too). */
int spm_parse_kbool(const char *s)
{
	switch (s[0]) {
	case '1':
	case 'y':
	case 'Y':
	case 't':
	case 'T':
		return 1;
	case '0':
	case 'n':
	case 'N':
	case 'f':
	case 'F':
		return 0;
	case 'o':
	case 'O':
		if (s[1] == 'n' || s[1] == 'N')
			return 1;
		if (s[1] == 'f' || s[1] == 'F')
			return 0;
		break;
	}
	return -1;
}

/*
 * If the token of length len is "key=value", copy value into buf (cut to
 * size - 1 bytes) and return true.
 */
static bool param_value(const char *tok, size_t len, const char *key,
			char *buf, size_t size)
{
	size_t klen = strlen(key), vlen;

	if (len <= klen || strncmp(tok, key, klen))
		return false;
	vlen = len - klen;
	if (vlen >= size)
		vlen = size - 1;
	memcpy(buf, tok + klen, vlen);
	buf[vlen] = '\0';
	return true;
}

/* Take one "key=value" from the command line; the last one wins, as in
 * the kernel's parameter parsing. */
static void cmdline_param(struct spm_disc *d, const char *tok, size_t len)
{
	char val[32];

	if (param_value(tok, len, "memhp_default_state=", d->memhp_state,
			sizeof(d->memhp_state)))
		d->have_memhp_state = true;
	else if (param_value(tok, len, "dax_hmem.spm_node=", val, sizeof(val)))
		d->hmem_spm_node = spm_parse_kbool(val);
	else if (param_value(tok, len, "cxl_core.spm_node=", val, sizeof(val)))
		d->cxl_spm_node = spm_parse_kbool(val);
}

static void parse_cmdline(struct spm_disc *d, const char *s)
{
	const char *tok;
	bool quoted;

	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		if (!*s)
			break;
		tok = s;
		quoted = false;
		while (*s &&
		       (quoted || (*s != ' ' && *s != '\t' && *s != '\n'))) {
			if (*s == '"')
				quoted = !quoted;
			s++;
		}
		/* Parameters after "--" belong to init, not the kernel. */
		if (s - tok == 2 && !strncmp(tok, "--", 2))
			break;
		cmdline_param(d, tok, (size_t)(s - tok));
	}
}

int spm_scan_kernel(struct spm_ctx *ctx)
{
	struct spm_disc *d = &ctx->disc;
	char *cmdline = NULL;
	char buf[64];
	uint64_t bs;
	int rc;

	if (d->kernel_done)
		return 0;
	if (ctx->root_fd < 0)
		return spm_set_error(ctx, -(ctx->root_errno ?: ENOENT),
				     "%s: %s", ctx->root,
				     strerror(ctx->root_errno ?: ENOENT));

	d->has_spm = spm_exists(ctx, "sys/devices/system/node/has_spm_memory");
	d->has_user_numa =
		spm_exists(ctx, "sys/devices/system/node/has_spm_user_numa");
	d->have_auto_online =
		spm_try_read_str(
			ctx, d->auto_online, sizeof(d->auto_online),
			"sys/devices/system/memory/auto_online_blocks") >= 0;
	d->have_online_policy =
		spm_try_read_str(
			ctx, d->online_policy, sizeof(d->online_policy),
			"sys/module/memory_hotplug/parameters/online_policy") >=
		0;
	d->block_size = 0;
	if (spm_try_read_str(ctx, buf, sizeof(buf),
			     "sys/devices/system/memory/block_size_bytes") >=
		    0 &&
	    spm_parse_u64(buf, 16, &bs) == 0)
		d->block_size = bs;

	d->have_memhp_state = false;
	d->memhp_state[0] = '\0';
	d->hmem_spm_node = -1;
	d->cxl_spm_node = -1;
	rc = spm_read_file(ctx, &cmdline, "proc/cmdline");
	if (rc >= 0) {
		parse_cmdline(d, cmdline);
		free(cmdline);
	} else {
		/* Not fatal: the policy is then reported as unknown. */
		spm_clear_error(ctx);
	}
	/* The live value (kernel patch 0101) wins over the command line. */
	if (spm_try_read_str(ctx, buf, sizeof(buf),
			     "sys/module/cxl_core/parameters/spm_node") >= 0)
		d->cxl_spm_node = spm_parse_kbool(buf);
	else
		spm_clear_error(ctx);
	d->kernel_done = true;
	return 0;
}

bool spm_kernel_has_spm(struct spm_ctx *ctx)
{
	if (!ctx || spm_scan_kernel(ctx) < 0)
		return false;
	return ctx->disc.has_spm;
}

/*
 * The series adds spm_node to every dax device, and the dax_hmem.spm_node
 * module parameter; either one is proof.
 */
bool spm_kernel_has_dax_spm(struct spm_ctx *ctx)
{
	struct spm_dax *dax;

	if (!ctx || spm_scan_kernel(ctx) < 0)
		return false;
	spm_dax_foreach (ctx, dax)
		if (dax->spm_node >= 0)
			return true;
	return spm_exists(ctx, "sys/module/dax_hmem/parameters/spm_node");
}

/*
 * The node list is the kernel-wide sign; a dax device's spm_user_numa
 * alone also counts, as spm_node does for spm_kernel_has_dax_spm().
 */
bool spm_kernel_has_spm_user_numa(struct spm_ctx *ctx)
{
	struct spm_dax *dax;

	if (!ctx || spm_scan_kernel(ctx) < 0)
		return false;
	if (ctx->disc.has_user_numa)
		return true;
	spm_dax_foreach (ctx, dax)
		if (dax->user_numa >= 0)
			return true;
	return false;
}

const char *spm_get_auto_online_blocks(struct spm_ctx *ctx)
{
	if (!ctx || spm_scan_kernel(ctx) < 0 || !ctx->disc.have_auto_online)
		return NULL;
	return ctx->disc.auto_online;
}

const char *spm_get_cmdline_memhp_default_state(struct spm_ctx *ctx)
{
	if (!ctx || spm_scan_kernel(ctx) < 0 || !ctx->disc.have_memhp_state)
		return NULL;
	return ctx->disc.memhp_state;
}

int spm_get_cmdline_hmem_spm_node(struct spm_ctx *ctx)
{
	if (!ctx || spm_scan_kernel(ctx) < 0)
		return -1;
	return ctx->disc.hmem_spm_node;
}

int spm_get_cxl_spm_node(struct spm_ctx *ctx)
{
	if (!ctx || spm_scan_kernel(ctx) < 0)
		return -1;
	return ctx->disc.cxl_spm_node;
}

const char *spm_get_online_policy(struct spm_ctx *ctx)
{
	if (!ctx || spm_scan_kernel(ctx) < 0 || !ctx->disc.have_online_policy)
		return NULL;
	return ctx->disc.online_policy;
}

uint64_t spm_get_memory_block_size(struct spm_ctx *ctx)
{
	if (!ctx || spm_scan_kernel(ctx) < 0)
		return 0;
	return ctx->disc.block_size;
}
