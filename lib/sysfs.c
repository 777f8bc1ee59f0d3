// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Root-relative sysfs/procfs access: the only place libspm touches files.
 *
 * Every path is relative ("sys/bus/dax/devices/dax0.0/size") and opened
 * with openat() on the context's root directory fd, so the same code reads
 * a live system ("/") and a fixture tree. Absolute paths are only built for
 * messages, and only when something failed.
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

int spm_vec_push(struct spm_vec *vec, void *p)
{
	if (vec->n == vec->cap) {
		size_t cap = vec->cap ? vec->cap * 2 : 16;
		void **v = realloc(vec->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		vec->v = v;
		vec->cap = cap;
	}
	vec->v[vec->n++] = p;
	return 0;
}

void spm_vec_sort_index(struct spm_vec *vec,
			int (*cmp)(const void *, const void *), size_t idx_off)
{
	size_t i;

	if (vec->n && cmp)
		qsort(vec->v, vec->n, sizeof(void *), cmp);
	for (i = 0; i < vec->n; i++)
		*(size_t *)((char *)vec->v[i] + idx_off) = i;
}

void *spm_vec_next(const struct spm_vec *vec, size_t idx)
{
	return idx + 1 < vec->n ? vec->v[idx + 1] : NULL;
}

void spm_vec_free(struct spm_vec *vec, void (*free_fn)(void *))
{
	size_t i;

	if (free_fn)
		for (i = 0; i < vec->n; i++)
			free_fn(vec->v[i]);
	free(vec->v);
	vec->v = NULL;
	vec->n = vec->cap = 0;
}

static int vformat(char *buf, size_t len, const char *fmt, va_list args)
{
	int n = vsnprintf(buf, len, fmt, args);

	if (n < 0)
		return -EINVAL;
	if ((size_t)n >= len)
		return -ENAMETOOLONG;
	return n;
}

/* The absolute path, for messages: "<root>/<rel>" ("/<rel>" when live). */
static void full_path(struct spm_ctx *ctx, char *buf, size_t len,
		      const char *rel)
{
	const char *root = ctx->root ? ctx->root : "/";
	size_t rlen = strlen(root);

	while (rlen > 1 && root[rlen - 1] == '/')
		rlen--;
	if (rlen == 1 && root[0] == '/')
		rlen = 0;
	snprintf(buf, len, "%.*s/%s", (int)rlen, root, rel);
}

int spm_path(struct spm_ctx *ctx, char *buf, size_t len, const char *fmt, ...)
{
	char rel[SPM_PATH_MAX];
	va_list args;
	int rc;

	va_start(args, fmt);
	rc = vformat(rel, sizeof(rel), fmt, args);
	va_end(args);
	if (rc < 0)
		return rc;
	full_path(ctx, buf, len, rel);
	return (int)strlen(buf);
}

/* Record "<path>: <strerror>" as the last error; returns err. */
static int path_error(struct spm_ctx *ctx, int err, const char *rel)
{
	char path[SPM_PATH_MAX];

	full_path(ctx, path, sizeof(path), rel);
	return spm_set_error(ctx, err, "%s: %s", path, strerror(-err));
}

int spm_open_rel(struct spm_ctx *ctx, const char *rel, int flags)
{
	int fd;

	if (ctx->root_fd < 0)
		return -(ctx->root_errno ? ctx->root_errno : ENOENT);
	fd = openat(ctx->root_fd, rel, O_RDONLY | O_CLOEXEC | flags);
	return fd < 0 ? -errno : fd;
}

DIR *spm_opendir_rel(struct spm_ctx *ctx, const char *rel)
{
	int fd = spm_open_rel(ctx, rel, O_DIRECTORY);
	DIR *dir;

	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	dir = fdopendir(fd);
	if (!dir) {
		int err = errno;

		close(fd);
		errno = err;
	}
	return dir;
}

/*
 * Read up to len - 1 bytes, NUL-terminate, strip one trailing newline.
 * A short read ends it: sysfs returns a whole attribute in one read (and a
 * regular file or seq_file only reads short at its end), so this saves the
 * read(2) that would only return 0, one per attribute of every block.
 */
static int read_fd(int fd, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	if (len == 0)
		return -EINVAL;
	while (got < len - 1) {
		size_t want = len - 1 - got;

		n = read(fd, buf + got, want);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		got += (size_t)n;
		if ((size_t)n < want)
			break;
	}
	buf[got] = '\0';
	if (got && buf[got - 1] == '\n')
		buf[--got] = '\0';
	return (int)got;
}

int spm_read_at(int dirfd, const char *name, char *buf, size_t len)
{
	int fd, rc;

	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = read_fd(fd, buf, len);
	close(fd);
	return rc;
}

static int read_rel(struct spm_ctx *ctx, const char *rel, char *buf, size_t len,
		    bool quiet)
{
	int fd, rc;

	fd = spm_open_rel(ctx, rel, 0);
	if (fd < 0) {
		rc = fd;
		goto fail;
	}
	rc = read_fd(fd, buf, len);
	close(fd);
	if (rc >= 0)
		return rc;
fail:
	if (len)
		buf[0] = '\0';
	if (quiet) {
		spm_dbg(ctx, "%s: %s", rel, strerror(-rc));
		return rc;
	}
	return path_error(ctx, rc, ctx->root_fd < 0 ? "" : rel);
}

int spm_read_str(struct spm_ctx *ctx, char *buf, size_t len, const char *fmt,
		 ...)
{
	char rel[SPM_PATH_MAX];
	va_list args;
	int rc;

	va_start(args, fmt);
	rc = vformat(rel, sizeof(rel), fmt, args);
	va_end(args);
	if (rc < 0)
		return rc;
	return read_rel(ctx, rel, buf, len, false);
}

/* Same as spm_read_str() for optional attributes: no error is recorded. */
int spm_try_read_str(struct spm_ctx *ctx, char *buf, size_t len,
		     const char *fmt, ...)
{
	char rel[SPM_PATH_MAX];
	va_list args;
	int rc;

	va_start(args, fmt);
	rc = vformat(rel, sizeof(rel), fmt, args);
	va_end(args);
	if (rc < 0)
		return rc;
	return read_rel(ctx, rel, buf, len, true);
}

int spm_parse_u64(const char *s, int base, uint64_t *val)
{
	unsigned long long v;
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	/* strtoull() would accept "-1" and wrap it. */
	if (*s == '-' || *s == '\0')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno)
		return -errno;
	if (end == s)
		return -EINVAL;
	while (*end == ' ' || *end == '\t' || *end == '\n')
		end++;
	if (*end)
		return -EINVAL;
	*val = v;
	return 0;
}

static int read_u64(struct spm_ctx *ctx, uint64_t *val, int base,
		    const char *fmt, va_list args)
{
	char rel[SPM_PATH_MAX], buf[64];
	char path[SPM_PATH_MAX];
	int rc;

	rc = vformat(rel, sizeof(rel), fmt, args);
	if (rc < 0)
		return rc;
	rc = read_rel(ctx, rel, buf, sizeof(buf), false);
	if (rc < 0)
		return rc;
	rc = spm_parse_u64(buf, base, val);
	if (rc < 0) {
		full_path(ctx, path, sizeof(path), rel);
		return spm_set_error(ctx, rc, "%s: not a number: \"%s\"", path,
				     buf);
	}
	return 0;
}

int spm_read_u64(struct spm_ctx *ctx, uint64_t *val, const char *fmt, ...)
{
	va_list args;
	int rc;

	va_start(args, fmt);
	rc = read_u64(ctx, val, 0, fmt, args);
	va_end(args);
	return rc;
}

int spm_read_u64_hex(struct spm_ctx *ctx, uint64_t *val, const char *fmt, ...)
{
	va_list args;
	int rc;

	va_start(args, fmt);
	rc = read_u64(ctx, val, 16, fmt, args);
	va_end(args);
	return rc;
}

int spm_read_int(struct spm_ctx *ctx, int *val, const char *fmt, ...)
{
	char rel[SPM_PATH_MAX], buf[64], path[SPM_PATH_MAX];
	va_list args;
	char *end;
	long v;
	int rc;

	va_start(args, fmt);
	rc = vformat(rel, sizeof(rel), fmt, args);
	va_end(args);
	if (rc < 0)
		return rc;
	rc = read_rel(ctx, rel, buf, sizeof(buf), false);
	if (rc < 0)
		return rc;
	errno = 0;
	v = strtol(buf, &end, 0);
	if (errno || end == buf || (*end && *end != '\n') || v < INT_MIN ||
	    v > INT_MAX) {
		full_path(ctx, path, sizeof(path), rel);
		return spm_set_error(ctx, -EINVAL, "%s: not a number: \"%s\"",
				     path, buf);
	}
	*val = (int)v;
	return 0;
}

bool spm_exists(struct spm_ctx *ctx, const char *fmt, ...)
{
	char rel[SPM_PATH_MAX];
	va_list args;
	int rc;

	va_start(args, fmt);
	rc = vformat(rel, sizeof(rel), fmt, args);
	va_end(args);
	if (rc < 0 || ctx->root_fd < 0)
		return false;
	return faccessat(ctx->root_fd, rel, F_OK, 0) == 0;
}

int spm_read_link_base(struct spm_ctx *ctx, char *buf, size_t len,
		       const char *fmt, ...)
{
	char rel[SPM_PATH_MAX], target[SPM_PATH_MAX];
	const char *base;
	va_list args;
	ssize_t n;
	int rc;

	va_start(args, fmt);
	rc = vformat(rel, sizeof(rel), fmt, args);
	va_end(args);
	if (rc < 0)
		return rc;
	if (ctx->root_fd < 0)
		return path_error(ctx, -(ctx->root_errno ?: ENOENT), "");
	n = readlinkat(ctx->root_fd, rel, target, sizeof(target) - 1);
	if (n < 0)
		return path_error(ctx, -errno, rel);
	target[n] = '\0';
	while (n > 1 && target[n - 1] == '/')
		target[--n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= len)
		return -ENAMETOOLONG;
	strcpy(buf, base);
	return (int)strlen(buf);
}

int spm_realpath_rel(struct spm_ctx *ctx, char *buf, size_t len,
		     const char *fmt, ...)
{
	char rel[SPM_PATH_MAX], path[SPM_PATH_MAX], real[PATH_MAX];
	size_t rlen;
	va_list args;
	int rc;

	va_start(args, fmt);
	rc = vformat(rel, sizeof(rel), fmt, args);
	va_end(args);
	if (rc < 0)
		return rc;
	if (ctx->root_fd < 0)
		return -(ctx->root_errno ?: ENOENT);
	full_path(ctx, path, sizeof(path), rel);
	if (!realpath(path, real))
		return -errno;
	rlen = strlen(ctx->root_real);
	/* An absolute symlink in a fixture would lead out of the tree. */
	if (strncmp(real, ctx->root_real, rlen) || real[rlen] != '/')
		return spm_set_error(ctx, -EXDEV,
				     "%s: resolves outside the root (%s)", path,
				     real);
	if (strlen(real + rlen + 1) >= len)
		return -ENAMETOOLONG;
	strcpy(buf, real + rlen + 1);
	return (int)strlen(buf);
}

int spm_read_file(struct spm_ctx *ctx, char **out, const char *fmt, ...)
{
	char rel[SPM_PATH_MAX];
	size_t got = 0, cap = 16384;
	va_list args;
	char *buf, *nbuf;
	ssize_t n;
	int fd, rc;

	va_start(args, fmt);
	rc = vformat(rel, sizeof(rel), fmt, args);
	va_end(args);
	if (rc < 0)
		return rc;
	fd = spm_open_rel(ctx, rel, 0);
	if (fd < 0)
		return path_error(ctx, fd, ctx->root_fd < 0 ? "" : rel);
	buf = malloc(cap);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		if (got + 1 >= cap) {
			nbuf = realloc(buf, cap * 2);
			if (!nbuf) {
				rc = -ENOMEM;
				goto err;
			}
			buf = nbuf;
			cap *= 2;
		}
		n = read(fd, buf + got, cap - 1 - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = path_error(ctx, -errno, rel);
			goto err;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	*out = buf;
	return (int)got;
err:
	close(fd);
	free(buf);
	return rc;
}

int spm_write_str(struct spm_ctx *ctx, const char *val, const char *fmt, ...)
{
	char rel[SPM_PATH_MAX], path[SPM_PATH_MAX];
	size_t len = strlen(val);
	va_list args;
	ssize_t n;
	int fd, rc;

	va_start(args, fmt);
	rc = vformat(rel, sizeof(rel), fmt, args);
	va_end(args);
	if (rc < 0)
		return rc;
	if (ctx->write_hook) {
		rc = ctx->write_hook(ctx, rel, val, ctx->write_hook_data);
		if (rc == 1)
			return 0;
		if (rc < 0)
			goto fail;
	}
	if (ctx->root_fd < 0) {
		rc = -(ctx->root_errno ?: ENOENT);
		goto fail;
	}
	fd = openat(ctx->root_fd, rel, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		goto fail;
	}
	/* One write(2): sysfs stores take the whole value or fail. */
	n = write(fd, val, len);
	rc = n < 0 ? -errno : ((size_t)n == len ? 0 : -EIO);
	close(fd);
	if (rc == 0) {
		spm_dbg(ctx, "%s <- %s", rel, val);
		return 0;
	}
fail:
	full_path(ctx, path, sizeof(path), rel);
	return spm_set_error(ctx, rc, "%s: writing \"%s\": %s", path, val,
			     strerror(-rc));
}

/*
 * The kernel's %*pbl list: "" (empty), "3", "0-2,4". A trailing newline is
 * tolerated because it is what sysfs returns; anything else is -EINVAL.
 */
int spm_parse_bitlist(const char *str, struct spm_nodemask *mask)
{
	const size_t bpl = 8 * sizeof(unsigned long);
	const char *p = str;
	unsigned long a, b, i;
	char *end;

	if (!str || !mask)
		return -EINVAL;
	memset(mask, 0, sizeof(*mask));
	if (*p == '\n' && p[1] == '\0')
		return 0;
	while (*p) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		errno = 0;
		a = strtoul(p, &end, 10);
		if (errno || a >= SPM_MAX_NODES)
			return -EINVAL;
		b = a;
		p = end;
		if (*p == '-') {
			p++;
			if (*p < '0' || *p > '9')
				return -EINVAL;
			b = strtoul(p, &end, 10);
			if (errno || b >= SPM_MAX_NODES || b < a)
				return -EINVAL;
			p = end;
		}
		for (i = a; i <= b; i++)
			mask->bits[i / bpl] |= 1UL << (i % bpl);
		if (*p == ',') {
			p++;
			if (*p == '\0' || *p == '\n')
				return -EINVAL;
		} else if (*p == '\n' && p[1] == '\0') {
			break;
		} else if (*p) {
			return -EINVAL;
		}
	}
	return 0;
}
