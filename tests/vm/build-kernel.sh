#!/bin/bash
# Build a test kernel from Debian's linux-source-6.12 tarball.
#
#   build-kernel.sh patched   tarball + kernel-patches/series + test.config
#   build-kernel.sh vanilla   tarball + test.config (the comparison kernel)
#   build-kernel.sh patched+bench / vanilla+bench
#                             the same plus tests/bench/kernel/series (the
#                             benchmark's in-kernel loop; never in the tests)
#
# Output: $WORK/<flavour>-<key>/{bzImage,vmlinux,hdr/,selftests/,src/}
# and a symlink $WORK/<flavour> to it. The source tree is kept next to the
# build so that the series' selftests and regressions are built from it.
# SPM_CCACHE=auto|1|0 decides whether to compile through ccache (below).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

flavour=${1:?usage: build-kernel.sh patched|vanilla[+bench]}
base=${flavour%%+*}
case "$flavour" in patched|vanilla|patched+bench|vanilla+bench) ;;
*) die "unknown flavour $flavour" ;;
esac

ensure_packages $VM_PACKAGES
[ -f "$TARBALL" ] || die "no kernel tarball at $TARBALL"

key=$(flavour_key "$flavour")
out=$WORK/$flavour-$key
if [ -f "$out/.done" ]; then
	log "$flavour kernel up to date ($out)"
	ln -sfn "$out" "$WORK/$flavour"
	exit 0
fi
rm -rf "$out"
mkdir -p "$out"
src=$out/src
bld=$out/build

log "unpacking $(basename "$TARBALL") ($(kernel_pkg_version)) for $flavour"
mkdir -p "$src"
tar -xf "$TARBALL" -C "$src" --strip-components=1

# apply_series NAME FILE...: patch -p1 each, stop naming the first that fails.
apply_series() {
	local what=$1 n=0 p
	shift
	for p in "$@"; do
		n=$((n + 1))
		[ -f "$p" ] || die "$what names $(basename "$p"), which does not exist"
		if ! patch -d "$src" -p1 --batch --forward --quiet <"$p" \
			>"$out/patch.log" 2>&1; then
			cat "$out/patch.log" >&2
			die "$what patch $n ($(basename "$p")) does not apply to linux-source-6.12 $(kernel_pkg_version); the series needs a rebase"
		fi
	done
	[ "$n" -gt 0 ] || die "$what lists no patches"
	log "applied $n $what patches"
}

if [ "$base" = patched ]; then
	mapfile -t files < <(series_files)
	apply_series kernel-patches/series "${files[@]}"
fi
if [[ $flavour == *+bench ]]; then
	mapfile -t files < <(bench_series_files)
	apply_series tests/bench/kernel/series "${files[@]}"
fi

# ccache only pays when its cache is warm: cold, it costs about +45% on
# this build. So "auto" (the default) uses it only when $WORK/ccache already
# holds a cache; SPM_CCACHE=1 forces it (and so fills the cache).
cc=gcc
export CCACHE_DIR=${CCACHE_DIR:-$WORK/ccache}
# Kbuild passes absolute paths; relative to $out they are the same for every
# key, so builds of different keys share the cache.
export CCACHE_BASEDIR=$out
case "${SPM_CCACHE:-auto}" in
1) cc="ccache gcc" ;;
auto) [ -n "$(ls -A "$CCACHE_DIR" 2>/dev/null)" ] && cc="ccache gcc" ;;
esac

# The benchmark kernels merge tests/bench/kernel/bench.config last: it
# turns the debugging off and JUMP_LABEL and -O2 on, as in a distribution
# kernel. All fragments go into one merge on top of tinyconfig, so that
# options only selected by a debugging option (DEBUG_SPINLOCK by
# PROVE_LOCKING, say) go away with it instead of staying as set values.
fragments=("$PATCH_DIR/test.config")
[[ $flavour == *+bench ]] && fragments+=("$BENCH_CONFIG")
log "configuring ($flavour): tinyconfig + ${fragments[*]##*/}"
make -s -C "$src" O="$bld" CC="$cc" tinyconfig >/dev/null
"$src/scripts/kconfig/merge_config.sh" -m -O "$bld" "$bld/.config" \
	"${fragments[@]}" >"$out/merge.log" 2>&1
make -s -C "$src" O="$bld" CC="$cc" olddefconfig >/dev/null

# config_lines FILE: "SYMBOL LINE" for each setting in a fragment.
config_lines() {
	local line sym
	while read -r line; do
		case "$line" in
		CONFIG_*=*) sym=${line%%=*} ;;
		'# CONFIG_'*' is not set') sym=${line#\# }; sym=${sym%% *} ;;
		*) continue ;;
		esac
		printf '%s %s\n' "$sym" "$line"
	done <"$1"
}

# Every line of the fragments must survive olddefconfig, or the test kernel
# is not the kernel we think it is; where a later fragment sets the same
# symbol, its line is the one that must. The vanilla tree has no SPM_*
# symbols and no TEST_SPM.
bad=0
declare -A want=()
for f in "${fragments[@]}"; do
	while read -r sym line; do
		want[$sym]=$line
	done < <(config_lines "$f")
done
for sym in "${!want[@]}"; do
	line=${want[$sym]}
	if [ "$base" = vanilla ] &&
		[[ $sym == CONFIG_SPM_NODE* || $sym == CONFIG_TEST_SPM ]]; then
		continue
	fi
	if ! grep -qxF "$line" "$bld/.config"; then
		echo "config: wanted '$line', got '$(grep -E "^$sym=|^# $sym is" "$bld/.config" || echo unset)'" >&2
		bad=1
	fi
done
[ $bad = 0 ] || die "${fragments[*]##*/} did not apply cleanly to the $flavour kernel"

log "building $flavour bzImage and modules with -j$JOBS (cold: ~15 min on 2 cores)"
start=$SECONDS
if ! make -s -C "$src" O="$bld" CC="$cc" -j"$JOBS" bzImage modules \
	>"$out/build.log" 2>&1; then
	tail -40 "$out/build.log" >&2
	die "$flavour kernel build failed (log: $out/build.log)"
fi
log "$flavour kernel built in $((SECONDS - start)) s"
if grep -E 'warning:' "$out/build.log" | grep -v '^scripts/' >"$out/warnings.log"; then
	log "compiler warnings in $flavour build:"
	cat "$out/warnings.log" >&2
fi

make -s -C "$src" O="$bld" headers_install INSTALL_HDR_PATH="$out/hdr" \
	>/dev/null

cp "$bld/arch/x86/boot/bzImage" "$bld/vmlinux" "$out/"
cp "$bld/usr/gen_init_cpio" "$out/"
cp "$bld/.config" "$out/config"
# The test modules (test_spm, the KUnit suite): the initramfs carries them
# and the scenarios insmod them; the vanilla kernel builds none.
mkdir -p "$out/modules"
find "$bld" -name '*.ko' -exec cp {} "$out/modules/" \;

# Userspace tests that come from the kernel tree itself.
"$VM_DIR/build-selftests.sh" "$flavour" "$out"

# Keep what the harness needs; the object tree is large but makes the next
# build of the same key unnecessary, so it goes.
rm -rf "$bld"
touch "$out/.done"
ln -sfn "$out" "$WORK/$flavour"
log "$flavour kernel ready: $out"
