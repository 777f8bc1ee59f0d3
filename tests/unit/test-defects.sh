#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The defects of issue 15, each on the layout that showed it. Every check
# here failed on the code before the fix (the commit message of the fix
# says how).
. "$(dirname "$0")/common.sh"

# --- persistent memory is never a wildcard's, nor advised for onlining
P=synthetic-pmem-namespace
run $P online -n all
expect_rc 0 "pmem: online -n all"
expect_not_in "$out" "bind dax0.0 to kmem" "pmem: all plans no bind"
expect_in "$out" "dax0.0: skipped: persistent memory (pmem)" "pmem: all says why"
run $P online -n dax0.0
expect_rc 8 "pmem: online named without the flag"
expect_in "$err" "dax0.0: persistent memory (nd region0): onlining it as volatile memory destroys its data; only with --destroy-persistence" "pmem: refusal"
run $P online -n --destroy-persistence dax0.0
expect_rc 0 "pmem: online named with --destroy-persistence"
expect_in "$out" "would: bind dax0.0 to kmem" "pmem: planned when asked"
run $P online -n --destroy-persistence all
expect_rc 2 "pmem: --destroy-persistence with all"
run $P doctor
expect_not_in "$out" "fix: spmctl online" "pmem: doctor advises no online"
expect_in "$out" "dax0.0: ok: persistent memory of region0: not Specific Purpose Memory" "pmem: doctor"
run $P list -j
expect_in "$out" '"source": "pmem"' "pmem: source"
expect_in "$out" '"nd_region": "region0"' "pmem: nd region"
expect_not_in "$out" '"cxl_region"' "pmem: not CXL"
cp -a "$SPM_FIXTURES/$P" "$tmp/pmem"
run "$tmp/pmem" apply -n
expect_rc 0 "pmem: apply with a CXL serial rule"
expect_in "$out" "dax0.0: source pmem, not Specific Purpose Memory: left alone" "pmem: apply leaves it"

# --- the real error is reported, not a lookup's (captured devdax state:
# node2 has no sysfs directory yet; the fixture's plain files make the
# unbind "succeed" without effect)
cp -a "$SPM_FIXTURES/devdax-idle" "$tmp/devdax"
run "$tmp/devdax" online dax0.0
expect_rc 1 "devdax: online"
expect_in "$err" "unbind dax0.0 from device_dax: the write succeeded, but dax0.0 is still bound to device_dax; rolled back" "devdax: the real error"
expect_not_in "$err" "no such node" "devdax: no lookup error"
run "$tmp/devdax" online -j dax0.0
expect_in "$out" '"failed_step": "unbind dax0.0 from device_dax"' "devdax: failed step"
expect_not_in "$out" "no such node" "devdax: json"

# --- offline --dry-run with an online block that has no zone
cp -a "$SPM_FIXTURES/online-movable" "$tmp/nozone"
rm "$tmp/nozone/sys/devices/system/memory/memory35/valid_zones"
run "$tmp/nozone" offline --dry-run dax0.0
expect_rc 0 "zoneless block: offline --dry-run (was a segfault)"
expect_in "$out" "dax0.0: would be offline" "zoneless block: result"

# --- no valid_zones (kernel without CONFIG_MEMORY_HOTREMOVE)
run synthetic-no-valid-zones online -n dax0.0
expect_rc 0 "no valid_zones: online -n"
expect_in "$out" "note: this kernel has no valid_zones (no CONFIG_MEMORY_HOTREMOVE): the zone is not checked" "no valid_zones: said so"
run synthetic-no-valid-zones online -n --zone movable dax0.0
expect_rc 8 "no valid_zones: --zone asked for"
expect_in "$err" "this kernel has no valid_zones (no CONFIG_MEMORY_HOTREMOVE): the zone asked for cannot be verified" "no valid_zones: refusal"

# --- seed devices (size 0)
cp -a "$SPM_FIXTURES/synthetic-seed" "$tmp/seed"
run "$tmp/seed" online all
expect_rc 0 "seed: online all (was exit 3, needs root)"
expect_in "$out" "dax0.1: skipped: a seed device (size 0): no memory" "seed: skipped"
expect_not_in "$out" "dax0.1: would be" "seed: not planned"
run "$tmp/seed" online dax0.1
expect_rc 8 "seed: named"
expect_in "$err" "dax0.1: a seed device (size 0): it has no memory" "seed: refusal"
run "$tmp/seed" doctor
expect_in "$out" "dax0.1: ok: a seed device (size 0): no memory, nothing to do" "seed: doctor"
expect_not_in "$out" "spmctl online dax0.1" "seed: doctor advises nothing"
expect_not_in "$out" "dax0.1: note: its range is not inside" "seed: no firmware note"

# --- a target node that already holds System RAM
run synthetic-sysram-target online -n dax0.0
expect_rc 8 "sysram target: online -n"
expect_in "$err" "dax0.0: its target_node 0 already holds System RAM (memory0)" "sysram target: refusal"
expect_not_in "$out" "would: unbind" "sysram target: nothing planned"

# --- one exit code for one failure, whatever the command
cp -a "$SPM_FIXTURES/online-movable" "$tmp/unrem"
echo 0 >"$tmp/unrem/sys/devices/system/memory/memory34/removable"
mkdir -p "$tmp/unrem/etc/spm"
printf '[device]\nmatch-node = 2\naction = devdax\n' >"$tmp/unrem/etc/spm/spm.conf"
run "$tmp/unrem" offline --to-devdax dax0.0
expect_rc 8 "unremovable: offline"
expect_in "$err" "memory34 is not removable" "unremovable: offline message"
run "$tmp/unrem" apply
expect_rc 8 "unremovable: apply (was 3 while offline was 1)"
expect_in "$err" "memory34 is not removable" "unremovable: apply message, on stderr"

# --- online -j follows the schema: list's keys, no null, no -1
cp -a "$SPM_FIXTURES/devdax-idle" "$tmp/json"
rm "$tmp/json/sys/devices/platform/hmem.0/dax0.0/target_node"
run "$tmp/json" online -n -j dax0.0
expect_rc 0 "online -n -j"
expect_in "$out" '"dev": "dax0.0"' "json: dev as in list"
expect_not_in "$out" '"device"' "json: no device key"
expect_not_in "$out" 'null' "json: no null"
expect_not_in "$out" '-1' "json: no -1"
expect_in "$out" "would be online as an isolated SPM node on its target node" "json: no node -1 in words"
run "$tmp/json" offline -n -j dax0.0
expect_not_in "$out" 'null' "offline json: no null"

# --- spmctl help CMD
run hmem-kmem-offline help online
expect_rc 0 "help online"
expect_in "$out" "usage: spmctl online" "help online shows online's help"
run hmem-kmem-offline --sysroot "$SPM_FIXTURES/online-movable" list --devices
expect_in "$out" "state isolated" "--sysroot wins over SPM_SYSFS_ROOT"
finish
