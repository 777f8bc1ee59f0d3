#!/bin/bash
# Build the test initramfs for a kernel flavour:
#   mkinitramfs.sh patched|vanilla OUT.cpio.gz
# Contents: busybox-static, /init and its checks.sh, the scenarios, the
# kernel-tree tests of that flavour, spm-probe, and (when built)
# spmctl/libspm installed with meson, plus numactl, daxctl and bash with the
# shared libraries they need (found with ldd and copied at the same paths).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

flavour=$1
outfile=$2
# $WORK may not exist yet on a fresh machine.
mkdir -p "$WORK"
kdir=$WORK/$flavour
[ -x "$kdir/gen_init_cpio" ] || die "no $flavour kernel build in $kdir"
stage=$(mktemp -d "$WORK/initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT
list=$stage/list
dest=$WORK/userspace/dest

declare -A seen_dir seen_file
add_dir() {
	local d=$1
	[ "$d" = / ] && return
	[ -n "${seen_dir[$d]:-}" ] && return
	add_dir "$(dirname "$d")"
	seen_dir[$d]=1
	echo "dir $d 0755 0 0" >>"$list"
}
# add_file DEST SRC [MODE]
add_file() {
	local dst=$1 src=$2 mode=${3:-}
	[ -n "${seen_file[$dst]:-}" ] && return
	seen_file[$dst]=1
	src=$(readlink -f "$src")
	[ -n "$mode" ] || mode=$(stat -c '%a' "$src")
	add_dir "$(dirname "$dst")"
	echo "file $dst $src $mode 0 0" >>"$list"
}
# add_bin DEST SRC: a binary and every shared library it loads.
add_bin() {
	local dst=$1 src=$2 lib
	add_file "$dst" "$src" 755
	while read -r lib; do
		# libspm comes from the meson staging tree, added on its own.
		case "$lib" in "${USERSPACE_LIBS:-/nonexistent}"/*) continue ;; esac
		add_file "$lib" "$lib"
	done < <(LD_LIBRARY_PATH=${USERSPACE_LIBS:-} ldd "$src" 2>/dev/null |
		grep -o '/[^ ]*' | sort -u)
}

cat >"$list" <<EOF
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
dir /proc 0755 0 0
dir /sys 0755 0 0
dir /tmp 1777 0 0
dir /run 0755 0 0
dir /mnt 0755 0 0
EOF
add_file /bin/busybox /bin/busybox 755
add_file /init "$VM_DIR/init.sh" 755
add_file /checks.sh "$VM_DIR/checks.sh" 644
for s in "$VM_DIR"/scenarios/*.sh; do
	add_file "/scenarios/$(basename "$s")" "$s" 644
done

# Our probe, static: the same binary semantics on both kernels.
gcc -static -O2 -Wall -Wextra -Werror -o "$stage/spm-probe" \
	"$VM_DIR/probe/spm-probe.c"
add_file /tests/spm-probe "$stage/spm-probe" 755
# An unmodified libnuma program, linked against Debian's libnuma as any
# application would be (dynamic, unlike spm-probe).
gcc -O2 -Wall -Wextra -Werror -o "$stage/numa-compat" \
	"$VM_DIR/probe/numa-compat.c" -lnuma
add_bin /tests/numa-compat "$stage/numa-compat"

for t in "$kdir"/selftests/*; do
	[ -f "$t" ] || continue
	case "$t" in
	*.sh) add_file "/tests/$(basename "$t")" "$t" 755 ;;
	*) add_bin "/tests/$(basename "$t")" "$t" ;;
	esac
done
# The kernel's test modules (test_spm, the KUnit suite), for insmod.
for m in "$kdir"/modules/*.ko; do
	[ -f "$m" ] && add_file "/tests/modules/$(basename "$m")" "$m" 644
done
for t in "$kdir"/selftests/kselftest/*; do
	[ -f "$t" ] && add_file "/tests/kselftest/$(basename "$t")" "$t" 644
done

# glibc dlopen()s libgcc_s for pthread_cancel (mm's migration test), which
# ldd cannot see.
add_file /lib/x86_64-linux-gnu/libgcc_s.so.1 /lib/x86_64-linux-gnu/libgcc_s.so.1
add_bin /bin/bash /bin/bash
add_bin /usr/bin/numactl /usr/bin/numactl
add_bin /usr/bin/migratepages /usr/bin/migratepages
add_bin /usr/bin/daxctl /usr/bin/daxctl

# spmctl and libspm, as `meson install` lays them out.
if [ -x "$dest/usr/sbin/spmctl" ]; then
	USERSPACE_LIBS=$dest/usr/lib/x86_64-linux-gnu
	for l in "$USERSPACE_LIBS"/libspm.so*; do
		[ -f "$l" ] && add_file "/usr/lib/x86_64-linux-gnu/$(basename "$l")" "$l" 755
	done
	add_bin /usr/sbin/spmctl "$dest/usr/sbin/spmctl"
fi

# Debian's udevd with our installed rule, for the boot-policy scenarios.
add_bin /usr/bin/udevadm /usr/bin/udevadm
add_dir /lib/systemd
echo "slink /lib/systemd/systemd-udevd /usr/bin/udevadm 0777 0 0" >>"$list"
if [ -f "$dest/lib/udev/rules.d/90-spm.rules" ]; then
	add_file /lib/udev/rules.d/90-spm.rules \
		"$dest/lib/udev/rules.d/90-spm.rules" 644
fi

"$kdir/gen_init_cpio" "$list" | gzip -1 >"$outfile"
log "initramfs for $flavour: $(du -h "$outfile" | cut -f1)"
