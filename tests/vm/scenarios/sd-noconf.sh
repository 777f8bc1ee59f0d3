# Boot as users boot (issue 17) with the package installed and no
# /etc/spm/spm.conf: the rule still wants spmctl-apply@dax0.0.service, but
# its condition (a configuration exists) keeps it from running, and the
# device stays as the kernel left it: online as System RAM, node 2 not an
# SPM node. See sd-isolate.sh for how the scenario runs.
sd_setup() {
	:
}

sd_check() {
	u=spmctl-apply@dax0.0.service
	check "sd-noconf: no configuration" \
		sh -c '! ls /etc/spm/spm.conf /etc/spm/conf.d/*.conf 2>/dev/null'
	# The rule fired: systemd evaluated the unit's conditions at boot ...
	check "sd-noconf: $u was triggered (conditions checked)" \
		test "$(unit_prop $u ConditionTimestampMonotonic)" -gt 0
	# ... found no configuration, and did not run spmctl.
	expect_eq "sd-noconf: $u condition not met" no \
		"$(unit_prop $u ConditionResult)"
	expect_eq "sd-noconf: $u never started" 0 \
		"$(unit_prop $u ExecMainStartTimestampMonotonic)"
	expect_eq "sd-noconf: spmctl printed nothing" "" \
		"$(journalctl -b -q -o cat _COMM=spmctl)"
	expect_eq "sd-noconf: no SPM node" "" "$(spm_nodes)"
	expect_eq "sd-noconf: dax0.0 spm_node=0" 0 \
		"$(cat /sys/bus/dax/devices/dax0.0/spm_node)"
	expect_eq "sd-noconf: dax0.0 still bound to kmem" kmem \
		"$(basename "$(readlink /sys/bus/dax/devices/dax0.0/driver)")"
	check "sd-noconf: node 2 still online as System RAM (Movable)" \
		node_blocks_in_zone 2 Movable
	expect_eq "sd-noconf: failed units" "" "$(failed_units)"
}
