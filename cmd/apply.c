// SPDX-License-Identifier: GPL-2.0-only
/*
 * spmctl apply [--config FILE] [--dry-run] [--no-wait] [DEVICE...]
 * spmctl apply --check [--config FILE]
 *
 * The boot policy: for each dax device (or the ones named, which is how
 * the udev rule and spmctl-apply@.service call it), find the first rule of
 * spm.conf that matches the device's stable identity and bring the device
 * to the state the rule asks for. Idempotent: the library's online/offline
 * return without writing when the device is already as asked.
 *
 * Safety: a configuration with any problem changes nothing at all; a
 * device that no rule matches is left alone; a device that fails does not
 * stop the others.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <spm/libspm.h>
#include <spm-policy.h>

#include "builtin.h"

static const char apply_usage[] =
	"usage: spmctl apply [options] [DEVICE...]\n"
	"       spmctl apply --check [--config FILE]\n"
	"\n"
	"Bring every dax device (or each DEVICE, e.g. dax0.0) to the state the\n"
	"first matching rule of /etc/spm/spm.conf and /etc/spm/conf.d/*.conf\n"
	"asks for: isolate (SPM node), devdax, sysram or ignore. Devices no rule\n"
	"matches are left alone. Running it again changes nothing. If the\n"
	"configuration has any problem, nothing is changed. See spm.conf(5).\n"
	"\n"
	"  -c, --config FILE  read only FILE instead of /etc/spm\n"
	"      --check        only validate the configuration: print every\n"
	"                     problem as FILE:LINE: message (exit 6 if any)\n"
	"  -n, --dry-run      print the steps, change nothing\n"
	"      --no-wait      do not wait for udev (for a udev RUN+= rule)\n"
	"  -t, --timeout MS   how long to wait for udev (default 10000)\n"
	"  -h, --help         show this help\n";

enum {
	OPT_CHECK = 0x100,
	OPT_NO_WAIT,
};

struct apply {
	bool dry;
	int nsteps; /* changes reported for the current device */
};

static void print_problem(void *userdata, const char *file, int line,
			  const char *message)
{
	int *count = userdata;

	(*count)++;
	if (line)
		fprintf(stderr, "%s:%d: %s\n", file, line, message);
	else
		fprintf(stderr, "%s: %s\n", file, message);
}

static void print_step(void *userdata, const char *text)
{
	struct apply *a = userdata;
	bool note = !strncmp(text, "note: ", 6);

	if (!note)
		a->nsteps++;
	printf("  %s%s\n", a->dry && !note ? "would: " : "", text);
	fflush(stdout);
}

/* "file:line (name)" */
static void print_where(struct spm_rule *r)
{
	const char *name = spm_rule_get_name(r);

	printf("%s", spm_rule_get_location(r));
	if (name)
		printf(" (%s)", name);
}

/* "isolate, zone movable", then ", user-numa yes|no" when given */
static void print_action(struct spm_rule *r)
{
	enum spm_action action = spm_rule_get_action(r);
	int user_numa = spm_rule_get_user_numa(r);

	printf("%s", spm_action_get_name(action));
	if (action == SPM_ACTION_ISOLATE || action == SPM_ACTION_SYSRAM)
		printf(", zone %s", spm_rule_get_zone(r) == SPM_ZONE_KERNEL ?
					    "kernel" :
					    "movable");
	if (user_numa >= 0)
		printf(", user-numa %s", user_numa ? "yes" : "no");
}

static void print_rule(struct spm_rule *r)
{
	print_where(r);
	printf(": %s -> ", spm_rule_get_match(r));
	print_action(r);
	putchar('\n');
}

/* An error without its leading "daxX.Y: ", which the caller prints. */
static const char *dev_error(const char *err, const char *dev)
{
	size_t len = strlen(dev);

	if (!strncmp(err, dev, len) && err[len] == ':' && err[len + 1] == ' ')
		return err + len + 2;
	return err;
}

/*
 * Load the configuration. Only when that fails is it read again, to print
 * every problem: the library keeps no half-valid configuration around.
 * Returns 0, the number of problems (> 0), or -errno.
 */
static int load(struct spm_ctx *ctx, const char *path,
		struct spm_config **config)
{
	int count = 0, rc;

	rc = spm_config_load(ctx, path, config, NULL, 0);
	if (rc != -EINVAL)
		return rc;
	rc = spm_config_check(ctx, path, print_problem, &count);
	if (rc == 0) /* the files changed between the two reads */
		rc = 1;
	return rc;
}

static int check(struct spm_ctx *ctx, const char *path)
{
	struct spm_config *config;
	struct spm_rule *r;
	int count = 0, rc;

	rc = load(ctx, path, &config);
	if (rc < 0) {
		spmctl_error("apply", "spm.conf: %s", strerror(-rc));
		return SPMCTL_EXIT_FAIL;
	}
	if (rc > 0) {
		fprintf(stderr,
			"spmctl apply: %d problem%s in the configuration\n", rc,
			rc == 1 ? "" : "s");
		return SPMCTL_EXIT_PROBLEMS;
	}
	/* Valid: show what would be tried, in order. */
	spm_rule_foreach (config, r) {
		print_rule(r);
		count++;
	}
	if (count)
		printf("configuration is valid: %d rule%s\n", count,
		       count == 1 ? "" : "s");
	else
		printf("configuration is valid: no rules, every device is left alone\n");
	spm_config_free(config);
	return SPMCTL_EXIT_OK;
}

/*
 * systemd starts one spmctl-apply@ instance per device, in parallel. They
 * touch different blocks, but each one's udev waits and progress lines
 * would interleave with the others' changes; one at a time keeps every
 * run's view of the system its own. Best effort: without /run, go on.
 */
static int lock_apply(void)
{
	int fd = open("/run/spmctl-apply.lock",
		      O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		return -1;
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			close(fd);
			return -1;
		}
	}
	return fd; /* released when the process exits */
}

/* Apply the matching rule to one device; returns 0 or -errno. */
static int apply_one(struct spm_ctx *ctx, struct spm_config *config,
		     const char *dev, struct spm_op_opts *opts,
		     enum spm_check *check)
{
	struct apply *a = opts->step_userdata;
	enum spm_action action;
	struct spm_rule *rule;
	struct spm_dax *dax;
	const char *done, *same;
	int rc;

	dax = spm_dax_get_by_name(ctx, dev);
	if (!dax) {
		fprintf(stderr, "%s: failed: no such dax device\n", dev);
		return -ENODEV;
	}
	if (spm_dax_get_size(dax) == 0) {
		/* A seed device: no memory yet, nothing to decide. */
		printf("%s: size 0, nothing to do\n", dev);
		return 0;
	}
	/* The boot policy is for Specific Purpose Memory only: a rule must
	 * never turn persistent memory volatile, nor fail on a device it
	 * cannot read the identity of because it is not SPM at all. */
	if (!spm_dax_source_is_spm(spm_dax_get_source(dax))) {
		printf("%s: source %s, not Specific Purpose Memory: left alone\n",
		       dev, spm_dax_source_get_name(spm_dax_get_source(dax)));
		return 0;
	}
	rc = spm_config_match_rule(config, dax, &rule);
	if (rc < 0) {
		fprintf(stderr, "%s: %s; left alone\n", dev,
			dev_error(spm_config_get_error(config), dev));
		return rc;
	}
	if (!rule) {
		printf("%s: no rule matches (left alone)\n", dev);
		return 0;
	}
	action = spm_rule_get_action(rule);
	opts->zone = spm_rule_get_zone(rule);
	printf("%s: rule ", dev);
	print_where(rule);
	printf(": ");
	print_action(rule);
	putchar('\n');
	fflush(stdout);

	a->nsteps = 0;
	opts->flags &= ~(SPM_OP_SYSRAM | SPM_OP_ALLOW_SYSRAM | SPM_OP_TO_DEVDAX |
			 SPM_OP_USER_NUMA | SPM_OP_NO_USER_NUMA);
	switch (action) {
	case SPM_ACTION_ISOLATE:
		/* user-numa given: as asked; not given: kept as found */
		if (spm_rule_get_user_numa(rule) == 1)
			opts->flags |= SPM_OP_USER_NUMA;
		else if (spm_rule_get_user_numa(rule) == 0)
			opts->flags |= SPM_OP_NO_USER_NUMA;
		/* Never SysRAM as a fallback: without the kernel series this
		 * fails and the device is left as it is. */
		rc = spm_dax_online(dax, opts);
		done = "isolated";
		same = "already isolated";
		break;
	case SPM_ACTION_SYSRAM:
		/* The rule asked for SysRAM by name (allow-sysram = yes). */
		opts->flags |= SPM_OP_SYSRAM | SPM_OP_ALLOW_SYSRAM;
		rc = spm_dax_online(dax, opts);
		done = "online as System RAM";
		same = "already online as System RAM";
		break;
	case SPM_ACTION_DEVDAX:
		opts->flags |= SPM_OP_TO_DEVDAX;
		rc = spm_dax_offline(dax, opts);
		done = "devdax";
		same = "already devdax";
		break;
	default:
		printf("%s: left alone (action = ignore)\n", dev);
		return 0;
	}
	if (rc < 0) {
		fflush(stdout);
		fprintf(stderr, "%s: failed: %s\n", dev,
			dev_error(opts->result->message, dev));
		*check = opts->result->check;
	} else if (!a->nsteps)
		printf("%s: %s, nothing to do\n", dev, same);
	else if (a->dry)
		printf("%s: would be %s (%d step%s)\n", dev, done, a->nsteps,
		       a->nsteps == 1 ? "" : "s");
	else
		printf("%s: %s\n", dev, done);
	fflush(stdout);
	return rc;
}

int cmd_apply(int argc, char **argv, struct spm_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "no-wait", no_argument, NULL, OPT_NO_WAIT },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct apply a = { 0 };
	struct spm_op_result res = { .size = sizeof(res) };
	struct spm_op_opts opts = {
		.size = sizeof(opts),
		.step_fn = print_step,
		.step_userdata = &a,
		.result = &res,
	};
	enum spm_check refused;
	const char *path = NULL;
	struct spm_config *config;
	struct spm_dax *dax;
	char **names = NULL;
	int c, i, n = 0, rc, exit_code = SPMCTL_EXIT_OK;
	bool do_check = false;
	char *end;
	long v;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:nt:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			path = optarg;
			break;
		case OPT_CHECK:
			do_check = true;
			break;
		case 'n':
			a.dry = true;
			opts.flags |= SPM_OP_DRY_RUN;
			break;
		case OPT_NO_WAIT:
			opts.flags |= SPM_OP_NO_WAIT;
			break;
		case 't':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || v <= 0 ||
			    v > 3600000) {
				spmctl_error(
					"apply",
					"--timeout '%s' is not a number of milliseconds",
					optarg);
				return SPMCTL_EXIT_USAGE;
			}
			opts.timeout_ms = (int)v;
			break;
		case 'h':
			fputs(apply_usage, stdout);
			return SPMCTL_EXIT_OK;
		default:
			return spmctl_bad_option("apply", c, argv, apply_usage);
		}
	}
	if (do_check) {
		if (optind < argc || a.dry) {
			spmctl_error(
				"apply",
				"--check takes no device and no --dry-run");
			return SPMCTL_EXIT_USAGE;
		}
		return check(ctx, path);
	}

	/* Every problem first, and nothing touched if there is one. */
	rc = load(ctx, path, &config);
	if (rc != 0) {
		if (rc < 0)
			spmctl_error("apply", "spm.conf: %s", strerror(-rc));
		else
			spmctl_error(
				"apply",
				"%d problem%s in the configuration; nothing changed",
				rc, rc == 1 ? "" : "s");
		return rc < 0 ? SPMCTL_EXIT_FAIL : SPMCTL_EXIT_USAGE;
	}
	if (!a.dry) {
		rc = spmctl_require_root(ctx, "apply");
		if (rc) {
			spm_config_free(config);
			return rc;
		}
		if (spm_root_is_live(ctx))
			lock_apply();
	}

	/* Names first: each operation refreshes the context (objects stay,
	 * but the device list may change). */
	if (optind < argc) {
		n = argc - optind;
		names = calloc(n, sizeof(*names));
		for (i = 0; names && i < n; i++)
			names[i] = strdup(argv[optind + i]);
	} else {
		spm_dax_foreach (ctx, dax)
			n++;
		names = calloc(n ? n : 1, sizeof(*names));
		i = 0;
		spm_dax_foreach (ctx, dax) {
			if (names && i < n)
				names[i] = strdup(spm_dax_get_devname(dax));
			i++;
		}
		if (!n)
			printf("no dax devices\n");
	}
	if (!names) {
		spmctl_error("apply", "out of memory");
		spm_config_free(config);
		return SPMCTL_EXIT_FAIL;
	}
	for (i = 0; i < n; i++) {
		refused = SPM_CHECK_NONE;
		if (!names[i]) {
			rc = -ENOMEM;
			spmctl_error("apply", "out of memory");
		} else {
			rc = apply_one(ctx, config, names[i], &opts, &refused);
		}
		/* The first failure decides the exit code; the rest are
		 * still handled. */
		if (rc < 0 && exit_code == SPMCTL_EXIT_OK)
			exit_code = spmctl_exit_code(rc, refused);
		free(names[i]);
	}
	free(names);
	spm_config_free(config);
	return exit_code;
}
