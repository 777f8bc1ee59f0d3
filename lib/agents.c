// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The onlining agents that race with spmctl for hot-added memory, and
 * where each one's setting came from, so that a user can act on it:
 *  - the kernel's auto_online_blocks policy: from memhp_default_state= on
 *    the command line, the build default (CONFIG_MHP_DEFAULT_ONLINE_TYPE_*
 *    since 6.14, CONFIG_MEMORY_HOTPLUG_DEFAULT_ONLINE before), or a write
 *    at runtime (not kept across reboots);
 *  - udev rules that write a memory block's state (RHEL's 40-redhat.rules,
 *    SUSE's 80-hotplug-cpu-mem.rules, Ubuntu's 40-vm-hotadd.rules): udev
 *    ignores auto_online_blocks (ndctl #171, systemd-rhel8 #173).
 * Both are read under the context root, so fixtures can carry them.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libspm-discovery.h"

/* udev's rules directories, the one that wins a file name first. */
static const char *const rules_dirs[] = {
	"etc/udev/rules.d",	      "run/udev/rules.d",
	"usr/local/lib/udev/rules.d", "usr/lib/udev/rules.d",
	"lib/udev/rules.d",
};

/* A line that assigns a memory block's state (ATTR{state}="...", not
 * the == test), or a RUN that echoes online into it. */
static bool writes_state(const char *line)
{
	const char *p;

	for (p = line; (p = strstr(p, "ATTR{state}")); p += 11) {
		const char *q = p + 11;

		if (q[0] == '=' && q[1] != '=')
			return true;
		if (q[0] == ':' && q[1] == '=')
			return true;
	}
	return strstr(line, "RUN") && strstr(line, "echo online") &&
	       strstr(line, "state");
}

static bool about_memory(const char *text)
{
	return strstr(text, "SUBSYSTEM==\"memory\"") ||
	       strstr(text, "SUBSYSTEM!=\"memory\"");
}

static void add_rule(struct spm_disc *d, const char *dir, const char *name,
		     int line)
{
	if (d->nr_udev_rules >= SPM_MAX_UDEV_RULES)
		return;
	snprintf(d->udev_rules[d->nr_udev_rules++], SPM_PATH_MAX / 8,
		 "/%s/%.64s:%d", dir, name, line);
}

static void scan_file(struct spm_ctx *ctx, const char *dir, const char *name)
{
	struct spm_disc *d = &ctx->disc;
	char *text = NULL, *line, *save = NULL;
	int n = 0;

	if (spm_read_file(ctx, &text, "%s/%s", dir, name) < 0) {
		spm_clear_error(ctx);
		return;
	}
	if (about_memory(text)) {
		for (line = strtok_r(text, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			n++;
			while (*line == ' ' || *line == '\t')
				line++;
			if (*line == '#' || !writes_state(line))
				continue;
			add_rule(d, dir, name, n);
			break; /* one line per file names it */
		}
	}
	free(text);
}

struct rules_file {
	size_t prio; /* index in rules_dirs: lower wins */
	char *name;
};

/* udev reads every directory's files as one list, in lexical order of
 * their names; a name in an earlier directory hides the later ones. */
static int cmp_file(const void *a, const void *b)
{
	const struct rules_file *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->prio > y->prio) - (x->prio < y->prio);
}

static void scan_udev_rules(struct spm_ctx *ctx)
{
	struct rules_file *files = NULL, *nf;
	size_t i, k, n = 0, cap = 0;
	struct dirent *de;
	DIR *dir;

	for (i = 0; i < sizeof(rules_dirs) / sizeof(rules_dirs[0]); i++) {
		dir = spm_opendir_rel(ctx, rules_dirs[i]);
		if (!dir)
			continue;
		while ((de = readdir(dir))) {
			size_t len = strlen(de->d_name);

			if (len < 7 || strcmp(de->d_name + len - 6, ".rules"))
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 32;
				nf = realloc(files, cap * sizeof(*files));
				if (!nf)
					break;
				files = nf;
			}
			files[n].prio = i;
			files[n].name = strdup(de->d_name);
			if (files[n].name)
				n++;
		}
		closedir(dir);
	}
	if (n)
		qsort(files, n, sizeof(*files), cmp_file);
	for (k = 0; k < n; k++) {
		/* rules_dirs is in precedence order, so the first of a name
		 * in the sorted list is the one udev reads */
		if (!k || strcmp(files[k].name, files[k - 1].name))
			scan_file(ctx, rules_dirs[files[k].prio],
				  files[k].name);
	}
	for (k = 0; k < n; k++)
		free(files[k].name);
	free(files);
}

/* The build default of auto_online_blocks from the kernel config. */
static const char *config_default(const char *config, char *opt, size_t len)
{
	static const struct {
		const char *opt, *value;
	} types[] = {
		{ "CONFIG_MHP_DEFAULT_ONLINE_TYPE_OFFLINE", "offline" },
		{ "CONFIG_MHP_DEFAULT_ONLINE_TYPE_ONLINE_AUTO", "online" },
		{ "CONFIG_MHP_DEFAULT_ONLINE_TYPE_ONLINE_KERNEL",
		  "online_kernel" },
		{ "CONFIG_MHP_DEFAULT_ONLINE_TYPE_ONLINE_MOVABLE",
		  "online_movable" },
		{ "CONFIG_MEMORY_HOTPLUG_DEFAULT_ONLINE", "online" },
	};
	char want[96];
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		snprintf(want, sizeof(want), "\n%s=y", types[i].opt);
		if (strstr(config, want)) {
			snprintf(opt, len, "%s=y", types[i].opt);
			return types[i].value;
		}
	}
	snprintf(opt, len, "no CONFIG_MEMORY_HOTPLUG_DEFAULT_ONLINE");
	return "offline";
}

static void find_auto_online_source(struct spm_ctx *ctx)
{
	struct spm_disc *d = &ctx->disc;
	const char *aob = spm_get_auto_online_blocks(ctx);
	const char *memhp = spm_get_cmdline_memhp_default_state(ctx);
	const char *dflt;
	char rel[128], opt[96], *config = NULL;
	size_t len = sizeof(d->auto_online_source);

	d->auto_online_source[0] = '\0';
	if (!aob)
		return;
	if (memhp) {
		snprintf(d->auto_online_source, len,
			 "memhp_default_state=%s on the kernel command line%s",
			 memhp,
			 strcmp(memhp, aob) ?
				 ", then a write at runtime that reboots do not keep" :
				 "");
		return;
	}
	if (spm_try_read_str(ctx, rel, sizeof(rel),
			     "proc/sys/kernel/osrelease") <= 0 ||
	    spm_read_file(ctx, &config, "boot/config-%s", rel) < 0) {
		spm_clear_error(ctx);
		snprintf(d->auto_online_source, len,
			 "the kernel's build default or a write at runtime (no memhp_default_state= on the command line, no /boot/config to tell)");
		return;
	}
	dflt = config_default(config, opt, sizeof(opt));
	if (!strcmp(dflt, aob))
		snprintf(d->auto_online_source, len,
			 "the kernel's build default (%.64s in /boot/config-%.64s)",
			 opt, rel);
	else
		snprintf(d->auto_online_source, len,
			 "a write at runtime, not kept across reboots (the build default is %s: %s)",
			 dflt, opt);
	free(config);
}

static void scan_agents(struct spm_ctx *ctx)
{
	struct spm_disc *d = &ctx->disc;

	if (d->agents_done)
		return;
	d->nr_udev_rules = 0;
	find_auto_online_source(ctx);
	scan_udev_rules(ctx);
	d->agents_done = true;
}

const char *spm_get_auto_online_source(struct spm_ctx *ctx)
{
	if (!ctx || spm_scan_kernel(ctx) < 0)
		return NULL;
	scan_agents(ctx);
	return ctx->disc.auto_online_source[0] ? ctx->disc.auto_online_source :
						 NULL;
}

const char *spm_get_onlining_udev_rule(struct spm_ctx *ctx, int i)
{
	if (!ctx || i < 0 || spm_scan_kernel(ctx) < 0)
		return NULL;
	scan_agents(ctx);
	return i < ctx->disc.nr_udev_rules ? ctx->disc.udev_rules[i] : NULL;
}
