// SPDX-License-Identifier: GPL-2.0-only
/*
 * Synthetic trees and a simulated kernel for the operation tests; see
 * fixture.h. The simulation follows the 6.12 rules the library relies on
 * (drivers/base/memory.c, spm-abi.md §6): writing a block's current state
 * again is EINVAL; online_movable makes valid_zones "Movable"; binding
 * kmem adds the blocks offline (or online, with auto-online), unbinding
 * removes them; spm_node cannot change while kmem is bound (EBUSY); a
 * device matches device_dax only through new_id (6.12 matches devices of
 * IORESOURCE_DAX_KMEM regions, such as hmem's, to kmem by type), and kmem
 * too when asked to.
 */
/* path buffers are sized for the test trees, not for any path */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"

#define DEV "sys/devices/platform/hmem.0/dax0.0"
#define MEM "sys/devices/system/memory"
#define NODE "sys/devices/system/node"
#define DRV "sys/bus/dax/drivers"

static int mkdirs(const char *path)
{
	char tmp[4096], *p;

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(tmp, 0755) && errno != EEXIST)
		return -1;
	return 0;
}

static int put(const char *root, const char *rel, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int put(const char *root, const char *rel, const char *fmt, ...)
{
	char path[4096], dir[4096], *slash;
	va_list ap;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	*slash = '\0';
	if (mkdirs(dir))
		return -1;
	f = fopen(path, "w");
	if (!f)
		return -1;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	return fclose(f);
}

static int get(const char *root, const char *rel, char *buf, size_t len)
{
	char path[4096];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

static int link_at(const char *root, const char *rel, const char *target)
{
	char path[4096], dir[4096], *slash;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	*slash = '\0';
	if (mkdirs(dir))
		return -1;
	return symlink(target, path);
}

static void unlink_at(const char *root, const char *rel)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	unlink(path);
}

static bool exists(const char *root, const char *rel)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	return lstat(path, &st) == 0;
}

static int rm_fn(const char *path, const struct stat *st, int flag,
		 struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void rm_rf(const char *path)
{
	nftw(path, rm_fn, 16, FTW_DEPTH | FTW_PHYS);
}

void fix_remove(const char *root)
{
	rm_rf(root);
}

/* ---- pieces of the tree ---- */

static const char *driver_of(const char *root, char *buf, size_t len)
{
	char path[4096];
	const char *base;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/" DEV "/driver", root);
	n = readlink(path, buf, len - 1);
	if (n < 0)
		return "";
	buf[n] = '\0';
	base = strrchr(buf, '/');
	return base ? base + 1 : buf;
}

/* A kernel without CONFIG_MEMORY_HOTREMOVE shows no valid_zones: the tree
 * says which kernel it is by its boot block. */
static bool has_valid_zones(const char *root)
{
	return exists(root, MEM "/memory0/valid_zones");
}

static int write_block(const char *root, unsigned long id, bool online,
		       const char *zone)
{
	char rel[256];

	snprintf(rel, sizeof(rel), MEM "/memory%lu/state", id);
	if (put(root, rel, "%s\n", online ? "online" : "offline"))
		return -1;
	snprintf(rel, sizeof(rel), MEM "/memory%lu/online", id);
	put(root, rel, "%d\n", online);
	snprintf(rel, sizeof(rel), MEM "/memory%lu/valid_zones", id);
	/* an offline block lists the default zone first */
	if (id == 0 || has_valid_zones(root))
		put(root, rel, "%s\n", online ? zone : "Normal Movable");
	return 0;
}

static int add_block(const char *root, unsigned long id, int node, bool online,
		     const char *zone)
{
	char rel[256], target[64];

	if (write_block(root, id, online, zone))
		return -1;
	snprintf(rel, sizeof(rel), MEM "/memory%lu/removable", id);
	put(root, rel, "1\n");
	snprintf(rel, sizeof(rel), MEM "/memory%lu/phys_index", id);
	put(root, rel, "%08lx\n", id);
	snprintf(rel, sizeof(rel), MEM "/memory%lu/node%d", id, node);
	snprintf(target, sizeof(target), "../../node/node%d", node);
	link_at(root, rel, target);
	snprintf(rel, sizeof(rel), NODE "/node%d/memory%lu", node, id);
	snprintf(target, sizeof(target), "../../memory/memory%lu", id);
	return link_at(root, rel, target);
}

static void remove_block(const char *root, unsigned long id, int node)
{
	char rel[256], path[4096];

	snprintf(rel, sizeof(rel), NODE "/node%d/memory%lu", node, id);
	unlink_at(root, rel);
	snprintf(path, sizeof(path), "%s/" MEM "/memory%lu", root, id);
	rm_rf(path);
}

static void write_iomem(const char *root)
{
	char buf[256];
	const char *drv = driver_of(root, buf, sizeof(buf));

	put(root, "proc/iomem",
	    "00000000-00000fff : Reserved\n"
	    "00001000-0009fbff : System RAM\n"
	    "00100000-bffdffff : System RAM\n"
	    "  01000000-01ffffff : Kernel code\n"
	    "100000000-13fffffff : Soft Reserved\n"
	    "%s%s",
	    drv[0] ? "  100000000-13fffffff : dax0.0\n" : "",
	    !strcmp(drv, "kmem") ?
		    "    100000000-13fffffff : System RAM (kmem)\n" :
		    "");
}

/* Node 2's state lists follow its blocks, as N_MEMORY does; the SPM type
 * and the owner's opt-in were latched when kmem added the memory. */
static void write_node_lists(const char *root, bool spm, bool user_numa)
{
	bool online = false, normal = false;
	char rel[256], buf[64];
	unsigned long id;

	for (id = FIX_FIRST_BLOCK; id < FIX_FIRST_BLOCK + FIX_NR_BLOCKS; id++) {
		snprintf(rel, sizeof(rel), MEM "/memory%lu/state", id);
		if (get(root, rel, buf, sizeof(buf)) || strcmp(buf, "online"))
			continue;
		online = true;
		snprintf(rel, sizeof(rel), MEM "/memory%lu/valid_zones", id);
		if (!get(root, rel, buf, sizeof(buf)) && strcmp(buf, "Movable"))
			normal = true;
	}
	put(root, NODE "/has_memory", "%s\n", online ? "0-2" : "0-1");
	put(root, NODE "/has_normal_memory", "%s\n", normal ? "0-2" : "0-1");
	if (exists(root, NODE "/has_spm_memory"))
		put(root, NODE "/has_spm_memory", "%s\n",
		    online && spm ? "2" : "");
	if (exists(root, NODE "/has_spm_user_numa"))
		put(root, NODE "/has_spm_user_numa", "%s\n",
		    online && spm && user_numa ? "2" : "");
}

static void bind_links(const char *root, const char *driver)
{
	char rel[256], target[256];

	snprintf(target, sizeof(target), "../../../../bus/dax/drivers/%s",
		 driver);
	link_at(root, DEV "/driver", target);
	snprintf(rel, sizeof(rel), DRV "/%s/dax0.0", driver);
	link_at(root, rel, "../../../../devices/platform/hmem.0/dax0.0");
}

static void unbind_links(const char *root, const char *driver)
{
	char rel[256];

	unlink_at(root, DEV "/driver");
	snprintf(rel, sizeof(rel), DRV "/%s/dax0.0", driver);
	unlink_at(root, rel);
}

int fix_create(const char *root, const char *scenario)
{
	bool series = strcmp(scenario, "synthetic-no-series") != 0;
	/* a kernel with spm_user_numa (spm-abi.md 7a), the device at 0 */
	bool user_numa = !strncmp(scenario, "synthetic-user-numa-", 20);
	const char *driver = "kmem";
	const char *zone = "Movable";
	bool online = false;
	char path[4096];
	int spm = 1, i;

	if (!strcmp(scenario, "synthetic-hmem-kmem-offline") ||
	    !strcmp(scenario, "synthetic-no-valid-zones")) {
		/* the defaults */
	} else if (!strcmp(scenario, "synthetic-devdax-idle") ||
		   !strcmp(scenario, "synthetic-no-series") ||
		   !strcmp(scenario, "synthetic-user-numa-devdax")) {
		driver = "device_dax";
		spm = 0;
	} else if (!strcmp(scenario, "synthetic-online-movable") ||
		   !strcmp(scenario, "synthetic-user-numa-online")) {
		online = true;
	} else if (!strcmp(scenario, "synthetic-sysram-movable")) {
		online = true;
		spm = 0;
	} else if (!strcmp(scenario, "synthetic-mixed-zones")) {
		online = true;
	} else if (!strcmp(scenario, "synthetic-unbound")) {
		driver = "";
		spm = 0;
	} else {
		errno = EINVAL;
		return -1;
	}
	if (mkdirs(root))
		return -1;

	put(root, "proc/cmdline",
	    "BOOT_IMAGE=/vmlinuz root=/dev/vda console=ttyS0 memhp_default_state=offline\n");
	put(root, "proc/self/status",
	    "Name:\tspmctl\nState:\tR (running)\n"
	    "Cpus_allowed_list:\t0-1\n"
	    "Mems_allowed:\t00000000,00000007\n"
	    "Mems_allowed_list:\t0-2\n");
	put(root, "sys/module/memory_hotplug/parameters/online_policy",
	    "contig-zones\n");
	put(root, MEM "/block_size_bytes", "8000000\n");
	put(root, MEM "/auto_online_blocks", "offline\n");
	add_block(root, 0, 0, true, "DMA32");
	add_block(root, 8, 1, true, "Normal");

	put(root, NODE "/possible", "0-2\n");
	put(root, NODE "/online", "0-2\n");
	put(root, NODE "/has_cpu", "0-1\n");
	if (series)
		put(root, NODE "/has_spm_memory", "\n");
	if (user_numa)
		put(root, NODE "/has_spm_user_numa", "\n");
	for (i = 0; i < 3; i++) {
		char rel[256];

		snprintf(rel, sizeof(rel), NODE "/node%d/cpulist", i);
		put(root, rel, "%s\n", i == 0 ? "0" : i == 1 ? "1" : "");
		snprintf(rel, sizeof(rel), NODE "/node%d/distance", i);
		put(root, rel, "%s\n",
		    i == 0 ? "10 20 20" :
		    i == 1 ? "20 10 20" :
			     "20 20 10");
		snprintf(rel, sizeof(rel), NODE "/node%d/meminfo", i);
		put(root, rel,
		    "Node %d MemTotal:        %d kB\nNode %d MemFree:         %d kB\n",
		    i, i < 2 ? 1048576 : 0, i, i < 2 ? 524288 : 0);
	}

	put(root, "sys/devices/platform/hmem.0/numa_node", "2\n");
	put(root, "sys/devices/platform/hmem.0/modalias", "platform:hmem\n");
	put(root, "sys/devices/platform/hmem.0/dax_region/id", "0\n");
	put(root, "sys/devices/platform/hmem.0/dax_region/size",
	    "1073741824\n");
	put(root, "sys/devices/platform/hmem.0/dax_region/align", "2097152\n");
	link_at(root, "sys/devices/platform/hmem.0/driver",
		"../../../bus/platform/drivers/hmem");
	snprintf(path, sizeof(path), "%s/sys/bus/platform/drivers/hmem", root);
	mkdirs(path);
	put(root, DEV "/size", "1073741824\n");
	put(root, DEV "/resource", "0x100000000\n");
	put(root, DEV "/target_node", "2\n");
	put(root, DEV "/numa_node", "0\n");
	put(root, DEV "/align", "2097152\n");
	put(root, DEV "/modalias", "dax:t0\n");
	put(root, DEV "/memmap_on_memory", "0\n");
	if (series)
		put(root, DEV "/spm_node", "%d\n", spm);
	if (user_numa)
		put(root, DEV "/spm_user_numa", "0\n");
	link_at(root, "sys/bus/dax/devices/dax0.0",
		"../../../devices/platform/hmem.0/dax0.0");
	put(root, "sys/bus/dax/drivers_autoprobe", "1\n");
	for (i = 0; i < 2; i++) {
		const char *d = i ? "device_dax" : "kmem";
		static const char *const files[] = { "bind", "unbind", "new_id",
						     "remove_id" };
		size_t f;

		for (f = 0; f < 4; f++) {
			char rel[256];

			snprintf(rel, sizeof(rel), DRV "/%s/%s", d, files[f]);
			put(root, rel, "%s", "");
		}
	}
	if (driver[0])
		bind_links(root, driver);
	if (!strcmp(driver, "kmem")) {
		unsigned long id;

		for (id = FIX_FIRST_BLOCK; id < FIX_FIRST_BLOCK + FIX_NR_BLOCKS;
		     id++) {
			if (!strcmp(scenario, "synthetic-mixed-zones"))
				zone = id < FIX_FIRST_BLOCK + 4 ? "Normal" :
								  "Movable";
			if (add_block(root, id, 2, online, zone))
				return -1;
		}
	}
	write_iomem(root);
	write_node_lists(root, spm, false);
	if (!strcmp(scenario, "synthetic-no-valid-zones")) {
		/* no CONFIG_MEMORY_HOTREMOVE: no valid_zones, removable 0 */
		static const unsigned long boot[] = { 0, 8 };
		unsigned long id;
		char rel[256];

		for (id = 0; id < FIX_FIRST_BLOCK + FIX_NR_BLOCKS; id++) {
			if (id >= 2 && id < FIX_FIRST_BLOCK && id != boot[1])
				continue;
			snprintf(rel, sizeof(rel), MEM "/memory%lu/valid_zones",
				 id);
			unlink_at(root, rel);
			snprintf(rel, sizeof(rel), MEM "/memory%lu/removable",
				 id);
			if (exists(root, rel))
				put(root, rel, "0\n");
		}
	}
	return 0;
}

/* ---- snapshots ---- */

static char *snap_buf;
static size_t snap_len, snap_cap;
static size_t snap_root_len;

static void snap_add(const char *line)
{
	size_t n = strlen(line);

	if (snap_len + n + 2 > snap_cap) {
		snap_cap = (snap_len + n + 2) * 2;
		snap_buf = realloc(snap_buf, snap_cap);
		if (!snap_buf)
			abort();
	}
	memcpy(snap_buf + snap_len, line, n);
	snap_len += n;
	snap_buf[snap_len++] = '\n';
	snap_buf[snap_len] = '\0';
}

static int snap_fn(const char *path, const struct stat *st, int flag,
		   struct FTW *ftw)
{
	char line[8192], content[4096];
	ssize_t n;
	int fd;

	(void)ftw;
	if (flag == FTW_SL) {
		n = readlink(path, content, sizeof(content) - 1);
		content[n < 0 ? 0 : n] = '\0';
		snprintf(line, sizeof(line), "l %s -> %s", path + snap_root_len,
			 content);
	} else if (flag == FTW_D) {
		snprintf(line, sizeof(line), "d %s", path + snap_root_len);
	} else {
		content[0] = '\0';
		fd = open(path, O_RDONLY);
		if (fd >= 0) {
			n = read(fd, content, sizeof(content) - 1);
			content[n < 0 ? 0 : n] = '\0';
			close(fd);
		}
		/* one line per file: escape newlines */
		for (n = 0; content[n]; n++)
			if (content[n] == '\n')
				content[n] = '|';
		snprintf(line, sizeof(line), "f %s %o = %s",
			 path + snap_root_len, (unsigned)(st->st_mode & 0777),
			 content);
	}
	snap_add(line);
	return 0;
}

static int cmp_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char *fix_snapshot(const char *root)
{
	char **lines, *p, *out;
	size_t n = 0, i, total = 0;

	snap_buf = NULL;
	snap_len = snap_cap = 0;
	snap_root_len = strlen(root);
	nftw(root, snap_fn, 16, FTW_PHYS);
	if (!snap_buf)
		return strdup("");
	for (p = snap_buf; *p; p++)
		n += *p == '\n';
	lines = calloc(n + 1, sizeof(*lines));
	i = 0;
	for (p = strtok(snap_buf, "\n"); p; p = strtok(NULL, "\n"))
		lines[i++] = p;
	n = i;
	qsort(lines, n, sizeof(*lines), cmp_lines);
	for (i = 0; i < n; i++)
		total += strlen(lines[i]) + 1;
	out = malloc(total + 1);
	out[0] = '\0';
	p = out;
	for (i = 0; i < n; i++) {
		size_t l = strlen(lines[i]);

		memcpy(p, lines[i], l);
		p[l] = '\n';
		p += l + 1;
	}
	*p = '\0';
	free(lines);
	free(snap_buf);
	snap_buf = NULL;
	return out;
}

/* ---- the simulated kernel ---- */

static bool latched_spm, latched_user_numa;

/* A dax attribute read as kmem reads it when it adds the memory. */
static bool dev_flag(const char *root, const char *attr)
{
	char rel[256], buf[16];

	snprintf(rel, sizeof(rel), DEV "/%s", attr);
	return !get(root, rel, buf, sizeof(buf)) && buf[0] == '1';
}

void fix_sim_init(struct fix_sim *sim, const char *root)
{
	memset(sim, 0, sizeof(*sim));
	snprintf(sim->root, sizeof(sim->root), "%s", root);
	sim->normal_block = (unsigned long)-1;
	sim->race_block = (unsigned long)-1;
	latched_spm = dev_flag(root, "spm_node");
	latched_user_numa = latched_spm && dev_flag(root, "spm_user_numa");
}

static bool fault(const char *frel, const char *fval, int nth, int *seen,
		  const char *rel, const char *val)
{
	if (!frel || strcmp(frel, rel) || (fval && strcmp(fval, val)))
		return false;
	return (*seen)++ == nth;
}

static int sim_state(struct fix_sim *sim, unsigned long id, const char *val)
{
	const char *root = sim->root;
	char rel[256], cur[32];
	bool to_online;
	const char *zone;

	snprintf(rel, sizeof(rel), MEM "/memory%lu/state", id);
	if (get(root, rel, cur, sizeof(cur)))
		return -ENOENT;
	if (!strcmp(val, "offline"))
		to_online = false;
	else if (!strcmp(val, "online") || !strcmp(val, "online_kernel") ||
		 !strcmp(val, "online_movable"))
		to_online = true;
	else
		return -EINVAL;
	if (to_online && id == sim->race_block) {
		sim->race_block = (unsigned long)-1;
		write_block(root, id, true, "Movable");
		write_node_lists(root, latched_spm, latched_user_numa);
		return -EINVAL;
	}
	if (to_online == !strcmp(cur, "online"))
		return -EINVAL; /* already in that state */
	zone = !strcmp(val, "online_movable") && id != sim->normal_block ?
		       "Movable" :
		       "Normal";
	write_block(root, id, to_online, zone);
	write_node_lists(root, latched_spm, latched_user_numa);
	return 1;
}

static bool any_online(const char *root)
{
	char rel[256], buf[32];
	unsigned long id;

	for (id = FIX_FIRST_BLOCK; id < FIX_FIRST_BLOCK + FIX_NR_BLOCKS; id++) {
		snprintf(rel, sizeof(rel), MEM "/memory%lu/state", id);
		if (!get(root, rel, buf, sizeof(buf)) && !strcmp(buf, "online"))
			return true;
	}
	return false;
}

static int sim_attach(struct fix_sim *sim, const char *driver)
{
	const char *root = sim->root;
	unsigned long id;

	bind_links(root, driver);
	if (!strcmp(driver, "kmem")) {
		/* MHP_SPM_USER_NUMA goes only with MHP_SPM_NODE */
		latched_spm = dev_flag(root, "spm_node");
		latched_user_numa =
			latched_spm && dev_flag(root, "spm_user_numa");
		for (id = FIX_FIRST_BLOCK; id < FIX_FIRST_BLOCK + FIX_NR_BLOCKS;
		     id++)
			add_block(root, id, 2, sim->auto_online, "Movable");
		write_node_lists(root, latched_spm, latched_user_numa);
	}
	write_iomem(root);
	return 1;
}

static int sim_driver(struct fix_sim *sim, const char *driver, const char *op,
		      const char *val)
{
	const char *root = sim->root;
	char buf[256];
	const char *cur;
	unsigned long id;
	int k;

	if (strcmp(val, "dax0.0"))
		return -ENODEV;
	if (strcmp(driver, "kmem") && strcmp(driver, "device_dax"))
		return -ENOENT;
	k = !!strcmp(driver, "kmem");
	cur = driver_of(root, buf, sizeof(buf));
	if (!strcmp(op, "bind")) {
		if (cur[0])
			return -EBUSY;
		if (!sim->new_id[k] && (!k ? sim->bind_needs_new_id : true))
			return -ENODEV;
		return sim_attach(sim, driver);
	}
	if (!strcmp(op, "new_id")) {
		if (sim->new_id[k])
			return -EEXIST;
		sim->new_id[k] = true;
		if (!cur[0])
			sim_attach(sim, driver);
		return 1;
	}
	if (!strcmp(op, "remove_id")) {
		if (!sim->new_id[k])
			return -ENODEV;
		sim->new_id[k] = false;
		return 1;
	}
	if (!strcmp(op, "unbind")) {
		if (strcmp(cur, driver))
			return -ENODEV;
		if (!strcmp(driver, "kmem")) {
			if (any_online(root))
				sim->lost_range = true;
			for (id = FIX_FIRST_BLOCK;
			     id < FIX_FIRST_BLOCK + FIX_NR_BLOCKS; id++)
				remove_block(root, id, 2);
		}
		unbind_links(root, driver);
		write_node_lists(root, latched_spm, latched_user_numa);
		write_iomem(root);
		return 1;
	}
	return -EPERM;
}

int fix_sim_hook(struct spm_ctx *ctx, const char *rel, const char *val,
		 void *data)
{
	struct fix_sim *sim = data;
	char driver[64], op[64], cur[16], buf[256];
	size_t len = strlen(sim->log);
	unsigned long id;
	int n;

	(void)ctx;
	sim->nwrites++;
	snprintf(sim->log + len, sizeof(sim->log) - len, "%s=%s\n", rel, val);
	if (fault(sim->fail_rel, sim->fail_val, sim->fail_nth, &sim->fail_seen,
		  rel, val))
		return sim->fail_err;
	if (fault(sim->fail2_rel, sim->fail2_val, sim->fail2_nth,
		  &sim->fail2_seen, rel, val))
		return sim->fail2_err;

	if (sscanf(rel, MEM "/memory%lu/state%n", &id, &n) == 1 && !rel[n])
		return sim_state(sim, id, val);
	if (sscanf(rel, DRV "/%63[^/]/%63s", driver, op) == 2)
		return sim_driver(sim, driver, op, val);
	/* spm_node and spm_user_numa: a different value while bound to
	 * kmem is EBUSY, the same value is accepted */
	if (sscanf(rel, "sys/bus/dax/devices/dax0.0/%63s", op) == 1 &&
	    (!strcmp(op, "spm_node") || !strcmp(op, "spm_user_numa"))) {
		char dev_rel[256];

		snprintf(dev_rel, sizeof(dev_rel), DEV "/%s", op);
		if (get(sim->root, dev_rel, cur, sizeof(cur)))
			return -ENOENT;
		if (strcmp(val, "0") && strcmp(val, "1"))
			return -EINVAL;
		if (!strcmp(driver_of(sim->root, buf, sizeof(buf)), "kmem") &&
		    strcmp(cur, val))
			return -EBUSY;
		put(sim->root, dev_rel, "%s\n", val);
		return 1;
	}
	return -EPERM;
}
