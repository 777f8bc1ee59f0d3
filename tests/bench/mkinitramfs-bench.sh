#!/bin/bash
# The benchmark's initramfs for a kernel flavour:
#   tests/bench/mkinitramfs-bench.sh FLAVOUR [OUT]   (OUT: $WORK/initramfs-FLAVOUR.cpio.gz)
# The harness's initramfs (tests/vm/mkinitramfs.sh) plus a second cpio
# archive appended to it (the kernel unpacks concatenated archives in
# order): spm-bench, and strace with its libraries for the sysfs operation
# counts. Used by run-bench.sh for both of its kernels and by
# run-online-large.sh for the large-device run.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
. "$BENCH_DIR/../vm/lib.sh"

fl=$1
outfile=${2:-$WORK/initramfs-$fl.cpio.gz}
[ -x "$WORK/$fl/gen_init_cpio" ] || die "no $fl kernel build in $WORK/$fl"
stage=$(mktemp -d "$WORK/bench-stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
gcc -static -O2 -Wall -Wextra -Werror -o "$stage/spm-bench" \
	"$BENCH_DIR/spm-bench.c"
# daxctl reconfigure-device asks libkmod to load "kmem" even when it is
# built in, and libkmod only knows it is built in from the module indexes,
# which the harness's initramfs does not have. depmod (host) writes them.
# modules_index FLAVOUR: prints the index files, as paths in the guest.
modules_index() {
	local krel
	krel=$(strings -n 10 "$WORK/$1/vmlinux" |
		sed -n 's/^Linux version \([^ ]*\) .*/\1/p' | head -1)
	[ -n "$krel" ] || die "no kernel release string in $WORK/$1/vmlinux"
	rm -rf "$stage/mods"
	mkdir -p "$stage/mods/lib/modules/$krel"
	echo kernel/drivers/dax/kmem.ko >"$stage/mods/lib/modules/$krel/modules.builtin"
	: >"$stage/mods/lib/modules/$krel/modules.order"
	/sbin/depmod -b "$stage/mods" "$krel" 2>/dev/null
	(cd "$stage/mods" && find lib -type f | sed 's|^|/|')
}
overlay_list() {
	local f d files mods
	files=$(printf '%s\n' /usr/bin/strace \
		$(ldd /usr/bin/strace | grep -o '/[^ ]*') | sort -u)
	mods=$(modules_index "$1")
	# Directories first, parents before children (sorted paths do that).
	for f in /tests/spm-bench $files $mods; do
		d=$(dirname "$f")
		while [ "$d" != / ]; do
			echo "$d"
			d=$(dirname "$d")
		done
	done | sort -u | sed 's/.*/dir & 0755 0 0/'
	echo "file /tests/spm-bench $stage/spm-bench 0755 0 0"
	for f in $files; do
		echo "file $f $(readlink -f "$f") 0755 0 0"
	done
	for f in $mods; do
		echo "file $f $stage/mods$f 0644 0 0"
	done
}
"$VM_DIR/mkinitramfs.sh" "$fl" "$stage/base.cpio.gz"
overlay_list "$fl" >"$stage/overlay.list"
"$WORK/$fl/gen_init_cpio" "$stage/overlay.list" | gzip -1 \
	>"$stage/overlay.cpio.gz"
cat "$stage/base.cpio.gz" "$stage/overlay.cpio.gz" >"$outfile"
log "benchmark initramfs for $fl: $(du -h "$outfile" | cut -f1)"
