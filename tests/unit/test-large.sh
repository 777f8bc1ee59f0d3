#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# test-large.sh TREE N: a tree of N blocks from tests/fixtures/gen-large.sh
# (generated into the build directory by meson), listed with the right
# counts. Without arguments the tree is generated here.
. "$(dirname "$0")/common.sh"

if [ $# -ge 2 ]; then
	large=$1
	n=$2
else
	n=8192
	large=$tmp/large
	sh "$unit_dir/../fixtures/gen-large.sh" $n "$large" ||
		fail "gen-large.sh $n"
fi

run "$large" list
expect_rc 0 "list large"
expect_in "$out" "blocks: $n ($n online: $n Movable; 0 offline)" "dax count"
expect_in "$out" "node2  SPM  no cpus" "SPM node"
expect_in "$out" "state isolated" "isolated"

# The JSON is megabytes: grep the file, not a shell variable.
rc=0
SPM_SYSFS_ROOT=$large "$SPMCTL" list -j --blocks >"$tmp/large.json" ||
	rc=$?
expect_rc 0 "list -j --blocks large"
grep -q "\"count\": $n," "$tmp/large.json" || fail "json count"
blocks=$(grep -c '"state": "online"' "$tmp/large.json")
[ "$blocks" = $((n + 16)) ] || fail "json block list has $blocks blocks"
last=$(grep '"id":' "$tmp/large.json" | tail -n 1)
expect_in "$last" "\"id\": $((32 + n - 1))" "last block id"

run "$large" doctor
expect_rc 0 "doctor large"
finish
