# Scenario cxl (issue 13): volatile CXL memory end to end on QEMU's
# cxl-type3 (run-scenario.sh gives this scenario a pxb-cxl host bridge, a
# root port, one type3 memdev with 1 GiB of volatile memory and serial
# 0x1234, and a 4 GiB CXL fixed memory window, which becomes node 2).
# The command line has cxl_core.spm_node=1 and
# memhp_default_state=online_movable: kmem binds the region's dax device and
# the kernel onlines its blocks before any userspace step.
#  1. boot: a RAM region created here at once through sysfs, as an
#     administrator's script or a boot service would, without touching
#     spm_node anywhere, comes up as an isolated SPM node; the isolation
#     probe's pressure workload leaves it alone.
#  2. spmctl list -j / doctor on the real CXL sysfs.
#  3. run time: back to a memdev with capacity and no region (spmctl
#     offline, then the region in sysfs: decommit, delete, free the DPA);
#     then a region with the cxl_core default off and the region's own
#     spm_node=1, onlined with spmctl online; and back again.
#  4. boot policy: a region created with spm_node=0 (kmem binds it as
#     plain memory, blocks offline), spm.conf matching the memdev's serial,
#     spmctl apply onlines it isolated.
# spmctl cannot create or destroy CXL regions: that part is sysfs (as
# cxl-cli would do it), the dax part is spmctl.
C=/sys/bus/cxl/devices
CXL_SERIAL=0x1234
CXL_REGION_SIZE=536870912

# The root decoder of the window, and the first free endpoint decoder (the
# endpoint decoders of a port must be allocated in order).
cxl_root_decoder() {
	for d in $C/decoder*; do
		[ -f $d/create_ram_region ] && { basename $d; return 0; }
	done
	return 1
}
cxl_free_endpoint_decoder() {
	for d in $C/endpoint*/decoder*; do
		[ -f $d/dpa_size ] || continue
		# dpa_size reads %pa: 0x0000000000000000 when free
		[ "$(($(cat $d/dpa_size)))" = 0 ] && { basename $d; return 0; }
	done
	return 1
}

# cxl_create_region [SPM]: create, configure, commit and enable a RAM region
# of CXL_REGION_SIZE in the root decoder's window, as cxl-cli's
# create-region does. With SPM (0 or 1), write the region's spm_node before
# the commit; without, leave it at its default. Prints the region's name.
cxl_create_region() {
	root=$(cxl_root_decoder) || { echo "no root decoder" >&2; return 1; }
	ep=$(cxl_free_endpoint_decoder) || { echo "no free endpoint decoder" >&2; return 1; }
	r=$(cat $C/$root/create_ram_region) &&
		echo "$r" >$C/$root/create_ram_region &&
		echo "$(cat $C/$root/interleave_granularity)" >$C/$r/interleave_granularity &&
		echo 1 >$C/$r/interleave_ways &&
		echo $CXL_REGION_SIZE >$C/$r/size &&
		echo ram >$C/$ep/mode &&
		echo $CXL_REGION_SIZE >$C/$ep/dpa_size &&
		echo $ep >$C/$r/target0 || { echo "configuring $r with $ep failed" >&2; return 1; }
	if [ -n "${1:-}" ]; then
		echo "$1" >$C/$r/spm_node || { echo "$r: spm_node=$1 refused" >&2; return 1; }
	fi
	echo 1 >$C/$r/commit || { echo "$r: commit failed" >&2; return 1; }
	echo $r >/sys/bus/cxl/drivers/cxl_region/bind ||
		{ echo "$r: enable failed" >&2; return 1; }
	echo "$r"
}

# cxl_destroy_region REGION: what cxl-cli's destroy-region does once the
# memory is offline: decommit (this releases the dax region), delete the
# region, free the endpoint decoder's DPA.
cxl_destroy_region() {
	r=$1
	eps=""
	for t in $C/$r/target*; do
		e=$(cat $t)
		[ -n "$e" ] && eps="$eps $e"
	done
	root=$(basename "$(readlink -f $C/$r/..)")
	echo 0 >$C/$r/commit || { echo "$r: decommit failed" >&2; return 1; }
	echo $r >$C/$root/delete_region || { echo "$r: delete failed" >&2; return 1; }
	for e in $eps; do
		echo 0 >$C/$e/dpa_size || { echo "$e: freeing DPA failed" >&2; return 1; }
	done
}

# The dax device of a region (daxN.0 with N the region id), once it exists.
cxl_dax_of() {
	for d in $C/$1/dax_region*/dax*.*; do
		[ -d "$d" ] && { basename "$d"; return 0; }
	done
	return 1
}

# A node-2 write test: N MiB touched by a program without any policy must
# land 0 MiB on node 2; spmctl exec --node 2 must land them all there.
# (CXL memory is ~15x slower than RAM under TCG: keep it to a few MiB.)
on_node_plain() { spm-probe touch "$1" 2; }

# show TITLE CMD...: a command's output in the results log as comments
# (for the reader; the checks below judge it).
show() {
	t=$1
	shift
	out "# --- $t"
	"$@" 2>&1 | sed 's/^/#   /' >&3
}

metric cxl_boot_to_init_s "$(cut -d' ' -f1 /proc/uptime)"

# --- 1. boot: the cxl_core.spm_node=1 default ---------------------------
check "cxl: memdev mem0 present" test -d $C/mem0
expect_eq "cxl: mem0 serial is the QEMU sn" "$CXL_SERIAL" "$(cat $C/mem0/serial 2>/dev/null)"
expect_eq "cxl: mem0 has 1 GiB of volatile capacity" 0x40000000 "$(cat $C/mem0/ram/size 2>/dev/null)"
expect_eq "cxl: cxl_core.spm_node default is on" Y \
	"$(cat /sys/module/cxl_core/parameters/spm_node 2>/dev/null)"
expect_eq "cxl: no SPM node before the region exists" "" "$(spm_nodes)"
check "cxl: node 2 has no memory before the region exists" \
	not list_has 2 "$(cat $NODE/has_memory)"
t0=$(cut -d' ' -f1 /proc/uptime)
R=$(cxl_create_region 2>/tmp/cxl.err)
check "cxl: boot region created, committed, enabled through sysfs" \
	sh -c "test -n '$R' || { cat /tmp/cxl.err; false; }"
t1=$(cut -d' ' -f1 /proc/uptime)
metric cxl_boot_region_s "$(awk -v a=$t0 -v b=$t1 'BEGIN { printf "%.2f", b - a }')"
R=${R:-region0}
D=$(cxl_dax_of $R) || D=dax0.0
expect_eq "cxl: $R spm_node=1 from the default" 1 "$(cat $C/$R/spm_node 2>/dev/null)"
check "cxl: $R spm_node cannot change once committed (-EBUSY)" \
	sh -c "test -f $C/$R/spm_node && ! echo 0 > $C/$R/spm_node && test \$(cat $C/$R/spm_node) = 1"
check "cxl: rewriting $R spm_node=1 while committed succeeds" \
	sh -c "echo 1 > $C/$R/spm_node"
expect_eq "cxl: $D spm_node=1 (inherited from $R)" 1 \
	"$(cat /sys/bus/dax/devices/$D/spm_node 2>/dev/null)"
expect_eq "cxl: $D bound to kmem by the kernel" kmem \
	"$(basename "$(readlink /sys/bus/dax/devices/$D/driver)")"
expect_eq "cxl: $D target_node=2" 2 "$(cat /sys/bus/dax/devices/$D/target_node 2>/dev/null)"
expect_eq "cxl: has_spm_memory lists node 2 with no userspace step" 2 "$(spm_nodes)"
check "cxl: node 2 in has_memory" list_has 2 "$(cat $NODE/has_memory)"
check "cxl: node 2 not in has_normal_memory" \
	not list_has 2 "$(cat $NODE/has_normal_memory)"
check "cxl: every node 2 block online Movable (auto-onlined)" node_blocks_in_zone 2 Movable
check "cxl: node 2 holds the 512 MiB region" test "$(node_memtotal_kb 2)" -ge 520000
check "cxl: /proc/iomem shows the region as kmem System RAM" \
	sh -c "grep -A3 ' : $R\$' /proc/iomem | grep -q 'System RAM (kmem)'"
metric cxl_boot_node2_memfree_kb "$(node_memfree_kb 2)"
expect_eq "cxl: a program without policy puts 0 MiB on node 2" "on_node 0" \
	"$(on_node_plain 32)"
check "cxl: numactl --membind=2 is refused" sh -c '! numactl --membind=2 true'
leak_probe 2 zero cxl-boot
expect_eq "cxl: spmctl exec --node 2 puts all 8 MiB on node 2" "on_node 8" \
	"$(spmctl exec --node 2 -- spm-probe touch 8 2)"

# --- 2. spmctl on the real CXL sysfs ------------------------------------
spmctl list -j >/tmp/cxl-list.json 2>&1
show "spmctl list -j" cat /tmp/cxl-list.json
show "spmctl list" spmctl list
show "ls -l /sys/bus/cxl/devices" ls -l $C
check "cxl: list -j names $R in cxl_regions" grep -q "\"region\": *\"$R\"" /tmp/cxl-list.json
check "cxl: list -j gives mem0 serial $((CXL_SERIAL))" \
	sh -c "grep -q '\"memdev\": *\"mem0\"' /tmp/cxl-list.json && grep -q '\"serial\": *$((CXL_SERIAL))' /tmp/cxl-list.json"
check "cxl: list -j names the endpoint decoder" grep -q '"decoder": *"decoder[0-9]*\.[0-9]*"' /tmp/cxl-list.json
check "cxl: list -j gives $D source cxl-ram, region $R" \
	sh -c "grep -q '\"source\": *\"cxl-ram\"' /tmp/cxl-list.json && grep -q '\"cxl_region\": *\"$R\"' /tmp/cxl-list.json"
check "cxl: list -j gives $D spm_node true, target node 2" \
	sh -c "grep -q '\"spm_node\": *true' /tmp/cxl-list.json && grep -q '\"target_node\": *2' /tmp/cxl-list.json"
show "spmctl doctor" spmctl doctor
check "cxl: doctor is satisfied with the isolated CXL node" spmctl doctor
check "cxl: list -j reports cxl_core_spm_node true" \
	grep -q '"cxl_core_spm_node": *true' /tmp/cxl-list.json
check "cxl: doctor sees no auto-online race (cxl_core.spm_node=1)" \
	sh -c '! spmctl doctor | grep -q "comes up as SysRAM"'
# The real tree, for a fixture (lines "#G <base64 of the .tar.gz>").
if spmctl gather /tmp/cxl-gather.tar >/tmp/gather.out 2>&1; then
	gzip -c /tmp/cxl-gather.tar | base64 | sed 's/^/#G /' >&3
	out "ok - cxl: spmctl gather archives the CXL sysfs"
else
	out "not ok - cxl: spmctl gather archives the CXL sysfs # $(tr '\n' ' ' </tmp/gather.out | cut -c1-200)"
fi

# --- 3. run time: region destroyed, created again, onlined with spmctl --
check "cxl: spmctl offline $D" spmctl offline $D
check "cxl: node 2 has no online memory after offline" \
	not list_has 2 "$(cat $NODE/has_memory)"
check "cxl: $R decommitted, deleted, DPA freed" cxl_destroy_region $R
check "cxl: $R is gone" not test -e $C/$R
check "cxl: $D is gone" not test -e /sys/bus/dax/devices/$D
check "cxl: no SPM node without a region" test -z "$(spm_nodes)"
check "cxl: the memdev has free capacity again" cxl_free_endpoint_decoder
# From here on the kernel neither defaults to SPM nor onlines by itself:
# whatever isolation there is comes from the region attribute and spmctl.
echo 0 >/sys/module/cxl_core/parameters/spm_node
echo offline >/sys/devices/system/memory/auto_online_blocks
R2=$(cxl_create_region 1 2>/tmp/cxl.err)
check "cxl: run-time region created with its own spm_node=1" \
	sh -c "test -n '$R2' || { cat /tmp/cxl.err; false; }"
R2=${R2:-region1}
D2=$(cxl_dax_of $R2) || D2=dax1.0
expect_eq "cxl: $R2 spm_node=1" 1 "$(cat $C/$R2/spm_node 2>/dev/null)"
expect_eq "cxl: $D2 spm_node=1 (inherited from $R2)" 1 \
	"$(cat /sys/bus/dax/devices/$D2/spm_node 2>/dev/null)"
expect_eq "cxl: $D2 bound to kmem, nothing online yet" "kmem " \
	"$(basename "$(readlink /sys/bus/dax/devices/$D2/driver)") $(spm_nodes)"
check "cxl: spmctl online $D2" spmctl online $D2
expect_eq "cxl: node 2 is an SPM node again" 2 "$(spm_nodes)"
check "cxl: every node 2 block online Movable after spmctl online" node_blocks_in_zone 2 Movable
check "cxl: node 2 not in has_normal_memory at run time" \
	not list_has 2 "$(cat $NODE/has_normal_memory)"
expect_eq "cxl: run time: a program without policy puts 0 MiB on node 2" \
	"on_node 0" "$(on_node_plain 32)"
check "cxl: run time: doctor is satisfied" spmctl doctor
check "cxl: run time: spmctl list -j shows $R2 with $D2" \
	sh -c "spmctl list -j | grep -q '\"cxl_region\": *\"$R2\"'"
check "cxl: run time: spmctl offline $D2" spmctl offline $D2
check "cxl: run time: $R2 destroyed" cxl_destroy_region $R2
check "cxl: run time: node 2 empty again" not list_has 2 "$(cat $NODE/has_memory)"

# --- 4. boot policy matching the memdev serial --------------------------
mkdir -p /etc/spm
cat >/etc/spm/spm.conf <<CONF
# the CXL expander of the test machine, by its memdev serial
[device]
name = cxl-expander
match-cxl-serial = $CXL_SERIAL
action = isolate
zone = movable
CONF
R3=$(cxl_create_region 0 2>/tmp/cxl.err)
check "cxl: policy: region created with spm_node=0" \
	sh -c "test -n '$R3' || { cat /tmp/cxl.err; false; }"
R3=${R3:-region2}
D3=$(cxl_dax_of $R3) || D3=dax2.0
expect_eq "cxl: policy: $D3 starts as plain kmem memory (spm_node=0)" "kmem 0" \
	"$(basename "$(readlink /sys/bus/dax/devices/$D3/driver)") $(cat /sys/bus/dax/devices/$D3/spm_node 2>/dev/null)"
check "cxl: policy: spmctl apply --check accepts match-cxl-serial" spmctl apply --check
spmctl apply $D3 >/tmp/apply.out 2>&1
show "spmctl apply $D3" cat /tmp/apply.out
check "cxl: policy: apply matched the rule by serial" grep -q cxl-expander /tmp/apply.out
expect_eq "cxl: policy: node 2 is an SPM node after apply" 2 "$(spm_nodes)"
expect_eq "cxl: policy: $D3 spm_node=1" 1 "$(cat /sys/bus/dax/devices/$D3/spm_node 2>/dev/null)"
check "cxl: policy: every node 2 block online Movable" node_blocks_in_zone 2 Movable
check "cxl: policy: applying again changes nothing" \
	sh -c "spmctl apply $D3 | grep -q 'nothing to do'"
expect_eq "cxl: policy: a program without policy puts 0 MiB on node 2" \
	"on_node 0" "$(on_node_plain 32)"
# A serial that does not match leaves a device alone.
sed -i "s/^match-cxl-serial = .*/match-cxl-serial = 0x9999/" /etc/spm/spm.conf
check "cxl: policy: another serial's rule does not match" \
	sh -c "spmctl apply $D3 | grep -q 'no rule matches'"
