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
expect_in "$out" "memory32  0x100000000  offline       Normal   node 2  dax0.0" \
	"block line"
expect_not_in "$out" "nodes:" "only the devices section"
expect_not_in "$out" "Soft Reserved" "only the devices section"

run online-movable list --nodes
expect_in "$out" "node2  SPM  no cpus  1.00 GiB total" "SPM node"
expect_in "$out" "blocks: 8 (8 online: 8 Movable; 0 offline)" "movable"

run cxl-ram-region list --ranges
expect_in "$out" "region0  0x2000000000  1.00 GiB  dax_region0  memdevs mem0 (serial 0x5a1e0001), mem1 (serial 0x5a1e0002)" \
	"cxl region"

run no-series list
expect_in "$out" "SPM node series absent, dax spm_node absent" "no series"
expect_in "$out" "mode system-ram, node 2, state sysram" "sysram"

run mixed-zones list -u --devices
expect_in "$out" "8 online: 2 Normal, 6 Movable" "mixed zones"

run devdax-idle list
expect_in "$out" "mode devdax, node 2, spm_node 0, state devdax" "devdax"
finish
