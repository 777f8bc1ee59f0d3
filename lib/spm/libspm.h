/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libspm: discover Specific Purpose Memory (SPM), online it as isolated SPM
 * NUMA nodes, and bind application memory to it.
 *
 * Conventions (as in libdaxctl/libcxl):
 *  - one opaque context; every sysfs/procfs access is relative to its root
 *    directory (default "/", or $SPM_SYSFS_ROOT, or spm_set_root()), so the
 *    library runs unchanged on a live system and on a captured fixture tree;
 *  - functions that can fail return 0 or a positive count on success and a
 *    negative errno on failure; a human-readable reason naming the object and
 *    the cause is then available from spm_get_last_error();
 *  - objects are owned by the context and stay at the same address until
 *    spm_unref(): spm_refresh() updates those that still exist in place and
 *    keeps vanished ones (stale: no longer iterated, get_next returns NULL);
 *    walk them with get_first/get_next or the foreach macros.
 *
 * The kernel side of the contract: the SPM node series for Linux 6.12
 * (kernel-patches/), detected by /sys/devices/system/node/has_spm_memory.
 */
#ifndef _LIBSPM_H_
#define _LIBSPM_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Context                                                             */
/* ------------------------------------------------------------------ */

struct spm_ctx;

int spm_new(struct spm_ctx **ctx);
struct spm_ctx *spm_ref(struct spm_ctx *ctx);
struct spm_ctx *spm_unref(struct spm_ctx *ctx);

/* Root under which sys/ and proc/ are read; "/" on a live system. */
int spm_set_root(struct spm_ctx *ctx, const char *root);
const char *spm_get_root(struct spm_ctx *ctx);
bool spm_root_is_live(struct spm_ctx *ctx);

/*
 * Copy the files libspm reads (sys/, proc/, etc/spm, boot/config, the udev
 * rules) from the root into the existing directory dest, so that dest can
 * be used as a root and gives the same answers: for bug reports and test
 * fixtures. Returns the number of files and links copied, or -errno.
 */
int spm_gather(struct spm_ctx *ctx, const char *dest);

/* Scan everything again now (after a change); objects are updated in
 * place. Returns 0, or -errno with the reason (an unusable root, no
 * sys/devices/system/node, unreadable /proc/iomem) in the last error. */
int spm_refresh(struct spm_ctx *ctx);

/* Logging: syslog priorities (LOG_ERR .. LOG_DEBUG); $SPM_LOG sets it too
 * ("err", "info", "debug" or a number). */
typedef void (*spm_log_fn)(struct spm_ctx *ctx, int priority, const char *file,
			   int line, const char *fn, const char *format,
			   va_list args);
void spm_set_log_fn(struct spm_ctx *ctx, spm_log_fn log_fn);
int spm_get_log_priority(struct spm_ctx *ctx);
void spm_set_log_priority(struct spm_ctx *ctx, int priority);

void spm_set_userdata(struct spm_ctx *ctx, void *userdata);
void *spm_get_userdata(struct spm_ctx *ctx);

/* The reason for the last failure of a call on this context, or "". */
const char *spm_get_last_error(struct spm_ctx *ctx);

/* ------------------------------------------------------------------ */
/* Kernel capabilities and onlining policy in force                    */
/* ------------------------------------------------------------------ */

/* True when the kernel has the SPM node series (has_spm_memory exists). */
bool spm_kernel_has_spm(struct spm_ctx *ctx);
/* True when dax devices carry the spm_node attribute. */
bool spm_kernel_has_dax_spm(struct spm_ctx *ctx);
/* True when the kernel lets an SPM node's owner open it to the plain NUMA
 * API (has_spm_user_numa exists; dax devices have spm_user_numa). */
bool spm_kernel_has_spm_user_numa(struct spm_ctx *ctx);

/* /sys/devices/system/memory/auto_online_blocks, e.g. "offline". */
const char *spm_get_auto_online_blocks(struct spm_ctx *ctx);
/* memhp_default_state= from /proc/cmdline, or NULL if absent. */
const char *spm_get_cmdline_memhp_default_state(struct spm_ctx *ctx);
/* dax_hmem.spm_node= from /proc/cmdline: 1, 0, or -1 if absent. */
int spm_get_cmdline_hmem_spm_node(struct spm_ctx *ctx);
/* cxl_core.spm_node, the spm_node new CXL RAM regions start with: from
 * /sys/module/cxl_core/parameters/spm_node, else the command line; 1, 0,
 * or -1 if unknown (no cxl_core, or a kernel without it). */
int spm_get_cxl_spm_node(struct spm_ctx *ctx);
/* memory_hotplug online_policy ("contig-zones", "auto-movable") or NULL. */
const char *spm_get_online_policy(struct spm_ctx *ctx);
/* block_size_bytes; 0 when unknown. */
uint64_t spm_get_memory_block_size(struct spm_ctx *ctx);
/* Where auto_online_blocks got its value, in words: "memhp_default_state=
 * online on the kernel command line", the kernel's build default (from
 * /boot/config-RELEASE), or a write at runtime; NULL when unknown. */
const char *spm_get_auto_online_source(struct spm_ctx *ctx);
/* The i-th udev rule (from 0, in udev's order) that onlines hot-added
 * memory blocks itself, as "/usr/lib/udev/rules.d/40-redhat.rules:7"; NULL
 * past the last. udev runs it whatever auto_online_blocks says. */
const char *spm_get_onlining_udev_rule(struct spm_ctx *ctx, int i);

/* ------------------------------------------------------------------ */
/* Soft Reserved ranges (/proc/iomem)                                   */
/* ------------------------------------------------------------------ */

struct spm_range;
struct spm_range *spm_range_get_first(struct spm_ctx *ctx);
struct spm_range *spm_range_get_next(struct spm_range *range);
#define spm_range_foreach(ctx, r)                                            \
	for (r = spm_range_get_first(ctx); r != NULL; r = spm_range_get_next(r))
/* Start and size; both 0 when iomem hides addresses (not CAP_SYS_ADMIN). */
uint64_t spm_range_get_start(struct spm_range *range);
uint64_t spm_range_get_size(struct spm_range *range);
/* The dax device nested in the range in iomem, or NULL. */
const char *spm_range_get_dax_devname(struct spm_range *range);
/* True if part of the range is System RAM in iomem (kmem onlined it). */
bool spm_range_is_sysram(struct spm_range *range);

/* ------------------------------------------------------------------ */
/* hmem platform devices (/sys/devices/platform/hmem.N)                 */
/* ------------------------------------------------------------------ */

struct spm_hmem;
struct spm_hmem *spm_hmem_get_first(struct spm_ctx *ctx);
struct spm_hmem *spm_hmem_get_next(struct spm_hmem *hmem);
#define spm_hmem_foreach(ctx, h)                                             \
	for (h = spm_hmem_get_first(ctx); h != NULL; h = spm_hmem_get_next(h))
const char *spm_hmem_get_devname(struct spm_hmem *hmem); /* "hmem.0" */
int spm_hmem_get_numa_node(struct spm_hmem *hmem);
uint64_t spm_hmem_get_size(struct spm_hmem *hmem); /* dax_region/size */

/* ------------------------------------------------------------------ */
/* CXL RAM regions                                                      */
/* ------------------------------------------------------------------ */

struct spm_cxl_region;
struct spm_cxl_region *spm_cxl_region_get_first(struct spm_ctx *ctx);
struct spm_cxl_region *spm_cxl_region_get_next(struct spm_cxl_region *r);
#define spm_cxl_region_foreach(ctx, r)                                       \
	for (r = spm_cxl_region_get_first(ctx); r != NULL;                   \
	     r = spm_cxl_region_get_next(r))
const char *spm_cxl_region_get_devname(struct spm_cxl_region *r); /* region0 */
const char *spm_cxl_region_get_mode(struct spm_cxl_region *r); /* "ram" */
uint64_t spm_cxl_region_get_start(struct spm_cxl_region *r);
uint64_t spm_cxl_region_get_size(struct spm_cxl_region *r);
/* The dax region below it ("dax_region0"), or NULL. */
const char *spm_cxl_region_get_dax_region(struct spm_cxl_region *r);
int spm_cxl_region_get_num_memdevs(struct spm_cxl_region *r);
/* Serial of the i-th target memdev, UINT64_MAX when unreadable. */
uint64_t spm_cxl_region_get_memdev_serial(struct spm_cxl_region *r, int i);
const char *spm_cxl_region_get_memdev(struct spm_cxl_region *r, int i);
/* The i-th target: its endpoint decoder (decoder2.0), NULL if unreadable. */
const char *spm_cxl_region_get_decoder(struct spm_cxl_region *r, int i);

/* ------------------------------------------------------------------ */
/* dax devices (/sys/bus/dax/devices/daxX.Y)                            */
/* ------------------------------------------------------------------ */

enum spm_dax_mode {
	SPM_DAX_MODE_UNKNOWN = 0,
	SPM_DAX_MODE_NONE,	/* no driver bound */
	SPM_DAX_MODE_DEVDAX,	/* device_dax: /dev/daxX.Y */
	SPM_DAX_MODE_KMEM,	/* kmem: memory added to a node */
	SPM_DAX_MODE_OTHER,	/* some other driver */
};

struct spm_dax;
struct spm_dax *spm_dax_get_first(struct spm_ctx *ctx);
struct spm_dax *spm_dax_get_next(struct spm_dax *dax);
#define spm_dax_foreach(ctx, d)                                              \
	for (d = spm_dax_get_first(ctx); d != NULL; d = spm_dax_get_next(d))
/* Lookup by "daxX.Y"; NULL if absent. Lookups never write the last
 * error: a miss is an answer, not a failure. */
struct spm_dax *spm_dax_get_by_name(struct spm_ctx *ctx, const char *devname);

const char *spm_dax_get_devname(struct spm_dax *dax);
int spm_dax_get_region_id(struct spm_dax *dax);
uint64_t spm_dax_get_size(struct spm_dax *dax);
uint64_t spm_dax_get_align(struct spm_dax *dax); /* 0 when unreadable */
/* Physical start; 0 when unreadable (resource is 0400). */
uint64_t spm_dax_get_start(struct spm_dax *dax);
int spm_dax_get_target_node(struct spm_dax *dax); /* -1 when absent */
enum spm_dax_mode spm_dax_get_mode(struct spm_dax *dax);
const char *spm_dax_get_driver(struct spm_dax *dax); /* NULL if unbound */
/* spm_node attribute: 1, 0, or -1 when the kernel lacks it. */
int spm_dax_get_spm_node(struct spm_dax *dax);
/*
 * spm_user_numa attribute: 1, 0, or -1 when the kernel lacks it. With 1,
 * kmem adds the memory (spm_node=1 only) to a node that plain MPOL_BIND,
 * numactl --membind, libnuma, move_pages and migrate_pages may reach.
 */
int spm_dax_get_user_numa(struct spm_dax *dax);
/* Parent: hmem platform device ("hmem.0") or CXL region ("region0", only
 * when sys/bus/cxl/devices/regionN is that same directory). */
const char *spm_dax_get_hmem(struct spm_dax *dax);
const char *spm_dax_get_cxl_region(struct spm_dax *dax);
/* The libnvdimm region ("region0") of a PMEM namespace's device, or NULL. */
const char *spm_dax_get_nd_region(struct spm_dax *dax);

/*
 * Where the device's memory comes from, classified from its real sysfs path
 * the way hwloc does (an ndbus component means NVDIMM), with CXL confirmed
 * through sys/bus/cxl. Only SPM sources (hmem, CXL RAM) are acted on by a
 * wildcard ("all", the boot policy, doctor's fixes); persistent memory is
 * never onlined unless SPM_OP_DESTROY_PERSISTENCE is given.
 */
enum spm_dax_source {
	SPM_DAX_SOURCE_UNKNOWN = 0, /* path unreadable or unrecognised */
	SPM_DAX_SOURCE_HMEM,	    /* hmem.N: EFI Specific Purpose memory */
	SPM_DAX_SOURCE_CXL_RAM,	    /* a CXL region in ram mode */
	SPM_DAX_SOURCE_PMEM,	    /* NVDIMM namespace or CXL pmem region */
	SPM_DAX_SOURCE_DRIVER,	    /* a dax region of some other driver */
};
enum spm_dax_source spm_dax_get_source(struct spm_dax *dax);
/* "hmem", "cxl-ram", "pmem", "driver", "unknown". */
const char *spm_dax_source_get_name(enum spm_dax_source source);
/* True for the sources that are Specific Purpose Memory: hmem, CXL RAM. */
bool spm_dax_source_is_spm(enum spm_dax_source source);

/*
 * The device's state as far as isolation goes: the answer to "is it an
 * isolated SPM node, and if not, what is it".
 */
enum spm_dax_state {
	SPM_DAX_STATE_UNKNOWN = 0, /* kmem, but its blocks cannot be found */
	SPM_DAX_STATE_ISOLATED,	   /* kmem, every block online, SPM node */
	SPM_DAX_STATE_SYSRAM,	   /* kmem, every block online, SysRAM node */
	SPM_DAX_STATE_OFFLINE,	   /* kmem, every block offline */
	SPM_DAX_STATE_PARTIAL,	   /* kmem, some blocks online */
	SPM_DAX_STATE_DEVDAX,	   /* device_dax: /dev/daxX.Y */
	SPM_DAX_STATE_UNBOUND,	   /* no driver */
	SPM_DAX_STATE_OTHER,	   /* another driver */
	SPM_DAX_STATE_SEED,	   /* size 0: a seed device, no memory */
};
enum spm_dax_state spm_dax_get_state(struct spm_dax *dax);
/* The node the device's memory is on (its blocks'), or will be on (its
 * target_node); -1 when neither is known. */
int spm_dax_get_node(struct spm_dax *dax);
/* "isolated", "sysram", "offline", "partial", "devdax", "unbound",
 * "other", "seed", "unknown". */
const char *spm_dax_state_get_name(enum spm_dax_state state);

/* ------------------------------------------------------------------ */
/* Diagnosis: is the memory isolated, and if not why and what fixes it  */
/* ------------------------------------------------------------------ */

enum spm_severity {
	SPM_SEV_OK = 0,	 /* as it should be */
	SPM_SEV_NOTE,	 /* worth knowing; nothing (or nothing urgent) to fix */
	SPM_SEV_PROBLEM, /* memory that is meant to be isolated is not */
};
/* "ok", "note", "problem". */
const char *spm_severity_get_name(enum spm_severity severity);

/* One finding; the strings live only during the callback. */
struct spm_finding {
	size_t size; /* sizeof(struct spm_finding) of the library */
	enum spm_severity severity;
	const char *object; /* "kernel", "udev", "dax0.0", "node2",
			     * "range 0x200000000" */
	const char *reason; /* what is the case, and why */
	const char *fix;    /* a command or a change to make, or NULL */
};
typedef void (*spm_finding_fn)(void *userdata, const struct spm_finding *f);

/*
 * Every finding about the kernel and its onlining agents, the udev rules
 * that online memory, the Soft Reserved ranges without a dax device, each
 * dax device and each node, in that order. Only Specific Purpose Memory
 * gets a fix that onlines it. Returns the number of problems, or -errno.
 */
int spm_diagnose(struct spm_ctx *ctx, spm_finding_fn fn, void *userdata);
/* The findings about one dax device only. */
int spm_dax_diagnose(struct spm_dax *dax, spm_finding_fn fn, void *userdata);
/* "1.00 GiB", "512 B": the form the findings use. Returns buf. */
const char *spm_size_format(uint64_t bytes, char *buf, size_t len);

/* ------------------------------------------------------------------ */
/* NUMA nodes                                                           */
/* ------------------------------------------------------------------ */

struct spm_node;
struct spm_node *spm_node_get_first(struct spm_ctx *ctx);
struct spm_node *spm_node_get_next(struct spm_node *node);
#define spm_node_foreach(ctx, n)                                             \
	for (n = spm_node_get_first(ctx); n != NULL; n = spm_node_get_next(n))
/* NULL if absent (a devdax device's target node has no sysfs directory
 * until kmem adds memory to it); never writes the last error. */
struct spm_node *spm_node_get_by_id(struct spm_ctx *ctx, int id);

int spm_node_get_id(struct spm_node *node);
bool spm_node_is_spm(struct spm_node *node);      /* in has_spm_memory */
/* In has_spm_user_numa: its owner opened it to the plain NUMA API. False
 * also on a kernel without the file (spm_kernel_has_spm_user_numa()). */
bool spm_node_is_user_numa(struct spm_node *node);
bool spm_node_has_memory(struct spm_node *node);  /* in has_memory */
bool spm_node_has_cpu(struct spm_node *node);
const char *spm_node_get_cpulist(struct spm_node *node); /* "" if none */
uint64_t spm_node_get_mem_total(struct spm_node *node); /* bytes */
uint64_t spm_node_get_mem_free(struct spm_node *node);  /* bytes */
/*
 * Who owns an SPM node's memory. spmctl onlines and offlines dax devices
 * bound to kmem; a driver may instead add memory to an SPM node itself
 * (add_memory_driver_managed() with MHP_SPM_NODE, e.g. the kernel's
 * test_spm module): its blocks are covered by no dax device, and
 * /proc/iomem names the resource "System RAM (<driver>)". spmctl leaves
 * such memory alone.
 */
enum spm_node_owner {
	SPM_NODE_OWNER_NONE = 0, /* not an SPM node */
	SPM_NODE_OWNER_DAX,	 /* dax devices bound to kmem */
	SPM_NODE_OWNER_DRIVER,	 /* a driver; no dax device covers it */
	SPM_NODE_OWNER_UNKNOWN,	 /* an SPM node whose blocks are not found */
};
enum spm_node_owner spm_node_get_owner(struct spm_node *node);
/* "dax", "driver", "unknown", "none". */
const char *spm_node_owner_get_name(enum spm_node_owner owner);
/* The driver of a driver-owned node ("test_spm", from "System RAM
 * (test_spm)" in /proc/iomem), "unknown" when iomem does not say (its
 * addresses are hidden without root); NULL for any other node. */
const char *spm_node_get_driver(struct spm_node *node);
/*
 * The pre-flight check of an online or offline that names a node: 0 when
 * its memory is not a driver's (its dax devices are what to act on), or
 * -EPERM with result->check SPM_CHECK_DRIVER_OWNED and the reason, naming
 * the node and the driver, in result->message and the last error. Writes
 * nothing. result may be NULL; its size is set by the caller.
 */
struct spm_op_result;
int spm_node_check_ops(struct spm_node *node, struct spm_op_result *result);
/* Distance to another node id, -1 when unknown. */
int spm_node_get_distance(struct spm_node *node, int to);
/* memory_tierN that holds the node, -1 when none. */
int spm_node_get_memory_tier(struct spm_node *node);

/* ------------------------------------------------------------------ */
/* Memory blocks (/sys/devices/system/memory/memoryN)                   */
/* ------------------------------------------------------------------ */

enum spm_block_state {
	SPM_BLOCK_UNKNOWN = 0,
	SPM_BLOCK_OFFLINE,
	SPM_BLOCK_ONLINE,
	SPM_BLOCK_GOING_OFFLINE,
};

struct spm_block;
struct spm_block *spm_block_get_first(struct spm_ctx *ctx);
struct spm_block *spm_block_get_next(struct spm_block *block);
#define spm_block_foreach(ctx, b)                                            \
	for (b = spm_block_get_first(ctx); b != NULL; b = spm_block_get_next(b))
/* The blocks of one dax device (those inside its range) or one node. */
struct spm_block *spm_dax_block_get_first(struct spm_dax *dax);
struct spm_block *spm_dax_block_get_next(struct spm_block *block);
#define spm_dax_block_foreach(dax, b)                                        \
	for (b = spm_dax_block_get_first(dax); b != NULL;                    \
	     b = spm_dax_block_get_next(b))
struct spm_block *spm_node_block_get_first(struct spm_node *node);
struct spm_block *spm_node_block_get_next(struct spm_block *block);
#define spm_node_block_foreach(node, b)                                      \
	for (b = spm_node_block_get_first(node); b != NULL;                  \
	     b = spm_node_block_get_next(b))

unsigned long spm_block_get_id(struct spm_block *block); /* memoryN */
uint64_t spm_block_get_start(struct spm_block *block);
uint64_t spm_block_get_size(struct spm_block *block);
enum spm_block_state spm_block_get_state(struct spm_block *block);
/* "online", "offline", "going-offline", "unknown": as sysfs spells them. */
const char *spm_block_state_get_name(enum spm_block_state state);
/* Zone of an online block ("Movable", "Normal", "none"); for an offline
 * block the default zone the kernel would pick. */
const char *spm_block_get_zone(struct spm_block *block);
const char *spm_block_get_valid_zones(struct spm_block *block);
int spm_block_is_removable(struct spm_block *block); /* 1, 0, -1 unknown */
int spm_block_get_node(struct spm_block *block);     /* -1 unknown */
/* The dax device whose range holds the block, or NULL. */
struct spm_dax *spm_block_get_dax(struct spm_block *block);

/* ------------------------------------------------------------------ */
/* Onlining and offlining                                               */
/* ------------------------------------------------------------------ */

enum spm_zone {
	SPM_ZONE_MOVABLE = 0, /* default: online_movable */
	SPM_ZONE_KERNEL,      /* online_kernel */
};

enum spm_op_flags {
	SPM_OP_DRY_RUN = 1 << 0,     /* report the steps, change nothing */
	SPM_OP_ALLOW_SYSRAM = 1 << 1, /* online as plain SysRAM (no series) */
	SPM_OP_TO_DEVDAX = 1 << 2,   /* offline: rebind to device_dax */
	SPM_OP_NO_WAIT = 1 << 3,     /* do not wait for udev */
	SPM_OP_SYSRAM = 1 << 4,      /* online: plain SysRAM (spm_node=0)
				      * even where isolation is available */
	SPM_OP_ZONE_REQUIRED = 1 << 5, /* the zone was asked for: refuse
					* rather than skip the zone check on
					* a kernel without valid_zones */
	SPM_OP_DESTROY_PERSISTENCE = 1 << 6, /* online persistent memory
					      * (pmem) as volatile memory:
					      * its data is lost */
	SPM_OP_USER_NUMA = 1 << 7,   /* online: spm_user_numa=1 before kmem
				      * is bound (needs the attribute and
				      * SPM isolation) */
	SPM_OP_NO_USER_NUMA = 1 << 8, /* online: spm_user_numa=0; with
				       * neither flag the device keeps its
				       * value */
};

/*
 * Pre-flight checks: what an operation verifies before its first write.
 * A refusal changes nothing; spm_op_result.check names the check.
 */
enum spm_check {
	SPM_CHECK_NONE = 0,
	SPM_CHECK_SEED,		   /* size 0: a seed device (-ENODATA) */
	SPM_CHECK_PERSISTENT,	   /* pmem without
				    * SPM_OP_DESTROY_PERSISTENCE (-EPERM) */
	SPM_CHECK_SYSRAM_NODE,	   /* target node already holds System RAM:
				    * kmem would fail with EBUSY (-EBUSY) */
	SPM_CHECK_NO_VALID_ZONES,  /* no valid_zones and SPM_OP_ZONE_REQUIRED
				    * (-EOPNOTSUPP) */
	SPM_CHECK_UNREMOVABLE,	   /* a block that must go offline is not
				    * removable (-EPERM) */
	SPM_CHECK_KMEM_BLACKLISTED, /* the driver to bind is blacklisted
				     * (-EPERM) */
	SPM_CHECK_LOCKED,	   /* another process is changing the device
				    * (-EBUSY) */
	SPM_CHECK_USER_NUMA_NODE,  /* the target node already holds SPM
				    * memory with the other spm_user_numa
				    * value: kmem would fail with EBUSY
				    * (-EBUSY) */
	SPM_CHECK_DRIVER_OWNED,	   /* the memory of an SPM node that a
				    * driver owns, not a dax device
				    * (spm_node_check_ops, -EPERM) */
};
/* "seed", "persistent", "sysram-node", "no-valid-zones", "unremovable",
 * "kmem-blacklisted", "locked", "user-numa-node", "driver-owned", "none". */
const char *spm_check_get_name(enum spm_check check);

/* What one operation did: its own copy of the outcome, which no later
 * call overwrites (unlike spm_get_last_error()). */
struct spm_op_result {
	size_t size;		/* sizeof(struct spm_op_result): the caller
				 * sets it; the library fills no more */
	int err;		/* the return value: 0 or -errno */
	enum spm_check check;	/* the pre-flight check that refused */
	bool rolled_back;	/* a failure after writes was undone */
	char step[160];		/* the step that failed, "" if none */
	char message[1024];	/* what failed and why, naming the device */
	char left[512];		/* after a failed rollback: the state left */
};

/* Called once per step, before it is taken (and for a dry run instead of
 * taking it). */
typedef void (*spm_step_fn)(void *userdata, const char *step);

struct spm_op_opts {
	/* sizeof(struct spm_op_opts): members past size are read only when
	 * it covers them, so the struct can grow. 0 means the first five. */
	size_t size;
	enum spm_zone zone;
	unsigned int flags;   /* enum spm_op_flags */
	int timeout_ms;       /* per wait (udev, the device lock); <= 0
			       * means the default (10 s) */
	spm_step_fn step_fn;  /* may be NULL */
	void *step_userdata;
	struct spm_op_result *result; /* may be NULL */
};

/*
 * Make the device an isolated SPM node: offline and unbind SysRAM blocks if
 * needed, set spm_node=1 (and spm_user_numa as SPM_OP_USER_NUMA or
 * SPM_OP_NO_USER_NUMA ask), bind kmem, online the blocks in the requested
 * zone and verify. On failure every block and attribute is put back as it
 * was found, and the error names what failed.
 * Returns 0 (also when already isolated: nothing is changed, and step_fn is
 * not called), or -errno: -EOPNOTSUPP without the series (unless
 * SPM_OP_ALLOW_SYSRAM) or with SPM_OP_USER_NUMA on a kernel without
 * spm_user_numa (SPM_OP_NO_USER_NUMA is then already true); -EINVAL for SPM_OP_USER_NUMA without SPM
 * isolation (SPM_OP_SYSRAM, or SPM_OP_ALLOW_SYSRAM on a kernel without the
 * series) or with both user-numa flags; -ENODEV for a vanished device,
 * -EBUSY for a device bound to another driver, and -ENOTRECOVERABLE when
 * the rollback itself failed (the last error then says what is left).
 * Steps starting with "note: " report what another agent did (e.g. the
 * kernel's auto_online_blocks policy onlined a block first); all others
 * are changes. Afterwards the context is refreshed (spm_refresh()), so
 * getters on dax show the new state; dax stays valid.
 */
int spm_dax_online(struct spm_dax *dax, const struct spm_op_opts *opts);
/* Offline the device's blocks from the top (migrating their pages); with
 * SPM_OP_TO_DEVDAX also unbind kmem and bind device_dax (kmem is never
 * unbound while a block is online). A block the kernel cannot offline
 * (-EBUSY: pinned or unmovable pages) is named, with the likely reason,
 * and the blocks already offlined are onlined again. Same returns, steps
 * and refresh as spm_dax_online(); spm_node is left as it is. */
int spm_dax_offline(struct spm_dax *dax, const struct spm_op_opts *opts);

/* ------------------------------------------------------------------ */
/* Node masks and memory policy for applications                       */
/* ------------------------------------------------------------------ */

#define SPM_MAX_NODES 1024
struct spm_nodemask {
	unsigned long bits[SPM_MAX_NODES / (8 * sizeof(unsigned long))];
};

void spm_nodemask_zero(struct spm_nodemask *mask);
void spm_nodemask_set(struct spm_nodemask *mask, int node);
bool spm_nodemask_isset(const struct spm_nodemask *mask, int node);
int spm_nodemask_weight(const struct spm_nodemask *mask);
/* Print as a list ("0-2,4"); returns the length or -ENOSPC. */
int spm_nodemask_format(const struct spm_nodemask *mask, char *buf,
			size_t len);
/*
 * Parse a node list in numactl's syntax: "2", "0-3,5", "all" (every node
 * with memory), "spm" (every SPM node), "!1" (every node with memory but
 * those listed); "+1", whitespace and "0x" are not accepted. Nodes are
 * checked against the current sysfs, not a snapshot: range endpoints must
 * exist (holes inside a range are skipped). Returns 0; -EINVAL for bad
 * syntax, a node >= SPM_MAX_NODES or an empty result, with the offending
 * token in the last error; -ENODEV for a node that does not exist;
 * -EOPNOTSUPP for "spm" on a kernel without the series.
 */
int spm_nodemask_parse(struct spm_ctx *ctx, const char *str,
		       struct spm_nodemask *mask);
/*
 * The same syntax for a policy that takes SPM nodes only (spm_mbind,
 * spm_set_task_policy): "all" means every SPM node, like "spm", and "!1"
 * every SPM node but 1. -EOPNOTSUPP for "all" or "!" on a kernel without
 * the series.
 */
int spm_nodemask_parse_spm(struct spm_ctx *ctx, const char *str,
			   struct spm_nodemask *mask);

enum spm_mbind_flags {
	SPM_MBIND_MOVE = 1 << 0,   /* MPOL_MF_MOVE */
	SPM_MBIND_STRICT = 1 << 1, /* MPOL_MF_STRICT */
};

/* mbind(MPOL_BIND | MPOL_F_SPM_NODE) on [addr, addr + len). Every node of
 * the mask must be an SPM node. -EOPNOTSUPP on a kernel without the series
 * (never a silent plain bind). */
int spm_mbind(struct spm_ctx *ctx, void *addr, size_t len,
	      const struct spm_nodemask *mask, unsigned int flags);
/* Anonymous mapping bound to one SPM node, faulted lazily. NULL + errno. */
void *spm_alloc_onnode(struct spm_ctx *ctx, size_t size, int node);
void spm_free(void *ptr, size_t size);
/* set_mempolicy(MPOL_BIND | MPOL_F_SPM_NODE): for the calling task and
 * what it forks and execs. */
int spm_set_task_policy(struct spm_ctx *ctx, const struct spm_nodemask *mask);

#ifdef __cplusplus
}
#endif

#endif /* _LIBSPM_H_ */
