# Scenario spm-driver: a driver owns an SPM node (issue 14). Node 2's range
# (1 GiB at 4 GiB) is reserved with memmap=1G$0x100000000, so neither the
# boot nor dax_hmem claims it; lib/test_spm.c hot-adds it as an SPM node it
# owns and onlines it itself, to ZONE_NORMAL (memhp_default_state=offline):
# the layout where kernel allocations could reach it at all.
M=/tests/modules
export TEST_SPM_MODULE=$M/test_spm.ko TEST_SPM_START=0x100000000 \
	TEST_SPM_SIZE=0x40000000 TEST_SPM_NID=2
load_test_spm() {
	insmod $TEST_SPM_MODULE start=$TEST_SPM_START size=$TEST_SPM_SIZE \
		nid=$TEST_SPM_NID "$@"
}

expect_eq "d: no SPM node before the driver loads" "" "$(spm_nodes)"
check "d: node 2 has no memory before the driver loads" \
	not list_has 2 "$(cat $NODE/has_memory)"
check "d: test_spm loads on [mem 0x100000000-0x13fffffff]" load_test_spm
expect_eq "d: has_spm_memory lists node 2" 2 "$(spm_nodes)"
check "d: every node 2 block online Normal (the driver onlined them)" \
	node_blocks_in_zone 2 Normal
check "d: /proc/iomem names the range System RAM (test_spm)" \
	grep -q "System RAM (test_spm)" /proc/iomem
check "d: /dev/test_spm exists" test -c /dev/test_spm

# The KUnit suite as a module, loaded once the driver's node exists.
kunit_block spm_node
rmmod spm_node_kunit

# No process without the driver and without an SPM policy gets a page
# there, and no kernel allocation either, under System RAM pressure.
kernel_probe 2 zero driver
leak_probe 2 zero driver

check "d: test_spm unloads" rmmod test_spm
expect_eq "d: no SPM node after unload" "" "$(spm_nodes)"
check "d: /proc/iomem no longer names test_spm" \
	not grep -q "test_spm" /proc/iomem

# The kselftest: driver faults, allocations, migration, isolation,
# load/unload cycles, rmmod while mapped, and the spm=0 control.
block "kselftest:test_spm.sh" bash /tests/test_spm.sh
