// SPDX-License-Identifier: GPL-2.0-only
/*
 * spm_dax_online / spm_dax_offline on synthetic trees, with the kernel
 * played by a write hook (fixture.c): success paths, idempotence, dry run,
 * and fault injection with an exact comparison of the whole tree before
 * and after the rollback.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libspm-private.h"
#include "libspm-discovery.h"
#include "libspm-ops.h"
#include "check.h"
#include "fixture.h"

struct t {
	char root[256];
	struct spm_ctx *ctx;
	struct fix_sim sim;
	char *before;
	int nsteps, nnotes;
	char steps[16384];
};

static void on_step(void *data, const char *text)
{
	struct t *t = data;
	size_t len = strlen(t->steps);

	if (!strncmp(text, "note: ", 6))
		t->nnotes++;
	else
		t->nsteps++;
	snprintf(t->steps + len, sizeof(t->steps) - len, "%s\n", text);
}

static void quiet_log(struct spm_ctx *ctx, int priority, const char *file,
		      int line, const char *fn, const char *format,
		      va_list args)
{
	(void)ctx, (void)priority, (void)file, (void)line, (void)fn;
	(void)format, (void)args;
}

static void setup(struct t *t, const char *scenario)
{
	char tmpl[] = "/tmp/spm-ops-XXXXXX";

	memset(t, 0, sizeof(*t));
	if (!mkdtemp(tmpl))
		abort();
	snprintf(t->root, sizeof(t->root), "%s/root", tmpl);
	if (fix_create(t->root, scenario)) {
		perror("fix_create");
		abort();
	}
	if (spm_new(&t->ctx) < 0 || spm_set_root(t->ctx, t->root) < 0)
		abort();
	if (!getenv("SPM_LOG"))
		spm_set_log_fn(t->ctx, quiet_log);
	fix_sim_init(&t->sim, t->root);
	spm_set_write_hook(t->ctx, fix_sim_hook, &t->sim);
	t->before = fix_snapshot(t->root);
}

static void teardown(struct t *t)
{
	char *dir = strdup(t->root);

	spm_unref(t->ctx);
	free(t->before);
	*strrchr(dir, '/') = '\0';
	fix_remove(dir);
	free(dir);
}

static struct spm_op_opts opts_for(struct t *t, unsigned int flags,
				   enum spm_zone zone)
{
	struct spm_op_opts o = {
		.zone = zone,
		.flags = flags,
		.step_fn = on_step,
		.step_userdata = t,
	};
	return o;
}

static struct spm_dax *dax0(struct t *t)
{
	struct spm_dax *dax = spm_dax_get_by_name(t->ctx, "dax0.0");

	if (!dax) {
		fprintf(stderr, "no dax0.0: %s\n", spm_get_last_error(t->ctx));
		abort();
	}
	return dax;
}

static void show_diff(const char *a, const char *b)
{
	FILE *f;

	f = fopen("/tmp/spm-ops-before.txt", "w");
	if (f) {
		fputs(a, f);
		fclose(f);
	}
	f = fopen("/tmp/spm-ops-after.txt", "w");
	if (f) {
		fputs(b, f);
		fclose(f);
	}
	if (system("diff -u /tmp/spm-ops-before.txt /tmp/spm-ops-after.txt >&2"))
		(void)0;
}

/* The tree is exactly as it was at setup. */
static void check_unchanged(struct t *t, const char *what)
{
	char *after = fix_snapshot(t->root);
	bool same = !strcmp(t->before, after);

	CHECK(same, "%s: the tree changed", what);
	if (!same)
		show_diff(t->before, after);
	free(after);
}

static int rd(struct t *t, const char *rel, char *buf, size_t len)
{
	return spm_try_read_str(t->ctx, buf, len, "%s", rel);
}

static void check_isolated(struct t *t, const char *zone, const char *spm)
{
	char rel[256], buf[64];
	int id;

	for (id = FIX_FIRST_BLOCK; id < FIX_FIRST_BLOCK + FIX_NR_BLOCKS; id++) {
		snprintf(rel, sizeof(rel),
			 "sys/devices/system/memory/memory%d/state", id);
		CHECK(rd(t, rel, buf, sizeof(buf)) >= 0 &&
			      !strcmp(buf, "online"),
		      "memory%d is %s", id, buf);
		snprintf(rel, sizeof(rel),
			 "sys/devices/system/memory/memory%d/valid_zones", id);
		CHECK(rd(t, rel, buf, sizeof(buf)) >= 0 && !strcmp(buf, zone),
		      "memory%d zone %s", id, buf);
	}
	if (spm) {
		CHECK(rd(t, "sys/bus/dax/devices/dax0.0/spm_node", buf,
			 sizeof(buf)) >= 0 &&
			      !strcmp(buf, spm),
		      "spm_node %s", buf);
	}
	CHECK(!t->sim.lost_range, "kmem was unbound with a block online");
	CHECK(!t->sim.new_id[0] && !t->sim.new_id[1],
	      "a new_id entry was left behind");
}

static bool contains(const char *hay, const char *needle)
{
	return strstr(hay, needle) != NULL;
}

/* ---------------------------------------------------------------- */

static void test_online_from_kmem_offline(void)
{
	struct spm_op_opts o;
	struct t t;
	char buf[64];
	int rc;

	setup(&t, "synthetic-hmem-kmem-offline");
	o = opts_for(&t, 0, SPM_ZONE_MOVABLE);
	rc = spm_dax_online(dax0(&t), &o);
	CHECK(rc == 0, "online: %d %s", rc, spm_get_last_error(t.ctx));
	check_isolated(&t, "Movable", "1");
	CHECK(t.sim.nwrites == FIX_NR_BLOCKS, "%d writes:\n%s", t.sim.nwrites,
	      t.sim.log);
	CHECK(contains(t.steps, "online memory32 as online_movable\n"),
	      "steps:\n%s", t.steps);
	CHECK(rd(&t, "sys/devices/system/node/has_spm_memory", buf,
		 sizeof(buf)) >= 0 &&
		      !strcmp(buf, "2"),
	      "has_spm_memory %s", buf);
	/* the context was refreshed: getters see the new state */
	CHECK(spm_dax_get_spm_node(dax0(&t)) == 1, "getter spm_node");

	/* idempotent: a second run writes nothing and reports no step */
	t.sim.nwrites = 0;
	t.nsteps = 0;
	rc = spm_dax_online(dax0(&t), &o);
	CHECK(rc == 0 && t.sim.nwrites == 0 && t.nsteps == 0,
	      "second online: rc %d, %d writes, %d steps", rc, t.sim.nwrites,
	      t.nsteps);
	teardown(&t);
}

static void test_online_kernel_zone(void)
{
	struct spm_op_opts o;
	struct t t;
	int rc;

	setup(&t, "synthetic-hmem-kmem-offline");
	o = opts_for(&t, 0, SPM_ZONE_KERNEL);
	rc = spm_dax_online(dax0(&t), &o);
	CHECK(rc == 0, "online kernel: %d %s", rc, spm_get_last_error(t.ctx));
	check_isolated(&t, "Normal", "1");
	CHECK(contains(t.steps, "online memory39 as online_kernel\n"),
	      "steps:\n%s", t.steps);
	teardown(&t);
}

static void test_online_from_devdax(void)
{
	struct spm_op_opts o;
	struct t t;
	int rc;

	setup(&t, "synthetic-devdax-idle");
	o = opts_for(&t, 0, SPM_ZONE_MOVABLE);
	rc = spm_dax_online(dax0(&t), &o);
	CHECK(rc == 0, "online: %d %s", rc, spm_get_last_error(t.ctx));
	check_isolated(&t, "Movable", "1");
	CHECK(contains(t.steps, "unbind dax0.0 from device_dax\n"
				"write 1 to dax0.0/spm_node\n"
				"bind dax0.0 to kmem\n"
				"online memory32 as online_movable\n"),
	      "steps:\n%s", t.steps);
	teardown(&t);
}

static void test_online_from_sysram(void)
{
	struct spm_op_opts o;
	struct t t;
	int rc;

	setup(&t, "synthetic-sysram-movable");
	o = opts_for(&t, 0, SPM_ZONE_MOVABLE);
	rc = spm_dax_online(dax0(&t), &o);
	CHECK(rc == 0, "online: %d %s", rc, spm_get_last_error(t.ctx));
	check_isolated(&t, "Movable", "1");
	/* offlined from the top, before kmem went */
	CHECK(contains(t.steps,
		       "offline memory39 (Movable): to change spm_node\n") &&
		      contains(
			      t.steps,
			      "offline memory32 (Movable): to change spm_node\n"
			      "unbind dax0.0 from kmem\n"
			      "write 1 to dax0.0/spm_node\n"
			      "bind dax0.0 to kmem\n"),
	      "steps:\n%s", t.steps);
	teardown(&t);
}

static void test_online_mixed_zones(void)
{
	struct spm_op_opts o;
	struct t t;
	int rc;

	setup(&t, "synthetic-mixed-zones");
	o = opts_for(&t, 0, SPM_ZONE_MOVABLE);
	rc = spm_dax_online(dax0(&t), &o);
	CHECK(rc == 0, "online: %d %s", rc, spm_get_last_error(t.ctx));
	check_isolated(&t, "Movable", "1");
	CHECK(!contains(t.steps, "memory36") && !contains(t.steps, "unbind"),
	      "Movable blocks left alone, kmem kept:\n%s", t.steps);
	teardown(&t);
}

static void test_dry_run(void)
{
	static const char *const scenarios[] = {
		"synthetic-hmem-kmem-offline", "synthetic-devdax-idle", "synthetic-sysram-movable",
		"synthetic-mixed-zones",	     "synthetic-unbound",
	};
	struct spm_op_opts o;
	size_t i;
	struct t t;
	int rc;

	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		setup(&t, scenarios[i]);
		o = opts_for(&t, SPM_OP_DRY_RUN, SPM_ZONE_MOVABLE);
		rc = spm_dax_online(dax0(&t), &o);
		CHECK(rc == 0, "%s: dry online: %d %s", scenarios[i], rc,
		      spm_get_last_error(t.ctx));
		CHECK(t.sim.nwrites == 0, "%s: %d writes", scenarios[i],
		      t.sim.nwrites);
		CHECK(t.nsteps > 0 &&
			      contains(t.steps,
				       "online memory35 as online_movable\n"),
		      "%s: steps:\n%s", scenarios[i], t.steps);
		check_unchanged(&t, scenarios[i]);

		t.steps[0] = '\0';
		o = opts_for(&t, SPM_OP_DRY_RUN | SPM_OP_TO_DEVDAX,
			     SPM_ZONE_MOVABLE);
		rc = spm_dax_offline(dax0(&t), &o);
		CHECK(rc == 0 && t.sim.nwrites == 0, "%s: dry offline: %d %s",
		      scenarios[i], rc, spm_get_last_error(t.ctx));
		check_unchanged(&t, scenarios[i]);
		teardown(&t);
	}
}

/* A block refuses to online half-way: everything is put back. */
static void test_fault_block_online(const char *scenario)
{
	struct spm_op_opts o;
	struct t t;
	int rc;

	setup(&t, scenario);
	t.sim.fail_rel = "sys/devices/system/memory/memory35/state";
	t.sim.fail_val = "online_movable";
	t.sim.fail_err = -EBUSY;
	o = opts_for(&t, 0, SPM_ZONE_MOVABLE);
	rc = spm_dax_online(dax0(&t), &o);
	CHECK(rc == -EBUSY, "%s: rc %d", scenario, rc);
	CHECK(contains(spm_get_last_error(t.ctx), "memory35") &&
		      contains(spm_get_last_error(t.ctx),
			       "Device or resource busy") &&
		      contains(spm_get_last_error(t.ctx), "rolled back"),
	      "%s: message: %s", scenario, spm_get_last_error(t.ctx));
	check_unchanged(&t, scenario);
	CHECK(!t.sim.lost_range, "%s: range lost", scenario);
	teardown(&t);
}

static void test_fault_bind(void)
{
	struct spm_op_opts o;
	struct t t;
	int rc;

	setup(&t, "synthetic-devdax-idle");
	t.sim.fail_rel = "sys/bus/dax/drivers/kmem/bind";
	t.sim.fail_err = -EIO;
	o = opts_for(&t, 0, SPM_ZONE_MOVABLE);
	rc = spm_dax_online(dax0(&t), &o);
	CHECK(rc == -EIO, "rc %d", rc);
	CHECK(contains(spm_get_last_error(t.ctx),
		       "bind dax0.0 to kmem: Input/output error"),
	      "message: %s", spm_get_last_error(t.ctx));
	check_unchanged(&t, "bind fails");
	teardown(&t);

	/* the device_dax bind of the rollback... and of offline --to-devdax */
	setup(&t, "synthetic-online-movable");
	t.sim.fail_rel = "sys/bus/dax/drivers/device_dax/bind";
	t.sim.fail_err = -ENOMEM;
	o = opts_for(&t, SPM_OP_TO_DEVDAX, SPM_ZONE_MOVABLE);
	rc = spm_dax_offline(dax0(&t), &o);
	CHECK(rc == -ENOMEM, "offline rc %d %s", rc, spm_get_last_error(t.ctx));
	CHECK(contains(spm_get_last_error(t.ctx), "bind dax0.0 to device_dax"),
	      "message: %s", spm_get_last_error(t.ctx));
	check_unchanged(&t, "device_dax bind fails");
	CHECK(!t.sim.lost_range, "range lost");
	teardown(&t);
}

static void test_fault_spm_node(void)
{
	struct spm_op_opts o;
	struct t t;
	int rc;

	setup(&t, "synthetic-sysram-movable");
	t.sim.fail_rel = "sys/bus/dax/devices/dax0.0/spm_node";
	t.sim.fail_err = -EPERM;
	o = opts_for(&t, 0, SPM_ZONE_MOVABLE);
	rc = spm_dax_online(dax0(&t), &o);
	CHECK(rc == -EPERM, "rc %d", rc);
	CHECK(contains(spm_get_last_error(t.ctx), "spm_node"), "message: %s",
	      spm_get_last_error(t.ctx));
	check_unchanged(&t, "spm_node write fails");
	teardown(&t);
}

/* Offlining a SysRAM block fails (pages cannot be migrated). */
static void test_fault_offline(void)
{
	struct spm_op_opts o;
	struct t t;
	int rc;

	setup(&t, "synthetic-sysram-movable");
	t.sim.fail_rel = "sys/devices/system/memory/memory35/state";
	t.sim.fail_val = "offline";
	t.sim.fail_err = -EBUSY;
	o = opts_for(&t, 0, SPM_ZONE_MOVABLE);
	rc = spm_dax_online(dax0(&t), &o);
	CHECK(rc == -EBUSY, "rc %d", rc);
	CHECK(contains(
		      spm_get_last_error(t.ctx),
		      "memory35 could not be offlined: Device or resource busy") &&
		      contains(spm_get_last_error(t.ctx), "migrate"),
	      "message: %s", spm_get_last_error(t.ctx));
	check_unchanged(&t, "offline fails");
	teardown(&t);

	setup(&t, "synthetic-mixed-zones");
	t.sim.fail_rel = "sys/devices/system/memory/memory33/state";
	t.sim.fail_val = "offline";
	t.sim.fail_err = -EBUSY;
	o = opts_for(&t, 0, SPM_ZONE_MOVABLE);
	rc = spm_dax_offline(dax0(&t), &o);
	CHECK(rc == -EBUSY, "rc %d", rc);
	CHECK(contains(spm_get_last_error(t.ctx), "memory33") &&
		      contains(spm_get_last_error(t.ctx), "ZONE_MOVABLE"),
	      "message: %s", spm_get_last_error(t.ctx));
	check_unchanged(&t, "offline of a Normal block fails");
	teardown(&t);
}

static void test_fault_zone(void)
{
	struct spm_op_opts o;
	struct t t;
	int rc;

	setup(&t, "synthetic-devdax-idle");
	t.sim.normal_block = 36;
	o = opts_for(&t, 0, SPM_ZONE_MOVABLE);
	rc = spm_dax_online(dax0(&t), &o);
	CHECK(rc == -EBUSY, "rc %d", rc);
	CHECK(contains(spm_get_last_error(t.ctx),
		       "memory36 came up in zone Normal, not Movable"),
	      "message: %s", spm_get_last_error(t.ctx));
	check_unchanged(&t, "wrong zone");
	teardown(&t);
}

/* The rollback itself fails: a distinct error saying what is left. */
static void test_fault_rollback(void)
{
	struct spm_op_opts o;
	struct t t;
	int rc;

	setup(&t, "synthetic-devdax-idle");
	t.sim.fail_rel = "sys/devices/system/memory/memory35/state";
	t.sim.fail_val = "online_movable";
	t.sim.fail_err = -EBUSY;
	t.sim.fail2_rel = "sys/devices/system/memory/memory33/state";
	t.sim.fail2_val = "offline";
	t.sim.fail2_err = -EBUSY;
	/* a transient EBUSY while undoing an online is retried once */
	o = opts_for(&t, 0, SPM_ZONE_MOVABLE);
	rc = spm_dax_online(dax0(&t), &o);
	CHECK(rc == -EBUSY, "rc %d %s", rc, spm_get_last_error(t.ctx));
	check_unchanged(&t, "rollback retried");
	teardown(&t);

	setup(&t, "synthetic-devdax-idle");
	t.sim.fail_rel = "sys/devices/system/memory/memory35/state";
	t.sim.fail_val = "online_movable";
	t.sim.fail_err = -EBUSY;
	t.sim.fail2_rel = "sys/bus/dax/drivers/kmem/unbind";
	t.sim.fail2_err = -EIO;
	o = opts_for(&t, 0, SPM_ZONE_MOVABLE);
	rc = spm_dax_online(dax0(&t), &o);
	CHECK(rc == -ENOTRECOVERABLE, "rc %d", rc);
	CHECK(contains(spm_get_last_error(t.ctx), "memory35") &&
		      contains(
			      spm_get_last_error(t.ctx),
			      "rollback failed at \"unbind dax0.0 from kmem\"") &&
		      contains(spm_get_last_error(t.ctx),
			       "left: dax0.0 bound to kmem, spm_node=1"),
	      "message: %s", spm_get_last_error(t.ctx));
	CHECK(!t.sim.lost_range, "range lost");
	teardown(&t);
}

static void test_offline(void)
{
	struct spm_op_opts o;
	struct t t;
	char buf[64];
	int rc;

	setup(&t, "synthetic-online-movable");
	o = opts_for(&t, 0, SPM_ZONE_MOVABLE);
	rc = spm_dax_offline(dax0(&t), &o);
	CHECK(rc == 0, "offline: %d %s", rc, spm_get_last_error(t.ctx));
	CHECK(rd(&t, "sys/devices/system/memory/memory32/state", buf,
		 sizeof(buf)) >= 0 &&
		      !strcmp(buf, "offline"),
	      "memory32 %s", buf);
	CHECK(contains(t.steps, "offline memory39 (Movable)\n") &&
		      !contains(t.steps, "unbind"),
	      "steps:\n%s", t.steps);
	/* and back: online again from there */
	rc = spm_dax_online(dax0(&t), &o);
	CHECK(rc == 0, "online again: %d", rc);
	check_unchanged(&t, "offline then online");
	teardown(&t);

	setup(&t, "synthetic-online-movable");
	o = opts_for(&t, SPM_OP_TO_DEVDAX, SPM_ZONE_MOVABLE);
	rc = spm_dax_offline(dax0(&t), &o);
	CHECK(rc == 0, "offline --to-devdax: %d %s", rc,
	      spm_get_last_error(t.ctx));
	CHECK(spm_dax_get_mode(dax0(&t)) == SPM_DAX_MODE_DEVDAX, "mode %d",
	      spm_dax_get_mode(dax0(&t)));
	CHECK(rd(&t, "sys/devices/system/memory/memory32/state", buf,
		 sizeof(buf)) < 0,
	      "memory32 still there");
	CHECK(!t.sim.lost_range, "range lost");
	CHECK(contains(
		      t.steps,
		      "offline memory32 (Movable)\n"
		      "unbind dax0.0 from kmem\n"
		      "bind dax0.0 to device_dax\n"
		      "add dax0.0 to device_dax/new_id (the driver did not match it)\n"
		      "remove dax0.0 from device_dax/remove_id\n"),
	      "steps:\n%s", t.steps);
	CHECK(!t.sim.new_id[1], "device_dax new_id entry left behind");
	/* idempotent */
	t.sim.nwrites = 0;
	rc = spm_dax_offline(dax0(&t), &o);
	CHECK(rc == 0 && t.sim.nwrites == 0, "second offline: %d, %d writes",
	      rc, t.sim.nwrites);
	teardown(&t);
}

static void test_no_series(void)
{
	struct spm_op_opts o;
	struct t t;
	int rc;

	setup(&t, "synthetic-no-series");
	o = opts_for(&t, 0, SPM_ZONE_MOVABLE);
	rc = spm_dax_online(dax0(&t), &o);
	CHECK(rc == -EOPNOTSUPP, "rc %d", rc);
	CHECK(contains(
		      spm_get_last_error(t.ctx),
		      "isolation unavailable: the kernel lacks SPM node support (no spm_node attribute); use --allow-sysram to online as plain System RAM"),
	      "message: %s", spm_get_last_error(t.ctx));
	CHECK(t.sim.nwrites == 0, "%d writes", t.sim.nwrites);
	check_unchanged(&t, "no series");

	o = opts_for(&t, SPM_OP_ALLOW_SYSRAM, SPM_ZONE_MOVABLE);
	rc = spm_dax_online(dax0(&t), &o);
	CHECK(rc == 0, "allow-sysram: %d %s", rc, spm_get_last_error(t.ctx));
	check_isolated(&t, "Movable", NULL);
	CHECK(!contains(t.sim.log, "spm_node"), "spm_node written:\n%s",
	      t.sim.log);
	teardown(&t);
}

/* SPM_OP_SYSRAM: plain SysRAM although the series is there. */
static void test_sysram_flag(void)
{
	struct spm_op_opts o;
	struct t t;
	char buf[64];
	int rc;

	setup(&t, "synthetic-online-movable");
	o = opts_for(&t, SPM_OP_SYSRAM, SPM_ZONE_MOVABLE);
	rc = spm_dax_online(dax0(&t), &o);
	CHECK(rc == 0, "sysram: %d %s", rc, spm_get_last_error(t.ctx));
	check_isolated(&t, "Movable", "0");
	CHECK(rd(&t, "sys/devices/system/node/has_spm_memory", buf,
		 sizeof(buf)) >= 0 &&
		      !buf[0],
	      "has_spm_memory \"%s\"", buf);
	/* and isolated again */
	o = opts_for(&t, 0, SPM_ZONE_MOVABLE);
	rc = spm_dax_online(dax0(&t), &o);
	CHECK(rc == 0, "isolate again: %d %s", rc, spm_get_last_error(t.ctx));
	check_unchanged(&t, "sysram and back");
	teardown(&t);
}

static void test_new_id(void)
{
	struct spm_op_opts o;
	struct t t;
	int rc;

	setup(&t, "synthetic-unbound");
	t.sim.bind_needs_new_id = true;
	o = opts_for(&t, 0, SPM_ZONE_MOVABLE);
	rc = spm_dax_online(dax0(&t), &o);
	CHECK(rc == 0, "online: %d %s", rc, spm_get_last_error(t.ctx));
	check_isolated(&t, "Movable", "1");
	CHECK(contains(t.sim.log,
		       "sys/bus/dax/drivers/kmem/new_id=dax0.0\n"
		       "sys/bus/dax/drivers/kmem/remove_id=dax0.0\n"),
	      "log:\n%s", t.sim.log);
	teardown(&t);
}

static void test_agent(void)
{
	struct spm_op_opts o;
	struct t t;
	int rc;

	setup(&t, "synthetic-devdax-idle");
	t.sim.auto_online = true;
	/* what the kernel would show with that policy */
	{
		char path[512];
		FILE *f;

		snprintf(path, sizeof(path),
			 "%s/sys/devices/system/memory/auto_online_blocks",
			 t.root);
		f = fopen(path, "w");
		if (f) {
			fputs("online_movable\n", f);
			fclose(f);
		}
	}
	o = opts_for(&t, 0, SPM_ZONE_MOVABLE);
	rc = spm_dax_online(dax0(&t), &o);
	CHECK(rc == 0, "online: %d %s", rc, spm_get_last_error(t.ctx));
	check_isolated(&t, "Movable", "1");
	/* said before the first write, with where the policy came from;
	 * then the agent is named for each block it took */
	CHECK(t.nnotes == FIX_NR_BLOCKS + 1 &&
		      !strncmp(t.steps,
			       "note: auto_online_blocks=online_movable (memhp_default_state=offline on the kernel command line, then a write at runtime that reboots do not keep) onlines the blocks kmem adds before spmctl can\n",
			       strlen("note: auto_online_blocks=online_movable (memhp_default_state=offline on the kernel command line, then a write at runtime that reboots do not keep) onlines the blocks kmem adds before spmctl can\n")) &&
		      contains(
			      t.steps,
			      "note: memory32 was onlined (Movable) by the kernel's auto_online_blocks policy (online_movable) before spmctl\n"),
	      "steps:\n%s", t.steps);
	CHECK(!contains(t.steps, "online memory32 as"), "steps:\n%s", t.steps);
	teardown(&t);
}

/* Another agent onlines a block between our look and our write. */
static void test_race(void)
{
	struct spm_op_opts o;
	struct t t;
	int rc;

	setup(&t, "synthetic-hmem-kmem-offline");
	t.sim.race_block = 34;
	o = opts_for(&t, 0, SPM_ZONE_MOVABLE);
	rc = spm_dax_online(dax0(&t), &o);
	CHECK(rc == 0, "race: %d %s", rc, spm_get_last_error(t.ctx));
	check_isolated(&t, "Movable", "1");
	CHECK(contains(
		      t.steps,
		      "note: memory34 was onlined (Movable) by another process (udev rule?) while spmctl was onlining it\n"),
	      "steps:\n%s", t.steps);
	teardown(&t);
}

/* Auto-online brings the blocks back when the rollback rebinds kmem. */
static void test_rollback_with_auto_online(void)
{
	struct spm_op_opts o;
	struct t t;
	int rc;

	setup(&t, "synthetic-online-movable");
	t.sim.auto_online = true;
	t.sim.fail_rel = "sys/bus/dax/drivers/device_dax/bind";
	t.sim.fail_err = -EIO;
	o = opts_for(&t, SPM_OP_TO_DEVDAX, SPM_ZONE_MOVABLE);
	rc = spm_dax_offline(dax0(&t), &o);
	CHECK(rc == -EIO, "rc %d %s", rc, spm_get_last_error(t.ctx));
	CHECK(contains(spm_get_last_error(t.ctx), "rolled back"), "message: %s",
	      spm_get_last_error(t.ctx));
	check_unchanged(&t, "rollback with auto-online");
	teardown(&t);
}

/* new_id failing too: bind's own error is the one reported. */
static void test_new_id_fails(void)
{
	struct spm_op_opts o;
	struct t t;
	int rc;

	setup(&t, "synthetic-unbound");
	t.sim.bind_needs_new_id = true;
	t.sim.fail_rel = "sys/bus/dax/drivers/kmem/new_id";
	t.sim.fail_err = -EEXIST;
	o = opts_for(&t, 0, SPM_ZONE_MOVABLE);
	rc = spm_dax_online(dax0(&t), &o);
	CHECK(rc == -ENODEV, "rc %d %s", rc, spm_get_last_error(t.ctx));
	CHECK(contains(spm_get_last_error(t.ctx),
		       "bind dax0.0 to kmem: No such device"),
	      "message: %s", spm_get_last_error(t.ctx));
	check_unchanged(&t, "new_id fails");
	teardown(&t);
}

/* A missing driver on a fixture root: no libkmod, a clear error. */
static void test_missing_driver(void)
{
	struct spm_op_opts o;
	char path[512];
	struct t t;
	int rc;

	setup(&t, "synthetic-online-movable");
	snprintf(path, sizeof(path), "%s/sys/bus/dax/drivers/device_dax",
		 t.root);
	fix_remove(path);
	free(t.before);
	t.before = fix_snapshot(t.root);
	o = opts_for(&t, SPM_OP_TO_DEVDAX, SPM_ZONE_MOVABLE);
	rc = spm_dax_offline(dax0(&t), &o);
	CHECK(rc == -ENOENT, "rc %d %s", rc, spm_get_last_error(t.ctx));
	CHECK(contains(spm_get_last_error(t.ctx),
		       "driver device_dax is not loaded"),
	      "message: %s", spm_get_last_error(t.ctx));
	CHECK(contains(t.steps, "load module device_dax\n"), "steps:\n%s",
	      t.steps);
	check_unchanged(&t, "missing driver");
	teardown(&t);
}

/* The udev wait on the live root: bounded, whether or not udevd runs. */
static void test_udev_live(void)
{
	struct spm_udev_wait *w;
	struct spm_ctx *ctx;
	unsigned long id = 123456;
	size_t missing = 0;
	bool have_udevd;
	int rc;

	if (spm_new(&ctx) < 0 || spm_set_root(ctx, "/") < 0)
		abort();
	spm_set_log_fn(ctx, quiet_log);
	w = spm_udev_wait_begin(ctx);
	rc = spm_udev_wait_end(w, NULL, 0, 2000, &missing);
	CHECK(rc == 0 || rc == -ETIMEDOUT, "empty wait: %d", rc);
	w = spm_udev_wait_begin(ctx);
	have_udevd = w != NULL;
	rc = spm_udev_wait_end(w, &id, 1, 200, &missing);
	/* without udevd nothing is waited for; with it, memory123456 never
	 * comes and the wait times out */
	CHECK(have_udevd ? (rc == -ETIMEDOUT && missing == 1) : rc == 0,
	      "wait for a block that never comes: %d, %zu missing", rc,
	      missing);
	spm_udev_wait_cancel(spm_udev_wait_begin(ctx));
	spm_unref(ctx);
}

static void test_bad_args(void)
{
	struct spm_op_opts o;
	struct t t;
	int rc;

	setup(&t, "synthetic-hmem-kmem-offline");
	CHECK(spm_dax_online(NULL, NULL) == -EINVAL, "NULL dax");
	o = opts_for(&t, 0, (enum spm_zone)7);
	rc = spm_dax_online(dax0(&t), &o);
	CHECK(rc == -EINVAL, "bad zone: %d", rc);
	/* NULL opts: defaults (movable) */
	rc = spm_dax_online(dax0(&t), NULL);
	CHECK(rc == 0, "NULL opts: %d %s", rc, spm_get_last_error(t.ctx));
	check_isolated(&t, "Movable", "1");
	teardown(&t);
}

/*
 * A kernel without CONFIG_MEMORY_HOTREMOVE has no valid_zones: onlining
 * must not fail its verification on a zone nobody can read (issue 15:
 * exit 7, since the rollback could not offline either). It says so; and
 * refuses, changing nothing, when the zone was asked for.
 */
static void test_no_valid_zones(void)
{
	struct spm_op_result res = { .size = sizeof(res) };
	struct spm_op_opts o;
	struct t t;
	char buf[64];
	int rc, id;

	setup(&t, "synthetic-no-valid-zones");
	o = opts_for(&t, SPM_OP_ZONE_REQUIRED, SPM_ZONE_MOVABLE);
	o.size = sizeof(o);
	o.result = &res;
	rc = spm_dax_online(dax0(&t), &o);
	CHECK(rc == -EOPNOTSUPP && res.check == SPM_CHECK_NO_VALID_ZONES &&
		      res.err == rc,
	      "zone required: %d check %d %s", rc, res.check, res.message);
	CHECK(t.sim.nwrites == 0, "zone required: %d writes", t.sim.nwrites);
	check_unchanged(&t, "zone required");

	o.flags = 0;
	rc = spm_dax_online(dax0(&t), &o);
	CHECK(rc == 0, "online: %d %s", rc, spm_get_last_error(t.ctx));
	CHECK(contains(t.steps, "note: this kernel has no valid_zones"),
	      "steps:\n%s", t.steps);
	for (id = FIX_FIRST_BLOCK; id < FIX_FIRST_BLOCK + FIX_NR_BLOCKS; id++) {
		char rel[96];

		snprintf(rel, sizeof(rel),
			 "sys/devices/system/memory/memory%d/state", id);
		CHECK(rd(&t, rel, buf, sizeof(buf)) >= 0 &&
			      !strcmp(buf, "online"),
		      "memory%d is %s", id, buf);
	}
	teardown(&t);
}

/*
 * Another process changing the device (the boot unit, an admin's spmctl)
 * holds its lock: the operation waits, then refuses without a write.
 */
/* ---- spm_user_numa: the owner's opt-in (spm-abi.md 7a) ---- */

/* "2", "" (no node), or "absent" for node list file name. */
static const char *node_list(struct t *t, const char *name, char *buf,
			     size_t len)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "sys/devices/system/node/%s", name);
	if (rd(t, rel, buf, len) < 0)
		snprintf(buf, len, "absent");
	return buf;
}

static void test_user_numa_online(void)
{
	struct spm_op_opts o;
	char buf[64];
	struct t t;
	int rc;

	setup(&t, "synthetic-user-numa-devdax");
	CHECK(spm_kernel_has_spm_user_numa(t.ctx), "kernel has user numa");
	CHECK(spm_dax_get_user_numa(dax0(&t)) == 0, "getter before");
	o = opts_for(&t, SPM_OP_USER_NUMA, SPM_ZONE_MOVABLE);
	rc = spm_dax_online(dax0(&t), &o);
	CHECK(rc == 0, "online: %d %s", rc, spm_get_last_error(t.ctx));
	check_isolated(&t, "Movable", "1");
	/* written before kmem is bound, after spm_node */
	CHECK(contains(t.steps, "unbind dax0.0 from device_dax\n"
				"write 1 to dax0.0/spm_node\n"
				"write 1 to dax0.0/spm_user_numa\n"
				"bind dax0.0 to kmem\n"),
	      "steps:\n%s", t.steps);
	CHECK(!strcmp(node_list(&t, "has_spm_user_numa", buf, sizeof(buf)),
		      "2"),
	      "has_spm_user_numa \"%s\"", buf);
	CHECK(spm_dax_get_user_numa(dax0(&t)) == 1, "getter after");
	CHECK(spm_node_is_user_numa(spm_node_get_by_id(t.ctx, 2)),
	      "node 2 getter");

	/* as asked already: nothing written; without a flag: kept */
	t.sim.nwrites = 0;
	t.nsteps = 0;
	rc = spm_dax_online(dax0(&t), &o);
	CHECK(rc == 0 && t.sim.nwrites == 0 && t.nsteps == 0,
	      "again: %d, %d writes", rc, t.sim.nwrites);
	o = opts_for(&t, 0, SPM_ZONE_MOVABLE);
	rc = spm_dax_online(dax0(&t), &o);
	CHECK(rc == 0 && t.sim.nwrites == 0 && t.nsteps == 0,
	      "no flag: %d, %d writes", rc, t.sim.nwrites);

	/* off again: only through a rebind, kmem takes it at hot-add */
	t.steps[0] = '\0';
	o = opts_for(&t, SPM_OP_NO_USER_NUMA, SPM_ZONE_MOVABLE);
	rc = spm_dax_online(dax0(&t), &o);
	CHECK(rc == 0, "off: %d %s", rc, spm_get_last_error(t.ctx));
	check_isolated(&t, "Movable", "1");
	CHECK(contains(t.steps,
		       "offline memory32 (Movable): to change spm_user_numa\n"
		       "unbind dax0.0 from kmem\n"
		       "write 0 to dax0.0/spm_user_numa\n"
		       "bind dax0.0 to kmem\n") &&
		      !contains(t.steps, "spm_node"),
	      "steps:\n%s", t.steps);
	CHECK(!strcmp(node_list(&t, "has_spm_user_numa", buf, sizeof(buf)),
		      ""),
	      "has_spm_user_numa \"%s\"", buf);
	teardown(&t);
}

static void test_user_numa_dry_run(void)
{
	struct spm_op_opts o;
	struct t t;
	int rc;

	setup(&t, "synthetic-user-numa-online");
	o = opts_for(&t, SPM_OP_USER_NUMA | SPM_OP_DRY_RUN, SPM_ZONE_MOVABLE);
	rc = spm_dax_online(dax0(&t), &o);
	CHECK(rc == 0, "dry: %d %s", rc, spm_get_last_error(t.ctx));
	CHECK(t.sim.nwrites == 0, "%d writes", t.sim.nwrites);
	CHECK(contains(t.steps, "unbind dax0.0 from kmem\n"
				"write 1 to dax0.0/spm_user_numa\n"
				"bind dax0.0 to kmem\n"),
	      "steps:\n%s", t.steps);
	check_unchanged(&t, "user-numa dry run");
	teardown(&t);
}

/* kmem refuses to bind: spm_user_numa and spm_node go back as found. */
static void test_user_numa_rollback(void)
{
	struct spm_op_opts o;
	struct t t;
	int rc;

	setup(&t, "synthetic-user-numa-devdax");
	t.sim.fail_rel = "sys/bus/dax/drivers/kmem/bind";
	t.sim.fail_err = -EIO;
	o = opts_for(&t, SPM_OP_USER_NUMA, SPM_ZONE_MOVABLE);
	rc = spm_dax_online(dax0(&t), &o);
	CHECK(rc == -EIO, "rc %d %s", rc, spm_get_last_error(t.ctx));
	CHECK(contains(t.steps, "rollback: write 0 to dax0.0/spm_user_numa\n"
				"rollback: write 0 to dax0.0/spm_node\n"),
	      "steps:\n%s", t.steps);
	CHECK(contains(spm_get_last_error(t.ctx), "rolled back"), "message: %s",
	      spm_get_last_error(t.ctx));
	check_unchanged(&t, "user-numa bind fails");
	teardown(&t);

	/* the write itself fails on an isolated device: rebound as found */
	setup(&t, "synthetic-user-numa-online");
	t.sim.fail_rel = "sys/bus/dax/devices/dax0.0/spm_user_numa";
	t.sim.fail_err = -EPERM;
	o = opts_for(&t, SPM_OP_USER_NUMA, SPM_ZONE_MOVABLE);
	rc = spm_dax_online(dax0(&t), &o);
	CHECK(rc == -EPERM, "rc %d %s", rc, spm_get_last_error(t.ctx));
	CHECK(contains(spm_get_last_error(t.ctx),
		       "write 1 to dax0.0/spm_user_numa: Operation not permitted"),
	      "message: %s", spm_get_last_error(t.ctx));
	check_unchanged(&t, "spm_user_numa write fails");
	CHECK(!t.sim.lost_range, "range lost");
	teardown(&t);
}

/* A kernel without the attribute: refused, named, nothing written. */
static void test_user_numa_unsupported(void)
{
	static const char *const scenarios[] = { "synthetic-devdax-idle",
						 "synthetic-no-series" };
	struct spm_op_opts o;
	size_t i;
	struct t t;
	int rc;

	for (i = 0; i < 2; i++) {
		setup(&t, scenarios[i]);
		CHECK(!spm_kernel_has_spm_user_numa(t.ctx), "%s: kernel",
		      scenarios[i]);
		CHECK(spm_dax_get_user_numa(dax0(&t)) == -1, "%s: getter",
		      scenarios[i]);
		o = opts_for(&t, SPM_OP_USER_NUMA, SPM_ZONE_MOVABLE);
		rc = spm_dax_online(dax0(&t), &o);
		CHECK(rc == -EOPNOTSUPP, "%s: rc %d", scenarios[i], rc);
		CHECK(contains(spm_get_last_error(t.ctx),
			       "dax0.0: user-numa unavailable: the kernel has no sys/bus/dax/devices/dax0.0/spm_user_numa attribute"),
		      "%s: message: %s", scenarios[i],
		      spm_get_last_error(t.ctx));
		CHECK(t.sim.nwrites == 0, "%s: %d writes", scenarios[i],
		      t.sim.nwrites);
		check_unchanged(&t, scenarios[i]);
		teardown(&t);
	}
	/* off is what such a kernel does anyway */
	setup(&t, "synthetic-devdax-idle");
	o = opts_for(&t, SPM_OP_NO_USER_NUMA, SPM_ZONE_MOVABLE);
	rc = spm_dax_online(dax0(&t), &o);
	CHECK(rc == 0, "no-user-numa: %d %s", rc, spm_get_last_error(t.ctx));
	CHECK(!contains(t.sim.log, "spm_user_numa"), "log:\n%s", t.sim.log);
	teardown(&t);
}

/* Without SPM isolation the opt-in means nothing: a mistake, refused. */
static void test_user_numa_needs_spm(void)
{
	static const struct {
		const char *scenario;
		unsigned int flags;
		const char *msg;
	} cases[] = {
		{ "synthetic-user-numa-devdax", SPM_OP_SYSRAM,
		  "dax0.0: user-numa needs SPM isolation (spm_node=1)" },
		{ "synthetic-no-series", SPM_OP_ALLOW_SYSRAM,
		  "dax0.0: user-numa needs SPM isolation (spm_node=1)" },
		{ "synthetic-user-numa-devdax", SPM_OP_NO_USER_NUMA,
		  "dax0.0: user-numa asked both on and off" },
	};
	struct spm_op_opts o;
	size_t i;
	struct t t;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		setup(&t, cases[i].scenario);
		o = opts_for(&t, SPM_OP_USER_NUMA | cases[i].flags,
			     SPM_ZONE_MOVABLE);
		rc = spm_dax_online(dax0(&t), &o);
		CHECK(rc == -EINVAL, "case %zu: rc %d", i, rc);
		CHECK(contains(spm_get_last_error(t.ctx), cases[i].msg),
		      "case %zu: message: %s", i, spm_get_last_error(t.ctx));
		CHECK(t.sim.nwrites == 0, "case %zu: %d writes", i,
		      t.sim.nwrites);
		check_unchanged(&t, cases[i].scenario);
		teardown(&t);
	}
}

/* Another device's memory on the node, latched without the opt-in: kmem
 * would fail with EBUSY, so the pre-flight refuses. */
static void test_user_numa_node_mismatch(void)
{
	struct spm_op_result res = { .size = sizeof(res) };
	struct spm_op_opts o;
	char path[512];
	struct t t;
	FILE *f;
	int rc;

	setup(&t, "synthetic-user-numa-devdax");
	/* memory40: node 2's SPM memory from another device, online */
	snprintf(path, sizeof(path), "%s/sys/devices/system/memory/memory40",
		 t.root);
	CHECK(mkdir(path, 0755) == 0, "mkdir %s", path);
	snprintf(path, sizeof(path),
		 "%s/sys/devices/system/memory/memory40/state", t.root);
	f = fopen(path, "w");
	if (f) {
		fputs("online\n", f);
		fclose(f);
	}
	snprintf(path, sizeof(path),
		 "%s/sys/devices/system/memory/memory40/node2", t.root);
	CHECK(symlink("../../node/node2", path) == 0, "symlink");
	snprintf(path, sizeof(path),
		 "%s/sys/devices/system/node/node2/memory40", t.root);
	CHECK(symlink("../../memory/memory40", path) == 0, "symlink");
	snprintf(path, sizeof(path),
		 "%s/sys/devices/system/node/has_spm_memory", t.root);
	f = fopen(path, "w");
	if (f) {
		fputs("2\n", f);
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/sys/devices/system/node/has_memory",
		 t.root);
	f = fopen(path, "w");
	if (f) {
		fputs("0-2\n", f);
		fclose(f);
	}
	spm_refresh(t.ctx);
	free(t.before);
	t.before = fix_snapshot(t.root);

	o = opts_for(&t, SPM_OP_USER_NUMA, SPM_ZONE_MOVABLE);
	o.size = sizeof(o);
	o.result = &res;
	rc = spm_dax_online(dax0(&t), &o);
	CHECK(rc == -EBUSY && res.check == SPM_CHECK_USER_NUMA_NODE,
	      "rc %d check %s: %s", rc, spm_check_get_name(res.check),
	      res.message);
	CHECK(contains(res.message,
		       "dax0.0: its target_node 2 already holds SPM memory (memory40) closed to the plain NUMA API"),
	      "message: %s", res.message);
	CHECK(t.sim.nwrites == 0, "%d writes", t.sim.nwrites);
	check_unchanged(&t, "user-numa node mismatch");

	/* without the flag the device keeps 0, which agrees: no refusal */
	o = opts_for(&t, SPM_OP_DRY_RUN, SPM_ZONE_MOVABLE);
	rc = spm_dax_online(dax0(&t), &o);
	CHECK(rc == 0, "kept: %d %s", rc, spm_get_last_error(t.ctx));
	teardown(&t);
}

static void test_lock(void)
{
	struct spm_op_result res = { .size = sizeof(res) };
	struct spm_op_opts o;
	char path[512];
	struct t t;
	int fd, rc;

	setup(&t, "synthetic-hmem-kmem-offline");
	snprintf(path, sizeof(path), "%s/sys/bus/dax/devices/dax0.0", t.root);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK(fd >= 0 && flock(fd, LOCK_EX) == 0, "lock %s", path);
	o = opts_for(&t, 0, SPM_ZONE_MOVABLE);
	o.size = sizeof(o);
	o.result = &res;
	o.timeout_ms = 100;
	rc = spm_dax_online(dax0(&t), &o);
	CHECK(rc == -EBUSY && res.check == SPM_CHECK_LOCKED,
	      "locked: %d check %d %s", rc, res.check, res.message);
	CHECK(contains(res.message, "another process is changing it"),
	      "locked message: %s", res.message);
	CHECK(t.sim.nwrites == 0, "locked: %d writes", t.sim.nwrites);
	check_unchanged(&t, "locked");
	/* a dry run changes nothing, so it takes no lock */
	o.flags = SPM_OP_DRY_RUN;
	rc = spm_dax_online(dax0(&t), &o);
	CHECK(rc == 0, "dry run under the lock: %d %s", rc, res.message);
	close(fd);
	o.flags = 0;
	rc = spm_dax_online(dax0(&t), &o);
	CHECK(rc == 0 && res.err == 0 && !res.message[0],
	      "unlocked: %d %s", rc, res.message);
	check_isolated(&t, "Movable", "1");
	teardown(&t);
}

int main(void)
{
	test_online_from_kmem_offline();
	test_online_kernel_zone();
	test_online_from_devdax();
	test_online_from_sysram();
	test_online_mixed_zones();
	test_dry_run();
	test_fault_block_online("synthetic-hmem-kmem-offline");
	test_fault_block_online("synthetic-devdax-idle");
	test_fault_block_online("synthetic-sysram-movable");
	test_fault_block_online("synthetic-unbound");
	test_fault_bind();
	test_fault_spm_node();
	test_fault_offline();
	test_fault_zone();
	test_fault_rollback();
	test_offline();
	test_no_series();
	test_sysram_flag();
	test_new_id();
	test_agent();
	test_race();
	test_rollback_with_auto_online();
	test_new_id_fails();
	test_missing_driver();
	test_udev_live();
	test_bad_args();
	test_no_valid_zones();
	test_lock();
	test_user_numa_online();
	test_user_numa_dry_run();
	test_user_numa_rollback();
	test_user_numa_unsupported();
	test_user_numa_needs_spm();
	test_user_numa_node_mismatch();
	return check_report();
}
