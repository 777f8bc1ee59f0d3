#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# spmctl gather takes every file libspm reads: each fixture, gathered and
# unpacked, gives the same list -j, doctor and online all --dry-run.
. "$(dirname "$0")/common.sh"

for dir in "$SPM_FIXTURES"/*/; do
	name=$(basename "$dir")
	[ -d "$dir/sys" ] || continue
	run "${dir%/}" gather "$tmp/$name.tar.gz"
	expect_rc 0 "gather $name"
	expect_in "$out" "$tmp/$name.tar.gz: " "gather $name says what it wrote"
	mkdir "$tmp/$name"
	tar -C "$tmp/$name" -xzf "$tmp/$name.tar.gz" || fail "unpack $name"
	for cmd in "list -j --blocks" "doctor -j" "online all --dry-run"; do
		# shellcheck disable=SC2086
		run "${dir%/}" $cmd
		want="$rc:$out:$err"
		# shellcheck disable=SC2086
		run "$tmp/$name" $cmd
		[ "$rc:$out:$err" = "$want" ] ||
			fail "$name: spmctl $cmd differs after gather and unpack"
	done
done
run hmem-kmem-offline gather
expect_rc 2 "gather without a file"
expect_in "$err" "spmctl gather: no output file given" "gather usage"
run hmem-kmem-offline gather "$tmp/no/such/dir/x.tar"
expect_rc 1 "gather into a missing directory"
expect_in "$err" "tar failed" "gather tar failure"
finish
