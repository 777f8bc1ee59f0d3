#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Smoke test of the text output of spmctl list.
. "$(dirname "$0")/common.sh"

run hmem-kmem-offline list
expect_rc 0 "list"
expect_in "$out" "SPM node series present" "series"
expect_in "$out" "0x100000000-0x13fffffff  1.00 GiB  dax0.0  System RAM" \
	"range"
expect_in "$out" "hmem.0  1.00 GiB  numa_node 0" "hmem"
expect_in "$out" "mode system-ram, node 2, spm_node 0, state offline" "dax"
expect_in "$out" "blocks: 8 (0 online; 8 offline)" "dax blocks"
expect_in "$out" "node2  no memory  no cpus" "node2"
expect_not_in "$out" "memory32" "no block list without --blocks"

run hmem-kmem-offline list --blocks --devices
expect_rc 0 "list --blocks --devices"
# blocks merged into ranges, as lsmem prints them
expect_in "$out" "  memory32-39        0x0000000100000000-0x000000013fffffff   1.00 GiB  offline       Normal   node 2  dax0.0" \
	"block range"
expect_in "$out" "  memory0            0x0000000000000000-0x0000000007ffffff 128.00 MiB  online        none     node 0" \
	"first block"
expect_in "$out" "  memory1-7          0x0000000008000000-0x000000003fffffff 896.00 MiB  online        DMA32    node 0" \
	"boot range"
expect_not_in "$out" "nodes:" "only the devices section"
expect_not_in "$out" "Soft Reserved" "only the devices section"

run online-movable list --nodes
expect_in "$out" "node2  SPM  no cpus  1.00 GiB total" "SPM node"
expect_in "$out" "blocks: 8 (8 online: 8 Movable; 0 offline)" "movable"

run cxl-ram-region list --ranges
expect_in "$out" "region0  0x2000000000  1.00 GiB  dax_region0  memdevs mem0 (serial 0x5a1e0001) via decoder3.0, mem1 (serial 0x5a1e0002) via decoder4.0" \
	"cxl region"

run no-series list
expect_in "$out" "SPM node series absent, dax spm_node absent, spm_user_numa absent" "no series"
expect_in "$out" "mode system-ram, node 2, state sysram" "sysram"

run mixed-zones list -u --devices
expect_in "$out" "8 online: 2 Normal, 6 Movable" "mixed zones"

run devdax-idle list
expect_in "$out" "mode devdax, node 2, spm_node 0, state devdax" "devdax"
expect_in "$out" "dax0.0  1.00 GiB at 0x100000000  hmem hmem.0" "source"

# filters: by device, node and source
run synthetic-seed list -d dax0.1 --devices
expect_rc 0 "list -d"
expect_in "$out" "dax0.1  0 B  hmem hmem.0" "the device asked for"
expect_in "$out" "state seed" "seed state"
expect_not_in "$out" "dax0.0" "only the device asked for"
run synthetic-2g-sparse list --node 2 --blocks --nodes
expect_in "$out" "memory8-9          0x0000000400000000-0x00000004ffffffff   4.00 GiB  online        Movable  node 2  dax0.0" \
	"2 GiB blocks of node 2"
expect_not_in "$out" "node0" "only node 2"
run synthetic-pmem-namespace list --source hmem --devices
expect_in "$out" "  none" "no hmem device"
run synthetic-pmem-namespace list --source pmem --devices
expect_in "$out" "dax0.0  1.00 GiB at 0x100000000  pmem region0" "pmem source"
run synthetic-pmem-namespace list --source tape
expect_rc 2 "bad source"
expect_in "$err" "--source: \"tape\" is not hmem, cxl-ram, pmem, driver or unknown" "bad source message"
run synthetic-pmem-namespace list -d dax9.9
expect_rc 5 "unknown device"
expect_in "$err" "spmctl list: dax9.9: no such dax device" "unknown device message"
# the owner's opt-in (spm_user_numa): on the kernel line, the device, the node
run synthetic-user-numa list
expect_in "$out" "dax spm_node present, spm_user_numa present" "user-numa kernel"
expect_in "$out" "spm_node 1, spm_user_numa 1, state isolated" "user-numa device"
expect_in "$out" "node2  SPM  no cpus  1.00 GiB total, 1016.00 MiB free  user-numa" "user-numa node"
run synthetic-user-numa-devdax list
expect_in "$out" "spm_node 0, spm_user_numa 0, state devdax" "user-numa off"
run online-movable list
expect_in "$out" "spm_user_numa absent" "older kernel"
expect_not_in "$out" "user-numa" "older kernel: no node marked"
# an SPM node of a driver (test_spm), no dax device: said on its line only
run synthetic-driver-owned list
expect_rc 0 "list synthetic-driver-owned"
expect_in "$out" "  node2  SPM owned by driver test_spm, no dax device  no cpus  1.00 GiB total, 1016.00 MiB free" "driver-owned node"
expect_in "$out" "dax devices:
  none" "no dax device"
run online-movable list
expect_not_in "$out" "owned by" "a dax device's node"
finish
