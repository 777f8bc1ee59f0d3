// SPDX-License-Identifier: GPL-2.0-only
/*
 * Table-driven parser test: every tests/policy/configs/NAME.conf says in its
 * own comments which problems the parser must report:
 *
 *   #=> valid            no problem at all
 *   #=> 12: message      a problem at line 12
 *   #=> ^: message       a problem at the nearest line above that is not a
 *                        "#=>" line
 *
 * The parser must report exactly those, in that order (file order, line
 * order). The expectations are comments, so the parser itself skips them.
 * A case is added by writing a file; no code changes.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config-private.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc(n + 1);
		if (buf && fread(buf, 1, n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		if (buf)
			buf[n] = '\0';
		*len = n;
	}
	fclose(f);
	return buf;
}

/* Expected problems, as "LINE: message" strings, one per array slot. */
static int expectations(const char *buf, size_t len, char ***out, bool *valid)
{
	const char *line = buf, *end = buf + len, *nl;
	char **exp = NULL, tmp[2048];
	int n = 0, lineno = 0, last = 0;

	*valid = false;
	while (line < end) {
		nl = memchr(line, '\n', end - line);
		if (!nl)
			nl = end;
		lineno++;
		if (nl - line > 4 && strncmp(line, "#=> ", 4) == 0) {
			int l = (int)(nl - line - 4);
			const char *e = line + 4;

			if (l && e[l - 1] == '\r')
				l--;
			if (l == 5 && strncmp(e, "valid", 5) == 0) {
				*valid = true;
			} else {
				if (e[0] == '^')
					snprintf(tmp, sizeof(tmp), "%d%.*s",
						 last, l - 1, e + 1);
				else
					snprintf(tmp, sizeof(tmp), "%.*s", l,
						 e);
				exp = realloc(exp, (n + 1) * sizeof(*exp));
				exp[n++] = strdup(tmp);
			}
		} else {
			last = lineno;
		}
		line = nl + 1;
	}
	*out = exp;
	return n;
}

static int check_file(const char *dir, const char *name)
{
	char path[4096], got[2048], **exp;
	struct spm_config *config;
	int i, nexp, rc, failed = 0;
	size_t len;
	bool valid;
	char *buf;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	buf = slurp(path, &len);
	if (!buf) {
		fprintf(stderr, "%s: cannot read: %s\n", path, strerror(errno));
		return 1;
	}
	nexp = expectations(buf, len, &exp, &valid);
	if (!nexp && !valid) {
		fprintf(stderr, "%s: no '#=>' expectation in the file\n", name);
		failed = 1;
	}

	config = spm_config_new(NULL);
	rc = spm_config_parse_buffer(config, name, buf, len);
	if (rc != config->nproblems) {
		fprintf(stderr, "%s: parse returned %d for %d problems\n", name,
			rc, config->nproblems);
		failed = 1;
	}
	for (i = 0; i < config->nproblems || i < nexp; i++) {
		const char *want = i < nexp ? exp[i] : "(nothing)";

		if (i < config->nproblems) {
			struct spm_config_problem *pb = &config->problems[i];

			if (strcmp(pb->file, name) != 0) {
				fprintf(stderr, "%s: problem names file %s\n",
					name, pb->file);
				failed = 1;
			}
			snprintf(got, sizeof(got), "%d: %s", pb->line,
				 pb->message);
		} else {
			snprintf(got, sizeof(got), "(nothing)");
		}
		if (strcmp(got, want) != 0) {
			fprintf(stderr,
				"%s: problem %d\n  want: %s\n  got:  %s\n",
				name, i + 1, want, got);
			failed = 1;
		}
	}
	/* A valid file must also keep its rules: a dropped rule without a
	 * problem would be a silent bug. */
	if (valid && !config->nproblems && config->nrules == 0 &&
	    strstr(buf, "[device]")) {
		fprintf(stderr, "%s: valid file but no rule kept\n", name);
		failed = 1;
	}
	printf("%s %s: %d problems, %d rules\n", failed ? "FAIL" : "ok  ", name,
	       config->nproblems, config->nrules);

	spm_config_free(config);
	for (i = 0; i < nexp; i++)
		free(exp[i]);
	free(exp);
	free(buf);
	return failed;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	char *names[256];
	struct dirent *de;
	int n = 0, i, failed = 0;
	DIR *dir;

	if (argc != 2) {
		fprintf(stderr, "usage: %s CONFIG-DIR\n", argv[0]);
		return 2;
	}
	dir = opendir(argv[1]);
	if (!dir) {
		perror(argv[1]);
		return 1;
	}
	while ((de = readdir(dir)) && n < 256) {
		size_t l = strlen(de->d_name);

		if (l > 5 && strcmp(de->d_name + l - 5, ".conf") == 0)
			names[n++] = strdup(de->d_name);
	}
	closedir(dir);
	qsort(names, n, sizeof(names[0]), cmp);
	for (i = 0; i < n; i++) {
		failed |= check_file(argv[1], names[i]);
		free(names[i]);
	}
	if (!n) {
		fprintf(stderr, "no .conf files in %s\n", argv[1]);
		return 1;
	}
	return failed;
}
