# Scenario (e): the kernel's own regressions still pass on the patched
# kernel with the SPM node present.
expect_eq "e: SPM node present" 2 "$(spm_nodes)"
cd /tests
block "kselftest:migration" ./migration
block "kselftest:ksm_numa-merge" ./ksm_tests -N -m 1
block "kselftest:ksm_numa-nomerge" ./ksm_tests -N -m 0
block "selftest:mem-on-off-test" bash ./mem-on-off-test.sh
cd /
