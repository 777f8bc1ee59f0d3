// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the discovery half of libspm: the parsers (node lists,
 * /proc/iomem, meminfo) and the objects found on the fixture trees,
 * including the lifetime rule of spm_refresh() and the error messages.
 * Plain C: each CHECK failure is printed and the exit status is non-zero.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libspm-discovery.h"

static int failures;

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, \
				__LINE__, #cond);                              \
			failures++;                                            \
		}                                                              \
	} while (0)

static bool bit(const struct spm_nodemask *m, int n)
{
	const int bpl = 8 * sizeof(unsigned long);

	return (m->bits[n / bpl] >> (n % bpl)) & 1;
}

static int weight(const struct spm_nodemask *m)
{
	int n, w = 0;

	for (n = 0; n < SPM_MAX_NODES; n++)
		w += bit(m, n);
	return w;
}

static void test_bitlist(void)
{
	static const char *const bad[] = {
		"x",	"1-",  "-1",   "1,",   ",1",  "2-1", "1 2",
		"1,,2", "0x1", "1024", "1\n2", "3-a", " 1",  "1-2-3",
	};
	struct spm_nodemask m;
	size_t i;

	CHECK(spm_parse_bitlist("", &m) == 0 && weight(&m) == 0);
	CHECK(spm_parse_bitlist("\n", &m) == 0 && weight(&m) == 0);
	CHECK(spm_parse_bitlist("0", &m) == 0 && weight(&m) == 1 && bit(&m, 0));
	CHECK(spm_parse_bitlist("0-2,4\n", &m) == 0 && weight(&m) == 4 &&
	      bit(&m, 0) && bit(&m, 1) && bit(&m, 2) && !bit(&m, 3) &&
	      bit(&m, 4));
	CHECK(spm_parse_bitlist("2", &m) == 0 && weight(&m) == 1 && bit(&m, 2));
	CHECK(spm_parse_bitlist("0,2-3", &m) == 0 && weight(&m) == 3);
	CHECK(spm_parse_bitlist("1023", &m) == 0 && bit(&m, 1023));
	CHECK(spm_parse_bitlist("64-65", &m) == 0 && bit(&m, 64) &&
	      bit(&m, 65) && weight(&m) == 2);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = spm_parse_bitlist(bad[i], &m);

		if (rc != -EINVAL)
			fprintf(stderr, "bitlist \"%s\" accepted\n", bad[i]);
		CHECK(rc == -EINVAL);
	}
	CHECK(spm_parse_bitlist(NULL, &m) == -EINVAL);
}

static void test_iomem(void)
{
	static const char text[] =
		"00000000-00000fff : Reserved\n"
		"00100000-7ffdffff : System RAM\n"
		"  01000000-01ffffff : Kernel code\n"
		"100000000-13fffffff : Soft Reserved\n"
		"  100000000-13fffffff : dax0.0\n"
		"    100000000-13fffffff : System RAM (kmem)\n"
		"380000000000-3807ffffffff : PCI Bus 0000:00\n";
	static const char hidden[] = "00000000-00000000 : Soft Reserved\n"
				     "  00000000-00000000 : dax0.0\n";
	static const char *const bad[] = {
		"zz-1 : x\n",
		"00000000-00000fff Reserved\n",
		"   00000000-00000fff : odd indent\n",
		"  00000000-00000fff : child without parent\n",
		"00001000-00000fff : end before start\n",
		"10000000000000000-1 : too long\n",
	};
	struct spm_iomem_entry *e;
	size_t i;
	int n, line;

	n = spm_iomem_parse(text, &e, &line);
	CHECK(n == 7);
	if (n == 7) {
		CHECK(e[0].start == 0 && e[0].end == 0xfff && e[0].depth == 0);
		CHECK(!strcmp(e[2].name, "Kernel code") && e[2].parent == 1);
		CHECK(!strcmp(e[3].name, "Soft Reserved") &&
		      e[3].start == 0x100000000ULL &&
		      e[3].end == 0x13fffffffULL);
		CHECK(!strcmp(e[4].name, "dax0.0") && e[4].parent == 3 &&
		      e[4].depth == 1);
		CHECK(!strcmp(e[5].name, "System RAM (kmem)") &&
		      e[5].parent == 4 && e[5].depth == 2);
		CHECK(e[6].depth == 0 && e[6].parent == -1 &&
		      e[6].end == 0x3807ffffffffULL);
	}
	free(e);

	n = spm_iomem_parse(hidden, &e, &line);
	CHECK(n == 2 && e[0].start == 0 && e[0].end == 0);
	free(e);

	n = spm_iomem_parse("", &e, &line);
	CHECK(n == 0);
	free(e);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		line = 0;
		n = spm_iomem_parse(bad[i], &e, &line);
		if (n != -EINVAL)
			fprintf(stderr, "iomem \"%s\" accepted\n", bad[i]);
		CHECK(n == -EINVAL && line == 1);
	}
}

static void test_meminfo(void)
{
	uint64_t total = 0, free_b = 0;

	CHECK(spm_meminfo_parse("Node 2 MemTotal:        1048576 kB\n"
				"Node 2 MemFree:          1040384 kB\n"
				"Node 2 HugePages_Total:     0\n",
				&total, &free_b) == 0);
	CHECK(total == 1048576ULL * 1024 && free_b == 1040384ULL * 1024);
	CHECK(spm_meminfo_parse("Node 0 MemTotal: 0 kB\nNode 0 MemFree: 0 kB",
				&total, &free_b) == 0 &&
	      total == 0 && free_b == 0);
	CHECK(spm_meminfo_parse("Node 0 MemTotal: 5 kB\n", &total, &free_b) ==
	      -ENODATA);
	CHECK(spm_meminfo_parse("", &total, &free_b) == -ENODATA);
}

static struct spm_ctx *open_fixture(const char *name)
{
	char root[4096];
	struct spm_ctx *ctx;
	const char *dir = getenv("SPM_FIXTURES");

	if (!dir)
		dir = "tests/fixtures";
	snprintf(root, sizeof(root), "%s/%s", dir, name);
	if (spm_new(&ctx) < 0)
		return NULL;
	spm_set_log_priority(ctx, LOG_CRIT);
	if (spm_set_root(ctx, root) < 0) {
		fprintf(stderr, "%s: %s\n", root, spm_get_last_error(ctx));
		spm_unref(ctx);
		return NULL;
	}
	return ctx;
}

static void test_hmem_kmem_offline(void)
{
	struct spm_ctx *ctx = open_fixture("hmem-kmem-offline");
	struct spm_dax *dax, *dax2;
	struct spm_block *b;
	struct spm_range *r;
	struct spm_node *n;
	unsigned long count = 0, id = 32;

	CHECK(ctx);
	if (!ctx)
		return;
	CHECK(spm_refresh(ctx) == 0);
	CHECK(!spm_root_is_live(ctx));
	CHECK(spm_kernel_has_spm(ctx));
	CHECK(spm_kernel_has_dax_spm(ctx));
	CHECK(spm_get_memory_block_size(ctx) == 0x8000000);
	CHECK(!strcmp(spm_get_auto_online_blocks(ctx), "offline"));
	CHECK(!strcmp(spm_get_cmdline_memhp_default_state(ctx), "offline"));
	CHECK(spm_get_cmdline_hmem_spm_node(ctx) == -1);
	CHECK(!strcmp(spm_get_online_policy(ctx), "contig-zones"));

	r = spm_range_get_first(ctx);
	CHECK(r && spm_range_get_start(r) == 0x100000000ULL &&
	      spm_range_get_size(r) == 1ULL << 30 &&
	      !strcmp(spm_range_get_dax_devname(r), "dax0.0") &&
	      spm_range_is_sysram(r) && !spm_range_get_next(r));

	dax = spm_dax_get_by_name(ctx, "dax0.0");
	CHECK(dax && spm_dax_get_mode(dax) == SPM_DAX_MODE_KMEM);
	CHECK(dax && spm_dax_get_spm_node(dax) == 0 &&
	      spm_dax_get_target_node(dax) == 2 &&
	      spm_dax_get_start(dax) == 0x100000000ULL &&
	      spm_dax_get_align(dax) == 2097152 &&
	      !strcmp(spm_dax_get_hmem(dax), "hmem.0") &&
	      !spm_dax_get_cxl_region(dax) &&
	      !strcmp(spm_dax_get_driver(dax), "kmem"));
	/* Lookups never write the error slot: a miss is an answer, and a
	 * failure reported before it must survive it (issue 15: "node2: no
	 * such node" replaced the real reason of a failed online). */
	CHECK(spm_set_root(ctx, "/nonexistent/spm-root") == -ENOENT);
	CHECK(!spm_dax_get_by_name(ctx, "dax9.9"));
	CHECK(!spm_node_get_by_id(ctx, 7));
	CHECK(!strcmp(spm_get_last_error(ctx),
		      "/nonexistent/spm-root: No such file or directory"));

	spm_dax_block_foreach (dax, b) {
		CHECK(spm_block_get_id(b) == id++);
		CHECK(spm_block_get_state(b) == SPM_BLOCK_OFFLINE);
		CHECK(!strcmp(spm_block_get_zone(b), "Normal"));
		CHECK(!strcmp(spm_block_get_valid_zones(b), "Normal Movable"));
		CHECK(spm_block_get_node(b) == 2 &&
		      spm_block_get_dax(b) == dax);
		CHECK(spm_block_is_removable(b) == 1);
		count++;
	}
	CHECK(count == 8);

	n = spm_node_get_by_id(ctx, 2);
	CHECK(n && !spm_node_is_spm(n) && !spm_node_has_memory(n) &&
	      !spm_node_has_cpu(n) && !strcmp(spm_node_get_cpulist(n), ""));
	CHECK(n && spm_node_get_distance(n, 0) == 20 &&
	      spm_node_get_distance(n, 2) == 10 &&
	      spm_node_get_distance(n, 7) == -1);
	n = spm_node_get_by_id(ctx, 0);
	CHECK(n && spm_node_has_cpu(n) && spm_node_get_memory_tier(n) == 4 &&
	      spm_node_get_mem_total(n) == 1048064ULL * 1024);
	count = 0;
	spm_node_block_foreach (n, b) {
		CHECK(!spm_block_get_dax(b));
		count++;
	}
	CHECK(count == 8);
	count = 0;
	spm_block_foreach (ctx, b)
		count++;
	CHECK(count == 24);

	/* The lifetime rule: the same objects, updated, after a refresh. */
	b = spm_dax_block_get_first(dax);
	CHECK(spm_refresh(ctx) == 0);
	dax2 = spm_dax_get_first(ctx);
	CHECK(dax2 == dax && spm_dax_block_get_first(dax) == b);
	CHECK(spm_dax_get_next(dax) == NULL);
	spm_unref(ctx);
}

static void test_cxl(void)
{
	struct spm_ctx *ctx = open_fixture("cxl-ram-region");
	struct spm_cxl_region *r;
	struct spm_dax *dax;

	CHECK(ctx);
	if (!ctx)
		return;
	CHECK(!spm_range_get_first(ctx));
	CHECK(!spm_hmem_get_first(ctx));
	r = spm_cxl_region_get_first(ctx);
	CHECK(r && !strcmp(spm_cxl_region_get_devname(r), "region0") &&
	      !strcmp(spm_cxl_region_get_mode(r), "ram") &&
	      spm_cxl_region_get_start(r) == 0x2000000000ULL &&
	      spm_cxl_region_get_size(r) == 1ULL << 30 &&
	      !strcmp(spm_cxl_region_get_dax_region(r), "dax_region0"));
	CHECK(r && spm_cxl_region_get_num_memdevs(r) == 2 &&
	      !strcmp(spm_cxl_region_get_memdev(r, 0), "mem0") &&
	      spm_cxl_region_get_memdev_serial(r, 0) == 0x5a1e0001 &&
	      !strcmp(spm_cxl_region_get_memdev(r, 1), "mem1") &&
	      spm_cxl_region_get_memdev_serial(r, 1) == 0x5a1e0002 &&
	      spm_cxl_region_get_memdev_serial(r, 2) == UINT64_MAX &&
	      !spm_cxl_region_get_memdev(r, -1));
	dax = spm_dax_get_first(ctx);
	CHECK(dax && !strcmp(spm_dax_get_cxl_region(dax), "region0") &&
	      !spm_dax_get_hmem(dax) && spm_dax_get_spm_node(dax) == 1);
	CHECK(spm_dax_block_get_first(dax) &&
	      spm_block_get_id(spm_dax_block_get_first(dax)) == 1024);
	CHECK(spm_node_is_spm(spm_node_get_by_id(ctx, 2)));
	spm_unref(ctx);
}

static void test_no_series(void)
{
	struct spm_ctx *ctx = open_fixture("no-series");
	struct spm_dax *dax;

	CHECK(ctx);
	if (!ctx)
		return;
	CHECK(!spm_kernel_has_spm(ctx) && !spm_kernel_has_dax_spm(ctx));
	dax = spm_dax_get_first(ctx);
	CHECK(dax && spm_dax_get_spm_node(dax) == -1);
	CHECK(spm_node_get_memory_tier(spm_node_get_by_id(ctx, 2)) == 22);
	spm_unref(ctx);
}

static void test_devdax(void)
{
	struct spm_ctx *ctx = open_fixture("devdax-idle");
	struct spm_dax *dax;

	CHECK(ctx);
	if (!ctx)
		return;
	dax = spm_dax_get_first(ctx);
	CHECK(dax && spm_dax_get_mode(dax) == SPM_DAX_MODE_DEVDAX &&
	      !spm_dax_block_get_first(dax));
	CHECK(!spm_node_get_by_id(ctx, 2));
	spm_unref(ctx);
}

static int hook_calls;

static int fail_hook(struct spm_ctx *ctx, const char *rel, const char *val,
		     void *data)
{
	hook_calls++;
	CHECK(!strcmp(rel, "sys/devices/system/memory/memory32/state"));
	return strcmp(val, "fail") ? 1 : -EBUSY;
}

static void test_io_errors(void)
{
	struct spm_ctx *ctx;
	char buf[64], expect[4096];
	uint64_t v;
	int rc;

	CHECK(spm_new(&ctx) == 0);
	spm_set_log_priority(ctx, LOG_CRIT);
	CHECK(spm_set_root(ctx, "/nonexistent/spm-root") == -ENOENT);
	CHECK(!strcmp(spm_get_last_error(ctx),
		      "/nonexistent/spm-root: No such file or directory"));
	spm_unref(ctx);

	ctx = open_fixture("hmem-kmem-offline");
	CHECK(ctx);
	if (!ctx)
		return;
	rc = spm_read_str(ctx, buf, sizeof(buf), "sys/bus/dax/devices/%s/nope",
			  "dax0.0");
	CHECK(rc == -ENOENT);
	snprintf(
		expect, sizeof(expect),
		"%s/sys/bus/dax/devices/dax0.0/nope: No such file or directory",
		spm_get_root(ctx));
	CHECK(!strcmp(spm_get_last_error(ctx), expect));
	CHECK(spm_read_u64(ctx, &v, "sys/bus/dax/devices/dax0.0/size") == 0 &&
	      v == 1ULL << 30);
	CHECK(spm_read_u64_hex(ctx, &v,
			       "sys/devices/system/memory/block_size_bytes") ==
		      0 &&
	      v == 0x8000000);
	CHECK(spm_read_u64(ctx, &v, "sys/bus/dax/devices/dax0.0/uevent") ==
	      -EINVAL);
	CHECK(strstr(spm_get_last_error(ctx), "not a number"));
	CHECK(spm_read_link_base(ctx, buf, sizeof(buf),
				 "sys/bus/dax/devices/dax0.0/driver") > 0 &&
	      !strcmp(buf, "kmem"));
	CHECK(spm_exists(ctx, "sys/devices/system/node/has_spm_memory"));
	CHECK(!spm_exists(ctx, "sys/devices/system/node/nope"));

	/* Writes go through the hook; a fixture file is never touched. */
	spm_set_write_hook(ctx, fail_hook, NULL);
	CHECK(spm_write_str(ctx, "online_movable",
			    "sys/devices/system/memory/memory32/state") == 0);
	CHECK(spm_write_str(ctx, "fail",
			    "sys/devices/system/memory/memory32/state") ==
	      -EBUSY);
	CHECK(strstr(spm_get_last_error(ctx),
		     "memory32/state: writing \"fail\": Device or resource "
		     "busy"));
	CHECK(hook_calls == 2);
	spm_set_write_hook(ctx, NULL, NULL);
	/* A real write to a directory fails with the kernel-style errno. */
	CHECK(spm_write_str(ctx, "1", "sys/devices/system/memory/memory32") ==
	      -EISDIR);
	spm_unref(ctx);
}

struct fixes {
	int findings, fixes_online;
};

static void count_finding(void *userdata, const struct spm_finding *f)
{
	struct fixes *x = userdata;

	x->findings++;
	if (f->fix && strstr(f->fix, "spmctl online"))
		x->fixes_online++;
}

/* Sources, states and findings, as a library consumer asks for them. */
static void test_sources(void)
{
	struct spm_ctx *ctx = open_fixture("synthetic-pmem-namespace");
	struct fixes x = { 0 };
	struct spm_dax *dax;

	dax = spm_dax_get_by_name(ctx, "dax0.0");
	CHECK(dax && spm_dax_get_source(dax) == SPM_DAX_SOURCE_PMEM);
	CHECK(!spm_dax_source_is_spm(spm_dax_get_source(dax)));
	CHECK(!strcmp(spm_dax_get_nd_region(dax), "region0"));
	CHECK(!spm_dax_get_cxl_region(dax) && !spm_dax_get_hmem(dax));
	CHECK(spm_dax_get_state(dax) == SPM_DAX_STATE_DEVDAX);
	/* persistent memory: no problem, and never a fix that onlines it */
	CHECK(spm_dax_diagnose(dax, count_finding, &x) == 0);
	CHECK(x.findings == 1 && x.fixes_online == 0);
	spm_unref(ctx);

	ctx = open_fixture("cxl-ram-region");
	dax = spm_dax_get_by_name(ctx, "dax0.0");
	CHECK(dax && spm_dax_get_source(dax) == SPM_DAX_SOURCE_CXL_RAM);
	CHECK(spm_dax_get_state(dax) == SPM_DAX_STATE_ISOLATED);
	spm_unref(ctx);

	ctx = open_fixture("synthetic-seed");
	dax = spm_dax_get_by_name(ctx, "dax0.1");
	CHECK(dax && spm_dax_get_source(dax) == SPM_DAX_SOURCE_HMEM);
	CHECK(spm_dax_get_state(dax) == SPM_DAX_STATE_SEED);
	memset(&x, 0, sizeof(x));
	CHECK(spm_diagnose(ctx, count_finding, &x) == 0);
	CHECK(x.fixes_online == 0);
	spm_unref(ctx);

	ctx = open_fixture("synthetic-udev-rule");
	CHECK(!strcmp(spm_get_onlining_udev_rule(ctx, 0),
		      "/usr/lib/udev/rules.d/40-redhat.rules:6"));
	CHECK(!strcmp(spm_get_onlining_udev_rule(ctx, 1),
		      "/etc/udev/rules.d/80-hotplug-mem.rules:1"));
	CHECK(!spm_get_onlining_udev_rule(ctx, 2));
	CHECK(!strcmp(spm_get_auto_online_source(ctx),
		      "memhp_default_state=offline on the kernel command line"));
	spm_unref(ctx);
}

static int no_write_hook(struct spm_ctx *ctx, const char *rel,
			 const char *val, void *data)
{
	(void)ctx, (void)rel, (void)val;
	(*(int *)data)++;
	return -EIO;
}

struct online_fixes {
	int problems, fixes;
	bool driver_finding;
};

static void note_fixes(void *userdata, const struct spm_finding *f)
{
	struct online_fixes *x = userdata;

	if (f->severity == SPM_SEV_PROBLEM)
		x->problems++;
	if (f->fix && (strstr(f->fix, "spmctl online") ||
		       strstr(f->fix, "spmctl offline")))
		x->fixes++;
	if (!strcmp(f->object, "node2") && f->severity == SPM_SEV_OK &&
	    strstr(f->reason, "isolated") &&
	    strstr(f->reason, "owned by driver test_spm"))
		x->driver_finding = true;
}

/* An SPM node that a driver (test_spm) owns, with no dax device. */
static void test_driver_owned(void)
{
	struct spm_ctx *ctx = open_fixture("synthetic-driver-owned");
	struct spm_op_result res = { .size = sizeof(res) };
	struct online_fixes x = { 0 };
	struct spm_node *n0, *n2;
	int writes = 0;

	CHECK(ctx);
	if (!ctx)
		return;
	spm_set_write_hook(ctx, no_write_hook, &writes);
	CHECK(!spm_dax_get_first(ctx));
	n0 = spm_node_get_by_id(ctx, 0);
	n2 = spm_node_get_by_id(ctx, 2);
	CHECK(n0 && n2 && spm_node_is_spm(n2));
	CHECK(spm_node_get_owner(n0) == SPM_NODE_OWNER_NONE);
	CHECK(!spm_node_get_driver(n0));
	CHECK(spm_node_get_owner(n2) == SPM_NODE_OWNER_DRIVER);
	CHECK(!strcmp(spm_node_owner_get_name(spm_node_get_owner(n2)),
		      "driver"));
	CHECK(spm_node_get_driver(n2) &&
	      !strcmp(spm_node_get_driver(n2), "test_spm"));
	CHECK(spm_node_check_ops(n0, &res) == 0 && res.err == 0 &&
	      res.check == SPM_CHECK_NONE && !res.message[0]);
	CHECK(spm_node_check_ops(n2, &res) == -EPERM && res.err == -EPERM);
	CHECK(res.check == SPM_CHECK_DRIVER_OWNED);
	CHECK(!strcmp(spm_check_get_name(res.check), "driver-owned"));
	CHECK(!strcmp(res.message,
		      "node2: memory owned by driver test_spm, not by a dax "
		      "device; spmctl does not online or offline it"));
	CHECK(!strcmp(spm_get_last_error(ctx), res.message));
	CHECK(spm_node_check_ops(n2, NULL) == -EPERM);
	CHECK(spm_node_check_ops(NULL, NULL) == -EINVAL);
	/* isolated, owned by the driver, and no fix that onlines or
	 * offlines anything */
	CHECK(spm_diagnose(ctx, note_fixes, &x) == 0);
	CHECK(x.problems == 0 && x.fixes == 0 && x.driver_finding);
	CHECK(writes == 0);
	spm_unref(ctx);

	/* dax devices' SPM node: spmctl's to act on */
	ctx = open_fixture("online-movable");
	CHECK(ctx);
	if (!ctx)
		return;
	n2 = spm_node_get_by_id(ctx, 2);
	CHECK(spm_node_get_owner(n2) == SPM_NODE_OWNER_DAX);
	CHECK(!spm_node_get_driver(n2));
	CHECK(spm_node_check_ops(n2, &res) == 0 &&
	      res.check == SPM_CHECK_NONE);
	spm_unref(ctx);
}

int main(void)
{
	test_bitlist();
	test_iomem();
	test_meminfo();
	test_hmem_kmem_offline();
	test_cxl();
	test_no_series();
	test_devdax();
	test_io_errors();
	test_sources();
	test_driver_owned();
	if (failures)
		fprintf(stderr, "%d check(s) failed\n", failures);
	return failures ? 1 : 0;
}
