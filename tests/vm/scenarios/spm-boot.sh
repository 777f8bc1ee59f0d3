# Scenario (a): dax_hmem.spm_node=1 memhp_default_state=online_movable.
# The node must come up isolated with no userspace step at all.
D=/sys/bus/dax/devices/dax0.0
expect_eq "a: has_spm_memory lists node 2 at boot" 2 "$(spm_nodes)"
check "a: node 2 stays in has_memory" list_has 2 "$(cat $NODE/has_memory)"
check "a: node 2 is not in has_normal_memory" \
	not list_has 2 "$(cat $NODE/has_normal_memory)"
expect_eq "a: dax0.0 starts with spm_node=1" 1 "$(cat $D/spm_node)"
expect_eq "a: dax0.0 bound to kmem" kmem "$(basename "$(readlink $D/driver)")"
check "a: every node 2 block online Movable" node_blocks_in_zone 2 Movable
check "a: node 2 holds 1 GiB" test "$(node_memtotal_kb 2)" -ge 1000000
metric boot_node2_memfree_kb "$(node_memfree_kb 2)"

kunit_block spm_node

# numactl, as a user would run it: SPM alone is refused, "all" keeps
# working on SysRAM and never touches node 2.
check "a: numactl --membind=2 is refused" sh -c '! numactl --membind=2 true'
check "a: numactl --preferred=2 is refused" sh -c '! numactl --preferred=2 true'
expect_eq "a: numactl --interleave=all puts 0 MiB on node 2" "on_node 0" \
	"$(numactl --interleave=all spm-probe touch 96 2)"
expect_eq "a: numactl --membind=all works and puts 0 MiB on node 2" \
	"on_node 0" "$(numactl --membind=all spm-probe touch 32 2)"

leak_probe 2 zero patched

for t in /tests/spm_*; do
	[ -x "$t" ] || continue
	block "kselftest:$(basename $t)" "$t"
done
