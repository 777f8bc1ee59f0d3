# spmctl end to end on the patched kernel (issue 4's VM tests). Boot with
# memhp_default_state=offline: dax0.0 is bound to kmem, blocks offline.
D=/sys/bus/dax/devices/dax0.0
check "spmctl: list runs" spmctl list
check "spmctl: list -j runs" spmctl list -j
check "spmctl: list -j names dax0.0" sh -c 'spmctl list -j | grep -q "\"dax0.0\""'
check "spmctl: doctor reports the device as not isolated" \
	sh -c 'spmctl doctor; test $? = 6'
check "spmctl: online all --dry-run" spmctl online all --dry-run
expect_eq "spmctl: dry run changed nothing" "" "$(spm_nodes)"
check "spmctl: online all" spmctl online all
expect_eq "spmctl: node 2 is an SPM node" 2 "$(spm_nodes)"
expect_eq "spmctl: dax0.0 spm_node=1" 1 "$(cat $D/spm_node)"
check "spmctl: every node 2 block online Movable" node_blocks_in_zone 2 Movable
check "spmctl: doctor is satisfied" spmctl doctor
check "spmctl: online all again changes nothing" spmctl online all
expect_eq "spmctl: exec --node 2 puts all 64 MiB on node 2" "on_node 64" \
	"$(spmctl exec --node 2 -- spm-probe touch 64 2)"
expect_eq "spmctl: a program without policy puts 0 MiB on node 2" \
	"on_node 0" "$(spm-probe touch 64 2)"
check "spmctl: exec --node 0 (SysRAM) is refused" \
	sh -c '! spmctl exec --node 0 -- true'
check "spmctl: offline dax0.0 --to-devdax" spmctl offline dax0.0 --to-devdax
expect_eq "spmctl: dax0.0 is device_dax" device_dax \
	"$(basename "$(readlink $D/driver)")"
check "spmctl: /dev/dax0.0 exists" test -c /dev/dax0.0
expect_eq "spmctl: node 2 has no SPM memory left" "" "$(spm_nodes)"
check "spmctl: online dax0.0 from devdax" spmctl online dax0.0
expect_eq "spmctl: node 2 is an SPM node again" 2 "$(spm_nodes)"
