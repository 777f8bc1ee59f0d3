// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * CXL RAM regions, read from sysfs directly.
 *
 * libcxl 76.1 is not used for discovery, for three reasons (as
 * meson.build notes): it hard-codes /sys/bus/cxl (no root directory, so it
 * cannot read a fixture tree); before every scan it writes
 * /sys/bus/cxl/flush (root only) and then waits up to 5 s on the udev queue;
 * and it stat()s /dev/cxl/memN, skipping any memdev without a device node.
 * libdaxctl has the same fixed paths and /dev checks. The region -> target
 * endpoint decoder -> memdev -> serial walk below is the same one libcxl
 * does (cxl_mapping_get_decoder, cxl_decoder_get_memdev).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libspm-discovery.h"

#define CXL_DEVICES "sys/bus/cxl/devices"

void spm_cxl_region_free(void *p)
{
	struct spm_cxl_region *r = p;
	int i;

	if (!r)
		return;
	for (i = 0; i < r->num_memdevs; i++) {
		free(r->memdevs[i]);
		free(r->decoders[i]);
	}
	free(r->memdevs);
	free(r->decoders);
	free(r->serials);
	free(r);
}

static void clear_targets(struct spm_cxl_region *r)
{
	int i;

	for (i = 0; i < r->num_memdevs; i++) {
		free(r->memdevs[i]);
		free(r->decoders[i]);
	}
	free(r->memdevs);
	free(r->decoders);
	free(r->serials);
	r->memdevs = NULL;
	r->decoders = NULL;
	r->serials = NULL;
	r->num_memdevs = 0;
}

static int cmp_region(const void *a, const void *b)
{
	const struct spm_cxl_region *x = *(struct spm_cxl_region *const *)a;
	const struct spm_cxl_region *y = *(struct spm_cxl_region *const *)b;

	return (x->id > y->id) - (x->id < y->id);
}

/*
 * targetK names an endpoint decoder; its parent is the endpoint port, whose
 * uport link leads to the memdev (as libcxl's cxl_endpoint_get_memdev).
 */
static int read_target(struct spm_ctx *ctx, struct spm_cxl_region *r, int k)
{
	char decoder[SPM_NAME_MAX], real[SPM_PATH_MAX], mem[SPM_PATH_MAX];
	char buf[64], *slash, *base;
	uint64_t serial;
	int i = r->num_memdevs;

	r->serials[i] = UINT64_MAX;
	r->memdevs[i] = NULL;
	r->decoders[i] = NULL;
	if (spm_try_read_str(ctx, decoder, sizeof(decoder),
			     CXL_DEVICES "/%s/target%d", r->devname, k) <= 0)
		return -ENOENT;
	r->num_memdevs++;
	r->decoders[i] = strdup(decoder);
	if (spm_realpath_rel(ctx, real, sizeof(real), CXL_DEVICES "/%s",
			     decoder) <= 0)
		goto none;
	slash = strrchr(real, '/');
	if (!slash)
		goto none;
	*slash = '\0';
	if (spm_realpath_rel(ctx, mem, sizeof(mem), "%s/uport", real) <= 0)
		goto none;
	base = strrchr(mem, '/');
	base = base ? base + 1 : mem;
	if (strncmp(base, "mem", 3))
		goto none;
	r->memdevs[i] = strdup(base);
	if (spm_try_read_str(ctx, buf, sizeof(buf), "%s/serial", mem) >= 0 &&
	    spm_parse_u64(buf, 0, &serial) == 0)
		r->serials[i] = serial;
	return 0;
none:
	spm_clear_error(ctx);
	spm_dbg(ctx, "%s: target%d %s: no memdev found", r->devname, k,
		decoder);
	return 0;
}

static void find_dax_region(struct spm_ctx *ctx, struct spm_cxl_region *r)
{
	struct dirent *de;
	char rel[SPM_PATH_MAX];
	DIR *dir;
	int fd;

	r->dax_region[0] = '\0';
	snprintf(rel, sizeof(rel), CXL_DEVICES "/%s", r->devname);
	fd = spm_open_rel(ctx, rel, O_DIRECTORY);
	if (fd < 0)
		return;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return;
	}
	while ((de = readdir(dir)))
		if (!strncmp(de->d_name, "dax_region", 10)) {
			spm_copy_name(r->dax_region, de->d_name);
			break;
		}
	closedir(dir);
}

static int read_region(struct spm_ctx *ctx, struct spm_cxl_region *r)
{
	char buf[64];
	uint64_t v;
	int ways = 0, k;

	r->start = 0;
	r->size = 0;
	/* Before allocation resource reads all ones: unknown, not a start. */
	if (spm_try_read_str(ctx, buf, sizeof(buf), CXL_DEVICES "/%s/resource",
			     r->devname) >= 0 &&
	    spm_parse_u64(buf, 0, &v) == 0 && v != UINT64_MAX)
		r->start = v;
	if (spm_try_read_str(ctx, buf, sizeof(buf), CXL_DEVICES "/%s/size",
			     r->devname) >= 0 &&
	    spm_parse_u64(buf, 0, &v) == 0)
		r->size = v;
	if (spm_try_read_str(ctx, buf, sizeof(buf),
			     CXL_DEVICES "/%s/interleave_ways",
			     r->devname) >= 0)
		ways = atoi(buf);
	if (ways < 0 || ways > 16)
		ways = 0;
	clear_targets(r);
	if (ways) {
		r->memdevs = calloc((size_t)ways, sizeof(*r->memdevs));
		r->decoders = calloc((size_t)ways, sizeof(*r->decoders));
		r->serials = calloc((size_t)ways, sizeof(*r->serials));
		if (!r->memdevs || !r->decoders || !r->serials)
			return -ENOMEM;
	}
	for (k = 0; k < ways; k++)
		read_target(ctx, r, k);
	find_dax_region(ctx, r);
	return 0;
}

static struct spm_cxl_region *find_region(struct spm_disc *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->cxl_all.n; i++) {
		struct spm_cxl_region *r = d->cxl_all.v[i];

		if (!strcmp(r->devname, name))
			return r;
	}
	return NULL;
}

int spm_scan_cxl(struct spm_ctx *ctx)
{
	struct spm_disc *d = &ctx->disc;
	struct spm_cxl_region *r;
	struct dirent *de;
	char mode[16], c;
	DIR *dir;
	size_t i;
	int fd, id, rc;

	if (d->cxl_done)
		return 0;
	for (i = 0; i < d->cxl.n; i++)
		((struct spm_cxl_region *)d->cxl.v[i])->present = false;
	d->cxl.n = 0;
	fd = spm_open_rel(ctx, CXL_DEVICES, O_DIRECTORY);
	if (fd < 0) {
		/* No cxl_core loaded: no regions, not an error. */
		d->cxl_done = true;
		return 0;
	}
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return -ENOMEM;
	}
	while ((de = readdir(dir))) {
		if (sscanf(de->d_name, "region%d%c", &id, &c) != 1 || id < 0)
			continue;
		/* Only volatile regions can become SPM nodes. */
		if (spm_try_read_str(ctx, mode, sizeof(mode),
				     CXL_DEVICES "/%s/mode", de->d_name) < 0 ||
		    strcmp(mode, "ram"))
			continue;
		r = find_region(d, de->d_name);
		if (!r) {
			r = calloc(1, sizeof(*r));
			if (!r || spm_vec_push(&d->cxl_all, r)) {
				free(r);
				closedir(dir);
				return -ENOMEM;
			}
			r->ctx = ctx;
			spm_copy_name(r->devname, de->d_name);
		}
		r->id = id;
		snprintf(r->mode, sizeof(r->mode), "%s", mode);
		rc = read_region(ctx, r);
		if (rc == 0)
			rc = spm_vec_push(&d->cxl, r);
		if (rc) {
			closedir(dir);
			return rc;
		}
		r->present = true;
	}
	closedir(dir);
	spm_vec_sort_index(&d->cxl, cmp_region, offsetof(struct spm_cxl_region, idx));
	d->cxl_done = true;
	return 0;
}

struct spm_cxl_region *spm_cxl_region_get_first(struct spm_ctx *ctx)
{
	if (!ctx || spm_scan_cxl(ctx) < 0 || !ctx->disc.cxl.n)
		return NULL;
	return ctx->disc.cxl.v[0];
}

struct spm_cxl_region *spm_cxl_region_get_next(struct spm_cxl_region *r)
{
	if (!r || !r->present)
		return NULL;
	return spm_vec_next(&r->ctx->disc.cxl, r->idx);
}

const char *spm_cxl_region_get_devname(struct spm_cxl_region *r)
{
	return r ? r->devname : NULL;
}

const char *spm_cxl_region_get_mode(struct spm_cxl_region *r)
{
	return r ? r->mode : NULL;
}

uint64_t spm_cxl_region_get_start(struct spm_cxl_region *r)
{
	return r ? r->start : 0;
}

uint64_t spm_cxl_region_get_size(struct spm_cxl_region *r)
{
	return r ? r->size : 0;
}

const char *spm_cxl_region_get_dax_region(struct spm_cxl_region *r)
{
	return r && r->dax_region[0] ? r->dax_region : NULL;
}

int spm_cxl_region_get_num_memdevs(struct spm_cxl_region *r)
{
	return r ? r->num_memdevs : 0;
}

uint64_t spm_cxl_region_get_memdev_serial(struct spm_cxl_region *r, int i)
{
	if (!r || i < 0 || i >= r->num_memdevs)
		return UINT64_MAX;
	return r->serials[i];
}

const char *spm_cxl_region_get_memdev(struct spm_cxl_region *r, int i)
{
	if (!r || i < 0 || i >= r->num_memdevs)
		return NULL;
	return r->memdevs[i];
}

const char *spm_cxl_region_get_decoder(struct spm_cxl_region *r, int i)
{
	if (!r || i < 0 || i >= r->num_memdevs)
		return NULL;
	return r->decoders[i];
}
