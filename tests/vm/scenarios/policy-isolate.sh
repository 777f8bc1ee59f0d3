# Boot policy (issue 5): a hostile boot where the kernel onlines dax0.0 as
# SysRAM itself (memhp_default_state=online_movable, what distributions'
# memory hotplug rules do), a config that isolates the device, and the
# installed udev rule run by Debian's systemd-udevd (no systemd as PID 1
# here, so the rule takes its RUN+= branch). The node must come up SPM with
# no command typed. Not memhp_default_state=online: in ZONE_NORMAL the
# kernel may place an unmovable page on node 2 before udev runs (a CI run
# caught a slab page there), and then offlining fails with EBUSY whatever
# the tool; docs/boot-policy.md says so, and the ops tests cover spmctl's
# rollback for that EBUSY.
mkdir -p /etc/spm
node2_isolate_conf >/etc/spm/spm.conf
expect_eq "policy: the kernel onlined dax0.0 as SysRAM before udev ran" \
	"" "$(spm_nodes)"
check "policy: node 2 had SysRAM online at boot" \
	test "$(node_memtotal_kb 2)" -ge 1000000
check "policy: the installed rule is present" test -f /lib/udev/rules.d/90-spm.rules
check "policy: spmctl apply --check accepts the config" spmctl apply --check
/lib/systemd/systemd-udevd --daemon
# What systemd-udev-trigger.service does at boot: replay the add events.
udevadm trigger --action=add --subsystem-match=dax
check "policy: udev settles" udevadm settle --timeout=600
expect_eq "policy: node 2 is an SPM node with no command typed" 2 "$(spm_nodes)"
check "policy: every node 2 block online Movable" node_blocks_in_zone 2 Movable
expect_eq "policy: dax0.0 spm_node=1" 1 "$(cat /sys/bus/dax/devices/dax0.0/spm_node)"
check "policy: applying again changes nothing" \
	sh -c 'spmctl apply dax0.0 | grep -q "nothing to do"'
