// SPDX-License-Identifier: GPL-2.0-only
/*
 * spmctl online DEV...|all [--zone movable|kernel] [--dry-run]
 *                         [--allow-sysram] [--timeout MS] [-j]
 * spmctl offline DEV...|all [--to-devdax] [--dry-run] [--timeout MS] [-j]
 *
 * Thin: the plan, the steps and the rollback are libspm's
 * (spm_dax_online/offline); this prints each step as it is taken and one
 * result line per device, and maps errors to spmctl(8)'s exit codes.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include <spm/libspm.h>

#include "builtin.h"

static const char online_usage[] =
	"usage: spmctl online DEVICE...|all [options]\n"
	"\n"
	"Make each dax device an isolated SPM NUMA node: offline and unbind\n"
	"its System RAM blocks if needed, set spm_node=1, bind kmem, online\n"
	"every block and verify its zone. On failure everything is put back\n"
	"as it was found. \"all\" means every dax device; those already\n"
	"isolated are left alone.\n"
	"\n"
	"  -z, --zone movable|kernel  online_movable (default) or online_kernel\n"
	"  -n, --dry-run              print the steps, change nothing\n"
	"      --allow-sysram         on a kernel without SPM nodes, online as\n"
	"                             plain System RAM instead of refusing\n"
	"  -t, --timeout MS           how long to wait for udev (default 10000)\n"
	"  -j, --json                 print the results as JSON\n"
	"  -h, --help                 show this help\n";

static const char offline_usage[] =
	"usage: spmctl offline DEVICE...|all [options]\n"
	"\n"
	"Offline every memory block of each dax device (their pages are\n"
	"migrated; the kernel may refuse with EBUSY). On failure the blocks\n"
	"are put back as they were found.\n"
	"\n"
	"  -d, --to-devdax    then unbind kmem and bind device_dax\n"
	"  -n, --dry-run      print the steps, change nothing\n"
	"  -t, --timeout MS   how long to wait for udev (default 10000)\n"
	"  -j, --json         print the results as JSON\n"
	"  -h, --help         show this help\n";

enum {
	OPT_ALLOW_SYSRAM = 0x100,
};

struct run {
	const char *cmd;
	bool json;
	bool dry;
	int nsteps; /* changes reported for the current device */
	json_object *steps; /* with -j */
};

static void print_step(void *userdata, const char *text)
{
	struct run *run = userdata;
	bool note = !strncmp(text, "note: ", 6);

	if (!note)
		run->nsteps++;
	if (run->json) {
		json_object_array_add(run->steps, json_object_new_string(text));
		return;
	}
	printf("%s%s\n", run->dry && !note ? "would: " : "", text);
	fflush(stdout);
}

/*
 * An operation that failed was rolled back: exit 1 ("the system is as it
 * was"), whatever the errno (an EPERM from a blacklisted module or an
 * ENXIO from a bind that did not stick are not "needs root" or "not
 * found"). Only these say more.
 */
static int exit_for(int err)
{
	switch (err) {
	case -ENOTRECOVERABLE:
		return SPMCTL_EXIT_ROLLBACK;
	case -EOPNOTSUPP:
		return SPMCTL_EXIT_UNSUPPORTED;
	case -EACCES:
		return SPMCTL_EXIT_PERM;
	default:
		return SPMCTL_EXIT_FAIL;
	}
}

/* Count the device's blocks, online ones, and the zone and node they
 * share ("mixed" when they differ). */
static void count_block(struct spm_block *b, int *total, int *online,
			const char **zone, int *node)
{
	(*total)++;
	if (spm_block_get_state(b) != SPM_BLOCK_ONLINE)
		return;
	(*online)++;
	if (spm_block_get_node(b) >= 0)
		*node = spm_block_get_node(b);
	if (!*zone)
		*zone = spm_block_get_zone(b);
	else if (strcmp(*zone, spm_block_get_zone(b)))
		*zone = "mixed";
}

static void count_blocks(struct spm_ctx *ctx, struct spm_dax *dax, int *total,
			 int *online, const char **zone, int *node)
{
	const char *driver = spm_dax_get_driver(dax);
	struct spm_block *b;
	struct spm_node *n;

	*total = *online = 0;
	*zone = NULL;
	*node = spm_dax_get_target_node(dax);
	spm_dax_block_foreach (dax, b)
		count_block(b, total, online, zone, node);
	/* addresses hidden (not root): the target node's blocks stand in,
	 * as libspm's own planning does */
	n = *node >= 0 ? spm_node_get_by_id(ctx, *node) : NULL;
	if (!*total && driver && !strcmp(driver, "kmem") && n)
		spm_node_block_foreach (n, b)
			count_block(b, total, online, zone, node);
	if (!*zone)
		*zone = "none";
}

static bool node_is_spm(struct spm_ctx *ctx, int node)
{
	struct spm_node *n = node >= 0 ? spm_node_get_by_id(ctx, node) : NULL;

	return n && spm_node_is_spm(n);
}

/* The result line, and the JSON object with -j. */
static void report(struct run *run, struct spm_ctx *ctx, struct spm_dax *dax,
		   bool online, enum spm_zone zone, int rc,
		   json_object *results)
{
	const char *dev = spm_dax_get_devname(dax), *bzone, *driver;
	bool changed = run->nsteps > 0;
	json_object *o;
	char line[512];
	int total, on, node;

	count_blocks(ctx, dax, &total, &on, &bzone, &node);
	driver = spm_dax_get_driver(dax);
	if (rc < 0) {
		snprintf(line, sizeof(line), "%s", spm_get_last_error(ctx));
	} else if (online && run->dry && changed) {
		snprintf(line, sizeof(line),
			 "%s: would be online as %s on node %d (%s)", dev,
			 spm_dax_get_spm_node(dax) >= 0 ?
				 "an isolated SPM node" :
				 "System RAM",
			 node,
			 zone == SPM_ZONE_KERNEL ? "kernel zone" : "Movable");
	} else if (online) {
		snprintf(line, sizeof(line), "%s: %s%s node %d (%d blocks, %s)",
			 dev, changed ? "" : "already ",
			 node_is_spm(ctx, node) ? "isolated as SPM" :
						  "online as System RAM on",
			 node, on, bzone);
	} else if (run->dry && changed) {
		snprintf(line, sizeof(line), "%s: would be offline", dev);
	} else {
		snprintf(line, sizeof(line), "%s: %soffline, bound to %s%s",
			 dev, changed ? "" : "already ",
			 driver ? driver : "no driver",
			 driver && !strcmp(driver, "device_dax") ? "" :
			 total ? " (blocks offline)" :
				 "");
	}

	if (!run->json) {
		if (rc < 0)
			spmctl_error(run->cmd, "%s", line);
		else
			printf("%s\n", line);
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "device", json_object_new_string(dev));
	json_object_object_add(o, "ok", json_object_new_boolean(rc >= 0));
	json_object_object_add(o, "changed",
			       json_object_new_boolean(changed && rc >= 0));
	json_object_object_add(o, "dry_run", json_object_new_boolean(run->dry));
	if (rc < 0) {
		json_object_object_add(o, "error",
				       json_object_new_string(line));
		json_object_object_add(o, "errno", json_object_new_int(-rc));
	} else {
		json_object_object_add(o, "result",
				       json_object_new_string(line));
	}
	json_object_object_add(o, "driver",
			       driver ? json_object_new_string(driver) : NULL);
	json_object_object_add(o, "node", json_object_new_int(node));
	json_object_object_add(o, "spm",
			       json_object_new_boolean(node_is_spm(ctx, node)));
	json_object_object_add(o, "online_blocks", json_object_new_int(on));
	json_object_object_add(o, "total_blocks", json_object_new_int(total));
	json_object_object_add(o, "zone", json_object_new_string(bzone));
	json_object_object_add(o, "steps", run->steps);
	run->steps = NULL;
	json_object_array_add(results, o);
}

static int run_cmd(int argc, char **argv, struct spm_ctx *ctx, bool online)
{
	static const struct option longopts[] = {
		{ "zone", required_argument, NULL, 'z' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "allow-sysram", no_argument, NULL, OPT_ALLOW_SYSRAM },
		{ "to-devdax", no_argument, NULL, 'd' },
		{ "timeout", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = online ? "online" : "offline";
	const char *usage = online ? online_usage : offline_usage;
	struct spm_op_opts opts = { .zone = SPM_ZONE_MOVABLE };
	const char *zone_arg = NULL;
	bool allow_sysram = false, to_devdax = false, all = false;
	json_object *results = NULL;
	struct run run = { .cmd = cmd };
	char **names = NULL;
	size_t nnames = 0, i;
	int c, rc, ret = SPMCTL_EXIT_OK;
	struct spm_dax *dax;
	char *end;
	long ms;

	optind = 0; /* 0: also reset glibc's ordering mode */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":z:ndt:jh", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'z':
			zone_arg = optarg;
			break;
		case 'n':
			run.dry = true;
			break;
		case OPT_ALLOW_SYSRAM:
			allow_sysram = true;
			break;
		case 'd':
			to_devdax = true;
			break;
		case 't':
			errno = 0;
			ms = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || ms <= 0 ||
			    ms > 3600000) {
				spmctl_error(
					cmd,
					"--timeout: \"%s\" is not a number of milliseconds (1-3600000)",
					optarg);
				return SPMCTL_EXIT_USAGE;
			}
			opts.timeout_ms = (int)ms;
			break;
		case 'j':
			run.json = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return SPMCTL_EXIT_OK;
		case ':':
			spmctl_error(cmd, "option %s needs a value",
				     argv[optind - 1]);
			return SPMCTL_EXIT_USAGE;
		default:
			if (optopt && optopt < 0x100)
				spmctl_error(cmd, "unknown option -%c", optopt);
			else
				spmctl_error(cmd, "unknown option %s",
					     argv[optind - 1]);
			fputs(usage, stderr);
			return SPMCTL_EXIT_USAGE;
		}
	}

	/* options that belong to the other command */
	if (online && to_devdax) {
		spmctl_error(cmd,
			     "--to-devdax is an option of \"spmctl offline\"");
		return SPMCTL_EXIT_USAGE;
	}
	if (!online && (zone_arg || allow_sysram)) {
		spmctl_error(cmd, "%s is an option of \"spmctl online\"",
			     zone_arg ? "--zone" : "--allow-sysram");
		return SPMCTL_EXIT_USAGE;
	}
	if (zone_arg) {
		if (!strcmp(zone_arg, "movable")) {
			opts.zone = SPM_ZONE_MOVABLE;
		} else if (!strcmp(zone_arg, "kernel")) {
			opts.zone = SPM_ZONE_KERNEL;
		} else {
			spmctl_error(
				cmd,
				"--zone: \"%s\" is not \"movable\" or \"kernel\"",
				zone_arg);
			return SPMCTL_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		spmctl_error(
			cmd,
			"no device given (a dax device such as dax0.0, or \"all\")");
		fputs(usage, stderr);
		return SPMCTL_EXIT_USAGE;
	}
	for (i = optind; i < (size_t)argc; i++) {
		if (!strcmp(argv[i], "all"))
			all = true;
	}
	if (all && argc - optind > 1) {
		spmctl_error(cmd,
			     "\"all\" cannot be combined with device names");
		return SPMCTL_EXIT_USAGE;
	}

	if (run.dry)
		opts.flags |= SPM_OP_DRY_RUN;
	if (allow_sysram)
		opts.flags |= SPM_OP_ALLOW_SYSRAM;
	if (to_devdax)
		opts.flags |= SPM_OP_TO_DEVDAX;
	opts.step_fn = print_step;
	opts.step_userdata = &run;

	if (!run.dry) {
		rc = spmctl_require_root(ctx, cmd);
		if (rc)
			return rc;
	}

	/* Names first: each operation refreshes the context. */
	if (all) {
		spm_dax_foreach (ctx, dax)
			nnames++;
		if (!nnames) {
			spmctl_error(cmd, "no dax devices found");
			return SPMCTL_EXIT_NOTFOUND;
		}
		names = calloc(nnames, sizeof(*names));
		if (!names)
			return SPMCTL_EXIT_FAIL;
		i = 0;
		spm_dax_foreach (ctx, dax) {
			if (i == nnames)
				break;
			names[i] = strdup(spm_dax_get_devname(dax));
			if (!names[i]) {
				ret = SPMCTL_EXIT_FAIL;
				goto out;
			}
			i++;
		}
		nnames = i;
	} else {
		nnames = argc - optind;
		names = calloc(nnames, sizeof(*names));
		if (!names)
			return SPMCTL_EXIT_FAIL;
		for (i = 0; i < nnames; i++) {
			names[i] = strdup(argv[optind + i]);
			if (!names[i]) {
				ret = SPMCTL_EXIT_FAIL;
				goto out;
			}
		}
		/* every name must exist before anything is changed */
		for (i = 0; i < nnames; i++) {
			if (!spm_dax_get_by_name(ctx, names[i])) {
				spmctl_error(cmd, "%s: no such dax device",
					     names[i]);
				ret = SPMCTL_EXIT_NOTFOUND;
				goto out;
			}
		}
	}

	if (run.json)
		results = json_object_new_array();
	for (i = 0; i < nnames; i++) {
		dax = spm_dax_get_by_name(ctx, names[i]);
		if (!dax) {
			spmctl_error(cmd,
				     "%s: no such dax device (it vanished)",
				     names[i]);
			if (!ret)
				ret = SPMCTL_EXIT_NOTFOUND;
			continue;
		}
		run.nsteps = 0;
		if (run.json)
			run.steps = json_object_new_array();
		rc = online ? spm_dax_online(dax, &opts) :
			      spm_dax_offline(dax, &opts);
		report(&run, ctx, dax, online, opts.zone, rc, results);
		json_object_put(run.steps);
		run.steps = NULL;
		if (rc < 0) {
			c = exit_for(rc);
			/* the worst news wins: a failed rollback */
			if (!ret || c == SPMCTL_EXIT_ROLLBACK)
				ret = c;
		}
	}
	if (results) {
		printf("%s\n", json_object_to_json_string_ext(
				       results,
				       JSON_C_TO_STRING_PRETTY |
					       JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(results);
	}
out:
	for (i = 0; names && i < nnames; i++)
		free(names[i]);
	free(names);
	return ret;
}

int cmd_online(int argc, char **argv, struct spm_ctx *ctx)
{
	return run_cmd(argc, argv, ctx, true);
}

int cmd_offline(int argc, char **argv, struct spm_ctx *ctx)
{
	return run_cmd(argc, argv, ctx, false);
}
