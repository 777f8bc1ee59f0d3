// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * spm.conf parser: reads the files, checks every line and every rule, and
 * collects each problem as "file:line: message". The format is in
 * spm.conf(5).
 *
 * The parser never stops at the first problem: a boot-time policy is edited
 * rarely and checked with "spmctl apply --check", so one run should name
 * every mistake. It only gives up on a file that is clearly not text (a NUL
 * byte) or after SPM_CONFIG_PROBLEMS_MAX problems in one file.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "config-private.h"

/* One key per line reads better than the packed table clang-format makes. */
/* clang-format off */
static const char *const key_names[SPM_KEY_MAX] = {
	[SPM_KEY_NAME] = "name",
	[SPM_KEY_RANGE] = "match-range",
	[SPM_KEY_HMEM] = "match-hmem",
	[SPM_KEY_SERIAL] = "match-cxl-serial",
	[SPM_KEY_NODE] = "match-node",
	[SPM_KEY_ACTION] = "action",
	[SPM_KEY_ZONE] = "zone",
	[SPM_KEY_ALLOW_SYSRAM] = "allow-sysram",
	[SPM_KEY_USER_NUMA] = "user-numa",
};
/* clang-format on */

struct parser {
	struct spm_config *config;
	const char *file;
	int line;
	int problems; /* in this file */
	struct spm_rule *rule; /* the open [device] section, if any */
	bool in_bad_section; /* after a bad header: skip its keys */
};

struct spm_config *spm_config_new(struct spm_ctx *ctx)
{
	struct spm_config *config = calloc(1, sizeof(*config));

	if (config)
		config->ctx = ctx;
	return config;
}

static void *grow(void *array, int n, size_t size)
{
	/* Doubling from 8; n is bounded by the limits above. */
	if (n && (n & (n - 1)))
		return array;
	if (n == 0)
		return realloc(array, 8 * size);
	if (n < 8)
		return array;
	return realloc(array, 2 * (size_t)n * size);
}

static const char *config_add_file(struct spm_config *config, const char *file)
{
	char **files;
	char *copy;

	/* Rules and problems point at the name: keep one copy per file. */
	if (config->nfiles &&
	    strcmp(config->files[config->nfiles - 1], file) == 0)
		return config->files[config->nfiles - 1];
	files = grow(config->files, config->nfiles, sizeof(*files));
	if (!files)
		return NULL;
	config->files = files;
	copy = strdup(file);
	if (!copy)
		return NULL;
	config->files[config->nfiles++] = copy;
	return copy;
}

static void config_problem(struct spm_config *config, const char *file,
			   int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void config_problem(struct spm_config *config, const char *file,
			   int line, const char *fmt, ...)
{
	struct spm_config_problem *problems;
	char msg[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	problems = grow(config->problems, config->nproblems, sizeof(*problems));
	if (!problems)
		goto nomem;
	config->problems = problems;
	n = config->nproblems;
	problems[n].file = file;
	problems[n].line = line;
	problems[n].message = strdup(msg);
	if (!problems[n].message)
		goto nomem;
	config->nproblems++;
	return;
nomem:
	config->nomem = true;
}

static void problem(struct parser *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void problem(struct parser *p, int line, const char *fmt, ...)
{
	char msg[480];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	config_problem(p->config, p->file, line, "%s", msg);
	p->problems++;
	if (p->rule && line >= p->rule->line)
		p->rule->bad = true;
}

/* A problem with a whole file or directory: line 0. */
static void file_problem(struct spm_config *config, const char *file,
			 const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void file_problem(struct spm_config *config, const char *file,
			 const char *fmt, ...)
{
	const char *name = config_add_file(config, file);
	char msg[480];
	va_list ap;

	if (!name) {
		config->nomem = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	config_problem(config, name, 0, "%s", msg);
}

/* ------------------------------------------------------------------ */
/* Values                                                               */
/* ------------------------------------------------------------------ */

/*
 * An unsigned number: decimal, or hexadecimal with 0x. With suffixes, a
 * binary multiple may follow: K, M, G, T (or KiB, MiB, GiB, TiB). Hex digits
 * without 0x are refused on purpose: /proc/iomem prints bare hex, and
 * "100000000" copied from it must not silently mean a decimal number.
 */
static int parse_u64(const char *s, bool suffixes, uint64_t *val)
{
	unsigned int shift = 0;
	uint64_t v = 0, digit;
	int base = 10;
	const char *c = s;

	if (c[0] == '0' && (c[1] == 'x' || c[1] == 'X')) {
		base = 16;
		c += 2;
	}
	if (!*c)
		return -EINVAL;
	for (; *c; c++) {
		if (*c >= '0' && *c <= '9')
			digit = *c - '0';
		else if (base == 16 && *c >= 'a' && *c <= 'f')
			digit = *c - 'a' + 10;
		else if (base == 16 && *c >= 'A' && *c <= 'F')
			digit = *c - 'A' + 10;
		else
			break;
		if (v > (UINT64_MAX - digit) / base)
			return -ERANGE;
		v = v * base + digit;
	}
	if (c == s || (base == 16 && c == s + 2))
		return -EINVAL;
	if (*c) {
		if (!suffixes)
			return -EINVAL;
		switch (*c) {
		case 'k':
		case 'K':
			shift = 10;
			break;
		case 'm':
		case 'M':
			shift = 20;
			break;
		case 'g':
		case 'G':
			shift = 30;
			break;
		case 't':
		case 'T':
			shift = 40;
			break;
		default:
			return -EINVAL;
		}
		c++;
		if (strcmp(c, "iB") != 0 && *c)
			return -EINVAL;
		if (v > (UINT64_MAX >> shift))
			return -ERANGE;
		v <<= shift;
	}
	*val = v;
	return 0;
}

static const char *number_hint(const char *s)
{
	/* Name the usual mistake instead of a bare "not a number". */
	if (strpbrk(s, "abcdefABCDEF") && strncasecmp(s, "0x", 2) != 0)
		return " (hexadecimal needs 0x)";
	return "";
}

static void parse_range(struct parser *p, struct spm_rule *r, char *v)
{
	char *sep = strpbrk(v, "-+"), *rest;
	uint64_t a, b;
	char op;
	int rc;

	if (!sep) {
		problem(p, p->line,
			"match-range '%s' is not START-END or START+SIZE", v);
		return;
	}
	op = *sep;
	*sep = '\0';
	rest = sep + 1;
	/* Spaces around the operator are harmless; allow them. */
	while (sep > v && (sep[-1] == ' ' || sep[-1] == '\t'))
		*--sep = '\0';
	while (*rest == ' ' || *rest == '\t')
		rest++;
	sep = rest;

	rc = parse_u64(v, true, &a);
	if (rc) {
		problem(p, p->line, "match-range start '%s' is %s%s", v,
			rc == -ERANGE ? "too large" : "not a number",
			number_hint(v));
		return;
	}
	rc = parse_u64(sep, true, &b);
	if (rc) {
		problem(p, p->line, "match-range %s '%s' is %s%s",
			op == '+' ? "size" : "end", sep,
			rc == -ERANGE ? "too large" : "not a number",
			number_hint(sep));
		return;
	}
	if (op == '+') {
		if (b == 0) {
			problem(p, p->line, "match-range size is 0");
			return;
		}
		if (b - 1 > UINT64_MAX - a) {
			problem(p, p->line,
				"match-range %s+%s goes past the end of the address space",
				v, sep);
			return;
		}
		b = a + (b - 1);
	} else if (b < a) {
		problem(p, p->line, "match-range end %s is below start %s", sep,
			v);
		return;
	}
	r->start = a;
	r->end = b;
}

static void parse_hmem(struct parser *p, struct spm_rule *r, const char *v)
{
	const char *d = v + 5;

	if (strncmp(v, "hmem.", 5) != 0 || !*d ||
	    strlen(v) >= sizeof(r->hmem) ||
	    strspn(d, "0123456789") != strlen(d)) {
		problem(p, p->line,
			"match-hmem '%s' is not an hmem platform device name like hmem.0",
			v);
		return;
	}
	strcpy(r->hmem, v);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void parse_serials(struct parser *p, struct spm_rule *r, char *v)
{
	char *tok;
	uint64_t s;
	int i, n = 0;

	/* strsep, not strtok: "1,,2" must show its empty item. */
	while ((tok = strsep(&v, ","))) {
		tok += strspn(tok, " \t");
		for (i = strlen(tok); i > 0 && strchr(" \t", tok[i - 1]); i--)
			tok[i - 1] = '\0';
		if (!*tok) {
			problem(p, p->line,
				"match-cxl-serial has an empty item");
			return;
		}
		if (parse_u64(tok, false, &s) || s == UINT64_MAX) {
			problem(p, p->line,
				"match-cxl-serial '%s' is not a serial number%s",
				tok, number_hint(tok));
			return;
		}
		for (i = 0; i < n; i++) {
			if (r->serials[i] == s) {
				problem(p, p->line,
					"match-cxl-serial lists %s twice", tok);
				return;
			}
		}
		if (n == SPM_CONFIG_SERIALS_MAX) {
			problem(p, p->line,
				"match-cxl-serial lists more than %d serials",
				SPM_CONFIG_SERIALS_MAX);
			return;
		}
		r->serials[n++] = s;
	}
	qsort(r->serials, n, sizeof(r->serials[0]), cmp_u64);
	r->nserials = n;
}

static void parse_node(struct parser *p, struct spm_rule *r, const char *v)
{
	uint64_t n;

	if (v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
		problem(p, p->line,
			"match-node '%s' is not a decimal node number", v);
		return;
	}
	if (parse_u64(v, false, &n) || n >= SPM_MAX_NODES) {
		problem(p, p->line,
			"match-node '%s' is not a node number (0 to %d)", v,
			SPM_MAX_NODES - 1);
		return;
	}
	r->node = (int)n;
}

static void parse_action(struct parser *p, struct spm_rule *r, const char *v)
{
	static const struct {
		const char *name;
		enum spm_action action;
	} actions[] = {
		{ "isolate", SPM_ACTION_ISOLATE },
		{ "devdax", SPM_ACTION_DEVDAX },
		{ "sysram", SPM_ACTION_SYSRAM },
		{ "ignore", SPM_ACTION_IGNORE },
	};
	size_t i;

	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		if (strcmp(v, actions[i].name) == 0) {
			r->action = actions[i].action;
			return;
		}
	}
	problem(p, p->line,
		"action '%s' is not one of isolate, devdax, sysram, ignore", v);
}

static void parse_zone(struct parser *p, struct spm_rule *r, const char *v)
{
	if (strcmp(v, "movable") == 0)
		r->zone = SPM_ZONE_MOVABLE;
	else if (strcmp(v, "kernel") == 0)
		r->zone = SPM_ZONE_KERNEL;
	else
		problem(p, p->line, "zone '%s' is not movable or kernel", v);
}

static void parse_bool(struct parser *p, const char *key, const char *v,
		       bool *val)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcmp(v, yes[i]) == 0) {
			*val = true;
			return;
		}
		if (strcmp(v, no[i]) == 0) {
			*val = false;
			return;
		}
	}
	problem(p, p->line, "%s '%s' is not yes or no", key, v);
}

static void parse_name(struct parser *p, struct spm_rule *r, const char *v)
{
	struct spm_config *config = p->config;
	int i;

	if (strlen(v) > SPM_CONFIG_NAME_MAX) {
		problem(p, p->line, "name is longer than %d bytes",
			SPM_CONFIG_NAME_MAX);
		return;
	}
	/* Names identify rules in messages, so they must be unique. */
	for (i = 0; i < config->nrules; i++) {
		struct spm_rule *o = config->rules[i];

		if (o->name && strcmp(o->name, v) == 0) {
			problem(p, p->line,
				"name '%s' is already used by the rule at %s",
				v, o->location);
			return;
		}
	}
	r->name = strdup(v);
	if (!r->name)
		config->nomem = true;
}

/* ------------------------------------------------------------------ */
/* Rules                                                                */
/* ------------------------------------------------------------------ */

static bool has_key(const struct spm_rule *r, enum spm_config_key k)
{
	return r->key_line[k] != 0;
}

/*
 * True when every device that b matches is also matched by a: all of a's
 * keys are present in b and b's condition lies within a's. b can then never
 * match when a comes first.
 */
static bool rule_covers(const struct spm_rule *a, const struct spm_rule *b)
{
	int i, j;

	for (i = SPM_KEY_MATCH_FIRST; i <= SPM_KEY_MATCH_LAST; i++) {
		if (!has_key(a, i))
			continue;
		if (!has_key(b, i))
			return false;
		switch (i) {
		case SPM_KEY_RANGE:
			if (b->start < a->start || b->end > a->end)
				return false;
			break;
		case SPM_KEY_HMEM:
			if (strcmp(a->hmem, b->hmem) != 0)
				return false;
			break;
		case SPM_KEY_NODE:
			if (a->node != b->node)
				return false;
			break;
		case SPM_KEY_SERIAL:
			/* a needs its serials among the region's; b's set
			 * holding all of a's makes that certain. */
			for (j = 0; j < a->nserials; j++) {
				if (!bsearch(&a->serials[j], b->serials,
					     b->nserials, sizeof(b->serials[0]),
					     cmp_u64))
					return false;
			}
			break;
		}
	}
	return true;
}

static int describe_rule(struct spm_rule *r)
{
	char buf[768];
	size_t len = 0;
	int i, k;

#define ADD(...)                                                      \
	do {                                                          \
		if (len < sizeof(buf))                                \
			len += snprintf(buf + len, sizeof(buf) - len, \
					__VA_ARGS__);                 \
	} while (0)
	for (k = SPM_KEY_MATCH_FIRST; k <= SPM_KEY_MATCH_LAST; k++) {
		if (!has_key(r, k))
			continue;
		if (len)
			ADD(", ");
		switch (k) {
		case SPM_KEY_RANGE:
			ADD("range %#llx-%#llx", (unsigned long long)r->start,
			    (unsigned long long)r->end);
			break;
		case SPM_KEY_HMEM:
			ADD("hmem %s", r->hmem);
			break;
		case SPM_KEY_SERIAL:
			ADD("cxl-serial ");
			for (i = 0; i < r->nserials; i++)
				ADD("%s%#llx", i ? "," : "",
				    (unsigned long long)r->serials[i]);
			break;
		case SPM_KEY_NODE:
			ADD("node %d", r->node);
			break;
		}
	}
#undef ADD
	r->match_desc = strdup(buf);
	return r->match_desc ? 0 : -ENOMEM;
}

void spm_rule_free(struct spm_rule *r)
{
	if (!r)
		return;
	free(r->location);
	free(r->match_desc);
	free(r->name);
	free(r);
}

/* The section ends: check the rule as a whole, then keep or drop it. */
static void close_rule(struct parser *p)
{
	struct spm_config *config = p->config;
	struct spm_rule *r = p->rule, **rules;
	int i, k;
	bool match = false;

	if (!r)
		return;
	/* p->rule stays set until the end, so that problem() marks the
	 * rule bad for the problems found here too. */
	for (k = SPM_KEY_MATCH_FIRST; k <= SPM_KEY_MATCH_LAST; k++)
		match |= has_key(r, k);
	if (!match)
		problem(p, r->line,
			"rule has no match key (match-range, match-hmem, match-cxl-serial or match-node)");
	if (!has_key(r, SPM_KEY_ACTION))
		problem(p, r->line,
			"rule has no action (isolate, devdax, sysram or ignore)");
	if (r->bad)
		goto drop;

	if (has_key(r, SPM_KEY_ZONE) && r->action != SPM_ACTION_ISOLATE &&
	    r->action != SPM_ACTION_SYSRAM)
		problem(p, r->key_line[SPM_KEY_ZONE],
			"zone applies only to action = isolate or sysram, not %s",
			spm_action_get_name(r->action));
	/* Onlining as SysRAM gives the memory to the kernel for anything:
	 * it must be asked for twice in the same rule, never by accident. */
	if (r->action == SPM_ACTION_SYSRAM && !r->allow_sysram)
		problem(p, r->key_line[SPM_KEY_ACTION],
			"action = sysram also needs allow-sysram = yes in the same rule");
	if (r->action != SPM_ACTION_SYSRAM && has_key(r, SPM_KEY_ALLOW_SYSRAM))
		problem(p, r->key_line[SPM_KEY_ALLOW_SYSRAM],
			"allow-sysram only goes with action = sysram");
	/* The opt-in opens an SPM node (spm_node=1) to the plain NUMA API;
	 * System RAM and device-dax have no such node. */
	if (r->action != SPM_ACTION_ISOLATE && has_key(r, SPM_KEY_USER_NUMA))
		problem(p, r->key_line[SPM_KEY_USER_NUMA],
			"user-numa only goes with action = isolate, not %s",
			spm_action_get_name(r->action));
	if (r->bad)
		goto drop;

	for (i = 0; i < config->nrules; i++) {
		if (rule_covers(config->rules[i], r)) {
			problem(p, r->line,
				"rule can never match: the rule at %s comes first and matches every device this one does",
				config->rules[i]->location);
			goto drop;
		}
	}
	if (config->nrules >= SPM_CONFIG_RULES_MAX) {
		problem(p, r->line, "more than %d rules", SPM_CONFIG_RULES_MAX);
		goto drop;
	}
	if (describe_rule(r))
		goto nomem;
	rules = grow(config->rules, config->nrules, sizeof(*rules));
	if (!rules)
		goto nomem;
	config->rules = rules;
	r->index = config->nrules;
	rules[config->nrules++] = r;
	p->rule = NULL;
	return;
nomem:
	config->nomem = true;
drop:
	/* A bad rule is never applied, and the whole configuration is
	 * refused anyway; dropping it avoids follow-up noise such as a
	 * later rule "shadowed" by a broken one. */
	spm_rule_free(r);
	p->rule = NULL;
}

static void open_rule(struct parser *p)
{
	struct spm_rule *r = calloc(1, sizeof(*r));
	char loc[PATH_MAX + 16];

	if (!r)
		goto nomem;
	r->config = p->config;
	r->file = p->file;
	r->line = p->line;
	r->zone = SPM_ZONE_MOVABLE;
	r->node = -1;
	snprintf(loc, sizeof(loc), "%s:%d", p->file, p->line);
	r->location = strdup(loc);
	if (!r->location)
		goto nomem;
	p->rule = r;
	return;
nomem:
	spm_rule_free(r);
	p->config->nomem = true;
}

/* ------------------------------------------------------------------ */
/* Lines                                                                */
/* ------------------------------------------------------------------ */

/* Column (1-based) of the first byte that is not valid UTF-8, or 0. */
static size_t utf8_invalid_at(const unsigned char *s, size_t len)
{
	size_t i = 0, n, j;
	uint32_t cp;

	while (i < len) {
		unsigned char c = s[i];

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return i + 1;
		}
		if (i + n >= len)
			return i + 1;
		for (j = 1; j <= n; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return i + 1;
			cp = (cp << 6) | (s[i + j] & 0x3f);
		}
		/* Overlong forms, surrogates, beyond U+10FFFF. */
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return i + 1;
		i += n + 1;
	}
	return 0;
}

static char *trim(char *s)
{
	size_t n;

	s += strspn(s, " \t");
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

/* A '#' starts a comment at the start of a line or after a blank, so
 * "name = bank#2" keeps its '#'. */
static void strip_comment(char *s)
{
	char *c;

	for (c = s; *c; c++) {
		if (*c == '#' && (c == s || c[-1] == ' ' || c[-1] == '\t')) {
			*c = '\0';
			return;
		}
	}
}

static int lookup_key(const char *key)
{
	int k;

	for (k = 0; k < SPM_KEY_MAX; k++)
		if (strcmp(key, key_names[k]) == 0)
			return k;
	return -1;
}

static void unknown_key(struct parser *p, const char *key)
{
	char alt[SPM_CONFIG_LINE_MAX + 1];
	size_t i;
	int k;

	/* Suggest the key meant by the two common slips: '_' for '-', and
	 * capitals. */
	for (i = 0; key[i] && i < sizeof(alt) - 1; i++)
		alt[i] = key[i] == '_'			  ? '-' :
			 (key[i] >= 'A' && key[i] <= 'Z') ? key[i] + 32 :
							    key[i];
	alt[i] = '\0';
	k = lookup_key(alt);
	if (k >= 0)
		problem(p, p->line, "unknown key '%s' (did you mean '%s'?)",
			key, key_names[k]);
	else
		problem(p, p->line, "unknown key '%s'", key);
}

static void parse_header(struct parser *p, char *s)
{
	char *close = strchr(s, ']'), *name;

	close_rule(p);
	p->in_bad_section = true;
	if (!close) {
		problem(p, p->line, "section header without a closing ']'");
		return;
	}
	if (close[1]) {
		problem(p, p->line, "unexpected text after ']': '%s'",
			close + 1);
		return;
	}
	*close = '\0';
	name = trim(s + 1);
	if (strcmp(name, "device") != 0) {
		problem(p, p->line,
			"unknown section '[%s]' (the only section is [device])",
			name);
		return;
	}
	p->in_bad_section = false;
	open_rule(p);
}

static void parse_key(struct parser *p, char *s)
{
	struct spm_rule *r = p->rule;
	char *eq = strchr(s, '='), *key, *val;
	int k;

	if (!eq) {
		problem(p, p->line,
			"expected 'key = value', a [device] header or a # comment");
		return;
	}
	*eq = '\0';
	key = trim(s);
	val = trim(eq + 1);
	if (!*key) {
		problem(p, p->line, "no key before '='");
		return;
	}
	k = lookup_key(key);
	if (k < 0) {
		unknown_key(p, key);
		return;
	}
	if (p->in_bad_section)
		return; /* the header was reported; its keys mean nothing */
	if (!r) {
		problem(p, p->line,
			"key '%s' outside a section (start a rule with [device])",
			key);
		return;
	}
	if (has_key(r, k)) {
		problem(p, p->line, "duplicate key '%s' (first at line %d)",
			key, r->key_line[k]);
		return;
	}
	r->key_line[k] = p->line;
	if (!*val) {
		problem(p, p->line, "key '%s' has no value", key);
		return;
	}

	switch (k) {
	case SPM_KEY_NAME:
		parse_name(p, r, val);
		break;
	case SPM_KEY_RANGE:
		parse_range(p, r, val);
		break;
	case SPM_KEY_HMEM:
		parse_hmem(p, r, val);
		break;
	case SPM_KEY_SERIAL:
		parse_serials(p, r, val);
		break;
	case SPM_KEY_NODE:
		parse_node(p, r, val);
		break;
	case SPM_KEY_ACTION:
		parse_action(p, r, val);
		break;
	case SPM_KEY_ZONE:
		parse_zone(p, r, val);
		break;
	case SPM_KEY_ALLOW_SYSRAM:
		parse_bool(p, key, val, &r->allow_sysram);
		break;
	case SPM_KEY_USER_NUMA:
		parse_bool(p, key, val, &r->user_numa);
		break;
	}
}

static void parse_line(struct parser *p, const char *line, size_t len)
{
	char buf[SPM_CONFIG_LINE_MAX + 1], *s;
	size_t i, bad;

	if (len && line[len - 1] == '\r')
		len--; /* CRLF files from other systems */
	if (len > SPM_CONFIG_LINE_MAX) {
		problem(p, p->line, "line is longer than %d bytes",
			SPM_CONFIG_LINE_MAX);
		return;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = line[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			problem(p, p->line,
				"control character 0x%02x at column %zu", c,
				i + 1);
			return;
		}
	}
	bad = utf8_invalid_at((const unsigned char *)line, len);
	if (bad) {
		problem(p, p->line, "not valid UTF-8 at column %zu", bad);
		return;
	}
	memcpy(buf, line, len);
	buf[len] = '\0';
	strip_comment(buf);
	s = trim(buf);
	if (!*s)
		return;
	if (*s == '[')
		parse_header(p, s);
	else
		parse_key(p, s);
}

static void sort_problems(struct spm_config *config, int from)
{
	int i, j;

	/* Insertion sort: stable, and the list of one file is short. Rule
	 * checks report at the header line after the keys were read. */
	for (i = from + 1; i < config->nproblems; i++) {
		struct spm_config_problem t = config->problems[i];

		for (j = i; j > from && config->problems[j - 1].line > t.line;
		     j--)
			config->problems[j] = config->problems[j - 1];
		config->problems[j] = t;
	}
}

int spm_config_parse_buffer(struct spm_config *config, const char *file,
			    const char *buf, size_t len)
{
	struct parser p = { .config = config };
	int first = config->nproblems;
	const char *line = buf, *nl, *end = buf + len;

	p.file = config_add_file(config, file);
	if (!p.file) {
		config->nomem = true;
		return -ENOMEM;
	}
	if (memchr(buf, '\0', len)) {
		/* Binary: line-by-line messages would only be noise. */
		nl = memchr(buf, '\0', len);
		p.line = 1;
		for (line = buf; line < nl; line++)
			p.line += *line == '\n';
		problem(&p, p.line, "NUL byte: this is not a text file");
		goto out;
	}
	while (line < end) {
		nl = memchr(line, '\n', end - line);
		if (!nl)
			nl = end;
		p.line++;
		parse_line(&p, line, nl - line);
		if (p.problems >= SPM_CONFIG_PROBLEMS_MAX) {
			config_problem(
				config, p.file, p.line,
				"too many problems, giving up on this file");
			/* The open rule was read only in part: drop it
			 * unchecked rather than report on half a rule. */
			goto out;
		}
		line = nl + 1;
	}
	close_rule(&p);
out:
	spm_rule_free(p.rule);
	sort_problems(config, first);
	if (config->nomem)
		return -ENOMEM;
	return config->nproblems - first;
}

/* ------------------------------------------------------------------ */
/* Files                                                                */
/* ------------------------------------------------------------------ */

/* Parse one file. -ENOENT is returned (and not reported) when it does
 * not exist and may be absent. */
static int read_file(struct spm_config *config, const char *display,
		     const char *real, bool may_be_absent)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	ssize_t n;
	int fd, rc;

	fd = open(real, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		rc = -errno;
		if (rc == -ENOENT && may_be_absent)
			return rc;
		goto fail;
	}
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		goto fail;
	}
	if (S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 &&
	    minor(st.st_rdev) == 3) {
		/* A link to /dev/null masks a file, as in systemd's
		 * directories: an empty file, not an error. */
		close(fd);
		return 0;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		file_problem(config, display, "not a regular file");
		return 0;
	}
	if (st.st_size > SPM_CONFIG_FILE_MAX) {
		close(fd);
		file_problem(config, display, "larger than %d bytes",
			     SPM_CONFIG_FILE_MAX);
		return 0;
	}
	/* One byte more than the limit shows a file that grew meanwhile. */
	buf = malloc(SPM_CONFIG_FILE_MAX + 1);
	if (!buf) {
		close(fd);
		goto nomem;
	}
	while (len <= SPM_CONFIG_FILE_MAX) {
		n = read(fd, buf + len, SPM_CONFIG_FILE_MAX + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			free(buf);
			goto fail;
		}
		if (n == 0)
			break;
		len += n;
	}
	close(fd);
	if (len > SPM_CONFIG_FILE_MAX) {
		free(buf);
		file_problem(config, display, "larger than %d bytes",
			     SPM_CONFIG_FILE_MAX);
		return 0;
	}
	rc = spm_config_parse_buffer(config, display, buf, len);
	free(buf);
	return rc < 0 ? rc : 0;
fail:
	if (fd >= 0)
		close(fd);
	file_problem(config, display, "cannot read: %s", strerror(-rc));
	return 0;
nomem:
	config->nomem = true;
	return -ENOMEM;
}

static int cmp_names(const void *a, const void *b)
{
	/* Byte order, not the locale's: the same files in the same order
	 * at boot (C locale) and in an admin's shell. */
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_conf_name(const char *name)
{
	size_t n = strlen(name);

	/* Hidden files and editor or package manager leftovers
	 * (foo.conf~, foo.conf.dpkg-old) do not end in ".conf". */
	return name[0] != '.' && n > 5 && strcmp(name + n - 5, ".conf") == 0;
}

static int read_dir(struct spm_config *config, const char *root)
{
	char real[PATH_MAX], display[PATH_MAX];
	char **names = NULL, **tmp;
	struct dirent *de;
	int n = 0, i, rc = 0;
	DIR *dir;

	snprintf(real, sizeof(real), "%s/%s", root, SPM_CONFIG_DIR);
	dir = opendir(real);
	if (!dir) {
		if (errno == ENOENT)
			return 0;
		rc = -errno;
		file_problem(config, "/" SPM_CONFIG_DIR,
			     "cannot read directory: %s", strerror(-rc));
		return 0;
	}
	while ((de = readdir(dir))) {
		if (!is_conf_name(de->d_name))
			continue;
		tmp = grow(names, n, sizeof(*names));
		if (!tmp)
			goto nomem_dir;
		names = tmp;
		names[n] = strdup(de->d_name);
		if (!names[n])
			goto nomem_dir;
		n++;
		if (n > SPM_CONFIG_RULES_MAX) {
			/* More files than rules can be valid. */
			closedir(dir);
			file_problem(config, "/" SPM_CONFIG_DIR,
				     "more than %d files",
				     SPM_CONFIG_RULES_MAX);
			goto out;
		}
	}
	closedir(dir);
	dir = NULL;
	qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n && rc == 0; i++) {
		snprintf(real, sizeof(real), "%s/%s/%s", root, SPM_CONFIG_DIR,
			 names[i]);
		snprintf(display, sizeof(display), "/%s/%s", SPM_CONFIG_DIR,
			 names[i]);
		rc = read_file(config, display, real, false);
	}
	goto out;
nomem_dir:
	closedir(dir);
	config->nomem = true;
	rc = -ENOMEM;
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

int spm_config_read(struct spm_config *config, const char *root,
		    const char *path)
{
	char real[PATH_MAX];
	int rc;

	if (path) {
		rc = read_file(config, path, path, false);
	} else {
		/* "/" + "/etc/..." would work, but keep paths clean in
		 * messages that show the real file. */
		if (!root || strcmp(root, "/") == 0)
			root = "";
		snprintf(real, sizeof(real), "%s/%s", root, SPM_CONFIG_MAIN);
		rc = read_file(config, "/" SPM_CONFIG_MAIN, real, true);
		if (rc == -ENOENT)
			rc = 0;
		if (rc == 0)
			rc = read_dir(config, root);
	}
	if (rc < 0 || config->nomem)
		return -ENOMEM;
	return config->nproblems;
}

const char *spm_action_get_name(enum spm_action action)
{
	switch (action) {
	case SPM_ACTION_ISOLATE:
		return "isolate";
	case SPM_ACTION_DEVDAX:
		return "devdax";
	case SPM_ACTION_SYSRAM:
		return "sysram";
	case SPM_ACTION_IGNORE:
		return "ignore";
	case SPM_ACTION_NONE:
		break;
	}
	return "none";
}
