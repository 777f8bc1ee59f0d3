// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Node masks and node lists.
 *
 * spm_nodemask_parse() reads what a user types, in numactl's syntax (the
 * kernel's own %*pbl lists are read by spm_parse_bitlist() in sysfs.c).
 * It is the one a fuzzer hammers:
 * every byte is checked, numbers are accumulated with an explicit bound
 * (no strtoul, whose whitespace, sign and "0x" handling would let garbage
 * through), and an error names the token that was wrong.
 *
 * Unlike libnuma we do not check against a snapshot taken at load time:
 * nodes are checked against sysfs under the context root as it is now,
 * because an SPM node gains its memory long after most processes started.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "libspm-private.h"
#include "libspm-discovery.h"

#define BITS_PER_LONG (8 * sizeof(unsigned long))
#define NODE_LIST_MAX 8192 /* longer than any list of 1024 nodes */
#define TOKEN_SHOW 32 /* how much of a bad token an error quotes */

void spm_nodemask_zero(struct spm_nodemask *mask)
{
	memset(mask, 0, sizeof(*mask));
}

void spm_nodemask_set(struct spm_nodemask *mask, int node)
{
	if (node < 0 || node >= SPM_MAX_NODES)
		return;
	mask->bits[node / BITS_PER_LONG] |= 1UL << (node % BITS_PER_LONG);
}

bool spm_nodemask_isset(const struct spm_nodemask *mask, int node)
{
	if (node < 0 || node >= SPM_MAX_NODES)
		return false;
	return mask->bits[node / BITS_PER_LONG] &
	       (1UL << (node % BITS_PER_LONG));
}

int spm_nodemask_weight(const struct spm_nodemask *mask)
{
	int w = 0;
	size_t i;

	for (i = 0; i < sizeof(mask->bits) / sizeof(mask->bits[0]); i++)
		w += __builtin_popcountl(mask->bits[i]);
	return w;
}

int spm_nodemask_format(const struct spm_nodemask *mask, char *buf, size_t len)
{
	size_t pos = 0;
	int node = 0;

	if (!buf || !len)
		return -ENOSPC;
	buf[0] = '\0';
	while (node < SPM_MAX_NODES) {
		int first, last, n;

		if (!spm_nodemask_isset(mask, node)) {
			node++;
			continue;
		}
		first = node;
		while (node + 1 < SPM_MAX_NODES &&
		       spm_nodemask_isset(mask, node + 1))
			node++;
		last = node++;
		if (first == last)
			n = snprintf(buf + pos, len - pos, "%s%d",
				     pos ? "," : "", first);
		else
			n = snprintf(buf + pos, len - pos, "%s%d-%d",
				     pos ? "," : "", first, last);
		if (n < 0 || (size_t)n >= len - pos) {
			buf[0] = '\0';
			return -ENOSPC;
		}
		pos += n;
	}
	return (int)pos;
}

/*
 * Parse a decimal node number in [s, end): digits only, no sign, no
 * whitespace, bounded by SPM_MAX_NODES before it can overflow.
 * Returns the node or -EINVAL / -ERANGE.
 */
static int parse_node(const char *s, const char *end)
{
	int val = 0;

	if (s == end)
		return -EINVAL;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		val = val * 10 + (*s - '0');
		if (val >= SPM_MAX_NODES)
			return -ERANGE;
	}
	return val;
}

/*
 * Parse one "N" or "N-M" token in [s, end) into [*first, *last].
 * Returns 0, -EINVAL (syntax), -ERANGE (too large) or -EDOM (descending).
 */
static int parse_range(const char *s, const char *end, int *first, int *last)
{
	const char *dash = memchr(s, '-', end - s);
	int a, b;

	if (!dash) {
		a = parse_node(s, end);
		if (a < 0)
			return a;
		*first = *last = a;
		return 0;
	}
	a = parse_node(s, dash);
	b = parse_node(dash + 1, end);
	if (a == -EINVAL || b == -EINVAL)
		return -EINVAL;
	if (a < 0 || b < 0)
		return -ERANGE;
	if (b < a)
		return -EDOM;
	*first = a;
	*last = b;
	return 0;
}

/* Read one of the node state lists (has_memory, ...) under the root. */
static int read_node_list(struct spm_ctx *ctx, const char *name,
			  struct spm_nodemask *mask)
{
	char buf[NODE_LIST_MAX];
	int rc;

	rc = spm_try_read_str(ctx, buf, sizeof(buf),
			      "sys/devices/system/node/%s", name);
	if (rc < 0)
		return rc;
	return spm_parse_bitlist(buf, mask);
}

static bool node_exists(struct spm_ctx *ctx, int node)
{
	return spm_exists(ctx, "sys/devices/system/node/node%d", node);
}

/* Record a parse error quoting the whole input and the bad token. */
static int token_error(struct spm_ctx *ctx, int err, const char *str,
		       const char *tok, size_t toklen, const char *why)
{
	int shown = toklen > TOKEN_SHOW ? TOKEN_SHOW : (int)toklen;

	return spm_set_error(
		ctx, err, "invalid node list \"%.*s%s\": %s \"%.*s%s\"",
		TOKEN_SHOW, str, strlen(str) > TOKEN_SHOW ? "..." : "", why,
		shown, tok, toklen > TOKEN_SHOW ? "..." : "");
}

static int add_named_set(struct spm_ctx *ctx, const char *tok, size_t toklen,
			 bool spm_only, struct spm_nodemask *mask)
{
	struct spm_nodemask set;
	size_t i;
	int rc;

	if (toklen == 3 && !memcmp(tok, "all", 3) && !spm_only) {
		rc = read_node_list(ctx, "has_memory", &set);
		if (rc < 0)
			return spm_set_error(
				ctx, rc,
				"cannot read the nodes with memory (has_memory): %s",
				strerror(-rc));
	} else {
		rc = read_node_list(ctx, "has_spm_memory", &set);
		if (rc == -ENOENT)
			return spm_set_error(
				ctx, -EOPNOTSUPP,
				"node list \"spm\": the kernel lacks SPM node support (no has_spm_memory)");
		if (rc < 0)
			return spm_set_error(
				ctx, rc,
				"cannot read the SPM nodes (has_spm_memory): %s",
				strerror(-rc));
	}
	for (i = 0; i < sizeof(set.bits) / sizeof(set.bits[0]); i++)
		mask->bits[i] |= set.bits[i];
	return 0;
}

/* The nodes "!" inverts against: those with memory, or the SPM nodes. */
static int read_universe(struct spm_ctx *ctx, bool spm_only,
			 struct spm_nodemask *set)
{
	int rc = read_node_list(ctx, spm_only ? "has_spm_memory" : "has_memory",
				set);

	if (rc == -ENOENT && spm_only)
		return spm_set_error(
			ctx, -EOPNOTSUPP,
			"node list \"!\": the kernel lacks SPM node support (no has_spm_memory)");
	if (rc < 0)
		return spm_set_error(ctx, rc, "cannot read the nodes with %s: %s",
				     spm_only ? "SPM memory (has_spm_memory)" :
						"memory (has_memory)",
				     strerror(-rc));
	return 0;
}

static int parse_list(struct spm_ctx *ctx, const char *str, bool spm_only,
		      struct spm_nodemask *mask)
{
	struct spm_nodemask out;
	const char *s, *end;
	bool invert = false;
	size_t len;
	int rc;

	if (!ctx || !mask)
		return -EINVAL;
	spm_nodemask_zero(mask);
	if (!str)
		return spm_set_error(ctx, -EINVAL, "no node list given");
	len = strnlen(str, NODE_LIST_MAX + 1);
	if (len == 0)
		return spm_set_error(ctx, -EINVAL, "empty node list");
	if (len > NODE_LIST_MAX)
		return spm_set_error(
			ctx, -EINVAL,
			"invalid node list \"%.*s...\": longer than %d characters",
			TOKEN_SHOW, str, NODE_LIST_MAX);

	spm_nodemask_zero(&out);
	s = str;
	end = str + len;
	if (*s == '!') {
		invert = true;
		s++;
		if (s == end)
			return spm_set_error(
				ctx, -EINVAL,
				"invalid node list \"!\": nothing after \"!\"");
	}

	while (s <= end) {
		const char *comma = memchr(s, ',', end - s);
		const char *tok_end = comma ? comma : end;
		size_t toklen = tok_end - s;
		int first, last, n;

		if (toklen == 0)
			return spm_set_error(
				ctx, -EINVAL,
				"invalid node list \"%.*s%s\": empty entry",
				TOKEN_SHOW, str, len > TOKEN_SHOW ? "..." : "");
		if ((toklen == 3 && !memcmp(s, "all", 3)) ||
		    (toklen == 3 && !memcmp(s, "spm", 3))) {
			rc = add_named_set(ctx, s, toklen, spm_only, &out);
			if (rc < 0)
				return rc;
		} else {
			rc = parse_range(s, tok_end, &first, &last);
			if (rc == -ERANGE) {
				return spm_set_error(
					ctx, -EINVAL,
					"invalid node list \"%.*s%s\": \"%.*s%s\" is out of range (nodes are 0-%d)",
					TOKEN_SHOW, str,
					len > TOKEN_SHOW ? "..." : "",
					toklen > TOKEN_SHOW ? TOKEN_SHOW :
							      (int)toklen,
					s, toklen > TOKEN_SHOW ? "..." : "",
					SPM_MAX_NODES - 1);
			}
			if (rc == -EDOM)
				return token_error(ctx, -EINVAL, str, s, toklen,
						   "descending range");
			if (rc)
				return token_error(ctx, -EINVAL, str, s, toklen,
						   "bad entry");
			/*
			 * Endpoints must exist; holes inside a range are
			 * skipped, since node ids may legitimately be sparse.
			 */
			if (!node_exists(ctx, first))
				return spm_set_error(
					ctx, -ENODEV,
					"node %d does not exist (in node list \"%.*s%s\")",
					first, TOKEN_SHOW, str,
					len > TOKEN_SHOW ? "..." : "");
			if (!node_exists(ctx, last))
				return spm_set_error(
					ctx, -ENODEV,
					"node %d does not exist (in node list \"%.*s%s\")",
					last, TOKEN_SHOW, str,
					len > TOKEN_SHOW ? "..." : "");
			for (n = first; n <= last; n++)
				if (n == first || n == last ||
				    node_exists(ctx, n))
					spm_nodemask_set(&out, n);
		}
		if (!comma)
			break;
		s = comma + 1;
		if (s == end)
			return spm_set_error(
				ctx, -EINVAL,
				"invalid node list \"%.*s%s\": trailing \",\"",
				TOKEN_SHOW, str, len > TOKEN_SHOW ? "..." : "");
	}

	if (invert) {
		struct spm_nodemask mem;
		size_t i;

		rc = read_universe(ctx, spm_only, &mem);
		if (rc < 0)
			return rc;
		for (i = 0; i < sizeof(out.bits) / sizeof(out.bits[0]); i++)
			out.bits[i] = mem.bits[i] & ~out.bits[i];
	}
	if (spm_nodemask_weight(&out) == 0)
		return spm_set_error(
			ctx, -EINVAL, "node list \"%.*s%s\" selects no node",
			TOKEN_SHOW, str, len > TOKEN_SHOW ? "..." : "");
	*mask = out;
	return 0;
}

int spm_nodemask_parse(struct spm_ctx *ctx, const char *str,
		       struct spm_nodemask *mask)
{
	return parse_list(ctx, str, false, mask);
}

int spm_nodemask_parse_spm(struct spm_ctx *ctx, const char *str,
			   struct spm_nodemask *mask)
{
	return parse_list(ctx, str, true, mask);
}
