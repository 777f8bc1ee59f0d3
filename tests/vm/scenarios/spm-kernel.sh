# Scenario spm-kernel: dax_hmem.spm_node=1 memhp_default_state=online_kernel.
# The SPM node sits in ZONE_NORMAL, the one layout where kernel allocations
# (slab, page tables, kernel stacks, pipe buffers, page cache) could reach
# it at all: only the zonelists keep them off. Scenario vanilla-kernel runs
# the same workload on the same layout without the series and must see it.
D=/sys/bus/dax/devices/dax0.0
expect_eq "k: has_spm_memory lists node 2 at boot" 2 "$(spm_nodes)"
expect_eq "k: dax0.0 starts with spm_node=1" 1 "$(cat $D/spm_node)"
check "k: node 2 is in has_normal_memory" \
	list_has 2 "$(cat $NODE/has_normal_memory)"
check "k: every node 2 block online Normal" node_blocks_in_zone 2 Normal

# Here the GFP_KERNEL cases of the suite are not vacuous.
kunit_block spm_node

kernel_probe 2 zero patched
leak_probe 2 zero kernelzone

for t in /tests/spm_*; do
	[ -x "$t" ] || continue
	block "kselftest:$(basename $t)" "$t"
done
