#!/bin/bash
# All VM tests: build the patched and the vanilla kernel from Debian's
# linux-source-6.12, build spmctl, build the initramfs images, boot every
# scenario under QEMU (TCG) and count the results.
#
#   tests/vm/run.sh [SCENARIO...]      default: all of $SCENARIOS
#
# Prints "N passed, N failed, N skipped" last; exits 1 on any failure.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || read -r -a scenarios <<<"$SCENARIOS"

ensure_packages $VM_PACKAGES
mkdir -p "$WORK"
t0=$SECONDS
need_vanilla=0
need_sd=0
for s in "${scenarios[@]}"; do
	read -r fl _ < <(scenario_spec "$s")
	[ "$fl" = vanilla ] && need_vanilla=1
	is_sd_scenario "$s" && need_sd=1
done
[ $need_sd = 1 ] && ensure_packages $SD_PACKAGES

"$VM_DIR/build-kernel.sh" patched
[ $need_vanilla = 1 ] && "$VM_DIR/build-kernel.sh" vanilla
"$VM_DIR/build-userspace.sh"
"$VM_DIR/mkinitramfs.sh" patched "$WORK/initramfs-patched.cpio.gz"
[ $need_vanilla = 1 ] &&
	"$VM_DIR/mkinitramfs.sh" vanilla "$WORK/initramfs-vanilla.cpio.gz"
[ $need_sd = 1 ] &&
	"$VM_DIR/mkinitramfs-sd.sh" patched "$WORK/initramfs-sd-patched.cpio.gz"
log "builds done after $((SECONDS - t0)) s"

rdir=$WORK/results
rm -rf "$rdir"
mkdir -p "$rdir"
for s in "${scenarios[@]}"; do
	"$VM_DIR/run-scenario.sh" "$s" "$rdir/$s"
done
log "scenarios done after $((SECONDS - t0)) s; logs in $rdir"
python3 "$VM_DIR/parse-results.py" "$rdir" "${scenarios[@]}"
