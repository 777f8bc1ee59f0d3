#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# lib/libspm.sym exports exactly the functions lib/spm/libspm.h declares.
set -u
top=${SPM_TESTS_SRC:?}/..
tmp=$(mktemp -d "${TMPDIR:-/tmp}/spm-sym.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
grep -v '^#define' "$top/lib/spm/libspm.h" | grep -o '\bspm_[a-z0-9_]*(' |
	tr -d '(' | grep -v '_foreach$' | sort -u >"$tmp/header"
sed -n 's/^[[:space:]]*\(spm_[a-z0-9_]*\);$/\1/p' "$top/lib/libspm.sym" | sort -u >"$tmp/sym"
if ! diff -u "$tmp/header" "$tmp/sym"; then
	echo "FAIL: libspm.sym and libspm.h disagree (- header only, + sym only)" >&2
	exit 1
fi
echo "PASS: test-sym.sh ($(wc -l <"$tmp/sym") functions)"
