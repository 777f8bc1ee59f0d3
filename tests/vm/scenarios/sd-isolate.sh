# Boot as users boot (issue 17): systemd as PID 1 on the host's Debian, the
# project installed by `meson install`, and a spm.conf that isolates the
# device by its physical range. The kernel onlines dax0.0 as SysRAM
# (memhp_default_state=online_movable, as in policy-isolate);
# spmctl-apply.service must have made node 2 an SPM node before udevd and
# sysinit.target, with nobody logged in, and the instance udev's coldplug
# starts (spmctl-apply@dax0.0.service) must find nothing left to do.
# Stage 1 (sd-init.sh) runs sd_setup with $ROOT the overlay's upper layer;
# spm-vm-report.service runs sd_check in the booted system (sd-report.sh).
sd_setup() {
	node2_isolate_conf >"$ROOT/etc/spm/spm.conf"
}

sd_check() {
	expect_eq "sd-isolate: node 2 is an SPM node" 2 "$(spm_nodes)"
	check "sd-isolate: every node 2 block online Movable" \
		node_blocks_in_zone 2 Movable
	expect_eq "sd-isolate: dax0.0 spm_node=1" 1 \
		"$(cat /sys/bus/dax/devices/dax0.0/spm_node)"
	sd_policy_ran 0
	check "sd-isolate: the boot pass isolated dax0.0" \
		unit_says $BOOT_UNIT "dax0.0: isolated"
	check "sd-isolate: the instance found it done" \
		unit_says $DEV_UNIT "dax0.0: already isolated, nothing to do"
	# Kernel start to "node 2 isolated", from the journal.
	t=$(journal_first_s ' spmctl\[[0-9]+\]: dax0\.0: isolated$')
	if [ -n "$t" ]; then
		metric sd_isolated_s "$t"
	else
		out "not ok - sd-isolate: isolation time in the journal # no 'dax0.0: isolated' line"
	fi
	expect_eq "sd-isolate: failed units" "" "$(failed_units)"
	check "sd-isolate: applying again changes nothing" \
		sh -c 'spmctl apply dax0.0 | grep -q "nothing to do"'
	leak_probe 2 zero sd
}
