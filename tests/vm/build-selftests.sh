#!/bin/bash
# Build the kernel-tree tests that the VM runs, against the flavour's own
# exported UAPI headers:
#   - the series' SPM kselftests (tools/testing/selftests/mm/spm_*.c, and
#     test_spm.sh with spm-driver-tests for the driver API),
#   - the regressions named by the kernel issue: mm `migration`,
#     `ksm_tests` (ksm_numa category) and memory-hotplug/mem-on-off-test.sh,
#   - run_vmtests.sh, to run the `spm` category the way mm developers do.
# Called by build-kernel.sh with the flavour's output directory.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

flavour=$1
out=$2
src=$out/src
st=$out/selftests
mkdir -p "$st"
mm=$src/tools/testing/selftests/mm

targets=(migration ksm_tests)
if [ "${flavour%%+*}" = patched ]; then
	for f in "$mm"/spm_*.c; do
		[ -e "$f" ] || continue
		t=$(basename "$f" .c)
		# Helper sources (spm_util.c and the like) have no main().
		grep -q 'TEST_HARNESS_MAIN\|int main' "$f" && targets+=("$t")
	done
	# The driver API's tests (test_spm.sh runs them with the module).
	[ -f "$mm/spm-driver-tests.c" ] && targets+=(spm-driver-tests)
fi

log "building selftests for $flavour: ${targets[*]}"
if ! make -C "$mm" OUTPUT="$st" KHDR_INCLUDES="-isystem $out/hdr/include" \
	"${targets[@]/#/$st/}" >"$out/selftests.log" 2>&1; then
	tail -30 "$out/selftests.log" >&2
	die "selftest build failed (log: $out/selftests.log)"
fi
cp "$mm/run_vmtests.sh" "$st/"
[ -f "$mm/test_spm.sh" ] && cp "$mm/test_spm.sh" "$st/"
cp "$src/tools/testing/selftests/memory-hotplug/mem-on-off-test.sh" "$st/"
mkdir -p "$st/kselftest"
cp "$src/tools/testing/selftests/kselftest/ktap_helpers.sh" "$st/kselftest/" \
	2>/dev/null || true
