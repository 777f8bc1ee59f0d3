// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * dax devices on the dax bus (sys/bus/dax/devices/daxX.Y).
 *
 * The parent (hmem.N, a CXL regionN, or an NVDIMM region under ndbusN) is
 * taken from the device's real path, as libdaxctl does with realpath():
 * the bus entry is a symlink to .../platform/hmem.0/dax0.0,
 * .../regionN/dax_regionN/daxN.0 or .../ndbus0/region0/dax0.1/dax0.0.
 * The source decides what spmctl may do with it: persistent memory must
 * never become volatile memory by accident.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libspm-discovery.h"

#define DAX_DEVICES "sys/bus/dax/devices"

static int cmp_dax(const void *a, const void *b)
{
	const struct spm_dax *x = *(struct spm_dax *const *)a;
	const struct spm_dax *y = *(struct spm_dax *const *)b;

	if (x->region_id != y->region_id)
		return (x->region_id > y->region_id) -
		       (x->region_id < y->region_id);
	return (x->dev_id > y->dev_id) - (x->dev_id < y->dev_id);
}

static struct spm_dax *find_dax(struct spm_disc *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->dax_all.n; i++) {
		struct spm_dax *dax = d->dax_all.v[i];

		if (!strcmp(dax->devname, name))
			return dax;
	}
	return NULL;
}

/* "name" is prefix followed by a decimal number and nothing else. */
static bool is_numbered(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);
	const char *p = name + n;

	if (strncmp(name, prefix, n) || !*p)
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	return !*p;
}

/*
 * A regionN component outside an ndbus is a CXL region only when the CXL
 * bus knows it as that very directory: a memregion id alone says nothing
 * (hmem, CXL and nvdimm regions share the id space).
 */
static enum spm_dax_source cxl_source(struct spm_ctx *ctx, struct spm_dax *dax,
				      const char *name, const char *path)
{
	char bus[SPM_PATH_MAX], mode[16];

	if (spm_realpath_rel(ctx, bus, sizeof(bus), "sys/bus/cxl/devices/%s",
			     name) <= 0 ||
	    strcmp(bus, path))
		return SPM_DAX_SOURCE_UNKNOWN;
	spm_copy_name(dax->cxl_region, name);
	if (spm_try_read_str(ctx, mode, sizeof(mode),
			     "sys/bus/cxl/devices/%s/mode", name) < 0)
		return SPM_DAX_SOURCE_UNKNOWN;
	if (!strcmp(mode, "ram"))
		return SPM_DAX_SOURCE_CXL_RAM;
	if (!strcmp(mode, "pmem"))
		return SPM_DAX_SOURCE_PMEM;
	return SPM_DAX_SOURCE_UNKNOWN;
}

/*
 * Classify the device by the components of its real path, as hwloc does
 * (topology-linux.c): .../ndbusN/regionM/daxM.K/daxM.0 is an NVDIMM
 * namespace, .../hmem.N/daxN.0 is hmem, .../regionN/dax_regionN/daxN.0 a
 * CXL region (confirmed on the CXL bus). Anything else under
 * sys/devices is some other driver's dax region.
 */
static void classify(struct spm_ctx *ctx, struct spm_dax *dax)
{
	char real[SPM_PATH_MAX], region_path[SPM_PATH_MAX] = "";
	char region[SPM_NAME_MAX] = "";
	bool ndbus = false;
	char *p, *end;

	dax->hmem[0] = '\0';
	dax->cxl_region[0] = '\0';
	dax->nd_region[0] = '\0';
	dax->source = SPM_DAX_SOURCE_UNKNOWN;
	if (spm_realpath_rel(ctx, real, sizeof(real), DAX_DEVICES "/%s",
			     dax->devname) <= 0)
		return;
	for (p = real; *p; p = *end ? end + 1 : end) {
		char comp[SPM_NAME_MAX];
		size_t n;

		end = strchrnul(p, '/');
		n = (size_t)(end - p);
		if (n >= sizeof(comp))
			continue;
		memcpy(comp, p, n);
		comp[n] = '\0';
		if (is_numbered(comp, "ndbus")) {
			ndbus = true;
		} else if (is_numbered(comp, "hmem.")) {
			spm_copy_name(dax->hmem, comp);
		} else if (is_numbered(comp, "region")) {
			if (ndbus) {
				spm_copy_name(dax->nd_region, comp);
			} else {
				spm_copy_name(region, comp);
				snprintf(region_path, sizeof(region_path),
					 "%.*s", (int)(end - real), real);
			}
		}
	}
	if (ndbus)
		dax->source = SPM_DAX_SOURCE_PMEM;
	else if (dax->hmem[0])
		dax->source = SPM_DAX_SOURCE_HMEM;
	else if (region[0])
		dax->source = cxl_source(ctx, dax, region, region_path);
	else if (!strncmp(real, "sys/devices/", 12))
		dax->source = SPM_DAX_SOURCE_DRIVER;
}

/* resource is 0400: a non-root reader falls back to the iomem line. */
static uint64_t dax_start(struct spm_ctx *ctx, struct spm_dax *dax)
{
	struct spm_disc *d = &ctx->disc;
	char buf[64];
	uint64_t v;
	int i;

	if (spm_try_read_str(ctx, buf, sizeof(buf), DAX_DEVICES "/%s/resource",
			     dax->devname) >= 0 &&
	    spm_parse_u64(buf, 0, &v) == 0)
		return v;
	if (spm_scan_ranges(ctx) < 0) {
		spm_clear_error(ctx);
		return 0;
	}
	for (i = 0; i < d->nr_iomem; i++)
		if (!strcmp(d->iomem[i].name, dax->devname))
			return d->iomem[i].start;
	return 0;
}

/* An absent attribute is an older kernel, not an error: never recorded. */
int spm_dax_read_bool(struct spm_ctx *ctx, const char *devname,
		      const char *attr)
{
	char buf[16];

	if (spm_try_read_str(ctx, buf, sizeof(buf), DAX_DEVICES "/%s/%s",
			     devname, attr) < 0)
		return -1;
	return spm_parse_kbool(buf) == 1;
}

static void read_dax(struct spm_ctx *ctx, struct spm_dax *dax)
{
	char buf[64];
	uint64_t v;

	dax->size = 0;
	if (spm_try_read_str(ctx, buf, sizeof(buf), DAX_DEVICES "/%s/size",
			     dax->devname) >= 0 &&
	    spm_parse_u64(buf, 0, &v) == 0)
		dax->size = v;
	dax->align = 0;
	if (spm_try_read_str(ctx, buf, sizeof(buf), DAX_DEVICES "/%s/align",
			     dax->devname) >= 0 &&
	    spm_parse_u64(buf, 0, &v) == 0)
		dax->align = v;
	dax->start = dax_start(ctx, dax);
	/* target_node is hidden when < 0. */
	dax->target_node = -1;
	if (spm_try_read_str(ctx, buf, sizeof(buf),
			     DAX_DEVICES "/%s/target_node", dax->devname) >= 0)
		dax->target_node = atoi(buf);
	dax->spm_node = spm_dax_read_bool(ctx, dax->devname, "spm_node");
	dax->user_numa = spm_dax_read_bool(ctx, dax->devname, "spm_user_numa");
	dax->driver[0] = '\0';
	if (spm_exists(ctx, DAX_DEVICES "/%s/driver", dax->devname) &&
	    spm_read_link_base(ctx, dax->driver, sizeof(dax->driver),
			       DAX_DEVICES "/%s/driver", dax->devname) < 0) {
		spm_clear_error(ctx);
		dax->driver[0] = '\0';
	}
	if (!dax->driver[0])
		dax->mode = SPM_DAX_MODE_NONE;
	else if (!strcmp(dax->driver, "kmem"))
		dax->mode = SPM_DAX_MODE_KMEM;
	else if (!strcmp(dax->driver, "device_dax"))
		dax->mode = SPM_DAX_MODE_DEVDAX;
	else
		dax->mode = SPM_DAX_MODE_OTHER;
	classify(ctx, dax);
}

int spm_scan_dax(struct spm_ctx *ctx)
{
	struct spm_disc *d = &ctx->disc;
	struct spm_dax *dax;
	struct dirent *de;
	int fd, rid, did;
	DIR *dir;
	size_t i;
	char c;

	if (d->dax_done)
		return 0;
	for (i = 0; i < d->dax.n; i++)
		((struct spm_dax *)d->dax.v[i])->present = false;
	d->dax.n = 0;
	fd = spm_open_rel(ctx, DAX_DEVICES, O_DIRECTORY);
	if (fd < 0) {
		/* No dax bus (module not loaded): no devices. */
		d->dax_done = true;
		return 0;
	}
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return -ENOMEM;
	}
	while ((de = readdir(dir))) {
		if (sscanf(de->d_name, "dax%d.%d%c", &rid, &did, &c) != 2)
			continue;
		dax = find_dax(d, de->d_name);
		if (!dax) {
			dax = calloc(1, sizeof(*dax));
			if (!dax || spm_vec_push(&d->dax_all, dax)) {
				free(dax);
				closedir(dir);
				return -ENOMEM;
			}
			dax->ctx = ctx;
			spm_copy_name(dax->devname, de->d_name);
		}
		dax->region_id = rid;
		dax->dev_id = did;
		read_dax(ctx, dax);
		dax->present = true;
		if (spm_vec_push(&d->dax, dax)) {
			closedir(dir);
			return -ENOMEM;
		}
	}
	closedir(dir);
	spm_vec_sort_index(&d->dax, cmp_dax, offsetof(struct spm_dax, idx));
	d->dax_done = true;
	return 0;
}

struct spm_dax *spm_dax_get_first(struct spm_ctx *ctx)
{
	if (!ctx || spm_scan_dax(ctx) < 0 || !ctx->disc.dax.n)
		return NULL;
	return ctx->disc.dax.v[0];
}

struct spm_dax *spm_dax_get_next(struct spm_dax *dax)
{
	if (!dax || !dax->present)
		return NULL;
	return spm_vec_next(&dax->ctx->disc.dax, dax->idx);
}

struct spm_dax *spm_dax_get_by_name(struct spm_ctx *ctx, const char *devname)
{
	struct spm_dax *dax;

	if (!ctx || !devname)
		return NULL;
	spm_dax_foreach (ctx, dax)
		if (!strcmp(dax->devname, devname))
			return dax;
	return NULL;
}

const char *spm_dax_get_devname(struct spm_dax *dax)
{
	return dax ? dax->devname : NULL;
}

int spm_dax_get_region_id(struct spm_dax *dax)
{
	return dax ? dax->region_id : -1;
}

uint64_t spm_dax_get_size(struct spm_dax *dax)
{
	return dax ? dax->size : 0;
}

uint64_t spm_dax_get_align(struct spm_dax *dax)
{
	return dax ? dax->align : 0;
}

uint64_t spm_dax_get_start(struct spm_dax *dax)
{
	return dax ? dax->start : 0;
}

int spm_dax_get_target_node(struct spm_dax *dax)
{
	return dax ? dax->target_node : -1;
}

enum spm_dax_mode spm_dax_get_mode(struct spm_dax *dax)
{
	return dax ? dax->mode : SPM_DAX_MODE_UNKNOWN;
}

const char *spm_dax_get_driver(struct spm_dax *dax)
{
	return dax && dax->driver[0] ? dax->driver : NULL;
}

int spm_dax_get_spm_node(struct spm_dax *dax)
{
	return dax ? dax->spm_node : -1;
}

int spm_dax_get_user_numa(struct spm_dax *dax)
{
	return dax ? dax->user_numa : -1;
}

const char *spm_dax_get_hmem(struct spm_dax *dax)
{
	return dax && dax->hmem[0] ? dax->hmem : NULL;
}

const char *spm_dax_get_cxl_region(struct spm_dax *dax)
{
	return dax && dax->cxl_region[0] ? dax->cxl_region : NULL;
}

const char *spm_dax_get_nd_region(struct spm_dax *dax)
{
	return dax && dax->nd_region[0] ? dax->nd_region : NULL;
}

enum spm_dax_source spm_dax_get_source(struct spm_dax *dax)
{
	return dax ? dax->source : SPM_DAX_SOURCE_UNKNOWN;
}

const char *spm_dax_source_get_name(enum spm_dax_source source)
{
	switch (source) {
	case SPM_DAX_SOURCE_HMEM:
		return "hmem";
	case SPM_DAX_SOURCE_CXL_RAM:
		return "cxl-ram";
	case SPM_DAX_SOURCE_PMEM:
		return "pmem";
	case SPM_DAX_SOURCE_DRIVER:
		return "driver";
	default:
		return "unknown";
	}
}

bool spm_dax_source_is_spm(enum spm_dax_source source)
{
	return source == SPM_DAX_SOURCE_HMEM ||
	       source == SPM_DAX_SOURCE_CXL_RAM;
}
