# Boot as users boot (issue 17), with a spm.conf that keeps the device as
# device-dax: the kernel onlined dax0.0 as SysRAM, and the boot pass must
# take that memory away again before udevd and sysinit.target; the
# instance udev's coldplug starts finds nothing left to do. See
# sd-isolate.sh for how the scenario runs.
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
	sd_policy_ran 0
	check "sd-devdax: the boot pass made dax0.0 devdax" \
		unit_says $BOOT_UNIT "dax0.0: devdax"
	check "sd-devdax: the instance found it done" \
		unit_says $DEV_UNIT "dax0.0: already devdax, nothing to do"
	expect_eq "sd-devdax: failed units" "" "$(failed_units)"
}
