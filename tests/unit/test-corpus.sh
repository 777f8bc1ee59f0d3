#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Every fixture of tests/fixtures (captured and synthetic-*) through
# list -j, doctor, online all --dry-run and apply --dry-run, compared
# byte for byte with tests/unit/expected/corpus/NAME.txt (stdout, stderr
# and exit status of each). SPM_UPDATE_EXPECTED=1 rewrites the files;
# review their diff.
. "$(dirname "$0")/common.sh"

exp=$unit_dir/expected/corpus
for dir in "$SPM_FIXTURES"/*/; do
	name=$(basename "$dir")
	[ -d "$dir/sys" ] || continue
	# a copy: a broken dry run must not damage the fixture
	rm -rf "$tmp/root"
	cp -a "${dir%/}" "$tmp/root"
	{
		for cmd in "list -j" "doctor" "online all --dry-run" \
			"apply --dry-run"; do
			echo "### spmctl $cmd"
			# shellcheck disable=SC2086
			run "$tmp/root" $cmd
			printf '%s\n' "$out"
			[ -n "$err" ] && printf 'stderr: %s\n' "$err"
			echo "exit $rc"
		done
	} >"$tmp/$name.txt" 2>&1
	if [ "${SPM_UPDATE_EXPECTED:-0}" = 1 ]; then
		mkdir -p "$exp"
		cp "$tmp/$name.txt" "$exp/$name.txt"
	elif ! diff -u "$exp/$name.txt" "$tmp/$name.txt"; then
		fail "$name differs from expected/corpus/$name.txt"
	fi
done
finish
