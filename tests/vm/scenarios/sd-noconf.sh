# Boot as users boot (issue 17) with the package installed and no
# /etc/spm/spm.conf: spmctl-apply.service is wanted by sysinit.target and
# the rule still wants spmctl-apply@dax0.0.service, but their condition (a
# configuration exists) keeps both from running, and the
# device stays as the kernel left it: online as System RAM, node 2 not an
# SPM node. See sd-isolate.sh for how the scenario runs.
sd_setup() {
	:
}

sd_check() {
	check "sd-noconf: no configuration" \
		sh -c '! ls /etc/spm/spm.conf /etc/spm/conf.d/*.conf 2>/dev/null'
	# Both were wanted (the rule fired), their conditions were checked,
	# and neither ran spmctl.
	unit_skipped $BOOT_UNIT
	unit_skipped $DEV_UNIT
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
