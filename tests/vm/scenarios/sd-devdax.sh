# Boot as users boot (issue 17), with a spm.conf that keeps the device as
# device-dax: the kernel onlined dax0.0 as SysRAM, and the unit, started by
# udev's coldplug under systemd, must take that memory away again before
# sysinit.target. See sd-isolate.sh for how the scenario runs.
sd_setup() {
	cat >"$ROOT/etc/spm/spm.conf" <<'CONF'
[device]
name = keep-as-devdax
match-node = 2
action = devdax
CONF
}

sd_check() {
	expect_eq "sd-devdax: dax0.0 is bound to device_dax" device_dax \
		"$(basename "$(readlink /sys/bus/dax/devices/dax0.0/driver)")"
	check "sd-devdax: /dev/dax0.0 exists" test -c /dev/dax0.0
	check "sd-devdax: node 2 has no memory" \
		not list_has 2 "$(cat $NODE/has_memory)"
	check "sd-devdax: node 2 has no memory blocks" \
		sh -c '! ls -d /sys/devices/system/node/node2/memory[0-9]* 2>/dev/null'
	expect_eq "sd-devdax: no SPM node" "" "$(spm_nodes)"
	sd_unit_ran_once 0
	check "sd-devdax: the journal says dax0.0 is devdax" \
		sh -c "journalctl -b -q -o cat -u spmctl-apply@dax0.0 | grep -qx 'dax0.0: devdax'"
	expect_eq "sd-devdax: failed units" "" "$(failed_units)"
}
