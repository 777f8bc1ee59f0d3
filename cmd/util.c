// SPDX-License-Identifier: GPL-2.0-only
/* Helpers shared by the spmctl subcommands (declared in builtin.h). */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include <spm/libspm.h>

#include "builtin.h"

void spmctl_error(const char *cmd, const char *fmt, ...)
{
	va_list args;

	fprintf(stderr, "spmctl %s: ", cmd);
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fputc('\n', stderr);
}

/*
 * The one mapping from a libspm result to spmctl(8)'s exit codes, for
 * every subcommand. A pre-flight refusal changed nothing and says why: 8,
 * whatever its errno. Otherwise a failure whose rollback failed is 7, the
 * kernel lacking the series 4, a device or node that does not exist 5, a
 * permission problem 3, and any other failure 1 (rolled back: the system
 * is as it was).
 */
int spmctl_exit_code(int err, enum spm_check check)
{
	if (err >= 0)
		return SPMCTL_EXIT_OK;
	if (check != SPM_CHECK_NONE)
		return SPMCTL_EXIT_REFUSED;
	switch (-err) {
	case ENOTRECOVERABLE:
		return SPMCTL_EXIT_ROLLBACK;
	case EOPNOTSUPP:
		return SPMCTL_EXIT_UNSUPPORTED;
	case ENODEV:
		return SPMCTL_EXIT_NOTFOUND;
	case EPERM:
	case EACCES:
		return SPMCTL_EXIT_PERM;
	default:
		return SPMCTL_EXIT_FAIL;
	}
}

/* One style for every bad option: "spmctl CMD: ...", then the usage. */
int spmctl_bad_option(const char *cmd, int c, char **argv, const char *usage)
{
	if (c == ':')
		spmctl_error(cmd, "option %s needs a value", argv[optind - 1]);
	else if (optopt && optopt < 0x100)
		spmctl_error(cmd, "unknown option -%c", optopt);
	else
		spmctl_error(cmd, "unknown option %s", argv[optind - 1]);
	fputs(usage, stderr);
	return SPMCTL_EXIT_USAGE;
}

/*
 * Only a live root needs privileges: on a fixture tree (SPM_SYSFS_ROOT)
 * every file belongs to the caller and the tests run unprivileged.
 */
int spmctl_require_root(struct spm_ctx *ctx, const char *cmd)
{
	if (!spm_root_is_live(ctx) || geteuid() == 0)
		return 0;
	spmctl_error(cmd, "must be run as root (it writes to /sys/bus/dax and "
			  "/sys/devices/system/memory)");
	return SPMCTL_EXIT_PERM;
}
