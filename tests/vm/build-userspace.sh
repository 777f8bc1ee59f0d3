#!/bin/bash
# Build spmctl and libspm for the VM and stage them as `meson install`
# lays them out, under $WORK/userspace/dest.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ensure_packages meson ninja-build pkg-config gcc libudev-dev libkmod-dev \
	libjson-c-dev
# $WORK may not exist yet on a fresh machine.
mkdir -p "$WORK"
b=$WORK/userspace/build
dest=$WORK/userspace/dest
# Always from scratch: a kept build dir may belong to another checkout.
rm -rf "$b"
meson setup "$b" "$TOP" --prefix=/usr --sysconfdir=/etc --buildtype=release \
	-Dtests=false >"$WORK/userspace.log" 2>&1 ||
	{ cat "$WORK/userspace.log" >&2; die "meson setup failed"; }
ninja -C "$b" >>"$WORK/userspace.log" 2>&1 ||
	{ tail -30 "$WORK/userspace.log" >&2; die "spmctl build failed"; }
rm -rf "$dest"
DESTDIR=$dest meson install -C "$b" --no-rebuild >>"$WORK/userspace.log" 2>&1 ||
	die "meson install failed"
log "spmctl staged in $dest"
