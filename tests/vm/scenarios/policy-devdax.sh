# Boot policy (issue 5): the same hostile boot with a config that keeps
# the device as device-dax. udev's rule must take the memory away again.
mkdir -p /etc/spm
cat >/etc/spm/spm.conf <<'CONF'
[device]
name = keep-as-devdax
match-node = 2
action = devdax
CONF
/lib/systemd/systemd-udevd --daemon
udevadm trigger --action=add --subsystem-match=dax
check "policy: udev settles" udevadm settle --timeout=600
expect_eq "policy: dax0.0 is bound to device_dax" device_dax \
	"$(basename "$(readlink /sys/bus/dax/devices/dax0.0/driver)")"
check "policy: /dev/dax0.0 exists" test -c /dev/dax0.0
# With its memory gone, the memory-only node 2 is offlined altogether.
check "policy: node 2 has no memory" not list_has 2 "$(cat $NODE/has_memory)"
check "policy: node 2 has no memory blocks" \
	sh -c '! ls -d /sys/devices/system/node/node2/memory[0-9]* 2>/dev/null'
expect_eq "policy: no SPM node" "" "$(spm_nodes)"
