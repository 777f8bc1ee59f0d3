# Scenario (e): the kernel's own regressions still pass on the patched
# kernel with the SPM node present.
expect_eq "e: SPM node present" 2 "$(spm_nodes)"
cd /tests
# As run_vmtests.sh does before its hugetlb users: reserve a pool. With the
# SPM node present it must come from SysRAM alone.
echo 16 >/proc/sys/vm/nr_hugepages
expect_eq "e: a 16-page hugetlb pool is reserved with the SPM node present" \
	16 "$(cat /proc/sys/vm/nr_hugepages)"
expect_eq "e: none of it on the SPM node" 0 \
	"$(cat $NODE/node2/hugepages/hugepages-2048kB/nr_hugepages)"
block "kselftest:migration" ./migration
block "kselftest:ksm_numa-merge" ./ksm_tests -N -m 1
block "kselftest:ksm_numa-nomerge" ./ksm_tests -N -m 0
echo 0 >/proc/sys/vm/nr_hugepages
block "selftest:mem-on-off-test" bash ./mem-on-off-test.sh
cd /
