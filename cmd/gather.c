// SPDX-License-Identifier: GPL-2.0-only
/*
 * spmctl gather FILE.tar: the files libspm reads (spm_gather()), as a tar
 * archive for a bug report or a test fixture. Unpacked, it is a root for
 * spmctl --sysroot DIR that gives the same list and doctor output.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <spm/libspm.h>

#include "builtin.h"

extern char **environ;

static const char gather_usage[] =
	"usage: spmctl gather FILE.tar\n"
	"\n"
	"Copy the files spmctl and libspm read (memory blocks, nodes, dax and\n"
	"CXL devices, /proc/iomem and the command line, /etc/spm, the udev\n"
	"rules) into a tar archive, for a bug report or a test fixture; tar's\n"
	"-a picks the compression from the name (.tar.gz, .tar.xz). Unpacked,\n"
	"it replays with 'spmctl --sysroot DIR list'. Physical addresses are\n"
	"only in it when gathered as root.\n"
	"\n"
	"  -h, --help  show this help\n";

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path) < 0 ? -1 : 0;
}

/* tar -C dir -caf out . */
static int run_tar(const char *dir, const char *out)
{
	char *argv[] = { "tar", "-C", (char *)dir, "-caf", (char *)out, ".",
			 NULL };
	int status;
	pid_t pid;

	if (posix_spawnp(&pid, "tar", NULL, NULL, argv, environ))
		return -errno;
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

int cmd_gather(int argc, char **argv, struct spm_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char tmp[4096], root[4200];
	const char *base;
	int c, rc, n;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(gather_usage, stdout);
			return SPMCTL_EXIT_OK;
		default:
			return spmctl_bad_option("gather", c, argv,
						 gather_usage);
		}
	}
	if (optind != argc - 1) {
		spmctl_error("gather", "%s", optind >= argc ?
				     "no output file given" :
				     "one output file only");
		fputs(gather_usage, stderr);
		return SPMCTL_EXIT_USAGE;
	}
	base = getenv("TMPDIR");
	snprintf(tmp, sizeof(tmp), "%s/spm-gather.XXXXXX",
		 base && base[0] ? base : "/tmp");
	if (!mkdtemp(tmp)) {
		spmctl_error("gather", "%s: %s", tmp, strerror(errno));
		return SPMCTL_EXIT_FAIL;
	}
	snprintf(root, sizeof(root), "%s/root", tmp);
	if (mkdir(root, 0755) < 0) {
		spmctl_error("gather", "%s: %s", root, strerror(errno));
		rmdir(tmp);
		return SPMCTL_EXIT_FAIL;
	}
	n = spm_gather(ctx, root);
	if (n < 0) {
		spmctl_error("gather", "%s", spm_get_last_error(ctx));
		rc = spmctl_exit_code(n, SPM_CHECK_NONE);
	} else if ((rc = run_tar(root, argv[optind])) < 0) {
		spmctl_error("gather", "%s: tar failed: %s", argv[optind],
			     strerror(-rc));
		rc = SPMCTL_EXIT_FAIL;
	} else {
		printf("%s: %d files and links from %s\n", argv[optind], n,
		       spm_get_root(ctx));
		rc = SPMCTL_EXIT_OK;
	}
	nftw(tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return rc;
}
