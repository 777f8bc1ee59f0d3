#!/bin/bash
# spmctl online against daxctl online-memory on a large device, on its own
# (run-bench.sh makes the same boot as part of the whole benchmark):
#
#   sudo tests/bench/run-online-large.sh
#
# Boots scenario bench-online once, under "-icount shift=0,sleep=off", with
# node 2 (dax0.0) BENCH_ONLINE_GIB GiB large, and adds its figures to
# tests/bench/results.json and report.md as the section "16 GiB device"
# (report.py --online-large; the rest of the report is kept as it is).
# Builds no kernel: the flavour's build must exist in $WORK (build-kernel.sh).
#
# Environment (defaults in brackets):
#   BENCH_ONLINE_FLAVOUR [patched+bench]  kernel build in $WORK to boot
#   BENCH_ONLINE_GIB [16]                 size of node 2 (SPM_NODE2_GIB)
#   BENCH_ONLINE_LARGE_ROUNDS [5]         rounds of each timed command
#   BENCH_ONLINE_TIMEOUT [2400]           seconds before QEMU is stopped
#   BENCH_OUT [tests/bench]               where results.json/report.md are
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
. "$BENCH_DIR/../vm/lib.sh"

FL=${BENCH_ONLINE_FLAVOUR:-patched+bench}
GIB=${BENCH_ONLINE_GIB:-16}
ROUNDS=${BENCH_ONLINE_LARGE_ROUNDS:-5}
TMO=${BENCH_ONLINE_TIMEOUT:-2400}
OUT=${BENCH_OUT:-$BENCH_DIR}
ICOUNT="shift=0,sleep=off"
RAW=$WORK/bench/raw-online-large
t_start=$SECONDS

[ -f "$WORK/$FL/.done" ] || die "no finished $FL kernel build in $WORK/$FL"
# The tree spmctl is built from, taken now: it may change during the boot.
commit="$(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$TOP" diff --quiet HEAD -- . ':!tests/bench/results.json' ':!tests/bench/report.md' ':!tests/bench/cost-vs-blocks.png' 2>/dev/null || echo ' (+ local changes)')"
ensure_packages $VM_PACKAGES strace kmod
"$VM_DIR/build-userspace.sh"
"$BENCH_DIR/mkinitramfs-bench.sh" "$FL"

rm -rf "$RAW"
dir=$RAW/online-large-patched
mkdir -p "$dir"
spec="$FL yes $TMO dax_hmem.spm_node=1 memhp_default_state=offline spmbench_rounds=$ROUNDS"
SPM_NODE2_GIB=$GIB SPM_ICOUNT=$ICOUNT SPM_SCENARIO_SPEC="$spec" \
	"$VM_DIR/run-scenario.sh" bench-online "$dir" || true
echo "$spec" >"$dir/spec"
echo "$ICOUNT" >"$dir/icount"
grep -q '^# SPM-VM DONE' "$dir/results.log" 2>/dev/null ||
	log "warning: bench-online did not finish; see $dir/console.log"
{
	echo "command tests/bench/run-online-large.sh"
	echo "env ${SPM_VM_WORK:+SPM_VM_WORK=$SPM_VM_WORK }BENCH_ONLINE_FLAVOUR=$FL BENCH_ONLINE_GIB=$GIB BENCH_ONLINE_LARGE_ROUNDS=$ROUNDS"
	echo "date $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "host $(uname -m) $(nproc) cpus, $(qemu-system-x86_64 --version | head -1)"
	echo "kernel linux-source-6.12 $(kernel_pkg_version)"
	echo "patched $(readlink -f "$WORK/$FL")"
	echo "commit $commit"
	echo "icount $ICOUNT"
	echo "seconds $((SECONDS - t_start))"
} >"$dir/meta.txt"
/usr/bin/python3 "$BENCH_DIR/report.py" --online-large "$dir" "$OUT"
log "large-device run done in $((SECONDS - t_start)) s: $OUT/report.md"
