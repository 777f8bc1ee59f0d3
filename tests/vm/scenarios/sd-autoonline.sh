# Boot as users boot (issue 17) on a hostile machine: the kernel onlines
# every hot-added block itself (memhp_default_state=online, into
# ZONE_NORMAL, where kernel allocations can pin it) and a distribution-style
# udev rule onlines memory too. The boot policy must end with node 2
# isolated, or leave the device as it was and say exactly why in the
# journal. See sd-isolate.sh for how the scenario runs.
RULE=/etc/udev/rules.d/40-spm-vm-memory-online.rules

sd_setup() {
	node2_isolate_conf >"$ROOT/etc/spm/spm.conf"
	mkdir -p "$ROOT/etc/udev/rules.d"
	# As SUSE's and Red Hat's rules do (Debian ships none).
	echo 'SUBSYSTEM=="memory", ACTION=="add", ATTR{state}=="offline", ATTR{state}="online"' \
		>"$ROOT$RULE"
}

sd_check() {
	D=/sys/bus/dax/devices/dax0.0
	journalctl -b -q -o cat -u $BOOT_UNIT -u $DEV_UNIT >/tmp/apply.log
	check "sd-autoonline: the journal names the competing udev rule" \
		grep -qF "the udev rule $RULE:1 onlines hot-added memory" /tmp/apply.log
	check "sd-autoonline: the journal names where auto-online came from" \
		grep -qF "auto_online_blocks=online (memhp_default_state=online on the kernel command line)" \
		/tmp/apply.log
	if [ "$(spm_nodes)" = 2 ]; then
		metric sd_autoonline_isolated 1
		check "sd-autoonline: every node 2 block online Movable" \
			node_blocks_in_zone 2 Movable
		expect_eq "sd-autoonline: dax0.0 spm_node=1" 1 "$(cat $D/spm_node)"
		expect_eq "sd-autoonline: failed units" "" "$(failed_units)"
		leak_probe 2 zero sd_autoonline
	else
		metric sd_autoonline_isolated 0
		# Seen: memory32 holds kernel allocations (ZONE_NORMAL).
		check "sd-autoonline: the journal says why dax0.0 is not isolated" \
			grep -Eq "^dax0\.0: failed: memory[0-9]+ could not be offlined: .*rolled back, dax0\.0 is as it was found$" \
			/tmp/apply.log
		check "sd-autoonline: node 2 left online as found (Normal)" \
			node_blocks_in_zone 2 Normal
		expect_eq "sd-autoonline: the only failed units are the policy's" \
			"spmctl-apply.service spmctl-apply@dax0.0.service" \
			"$(failed_units)"
		expect_eq "sd-autoonline: dax0.0 left as found (kmem)" kmem \
			"$(basename "$(readlink $D/driver)")"
		expect_eq "sd-autoonline: dax0.0 left as found (spm_node=0)" 0 \
			"$(cat $D/spm_node)"
	fi
}
