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
# ksm_tests waits a fixed two full KSM scans, then counts merged pages;
# under TCG that wait is sometimes too short (seen once in four CI runs, on
# nodes 0 and 1, which the series does not gate). So a failed first try is
# kept in the log as an uncounted "attempt:" block and the test runs once
# more; the second result counts. Two failures in a row still fail.
retry_block() {
	name=$1
	shift
	if "$@" >/tmp/attempt.out 2>&1; then
		out "# BEGIN $name"
		cat /tmp/attempt.out >&3
		out "# END $name rc=0"
	else
		rc=$?
		out "# BEGIN attempt:$name"
		cat /tmp/attempt.out >&3
		out "# END attempt:$name rc=$rc"
		block "$name" "$@"
	fi
}
retry_block "kselftest:ksm_numa-merge" ./ksm_tests -N -m 1
retry_block "kselftest:ksm_numa-nomerge" ./ksm_tests -N -m 0
echo 0 >/proc/sys/vm/nr_hugepages
block "selftest:mem-on-off-test" bash ./mem-on-off-test.sh
cd /
