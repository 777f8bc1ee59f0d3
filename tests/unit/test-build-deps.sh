#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Every dependency() of the build is used by a target, and json-c has the
# version floor json_object_new_uint64() needs (issue 15: numa, libdaxctl
# and libcxl were required and never used).
set -u
top=${SPM_TESTS_SRC:?}/..
failed=0
for dep in $(sed -n "s/^\([a-z_]*_dep\) = dependency(.*/\1/p" "$top/meson.build"); do
	uses=$(grep -l "\b$dep\b" "$top"/*/meson.build "$top"/tests/*/meson.build 2>/dev/null |
		wc -l)
	if [ "$uses" -eq 0 ]; then
		echo "FAIL: $dep is declared in meson.build but no target uses it" >&2
		failed=1
	fi
done
grep -q "dependency('json-c', version : '>= 0.14')" "$top/meson.build" || {
	echo "FAIL: json-c has no version floor (json_object_new_uint64 needs 0.14)" >&2
	failed=1
}
[ "$failed" = 0 ] && echo "PASS: test-build-deps.sh"
exit "$failed"
