// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Onlining a dax device as an isolated SPM node, and offlining it, with
 * rollback to the exact state found.
 *
 * Why libdaxctl's calls are not used:
 *  - they use fixed /sys paths, so they cannot run on a fixture tree, and
 *    the code that changes the system would be the one code we cannot test;
 *  - daxctl_memory_online() returns the number of blocks it onlined before
 *    it reaches its zone check, so a block that came up in ZONE_NORMAL is
 *    never reported;
 *  - they act on all blocks of a device at once and report one errno: no
 *    per-block diagnostics, nothing to roll back with, no online_kernel,
 *    and no spm_node attribute;
 *  - daxctl_dev_enable_ram() takes a blacklisted kmem for a success.
 * So the same walk is done here, block by block, through the root-relative
 * sysfs layer.
 *
 * Shape of an operation: read the state found (driver, spm_node, each
 * block's state and zone), plan, then act. Every change is recorded in an
 * undo journal as it is made; on any failure the journal is replayed in
 * reverse, which puts blocks, spm_node and the driver back as found. The
 * kernel's ordering rules are kept on the way back too: never unbind kmem
 * while a block is online (the range would be lost until reboot), and
 * spm_node and spm_user_numa only change while kmem is not bound.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "libspm-private.h"
#include "libspm-discovery.h"
#include "libspm-ops.h"

#define DAX_DEV "sys/bus/dax/devices"
#define DAX_DRV "sys/bus/dax/drivers"
#define MEM_DIR "sys/devices/system/memory"
#define DEFAULT_TIMEOUT_MS 10000
#define MSG_MAX 512

struct blk {
	unsigned long id;
	/* the model: as found, then as changed by us (also in a dry run) */
	bool present;
	enum spm_block_state state;
	char zone[16]; /* first word of valid_zones */
	/* as found */
	bool found_present;
	enum spm_block_state found_state;
	char found_zone[16];
};

enum undo_type {
	U_ONLINED, /* we onlined a block: offline it */
	U_OFFLINED, /* we offlined a block: online it in its zone */
	U_DAX_BOOL, /* we wrote spm_node or spm_user_numa (name): write
		     * the old value */
	U_BOUND, /* we bound a driver: unbind it */
	U_UNBOUND, /* we unbound a driver: bind it again */
};

struct undo {
	enum undo_type type;
	unsigned long block;
	int val;
	char name[SPM_NAME_MAX]; /* zone, driver or attribute */
};

struct op {
	struct spm_ctx *ctx;
	struct spm_dax *dax;
	const char *dev;
	const struct spm_op_opts *opts;
	bool dry;
	int timeout_ms;
	/* the model of the device */
	char driver[SPM_NAME_MAX]; /* "" when unbound */
	int spm_node; /* -1: no attribute */
	int user_numa; /* spm_user_numa; -1: no attribute */
	char found_driver[SPM_NAME_MAX];
	int found_spm_node;
	struct blk *blk;
	size_t nr;
	bool range_known;
	/* undo journal */
	struct undo *undo;
	size_t nundo, capundo;
	/* the failure, kept apart from ctx's last error, which the rollback
	 * writes overwrite */
	char err[MSG_MAX];
	/* pre-flight findings */
	bool seed; /* size 0: a seed device */
	bool no_zones; /* the kernel has no valid_zones: no zone check */
	enum spm_check check; /* the check that refused */
	int lock_fd; /* the device lock, -1 when not held */
	char last_step[160]; /* the step being taken */
	char left[512]; /* after a failed rollback */
	struct spm_op_result *result;
};

/* ---- reading, quietly (absence is an answer here, not an error) ---- */

static int read_attr(struct spm_ctx *ctx, char *buf, size_t len,
		     const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int read_attr(struct spm_ctx *ctx, char *buf, size_t len,
		     const char *fmt, ...)
{
	char rel[SPM_PATH_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(rel))
		return -ENAMETOOLONG;
	return spm_try_read_str(ctx, buf, len, "%s", rel);
}

/* The driver bound to the device, "" when none. */
static int read_driver(struct spm_ctx *ctx, const char *dev, char *buf,
		       size_t len)
{
	char rel[SPM_PATH_MAX], target[SPM_PATH_MAX];
	const char *base;
	ssize_t n;

	buf[0] = '\0';
	if (ctx->root_fd < 0)
		return -(ctx->root_errno ? ctx->root_errno : ENOENT);
	snprintf(rel, sizeof(rel), DAX_DEV "/%s/driver", dev);
	n = readlinkat(ctx->root_fd, rel, target, sizeof(target) - 1);
	if (n < 0)
		return errno == ENOENT ? 0 : -errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= len)
		return -ENAMETOOLONG;
	memcpy(buf, base, strlen(base) + 1);
	return 0;
}

/* Read a block's state and zone; present=false when memoryN is absent. */
static void read_block(struct spm_ctx *ctx, struct blk *b)
{
	char buf[64];
	size_t n;

	b->present = false;
	b->state = SPM_BLOCK_UNKNOWN;
	b->zone[0] = '\0';
	if (read_attr(ctx, buf, sizeof(buf), MEM_DIR "/memory%lu/state",
		      b->id) < 0)
		return;
	b->present = true;
	if (!strcmp(buf, "online"))
		b->state = SPM_BLOCK_ONLINE;
	else if (!strcmp(buf, "offline"))
		b->state = SPM_BLOCK_OFFLINE;
	else if (!strcmp(buf, "going-offline"))
		b->state = SPM_BLOCK_GOING_OFFLINE;
	if (read_attr(ctx, buf, sizeof(buf), MEM_DIR "/memory%lu/valid_zones",
		      b->id) >= 0) {
		n = strcspn(buf, " \t");
		if (n >= sizeof(b->zone))
			n = sizeof(b->zone) - 1;
		memcpy(b->zone, buf, n);
		b->zone[n] = '\0';
	}
}

static const char *zone_word(enum spm_zone zone)
{
	return zone == SPM_ZONE_KERNEL ? "online_kernel" : "online_movable";
}

/* Is an online block's zone the one asked for? "none" (a block that spans
 * zones) never is. Without valid_zones (a kernel without
 * CONFIG_MEMORY_HOTREMOVE) nobody can tell: the check is skipped, and the
 * pre-flight said so. */
static bool zone_ok(const struct op *op, const char *zone)
{
	enum spm_zone want = op->opts->zone;

	if (op->no_zones)
		return true;
	if (want == SPM_ZONE_MOVABLE)
		return !strcmp(zone, "Movable");
	return zone[0] && strcmp(zone, "Movable") && strcmp(zone, "none");
}

/* ---- steps, failures, journal ---- */

static void step(struct op *op, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void step(struct op *op, const char *fmt, ...)
{
	char msg[MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	spm_info(op->ctx, "%s%s", op->dry ? "would: " : "", msg);
	if (strncmp(msg, "note: ", 6))
		snprintf(op->last_step, sizeof(op->last_step), "%.*s",
			 (int)sizeof(op->last_step) - 1, msg);
	if (op->opts->step_fn)
		op->opts->step_fn(op->opts->step_userdata, msg);
}

static int fail(struct op *op, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct op *op, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(op->err, sizeof(op->err), fmt, ap);
	va_end(ap);
	return err;
}

static int journal(struct op *op, enum undo_type type, unsigned long block,
		   int val, const char *name)
{
	struct undo *u;

	if (op->nundo == op->capundo) {
		size_t cap = op->capundo ? op->capundo * 2 : 16;

		u = realloc(op->undo, cap * sizeof(*u));
		if (!u)
			return -ENOMEM;
		op->undo = u;
		op->capundo = cap;
	}
	u = &op->undo[op->nundo++];
	memset(u, 0, sizeof(*u));
	u->type = type;
	u->block = block;
	u->val = val;
	if (name)
		snprintf(u->name, sizeof(u->name), "%s", name);
	return 0;
}

static struct blk *find_blk(struct op *op, unsigned long id)
{
	size_t i;

	for (i = 0; i < op->nr; i++)
		if (op->blk[i].id == id)
			return &op->blk[i];
	return NULL;
}

/* ---- primitive actions: report, write (unless dry), update the model ---- */

/*
 * Write a block's state. Returns 0 or -errno; no journal, no message.
 * After a successful write the block is read back, unless reread is false:
 * then the model is set to what was written, for a caller that reads every
 * block again afterwards (online_act's verification).
 */
static int write_state_ex(struct op *op, struct blk *b, const char *val,
			  bool reread)
{
	int rc = 0;

	if (!op->dry)
		rc = spm_write_str(op->ctx, val, MEM_DIR "/memory%lu/state",
				   b->id);
	if (rc < 0) {
		/* the caller judges the failure by what the block is now */
		read_block(op->ctx, b);
		return rc;
	}
	if (op->dry || !reread) {
		b->state = strcmp(val, "offline") ? SPM_BLOCK_ONLINE :
						    SPM_BLOCK_OFFLINE;
		if (!strcmp(val, "online_movable"))
			snprintf(b->zone, sizeof(b->zone), "Movable");
		else if (!strcmp(val, "online_kernel"))
			snprintf(b->zone, sizeof(b->zone), "Normal");
	} else {
		read_block(op->ctx, b);
	}
	return 0;
}

static int write_state(struct op *op, struct blk *b, const char *val)
{
	return write_state_ex(op, b, val, true);
}

/* Why offlining failed, in words a user can act on. */
static const char *offline_why(int err, const char *zone)
{
	if (err == -EBUSY || err == -EAGAIN)
		return !strcmp(zone, "Movable") ?
			       "the kernel could not migrate every page off it (pinned pages, or no room elsewhere)" :
			       "the kernel could not migrate every page off it (it is not in ZONE_MOVABLE, so unmovable kernel allocations may sit in it)";
	if (err == -EINTR)
		return "interrupted while migrating its pages";
	if (err == -EPERM || err == -EACCES)
		return "not permitted (needs root)";
	return NULL;
}

static int do_offline_block(struct op *op, struct blk *b, const char *why)
{
	char zone[sizeof(b->zone)];
	const char *hint;
	int rc;

	snprintf(zone, sizeof(zone), "%s", b->zone);
	step(op, "offline memory%lu (%s)%s%s", b->id, zone[0] ? zone : "?",
	     why ? ": " : "", why ? why : "");
	rc = write_state(op, b, "offline");
	if (rc < 0) {
		hint = offline_why(rc, zone);
		return fail(op, rc, "memory%lu could not be offlined: %s%s%s",
			    b->id, strerror(-rc), hint ? "; " : "",
			    hint ? hint : "");
	}
	if (!op->dry && b->state != SPM_BLOCK_OFFLINE)
		return fail(
			op, -EIO,
			"memory%lu is %s after writing \"offline\" to its state",
			b->id, spm_block_state_get_name(b->state));
	return journal(op, U_OFFLINED, b->id, 0, zone);
}

/* Who onlined a block that we were about to online? */
static void name_agent(struct op *op, char *buf, size_t len)
{
	const char *memhp;
	char aob[32];

	memhp = spm_get_cmdline_memhp_default_state(op->ctx);
	if (read_attr(op->ctx, aob, sizeof(aob),
		      MEM_DIR "/auto_online_blocks") >= 0 &&
	    !strncmp(aob, "online", 6)) {
		if (memhp && !strncmp(memhp, "online", 6))
			snprintf(
				buf, len,
				"the kernel's auto_online_blocks policy (%s, from memhp_default_state=%s)",
				aob, memhp);
		else
			snprintf(buf, len,
				 "the kernel's auto_online_blocks policy (%s)",
				 aob);
		return;
	}
	if (memhp && !strncmp(memhp, "online", 6)) {
		snprintf(buf, len, "memhp_default_state=%s", memhp);
		return;
	}
	snprintf(buf, len, "another process (udev rule?)");
}

/*
 * Online one block in the requested zone. A block found online in that
 * zone is left alone; one that somebody else onlined meanwhile is named.
 * expect_offline: we know it was offline (freshly added by our bind, or
 * found offline), so finding it online means another agent acted.
 */
static int do_online_block(struct op *op, struct blk *b, bool expect_offline)
{
	enum spm_zone want = op->opts->zone;
	const char *val = zone_word(want);
	char agent[160];
	int rc;

	if (!op->dry)
		read_block(op->ctx, b);
	if (!b->present) {
		if (op->dry && !op->range_known)
			return 0;
		if (op->dry) {
			/* would be added by the bind */
			b->present = true;
			b->state = SPM_BLOCK_OFFLINE;
		} else {
			return fail(
				op, -ENODEV,
				"memory%lu does not exist (kmem did not add it)",
				b->id);
		}
	}
	if (b->state == SPM_BLOCK_ONLINE) {
		if (expect_offline && !op->dry) {
			name_agent(op, agent, sizeof(agent));
			step(op,
			     "note: memory%lu was onlined (%s) by %s before spmctl",
			     b->id, b->zone, agent);
		}
		if (zone_ok(op, b->zone))
			return 0;
		rc = do_offline_block(op, b, "in the wrong zone");
		if (rc < 0)
			return rc;
	} else if (b->state != SPM_BLOCK_OFFLINE) {
		return fail(op, -EBUSY, "memory%lu is %s; try again later",
			    b->id, spm_block_state_get_name(b->state));
	}

	step(op, "online memory%lu as %s", b->id, val);
	/* not read back here: online_act reads every block afterwards */
	rc = write_state_ex(op, b, val, false);
	if (rc < 0) {
		/* the write fails with EINVAL when the block is already
		 * online: somebody raced us (as daxctl treats it) */
		if (rc == -EINVAL && b->state == SPM_BLOCK_ONLINE) {
			name_agent(op, agent, sizeof(agent));
			step(op,
			     "note: memory%lu was onlined (%s) by %s while spmctl was onlining it",
			     b->id, b->zone, agent);
			if (zone_ok(op, b->zone))
				return 0;
			return fail(
				op, -EBUSY,
				"memory%lu was onlined as %s by %s, not as %s",
				b->id, b->zone, agent, val);
		}
		return fail(op, rc, "online memory%lu as %s: %s", b->id, val,
			    strerror(-rc));
	}
	return journal(op, U_ONLINED, b->id, 0, NULL);
}

/* The model of a boolean dax attribute the operation writes. */
static int *dax_bool_model(struct op *op, const char *attr)
{
	return !strcmp(attr, "spm_node") ? &op->spm_node : &op->user_numa;
}

static int write_dax_bool(struct op *op, const char *attr, int val)
{
	int rc = 0;

	if (!op->dry)
		rc = spm_write_str(op->ctx, val ? "1" : "0",
				   DAX_DEV "/%s/%s", op->dev, attr);
	if (rc < 0)
		return rc;
	*dax_bool_model(op, attr) = val;
	return 0;
}

/* spm_node or spm_user_numa: both are read by kmem when it adds the
 * memory, so both are written while kmem is not bound (EBUSY if it is). */
static int do_dax_bool(struct op *op, const char *attr, int val)
{
	int old = *dax_bool_model(op, attr), rc;

	step(op, "write %d to %s/%s", val, op->dev, attr);
	rc = write_dax_bool(op, attr, val);
	if (rc < 0)
		return fail(op, rc, "write %d to %s/%s: %s%s", val, op->dev,
			    attr, strerror(-rc),
			    rc == -EBUSY ? " (the device is bound to kmem)" :
					   "");
	return journal(op, U_DAX_BOOL, 0, old, attr);
}

static int write_unbind(struct op *op, const char *driver)
{
	int rc = 0;

	if (!op->dry)
		rc = spm_write_str(op->ctx, op->dev, DAX_DRV "/%s/unbind",
				   driver);
	if (rc < 0)
		return rc;
	if (op->dry) {
		op->driver[0] = '\0';
	} else {
		read_driver(op->ctx, op->dev, op->driver, sizeof(op->driver));
		if (op->driver[0])
			return -EALREADY; /* the write "worked", nothing moved */
	}
	return 0;
}

/* After kmem is unbound, its blocks are gone. */
static void model_blocks_removed(struct op *op)
{
	size_t i;

	for (i = 0; i < op->nr; i++) {
		if (op->dry) {
			op->blk[i].present = false;
			op->blk[i].state = SPM_BLOCK_UNKNOWN;
		} else {
			read_block(op->ctx, &op->blk[i]);
		}
	}
}

static int do_unbind(struct op *op)
{
	char driver[SPM_NAME_MAX];
	size_t i;
	int rc;

	snprintf(driver, sizeof(driver), "%s", op->driver);
	/* Unbinding kmem with a block online loses the range until reboot
	 * (spm-abi.md §6): refuse, whatever the caller got wrong. */
	if (!strcmp(driver, "kmem")) {
		for (i = 0; i < op->nr; i++) {
			if (!op->dry)
				read_block(op->ctx, &op->blk[i]);
			if (op->blk[i].present &&
			    op->blk[i].state != SPM_BLOCK_OFFLINE)
				return fail(
					op, -EBUSY,
					"not unbinding kmem from %s: memory%lu is still %s (its range would be lost until reboot)",
					op->dev, op->blk[i].id,
					spm_block_state_get_name(op->blk[i].state));
		}
	}
	step(op, "unbind %s from %s", op->dev, driver);
	rc = write_unbind(op, driver);
	if (rc == -EALREADY)
		return fail(
			op, -EBUSY,
			"unbind %s from %s: the write succeeded, but %s is still bound to %s",
			op->dev, driver, op->dev, op->driver);
	if (rc < 0)
		return fail(op, rc, "unbind %s from %s: %s", op->dev, driver,
			    strerror(-rc));
	if (!strcmp(driver, "kmem"))
		model_blocks_removed(op);
	return journal(op, U_UNBOUND, 0, 0, driver);
}

/*
 * Bind through bind, falling back to new_id like daxctl when the driver
 * does not match the device by itself (ENODEV/EINVAL). new_id attaches at
 * once; its entry is removed again with remove_id so the driver does not
 * keep claiming devices by that name.
 */
static int write_bind(struct op *op, const char *driver, bool report)
{
	int rc, rc2;

	if (op->dry) {
		snprintf(op->driver, sizeof(op->driver), "%s", driver);
		return 0;
	}
	rc = spm_kmod_ensure_dax_driver(op->ctx, driver);
	if (rc < 0)
		return rc;
	rc = spm_write_str(op->ctx, op->dev, DAX_DRV "/%s/bind", driver);
	if (rc == -ENODEV || rc == -EINVAL) {
		if (report)
			step(op,
			     "add %s to %s/new_id (the driver did not match it)",
			     op->dev, driver);
		rc2 = spm_write_str(op->ctx, op->dev, DAX_DRV "/%s/new_id",
				    driver);
		if (rc2 < 0) {
			/* keep bind's error: it is the one that explains */
			spm_info(op->ctx, "%s/new_id %s: %s", driver, op->dev,
				 strerror(-rc2));
		} else {
			rc = 0;
			if (report)
				step(op, "remove %s from %s/remove_id", op->dev,
				     driver);
			rc2 = spm_write_str(op->ctx, op->dev,
					    DAX_DRV "/%s/remove_id", driver);
			if (rc2 < 0)
				spm_info(
					op->ctx,
					"%s/remove_id %s: %s (the id entry stays)",
					driver, op->dev, strerror(-rc2));
		}
	}
	read_driver(op->ctx, op->dev, op->driver, sizeof(op->driver));
	if (rc < 0)
		return rc;
	if (strcmp(op->driver, driver))
		return -ENXIO;
	return 0;
}

static int do_bind(struct op *op, const char *driver)
{
	int rc;

	if (!spm_exists(op->ctx, DAX_DRV "/%s", driver))
		step(op, "load module %s", driver);
	step(op, "bind %s to %s", op->dev, driver);
	rc = write_bind(op, driver, true);
	if (rc == -ENXIO)
		return fail(
			op, -ENXIO,
			"bind %s to %s: the write succeeded but the device is bound to %s",
			op->dev, driver,
			op->driver[0] ? op->driver : "nothing");
	if (rc < 0) {
		/* keep kmod's or the write's own words */
		if (rc == -EPERM || rc == -ENOENT)
			return fail(op, rc, "bind %s to %s: %s", op->dev,
				    driver, spm_get_last_error(op->ctx));
		return fail(op, rc, "bind %s to %s: %s", op->dev, driver,
			    strerror(-rc));
	}
	if (rc == 0 && op->driver[0] && strcmp(op->driver, driver) && !op->dry)
		return fail(op, -ENXIO, "bind %s to %s: bound to %s instead",
			    op->dev, driver, op->driver);
	return journal(op, U_BOUND, 0, 0, driver);
}

static void wait_for_blocks(struct op *op, struct spm_udev_wait *w);

/* ---- rollback ---- */

static void describe_state(struct op *op, char *buf, size_t len)
{
	size_t i, pos;
	int n;

	read_driver(op->ctx, op->dev, op->driver, sizeof(op->driver));
	n = snprintf(buf, len, "%s bound to %s, spm_node=%d", op->dev,
		     op->driver[0] ? op->driver : "no driver",
		     spm_dax_read_bool(op->ctx, op->dev, "spm_node"));
	pos = n < 0 ? 0 : (size_t)n;
	if (op->user_numa >= 0 && pos < len) {
		n = snprintf(buf + pos, len - pos, ", spm_user_numa=%d",
			     spm_dax_read_bool(op->ctx, op->dev,
					       "spm_user_numa"));
		pos += n < 0 ? 0 : (size_t)n;
	}
	for (i = 0; i < op->nr && pos < len; i++) {
		struct blk *b = &op->blk[i];

		read_block(op->ctx, b);
		if (!b->present)
			continue;
		n = snprintf(buf + pos, len - pos, ", memory%lu %s%s%s%s",
			     b->id, spm_block_state_get_name(b->state),
			     b->state == SPM_BLOCK_ONLINE ? " (" : "",
			     b->state == SPM_BLOCK_ONLINE ? b->zone : "",
			     b->state == SPM_BLOCK_ONLINE ? ")" : "");
		if (n < 0)
			break;
		pos += (size_t)n;
	}
}

/* Undo one journal entry; 0 or -errno with a description in what. */
static int undo_one(struct op *op, struct undo *u, char *what, size_t len)
{
	struct blk *b;
	const char *val;
	int rc;

	switch (u->type) {
	case U_ONLINED:
		b = find_blk(op, u->block);
		snprintf(what, len, "offline memory%lu", u->block);
		step(op, "rollback: offline memory%lu", u->block);
		rc = b ? write_state(op, b, "offline") : -ENOENT;
		/* a block just onlined in ZONE_MOVABLE should offline; give
		 * a transient EBUSY/EAGAIN one more try */
		if (b && (rc == -EBUSY || rc == -EAGAIN))
			rc = write_state(op, b, "offline");
		return rc;
	case U_OFFLINED:
		b = find_blk(op, u->block);
		val = !strcmp(u->name, "Movable") ? "online_movable" :
						    "online_kernel";
		snprintf(what, len, "online memory%lu as %s", u->block, val);
		step(op, "rollback: online memory%lu as %s", u->block, val);
		rc = b ? write_state(op, b, val) : -ENOENT;
		/* onlined already, e.g. by auto-online after a kmem rebind:
		 * fine if it is in its old zone (checked next) */
		if (rc == -EINVAL && b && b->state == SPM_BLOCK_ONLINE)
			rc = 0;
		if (!rc && b && !op->dry && strcmp(b->zone, u->name))
			rc = -EXDEV;
		return rc;
	case U_DAX_BOOL:
		snprintf(what, len, "write %d to %s/%s", u->val, op->dev,
			 u->name);
		step(op, "rollback: write %d to %s/%s", u->val, op->dev,
		     u->name);
		return write_dax_bool(op, u->name, u->val);
	case U_BOUND:
		if (!strcmp(u->name, "kmem")) {
			/* blocks another agent onlined are not in the
			 * journal, but kmem must not go while they are
			 * online */
			size_t i;

			for (i = op->nr; i-- > 0;) {
				b = &op->blk[i];
				if (!op->dry)
					read_block(op->ctx, b);
				if (!b->present ||
				    b->state == SPM_BLOCK_OFFLINE)
					continue;
				snprintf(what, len, "offline memory%lu", b->id);
				step(op, "rollback: offline memory%lu", b->id);
				rc = write_state(op, b, "offline");
				if (rc < 0)
					return rc;
			}
		}
		snprintf(what, len, "unbind %s from %s", op->dev, u->name);
		step(op, "rollback: unbind %s from %s", op->dev, u->name);
		rc = write_unbind(op, u->name);
		if (!rc && !strcmp(u->name, "kmem"))
			model_blocks_removed(op);
		return rc;
	case U_UNBOUND:
		snprintf(what, len, "bind %s to %s", op->dev, u->name);
		step(op, "rollback: bind %s to %s", op->dev, u->name);
		if (!strcmp(u->name, "kmem") && !op->dry &&
		    !(op->opts->flags & SPM_OP_NO_WAIT)) {
			struct spm_udev_wait *w = spm_udev_wait_begin(op->ctx);

			rc = write_bind(op, u->name, false);
			if (rc < 0)
				spm_udev_wait_cancel(w);
			else
				wait_for_blocks(op, w);
		} else {
			rc = write_bind(op, u->name, false);
		}
		if (!rc && !strcmp(u->name, "kmem") && !op->dry) {
			size_t i;

			for (i = 0; i < op->nr; i++)
				read_block(op->ctx, &op->blk[i]);
		}
		return rc;
	}
	return -EINVAL;
}

/*
 * Replay the journal backwards. Returns the original error with the
 * message "<failure>; rolled back", or -ENOTRECOVERABLE naming the undo
 * step that failed and what is left.
 */
static int rollback(struct op *op, int err)
{
	char what[160], left[MSG_MAX];
	int rc;

	while (op->nundo) {
		struct undo *u = &op->undo[op->nundo - 1];

		rc = undo_one(op, u, what, sizeof(what));
		if (rc < 0) {
			/* what a user must know to finish by hand */
			describe_state(op, left, sizeof(left));
			snprintf(op->left, sizeof(op->left), "%.*s",
				 (int)sizeof(op->left) - 1, left);
			snprintf(op->last_step, sizeof(op->last_step),
				 "rollback: %.*s", 140, what);
			return spm_set_error(
				op->ctx, -ENOTRECOVERABLE,
				"%s: %s; rollback failed at \"%s\": %s; left: %s",
				op->dev, op->err, what,
				rc == -EXDEV	? "came back in another zone" :
				rc == -EALREADY ? "the device is still bound" :
				rc == -ENXIO	? "the device did not bind" :
						  strerror(-rc),
				left);
		}
		op->nundo--;
	}
	if (op->dry)
		return spm_set_error(op->ctx, err, "%s: %s", op->dev, op->err);
	return spm_set_error(op->ctx, err,
			     "%s: %s; rolled back, %s is as it was found",
			     op->dev, op->err, op->dev);
}

/* ---- planning ---- */

static void op_free(struct op *op)
{
	free(op->blk);
	free(op->undo);
	op->blk = NULL;
	op->undo = NULL;
	if (op->lock_fd >= 0)
		close(op->lock_fd);
	op->lock_fd = -1;
}

/* Copy the outcome into the caller's result, if it gave one. */
static int op_result(struct op *op, int rc)
{
	struct spm_op_result *r = op->result;

	if (!r)
		return rc;
	r->err = rc;
	r->check = rc < 0 ? op->check : SPM_CHECK_NONE;
	r->rolled_back = rc < 0 && rc != -ENOTRECOVERABLE && op->nundo == 0 &&
			 op->undo && !op->dry;
	snprintf(r->step, sizeof(r->step), "%s",
		 rc < 0 && op->check == SPM_CHECK_NONE ? op->last_step : "");
	snprintf(r->message, sizeof(r->message), "%s",
		 rc < 0 && op->ctx ? spm_get_last_error(op->ctx) : "");
	snprintf(r->left, sizeof(r->left), "%s",
		 rc == -ENOTRECOVERABLE ? op->left : "");
	return rc;
}

/* Refuse before any write: nothing is changed. */
static int refuse(struct op *op, enum spm_check check, int err,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int refuse(struct op *op, enum spm_check check, int err,
		  const char *fmt, ...)
{
	char msg[MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	op->check = check;
	return spm_set_error(op->ctx, err, "%s: %s", op->dev, msg);
}

/*
 * One operation per device at a time, whoever runs it (an admin's spmctl,
 * the boot unit, a library user): an flock on the device's own sysfs
 * directory, so no file is created anywhere and a fixture tree works the
 * same. Two undo journals working on one device would undo each other.
 */
static int lock_device(struct op *op)
{
	struct timespec t0, now, nap = { 0, 20 * 1000 * 1000 };
	char rel[SPM_PATH_MAX];
	long waited;
	int fd;

	snprintf(rel, sizeof(rel), DAX_DEV "/%s", op->dev);
	fd = spm_open_rel(op->ctx, rel, O_DIRECTORY);
	if (fd < 0)
		return spm_set_error(op->ctx, fd, "%s: %s", op->dev,
				     strerror(-fd));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			int err = -errno;

			close(fd);
			return spm_set_error(op->ctx, err, "%s: lock: %s",
					     op->dev, strerror(-err));
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		waited = (now.tv_sec - t0.tv_sec) * 1000 +
			 (now.tv_nsec - t0.tv_nsec) / 1000000;
		if (waited >= op->timeout_ms) {
			close(fd);
			return refuse(
				op, SPM_CHECK_LOCKED, -EBUSY,
				"another process is changing it (waited %d ms for its lock); try again when it is done",
				op->timeout_ms);
		}
		nanosleep(&nap, NULL);
	}
	op->lock_fd = fd;
	return 0;
}

/* Record the blocks first, first + 1, ... (or ids[]) as found. */
static int set_blocks(struct op *op, uint64_t first, const unsigned long *ids,
		      size_t nr)
{
	size_t i;

	op->nr = nr;
	op->blk = calloc(nr ? nr : 1, sizeof(*op->blk));
	if (!op->blk)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		struct blk *b = &op->blk[i];

		b->id = ids ? ids[i] : first + i;
		read_block(op->ctx, b);
		b->found_present = b->present;
		b->found_state = b->state;
		snprintf(b->found_zone, sizeof(b->found_zone), "%s", b->zone);
	}
	op->range_known = true;
	return 0;
}

/*
 * Without the physical address (resource is 0400), the blocks of a device
 * bound to kmem can still be found by discovery (phys_index is 0444, and
 * discovery lets the target node's blocks stand in when they can only be
 * the device's): enough for a non-root dry run, and to see that nothing
 * is to be done.
 */
static int blocks_from_discovery(struct op *op)
{
	struct spm_block *blk;
	unsigned long *ids;
	size_t n = 0;
	int rc;

	spm_dax_block_foreach (op->dax, blk)
		n++;
	if (!n)
		return -ENOENT;
	ids = calloc(n, sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	n = 0;
	spm_dax_block_foreach (op->dax, blk)
		ids[n++] = spm_block_get_id(blk);
	rc = set_blocks(op, 0, ids, n);
	free(ids);
	return rc;
}

/*
 * The blocks kmem adds for the device: its range shrunk to whole memory
 * blocks, as dax_kmem_range() does. Computed from resource and size, so it
 * is known before kmem is bound (and in a dry run).
 */
static int plan_blocks(struct op *op)
{
	struct spm_ctx *ctx = op->ctx;
	uint64_t start, size, bs = 0, first, end;
	char buf[64];

	start = spm_dax_get_start(op->dax);
	size = spm_dax_get_size(op->dax);
	if (read_attr(ctx, buf, sizeof(buf), MEM_DIR "/block_size_bytes") >= 0)
		spm_parse_u64(buf, 16, &bs);
	if (!bs)
		bs = spm_get_memory_block_size(ctx);
	if (!start || !size || !bs) {
		op->range_known = false;
		if (blocks_from_discovery(op) == 0 || op->dry)
			return 0;
		return spm_set_error(
			ctx, -EACCES,
			"%s: cannot tell its memory blocks: %s is unknown (reading resource needs root)",
			op->dev,
			!bs   ? "block_size_bytes" :
			!size ? "its size" :
				"its physical address");
	}
	first = (start + bs - 1) / bs;
	end = (start + size) / bs; /* exclusive */
	if (end <= first)
		return spm_set_error(
			ctx, -EINVAL,
			"%s: %llu bytes at %#llx hold no whole %llu-byte memory block",
			op->dev, (unsigned long long)size,
			(unsigned long long)start, (unsigned long long)bs);
	return set_blocks(op, first, NULL, end - first);
}

static int op_init(struct op *op, struct spm_dax *dax,
		   const struct spm_op_opts *opts)
{
	static const struct spm_op_opts defaults;
	uint64_t size;
	char buf[64];
	int rc;

	memset(op, 0, sizeof(*op));
	op->lock_fd = -1;
	if (!dax)
		return -EINVAL;
	op->dax = dax;
	op->ctx = dax->ctx;
	op->dev = spm_dax_get_devname(dax);
	op->opts = opts ? opts : &defaults;
	if (op->opts->size >= offsetof(struct spm_op_opts, result) +
				      sizeof(op->opts->result) &&
	    op->opts->result && op->opts->result->size >= sizeof(*op->result))
		op->result = op->opts->result;
	if (op->result) {
		memset((char *)op->result + sizeof(op->result->size), 0,
		       sizeof(*op->result) - sizeof(op->result->size));
	}
	op->dry = op->opts->flags & SPM_OP_DRY_RUN;
	op->timeout_ms = op->opts->timeout_ms > 0 ? op->opts->timeout_ms :
						    DEFAULT_TIMEOUT_MS;
	if (op->opts->zone != SPM_ZONE_MOVABLE &&
	    op->opts->zone != SPM_ZONE_KERNEL)
		return spm_set_error(op->ctx, -EINVAL, "%s: unknown zone %d",
				     op->dev, op->opts->zone);
	if (!spm_exists(op->ctx, DAX_DEV "/%s", op->dev))
		return spm_set_error(op->ctx, -ENODEV, "%s: no such dax device",
				     op->dev);
	/* the state is read under the lock, so that it stays true */
	if (!op->dry) {
		rc = lock_device(op);
		if (rc < 0)
			return rc;
	}
	rc = read_driver(op->ctx, op->dev, op->driver, sizeof(op->driver));
	if (rc < 0)
		return spm_set_error(op->ctx, rc, "%s: reading its driver: %s",
				     op->dev, strerror(-rc));
	op->spm_node = spm_dax_read_bool(op->ctx, op->dev, "spm_node");
	op->user_numa = spm_dax_read_bool(op->ctx, op->dev, "spm_user_numa");
	snprintf(op->found_driver, sizeof(op->found_driver), "%s", op->driver);
	op->found_spm_node = op->spm_node;
	/* a seed device (size 0) has no blocks to plan: the pre-flight
	 * refuses it with its own message */
	if (read_attr(op->ctx, buf, sizeof(buf), DAX_DEV "/%s/size",
		      op->dev) >= 0 &&
	    spm_parse_u64(buf, 0, &size) == 0 && size == 0) {
		op->seed = true;
		return 0;
	}
	return plan_blocks(op);
}

/*
 * Refresh the discovery cache so getters on dax show the new state. Only
 * what an operation changes is scanned again now (dax devices, nodes,
 * blocks: spm_scan_blocks() takes the kernel, nodes and dax first); ranges,
 * hmem and CXL regions are only marked stale, and scanned again when asked
 * for. A full spm_refresh() here was a third of spmctl online's sysfs reads.
 * The refresh must not overwrite the operation's own error message.
 */
static int op_done(struct op *op, int rc)
{
	char msg[SPM_ERR_MAX];

	if (!op->dry && op->ctx && op->check == SPM_CHECK_NONE) {
		snprintf(msg, sizeof(msg), "%s", spm_get_last_error(op->ctx));
		spm_disc_invalidate(op->ctx);
		spm_scan_blocks(op->ctx);
		if (rc < 0) /* restore without logging it a second time */
			memcpy(op->ctx->last_error, msg, sizeof(msg));
		else
			spm_clear_error(op->ctx);
	}
	op_result(op, rc);
	op_free(op);
	return rc;
}

static bool is_kmem(const char *driver)
{
	return !strcmp(driver, "kmem");
}

/* ---- pre-flight: everything that can be known to fail, before a write ---- */

/*
 * The kernel shows valid_zones only with CONFIG_MEMORY_HOTREMOVE; without
 * it no zone can be verified (as chmem says: "zone ignored, no valid_zones
 * sysfs attribute present"). Judged on any block that exists.
 */
static bool kernel_has_valid_zones(struct op *op)
{
	struct spm_block *b;
	size_t i;

	for (i = 0; i < op->nr; i++)
		if (op->blk[i].present)
			return spm_exists(op->ctx,
					  MEM_DIR "/memory%lu/valid_zones",
					  op->blk[i].id);
	b = spm_block_get_first(op->ctx);
	return !b || spm_exists(op->ctx, MEM_DIR "/memory%lu/valid_zones",
				spm_block_get_id(b));
}

/* An online block on the node that is not one of the device's own. */
static long foreign_online_block(struct op *op, struct spm_node *node)
{
	struct spm_block *b;

	spm_node_block_foreach (node, b) {
		if (spm_block_get_state(b) != SPM_BLOCK_ONLINE ||
		    find_blk(op, spm_block_get_id(b)))
			continue;
		if (spm_block_get_dax(b) == op->dax)
			continue;
		return (long)spm_block_get_id(b);
	}
	return -1;
}

/*
 * The node's owner opted in (or not) when its memory was first added, and
 * all of a node's memory must agree (spm-abi.md 7a): kmem would fail with
 * EBUSY deep in the probe. user_numa is the value kmem will see.
 */
static int check_user_numa_node(struct op *op, struct spm_node *node,
				int user_numa)
{
	bool want = user_numa == 1;
	long id;

	if (!node || !spm_node_is_spm(node) ||
	    spm_node_is_user_numa(node) == want ||
	    !op->ctx->disc.has_user_numa ||
	    (id = foreign_online_block(op, node)) < 0)
		return 0;
	return refuse(
		op, SPM_CHECK_USER_NUMA_NODE, -EBUSY,
		"its target_node %d already holds SPM memory (memory%ld) %s the plain NUMA API, and all memory of a node must agree: %s",
		spm_node_get_id(node), id, want ? "closed to" : "opened to",
		want ? "offline that memory first, or online without user-numa" :
		       "offline that memory first, or online with user-numa");
}

/*
 * What the kernel would refuse, or what would do harm, found before the
 * first write. online: the operation is an online (to_spm: it makes an SPM
 * node); offline_blocks: online blocks will be offlined; bind_kmem: kmem
 * will be bound; user_numa: the spm_user_numa kmem will see then.
 */
static int preflight(struct op *op, bool online, int target_spm,
		     bool offline_blocks, bool bind_kmem, int user_numa)
{
	const unsigned int flags = op->opts->flags;
	int node_id = spm_dax_get_target_node(op->dax);
	struct spm_node *node;
	size_t i;
	long id;

	if (op->seed)
		return refuse(
			op, SPM_CHECK_SEED, -ENODATA,
			"a seed device (size 0): it has no memory; give it a size first (daxctl create-device / reconfigure)");
	if (online && spm_dax_get_source(op->dax) == SPM_DAX_SOURCE_PMEM &&
	    !(flags & SPM_OP_DESTROY_PERSISTENCE))
		return refuse(
			op, SPM_CHECK_PERSISTENT, -EPERM,
			"persistent memory (%s%s): onlining it as volatile memory destroys its data; only with --destroy-persistence",
			spm_dax_get_nd_region(op->dax) ? "nd " :
			spm_dax_get_cxl_region(op->dax) ? "CXL pmem " : "",
			spm_dax_get_nd_region(op->dax) ?:
			spm_dax_get_cxl_region(op->dax) ?: "pmem");

	/* kmem refuses a node that holds System RAM when spm_node=1 asks
	 * for an SPM node (spm-abi.md §4: EBUSY deep in the probe). */
	node = online && target_spm == 1 && node_id >= 0 ?
		       spm_node_get_by_id(op->ctx, node_id) :
		       NULL;
	if (node && spm_node_has_memory(node) && !spm_node_is_spm(node) &&
	    (id = foreign_online_block(op, node)) >= 0)
		return refuse(
			op, SPM_CHECK_SYSRAM_NODE, -EBUSY,
			"its target_node %d already holds System RAM (memory%ld): an SPM node cannot share a node with SysRAM; the firmware gave the range no proximity domain of its own (fix the SRAT so the range has a proximity domain of its own)",
			node_id, id);
	if (bind_kmem) {
		int rc = check_user_numa_node(op, node, user_numa);

		if (rc < 0)
			return rc;
	}

	if (online && !kernel_has_valid_zones(op)) {
		if (flags & SPM_OP_ZONE_REQUIRED)
			return refuse(
				op, SPM_CHECK_NO_VALID_ZONES, -EOPNOTSUPP,
				"this kernel has no valid_zones (no CONFIG_MEMORY_HOTREMOVE): the zone asked for cannot be verified");
		op->no_zones = true;
		step(op,
		     "note: this kernel has no valid_zones (no CONFIG_MEMORY_HOTREMOVE): the zone is not checked");
	}

	if (offline_blocks) {
		for (i = 0; i < op->nr; i++) {
			char buf[8];

			if (op->blk[i].present &&
			    op->blk[i].state != SPM_BLOCK_OFFLINE &&
			    read_attr(op->ctx, buf, sizeof(buf),
				      MEM_DIR "/memory%lu/removable",
				      op->blk[i].id) >= 0 &&
			    !strcmp(buf, "0"))
				return refuse(
					op, SPM_CHECK_UNREMOVABLE, -EPERM,
					"memory%lu is not removable (a kernel without CONFIG_MEMORY_HOTREMOVE cannot offline it)",
					op->blk[i].id);
		}
	}

	/* The agents that will race for the blocks kmem adds: not refused
	 * (spmctl names the winner and re-onlines a block in the wrong
	 * zone), but said before anything moves, with where they come from. */
	if (bind_kmem) {
		const char *aob = spm_get_auto_online_blocks(op->ctx);
		const char *rule;
		int k;

		if (aob && !strncmp(aob, "online", 6))
			step(op,
			     "note: auto_online_blocks=%s (%s) onlines the blocks kmem adds before spmctl can",
			     aob,
			     spm_get_auto_online_source(op->ctx) ?:
				     "source unknown");
		for (k = 0; (rule = spm_get_onlining_udev_rule(op->ctx, k));
		     k++)
			step(op,
			     "note: the udev rule %s onlines hot-added memory itself, whatever auto_online_blocks says",
			     rule);
	}

	/* Load kmem now, before anything moves: a blacklisted module would
	 * otherwise be found after the device left device_dax. */
	if (bind_kmem && !op->dry && !spm_exists(op->ctx, DAX_DRV "/kmem")) {
		int rc = spm_kmod_ensure_dax_driver(op->ctx, "kmem");

		if (rc == -EPERM)
			return refuse(op, SPM_CHECK_KMEM_BLACKLISTED, -EPERM,
				      "%s", spm_get_last_error(op->ctx));
	}
	return 0;
}

/* Would bringing the device online offline any of its online blocks? */
static bool online_offlines(struct op *op, bool rebind)
{
	size_t i;

	if (!is_kmem(op->driver))
		return false;
	for (i = 0; i < op->nr; i++) {
		struct blk *b = &op->blk[i];

		if (b->present && b->state == SPM_BLOCK_ONLINE &&
		    (rebind || !zone_ok(op, b->zone)))
			return true;
	}
	return false;
}

/* ---- spm_dax_online ---- */

/* Wait for the blocks added by our bind and for udev's rules on them. */
static void wait_for_blocks(struct op *op, struct spm_udev_wait *w)
{
	unsigned long *ids;
	size_t i, missing = 0;
	int rc;

	if (!w)
		return;
	ids = calloc(op->nr ? op->nr : 1, sizeof(*ids));
	if (!ids) {
		spm_udev_wait_cancel(w);
		return;
	}
	for (i = 0; i < op->nr; i++)
		ids[i] = op->blk[i].id;
	rc = spm_udev_wait_end(w, ids, op->nr, op->timeout_ms, &missing);
	if (rc == -ETIMEDOUT)
		step(op,
		     "note: udev did not report %zu of the %zu blocks within %d ms; going on",
		     missing, op->nr, op->timeout_ms);
	free(ids);
}

/* Is node listed in the node list file (has_spm_memory, ...)? */
static bool node_listed(struct op *op, const char *file, int node)
{
	struct spm_nodemask mask;
	char buf[4096];

	return read_attr(op->ctx, buf, sizeof(buf),
			 "sys/devices/system/node/%s", file) >= 0 &&
	       spm_parse_bitlist(buf, &mask) >= 0 &&
	       spm_nodemask_isset(&mask, node);
}

/* After onlining: the node is what spm_node and spm_user_numa asked for. */
static int verify_node(struct op *op, int target_spm)
{
	int node = spm_dax_get_target_node(op->dax);

	if (target_spm != 1 || node < 0)
		return 0;
	if (!node_listed(op, "has_spm_memory", node))
		return fail(
			op, -EIO,
			"node %d is not in has_spm_memory after onlining %s with spm_node=1",
			node, op->dev);
	if (op->user_numa == 1 &&
	    !node_listed(op, "has_spm_user_numa", node))
		return fail(
			op, -EIO,
			"node %d is not in has_spm_user_numa after onlining %s with spm_user_numa=1",
			node, op->dev);
	return 0;
}

/*
 * The i-th block of n to online: ascending, except that the second block
 * goes last. After each online the kernel checks again whether the zone is
 * contiguous (set_zone_contiguous(), mm/mm_init.c, called by
 * online_pages()): it walks the zone pageblock by pageblock from its start
 * and stops at the first hole. Onlined in ascending order the zone never
 * has a hole, so onlining n blocks walks n * n / 2 blocks' worth of
 * pageblocks: for 16 GiB (128 blocks) that made spmctl online take 1.6 s
 * of guest CPU on the test kernel against 0.7 s for daxctl online-memory,
 * whose readdir order leaves holes (docs/measurements.md). With the second
 * block offline until the end, every walk but the last stops after the
 * first block.
 */
static size_t online_index(size_t i, size_t n)
{
	if (n < 3 || i == 0)
		return i;
	return i == n - 1 ? 1 : i + 1;
}

/*
 * target_spm, target_un: the spm_node and spm_user_numa values to reach,
 * -1 to leave the attribute alone. Both are written while kmem is unbound,
 * spm_node first: spm_user_numa only means something with spm_node=1.
 */
static int online_act(struct op *op, int target_spm, int target_un,
		      bool rebind)
{
	bool bound_now = false;
	struct spm_udev_wait *w;
	size_t i;
	int rc;

	if (is_kmem(op->driver)) {
		/* offline from the top: what a rebind or a zone change needs */
		for (i = op->nr; i-- > 0;) {
			struct blk *b = &op->blk[i];

			if (!b->present || b->state == SPM_BLOCK_OFFLINE)
				continue;
			if (!rebind && b->state == SPM_BLOCK_ONLINE &&
			    zone_ok(op, b->zone))
				continue;
			rc = do_offline_block(
				op, b,
				!rebind ? "in the wrong zone" :
				target_spm >= 0 && op->spm_node != target_spm ?
					  "to change spm_node" :
					  "to change spm_user_numa");
			if (rc < 0)
				return rc;
		}
		if (rebind) {
			rc = do_unbind(op);
			if (rc < 0)
				return rc;
		}
	} else if (op->driver[0]) {
		rc = do_unbind(op);
		if (rc < 0)
			return rc;
	}

	if (target_spm >= 0 && op->spm_node >= 0 &&
	    op->spm_node != target_spm) {
		rc = do_dax_bool(op, "spm_node", target_spm);
		if (rc < 0)
			return rc;
	}
	if (target_un >= 0 && op->user_numa >= 0 &&
	    op->user_numa != target_un) {
		rc = do_dax_bool(op, "spm_user_numa", target_un);
		if (rc < 0)
			return rc;
	}

	if (!is_kmem(op->driver)) {
		w = op->dry || (op->opts->flags & SPM_OP_NO_WAIT) ?
			    NULL :
			    spm_udev_wait_begin(op->ctx);
		rc = do_bind(op, "kmem");
		if (rc < 0) {
			spm_udev_wait_cancel(w);
			return rc;
		}
		wait_for_blocks(op, w);
		bound_now = true;
	}

	if (op->dry && !op->range_known)
		step(op, "online the memory blocks of %s as %s", op->dev,
		     zone_word(op->opts->zone));
	for (i = 0; i < op->nr; i++) {
		struct blk *b = &op->blk[online_index(i, op->nr)];
		bool expect_offline =
			bound_now || (b->found_present &&
				      b->found_state == SPM_BLOCK_OFFLINE);

		rc = do_online_block(op, b, expect_offline);
		if (rc < 0)
			return rc;
	}
	if (op->dry)
		return 0;

	/* verify: every block online in the zone asked for, afresh */
	for (i = 0; i < op->nr; i++) {
		struct blk *b = &op->blk[i];

		read_block(op->ctx, b);
		if (!b->present || b->state != SPM_BLOCK_ONLINE)
			return fail(op, -EIO, "memory%lu is %s after onlining",
				    b->id,
				    b->present ? spm_block_state_get_name(b->state) : "gone");
		if (!zone_ok(op, b->zone))
			return fail(
				op, -EBUSY,
				"memory%lu came up in zone %s, not %s (see online_policy and auto_online_blocks)",
				b->id, b->zone[0] ? b->zone : "?",
				op->opts->zone == SPM_ZONE_MOVABLE ?
					"Movable" :
					"a kernel zone");
	}
	return verify_node(op, target_spm);
}

/*
 * The spm_user_numa value to reach: 1 or 0 as asked, -1 to leave the
 * device's own. kmem passes it on only with spm_node=1 (MHP_SPM_USER_NUMA
 * needs MHP_SPM_NODE): asking for it without SPM isolation is a mistake
 * in the request, and without the attribute the kernel cannot do it. Off
 * on a kernel without the attribute is already the case.
 */
static int user_numa_target(struct op *op, int *target)
{
	const unsigned int flags = op->opts->flags;

	*target = -1;
	if ((flags & SPM_OP_USER_NUMA) && (flags & SPM_OP_NO_USER_NUMA))
		return spm_set_error(
			op->ctx, -EINVAL,
			"%s: user-numa asked both on and off", op->dev);
	if (flags & SPM_OP_USER_NUMA) {
		if ((flags & SPM_OP_SYSRAM) ||
		    (op->spm_node < 0 && (flags & SPM_OP_ALLOW_SYSRAM)))
			return spm_set_error(
				op->ctx, -EINVAL,
				"%s: user-numa needs SPM isolation (spm_node=1): it opens an SPM node to the plain NUMA API, and System RAM is open to it already",
				op->dev);
		if (op->user_numa < 0)
			return spm_set_error(
				op->ctx, -EOPNOTSUPP,
				"%s: user-numa unavailable: the kernel has no " DAX_DEV "/%s/spm_user_numa attribute (no owner opt-in for plain NUMA binds)",
				op->dev, op->dev);
		*target = 1;
	} else if ((flags & SPM_OP_NO_USER_NUMA) && op->user_numa >= 0) {
		*target = 0;
	}
	return 0;
}

int spm_dax_online(struct spm_dax *dax, const struct spm_op_opts *opts)
{
	int target_spm, target_un, rc;
	bool rebind, done;
	struct op op;
	size_t i;

	rc = op_init(&op, dax, opts);
	if (rc < 0)
		goto out;

	if (op.driver[0] && !is_kmem(op.driver) &&
	    strcmp(op.driver, "device_dax")) {
		rc = spm_set_error(
			op.ctx, -EBUSY,
			"%s is bound to driver %s; spmctl only moves devices between device_dax and kmem",
			op.dev, op.driver);
		goto out;
	}
	if (op.seed) {
		rc = preflight(&op, true, -1, false, false, -1);
		goto out;
	}

	/* before the series check: its advice (--allow-sysram) would not do */
	rc = user_numa_target(&op, &target_un);
	if (rc < 0)
		goto out;
	/* the spm_node value to reach; -1: the device has no such attribute */
	if (op.spm_node < 0) {
		if (!(op.opts->flags & (SPM_OP_ALLOW_SYSRAM | SPM_OP_SYSRAM))) {
			rc = spm_set_error(
				op.ctx, -EOPNOTSUPP,
				"%s: isolation unavailable: the kernel lacks SPM node support (no spm_node attribute); use --allow-sysram to online as plain System RAM",
				op.dev);
			goto out;
		}
		target_spm = -1;
	} else {
		target_spm = (op.opts->flags & SPM_OP_SYSRAM) ? 0 : 1;
	}
	/* spm_user_numa matters to kmem only with spm_node=1 */
	rebind = is_kmem(op.driver) &&
		 ((target_spm >= 0 && op.spm_node != target_spm) ||
		  (target_spm == 1 && target_un >= 0 &&
		   op.user_numa != target_un));
	if (!kernel_has_valid_zones(&op))
		op.no_zones = true; /* preflight says so, if there is work */

	done = is_kmem(op.driver) && !rebind && op.range_known;
	for (i = 0; done && i < op.nr; i++)
		done = op.blk[i].present &&
		       op.blk[i].state == SPM_BLOCK_ONLINE &&
		       zone_ok(&op, op.blk[i].zone);
	if (done) {
		spm_dbg(op.ctx, "%s: already online as asked", op.dev);
		rc = 0;
		goto out_nochange;
	}

	op.no_zones = false;
	rc = preflight(&op, true, target_spm, online_offlines(&op, rebind),
		       !is_kmem(op.driver) || rebind,
		       target_un >= 0 ? target_un : op.user_numa);
	if (rc < 0)
		goto out;
	rc = online_act(&op, target_spm, target_un, rebind);
	if (rc < 0)
		rc = rollback(&op, rc);
out:
	return op_done(&op, rc);
out_nochange:
	op_result(&op, rc);
	op_free(&op);
	return rc;
}

/* ---- spm_dax_offline ---- */

int spm_dax_offline(struct spm_dax *dax, const struct spm_op_opts *opts)
{
	bool to_devdax;
	struct op op;
	size_t i;
	int rc;

	rc = op_init(&op, dax, opts);
	if (rc < 0)
		goto out;
	to_devdax = op.opts->flags & SPM_OP_TO_DEVDAX;

	if (op.driver[0] && !is_kmem(op.driver) &&
	    strcmp(op.driver, "device_dax")) {
		rc = spm_set_error(
			op.ctx, -EBUSY,
			"%s is bound to driver %s; spmctl only moves devices between device_dax and kmem",
			op.dev, op.driver);
		goto out;
	}
	if (!is_kmem(op.driver) &&
	    (!to_devdax || !strcmp(op.driver, "device_dax"))) {
		/* nothing online, and already where asked */
		rc = 0;
		op_result(&op, rc);
		op_free(&op);
		return rc;
	}

	/* refuse up front what cannot work, before changing anything */
	rc = preflight(&op, false, -1, is_kmem(op.driver), false, -1);
	if (rc < 0)
		goto out;
	if (is_kmem(op.driver)) {
		for (i = op.nr; i-- > 0;) {
			struct blk *b = &op.blk[i];

			if (!b->present || b->state == SPM_BLOCK_OFFLINE)
				continue;
			rc = do_offline_block(&op, b, NULL);
			if (rc < 0)
				goto fail;
		}
		if (to_devdax) {
			rc = do_unbind(&op);
			if (rc < 0)
				goto fail;
		}
	}
	if (to_devdax) {
		rc = do_bind(&op, "device_dax");
		if (rc < 0)
			goto fail;
	}
	rc = 0;
	goto out;
fail:
	rc = rollback(&op, rc);
out:
	return op_done(&op, rc);
}
