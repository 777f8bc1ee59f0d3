#!/bin/bash
# Release check: run the whole test command with every cache and scratch
# location the project uses pointed at a new, empty directory, so that a
# step which writes into a directory that only exists on a warm machine
# fails here instead of on CI's fresh machine (issue: the fuzz step once
# wrote into /var/tmp/spm/, which nothing created).
#
#   sudo bash tests/fresh-scratch.sh [DIR]
#
# DIR (default: a new mktemp -d under /var/tmp) must not exist or be empty.
# Every location below is what the scripts read from the environment; a new
# one must be added here too (the list is checked against the scripts).
# A cold run: both kernels build from scratch (about 40 minutes on 2 cores).
# Exits with tests/run-all.sh's status; DIR is removed on success.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)

root=${1:-$(mktemp -d /var/tmp/spm-fresh.XXXXXX)}
if [ -e "$root" ] && [ -n "$(ls -A "$root" 2>/dev/null)" ]; then
	echo "fresh-scratch: $root is not empty" >&2
	exit 2
fi
mkdir -p "$root" || exit 1

# The scratch variables the scripts take; keep in sync (checked below).
VARS="SPM_VM_WORK SPM_FUZZ_BUILD SPM_TEST_OUT CCACHE_DIR"
used=$(grep -rhoE '\$\{(SPM_[A-Z_]+|CCACHE_DIR):-/(var/)?tmp[^}]*\}' \
	--include='*.sh' "$TOP/tests" "$TOP/kernel-patches" "$TOP/demo.sh" |
	sed -E 's/^\$\{([A-Z_]+):-.*/\1/' | sort -u)
for v in $used; do
	case " $VARS " in
	*" $v "*) ;;
	*)
		echo "fresh-scratch: $v defaults to a path under /tmp or /var/tmp" \
			"but is not redirected here; add it to VARS" >&2
		exit 2
		;;
	esac
done

# Each location is a path that does not exist yet, inside $root: the
# scripts must create what they write to.
export SPM_VM_WORK=$root/vm
export SPM_FUZZ_BUILD=$root/fuzz/build
export SPM_TEST_OUT=$root/test-run/out
export CCACHE_DIR=$root/ccache
export CI=true
echo "fresh-scratch: every scratch location under $root"
bash "$TOP/tests/run-all.sh"
rc=$?
if [ $rc = 0 ]; then
	rm -rf "$root"
else
	echo "fresh-scratch: failed; kept $root" >&2
fi
exit $rc
