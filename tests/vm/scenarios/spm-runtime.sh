# Scenario (b): memhp_default_state=offline, then the runtime flow in
# sysfs by hand: unbind kmem, spm_node=1, bind kmem, online_movable.
D=/sys/bus/dax/devices/dax0.0
K=/sys/bus/dax/drivers/kmem
expect_eq "b: no SPM node at boot" "" "$(spm_nodes)"
expect_eq "b: dax0.0 bound to kmem at boot" kmem "$(basename "$(readlink $D/driver)")"
expect_eq "b: dax0.0 spm_node=0 at boot" 0 "$(cat $D/spm_node)"
check "b: spm_node cannot change while bound to kmem" \
	sh -c "! echo 1 > $D/spm_node"
check "b: rewriting the same spm_node value while bound succeeds" \
	sh -c "echo 0 > $D/spm_node"
check "b: unbind dax0.0 from kmem" sh -c "echo dax0.0 > $K/unbind"
check "b: set spm_node=1" sh -c "echo 1 > $D/spm_node"
check "b: bind dax0.0 to kmem" sh -c "echo dax0.0 > $K/bind"
check "b: online node 2 blocks movable" online_node_blocks 2 online_movable
check "b: every node 2 block online Movable" node_blocks_in_zone 2 Movable
expect_eq "b: has_spm_memory lists node 2 after onlining" 2 "$(spm_nodes)"
check "b: node 2 holds 1 GiB" test "$(node_memtotal_kb 2)" -ge 1000000

# The mm developers' runner, spm category only.
cd /tests && block "run_vmtests:spm" bash ./run_vmtests.sh -t spm
cd /
