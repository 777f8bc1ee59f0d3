#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# usage: tests/fuzz/run-fuzz.sh [SECONDS]
#
# Build the libFuzzer targets with clang in their own build directory (the
# whole library instrumented, ASan + UBSan, any UB is fatal) and run each
# for SECONDS (default 60). Prints executions and crashes per target, and
# exits non-zero on any crash, leak, timeout or out-of-memory.
#
# Environment: SPM_FUZZ_BUILD (default $SPM_VM_WORK/build-fuzz, that is
# /var/tmp/spmctl-vm/build-fuzz: the one scratch root of the test harness),
# SPM_FUZZ_JOBS for ninja (default 2).
set -u

secs=${1:-60}
case $secs in
'' | *[!0-9]*)
	echo "usage: $0 [SECONDS]" >&2
	exit 2
	;;
esac
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${SPM_FUZZ_BUILD:-${SPM_VM_WORK:-/var/tmp/spmctl-vm}/build-fuzz}
# The setup log goes beside the build directory: create its parent, which
# a fresh machine does not have.
mkdir -p "$(dirname "$build")" || exit 1
targets="config nodelist"

# The default build directory is shared by every checkout on the machine:
# one set up for another tree would fuzz that tree's code (and fail to
# regenerate once that tree is gone). Set it up again for this one.
info=$build/meson-info/meson-info.json
if [ -f "$info" ] && ! grep -qF "\"source\": \"$src\"" "$info"; then
	echo "$build was set up for another source tree: setting it up again" >&2
	rm -rf "$build"
fi

if [ ! -f "$build/build.ninja" ]; then
	# -fsanitize=fuzzer-no-link: coverage for the library too, not only
	# for the target files; b_lundef=false, as clang's sanitizers need.
	CC=clang meson setup "$build" "$src" \
		-Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args='-fsanitize=fuzzer-no-link -fno-sanitize-recover=all' \
		>"$build.setup.log" 2>&1 || {
		cat "$build.setup.log"
		exit 1
	}
fi
ninja -C "$build" -j"${SPM_FUZZ_JOBS:-2}" \
	$(for t in $targets; do echo "tests/fuzz/fuzz-$t"; done) >/dev/null || {
	echo "build failed" >&2
	exit 1
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export SPM_FIXTURES=$src/tests/fixtures
status=0
printf '%-10s %10s %8s %s\n' target execs crashes corpus
for t in $targets; do
	# New inputs go to the build directory; the seeds stay as they are.
	work=$build/fuzz-work/$t
	art=$build/fuzz-artifacts/$t
	mkdir -p "$work" "$art"
	rm -f "$art"/*
	log=$build/fuzz-$t.log
	"$build/tests/fuzz/fuzz-$t" -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 \
		-artifact_prefix="$art/" "$work" "$here/corpus-$t" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	crashes=$(find "$art" -type f | wc -l)
	if [ "$rc" != 0 ] && [ "$crashes" = 0 ]; then
		crashes=1 # died without an artifact: still a failure
	fi
	printf '%-10s %10s %8s %s\n' "$t" "${execs:-?}" "$crashes" \
		"$(find "$work" -type f | wc -l) inputs"
	if [ "$crashes" != 0 ]; then
		status=1
		echo "  log: $log"
		find "$art" -type f -printf '  artifact: %p\n'
		grep -m3 -E 'ERROR|runtime error|SUMMARY' "$log" | sed 's/^/  /'
	fi
done
exit $status
