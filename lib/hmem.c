// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * hmem platform devices: dax_hmem creates one hmem.N per Soft Reserved
 * range it does not defer to CXL. N is a memregion id (shared with CXL
 * regionN), so it follows probe order and is not a stable name.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libspm-discovery.h"

static int cmp_hmem(const void *a, const void *b)
{
	const struct spm_hmem *x = *(struct spm_hmem *const *)a;
	const struct spm_hmem *y = *(struct spm_hmem *const *)b;

	return (x->id > y->id) - (x->id < y->id);
}

static struct spm_hmem *find_hmem(struct spm_disc *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->hmem_all.n; i++) {
		struct spm_hmem *h = d->hmem_all.v[i];

		if (!strcmp(h->devname, name))
			return h;
	}
	return NULL;
}

int spm_scan_hmem(struct spm_ctx *ctx)
{
	struct spm_disc *d = &ctx->disc;
	struct spm_hmem *h;
	struct dirent *de;
	char buf[64], c;
	uint64_t v;
	DIR *dir;
	size_t i;
	int fd, id;

	if (d->hmem_done)
		return 0;
	for (i = 0; i < d->hmem.n; i++)
		((struct spm_hmem *)d->hmem.v[i])->present = false;
	d->hmem.n = 0;
	fd = spm_open_rel(ctx, "sys/devices/platform", O_DIRECTORY);
	if (fd < 0) {
		/* No platform bus is odd, but means "no hmem devices". */
		spm_dbg(ctx, "sys/devices/platform: %s", strerror(-fd));
		d->hmem_done = true;
		return 0;
	}
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return -ENOMEM;
	}
	while ((de = readdir(dir))) {
		if (sscanf(de->d_name, "hmem.%d%c", &id, &c) != 1 || id < 0)
			continue;
		h = find_hmem(d, de->d_name);
		if (!h) {
			h = calloc(1, sizeof(*h));
			if (!h || spm_vec_push(&d->hmem_all, h)) {
				free(h);
				closedir(dir);
				return -ENOMEM;
			}
			h->ctx = ctx;
			spm_copy_name(h->devname, de->d_name);
		}
		h->id = id;
		h->numa_node = -1;
		if (spm_try_read_str(ctx, buf, sizeof(buf),
				     "sys/devices/platform/%s/numa_node",
				     h->devname) >= 0)
			h->numa_node = atoi(buf);
		h->size = 0;
		if (spm_try_read_str(ctx, buf, sizeof(buf),
				     "sys/devices/platform/%s/dax_region/size",
				     h->devname) >= 0 &&
		    spm_parse_u64(buf, 0, &v) == 0)
			h->size = v;
		h->present = true;
		if (spm_vec_push(&d->hmem, h)) {
			closedir(dir);
			return -ENOMEM;
		}
	}
	closedir(dir);
	spm_vec_sort_index(&d->hmem, cmp_hmem, offsetof(struct spm_hmem, idx));
	d->hmem_done = true;
	return 0;
}

struct spm_hmem *spm_hmem_get_first(struct spm_ctx *ctx)
{
	if (!ctx || spm_scan_hmem(ctx) < 0 || !ctx->disc.hmem.n)
		return NULL;
	return ctx->disc.hmem.v[0];
}

struct spm_hmem *spm_hmem_get_next(struct spm_hmem *hmem)
{
	if (!hmem || !hmem->present)
		return NULL;
	return spm_vec_next(&hmem->ctx->disc.hmem, hmem->idx);
}

const char *spm_hmem_get_devname(struct spm_hmem *hmem)
{
	return hmem ? hmem->devname : NULL;
}

int spm_hmem_get_numa_node(struct spm_hmem *hmem)
{
	return hmem ? hmem->numa_node : -1;
}

uint64_t spm_hmem_get_size(struct spm_hmem *hmem)
{
	return hmem ? hmem->size : 0;
}
