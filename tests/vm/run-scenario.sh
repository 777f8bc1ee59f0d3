#!/bin/bash
# Boot one scenario under QEMU (TCG) and keep its logs:
#   run-scenario.sh NAME [OUTDIR]
# The machine is the contract's test topology: q35, 2 sockets, nodes 0 and 1
# with a CPU and 1 GiB each, node 2 memory-only with 1 GiB at 4 GiB, which
# memmap= retypes as Soft Reserved (scenario no-spm leaves it plain RAM).
# SPM_NODE2_GIB=N (default 1) gives node 2 N GiB instead: the benchmark's
# large-device run (tests/bench/run-bench.sh, 16). Guest RAM is backed
# lazily by the host; nodes 0-1 keep 1 GiB each (below 4 GiB on q35), which
# holds the memmap of 16 GiB (256 MiB of struct pages) once kmem adds it.
# Machine "two" (scenario spm-two): node 2 and node 3, 512 MiB each, at 4 and
# 4.5 GiB, both memory-only.
# Logs: OUTDIR/console.log (ttyS0, the kernel console) and
# OUTDIR/results.log (ttyS1, the test protocol of init.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

name=$1
outdir=${2:-$WORK/results/$name}
# SPM_SCENARIO_SPEC="<flavour> <memmap yes|no> <timeout-s> <cmdline|->" boots
# scenarios/<NAME>.sh with any kernel (the benchmark uses it).
if [ -n "${SPM_SCENARIO_SPEC:-}" ]; then
	read -r flavour memmap timeout_s extra <<<"$SPM_SCENARIO_SPEC"
else
	read -r flavour memmap timeout_s extra < <(scenario_spec "$name")
fi
cores=${SPM_CORES:-$(scenario_cores "$name")}
node2_gib=${SPM_NODE2_GIB:-1}
case "$node2_gib" in
''|*[!0-9]*|0) die "SPM_NODE2_GIB=$node2_gib: a whole number of GiB, 1 or more" ;;
esac
mkdir -p "$outdir"
rm -f "$outdir"/*.log

initrd=$WORK/initramfs-$flavour.cpio.gz
# The systemd-booted scenarios: the host's root, read-only over 9p, is the
# guest's lower layer (sd-init.sh).
rootfs=()
if is_sd_scenario "$name"; then
	initrd=$WORK/initramfs-sd-$flavour.cpio.gz
	rootfs=(-fsdev "local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap"
		-device "virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot")
fi
[ -f "$initrd" ] || die "no initramfs $initrd (run mkinitramfs.sh or mkinitramfs-sd.sh first)"
cmdline="console=ttyS0 panic=-1 spmvm=$name"
[ "$memmap" = yes ] && cmdline="$cmdline memmap=${node2_gib}G%4G-1+0xefffffff"
[ "$extra" = - ] || cmdline="$cmdline $extra"
echo "$cmdline" >"$outdir/cmdline"

# -icount makes guest time count instructions (used by the benchmark).
icount=()
[ -n "${SPM_ICOUNT:-}" ] && icount=(-icount "$SPM_ICOUNT")

# SPM_LIVE=1 streams the results port to the terminal as well (the demo).
if [ "${SPM_LIVE:-0}" = 1 ]; then
	results_serial=stdio
	results_sink="tee $outdir/results.log"
else
	results_serial=file:$outdir/results.log
	results_sink=cat
fi

# The machine. default: nodes 0 and 1 with a CPU and 1 GiB each, node 2
# memory-only with SPM_NODE2_GIB (1) GiB at 4 GiB. cxl (docs/measurements.md, CXL): nodes 0
# and 1 as above, and a CXL 2.0 topology: a pxb-cxl host bridge, one root
# port, one cxl-type3 memdev with 1 GiB of volatile memory (serial 0x1234,
# what spm.conf's match-cxl-serial names) and a 4 GiB fixed memory window;
# the window's proximity domain becomes node 2. CXL needs:
#  - the SRAT that -numa gives (without it the CXL memory joins node 0, and
#    QEMU 10.0.2 then crashes in its TCG XSAVE helper);
#  - no CPUID hypervisor bit: Linux refuses to commit a region when it
#    cannot trust WBINVD (cxl_region_invalidate_memregion), which it only
#    does on bare metal, and TCG executes WBINVD as a no-op anyway;
#  - QEMU >= 10 (volatile-memdev; lib.sh installs it from backports).
machine=(-machine q35 -cpu max -m $((2 + node2_gib))G)
nodes=(-object memory-backend-ram,id=m0,size=1G
	-object memory-backend-ram,id=m1,size=1G
	-object memory-backend-ram,id=m2,size=${node2_gib}G
	-numa node,nodeid=0,memdev=m0
	-numa node,nodeid=1,memdev=m1
	-numa node,nodeid=2,memdev=m2)
if [ "$(scenario_machine "$name")" = cxl ]; then
	machine=(-machine q35,cxl=on -cpu max,hypervisor=off -m 2G)
	nodes=(-object memory-backend-ram,id=m0,size=1G
		-object memory-backend-ram,id=m1,size=1G
		-numa node,nodeid=0,memdev=m0
		-numa node,nodeid=1,memdev=m1
		-object memory-backend-ram,id=cxl-vmem0,share=on,size=1G
		-device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1
		-device cxl-rp,port=0,bus=cxl.1,id=root_port13,chassis=0,slot=2
		-device cxl-type3,bus=root_port13,volatile-memdev=cxl-vmem0,id=cxl-vmem0-dev,sn=0x1234
		-M cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G)
fi
if [ "$(scenario_machine "$name")" = two ]; then
	machine=(-machine q35 -cpu max -m 3G)
	nodes=(-object memory-backend-ram,id=m0,size=1G
		-object memory-backend-ram,id=m1,size=1G
		-object memory-backend-ram,id=m2,size=512M
		-object memory-backend-ram,id=m3,size=512M
		-numa node,nodeid=0,memdev=m0
		-numa node,nodeid=1,memdev=m1
		-numa node,nodeid=2,memdev=m2
		-numa node,nodeid=3,memdev=m3)
fi
# The QEMU that ran, in the scenario's output.
qemu-system-x86_64 --version | head -1 >"$outdir/qemu-version"
log "scenario $name: $(cat "$outdir/qemu-version"), machine $(scenario_machine "$name")"

start=$SECONDS
rc=0
timeout --foreground -k 10 "$timeout_s" qemu-system-x86_64 \
	"${machine[@]}" \
	-smp $((2 * cores)),sockets=2,cores=$cores,threads=1 \
	"${icount[@]}" \
	"${nodes[@]}" \
	-numa cpu,node-id=0,socket-id=0 -numa cpu,node-id=1,socket-id=1 \
	-kernel "$WORK/$flavour/bzImage" -initrd "$initrd" \
	"${rootfs[@]}" \
	-append "$cmdline" \
	-display none -monitor none -no-reboot \
	-serial "file:$outdir/console.log" \
	-serial "$results_serial" \
	</dev/null 2>"$outdir/qemu.log" | $results_sink || rc=$?
echo "$rc" >"$outdir/qemu.rc"
echo "$((SECONDS - start))" >"$outdir/seconds"
log "scenario $name: qemu rc=$rc in $((SECONDS - start)) s"
