# Scenario (c): the patched kernel with no SPM node (node 2 is plain RAM).
# Everything behaves like vanilla; the SPM tests skip, and only here.
expect_eq "c: has_spm_memory exists and is empty" "" "$(cat $NODE/has_spm_memory)"
check "c: node 2 is ordinary memory" list_has 2 "$(cat $NODE/has_memory)"
expect_eq "c: numactl --membind=2 places memory on node 2 as vanilla" \
	"on_node 32" "$(numactl --membind=2 spm-probe touch 32 2)"
check "c: no dax device exists" sh -c '! ls /sys/bus/dax/devices/dax* 2>/dev/null'
kunit_block spm_node
for t in /tests/spm_*; do
	[ -x "$t" ] || continue
	block "kselftest:$(basename $t)" "$t"
done
