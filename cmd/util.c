// SPDX-License-Identifier: GPL-2.0-only
/* Helpers shared by the spmctl subcommands (declared in builtin.h). */
#include <errno.h>
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

int spmctl_exit_for_errno(int err)
{
	switch (err < 0 ? -err : err) {
	case 0:
		return SPMCTL_EXIT_OK;
	case EPERM:
	case EACCES:
		return SPMCTL_EXIT_PERM;
	case EOPNOTSUPP:
		return SPMCTL_EXIT_UNSUPPORTED;
	case ENODEV:
	case ENXIO:
		return SPMCTL_EXIT_NOTFOUND;
	default:
		return SPMCTL_EXIT_FAIL;
	}
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
