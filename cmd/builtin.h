/* SPDX-License-Identifier: GPL-2.0-only */
/* spmctl subcommands and the exit codes documented in spmctl(8). */
#ifndef _SPMCTL_BUILTIN_H_
#define _SPMCTL_BUILTIN_H_

#include <spm/libspm.h>

enum spmctl_exit {
	SPMCTL_EXIT_OK = 0,		/* done (or nothing to do) */
	SPMCTL_EXIT_FAIL = 1,		/* failed; the system is as it was */
	SPMCTL_EXIT_USAGE = 2,		/* bad command line or bad input */
	SPMCTL_EXIT_PERM = 3,		/* needs root */
	SPMCTL_EXIT_UNSUPPORTED = 4,	/* kernel lacks SPM node isolation */
	SPMCTL_EXIT_NOTFOUND = 5,	/* no such device or node */
	SPMCTL_EXIT_PROBLEMS = 6,	/* doctor/apply --check found problems */
	SPMCTL_EXIT_ROLLBACK = 7,	/* failed AND could not restore state */
	SPMCTL_EXIT_REFUSED = 8,	/* a pre-flight check refused: nothing
					 * was changed */
};

/* Each returns an enum spmctl_exit. argv[0] is the subcommand name. */
int cmd_list(int argc, char **argv, struct spm_ctx *ctx);
int cmd_doctor(int argc, char **argv, struct spm_ctx *ctx);
int cmd_online(int argc, char **argv, struct spm_ctx *ctx);
int cmd_offline(int argc, char **argv, struct spm_ctx *ctx);
int cmd_exec(int argc, char **argv, struct spm_ctx *ctx);
int cmd_apply(int argc, char **argv, struct spm_ctx *ctx);
int cmd_gather(int argc, char **argv, struct spm_ctx *ctx);

/* Shared CLI helpers (cmd/util.c). */
/* Print "spmctl <cmd>: <message>" to stderr. */
void spmctl_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Map a libspm result (-errno, and the pre-flight check that refused, if
 * any) to an exit code: the one mapping of every subcommand. */
int spmctl_exit_code(int err, enum spm_check check);
/* Report a bad option (getopt returned c, '?' or ':') and the usage;
 * returns SPMCTL_EXIT_USAGE. */
int spmctl_bad_option(const char *cmd, int c, char **argv, const char *usage);
/* Non-zero (and a message) when the command needs root and lacks it;
 * fixture roots never need root. */
int spmctl_require_root(struct spm_ctx *ctx, const char *cmd);

#endif /* _SPMCTL_BUILTIN_H_ */
