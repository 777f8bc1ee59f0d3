// SPDX-License-Identifier: GPL-2.0-only
/*
 * spmctl exec --node|--membind NODES [--] CMD [ARGS...]
 *
 * Like "numactl --membind", but with MPOL_F_SPM_NODE: the policy is set on
 * spmctl itself and inherited by CMD across execvp(), and by everything CMD
 * forks. numactl cannot do this: libnuma's setters cannot pass a mode flag,
 * and without the flag the kernel drops SPM nodes from every mask.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <spm/libspm.h>

#include "builtin.h"

static const char exec_usage[] =
	"usage: spmctl exec --node NODES [--] COMMAND [ARGS...]\n"
	"\n"
	"Run COMMAND with its anonymous memory bound to the SPM nodes NODES\n"
	"(set_mempolicy MPOL_BIND|MPOL_F_SPM_NODE, inherited across exec and\n"
	"fork). Page cache and kernel memory stay on SysRAM.\n"
	"\n"
	"  -n, --node NODES     node list: \"2\", \"2-3,5\", \"all\" or \"spm\"\n"
	"  -m, --membind NODES  (every SPM node), \"!1\" (every SPM node but 1);\n"
	"                       each must be an SPM node. --membind is numactl's\n"
	"                       spelling of the same option\n"
	"  -h, --help           show this help\n"
	"\n"
	"Exit status: that of COMMAND; 127 if COMMAND was not found, 126 if it\n"
	"could not be executed; 2 for a bad node list or a node that is not an\n"
	"SPM node, 4 if the kernel lacks SPM nodes, 5 if a node does not exist.\n";

int cmd_exec(int argc, char **argv, struct spm_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "node", required_argument, NULL, 'n' },
		{ "membind", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct spm_nodemask mask;
	const char *nodes = NULL;
	int c, rc;

	optind = 0; /* 0: also reset glibc's ordering mode */
	opterr = 0;
	/* "+": stop at the first non-option, so CMD's own options (even
	 * without "--") are left to CMD. */
	while ((c = getopt_long(argc, argv, "+:n:m:h", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'n':
		case 'm':
			nodes = optarg;
			break;
		case 'h':
			fputs(exec_usage, stdout);
			return SPMCTL_EXIT_OK;
		default:
			return spmctl_bad_option("exec", c, argv, exec_usage);
		}
	}
	if (!nodes) {
		spmctl_error("exec", "--node NODES is required");
		fputs(exec_usage, stderr);
		return SPMCTL_EXIT_USAGE;
	}
	if (optind >= argc) {
		spmctl_error("exec", "no command given");
		fputs(exec_usage, stderr);
		return SPMCTL_EXIT_USAGE;
	}

	/* "all" and "!N" are relative to the SPM nodes: the only nodes an
	 * SPM policy can take */
	rc = spm_nodemask_parse_spm(ctx, nodes, &mask);
	if (rc < 0) {
		spmctl_error("exec", "%s", spm_get_last_error(ctx));
		/* a malformed list is bad input (the command line); the rest
		 * as every command maps it */
		return rc == -EINVAL ? SPMCTL_EXIT_USAGE :
				       spmctl_exit_code(rc, SPM_CHECK_NONE);
	}
	rc = spm_set_task_policy(ctx, &mask);
	if (rc < 0) {
		spmctl_error("exec", "%s", spm_get_last_error(ctx));
		/* a node that is not SPM, or outside the cpuset, is bad input */
		return rc == -EINVAL ? SPMCTL_EXIT_USAGE :
				       spmctl_exit_code(rc, SPM_CHECK_NONE);
	}

	fflush(NULL);
	execvp(argv[optind], &argv[optind]);
	rc = errno;
	spmctl_error("exec", "%s: %s", argv[optind],
		     rc == ENOENT ? "command not found" : strerror(rc));
	return rc == ENOENT ? 127 : 126;
}
