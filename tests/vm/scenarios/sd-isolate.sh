# Boot as users boot (issue 17): systemd as PID 1 on the host's Debian, the
# project installed by `meson install`, and a spm.conf that isolates the
# device by its physical range. The kernel onlines dax0.0 as SysRAM
# (memhp_default_state=online_movable, as in policy-isolate); udev's
# coldplug hands it to spmctl-apply@dax0.0.service, which must have made
# node 2 an SPM node before sysinit.target, with nobody logged in.
# Stage 1 (sd-init.sh) runs sd_setup with $ROOT the overlay's upper layer;
# spm-vm-report.service runs sd_check in the booted system (sd-report.sh).
sd_setup() {
	cat >"$ROOT/etc/spm/spm.conf" <<'CONF'
# node 2 of the test machine, matched by its physical range
[device]
name = test-hbm
match-range = 0x100000000-0x13fffffff
action = isolate
zone = movable
CONF
}

sd_check() {
	expect_eq "sd-isolate: node 2 is an SPM node" 2 "$(spm_nodes)"
	check "sd-isolate: every node 2 block online Movable" \
		node_blocks_in_zone 2 Movable
	expect_eq "sd-isolate: dax0.0 spm_node=1" 1 \
		"$(cat /sys/bus/dax/devices/dax0.0/spm_node)"
	sd_unit_ran_once 0
	check "sd-isolate: the journal says dax0.0 was isolated" \
		sh -c "journalctl -b -q -o cat -u spmctl-apply@dax0.0 | grep -qx 'dax0.0: isolated'"
	# Kernel start to "node 2 isolated", from the journal.
	t=$(journal_first_s '\] spmctl\[[0-9]+\]: dax0\.0: isolated$')
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
