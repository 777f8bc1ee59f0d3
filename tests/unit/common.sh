# SPDX-License-Identifier: GPL-2.0-only
# Sourced by the tests/unit shell tests. $SPMCTL is the built binary and
# $SPM_FIXTURES the fixture directory (tests/meson.build).
set -u

: "${SPMCTL:?SPMCTL must name the spmctl binary}"
: "${SPM_FIXTURES:?SPM_FIXTURES must name the fixtures directory}"
unit_dir=$(cd "$(dirname "$0")" && pwd)
# Do not let the caller's environment change what spmctl prints.
unset SPM_LOG SPM_SYSFS_ROOT
failed=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/spm-unit.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL: $*" >&2
	failed=1
}

# run FIXTURE_OR_ROOT ARGS...: sets $out, $err, $rc
run() {
	root=$1
	shift
	case $root in
	/*) ;;
	*) root=$SPM_FIXTURES/$root ;;
	esac
	rc=0
	SPM_SYSFS_ROOT=$root "$SPMCTL" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

expect_rc() {
	[ "$rc" = "$1" ] || fail "$2: exit status $rc, expected $1 (stderr: $err)"
}

# expect_in TEXT NEEDLE WHAT
expect_in() {
	case $1 in
	*"$2"*) ;;
	*) fail "$3: \"$2\" not in output:
$1" ;;
	esac
}

expect_not_in() {
	case $1 in
	*"$2"*) fail "$3: \"$2\" unexpectedly in output:
$1" ;;
	*) ;;
	esac
}

finish() {
	[ "$failed" = 0 ] && echo "PASS: $(basename "$0")"
	exit "$failed"
}
