# Boot as users boot (issue 17): reboot persistence. A second Soft Reserved
# range, lower in the address map (256 MiB in node 1, memmap= in
# scenario_spec), makes dax_hmem create its device first, so node 2's
# range, dax0.0 in every other scenario, comes up as dax1.0. The same
# spm.conf as sd-isolate, which names the device by its physical range,
# must isolate it under its new name and leave the other device alone.
# See sd-isolate.sh for how the scenario runs.
sd_setup() {
	node2_isolate_conf >"$ROOT/etc/spm/spm.conf"
}

sd_check() {
	D=/sys/bus/dax/devices
	expect_eq "sd-persist: dax0.0 is the other range (node 1)" 1 \
		"$(cat $D/dax0.0/target_node)"
	expect_eq "sd-persist: node 2's range is dax1.0" 2 \
		"$(cat $D/dax1.0/target_node)"
	expect_eq "sd-persist: node 2 is an SPM node" 2 "$(spm_nodes)"
	check "sd-persist: every node 2 block online Movable" \
		node_blocks_in_zone 2 Movable
	expect_eq "sd-persist: dax1.0 spm_node=1" 1 "$(cat $D/dax1.0/spm_node)"
	expect_eq "sd-persist: dax0.0 left alone (spm_node=0)" 0 \
		"$(cat $D/dax0.0/spm_node)"
	expect_eq "sd-persist: dax0.0 left alone (still kmem)" kmem \
		"$(basename "$(readlink $D/dax0.0/driver)")"
	unit_ran_once $BOOT_UNIT 0
	check "sd-persist: the boot pass isolated dax1.0" \
		unit_says $BOOT_UNIT "dax1.0: isolated"
	unit_ran_once spmctl-apply@dax1.0.service 0
	check "sd-persist: the dax1.0 instance found it done" \
		unit_says spmctl-apply@dax1.0.service \
		"dax1.0: already isolated, nothing to do"
	expect_eq "sd-persist: failed units" "" "$(failed_units)"
}
