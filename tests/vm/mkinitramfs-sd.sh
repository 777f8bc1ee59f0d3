#!/bin/bash
# Build the initramfs of the systemd-booted scenarios (sd-*):
#   mkinitramfs-sd.sh patched|vanilla OUT.cpio.gz
# Stage 1 only (sd-init.sh): busybox-static, the scenarios, checks.sh and
# sd-report.sh, spm-probe, and the `meson install` tree of spmctl
# (build-userspace.sh) as /sysroot-dest. That tree becomes an overlay layer
# over the host's root, so its top directories that are symlinks on the
# host (bookworm: /lib -> usr/lib, /bin, /sbin) are merged into /usr here,
# as dpkg's unpacking through those symlinks would.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

flavour=$1
outfile=$2
mkdir -p "$WORK"
kdir=$WORK/$flavour
[ -x "$kdir/gen_init_cpio" ] || die "no $flavour kernel build in $kdir"
dest=$WORK/userspace/dest
[ -x "$dest/usr/sbin/spmctl" ] || die "no spmctl in $dest (run build-userspace.sh)"
stage=$(mktemp -d "$WORK/initramfs-sd.XXXXXX")
trap 'rm -rf "$stage"' EXIT

root=$stage/root
mkdir -p "$root"/{bin,dev,proc,sys,scenarios,sysroot-dest}
cp /bin/busybox "$root/bin/busybox"
cp "$VM_DIR/sd-init.sh" "$root/init"
cp "$VM_DIR/checks.sh" "$VM_DIR/sd-report.sh" "$root/"
cp "$VM_DIR"/scenarios/sd-*.sh "$root/scenarios/"
gcc -static -O2 -Wall -Wextra -Werror -o "$root/spm-probe" \
	"$VM_DIR/probe/spm-probe.c"
for e in "$dest"/* "$dest"/.[!.]*; do
	[ -e "$e" ] || continue
	n=${e##*/}
	if [ -L "/$n" ] && [ -d "$e" ] && [ ! -L "$e" ]; then
		t=$(readlink "/$n")
		t=${t#/}
		mkdir -p "$root/sysroot-dest/$t"
		cp -a "$e/." "$root/sysroot-dest/$t/"
	else
		cp -a "$e" "$root/sysroot-dest/"
	fi
done
chmod 755 "$root/init" "$root/bin/busybox" "$root/spm-probe"

# gen_init_cpio's list: every entry of the staged tree as root:root.
list=$stage/list
(cd "$root" && find . -mindepth 1 | sort) | while read -r p; do
	p=${p#.}
	f=$root$p
	mode=$(stat -c '%a' "$f")
	if [ -L "$f" ]; then
		echo "slink $p $(readlink "$f") 0777 0 0"
	elif [ -d "$f" ]; then
		echo "dir $p $mode 0 0"
	else
		echo "file $p $f $mode 0 0"
	fi
done >"$list"
echo "nod /dev/console 0600 0 0 c 5 1" >>"$list"
"$kdir/gen_init_cpio" "$list" | gzip -1 >"$outfile"
log "sd initramfs for $flavour: $(du -h "$outfile" | cut -f1)"
