// SPDX-License-Identifier: GPL-2.0-only
/*
 * spmctl online DEV...|all [--zone movable|kernel] [--dry-run]
 *                         [--allow-sysram] [--destroy-persistence]
 *                         [--user-numa|--no-user-numa]
 *                         [--timeout MS] [-j]
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
#include "discovery.h"

static const char online_usage[] =
	"usage: spmctl online DEVICE...|all [options]\n"
	"\n"
	"Make each dax device an isolated SPM NUMA node: offline and unbind\n"
	"its System RAM blocks if needed, set spm_node=1, bind kmem, online\n"
	"every block and verify its zone. On failure everything is put back\n"
	"as it was found. \"all\" means every dax device of an SPM source (hmem,\n"
	"CXL RAM) that has memory; persistent memory and seed devices are\n"
	"skipped, and those already isolated are left alone.\n"
	"\n"
	"  -z, --zone movable|kernel  online_movable (default) or online_kernel\n"
	"  -n, --dry-run              print the steps, change nothing\n"
	"      --allow-sysram         on a kernel without SPM nodes, online as\n"
	"                             plain System RAM instead of refusing\n"
	"      --destroy-persistence  allow a named persistent memory (pmem)\n"
	"                             device to become volatile memory: the\n"
	"                             data on it is lost\n"
	"      --user-numa            set spm_user_numa=1 before binding kmem:\n"
	"                             plain MPOL_BIND, numactl --membind,\n"
	"                             libnuma, move_pages and migrate_pages\n"
	"                             then reach the SPM node\n"
	"      --no-user-numa         set spm_user_numa=0 (without either, the\n"
	"                             device keeps its value)\n"
	"  -t, --timeout MS           how long to wait for udev and for another\n"
	"                             spmctl on the same device (default 10000)\n"
	"  -j, --json                 print the results as JSON\n"
	"  -h, --help                 show this help\n";

static const char offline_usage[] =
	"usage: spmctl offline DEVICE...|all [options]\n"
	"\n"
	"Offline every memory block of each dax device (their pages are\n"
	"migrated; the kernel may refuse with EBUSY). On failure the blocks\n"
	"are put back as they were found. \"all\" means every dax device of an\n"
	"SPM source (hmem, CXL RAM).\n"
	"\n"
	"  -d, --to-devdax    then unbind kmem and bind device_dax\n"
	"  -n, --dry-run      print the steps, change nothing\n"
	"  -t, --timeout MS   how long to wait for udev and for another\n"
	"                     spmctl on the same device (default 10000)\n"
	"  -j, --json         print the results as JSON\n"
	"  -h, --help         show this help\n";

enum {
	OPT_ALLOW_SYSRAM = 0x100,
	OPT_DESTROY_PERSISTENCE,
	OPT_USER_NUMA,
	OPT_NO_USER_NUMA,
};

struct run {
	const char *cmd;
	bool json;
	bool dry;
	int user_numa; /* --user-numa 1, --no-user-numa 0, neither -1 */
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

/* " node N", or "" when the node is unknown: never "node -1". */
static const char *node_words(int node, char *buf, size_t len)
{
	if (node < 0)
		return "";
	snprintf(buf, len, " node %d", node);
	return buf;
}

/*
 * ", open to the plain NUMA API" when the node is or will be: for a dry
 * run that would change the device (and changed nothing), what was asked,
 * or the device's value when nothing was; otherwise what kmem took with
 * the memory, which cannot change while it is bound.
 */
static const char *open_words(const struct run *run, struct spm_dax *dax,
			      bool changed)
{
	static const char words[] = ", open to the plain NUMA API";
	bool on = spm_dax_get_user_numa(dax) == 1;

	if (run->dry && changed) {
		if (spm_dax_get_spm_node(dax) < 0)
			return "";
		if (run->user_numa >= 0)
			on = run->user_numa;
	} else if (spm_dax_get_state(dax) != SPM_DAX_STATE_ISOLATED) {
		return "";
	}
	return on ? words : "";
}

/* The result line of one device. */
static void result_line(struct run *run, struct spm_dax *dax, bool online,
			enum spm_zone zone, char *line, size_t len)
{
	const char *dev = spm_dax_get_devname(dax);
	const char *driver = spm_dax_get_driver(dax);
	enum spm_dax_state st = spm_dax_get_state(dax);
	bool changed = run->nsteps > 0;
	int node = spm_dax_get_node(dax);
	struct spmctl_blocks s;
	const char *open;
	char nw[32];

	spmctl_dax_blocks(dax, &s);
	open = open_words(run, dax, changed);
	if (online && run->dry && changed) {
		snprintf(line, len, "%s: would be online as %s%s%s (%s)", dev,
			 spm_dax_get_spm_node(dax) >= 0 ?
				 "an isolated SPM node on" :
				 "System RAM on",
			 node >= 0 ? node_words(node, nw, sizeof(nw)) :
				     " its target node",
			 open,
			 zone == SPM_ZONE_KERNEL ? "kernel zone" : "Movable");
	} else if (online) {
		snprintf(line, len, "%s: %s%s%s%s (%lu blocks, %s)", dev,
			 changed ? "" : "already ",
			 st == SPM_DAX_STATE_ISOLATED ? "isolated as SPM" :
							"online as System RAM on",
			 node_words(node, nw, sizeof(nw)), open, s.online,
			 s.nr_zones == 1 ? s.zone[0] :
			 s.nr_zones	 ? "mixed" :
					   "none");
	} else if (run->dry && changed) {
		snprintf(line, len, "%s: would be offline", dev);
	} else {
		snprintf(line, len, "%s: %soffline, bound to %s%s", dev,
			 changed ? "" : "already ",
			 driver ? driver : "no driver",
			 driver && !strcmp(driver, "device_dax") ? "" :
			 s.count ? " (blocks offline)" :
				   "");
	}
}

/*
 * The result of one device: a line (stderr on failure), or with -j an
 * object with list -j's keys for the device (spmctl_dax_json) plus the
 * operation's own: ok, changed, dry_run, result or error, errno,
 * refused_by, failed_step, left, skipped, steps. Unknown values are
 * omitted, never null or -1 (docs/json-schema.md).
 */
static void report(struct run *run, struct spm_dax *dax, bool online,
		   enum spm_zone zone, const struct spm_op_result *res,
		   const char *skipped, json_object *results)
{
	bool changed = run->nsteps > 0 && res->err >= 0 && !skipped;
	json_object *o;
	char line[1200];

	if (skipped)
		snprintf(line, sizeof(line), "%s: skipped: %s",
			 spm_dax_get_devname(dax), skipped);
	else if (res->err < 0 && res->message[0])
		snprintf(line, sizeof(line), "%s", res->message);
	else if (res->err < 0)
		snprintf(line, sizeof(line), "%s: %s", spm_dax_get_devname(dax),
			 strerror(-res->err));
	else
		result_line(run, dax, online, zone, line, sizeof(line));

	if (!run->json) {
		if (res->err < 0)
			spmctl_error(run->cmd, "%s", line);
		else
			printf("%s\n", line);
		return;
	}
	o = spmctl_dax_json(dax, false);
	if (!o)
		return;
	spmctl_jadd(o, "ok", json_object_new_boolean(res->err >= 0));
	spmctl_jadd(o, "changed", json_object_new_boolean(changed));
	spmctl_jadd(o, "dry_run", json_object_new_boolean(run->dry));
	if (skipped) {
		spmctl_jadd(o, "skipped", json_object_new_string(skipped));
	} else if (res->err < 0) {
		spmctl_jadd(o, "error", json_object_new_string(line));
		spmctl_jadd(o, "errno", json_object_new_int(-res->err));
		if (res->check != SPM_CHECK_NONE)
			spmctl_jadd(o, "refused_by",
				    json_object_new_string(
					    spm_check_get_name(res->check)));
		if (res->step[0])
			spmctl_jadd(o, "failed_step",
				    json_object_new_string(res->step));
		if (res->left[0])
			spmctl_jadd(o, "left",
				    json_object_new_string(res->left));
	} else {
		spmctl_jadd(o, "result", json_object_new_string(line));
	}
	spmctl_jadd(o, "steps", run->steps ? run->steps :
					     json_object_new_array());
	run->steps = NULL;
	json_object_array_add(results, o);
}

/* The node a name such as "node2" names, or NULL. */
static struct spm_node *named_node(struct spm_ctx *ctx, const char *name)
{
	int id;
	char c;

	if (sscanf(name, "node%d%c", &id, &c) != 1 || id < 0)
		return NULL;
	return spm_node_get_by_id(ctx, id);
}

/*
 * A node named instead of a dax device: libspm's pre-flight check refuses
 * a driver's memory (spm_node_check_ops); reported as a refused device is,
 * with the node's keys of list -j (node, owner, driver) in JSON. Returns
 * the exit code, 0 when the node is not a driver's.
 */
static int node_op(struct run *run, struct spm_node *node,
		   json_object *results)
{
	struct spm_op_result res = { .size = sizeof(res) };
	json_object *o;
	int rc;

	rc = spm_node_check_ops(node, &res);
	if (rc >= 0) /* not a driver's: its dax devices are to be named */
		return SPMCTL_EXIT_OK;
	if (!run->json) {
		spmctl_error(run->cmd, "%s", res.message);
		return spmctl_exit_code(rc, res.check);
	}
	o = json_object_new_object();
	if (!o)
		return spmctl_exit_code(rc, res.check);
	spmctl_jadd(o, "node", json_object_new_int(spm_node_get_id(node)));
	spmctl_node_owner_json(o, node);
	spmctl_jadd(o, "ok", json_object_new_boolean(false));
	spmctl_jadd(o, "changed", json_object_new_boolean(false));
	spmctl_jadd(o, "dry_run", json_object_new_boolean(run->dry));
	spmctl_jadd(o, "error", json_object_new_string(res.message));
	spmctl_jadd(o, "errno", json_object_new_int(-rc));
	spmctl_jadd(o, "refused_by", json_object_new_string(spm_check_get_name(
					     res.check)));
	spmctl_jadd(o, "steps", json_object_new_array());
	json_object_array_add(results, o);
	return spmctl_exit_code(rc, res.check);
}

/*
 * Why "all" leaves a device out, or NULL to act on it: a wildcard acts on
 * Specific Purpose Memory only, never on persistent memory (its data would
 * be lost) or on what spmctl cannot tell is SPM, and a seed device has no
 * memory.
 */
static const char *all_skips(struct spm_dax *dax)
{
	switch (spm_dax_get_source(dax)) {
	case SPM_DAX_SOURCE_HMEM:
	case SPM_DAX_SOURCE_CXL_RAM:
		break;
	case SPM_DAX_SOURCE_PMEM:
		return "persistent memory (pmem) is never taken by \"all\"; name it with --destroy-persistence to make it volatile";
	case SPM_DAX_SOURCE_DRIVER:
		return "its dax region belongs to another driver, not hmem or CXL: name it to act on it";
	default:
		return "its source (hmem, CXL, pmem) cannot be told: name it to act on it";
	}
	if (spm_dax_get_size(dax) == 0)
		return "a seed device (size 0): no memory";
	return NULL;
}

static int run_cmd(int argc, char **argv, struct spm_ctx *ctx, bool online)
{
	static const struct option longopts[] = {
		{ "zone", required_argument, NULL, 'z' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "allow-sysram", no_argument, NULL, OPT_ALLOW_SYSRAM },
		{ "destroy-persistence", no_argument, NULL,
		  OPT_DESTROY_PERSISTENCE },
		{ "user-numa", no_argument, NULL, OPT_USER_NUMA },
		{ "no-user-numa", no_argument, NULL, OPT_NO_USER_NUMA },
		{ "to-devdax", no_argument, NULL, 'd' },
		{ "timeout", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = online ? "online" : "offline";
	const char *usage = online ? online_usage : offline_usage;
	struct spm_op_result res = { .size = sizeof(res) };
	struct spm_op_opts opts = {
		.size = sizeof(opts),
		.zone = SPM_ZONE_MOVABLE,
		.result = &res,
	};
	const char *zone_arg = NULL, *skipped;
	bool allow_sysram = false, to_devdax = false, all = false;
	bool destroy = false;
	json_object *results = NULL;
	struct run run = { .cmd = cmd, .user_numa = -1 };
	char **names = NULL;
	size_t nnames = 0, i;
	int c, rc, ret = SPMCTL_EXIT_OK;
	struct spm_node *node;
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
		case OPT_DESTROY_PERSISTENCE:
			destroy = true;
			break;
		case OPT_USER_NUMA:
		case OPT_NO_USER_NUMA:
			if (run.user_numa >= 0 &&
			    run.user_numa != (c == OPT_USER_NUMA)) {
				spmctl_error(
					cmd,
					"--user-numa and --no-user-numa exclude each other");
				return SPMCTL_EXIT_USAGE;
			}
			run.user_numa = c == OPT_USER_NUMA;
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
		default:
			return spmctl_bad_option(cmd, c, argv, usage);
		}
	}

	/* options that belong to the other command */
	if (online && to_devdax) {
		spmctl_error(cmd,
			     "--to-devdax is an option of \"spmctl offline\"");
		return SPMCTL_EXIT_USAGE;
	}
	if (!online &&
	    (zone_arg || allow_sysram || destroy || run.user_numa >= 0)) {
		spmctl_error(cmd, "%s is an option of \"spmctl online\"",
			     zone_arg	       ? "--zone" :
			     allow_sysram      ? "--allow-sysram" :
			     destroy	       ? "--destroy-persistence" :
			     run.user_numa > 0 ? "--user-numa" :
						 "--no-user-numa");
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
		/* asked for: refuse where it cannot be verified */
		opts.flags |= SPM_OP_ZONE_REQUIRED;
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
	if (all && destroy) {
		spmctl_error(
			cmd,
			"--destroy-persistence needs the pmem device named, not \"all\"");
		return SPMCTL_EXIT_USAGE;
	}

	if (run.dry)
		opts.flags |= SPM_OP_DRY_RUN;
	if (allow_sysram)
		opts.flags |= SPM_OP_ALLOW_SYSRAM;
	if (to_devdax)
		opts.flags |= SPM_OP_TO_DEVDAX;
	if (destroy)
		opts.flags |= SPM_OP_DESTROY_PERSISTENCE;
	if (run.user_numa >= 0)
		opts.flags |= run.user_numa ? SPM_OP_USER_NUMA :
					      SPM_OP_NO_USER_NUMA;
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
		/* every name must exist before anything is changed; a
		 * node is named only to be refused (node_op) */
		for (i = 0; i < nnames; i++) {
			node = named_node(ctx, names[i]);
			if (!spm_dax_get_by_name(ctx, names[i]) &&
			    !(node && spm_node_check_ops(node, NULL) < 0)) {
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
		node = dax || all ? NULL : named_node(ctx, names[i]);
		c = node ? node_op(&run, node, results) : SPMCTL_EXIT_OK;
		if (c) {
			if (!ret || c == SPMCTL_EXIT_ROLLBACK)
				ret = c;
			continue;
		}
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
		skipped = all ? all_skips(dax) : NULL;
		if (skipped) {
			memset(&res, 0, sizeof(res));
			res.size = sizeof(res);
			rc = 0;
		} else {
			rc = online ? spm_dax_online(dax, &opts) :
				      spm_dax_offline(dax, &opts);
		}
		report(&run, dax, online, opts.zone, &res, skipped, results);
		json_object_put(run.steps);
		run.steps = NULL;
		if (rc < 0) {
			c = spmctl_exit_code(rc, res.check);
			/* the worst news wins: a failed rollback */
			if (!ret || c == SPMCTL_EXIT_ROLLBACK)
				ret = c;
		}
	}
	if (results) {
		spmctl_print_json(results);
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
