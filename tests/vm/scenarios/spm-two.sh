# Scenario spm-two: two SPM nodes (issue 12, offline migration). Node 2 is
# Soft Reserved, onlined movable by dax_hmem.spm_node=1 and kmem; node 3's
# range (512 MiB at 4.5 GiB) is reserved with memmap=$ and lib/test_spm.c
# hot-adds it as an SPM node it owns. Offlining a block of a full node 2
# must move its pages to System RAM, never to node 3: another device's
# memory, here a driver's.
M=/tests/modules
expect_eq "t: has_spm_memory lists node 2 at boot" 2 "$(spm_nodes)"
check "t: every node 2 block online Movable" node_blocks_in_zone 2 Movable
check "t: test_spm loads on node 3 [mem 0x120000000-0x13fffffff]" \
	insmod $M/test_spm.ko start=0x120000000 size=0x20000000 nid=3 movable=1
expect_eq "t: has_spm_memory lists nodes 2 and 3" 2-3 "$(spm_nodes)"
block "kselftest:spm_paths-offline" /tests/spm_paths \
	-t offline_block_keeps_pages_on_node \
	-t offline_full_node_spills_to_sysram_only
check "t: test_spm unloads" rmmod test_spm
expect_eq "t: has_spm_memory lists node 2 again" 2 "$(spm_nodes)"
