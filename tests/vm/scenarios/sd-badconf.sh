# Boot as users boot (issue 17) with a malformed /etc/spm/spm.conf: the
# unit must fail without touching the device, name the file and line in
# the journal, and the boot must go on to multi-user.target. See
# sd-isolate.sh for how the scenario runs.
sd_setup() {
	cat >"$ROOT/etc/spm/spm.conf" <<'CONF'
[device]
name = test-hbm
match-range = 0x100000000-0x13fffffff
action = isolated
zone = movable
CONF
}

sd_check() {
	sd_policy_ran 2
	for u in $BOOT_UNIT $DEV_UNIT; do
		check "sd-badconf: $u's journal names /etc/spm/spm.conf line 4" \
			sh -c "journalctl -b -q -o cat -u $u | grep -q '^/etc/spm/spm.conf:4: '"
		check "sd-badconf: $u's journal says nothing changed" \
			sh -c "journalctl -b -q -o cat -u $u | grep -q 'nothing changed'"
	done
	expect_eq "sd-badconf: no SPM node" "" "$(spm_nodes)"
	expect_eq "sd-badconf: dax0.0 spm_node=0" 0 \
		"$(cat /sys/bus/dax/devices/dax0.0/spm_node)"
	expect_eq "sd-badconf: dax0.0 still bound to kmem" kmem \
		"$(basename "$(readlink /sys/bus/dax/devices/dax0.0/driver)")"
	check "sd-badconf: node 2 still online as System RAM (Movable)" \
		node_blocks_in_zone 2 Movable
	expect_eq "sd-badconf: the only failed units are the policy's" \
		"spmctl-apply.service spmctl-apply@dax0.0.service" "$(failed_units)"
}
