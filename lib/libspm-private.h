/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal interfaces shared by the files of libspm. Not installed.
 *
 * All I/O goes through the root-relative helpers below: a path is written
 * as on a live system without the leading '/', e.g.
 * "sys/bus/dax/devices/%s/size", and is resolved under the context root.
 * That is what lets every feature run against a fixture tree.
 */
#ifndef _LIBSPM_PRIVATE_H_
#define _LIBSPM_PRIVATE_H_

#include <stdbool.h>
#include <stdint.h>
#include <syslog.h>

#include <spm/libspm.h>

#define SPM_PATH_MAX 4096

/* Logging (ctx.c). */
void spm_log(struct spm_ctx *ctx, int priority, const char *file, int line,
	     const char *fn, const char *format, ...)
	__attribute__((format(printf, 6, 7)));
#define spm_log_cond(ctx, prio, ...)                                         \
	do {                                                                 \
		if (spm_get_log_priority(ctx) >= (prio))                     \
			spm_log(ctx, prio, __FILE__, __LINE__, __func__,      \
				__VA_ARGS__);                                \
	} while (0)
#define spm_err(ctx, ...) spm_log_cond(ctx, LOG_ERR, __VA_ARGS__)
#define spm_info(ctx, ...) spm_log_cond(ctx, LOG_INFO, __VA_ARGS__)
#define spm_dbg(ctx, ...) spm_log_cond(ctx, LOG_DEBUG, __VA_ARGS__)

/*
 * Record the reason for a failure (shown by spm_get_last_error()) and log
 * it at LOG_ERR. Returns err unchanged, so callers write
 * "return spm_set_error(ctx, -EBUSY, "%s: ...", name);".
 */
int spm_set_error(struct spm_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void spm_clear_error(struct spm_ctx *ctx);

/* Root-relative file access (sysfs.c). All return -errno on failure. */
int spm_path(struct spm_ctx *ctx, char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
bool spm_exists(struct spm_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Read a whole small file, strip the trailing newline; returns length. */
int spm_read_str(struct spm_ctx *ctx, char *buf, size_t len, const char *fmt,
		 ...) __attribute__((format(printf, 4, 5)));
/* Parse with base 0 (decimal, or hex with 0x) unless the attribute is
 * known to be bare hex (block_size_bytes, phys_index): use _hex then. */
int spm_read_u64(struct spm_ctx *ctx, uint64_t *val, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int spm_read_u64_hex(struct spm_ctx *ctx, uint64_t *val, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int spm_read_int(struct spm_ctx *ctx, int *val, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Basename of a symlink's target ("kmem" for .../driver). */
int spm_read_link_base(struct spm_ctx *ctx, char *buf, size_t len,
		       const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* One write(2) of val; the kernel's errno is returned as -errno. */
int spm_write_str(struct spm_ctx *ctx, const char *val, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Test hook (never set in production): called before every write with the
 * root-relative path. Return 0 to let the real write happen, 1 when the hook
 * performed it (simulating the kernel's reaction on a fixture tree), or a
 * negative errno to make the write fail (fault injection).
 */
typedef int (*spm_write_hook_fn)(struct spm_ctx *ctx, const char *relpath,
				 const char *val, void *data);
void spm_set_write_hook(struct spm_ctx *ctx, spm_write_hook_fn fn, void *data);

/* A kstrtobool() value (1/0, y/n, on/off): 1, 0, or -1 (kernel.c). */
int spm_parse_kbool(const char *s);

/* A list in the kernel's %*pbl format ("0-2,4"; "" is empty). */
int spm_parse_bitlist(const char *str, struct spm_nodemask *mask);

#endif /* _LIBSPM_PRIVATE_H_ */
