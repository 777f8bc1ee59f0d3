#!/bin/bash
# Check the SPM node series patch by patch on a pristine Debian
# linux-source-6.12 tree: apply each entry of ./series with patch -p1, run
# checkpatch --strict on the patch file, and build bzImage incrementally after
# each patch with test.config merged on top of tinyconfig.
#
# usage: check-series.sh [options]
#   --tree DIR       pristine extracted tree to work on (it gets patched!)
#                    default: extract /usr/src/linux-source-6.12.tar.xz into
#                    a temporary directory
#   --tarball FILE   tarball to extract (default /usr/src/linux-source-6.12.tar.xz)
#   --build-dir DIR  out-of-tree build directory (default: <tmp>/build)
#   --no-build       only apply and checkpatch
#   --also-off       after the last patch, also build with CONFIG_SPM_NODE=n
#   --only-last      build only after the last patch (plus --also-off)
#   -j N             parallel jobs for make (default 2)
#   --keep           keep the temporary directory
#
# Exit status: non-zero if a patch does not apply, checkpatch reports an
# error, or a build fails. checkpatch warnings/checks are reported, not fatal.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TARBALL=/usr/src/linux-source-6.12.tar.xz
TREE=
BUILD=
DO_BUILD=1
ALSO_OFF=0
ONLY_LAST=0
JOBS=2
KEEP=0

while [ $# -gt 0 ]; do
	case "$1" in
	--tree) TREE=$2; shift 2 ;;
	--tarball) TARBALL=$2; shift 2 ;;
	--build-dir) BUILD=$2; shift 2 ;;
	--no-build) DO_BUILD=0; shift ;;
	--also-off) ALSO_OFF=1; shift ;;
	--only-last) ONLY_LAST=1; shift ;;
	-j) JOBS=$2; shift 2 ;;
	-j*) JOBS=${1#-j}; shift ;;
	--keep) KEEP=1; shift ;;
	-h|--help) sed -n '2,20p' "$0"; exit 0 ;;
	*) echo "unknown option: $1" >&2; exit 2 ;;
	esac
done

SERIES=$HERE/series
CONFIG_FRAGMENT=$HERE/test.config
[ -f "$SERIES" ] || { echo "no series file in $HERE" >&2; exit 2; }
[ -f "$CONFIG_FRAGMENT" ] || { echo "no test.config in $HERE" >&2; exit 2; }

TMP=$(mktemp -d /var/tmp/spm-check.XXXXXX)
cleanup() {
	if [ "$KEEP" = 1 ]; then
		echo "kept $TMP"
	else
		rm -rf "$TMP"
	fi
}
trap cleanup EXIT

if [ -z "$TREE" ]; then
	if [ ! -f "$TARBALL" ]; then
		echo "no kernel tarball at $TARBALL: install Debian's linux-source-6.12 (apt-get install linux-source-6.12) or pass --tarball" >&2
		exit 2
	fi
	echo "extracting $TARBALL ..."
	# $TMP/src and $TMP/build, the layout of tests/vm/build-kernel.sh:
	# with CCACHE_BASEDIR=$TMP the compiler sees the same relative paths
	# there and here, so the two share one compiler cache.
	mkdir -p "$TMP/src"
	tar -C "$TMP/src" -xJf "$TARBALL" --strip-components=1
	TREE=$TMP/src
	[ -f "$TREE/Makefile" ] || { echo "no kernel tree in $TARBALL" >&2; exit 2; }
	[ -n "$BUILD" ] || BUILD=$TMP/build
	export CCACHE_BASEDIR=$TMP
fi
TREE=$(cd "$TREE" && pwd)
[ -f "$TREE/Makefile" ] && [ -f "$TREE/scripts/checkpatch.pl" ] ||
	{ echo "$TREE is not a kernel tree" >&2; exit 2; }
[ -n "$BUILD" ] || BUILD=$TMP/build
mkdir -p "$BUILD"
BUILD=$(cd "$BUILD" && pwd)
LOGS=$TMP/logs
mkdir -p "$LOGS"

# The VM harness's compiler cache (tests/vm/lib.sh: $WORK/ccache).
export CCACHE_DIR=${CCACHE_DIR:-${SPM_VM_WORK:-/var/tmp/spmctl-vm}/ccache}
CC_ARG=()
if command -v ccache >/dev/null; then
	CC_ARG=(CC="ccache gcc")
fi

configure() {	# $1: y or n for CONFIG_SPM_NODE
	make -s -C "$TREE" O="$BUILD" tinyconfig >/dev/null
	"$TREE/scripts/kconfig/merge_config.sh" -m -O "$BUILD" \
		"$BUILD/.config" "$CONFIG_FRAGMENT" >/dev/null
	if [ "$1" = n ]; then
		sed -i -e '/^CONFIG_SPM_NODE=/d' -e '/^CONFIG_SPM_NODE_KUNIT_TEST=/d' \
			"$BUILD/.config"
		echo '# CONFIG_SPM_NODE is not set' >> "$BUILD/.config"
	fi
	make -s -C "$TREE" O="$BUILD" olddefconfig >/dev/null
}

build() {	# $1: log name
	if make -C "$TREE" O="$BUILD" -j"$JOBS" "${CC_ARG[@]}" bzImage \
		> "$LOGS/$1.log" 2>&1; then
		if grep -q ': warning: ' "$LOGS/$1.log"; then
			echo "build-warnings"
		else
			echo "build-ok"
		fi
	else
		echo "BUILD-FAILED"
	fi
}

FAIL=0
declare -a SUMMARY=()
mapfile -t PATCHES < <(grep -v '^[[:space:]]*\(#\|$\)' "$SERIES")
NPATCH=${#PATCHES[@]}
[ "$NPATCH" -gt 0 ] || { echo "empty series" >&2; exit 2; }


i=0
for p in "${PATCHES[@]}"; do
	i=$((i + 1))
	pf=$HERE/$p
	[ -f "$pf" ] || { echo "missing $pf" >&2; exit 2; }

	if ! (cd "$TREE" && patch -p1 -s --no-backup-if-mismatch -f < "$pf") \
		> "$LOGS/$i-apply.log" 2>&1; then
		SUMMARY+=("$(printf '%02d %-60s APPLY-FAILED' "$i" "$p")")
		cat "$LOGS/$i-apply.log" >&2
		FAIL=1
		break
	fi

	cp_out=$(cd "$TREE" && perl scripts/checkpatch.pl --strict --no-color \
		--showfile "$pf" 2>&1 || true)
	echo "$cp_out" > "$LOGS/$i-checkpatch.log"
	totals=$(echo "$cp_out" | sed -n 's/^total: \([0-9]*\) errors, \([0-9]*\) warnings, \([0-9]*\) checks.*/\1 \2 \3/p' | tail -1)
	read -r errs warns checks <<< "${totals:-? ? ?}"
	if [ "$errs" != 0 ]; then
		FAIL=1
	fi

	bres=skipped
	if [ "$DO_BUILD" = 1 ] && { [ "$ONLY_LAST" = 0 ] || [ "$i" = "$NPATCH" ]; }; then
		# the patch may add Kconfig symbols of test.config: re-merge
		configure y
		bres=$(build "$i")
		[ "$bres" = BUILD-FAILED ] && FAIL=1
	fi
	SUMMARY+=("$(printf '%02d %-60s checkpatch: %s errors, %s warnings, %s checks; %s' \
		"$i" "$p" "$errs" "$warns" "$checks" "$bres")")
	echo "${SUMMARY[-1]}"
	if [ "$bres" = BUILD-FAILED ]; then
		tail -30 "$LOGS/$i.log" >&2
	fi
done

if [ "$DO_BUILD" = 1 ] && [ "$FAIL" = 0 ]; then
	if ! grep -q '^CONFIG_SPM_NODE=y' "$BUILD/.config" ||
	   ! grep -q '^CONFIG_SPM_NODE_KUNIT_TEST=y' "$BUILD/.config"; then
		SUMMARY+=("CONFIG_SPM_NODE / CONFIG_SPM_NODE_KUNIT_TEST not =y after the series")
		FAIL=1
	fi
fi

if [ "$DO_BUILD" = 1 ] && [ "$ALSO_OFF" = 1 ] && [ "$FAIL" = 0 ]; then
	configure n
	if grep -q '^CONFIG_SPM_NODE=y' "$BUILD/.config"; then
		bres="CONFIG-FAILED (CONFIG_SPM_NODE still y)"
		FAIL=1
	else
		bres=$(build off)
		[ "$bres" = BUILD-FAILED ] && FAIL=1
	fi
	SUMMARY+=("$(printf '%-63s %s' "-- full series, CONFIG_SPM_NODE=n" "$bres")")
	if [ "$bres" = BUILD-FAILED ]; then
		tail -30 "$LOGS/off.log" >&2
	fi
fi

echo
echo "==== summary ($NPATCH patches, tree $TREE) ===="
printf '%s\n' "${SUMMARY[@]}"
if [ "$FAIL" != 0 ]; then
	echo "RESULT: FAIL (logs in $LOGS)"
	KEEP=1
	exit 1
fi
echo "RESULT: OK"
