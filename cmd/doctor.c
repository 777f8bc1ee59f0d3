// SPDX-License-Identifier: GPL-2.0-only
/*
 * spmctl doctor: print libspm's findings (spm_diagnose(): for the kernel,
 * udev rules, ranges, every dax device and node, whether its memory is
 * isolated as an SPM node and, if not, why and what to run), as text or
 * JSON. The answers are the library's; this file only presents them.
 *
 * Findings are "ok", "note" (worth knowing, nothing to fix) or "problem";
 * the exit code is SPMCTL_EXIT_PROBLEMS when there is at least one problem.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>
#include <spm/libspm.h>

#include "builtin.h"
#include "discovery.h"

static const char doctor_usage[] =
	"usage: spmctl doctor [-j|--json]\n"
	"\n"
	"  -j, --json  print the findings as one JSON object\n"
	"  -h, --help  show this help\n"
	"\n"
	"Exit status 0 when nothing needs fixing, 6 when there are problems.\n";

struct doctor {
	bool json;
	struct json_object *findings;
	int problems, notes;
};

/* Print one of libspm's findings (spm_diagnose), or add it to the JSON. */
static void print_finding(void *userdata, const struct spm_finding *f)
{
	const char *sev = spm_severity_get_name(f->severity);
	struct doctor *dr = userdata;
	struct json_object *o;

	if (f->severity == SPM_SEV_PROBLEM)
		dr->problems++;
	else if (f->severity == SPM_SEV_NOTE)
		dr->notes++;
	if (!dr->json) {
		printf("%s: %s: %s", f->object, sev, f->reason);
		if (f->fix)
			printf("; fix: %s", f->fix);
		putchar('\n');
		return;
	}
	o = json_object_new_object();
	if (!o)
		return;
	spmctl_jadd(o, "object", json_object_new_string(f->object));
	spmctl_jadd(o, "severity", json_object_new_string(sev));
	spmctl_jadd(o, "reason", json_object_new_string(f->reason));
	if (f->fix)
		spmctl_jadd(o, "fix", json_object_new_string(f->fix));
	json_object_array_add(dr->findings, o);
}

int cmd_doctor(int argc, char **argv, struct spm_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct doctor dr = { 0 };
	struct json_object *top;
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			dr.json = true;
			break;
		case 'h':
			fputs(doctor_usage, stdout);
			return SPMCTL_EXIT_OK;
		default:
			return spmctl_bad_option("doctor", c, argv, doctor_usage);
		}
	}
	if (optind < argc) {
		spmctl_error("doctor", "unexpected argument '%s'",
			     argv[optind]);
		fputs(doctor_usage, stderr);
		return SPMCTL_EXIT_USAGE;
	}
	rc = spm_refresh(ctx);
	if (rc < 0) {
		spmctl_error("doctor", "%s", spm_get_last_error(ctx));
		return spmctl_exit_code(rc, SPM_CHECK_NONE);
	}
	if (dr.json) {
		dr.findings = json_object_new_array();
		if (!dr.findings) {
			spmctl_error("doctor", "%s", strerror(ENOMEM));
			return SPMCTL_EXIT_FAIL;
		}
	}

	rc = spm_diagnose(ctx, print_finding, &dr);
	if (rc < 0) {
		json_object_put(dr.findings);
		spmctl_error("doctor", "%s", spm_get_last_error(ctx));
		return spmctl_exit_code(rc, SPM_CHECK_NONE);
	}

	if (dr.json) {
		top = json_object_new_object();
		if (top) {
			json_object_object_add(
				top, "problems",
				json_object_new_int(dr.problems));
			json_object_object_add(top, "notes",
					       json_object_new_int(dr.notes));
			json_object_object_add(top, "findings", dr.findings);
			spmctl_print_json(top);
			json_object_put(top);
		} else {
			json_object_put(dr.findings);
		}
	} else if (dr.problems) {
		printf("%d problem%s found\n", dr.problems,
		       dr.problems == 1 ? "" : "s");
	} else {
		puts("no problems found");
	}
	return dr.problems ? SPMCTL_EXIT_PROBLEMS : SPMCTL_EXIT_OK;
}
