// SPDX-License-Identifier: GPL-2.0-only
/*
 * spmctl doctor: for every dax device and every node, say whether its
 * memory is isolated as an SPM node and, if not, why and what to run.
 * The usual culprits are the onlining agents that race with userspace
 * (auto_online_blocks / memhp_default_state=), a kernel without the
 * series, ZONE_NORMAL blocks, and firmware that did not mark the range.
 *
 * Findings are "ok", "note" (worth knowing, nothing to fix) or "problem";
 * the exit code is SPMCTL_EXIT_PROBLEMS when there is at least one problem.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>
#include <spm/libspm.h>

#include "builtin.h"
#include "discovery.h"

static const char doctor_usage[] =
	"usage: spmctl doctor [-j|--json]\n"
	"\n"
	"  -j, --json  print the findings as one JSON object\n"
	"  -h, --help  show this help\n"
	"\n"
	"Exit status 0 when nothing needs fixing, 6 when there are problems.\n";

enum severity { SEV_OK, SEV_NOTE, SEV_PROBLEM };

static const char *const sev_name[] = { "ok", "note", "problem" };

struct doctor {
	struct spm_ctx *ctx;
	bool json;
	struct json_object *findings;
	int problems, notes;
};

static void finding(struct doctor *dr, const char *obj, enum severity sev,
		    const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void finding(struct doctor *dr, const char *obj, enum severity sev,
		    const char *fix, const char *fmt, ...)
{
	struct json_object *f;
	char reason[512];
	va_list args;

	va_start(args, fmt);
	vsnprintf(reason, sizeof(reason), fmt, args);
	va_end(args);
	if (sev == SEV_PROBLEM)
		dr->problems++;
	else if (sev == SEV_NOTE)
		dr->notes++;
	if (!dr->json) {
		printf("%s: %s: %s", obj, sev_name[sev], reason);
		if (fix)
			printf("; fix: %s", fix);
		putchar('\n');
		return;
	}
	f = json_object_new_object();
	if (!f)
		return;
	json_object_object_add(f, "object", json_object_new_string(obj));
	json_object_object_add(f, "severity",
			       json_object_new_string(sev_name[sev]));
	json_object_object_add(f, "reason", json_object_new_string(reason));
	if (fix)
		json_object_object_add(f, "fix", json_object_new_string(fix));
	json_object_array_add(dr->findings, f);
}

static bool starts_online(const char *s)
{
	return s && !strncmp(s, "online", 6);
}

/* An onlining agent that runs before userspace and ignores SPM. */
static bool auto_online_race(struct spm_ctx *ctx, char *why, size_t len)
{
	const char *aob = spm_get_auto_online_blocks(ctx);
	const char *memhp = spm_get_cmdline_memhp_default_state(ctx);

	if (spm_get_cmdline_hmem_spm_node(ctx) == 1)
		return false;
	if (starts_online(memhp))
		snprintf(why, len, "memhp_default_state=%s", memhp);
	else if (starts_online(aob))
		snprintf(why, len, "auto_online_blocks=%s", aob);
	else
		return false;
	return true;
}

/* udev rules that online hot-added memory: they race spmctl whatever
 * auto_online_blocks says, and the distribution installed them. */
static void check_udev_rules(struct doctor *dr)
{
	const char *rule;
	char fix[320];
	int i;

	for (i = 0; (rule = spm_get_onlining_udev_rule(dr->ctx, i)); i++) {
		const char *base = strrchr(rule, '/');

		if (!strncmp(rule, "/etc/", 5))
			snprintf(fix, sizeof(fix),
				 "remove that line (an administrator's rule), "
				 "then boot with dax_hmem.spm_node=1 or let "
				 "'spmctl apply' online the devices");
		else
			snprintf(fix, sizeof(fix),
				 "mask it with an empty /etc/udev/rules.d/%.*s "
				 "(or a symlink to /dev/null), then boot with "
				 "dax_hmem.spm_node=1 or let 'spmctl apply' "
				 "online the devices",
				 (int)strcspn(base + 1, ":"), base + 1);
		finding(dr, "udev", SEV_NOTE, fix,
			"%s onlines every hot-added memory block itself "
			"(auto_online_blocks does not stop it): it races "
			"spmctl for dax memory",
			rule);
	}
}

static void check_kernel(struct doctor *dr)
{
	struct spm_ctx *ctx = dr->ctx;
	char why[64];
	const char *src;

	if (!spm_kernel_has_spm(ctx)) {
		finding(dr, "kernel",
			spm_dax_get_first(ctx) ? SEV_PROBLEM : SEV_NOTE,
			"boot the kernel with the SPM node series, or use "
			"'spmctl online --allow-sysram' for plain SysRAM",
			"no SPM node series (no "
			"/sys/devices/system/node/has_spm_memory): memory "
			"can only be onlined as SysRAM");
		return;
	}
	src = spm_get_auto_online_source(ctx);
	if (auto_online_race(ctx, why, sizeof(why)))
		finding(dr, "kernel", SEV_NOTE,
			"boot with dax_hmem.spm_node=1, or with "
			"memhp_default_state=offline and let 'spmctl apply' "
			"online the devices",
			"%s onlines hot-added memory before userspace, and "
			"dax_hmem.spm_node=1 is not set: a dax device bound "
			"to kmem comes up as SysRAM (auto_online_blocks is "
			"set by %s)",
			why, src ? src : "an unknown source");
	else
		finding(dr, "kernel", SEV_OK, NULL,
			"SPM node series present; no auto-online agent races "
			"with spmctl");
}

/* usable bytes of [start, start + size) in whole memory blocks */
static uint64_t block_usable(uint64_t start, uint64_t size, uint64_t bs)
{
	uint64_t first = (start + bs - 1) / bs * bs;
	uint64_t end = (start + size) / bs * bs;

	return end > first ? end - first : 0;
}

static void check_alignment(struct doctor *dr, struct spm_dax *dax,
			    const struct spmctl_blocks *s)
{
	uint64_t bs = spm_get_memory_block_size(dr->ctx);
	uint64_t start = spm_dax_get_start(dax);
	uint64_t size = spm_dax_get_size(dax);
	const char *name = spm_dax_get_devname(dax);
	uint64_t usable;
	char a[32], b[32], c[32];

	if (!bs || !start || !size)
		return;
	usable = block_usable(start, size, bs);
	if (spm_dax_get_mode(dax) == SPM_DAX_MODE_KMEM && s->count &&
	    (uint64_t)s->count * bs < usable)
		usable = (uint64_t)s->count * bs;
	if (usable >= size)
		return;
	finding(dr, name, SEV_NOTE, NULL,
		"%s of %s lost to memory-block alignment (%s blocks%s)",
		spmctl_size(size - usable, a), spmctl_size(size, b),
		spmctl_size(bs, c),
		start % bs ? ", range start not block-aligned" : "");
}

/* Was the range marked Specific Purpose (Soft Reserved) by firmware? */
static void check_soft_reserved(struct doctor *dr, struct spm_dax *dax)
{
	const char *name = spm_dax_get_devname(dax);
	uint64_t start = spm_dax_get_start(dax);
	struct spm_range *r;

	/* A CXL region is SPM by construction, Soft Reserved or not. */
	if (spm_dax_get_cxl_region(dax))
		return;
	spm_range_foreach (dr->ctx, r) {
		const char *rd = spm_range_get_dax_devname(r);

		if (rd && !strcmp(rd, name))
			return;
		if (start && spm_range_get_size(r) &&
		    start >= spm_range_get_start(r) &&
		    start < spm_range_get_start(r) + spm_range_get_size(r))
			return;
	}
	if (!spm_dax_get_hmem(dax) && !start)
		return;
	finding(dr, name, SEV_NOTE,
		"check the firmware's EFI_MEMORY_SP attribute and that the "
		"kernel is not booted with efi=nosoftreserve",
		"its range is not inside a Soft Reserved range of /proc/iomem: "
		"the firmware did not mark it Specific Purpose");
}

/*
 * Only Specific Purpose Memory is spmctl's to isolate. Persistent memory
 * gets no fix that would online it (its data would be lost), and memory of
 * a source spmctl cannot tell gets none either. Returns true to go on
 * with the isolation checks.
 */
static bool check_source(struct doctor *dr, struct spm_dax *dax)
{
	const char *name = spm_dax_get_devname(dax);
	const char *region;

	switch (spm_dax_get_source(dax)) {
	case SPM_DAX_SOURCE_HMEM:
	case SPM_DAX_SOURCE_CXL_RAM:
		return true;
	case SPM_DAX_SOURCE_PMEM:
		region = spm_dax_get_nd_region(dax) ?:
			 spm_dax_get_cxl_region(dax);
		if (spm_dax_get_mode(dax) == SPM_DAX_MODE_KMEM)
			finding(dr, name, SEV_PROBLEM,
				NULL,
				"persistent memory%s%s is online as volatile "
				"memory: whatever it stored is not protected; "
				"spmctl offline --to-devdax %s returns it to "
				"device_dax",
				region ? " of " : "", region ? region : "",
				name);
		else
			finding(dr, name, SEV_OK, NULL,
				"persistent memory%s%s: not Specific Purpose "
				"Memory, spmctl leaves it alone",
				region ? " of " : "", region ? region : "");
		return false;
	default:
		finding(dr, name, SEV_NOTE, NULL,
			"its source is %s, not hmem or a CXL RAM region: "
			"spmctl only acts on it when it is named",
			spm_dax_source_get_name(spm_dax_get_source(dax)));
		return false;
	}
}

static void check_dax(struct doctor *dr, struct spm_dax *dax)
{
	struct spm_ctx *ctx = dr->ctx;
	const char *name = spm_dax_get_devname(dax);
	struct spmctl_blocks s;
	const char *state;
	char fix[256], why[64];
	int node = spm_dax_get_target_node(dax);

	spmctl_dax_blocks(dax, &s);
	state = spm_dax_state_get_name(spm_dax_get_state(dax));
	if (!strcmp(state, "seed")) {
		finding(dr, name, SEV_OK, NULL,
			"a seed device (size 0): no memory, nothing to do");
		return;
	}
	if (!check_source(dr, dax))
		return;
	check_soft_reserved(dr, dax);
	check_alignment(dr, dax, &s);

	if (!strcmp(state, "devdax")) {
		snprintf(fix, sizeof(fix), "spmctl online %s", name);
		finding(dr, name, SEV_NOTE, fix,
			"left as devdax (/dev/%s): its memory is not a NUMA "
			"node; that is fine if an application maps it",
			name);
		return;
	}
	if (!strcmp(state, "unbound") || !strcmp(state, "other")) {
		snprintf(fix, sizeof(fix), "spmctl online %s", name);
		finding(dr, name, SEV_NOTE, fix, "%s",
			!strcmp(state, "unbound") ?
				"bound to no driver: its memory is unused" :
				"bound to another driver than kmem or "
				"device_dax");
		return;
	}
	if (!strcmp(state, "unknown")) {
		finding(dr, name, SEV_NOTE, "run as root",
			"bound to kmem but its memory blocks cannot be found "
			"(the physical address is readable by root only)");
		return;
	}
	if (!strcmp(state, "sysram")) {
		if (!spm_kernel_has_spm(ctx)) {
			finding(dr, name, SEV_PROBLEM,
				"boot the kernel with the SPM node series",
				"online as SysRAM on node %d: the kernel has "
				"no SPM node series, any allocation may land "
				"there",
				node);
		} else if (auto_online_race(ctx, why, sizeof(why))) {
			snprintf(fix, sizeof(fix),
				 "boot with dax_hmem.spm_node=1 (or "
				 "memhp_default_state=offline and 'spmctl "
				 "apply'); now: spmctl offline %s && spmctl "
				 "online %s",
				 name, name);
			finding(dr, name, SEV_PROBLEM, fix,
				"node %d came up as SysRAM: %s won the race "
				"and onlined the blocks before spm_node was "
				"set",
				node, why);
		} else {
			snprintf(fix, sizeof(fix),
				 "spmctl offline %s && spmctl online %s", name,
				 name);
			finding(dr, name, SEV_PROBLEM, fix,
				"online as SysRAM on node %d (spm_node=%d when "
				"kmem added it)",
				node, spm_dax_get_spm_node(dax) > 0 ? 1 : 0);
		}
	} else if (!strcmp(state, "offline")) {
		snprintf(fix, sizeof(fix), "spmctl online %s", name);
		finding(dr, name, SEV_PROBLEM, fix,
			"bound to kmem but all %lu memory blocks are offline",
			s.count);
	} else if (!strcmp(state, "partial")) {
		snprintf(fix, sizeof(fix),
			 "spmctl offline %s && spmctl online %s", name, name);
		finding(dr, name, SEV_PROBLEM, fix,
			"only %lu of %lu memory blocks are online", s.online,
			s.count);
	}
	if (s.normal) {
		snprintf(fix, sizeof(fix),
			 "spmctl offline %s && spmctl online %s --zone movable",
			 name, name);
		finding(dr, name, SEV_PROBLEM, fix,
			"%lu of %lu online blocks are in ZONE_NORMAL: kernel "
			"allocations can pin them and offlining may fail",
			s.normal, s.online);
	}
	if (s.unremovable)
		finding(dr, name, SEV_PROBLEM,
			"use a kernel with CONFIG_MEMORY_HOTREMOVE",
			"%lu of %lu memory blocks are not removable: they "
			"can never be offlined",
			s.unremovable, s.count);
	if (!strcmp(state, "isolated") && !s.normal && !s.unremovable)
		finding(dr, name, SEV_OK, NULL,
			"isolated on SPM node %d (%lu blocks online Movable)",
			node, s.online);
}

/* A Soft Reserved range that nothing turned into a dax device. */
static void check_ranges(struct doctor *dr)
{
	struct spm_range *r;
	char obj[64], sz[32];

	spm_range_foreach (dr->ctx, r) {
		if (spm_range_get_dax_devname(r))
			continue;
		if (spm_range_get_size(r))
			snprintf(obj, sizeof(obj), "range %#" PRIx64,
				 spm_range_get_start(r));
		else
			snprintf(obj, sizeof(obj), "range (hidden)");
		finding(dr, obj, SEV_PROBLEM,
			"modprobe dax_hmem (or, for CXL memory, assemble the "
			"region), then spmctl online",
			"Soft Reserved range of %s has no dax device: the "
			"memory is unused",
			spm_range_get_size(r) ?
				spmctl_size(spm_range_get_size(r), sz) :
				"unknown size");
	}
}

static void check_node(struct doctor *dr, struct spm_node *n)
{
	struct spm_dax *dax = NULL;
	struct spmctl_blocks s;
	struct spm_block *b;
	char obj[32], fix[64];

	snprintf(obj, sizeof(obj), "node%d", spm_node_get_id(n));
	spmctl_node_blocks(n, &s);
	/* hot-added memory of a dax device, onlined on this node */
	spm_node_block_foreach (n, b)
		if (spm_block_get_dax(b) &&
		    spm_block_get_state(b) == SPM_BLOCK_ONLINE) {
			dax = spm_block_get_dax(b);
			break;
		}
	if (spm_node_is_spm(n)) {
		if (s.normal)
			finding(dr, obj, SEV_PROBLEM,
				"see the dax device lines above",
				"SPM node, but %lu of %lu online blocks are in "
				"ZONE_NORMAL",
				s.normal, s.online);
		else
			finding(dr, obj, SEV_OK, NULL,
				"SPM node: isolated (%lu blocks online)",
				s.online);
	} else if (!spm_node_has_memory(n)) {
		finding(dr, obj, SEV_OK, NULL, "no memory online%s",
			s.count ? " (its blocks are offline)" : "");
	} else if (dax) {
		snprintf(fix, sizeof(fix), "see the %s lines above",
			 spm_dax_get_devname(dax));
		finding(dr, obj, SEV_PROBLEM, fix,
			"SysRAM node holding %s's memory: not isolated, any "
			"allocation may land there",
			spm_dax_get_devname(dax));
	} else {
		finding(dr, obj, SEV_OK, NULL, "SysRAM node%s",
			spm_node_has_cpu(n) ? " with CPUs" : "");
	}
}

int cmd_doctor(int argc, char **argv, struct spm_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct doctor dr = { .ctx = ctx };
	struct json_object *top;
	struct spm_node *n;
	struct spm_dax *dax;
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			dr.json = true;
			break;
		case 'h':
			fputs(doctor_usage, stdout);
			return SPMCTL_EXIT_OK;
		default:
			return spmctl_bad_option("doctor", c, argv, doctor_usage);
		}
	}
	if (optind < argc) {
		spmctl_error("doctor", "unexpected argument '%s'",
			     argv[optind]);
		fputs(doctor_usage, stderr);
		return SPMCTL_EXIT_USAGE;
	}
	rc = spm_refresh(ctx);
	if (rc < 0) {
		spmctl_error("doctor", "%s", spm_get_last_error(ctx));
		return spmctl_exit_code(rc, SPM_CHECK_NONE);
	}
	if (dr.json) {
		dr.findings = json_object_new_array();
		if (!dr.findings) {
			spmctl_error("doctor", "%s", strerror(ENOMEM));
			return SPMCTL_EXIT_FAIL;
		}
	}

	check_kernel(&dr);
	check_udev_rules(&dr);
	check_ranges(&dr);
	spm_dax_foreach (ctx, dax)
		check_dax(&dr, dax);
	spm_node_foreach (ctx, n)
		check_node(&dr, n);

	if (dr.json) {
		top = json_object_new_object();
		if (top) {
			json_object_object_add(
				top, "problems",
				json_object_new_int(dr.problems));
			json_object_object_add(top, "notes",
					       json_object_new_int(dr.notes));
			json_object_object_add(top, "findings", dr.findings);
			printf("%s\n",
			       json_object_to_json_string_ext(
				       top,
				       JSON_C_TO_STRING_PRETTY |
					       JSON_C_TO_STRING_SPACED |
					       JSON_C_TO_STRING_NOSLASHESCAPE));
			json_object_put(top);
		} else {
			json_object_put(dr.findings);
		}
	} else if (dr.problems) {
		printf("%d problem%s found\n", dr.problems,
		       dr.problems == 1 ? "" : "s");
	} else {
		puts("no problems found");
	}
	return dr.problems ? SPMCTL_EXIT_PROBLEMS : SPMCTL_EXIT_OK;
}
