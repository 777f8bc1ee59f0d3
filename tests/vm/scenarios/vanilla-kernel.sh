# Scenario vanilla-kernel: the vanilla kernel with node 2 onlined into
# ZONE_NORMAL (online_kernel), then the kernel workload of scenario
# spm-kernel. It must see kernel memory land on node 2, or spm-kernel's
# zeros prove nothing.
check "vk: vanilla kernel has no has_spm_memory" test ! -e $NODE/has_spm_memory
check "vk: online node 2 blocks online_kernel" online_node_blocks 2 online_kernel
check "vk: every node 2 block online Normal" node_blocks_in_zone 2 Normal
kernel_probe 2 report vanilla
check "vk: the kernel workload puts kernel memory on node 2 without the series" \
	sh -c "awk '\$1==\"kernel\" && \$2!=\"held\" && \$2!=\"MemUsed\" && \$3>1024 {f=1} END {exit !f}' /tmp/block.out"
