// SPDX-License-Identifier: GPL-2.0-only
/*
 * spm.conf API tests: rule contents and order, the file set (spm.conf, then
 * conf.d in byte order, only *.conf), --config replacing it, problems with
 * whole files, rules checked across files, and the public load/check calls
 * on a context whose root is a scratch directory.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config-private.h"

static int failures;

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, \
				__LINE__, #cond);                              \
			failures++;                                            \
		}                                                              \
	} while (0)
#define CHECK_STR(a, b)                                                    \
	do {                                                               \
		const char *_a = (a), *_b = (b);                           \
		if (!_a || !_b || strcmp(_a, _b) != 0) {                   \
			fprintf(stderr, "%s:%d: '%s' != '%s'\n", __FILE__, \
				__LINE__, _a ? _a : "(null)",              \
				_b ? _b : "(null)");                       \
			failures++;                                        \
		}                                                          \
	} while (0)

static char root[] = "/tmp/spm-test-config.XXXXXX";

static void put(const char *rel, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
}

static void mkdirs(const char *rel)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (mkdir(path, 0755) && errno != EEXIST) {
		perror(path);
		exit(1);
	}
}

static struct spm_config *read_root(void)
{
	struct spm_config *config = spm_config_new(NULL);

	CHECK(spm_config_read(config, root, NULL) >= 0);
	return config;
}

static void problems_are(struct spm_config *config, const char *const *want)
{
	char got[1024];
	int i;

	for (i = 0; want[i] || i < config->nproblems; i++) {
		if (i < config->nproblems)
			snprintf(got, sizeof(got), "%s:%d: %s",
				 config->problems[i].file,
				 config->problems[i].line,
				 config->problems[i].message);
		else
			snprintf(got, sizeof(got), "(nothing)");
		CHECK_STR(got, want[i] ? want[i] : "(nothing)");
		if (!want[i])
			break;
	}
}

static void test_rule_contents(void)
{
	static const char text[] = "[device]\n"
				   "name = hbm\n"
				   "match-range = 4G+1G\n"
				   "match-node = 2\n"
				   "action = isolate\n"
				   "zone = kernel\n"
				   "[device]\n"
				   "match-cxl-serial = 0x20, 16\n"
				   "match-hmem = hmem.3\n"
				   "action = sysram\n"
				   "allow-sysram = yes\n"
				   "[device]\n"
				   "match-range = 0x100-0x1ff\n"
				   "action = devdax\n";
	struct spm_config *config = spm_config_new(NULL);
	struct spm_rule *r;

	CHECK(spm_config_parse_buffer(config, "t.conf", text,
				      sizeof(text) - 1) == 0);
	r = spm_rule_get_first(config);
	CHECK(r != NULL);
	if (!r)
		goto out;
	CHECK_STR(spm_rule_get_name(r), "hbm");
	CHECK_STR(spm_rule_get_location(r), "t.conf:1");
	CHECK_STR(spm_rule_get_match(r),
		  "range 0x100000000-0x13fffffff, node 2");
	CHECK(spm_rule_get_action(r) == SPM_ACTION_ISOLATE);
	CHECK(spm_rule_get_zone(r) == SPM_ZONE_KERNEL);
	CHECK(r->start == 0x100000000ULL && r->end == 0x13fffffffULL);

	r = spm_rule_get_next(r);
	CHECK(r && spm_rule_get_name(r) == NULL);
	if (!r)
		goto out;
	CHECK_STR(spm_rule_get_location(r), "t.conf:7");
	/* Serials are kept sorted, and printed in hex whatever was written. */
	CHECK_STR(spm_rule_get_match(r), "hmem hmem.3, cxl-serial 0x10,0x20");
	CHECK(spm_rule_get_action(r) == SPM_ACTION_SYSRAM);
	CHECK(spm_rule_get_zone(r) == SPM_ZONE_MOVABLE);

	r = spm_rule_get_next(r);
	CHECK(r && spm_rule_get_action(r) == SPM_ACTION_DEVDAX);
	CHECK(r && spm_rule_get_next(r) == NULL);
out:
	spm_config_free(config);
	CHECK(spm_rule_get_first(NULL) == NULL);
	CHECK_STR(spm_action_get_name(SPM_ACTION_IGNORE), "ignore");
	CHECK_STR(spm_action_get_name(SPM_ACTION_NONE), "none");
}

/* user-numa is three-valued: yes, no, or not given (kept as found). */
static void test_user_numa(void)
{
	static const char text[] = "[device]\n"
				   "match-node = 2\n"
				   "action = isolate\n"
				   "user-numa = true\n"
				   "[device]\n"
				   "match-node = 3\n"
				   "action = isolate\n"
				   "user-numa = off\n"
				   "[device]\n"
				   "match-node = 4\n"
				   "action = isolate\n";
	static const char bad[] = "[device]\n"
				  "match-node = 2\n"
				  "action = devdax\n"
				  "user-numa = yes\n";
	static const char *const bad_problems[] = {
		"b.conf:4: user-numa only goes with action = isolate, not devdax",
		NULL,
	};
	struct spm_config *config = spm_config_new(NULL);
	struct spm_rule *r;

	CHECK(spm_config_parse_buffer(config, "t.conf", text,
				      sizeof(text) - 1) == 0);
	r = spm_rule_get_first(config);
	CHECK(r && spm_rule_get_user_numa(r) == 1);
	r = r ? spm_rule_get_next(r) : NULL;
	CHECK(r && spm_rule_get_user_numa(r) == 0);
	r = r ? spm_rule_get_next(r) : NULL;
	CHECK(r && spm_rule_get_user_numa(r) == -1);
	spm_config_free(config);

	config = spm_config_new(NULL);
	CHECK(spm_config_parse_buffer(config, "b.conf", bad, sizeof(bad) - 1) ==
	      1);
	CHECK(config->nrules == 0);
	problems_are(config, bad_problems);
	spm_config_free(config);
}

static void test_files(void)
{
	struct spm_config *config;
	struct spm_rule *r;
	char path[4096];
	int i;

	/* No /etc/spm at all: valid and empty. */
	config = read_root();
	CHECK(config->nproblems == 0 && config->nrules == 0);
	spm_config_free(config);

	mkdirs("etc");
	mkdirs("etc/spm");
	mkdirs("etc/spm/conf.d");
	put("etc/spm/spm.conf", "[device]\nname = main\nmatch-node = 1\n"
				"action = isolate\n");
	/* Byte order: "10-" sorts before "9-" and "B" before "a". */
	put("etc/spm/conf.d/9-late.conf",
	    "[device]\nname = nine\nmatch-node = 9\naction = devdax\n");
	put("etc/spm/conf.d/10-early.conf",
	    "[device]\nname = ten\nmatch-node = 10\naction = devdax\n");
	put("etc/spm/conf.d/B.conf",
	    "[device]\nname = B\nmatch-node = 11\naction = devdax\n");
	put("etc/spm/conf.d/a.conf",
	    "[device]\nname = a\nmatch-node = 12\naction = devdax\n");
	/* Not read: hidden, wrong suffix, backups. */
	put("etc/spm/conf.d/.hidden.conf", "garbage\n");
	put("etc/spm/conf.d/x.conf~", "garbage\n");
	put("etc/spm/conf.d/x.conf.dpkg-old", "garbage\n");
	put("etc/spm/conf.d/README", "garbage\n");
	put("etc/spm/conf.d/.conf", "garbage\n");

	config = read_root();
	CHECK(config->nproblems == 0);
	{
		static const char *const order[] = { "main", "ten", "nine", "B",
						     "a" };

		i = 0;
		spm_rule_foreach (config, r) {
			CHECK(i < 5);
			if (i < 5)
				CHECK_STR(spm_rule_get_name(r), order[i]);
			i++;
		}
		CHECK(i == 5);
	}
	r = spm_rule_get_first(config);
	CHECK(r &&
	      strcmp(spm_rule_get_location(r), "/etc/spm/spm.conf:1") == 0);
	spm_config_free(config);

	/* Across files: names and shadowing name the other file. */
	put("etc/spm/conf.d/b.conf",
	    "[device]\nname = main\nmatch-node = 1\nmatch-hmem = hmem.0\n"
	    "action = devdax\n");
	config = read_root();
	{
		static const char *const want[] = {
			"/etc/spm/conf.d/b.conf:2: name 'main' is already used by the rule at /etc/spm/spm.conf:1",
			NULL
		};
		problems_are(config, want);
	}
	spm_config_free(config);
	put("etc/spm/conf.d/b.conf",
	    "[device]\nmatch-node = 1\nmatch-hmem = hmem.0\n"
	    "action = devdax\n");
	config = read_root();
	{
		static const char *const want[] = {
			"/etc/spm/conf.d/b.conf:1: rule can never match: the rule at /etc/spm/spm.conf:1 comes first and matches every device this one does",
			NULL
		};
		problems_are(config, want);
	}
	spm_config_free(config);

	/* Whole-file problems have line 0; the other files are still read. */
	snprintf(path, sizeof(path), "%s/etc/spm/conf.d/b.conf", root);
	unlink(path);
	mkdirs("etc/spm/conf.d/dir.conf");
	{
		char *big = malloc(SPM_CONFIG_FILE_MAX + 2);

		memset(big, '#', SPM_CONFIG_FILE_MAX + 1);
		big[SPM_CONFIG_FILE_MAX + 1] = '\0';
		put("etc/spm/conf.d/big.conf", big);
		free(big);
	}
	config = read_root();
	{
		static const char *const want[] = {
			"/etc/spm/conf.d/big.conf:0: larger than 1048576 bytes",
			"/etc/spm/conf.d/dir.conf:0: not a regular file", NULL
		};
		problems_are(config, want);
	}
	CHECK(config->nrules == 5);
	spm_config_free(config);
	snprintf(path, sizeof(path), "%s/etc/spm/conf.d/big.conf", root);
	unlink(path);
	snprintf(path, sizeof(path), "%s/etc/spm/conf.d/dir.conf", root);
	rmdir(path);

	/* A link to /dev/null masks a file: no rule, no problem. */
	snprintf(path, sizeof(path), "%s/etc/spm/conf.d/masked.conf", root);
	CHECK(symlink("/dev/null", path) == 0);
	config = read_root();
	CHECK(config->nproblems == 0 && config->nrules == 5);
	spm_config_free(config);
	unlink(path);

	/* --config: only that file, a plain path; a missing one is a
	 * problem, unlike a missing spm.conf. */
	snprintf(path, sizeof(path), "%s/other.conf", root);
	put("other.conf", "[device]\nname = only\nmatch-node = 3\n"
			  "action = ignore\n");
	config = spm_config_new(NULL);
	CHECK(spm_config_read(config, root, path) == 0);
	r = spm_rule_get_first(config);
	CHECK(r && strcmp(spm_rule_get_name(r), "only") == 0 &&
	      spm_rule_get_next(r) == NULL);
	spm_config_free(config);

	snprintf(path, sizeof(path), "%s/missing.conf", root);
	config = spm_config_new(NULL);
	CHECK(spm_config_read(config, root, path) == 1);
	CHECK(config->nproblems == 1 && config->problems[0].line == 0 &&
	      strcmp(config->problems[0].message,
		     "cannot read: No such file or directory") == 0);
	spm_config_free(config);
}

static void test_give_up(void)
{
	struct spm_config *config = spm_config_new(NULL);
	char text[600];
	int i;

	/* 150 bad lines, then a rule: the parser stops after 100 problems
	 * in one file and says so, instead of flooding the output. */
	for (i = 0; i < 150; i++)
		memcpy(text + 2 * i, "x\n", 2);
	strcpy(text + 300, "[device]\nmatch-node = 1\naction = isolate\n");
	CHECK(spm_config_parse_buffer(config, "t.conf", text, strlen(text)) ==
	      101);
	CHECK(config->nproblems == 101 && config->problems[100].line == 100);
	CHECK_STR(config->problems[100].message,
		  "too many problems, giving up on this file");
	CHECK(config->nrules == 0);
	spm_config_free(config);
}

struct seen {
	int n;
	char text[4][512];
};

static void collect(void *userdata, const char *file, int line,
		    const char *message)
{
	struct seen *s = userdata;

	if (s->n < 4)
		snprintf(s->text[s->n], sizeof(s->text[0]), "%s:%d: %s", file,
			 line, message);
	s->n++;
}

/* The public calls, on a context whose root is the scratch tree. */
static void test_public(void)
{
	struct spm_config *config = (void *)1;
	struct spm_ctx *ctx;
	struct seen seen = { 0 };
	char err[512];

	if (spm_new(&ctx) < 0) {
		fprintf(stderr, "spm_new failed\n");
		failures++;
		return;
	}
	spm_set_log_priority(ctx, 0); /* the problems are expected */
	CHECK(spm_set_root(ctx, root) == 0);

	CHECK(spm_config_check(ctx, NULL, collect, &seen) == 0);
	CHECK(seen.n == 0);
	CHECK(spm_config_load(ctx, NULL, &config, NULL, 0) == 0 && config);
	CHECK(config && config->nrules == 5);
	spm_config_free(config);

	put("etc/spm/conf.d/z.conf", "[device]\nmatch-node = x\n"
				     "action = isolate\nbogus = 1\n");
	CHECK(spm_config_check(ctx, NULL, collect, &seen) == 2);
	CHECK(seen.n == 2);
	CHECK_STR(
		seen.text[0],
		"/etc/spm/conf.d/z.conf:2: match-node 'x' is not a node number (0 to 1023)");
	CHECK_STR(seen.text[1],
		  "/etc/spm/conf.d/z.conf:4: unknown key 'bogus'");
	config = (void *)1;
	CHECK(spm_config_load(ctx, NULL, &config, err, sizeof(err)) ==
	      -EINVAL);
	CHECK(config == NULL);
	CHECK_STR(
		err,
		"/etc/spm/conf.d/z.conf:2: match-node 'x' is not a node number (0 to 1023) (and more problems)");
	spm_unref(ctx);
}

int main(void)
{
	char cmd[4200];

	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	test_rule_contents();
	test_user_numa();
	test_give_up();
	test_files();
	test_public();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", root);
	if (failures)
		fprintf(stderr, "%d checks failed\n", failures);
	return failures ? 1 : 0;
}
