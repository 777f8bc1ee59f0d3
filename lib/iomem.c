// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Soft Reserved ranges from /proc/iomem.
 *
 * The format is "%*s%0*llx-%0*llx : %s" with two spaces of indent per
 * nesting level. A reader without CAP_SYS_ADMIN sees every address as 0
 * but keeps names and nesting, so a range then exists with unknown
 * bounds; nothing here may treat 0-0 as a real range.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libspm-discovery.h"

#define IOMEM_MAX_DEPTH 16

static int parse_hex(const char **p, uint64_t *val)
{
	const char *s = *p;
	uint64_t v = 0;
	int digits = 0, d;

	for (;; s++, digits++) {
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			break;
		if (digits >= 16)
			return -EINVAL;
		v = (v << 4) | (uint64_t)d;
	}
	if (!digits)
		return -EINVAL;
	*p = s;
	*val = v;
	return 0;
}

int spm_iomem_parse(const char *text, struct spm_iomem_entry **out, int *line)
{
	int stack[IOMEM_MAX_DEPTH];
	struct spm_iomem_entry *e, *v = NULL, *nv;
	int n = 0, cap = 0, lineno = 0, indent, depth;
	const char *p = text, *eol;
	size_t nlen;

	*out = NULL;
	while (*p) {
		eol = strchr(p, '\n');
		if (!eol)
			eol = p + strlen(p);
		lineno++;
		if (eol == p) {
			p = *eol ? eol + 1 : eol;
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			nv = realloc(v, (size_t)cap * sizeof(*v));
			if (!nv) {
				free(v);
				return -ENOMEM;
			}
			v = nv;
		}
		e = &v[n];
		for (indent = 0; p[indent] == ' '; indent++)
			;
		depth = indent / 2;
		if ((indent & 1) || depth >= IOMEM_MAX_DEPTH ||
		    (depth > 0 && (n == 0 || depth > v[n - 1].depth + 1)))
			goto bad;
		p += indent;
		if (parse_hex(&p, &e->start) || *p++ != '-' ||
		    parse_hex(&p, &e->end) || strncmp(p, " : ", 3))
			goto bad;
		p += 3;
		if (p > eol || e->end < e->start)
			goto bad;
		nlen = (size_t)(eol - p);
		if (nlen >= sizeof(e->name))
			nlen = sizeof(e->name) - 1;
		memcpy(e->name, p, nlen);
		e->name[nlen] = '\0';
		e->depth = depth;
		e->parent = depth ? stack[depth - 1] : -1;
		stack[depth] = n;
		n++;
		p = *eol ? eol + 1 : eol;
	}
	*out = v;
	return n;
bad:
	free(v);
	if (line)
		*line = lineno;
	return -EINVAL;
}

static bool is_dax_name(const char *name)
{
	unsigned int r, d;
	char c;

	return sscanf(name, "dax%u.%u%c", &r, &d, &c) == 2;
}

static int load_iomem(struct spm_ctx *ctx)
{
	struct spm_disc *d = &ctx->disc;
	struct spm_iomem_entry *v;
	char *text;
	int rc, line = 0;

	rc = spm_read_file(ctx, &text, "proc/iomem");
	if (rc < 0)
		return rc;
	rc = spm_iomem_parse(text, &v, &line);
	free(text);
	if (rc < 0) {
		char path[SPM_PATH_MAX];

		spm_path(ctx, path, sizeof(path), "proc/iomem");
		return spm_set_error(ctx, rc, "%s:%d: %s", path, line,
				     rc == -EINVAL ? "unexpected format" :
						     strerror(-rc));
	}
	free(d->iomem);
	d->iomem = v;
	d->nr_iomem = rc;
	return 0;
}

int spm_scan_ranges(struct spm_ctx *ctx)
{
	struct spm_disc *d = &ctx->disc;
	struct spm_range *r;
	size_t i;
	int j, k, rc;

	if (d->ranges_done)
		return 0;
	rc = load_iomem(ctx);
	if (rc < 0)
		return rc;
	/* Ranges have no stable key; old objects are kept until unref. */
	for (i = 0; i < d->ranges.n; i++)
		((struct spm_range *)d->ranges.v[i])->present = false;
	d->ranges.n = 0;
	for (j = 0; j < d->nr_iomem; j++) {
		struct spm_iomem_entry *e = &d->iomem[j];

		if (strcmp(e->name, "Soft Reserved"))
			continue;
		r = calloc(1, sizeof(*r));
		if (!r || spm_vec_push(&d->ranges_all, r)) {
			free(r);
			return -ENOMEM;
		}
		r->ctx = ctx;
		r->start = e->start;
		r->end = e->end;
		r->hidden = !e->start && !e->end;
		for (k = j + 1; k < d->nr_iomem && d->iomem[k].depth > e->depth;
		     k++) {
			if (!strncmp(d->iomem[k].name, "System RAM", 10))
				r->sysram = true;
			if (!r->dax[0] && is_dax_name(d->iomem[k].name))
				strcpy(r->dax, d->iomem[k].name);
		}
		r->present = true;
		r->idx = d->ranges.n;
		if (spm_vec_push(&d->ranges, r))
			return -ENOMEM;
	}
	d->ranges_done = true;
	return 0;
}

struct spm_range *spm_range_get_first(struct spm_ctx *ctx)
{
	if (!ctx || spm_scan_ranges(ctx) < 0 || !ctx->disc.ranges.n)
		return NULL;
	return ctx->disc.ranges.v[0];
}

struct spm_range *spm_range_get_next(struct spm_range *range)
{
	if (!range || !range->present)
		return NULL;
	return spm_vec_next(&range->ctx->disc.ranges, range->idx);
}

uint64_t spm_range_get_start(struct spm_range *range)
{
	return range && !range->hidden ? range->start : 0;
}

uint64_t spm_range_get_size(struct spm_range *range)
{
	return range && !range->hidden ? range->end - range->start + 1 : 0;
}

const char *spm_range_get_dax_devname(struct spm_range *range)
{
	return range && range->dax[0] ? range->dax : NULL;
}

bool spm_range_is_sysram(struct spm_range *range)
{
	return range && range->sysram;
}
