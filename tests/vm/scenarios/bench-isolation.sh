# tests/bench (not part of the test run): the isolation figure on a kernel
# booted with memhp_default_state=offline. On the vanilla kernel dax0.0 is
# onlined as users do today (daxctl online-memory, ZONE_MOVABLE); on the
# patched kernel with spmctl online. Then the same pressure workload
# (spm-probe leak 2) reports the MiB that land on node 2.
if [ -e /sys/bus/dax/devices/dax0.0/spm_node ]; then
	metric iso_kernel patched
	check "bench: spmctl online dax0.0" spmctl online dax0.0
else
	metric iso_kernel vanilla
	check "bench: daxctl online-memory dax0.0" daxctl online-memory dax0.0
fi
v=$(spm_nodes)
metric iso_spm_nodes "${v:-none}"
metric iso_node2_memtotal_kb "$(node_memtotal_kb 2)"
leak_probe 2 report iso
