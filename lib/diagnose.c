// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The doctor's findings: for the kernel, the udev rules, every Soft
 * Reserved range, dax device and node, whether its memory is isolated as
 * an SPM node and, if not, why and what to run. In libspm, so that any
 * consumer (spmctl doctor, an exporter, an orchestrator) gets the same
 * answers; spmctl only prints them.
 *
 * The usual culprits are the onlining agents that race with userspace
 * (auto_online_blocks / memhp_default_state=, udev rules), a kernel
 * without the series, ZONE_NORMAL blocks, and firmware that did not mark
 * the range. Only Specific Purpose Memory gets a fix that onlines it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "libspm-discovery.h"

/* What spm_user_numa=1 means to a user, said the same for device and node. */
#define USER_NUMA_WORDS                                                      \
	"; open to the plain NUMA API (spm_user_numa: numactl --membind, "  \
	"libnuma, move_pages and migrate_pages reach it)"

struct diag {
	struct spm_ctx *ctx;
	spm_finding_fn fn;
	void *userdata;
	int problems;
};

/* Counts over a set of memory blocks; zones only of online blocks. */
struct summary {
	unsigned long count, online, normal, unremovable;
};

static void summary_add(struct summary *s, struct spm_block *b)
{
	const char *zone = spm_block_get_zone(b);

	s->count++;
	if (spm_block_get_state(b) == SPM_BLOCK_ONLINE) {
		s->online++;
		if (zone && !strcmp(zone, "Normal"))
			s->normal++;
	}
	if (spm_block_is_removable(b) == 0)
		s->unremovable++;
}

static void dax_summary(struct spm_dax *dax, struct summary *s)
{
	struct spm_block *b;

	memset(s, 0, sizeof(*s));
	spm_dax_block_foreach (dax, b)
		summary_add(s, b);
}

static void node_summary(struct spm_node *node, struct summary *s)
{
	struct spm_block *b;

	memset(s, 0, sizeof(*s));
	spm_node_block_foreach (node, b)
		summary_add(s, b);
}

const char *spm_size_format(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "KiB", "MiB", "GiB",
					     "TiB", "PiB", "EiB" };
	double v = (double)bytes;
	int u = -1;

	if (!buf || !len)
		return "";
	if (bytes < 1024) {
		snprintf(buf, len, "%" PRIu64 " B", bytes);
		return buf;
	}
	while (v >= 1024.0 && u < 5) {
		v /= 1024.0;
		u++;
	}
	snprintf(buf, len, "%.2f %s", v, units[u]);
	return buf;
}

static void finding(struct diag *dr, const char *obj, enum spm_severity sev,
		    const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void finding(struct diag *dr, const char *obj, enum spm_severity sev,
		    const char *fix, const char *fmt, ...)
{
	struct spm_finding f = { .size = sizeof(f) };
	char reason[512];
	va_list args;

	va_start(args, fmt);
	vsnprintf(reason, sizeof(reason), fmt, args);
	va_end(args);
	if (sev == SPM_SEV_PROBLEM)
		dr->problems++;
	f.severity = sev;
	f.object = obj;
	f.reason = reason;
	f.fix = fix;
	if (dr->fn)
		dr->fn(dr->userdata, &f);
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
	/* Only CXL RAM regions, and cxl_core makes them SPM from the start. */
	if (spm_get_cxl_spm_node(ctx) == 1 && spm_cxl_region_get_first(ctx) &&
	    !spm_hmem_get_first(ctx) && !spm_range_get_first(ctx))
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
static void check_udev_rules(struct diag *dr)
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
		finding(dr, "udev", SPM_SEV_NOTE, fix,
			"%s onlines every hot-added memory block itself "
			"(auto_online_blocks does not stop it): it races "
			"spmctl for dax memory",
			rule);
	}
}

static void check_kernel(struct diag *dr)
{
	struct spm_ctx *ctx = dr->ctx;
	char why[64];
	const char *src;

	if (!spm_kernel_has_spm(ctx)) {
		finding(dr, "kernel",
			spm_dax_get_first(ctx) ? SPM_SEV_PROBLEM : SPM_SEV_NOTE,
			"boot the kernel with the SPM node series, or use "
			"'spmctl online --allow-sysram' for plain SysRAM",
			"no SPM node series (no "
			"/sys/devices/system/node/has_spm_memory): memory "
			"can only be onlined as SysRAM");
		return;
	}
	src = spm_get_auto_online_source(ctx);
	if (auto_online_race(ctx, why, sizeof(why)))
		finding(dr, "kernel", SPM_SEV_NOTE,
			"boot with dax_hmem.spm_node=1, or with "
			"memhp_default_state=offline and let 'spmctl apply' "
			"online the devices",
			"%s onlines hot-added memory before userspace, and "
			"dax_hmem.spm_node=1 is not set: a dax device bound "
			"to kmem comes up as SysRAM (auto_online_blocks is "
			"set by %s)",
			why, src ? src : "an unknown source");
	else
		finding(dr, "kernel", SPM_SEV_OK, NULL,
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

static void check_alignment(struct diag *dr, struct spm_dax *dax,
			    const struct summary *s)
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
	finding(dr, name, SPM_SEV_NOTE, NULL,
		"%s of %s lost to memory-block alignment (%s blocks%s)",
		spm_size_format(size - usable, a, sizeof(a)), spm_size_format(size, b, sizeof(b)),
		spm_size_format(bs, c, sizeof(c)),
		start % bs ? ", range start not block-aligned" : "");
}

/* Was the range marked Specific Purpose (Soft Reserved) by firmware? */
static void check_soft_reserved(struct diag *dr, struct spm_dax *dax)
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
	finding(dr, name, SPM_SEV_NOTE,
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
static bool check_source(struct diag *dr, struct spm_dax *dax)
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
			finding(dr, name, SPM_SEV_PROBLEM,
				NULL,
				"persistent memory%s%s is online as volatile "
				"memory: whatever it stored is not protected; "
				"spmctl offline --to-devdax %s returns it to "
				"device_dax",
				region ? " of " : "", region ? region : "",
				name);
		else
			finding(dr, name, SPM_SEV_OK, NULL,
				"persistent memory%s%s: not Specific Purpose "
				"Memory, spmctl leaves it alone",
				region ? " of " : "", region ? region : "");
		return false;
	default:
		finding(dr, name, SPM_SEV_NOTE, NULL,
			"its source is %s, not hmem or a CXL RAM region: "
			"spmctl only acts on it when it is named",
			spm_dax_source_get_name(spm_dax_get_source(dax)));
		return false;
	}
}

static void check_dax(struct diag *dr, struct spm_dax *dax)
{
	struct spm_ctx *ctx = dr->ctx;
	const char *name = spm_dax_get_devname(dax);
	struct summary s;
	enum spm_dax_state state;
	char fix[256], why[64];
	int node = spm_dax_get_target_node(dax);

	dax_summary(dax, &s);
	state = spm_dax_get_state(dax);
	if (state == SPM_DAX_STATE_SEED) {
		finding(dr, name, SPM_SEV_OK, NULL,
			"a seed device (size 0): no memory, nothing to do");
		return;
	}
	if (!check_source(dr, dax))
		return;
	check_soft_reserved(dr, dax);
	check_alignment(dr, dax, &s);

	if (state == SPM_DAX_STATE_DEVDAX) {
		snprintf(fix, sizeof(fix), "spmctl online %s", name);
		finding(dr, name, SPM_SEV_NOTE, fix,
			"left as devdax (/dev/%s): its memory is not a NUMA "
			"node; that is fine if an application maps it",
			name);
		return;
	}
	if (state == SPM_DAX_STATE_UNBOUND || state == SPM_DAX_STATE_OTHER) {
		snprintf(fix, sizeof(fix), "spmctl online %s", name);
		finding(dr, name, SPM_SEV_NOTE, fix, "%s",
			state == SPM_DAX_STATE_UNBOUND ?
				"bound to no driver: its memory is unused" :
				"bound to another driver than kmem or "
				"device_dax");
		return;
	}
	if (state == SPM_DAX_STATE_UNKNOWN) {
		finding(dr, name, SPM_SEV_NOTE, "run as root",
			"bound to kmem but its memory blocks cannot be found "
			"(the physical address is readable by root only)");
		return;
	}
	if (state == SPM_DAX_STATE_SYSRAM) {
		if (!spm_kernel_has_spm(ctx)) {
			finding(dr, name, SPM_SEV_PROBLEM,
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
			finding(dr, name, SPM_SEV_PROBLEM, fix,
				"node %d came up as SysRAM: %s won the race "
				"and onlined the blocks before spm_node was "
				"set",
				node, why);
		} else {
			snprintf(fix, sizeof(fix),
				 "spmctl offline %s && spmctl online %s", name,
				 name);
			finding(dr, name, SPM_SEV_PROBLEM, fix,
				"online as SysRAM on node %d (spm_node=%d when "
				"kmem added it)",
				node, spm_dax_get_spm_node(dax) > 0 ? 1 : 0);
		}
	} else if (state == SPM_DAX_STATE_OFFLINE) {
		snprintf(fix, sizeof(fix), "spmctl online %s", name);
		finding(dr, name, SPM_SEV_PROBLEM, fix,
			"bound to kmem but all %lu memory blocks are offline",
			s.count);
	} else if (state == SPM_DAX_STATE_PARTIAL) {
		snprintf(fix, sizeof(fix),
			 "spmctl offline %s && spmctl online %s", name, name);
		finding(dr, name, SPM_SEV_PROBLEM, fix,
			"only %lu of %lu memory blocks are online", s.online,
			s.count);
	}
	if (s.normal) {
		snprintf(fix, sizeof(fix),
			 "spmctl offline %s && spmctl online %s --zone movable",
			 name, name);
		finding(dr, name, SPM_SEV_PROBLEM, fix,
			"%lu of %lu online blocks are in ZONE_NORMAL: kernel "
			"allocations can pin them and offlining may fail",
			s.normal, s.online);
	}
	if (s.unremovable)
		finding(dr, name, SPM_SEV_PROBLEM,
			"use a kernel with CONFIG_MEMORY_HOTREMOVE",
			"%lu of %lu memory blocks are not removable: they "
			"can never be offlined",
			s.unremovable, s.count);
	if (state == SPM_DAX_STATE_ISOLATED && !s.normal && !s.unremovable)
		finding(dr, name, SPM_SEV_OK, NULL,
			"isolated on SPM node %d (%lu blocks online Movable)%s",
			node, s.online,
			spm_dax_get_user_numa(dax) == 1 ? USER_NUMA_WORDS : "");
}

/* A Soft Reserved range that nothing turned into a dax device. */
static void check_ranges(struct diag *dr)
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
		finding(dr, obj, SPM_SEV_PROBLEM,
			"modprobe dax_hmem (or, for CXL memory, assemble the "
			"region), then spmctl online",
			"Soft Reserved range of %s has no dax device: the "
			"memory is unused",
			spm_range_get_size(r) ?
				spm_size_format(spm_range_get_size(r), sz, sizeof(sz)) :
				"unknown size");
	}
}

static void check_node(struct diag *dr, struct spm_node *n)
{
	struct spm_dax *dax = NULL;
	struct summary s;
	struct spm_block *b;
	char obj[32], fix[64], owner[128];

	snprintf(obj, sizeof(obj), "node%d", spm_node_get_id(n));
	node_summary(n, &s);
	/* hot-added memory of a dax device, onlined on this node */
	spm_node_block_foreach (n, b)
		if (spm_block_get_dax(b) &&
		    spm_block_get_state(b) == SPM_BLOCK_ONLINE) {
			dax = spm_block_get_dax(b);
			break;
		}
	if (spm_node_get_owner(n) == SPM_NODE_OWNER_DRIVER) {
		/* a driver's memory: no fix of spmctl's applies */
		finding(dr, obj, s.normal ? SPM_SEV_NOTE : SPM_SEV_OK, NULL,
			"SPM node: isolated (%lu blocks online%s)%s; owned by "
			"%s, not by a dax device: spmctl leaves it to the "
			"driver",
			s.online, s.normal ? ", some in ZONE_NORMAL" : "",
			spm_node_is_user_numa(n) ? USER_NUMA_WORDS : "",
			spm_node_owner_words(n, owner, sizeof(owner)));
	} else if (spm_node_is_spm(n)) {
		if (s.normal)
			finding(dr, obj, SPM_SEV_PROBLEM,
				"see the dax device lines above",
				"SPM node, but %lu of %lu online blocks are in "
				"ZONE_NORMAL",
				s.normal, s.online);
		else
			finding(dr, obj, SPM_SEV_OK, NULL,
				"SPM node: isolated (%lu blocks online)%s",
				s.online,
				spm_node_is_user_numa(n) ? USER_NUMA_WORDS : "");
	} else if (!spm_node_has_memory(n)) {
		finding(dr, obj, SPM_SEV_OK, NULL, "no memory online%s",
			s.count ? " (its blocks are offline)" : "");
	} else if (dax) {
		snprintf(fix, sizeof(fix), "see the %s lines above",
			 spm_dax_get_devname(dax));
		finding(dr, obj, SPM_SEV_PROBLEM, fix,
			"SysRAM node holding %s's memory: not isolated, any "
			"allocation may land there",
			spm_dax_get_devname(dax));
	} else {
		finding(dr, obj, SPM_SEV_OK, NULL, "SysRAM node%s",
			spm_node_has_cpu(n) ? " with CPUs" : "");
	}
}

int spm_diagnose(struct spm_ctx *ctx, spm_finding_fn fn, void *userdata)
{
	struct diag dr = { .ctx = ctx, .fn = fn, .userdata = userdata };
	struct spm_node *n;
	struct spm_dax *dax;
	int rc;

	if (!ctx)
		return -EINVAL;
	rc = spm_scan_kernel(ctx);
	if (rc < 0)
		return rc;
	check_kernel(&dr);
	check_udev_rules(&dr);
	check_ranges(&dr);
	spm_dax_foreach (ctx, dax)
		check_dax(&dr, dax);
	spm_node_foreach (ctx, n)
		check_node(&dr, n);
	return dr.problems;
}

int spm_dax_diagnose(struct spm_dax *dax, spm_finding_fn fn, void *userdata)
{
	struct diag dr = { .fn = fn, .userdata = userdata };

	if (!dax)
		return -EINVAL;
	dr.ctx = dax->ctx;
	check_dax(&dr, dax);
	return dr.problems;
}

const char *spm_severity_get_name(enum spm_severity severity)
{
	switch (severity) {
	case SPM_SEV_NOTE:
		return "note";
	case SPM_SEV_PROBLEM:
		return "problem";
	default:
		return "ok";
	}
}
