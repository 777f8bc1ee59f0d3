#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# spmctl list -j must match tests/unit/expected/*.json byte for byte.
. "$(dirname "$0")/common.sh"

check() {
	name=$1
	fixture=$2
	shift 2
	run "$fixture" list "$@"
	expect_rc 0 "list $* on $fixture"
	printf '%s\n' "$out" >"$tmp/$name.json"
	if ! diff -u "$unit_dir/expected/$name.json" "$tmp/$name.json"; then
		fail "list $* on $fixture differs from expected/$name.json"
	fi
}

# synthetic-user-numa: user_numa on the device and the node (spm-abi.md
# 7a); the captured fixtures are older kernels, where both are omitted.
# synthetic-driver-owned: node 2 "owner": "driver", "driver": "test_spm".
for f in hmem-kmem-offline devdax-idle online-movable mixed-zones \
	cxl-ram-region no-series synthetic-user-numa synthetic-driver-owned; do
	check "$f" "$f" -j
done
check hmem-kmem-offline-blocks hmem-kmem-offline -j --blocks
check online-movable-human online-movable --json --human
# The section options do not change the JSON (all keys always present).
check devdax-idle devdax-idle -j --nodes
finish
