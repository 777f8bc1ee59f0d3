// SPDX-License-Identifier: GPL-2.0-only
/*
 * spmctl: discover Specific Purpose Memory, online it as isolated SPM NUMA
 * nodes, and run programs bound to it. This file parses the global options
 * and dispatches to the cmd_* of builtin.h.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <spm/libspm.h>

#include "builtin.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv, struct spm_ctx *ctx);
	const char *help;
};

static const struct command commands[] = {
	{ "list", cmd_list, "show SPM ranges, dax devices, nodes and blocks" },
	{ "doctor", cmd_doctor, "explain what keeps SPM from being isolated" },
	{ "online", cmd_online, "make a dax device an isolated SPM node" },
	{ "offline", cmd_offline, "offline a dax device's memory" },
	{ "exec", cmd_exec, "run a command bound to SPM nodes" },
	{ "apply", cmd_apply, "apply the boot policy of spm.conf" },
	{ "gather", cmd_gather, "archive what spmctl reads, for a bug report" },
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	size_t i;

	fputs("usage: spmctl [--version] [--help] [-v|--verbose] [--sysroot DIR]\n"
	      "              <command> [<args>]\n\ncommands:\n",
	      f);
	for (i = 0; i < NR_COMMANDS; i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].help);
	fputs("\n  --sysroot DIR  read (and write) sys/, proc/ and etc/spm under DIR\n"
	      "                 instead of /, like $SPM_SYSFS_ROOT\n"
	      "\nSee 'spmctl help <command>', 'spmctl <command> --help' and "
	      "spmctl(8).\n",
	      f);
}

/* "spmctl CMD --help" works whatever the root is. */
static bool wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "sysroot", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sysroot = NULL;
	char *help_argv[3];
	const struct command *cmd = NULL;
	struct spm_ctx *ctx;
	bool verbose = false;
	int c, rc;
	size_t i;

	/* '+': stop at the subcommand, its options are its own. */
	while ((c = getopt_long(argc, argv, "+hVv", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return SPMCTL_EXIT_OK;
		case 'V':
			printf("spmctl %s\n", SPMCTL_VERSION);
			return SPMCTL_EXIT_OK;
		case 'v':
			verbose = true;
			break;
		case 'S':
			sysroot = optarg;
			break;
		default:
			usage(stderr);
			return SPMCTL_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fputs("spmctl: no command given\n", stderr);
		usage(stderr);
		return SPMCTL_EXIT_USAGE;
	}
	/* "spmctl help CMD" is "spmctl CMD --help" */
	if (!strcmp(argv[optind], "help")) {
		if (optind + 1 >= argc) {
			usage(stdout);
			return SPMCTL_EXIT_OK;
		}
		help_argv[0] = argv[optind + 1];
		help_argv[1] = (char *)"--help";
		help_argv[2] = NULL;
		argv = help_argv;
		argc = 2;
		optind = 0;
	}
	for (i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(argv[optind], commands[i].name))
			cmd = &commands[i];
	if (!cmd) {
		fprintf(stderr, "spmctl: unknown command '%s'\n", argv[optind]);
		usage(stderr);
		return SPMCTL_EXIT_USAGE;
	}

	rc = spm_new(&ctx);
	if (rc < 0) {
		spmctl_error(cmd->name, "cannot create a context: %s",
			     strerror(-rc));
		return SPMCTL_EXIT_FAIL;
	}
	/*
	 * The commands print every failure themselves from
	 * spm_get_last_error(); the library's own log would repeat it. It
	 * speaks up with -v or $SPM_LOG.
	 */
	if (verbose)
		spm_set_log_priority(ctx, LOG_DEBUG);
	else if (!getenv("SPM_LOG"))
		spm_set_log_priority(ctx, LOG_CRIT);
	if (sysroot && !wants_help(argc - optind, argv + optind)) {
		/* the option wins over $SPM_SYSFS_ROOT, and replaces the
		 * error a bad $SPM_SYSFS_ROOT left */
		rc = spm_set_root(ctx, sysroot);
		if (rc < 0) {
			spmctl_error(cmd->name, "--sysroot %s",
				     spm_get_last_error(ctx));
			spm_unref(ctx);
			return SPMCTL_EXIT_FAIL;
		}
	} else if (spm_get_last_error(ctx)[0] &&
		   !wants_help(argc - optind, argv + optind)) {
		/* $SPM_SYSFS_ROOT is not a usable directory. */
		spmctl_error(cmd->name, "%s", spm_get_last_error(ctx));
		spm_unref(ctx);
		return SPMCTL_EXIT_FAIL;
	}
	argc -= optind;
	argv += optind;
	/* GNU getopt fully reinitialises for the subcommand's argv. */
	optind = 0;
	rc = cmd->fn(argc, argv, ctx);
	spm_unref(ctx);
	return rc;
}
