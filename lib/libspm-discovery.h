/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Private structures of the discovery half of libspm: the context and the
 * objects it caches. Not installed.
 *
 * Lifetime rule: an object, once handed out, stays at the same address
 * until spm_unref(). spm_refresh() updates the objects that still exist in
 * place (matched by name or id) and marks vanished ones stale: a stale
 * object keeps its last values, is no longer iterated, and its get_next
 * returns NULL. So a caller that holds a struct spm_dax across an operation
 * and a refresh reads fresh values through the same pointer.
 */
#ifndef _LIBSPM_DISCOVERY_H_
#define _LIBSPM_DISCOVERY_H_

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "libspm-private.h"

#define SPM_NAME_MAX 64
#define SPM_ERR_MAX 1024
#define SPM_BLOCK_CHUNK 1024
#define SPM_MAX_UDEV_RULES 8

/* Copy a directory entry name into a SPM_NAME_MAX field. */
static inline void spm_copy_name(char *dst, const char *src)
{
	size_t n = strlen(src);

	if (n >= SPM_NAME_MAX)
		n = SPM_NAME_MAX - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* A growable array of pointers. */
struct spm_vec {
	void **v;
	size_t n, cap;
};

int spm_vec_push(struct spm_vec *vec, void *p);
void spm_vec_free(struct spm_vec *vec, void (*free_fn)(void *));
/* Sort the objects with a qsort comparator over the pointers (cmp may be
 * NULL to keep the order), then store each one's position in the size_t at
 * idx_off inside it, so that get_next is one index step. */
void spm_vec_sort_index(struct spm_vec *vec,
			int (*cmp)(const void *, const void *), size_t idx_off);
/* The object after position idx, or NULL past the end. */
void *spm_vec_next(const struct spm_vec *vec, size_t idx);

/* One line of /proc/iomem. */
struct spm_iomem_entry {
	uint64_t start, end; /* inclusive; both 0 when hidden */
	int depth; /* indent / 2 */
	int parent; /* index of the enclosing entry, -1 at top */
	char name[SPM_NAME_MAX];
};

/*
 * Parse the text of /proc/iomem. Returns the number of entries (>= 0) and
 * a malloc'ed array in *out, or -EINVAL with the bad line number in *line.
 */
int spm_iomem_parse(const char *text, struct spm_iomem_entry **out, int *line);

/* "Node 2 MemTotal:  1048576 kB" lines; returns 0 when both were found. */
int spm_meminfo_parse(const char *text, uint64_t *total, uint64_t *free);

struct spm_range {
	struct spm_ctx *ctx;
	uint64_t start, end;
	bool hidden;
	bool sysram;
	bool present;
	size_t idx;
	char dax[SPM_NAME_MAX];
};

struct spm_hmem {
	struct spm_ctx *ctx;
	int id;
	int numa_node;
	uint64_t size;
	bool present;
	size_t idx;
	char devname[SPM_NAME_MAX];
};

struct spm_cxl_region {
	struct spm_ctx *ctx;
	int id;
	uint64_t start, size;
	int num_memdevs;
	char **memdevs;
	char **decoders; /* target endpoint decoders, as memdevs */
	uint64_t *serials;
	bool present;
	size_t idx;
	char devname[SPM_NAME_MAX];
	char mode[16];
	char dax_region[SPM_NAME_MAX];
};

struct spm_block;

struct spm_dax {
	struct spm_ctx *ctx;
	int region_id, dev_id;
	uint64_t size, align, start;
	int target_node;
	int spm_node;
	int user_numa; /* spm_user_numa: 1, 0, -1 absent */
	enum spm_dax_mode mode;
	bool present;
	size_t idx;
	struct spm_block *first_block;
	unsigned long nr_blocks;
	char devname[SPM_NAME_MAX];
	char driver[SPM_NAME_MAX];
	enum spm_dax_source source;
	char hmem[SPM_NAME_MAX];
	char cxl_region[SPM_NAME_MAX];
	char nd_region[SPM_NAME_MAX];
};

struct spm_node {
	struct spm_ctx *ctx;
	int id;
	bool is_spm, has_memory, has_cpu;
	bool user_numa; /* in has_spm_user_numa */
	uint64_t mem_total, mem_free;
	int nr_distance;
	int *distance;
	int tier;
	bool present;
	size_t idx;
	char *cpulist;
	struct spm_block *first_block, *last_block;
	unsigned long nr_blocks;
	/* owner.c: the driver of a driver-owned node, set by
	 * spm_node_get_owner() */
	char driver[SPM_NAME_MAX];
};

/* spm_block.removable before spm_block_is_removable() read it */
#define REMOVABLE_UNREAD ((signed char)-2)

struct spm_block {
	struct spm_ctx *ctx;
	unsigned long id;
	uint64_t start;
	enum spm_block_state state;
	signed char removable; /* 1, 0, -1 unknown, REMOVABLE_UNREAD */
	bool present;
	unsigned char zone_len; /* first word of valid_zones */
	int node;
	size_t idx;
	struct spm_dax *dax;
	struct spm_block *dax_next, *node_next;
	char valid_zones[40];
};

/* Everything the scan found, cached in the context. */
struct spm_disc {
	/* kernel.c */
	bool kernel_done;
	bool has_spm, has_dax_spm;
	bool has_user_numa; /* has_spm_user_numa exists */
	int hmem_spm_node;
	int cxl_spm_node; /* cxl_core.spm_node: 1, 0, -1 unknown */
	uint64_t block_size;
	char auto_online[32];
	char memhp_state[32];
	char online_policy[32];
	bool have_auto_online, have_memhp_state, have_online_policy;
	/* agents.c: where auto_online_blocks came from; udev rules that
	 * online memory ("/usr/lib/udev/rules.d/40-redhat.rules:7") */
	bool agents_done;
	char auto_online_source[320];
	int nr_udev_rules;
	char udev_rules[SPM_MAX_UDEV_RULES][SPM_PATH_MAX / 8];

	bool ranges_done, hmem_done, cxl_done, dax_done, nodes_done;
	bool blocks_done;
	/* iomem.c: all of /proc/iomem, and the Soft Reserved subset */
	struct spm_iomem_entry *iomem;
	int nr_iomem;
	struct spm_vec ranges, ranges_all;
	struct spm_vec hmem, hmem_all;
	struct spm_vec cxl, cxl_all;
	struct spm_vec dax, dax_all;
	struct spm_vec nodes, nodes_all;
	/* blocks: sorted by id; blocks_all owns chunks of SPM_BLOCK_CHUNK */
	struct spm_vec blocks, blocks_all;
	size_t block_chunk_used;
	/* id -> block for dense ids (NULL when ids are sparse) */
	struct spm_block **block_by_id;
	unsigned long block_by_id_len;
};

struct spm_ctx {
	int refcount;
	char *root; /* as given, "/" on a live system */
	char *root_real; /* realpath of root, "" for "/" */
	int root_fd; /* O_PATH directory, -1 when the root is unusable */
	int root_errno;
	spm_log_fn log_fn;
	int log_priority;
	void *userdata;
	spm_write_hook_fn write_hook;
	void *write_hook_data;
	char last_error[SPM_ERR_MAX];
	struct spm_disc disc;
};

/* Scans (each idempotent until spm_refresh(); 0 or -errno). */
int spm_scan_kernel(struct spm_ctx *ctx);
int spm_scan_ranges(struct spm_ctx *ctx);
int spm_scan_hmem(struct spm_ctx *ctx);
int spm_scan_cxl(struct spm_ctx *ctx);
int spm_scan_dax(struct spm_ctx *ctx);
int spm_scan_nodes(struct spm_ctx *ctx);
int spm_scan_blocks(struct spm_ctx *ctx);
/* Mark every cache out of date (objects stay allocated). */
void spm_disc_invalidate(struct spm_ctx *ctx);
void spm_disc_free(struct spm_ctx *ctx);
/* Destructors of objects that own memory (for spm_vec_free). */
void spm_cxl_region_free(void *p);
void spm_node_free(void *p);

/* owner.c: "driver test_spm", or words for a driver iomem does not
 * name; "" when the node is not a driver's. */
const char *spm_node_owner_words(struct spm_node *node, char *buf,
				 size_t len);

/* sysfs.c extras used by discovery. */
/* Open a root-relative path (O_RDONLY | O_CLOEXEC | flags): fd or -errno. */
int spm_open_rel(struct spm_ctx *ctx, const char *rel, int flags);
/* opendir() of a root-relative directory; NULL with errno set. */
DIR *spm_opendir_rel(struct spm_ctx *ctx, const char *rel);
/* spm_read_str() for optional attributes: failures are not recorded. */
int spm_try_read_str(struct spm_ctx *ctx, char *buf, size_t len,
		     const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Read a whole file of any size into a malloc'ed NUL-terminated buffer. */
int spm_read_file(struct spm_ctx *ctx, char **buf, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Read a small file relative to an open directory (no error recorded). */
int spm_read_at(int dirfd, const char *name, char *buf, size_t len);
/* Resolve symlinks like readlink -f; result relative to the root, without
 * the leading '/', e.g. "sys/devices/platform/hmem.0/dax0.0". */
int spm_realpath_rel(struct spm_ctx *ctx, char *buf, size_t len,
		     const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A boolean attribute of a dax device (spm_node, spm_user_numa): 1, 0,
 * or -1 when the kernel lacks it (dax.c). */
int spm_dax_read_bool(struct spm_ctx *ctx, const char *devname,
		      const char *attr);
/* Parse a decimal/hex number from a sysfs value (trailing spaces ok). */
int spm_parse_u64(const char *s, int base, uint64_t *val);

#endif /* _LIBSPM_DISCOVERY_H_ */
