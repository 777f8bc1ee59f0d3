// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The library context: root directory, logging, last error, user data and
 * the discovery cache. Nothing in libspm is global; all state hangs here.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "libspm-discovery.h"

static void log_stderr(struct spm_ctx *ctx, int priority, const char *file,
		       int line, const char *fn, const char *format,
		       va_list args)
{
	if (!format)
		return;
	if (fn && fn[0])
		fprintf(stderr, "libspm: %s: ", fn);
	else
		fputs("libspm: ", stderr);
	vfprintf(stderr, format, args);
	if (!format[0] || format[strlen(format) - 1] != '\n')
		fputc('\n', stderr);
}

static int parse_priority(const char *s)
{
	char *end;
	long prio;

	if (!strcasecmp(s, "err"))
		return LOG_ERR;
	if (!strcasecmp(s, "warning") || !strcasecmp(s, "warn"))
		return LOG_WARNING;
	if (!strcasecmp(s, "notice"))
		return LOG_NOTICE;
	if (!strcasecmp(s, "info"))
		return LOG_INFO;
	if (!strcasecmp(s, "debug"))
		return LOG_DEBUG;
	errno = 0;
	prio = strtol(s, &end, 10);
	if (errno || end == s || *end || prio < 0 || prio > LOG_DEBUG)
		return -1;
	return (int)prio;
}

void spm_log(struct spm_ctx *ctx, int priority, const char *file, int line,
	     const char *fn, const char *format, ...)
{
	int saved = errno;
	va_list args;

	if (!ctx || !ctx->log_fn)
		return;
	va_start(args, format);
	ctx->log_fn(ctx, priority, file, line, fn, format, args);
	va_end(args);
	/* Logging must never change the errno a caller is about to use. */
	errno = saved;
}

int spm_set_error(struct spm_ctx *ctx, int err, const char *fmt, ...)
{
	va_list args;

	if (!ctx)
		return err;
	va_start(args, fmt);
	vsnprintf(ctx->last_error, sizeof(ctx->last_error), fmt, args);
	va_end(args);
	if (ctx->log_priority >= LOG_ERR)
		spm_log(ctx, LOG_ERR, NULL, 0, NULL, "%s", ctx->last_error);
	return err;
}

void spm_clear_error(struct spm_ctx *ctx)
{
	if (ctx)
		ctx->last_error[0] = '\0';
}

const char *spm_get_last_error(struct spm_ctx *ctx)
{
	return ctx ? ctx->last_error : "";
}

/*
 * Open the root once: every later access is an openat() below it, so a
 * fixture tree and "/" are handled by the same code and relative roots keep
 * working whatever the caller's cwd becomes.
 */
int spm_set_root(struct spm_ctx *ctx, const char *root)
{
	char real[PATH_MAX];
	char *dup, *dup_real;
	int fd;

	if (!ctx || !root || !root[0])
		return -EINVAL;
	fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		int err = -errno;

		return spm_set_error(ctx, err, "%s: %s", root, strerror(-err));
	}
	if (!realpath(root, real)) {
		int err = -errno;

		close(fd);
		return spm_set_error(ctx, err, "%s: %s", root, strerror(-err));
	}
	dup = strdup(root);
	dup_real = strdup(strcmp(real, "/") ? real : "");
	if (!dup || !dup_real) {
		free(dup);
		free(dup_real);
		close(fd);
		return -ENOMEM;
	}
	if (ctx->root_fd >= 0)
		close(ctx->root_fd);
	free(ctx->root);
	free(ctx->root_real);
	ctx->root = dup;
	ctx->root_real = dup_real;
	ctx->root_fd = fd;
	ctx->root_errno = 0;
	spm_clear_error(ctx); /* an earlier unusable root is forgotten */
	spm_disc_invalidate(ctx);
	spm_dbg(ctx, "root %s", root);
	return 0;
}

const char *spm_get_root(struct spm_ctx *ctx)
{
	return ctx ? ctx->root : NULL;
}

bool spm_root_is_live(struct spm_ctx *ctx)
{
	return ctx && ctx->root && ctx->root_real && !ctx->root_real[0];
}

int spm_new(struct spm_ctx **out)
{
	struct spm_ctx *ctx;
	const char *env;
	int prio, rc;

	if (!out)
		return -EINVAL;
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ctx->refcount = 1;
	ctx->root_fd = -1;
	ctx->log_fn = log_stderr;
	ctx->log_priority = LOG_ERR;
	ctx->disc.hmem_spm_node = -1;

	prio = -1;
	env = secure_getenv("SPM_LOG");
	if (env && env[0])
		prio = parse_priority(env);

	/*
	 * A bad $SPM_SYSFS_ROOT does not fail spm_new(): the context exists so
	 * the caller can read the reason from spm_get_last_error(), and every
	 * access then fails naming the root.
	 */
	env = secure_getenv("SPM_SYSFS_ROOT");
	if (!env || !env[0])
		env = "/";
	/* Recorded for the caller, not logged: it may not want the log. */
	ctx->log_priority = -1;
	rc = spm_set_root(ctx, env);
	ctx->log_priority = prio >= 0 ? prio : LOG_ERR;
	if (rc < 0) {
		ctx->root = strdup(env);
		ctx->root_real = strdup(env);
		ctx->root_errno = -rc;
		if (!ctx->root || !ctx->root_real) {
			free(ctx->root);
			free(ctx->root_real);
			free(ctx);
			return -ENOMEM;
		}
	}
	*out = ctx;
	return 0;
}

struct spm_ctx *spm_ref(struct spm_ctx *ctx)
{
	if (ctx)
		ctx->refcount++;
	return ctx;
}

struct spm_ctx *spm_unref(struct spm_ctx *ctx)
{
	if (!ctx)
		return NULL;
	if (--ctx->refcount > 0)
		return ctx;
	spm_disc_free(ctx);
	if (ctx->root_fd >= 0)
		close(ctx->root_fd);
	free(ctx->root);
	free(ctx->root_real);
	free(ctx);
	return NULL;
}

void spm_set_log_fn(struct spm_ctx *ctx, spm_log_fn log_fn)
{
	if (ctx)
		ctx->log_fn = log_fn ? log_fn : log_stderr;
}

int spm_get_log_priority(struct spm_ctx *ctx)
{
	return ctx ? ctx->log_priority : LOG_ERR;
}

void spm_set_log_priority(struct spm_ctx *ctx, int priority)
{
	if (ctx)
		ctx->log_priority = priority;
}

void spm_set_userdata(struct spm_ctx *ctx, void *userdata)
{
	if (ctx)
		ctx->userdata = userdata;
}

void *spm_get_userdata(struct spm_ctx *ctx)
{
	return ctx ? ctx->userdata : NULL;
}

void spm_set_write_hook(struct spm_ctx *ctx, spm_write_hook_fn fn, void *data)
{
	if (!ctx)
		return;
	ctx->write_hook = fn;
	ctx->write_hook_data = data;
}

void spm_disc_invalidate(struct spm_ctx *ctx)
{
	struct spm_disc *d = &ctx->disc;

	d->kernel_done = d->ranges_done = d->hmem_done = d->cxl_done = false;
	d->dax_done = d->nodes_done = d->blocks_done = false;
	d->agents_done = false;
}

void spm_disc_free(struct spm_ctx *ctx)
{
	struct spm_disc *d = &ctx->disc;

	free(d->iomem);
	d->iomem = NULL;
	d->nr_iomem = 0;
	spm_vec_free(&d->ranges, NULL);
	spm_vec_free(&d->ranges_all, free);
	spm_vec_free(&d->hmem, NULL);
	spm_vec_free(&d->hmem_all, free);
	spm_vec_free(&d->cxl, NULL);
	spm_vec_free(&d->cxl_all, spm_cxl_region_free);
	spm_vec_free(&d->dax, NULL);
	spm_vec_free(&d->dax_all, free);
	spm_vec_free(&d->nodes, NULL);
	spm_vec_free(&d->nodes_all, spm_node_free);
	spm_vec_free(&d->blocks, NULL);
	spm_vec_free(&d->blocks_all, free);
	free(d->block_by_id);
	d->block_by_id = NULL;
	d->block_by_id_len = 0;
	spm_disc_invalidate(ctx);
}

/*
 * Rescan everything now, so that a caller learns about an unusable root or
 * missing sysfs here and not through silently empty lists. Objects that
 * still exist keep their addresses (see libspm-discovery.h).
 */
int spm_refresh(struct spm_ctx *ctx)
{
	int rc;

	if (!ctx)
		return -EINVAL;
	spm_clear_error(ctx);
	spm_disc_invalidate(ctx);
	rc = spm_scan_kernel(ctx);
	if (rc == 0)
		rc = spm_scan_ranges(ctx);
	if (rc == 0)
		rc = spm_scan_nodes(ctx);
	if (rc == 0)
		rc = spm_scan_blocks(ctx);
	if (rc == 0)
		rc = spm_scan_hmem(ctx);
	if (rc == 0)
		rc = spm_scan_cxl(ctx);
	if (rc == 0)
		rc = spm_scan_dax(ctx);
	if (rc == 0)
		spm_dbg(ctx,
			"%s: %zu ranges, %zu hmem, %zu cxl regions, "
			"%zu dax devices, %zu nodes, %zu blocks",
			ctx->root, ctx->disc.ranges.n, ctx->disc.hmem.n,
			ctx->disc.cxl.n, ctx->disc.dax.n, ctx->disc.nodes.n,
			ctx->disc.blocks.n);
	return rc;
}
