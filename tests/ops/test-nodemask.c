// SPDX-License-Identifier: GPL-2.0-only
/* spm_nodemask_*: parsing in numactl's syntax, formatting, bounds. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libspm-private.h"
#include "check.h"
#include "fixture.h"

static void quiet_log(struct spm_ctx *ctx, int priority, const char *file,
		      int line, const char *fn, const char *format,
		      va_list args)
{
	(void)ctx, (void)priority, (void)file, (void)line, (void)fn;
	(void)format, (void)args;
}

static struct spm_ctx *ctx_for(const char *root)
{
	struct spm_ctx *ctx;

	if (spm_new(&ctx) < 0 || spm_set_root(ctx, root) < 0)
		abort();
	spm_set_log_fn(ctx, quiet_log);
	return ctx;
}

static void expect_ok(struct spm_ctx *ctx, const char *in, const char *out)
{
	struct spm_nodemask m;
	char buf[256];
	int rc;

	rc = spm_nodemask_parse(ctx, in, &m);
	CHECK(rc == 0, "\"%s\": %d %s", in, rc, spm_get_last_error(ctx));
	if (rc)
		return;
	spm_nodemask_format(&m, buf, sizeof(buf));
	CHECK(!strcmp(buf, out), "\"%s\" -> \"%s\", want \"%s\"", in, buf, out);
}

static void expect_err(struct spm_ctx *ctx, const char *in, int err,
		       const char *msg)
{
	struct spm_nodemask m;
	int rc;

	memset(&m, 0xff, sizeof(m));
	rc = spm_nodemask_parse(ctx, in, &m);
	CHECK(rc == err, "\"%s\": rc %d want %d (%s)", in, rc, err,
	      spm_get_last_error(ctx));
	CHECK(spm_nodemask_weight(&m) == 0, "\"%s\": mask not cleared", in);
	if (msg)
		CHECK(strstr(spm_get_last_error(ctx), msg) != NULL,
		      "\"%s\": message \"%s\" lacks \"%s\"", in,
		      spm_get_last_error(ctx), msg);
}

static void test_helpers(void)
{
	struct spm_nodemask m;
	char buf[16];
	int rc;

	spm_nodemask_zero(&m);
	CHECK(spm_nodemask_weight(&m) == 0, "zero");
	CHECK(spm_nodemask_format(&m, buf, sizeof(buf)) == 0 && !buf[0],
	      "empty format");
	spm_nodemask_set(&m, -1);
	spm_nodemask_set(&m, SPM_MAX_NODES);
	CHECK(spm_nodemask_weight(&m) == 0, "out-of-range set ignored");
	CHECK(!spm_nodemask_isset(&m, -5) &&
		      !spm_nodemask_isset(&m, SPM_MAX_NODES),
	      "out-of-range isset");
	spm_nodemask_set(&m, 0);
	spm_nodemask_set(&m, 1);
	spm_nodemask_set(&m, 2);
	spm_nodemask_set(&m, 4);
	spm_nodemask_set(&m, 63);
	spm_nodemask_set(&m, 64);
	spm_nodemask_set(&m, 1023);
	CHECK(spm_nodemask_weight(&m) == 7, "weight");
	rc = spm_nodemask_format(&m, buf, sizeof(buf));
	CHECK(rc == -ENOSPC, "ENOSPC: %d %s", rc, buf);
	{
		char big[64];

		rc = spm_nodemask_format(&m, big, sizeof(big));
		CHECK(rc == (int)strlen("0-2,4,63-64,1023") &&
			      !strcmp(big, "0-2,4,63-64,1023"),
		      "format %s", big);
		/* exactly fitting */
		rc = spm_nodemask_format(&m, big,
					 strlen("0-2,4,63-64,1023") + 1);
		CHECK(rc > 0, "exact fit %d", rc);
		rc = spm_nodemask_format(&m, big, strlen("0-2,4,63-64,1023"));
		CHECK(rc == -ENOSPC, "one short %d", rc);
	}
	CHECK(spm_nodemask_format(&m, NULL, 0) == -ENOSPC, "NULL buf");
}

static void test_parse(const char *root)
{
	struct spm_ctx *ctx = ctx_for(root);
	char big[20000];

	/* has_memory 0-1 and has_spm_memory "" in hmem-kmem-offline: make
	 * node 2 an SPM node with memory, as after onlining */
	expect_ok(ctx, "2", "2");
	expect_ok(ctx, "0-2", "0-2");
	expect_ok(ctx, "0,2", "0,2");
	expect_ok(ctx, "2,0,1", "0-2");
	expect_ok(ctx, "1-1", "1");
	expect_ok(ctx, "all", "0-2");
	expect_ok(ctx, "spm", "2");
	expect_ok(ctx, "!2", "0-1");
	expect_ok(ctx, "!0-1", "2");
	expect_ok(ctx, "!spm", "0-1");
	expect_ok(ctx, "spm,0", "0,2");
	expect_ok(ctx, "002", "2");

	expect_err(ctx, NULL, -EINVAL, "no node list");
	expect_err(ctx, "", -EINVAL, "empty node list");
	expect_err(ctx, "x", -EINVAL, "bad entry \"x\"");
	expect_err(ctx, "1,x", -EINVAL, "bad entry \"x\"");
	expect_err(ctx, "1,", -EINVAL, "trailing");
	expect_err(ctx, ",1", -EINVAL, "empty entry");
	expect_err(ctx, "1,,2", -EINVAL, "empty entry");
	expect_err(ctx, "2-1", -EINVAL, "descending range \"2-1\"");
	expect_err(ctx, "-1", -EINVAL, "bad entry \"-1\"");
	expect_err(ctx, "1-", -EINVAL, "bad entry \"1-\"");
	expect_err(ctx, "1-2-3", -EINVAL, "bad entry");
	expect_err(ctx, "+1", -EINVAL, "bad entry \"+1\"");
	expect_err(ctx, " 1", -EINVAL, "bad entry");
	expect_err(ctx, "1 ", -EINVAL, "bad entry");
	expect_err(ctx, "1\n", -EINVAL, "bad entry");
	expect_err(ctx, "0x1", -EINVAL, "bad entry \"0x1\"");
	expect_err(ctx, "1024", -EINVAL, "out of range");
	expect_err(ctx, "0-1024", -EINVAL, "out of range");
	expect_err(ctx, "99999999999999999999999", -EINVAL, "out of range");
	expect_err(ctx, "!", -EINVAL, "nothing after");
	expect_err(ctx, "!!1", -EINVAL, "bad entry \"!1\"");
	expect_err(ctx, "1!", -EINVAL, "bad entry");
	expect_err(ctx, "all-2", -EINVAL, "bad entry");
	expect_err(ctx, "ALL", -EINVAL, "bad entry");
	expect_err(ctx, "!all", -EINVAL, "selects no node");
	expect_err(ctx, "5", -ENODEV, "node 5 does not exist");
	expect_err(ctx, "1-5", -ENODEV, "node 5 does not exist");
	expect_err(ctx, "3-2", -EINVAL, "descending");
	memset(big, '1', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	expect_err(ctx, big, -EINVAL, "longer than");
	/* a long bad token is quoted, but shortened */
	big[100] = 'x';
	big[101] = '\0';
	expect_err(ctx, big, -EINVAL, "...");
	CHECK(strlen(spm_get_last_error(ctx)) < 200, "long message: %s",
	      spm_get_last_error(ctx));
	spm_unref(ctx);
}

static void test_no_series(const char *root)
{
	struct spm_ctx *ctx = ctx_for(root);

	expect_err(ctx, "spm", -EOPNOTSUPP, "no has_spm_memory");
	expect_ok(ctx, "all", "0-1");
	spm_unref(ctx);
}

static void put_file(const char *root, const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
}

int main(void)
{
	char tmpl[] = "/tmp/spm-nodemask-XXXXXX", root[256];

	if (!mkdtemp(tmpl))
		abort();
	test_helpers();

	snprintf(root, sizeof(root), "%s/online", tmpl);
	if (fix_create(root, "synthetic-online-movable"))
		abort();
	test_parse(root);
	/* nothing in has_spm_memory: "spm" selects no node */
	put_file(root, "sys/devices/system/node/has_spm_memory", "\n");
	{
		struct spm_ctx *ctx = ctx_for(root);

		expect_err(ctx, "spm", -EINVAL, "selects no node");
		spm_unref(ctx);
	}

	snprintf(root, sizeof(root), "%s/noseries", tmpl);
	if (fix_create(root, "synthetic-no-series"))
		abort();
	test_no_series(root);

	fix_remove(tmpl);
	return check_report();
}
