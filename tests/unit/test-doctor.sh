#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# spmctl doctor: the expected findings and exit status for every fixture.
. "$(dirname "$0")/common.sh"

run hmem-kmem-offline doctor
expect_rc 6 "doctor hmem-kmem-offline"
expect_in "$out" "dax0.0: problem: bound to kmem but all 8 memory blocks are offline; fix: spmctl online dax0.0" "offline"
expect_in "$out" "1 problem found" "summary"

run online-movable doctor
expect_rc 0 "doctor online-movable"
expect_in "$out" "dax0.0: ok: isolated on SPM node 2 (8 blocks online Movable)" "isolated"
expect_in "$out" "node2: ok: SPM node: isolated" "node2"
expect_in "$out" "no problems found" "summary"

# the owner's opt-in is said, for the device and for its node
run synthetic-user-numa doctor
expect_rc 0 "doctor synthetic-user-numa"
expect_in "$out" "dax0.0: ok: isolated on SPM node 2 (8 blocks online Movable); open to the plain NUMA API" "user-numa device"
expect_in "$out" "node2: ok: SPM node: isolated (8 blocks online); open to the plain NUMA API" "user-numa node"
run online-movable doctor
expect_not_in "$out" "plain NUMA API" "no opt-in on an older kernel"

# an SPM node of a driver: isolated, the driver's, and nothing to run
run synthetic-driver-owned doctor
expect_rc 0 "doctor synthetic-driver-owned"
expect_in "$out" "node2: ok: SPM node: isolated (8 blocks online); owned by driver test_spm, not by a dax device: spmctl leaves it to the driver" "driver-owned node"
expect_not_in "$out" "fix:" "no fix for a driver's memory"
expect_not_in "$out" ": problem:" "no problem"
# without root iomem hides the addresses: the driver cannot be named
cp -a "$SPM_FIXTURES/synthetic-driver-owned" "$tmp/drv-user"
sed -i 's/^\( *\)[0-9a-f]*-[0-9a-f]* :/\100000000-00000000 :/' "$tmp/drv-user/proc/iomem"
run "$tmp/drv-user" doctor
expect_rc 0 "doctor driver-owned as user"
expect_in "$out" "node2: ok: SPM node: isolated (8 blocks online); owned by a driver that /proc/iomem does not name (it hides addresses without root), not by a dax device" "driver unknown"
run "$tmp/drv-user" list -j
expect_in "$out" '"owner": "driver",
      "driver": "unknown",' "json driver unknown"
run "$tmp/drv-user" list
expect_in "$out" "node2  SPM owned by an unknown driver, no dax device" "text driver unknown"
# ... while a kmem device's node stays the device's when its range is
# hidden too (its target node stands in for the blocks)
cp -a "$SPM_FIXTURES/online-movable" "$tmp/kmem-user"
sed -i 's/^\( *\)[0-9a-f]*-[0-9a-f]* :/\100000000-00000000 :/' "$tmp/kmem-user/proc/iomem"
rm "$tmp/kmem-user/sys/devices/platform/hmem.0/dax0.0/resource"
run "$tmp/kmem-user" list -j
expect_in "$out" '"owner": "dax"' "kmem node as user"
expect_not_in "$out" '"owner": "driver"' "kmem node as user: not a driver's"
# a dax device that vanished from sysfs: iomem still says kmem's
cp -a "$SPM_FIXTURES/online-movable" "$tmp/kmem-gone"
rm -r "$tmp/kmem-gone/sys/bus/dax/devices/dax0.0"
run "$tmp/kmem-gone" list -j
expect_in "$out" '"owner": "dax"' "kmem range without its device"

run cxl-ram-region doctor
expect_rc 0 "doctor cxl"
expect_not_in "$out" "Soft Reserved" "a CXL region needs no Soft Reserved range"

run devdax-idle doctor
expect_rc 0 "doctor devdax-idle"
expect_in "$out" "dax0.0: note: left as devdax" "devdax note"

run mixed-zones doctor
expect_rc 6 "doctor mixed-zones"
expect_in "$out" "kernel: note: memhp_default_state=online onlines hot-added memory before userspace" "race note"
expect_in "$out" "dax0.0: problem: node 2 came up as SysRAM: memhp_default_state=online won the race" "race"
expect_in "$out" "fix: boot with dax_hmem.spm_node=1" "race fix"
expect_in "$out" "dax0.0: problem: 2 of 8 online blocks are in ZONE_NORMAL" "normal"
expect_in "$out" "spmctl offline dax0.0 && spmctl online dax0.0 --zone movable" "normal fix"
expect_in "$out" "node2: problem: SysRAM node holding dax0.0's memory" "node2"

run no-series doctor
expect_rc 6 "doctor no-series"
expect_in "$out" "kernel: problem: no SPM node series" "no series"
expect_in "$out" "spmctl online --allow-sysram" "no series fix"
expect_in "$out" "online as SysRAM on node 2: the kernel has no SPM node series" "sysram"

run no-series doctor --json
expect_rc 6 "doctor --json"
expect_in "$out" '"problems": 4' "json problem count"
expect_in "$out" '"severity": "problem"' "json severity"

# A range that nothing turned into a dax device, an unaligned range and a
# dax range the firmware did not mark: built from the offline fixture.
cp -a "$SPM_FIXTURES/hmem-kmem-offline" "$tmp/odd"
cat >>"$tmp/odd/proc/iomem" <<'IOMEM'
200000000-23fffffff : Soft Reserved
IOMEM
echo 0x104000000 >"$tmp/odd/sys/devices/platform/hmem.0/dax0.0/resource"
echo 1006632960 >"$tmp/odd/sys/devices/platform/hmem.0/dax0.0/size"
sed -i 's/^100000000-13fffffff : Soft Reserved/0f0000000-0ffffffff : Soft Reserved/;s/^  100000000-13fffffff : dax0.0/  104000000-13bffffff : dax1.0/' "$tmp/odd/proc/iomem"
run "$tmp/odd" doctor
expect_rc 6 "doctor odd"
expect_in "$out" "range 0x200000000: problem: Soft Reserved range of 1.00 GiB has no dax device" "range without dax"
expect_in "$out" "dax0.0: note: its range is not inside a Soft Reserved range" "not soft reserved"
expect_in "$out" "dax0.0: note: 64.00 MiB of 960.00 MiB lost to memory-block alignment (128.00 MiB blocks, range start not block-aligned)" "alignment"

# One block offline, one not removable.
cp -a "$SPM_FIXTURES/online-movable" "$tmp/partial"
echo offline >"$tmp/partial/sys/devices/system/memory/memory33/state"
echo 0 >"$tmp/partial/sys/devices/system/memory/memory34/removable"
run "$tmp/partial" doctor
expect_rc 6 "doctor partial"
expect_in "$out" "dax0.0: problem: only 7 of 8 memory blocks are online; fix: spmctl offline dax0.0 && spmctl online dax0.0" "partial"
expect_in "$out" "dax0.0: problem: 1 of 8 memory blocks are not removable" "unremovable"
run "$tmp/partial" list -j
expect_in "$out" '"unremovable": 1' "json unremovable"
expect_in "$out" '"state": "partial"' "json partial"

# Without root, addresses are hidden: reported as unknown, no crash.
cp -a "$SPM_FIXTURES/hmem-kmem-offline" "$tmp/user"
sed -i 's/^\( *\)[0-9a-f]*-[0-9a-f]* :/\100000000-00000000 :/' "$tmp/user/proc/iomem"
rm "$tmp/user/sys/devices/platform/hmem.0/dax0.0/resource"
run "$tmp/user" doctor
# the target node's blocks stand in: they can only be the device's
expect_rc 6 "doctor as user"
expect_in "$out" "dax0.0: problem: bound to kmem but all 8 memory blocks are offline" "hidden, found through node 2"
# ... but not when the node holds other blocks too: then no guess
ln -s ../../memory/memory15 "$tmp/user/sys/devices/system/node/node2/memory15"
rm "$tmp/user/sys/devices/system/memory/memory15/node1"
ln -s ../../node/node2 "$tmp/user/sys/devices/system/memory/memory15/node2"
rm "$tmp/user/sys/devices/system/node/node1/memory15"
run "$tmp/user" doctor
expect_in "$out" "dax0.0: note: bound to kmem but its memory blocks cannot be found" "hidden"
run "$tmp/user" list -j
expect_rc 0 "list as user"
expect_not_in "$out" '"start": 4294967296' "no start when hidden"
run "$tmp/user" list
expect_in "$out" "(addresses hidden: needs root)" "hidden text"

# udev rules that online memory are named, with their file and line
run synthetic-udev-rule doctor
expect_in "$out" "udev: note: /usr/lib/udev/rules.d/40-redhat.rules:6 onlines every hot-added memory block itself" "udev rule"
expect_in "$out" "fix: mask it with an empty /etc/udev/rules.d/40-redhat.rules" "udev rule fix"
expect_in "$out" "udev: note: /etc/udev/rules.d/80-hotplug-mem.rules:1" "etc udev rule"
expect_not_in "$out" "60-block.rules" "a rule that is not about memory"
run mixed-zones doctor
expect_in "$out" "(auto_online_blocks is set by memhp_default_state=online on the kernel command line)" "auto-online source"

run online-movable doctor --help
expect_rc 0 "doctor --help"
expect_in "$out" "usage: spmctl doctor" "doctor help"
finish
