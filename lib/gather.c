// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Capture: copy the files libspm reads, from the context root into a
 * directory, so that the copy can be read back as a root (SPM_SYSFS_ROOT,
 * spmctl --sysroot) and gives the same answers. For bug reports and test
 * fixtures, as hwloc-gather-topology and util-linux's lsmem dumps do.
 *
 * Files are copied by reading them (sysfs reports 4096 bytes for every
 * attribute, so tar(1) on /sys itself would pad them with zeros), links
 * are recreated as they are, and attributes nobody may read (write-only
 * bind/unbind, root-only resource as non-root) become empty files or are
 * left out. The list below is what discovery, the operations and the
 * policy read; keep it in step with them (tests/unit/test-gather.sh checks
 * that every fixture reads back the same).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libspm-discovery.h"

struct gather {
	struct spm_ctx *ctx;
	const char *dest;
	int copied;
};

/* mkdir -p of dest/rel's parent directory. */
static int make_parents(struct gather *g, const char *rel)
{
	char path[SPM_PATH_MAX], *p;
	size_t base;

	if (snprintf(path, sizeof(path), "%s/%s", g->dest, rel) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	base = strlen(g->dest) + 1;
	for (p = path + base; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return 0;
}

static int copy_link(struct gather *g, const char *rel)
{
	char target[SPM_PATH_MAX], path[SPM_PATH_MAX];
	ssize_t n;
	int rc;

	n = readlinkat(g->ctx->root_fd, rel, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	rc = make_parents(g, rel);
	if (rc < 0)
		return rc;
	snprintf(path, sizeof(path), "%s/%s", g->dest, rel);
	if (symlink(target, path) < 0 && errno != EEXIST)
		return -errno;
	g->copied++;
	return 0;
}

/* A regular file, by reading it; an unreadable one (write-only sysfs
 * attributes) becomes an empty file so that its existence is kept. */
static int copy_file(struct gather *g, const char *rel)
{
	char path[SPM_PATH_MAX], buf[65536];
	int in, out, rc = 0;
	ssize_t n;

	rc = make_parents(g, rel);
	if (rc < 0)
		return rc;
	snprintf(path, sizeof(path), "%s/%s", g->dest, rel);
	in = openat(g->ctx->root_fd, rel, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (in < 0 && errno != EACCES && errno != EPERM)
		return 0; /* gone meanwhile: nothing to keep */
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		rc = -errno;
		if (in >= 0)
			close(in);
		return rc;
	}
	/* attributes are small; a file that is not is not one we read */
	while (in >= 0 && (n = read(in, buf, sizeof(buf))) > 0) {
		if (write(out, buf, (size_t)n) != n) {
			rc = -EIO;
			break;
		}
	}
	if (in >= 0)
		close(in);
	if (close(out) < 0 && !rc)
		rc = -errno;
	if (!rc)
		g->copied++;
	return rc;
}

static int copy_any(struct gather *g, const char *rel);

/*
 * Copy a directory's entries: files and links always; subdirectories
 * down to depth more levels, and only those accept() takes (NULL: all).
 */
static int copy_dir(struct gather *g, const char *rel, int depth,
		    bool (*accept)(const char *name))
{
	char child[SPM_PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *dir;
	int rc = 0;

	dir = spm_opendir_rel(g->ctx, rel);
	if (!dir)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
	while (rc == 0 && (de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		if (snprintf(child, sizeof(child), "%s/%s", rel, de->d_name) >=
		    (int)sizeof(child))
			continue;
		if (fstatat(g->ctx->root_fd, child, &st, AT_SYMLINK_NOFOLLOW))
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (depth > 0 && (!accept || accept(de->d_name)))
				rc = copy_dir(g, child, depth - 1, NULL);
		} else {
			rc = copy_any(g, child);
		}
	}
	closedir(dir);
	return rc;
}

static int copy_any(struct gather *g, const char *rel)
{
	struct stat st;

	if (fstatat(g->ctx->root_fd, rel, &st, AT_SYMLINK_NOFOLLOW))
		return 0; /* absent: nothing to keep */
	if (S_ISLNK(st.st_mode))
		return copy_link(g, rel);
	if (S_ISREG(st.st_mode))
		return copy_file(g, rel);
	if (S_ISDIR(st.st_mode))
		return copy_dir(g, rel, 0, NULL);
	return 0;
}

static bool numbered(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);

	return !strncmp(name, prefix, n) && name[n] >= '0' && name[n] <= '9';
}

static bool is_block(const char *name)
{
	return numbered(name, "memory");
}

static bool is_node(const char *name)
{
	return numbered(name, "node");
}

static bool is_tier(const char *name)
{
	return numbered(name, "memory_tier");
}

/* A memdev's partitions and a region's dax region; not, e.g., a memdev's
 * firmware upload device. */
static bool is_cxl_part(const char *name)
{
	return !strcmp(name, "ram") || !strcmp(name, "pmem") ||
	       numbered(name, "dax_region");
}

static bool is_mapping_or_region(const char *name)
{
	return numbered(name, "mapping") || !strcmp(name, "dax_region");
}

/*
 * Every entry of a bus's devices/ (links), and for each the attributes of
 * its real directory and of the directories above it up to sys/devices:
 * that is where a dax device's parent (hmem.N, a CXL region, an ndbus)
 * and the CXL walk (region -> decoder -> endpoint -> memdev) are read.
 */
static int copy_bus(struct gather *g, const char *bus, int depth,
		    bool (*sub)(const char *))
{
	char rel[SPM_PATH_MAX], real[SPM_PATH_MAX], *slash;
	struct dirent *de;
	DIR *dir;
	int rc = 0;

	snprintf(rel, sizeof(rel), "%s/devices", bus);
	dir = spm_opendir_rel(g->ctx, rel);
	if (!dir)
		return 0; /* no such bus: nothing to keep */
	while (rc == 0 && (de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(rel, sizeof(rel), "%s/devices/%s", bus, de->d_name);
		rc = copy_any(g, rel);
		if (rc < 0 || spm_realpath_rel(g->ctx, real, sizeof(real),
					       "%s", rel) <= 0) {
			spm_clear_error(g->ctx);
			continue;
		}
		rc = copy_dir(g, real, depth, sub);
		/* the attributes of every directory above it */
		while (rc == 0 && (slash = strrchr(real, '/')) &&
		       slash - real > (long)strlen("sys/devices")) {
			*slash = '\0';
			rc = copy_dir(g, real, 1, is_mapping_or_region);
		}
	}
	closedir(dir);
	return rc;
}

static int copy_udev_rules(struct gather *g)
{
	static const char *const dirs[] = {
		"etc/udev/rules.d",	      "run/udev/rules.d",
		"usr/local/lib/udev/rules.d", "usr/lib/udev/rules.d",
		"lib/udev/rules.d",
	};
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < sizeof(dirs) / sizeof(dirs[0]); i++)
		rc = copy_dir(g, dirs[i], 0, NULL);
	return rc;
}

int spm_gather(struct spm_ctx *ctx, const char *dest)
{
	static const char *const files[] = {
		"proc/iomem", "proc/cmdline", "proc/sys/kernel/osrelease",
	};
	struct gather g = { .ctx = ctx, .dest = dest };
	char rel[SPM_PATH_MAX], release[128];
	struct stat st;
	size_t i;
	int rc = 0;

	if (!ctx || !dest)
		return -EINVAL;
	if (ctx->root_fd < 0)
		return spm_set_error(ctx, -(ctx->root_errno ?: ENOENT),
				     "%s: %s", ctx->root,
				     strerror(ctx->root_errno ?: ENOENT));
	if (stat(dest, &st) < 0 || !S_ISDIR(st.st_mode))
		return spm_set_error(ctx, -ENOTDIR, "%s: not a directory",
				     dest);
	for (i = 0; rc == 0 && i < sizeof(files) / sizeof(files[0]); i++)
		rc = copy_any(&g, files[i]);
	if (rc == 0 && spm_try_read_str(ctx, release, sizeof(release),
					"proc/sys/kernel/osrelease") > 0) {
		snprintf(rel, sizeof(rel), "boot/config-%s", release);
		rc = copy_any(&g, rel);
	}
	if (rc == 0)
		rc = copy_dir(&g, "sys/devices/system/memory", 1, is_block);
	if (rc == 0)
		rc = copy_dir(&g, "sys/devices/system/node", 1, is_node);
	if (rc == 0)
		rc = copy_dir(&g, "sys/devices/virtual/memory_tiering", 1,
			      is_tier);
	if (rc == 0)
		rc = copy_dir(&g, "sys/module/memory_hotplug/parameters", 0,
			      NULL);
	if (rc == 0)
		rc = copy_dir(&g, "sys/module/dax_hmem/parameters", 0, NULL);
	if (rc == 0)
		rc = copy_dir(&g, "sys/module/cxl_core/parameters", 0, NULL);
	if (rc == 0)
		rc = copy_any(&g, "sys/bus/dax/drivers_autoprobe");
	if (rc == 0)
		rc = copy_dir(&g, "sys/bus/dax/drivers", 1, NULL);
	if (rc == 0)
		rc = copy_bus(&g, "sys/bus/dax", 1, is_mapping_or_region);
	if (rc == 0)
		rc = copy_bus(&g, "sys/bus/cxl", 1, is_cxl_part);
	if (rc == 0)
		rc = copy_bus(&g, "sys/bus/nd", 0, NULL);
	if (rc == 0)
		rc = copy_dir(&g, "sys/bus/platform/drivers/hmem", 0, NULL);
	if (rc == 0)
		rc = copy_dir(&g, "etc/spm", 1, NULL);
	if (rc == 0)
		rc = copy_udev_rules(&g);
	if (rc < 0)
		return spm_set_error(ctx, rc, "gathering into %s: %s", dest,
				     strerror(-rc));
	return g.copied;
}
