# tests/bench (not part of the test run): allocator overhead in one boot.
# run-bench.sh boots this several times per kernel under
# -icount shift=0,sleep=off and passes spmbench=MIB,ITERS,KLOOPS on the
# command line. Both loops run pinned to CPU 0, so they allocate from node 0
# through node 0's zonelist, which holds node 2 when node 2 has memory.
P=$(sed -n 's/.*spmbench=\([0-9]*,[0-9]*,[0-9]*\).*/\1/p' /proc/cmdline)
[ -n "$P" ] || P=32,5,20000
IFS=, read -r mib iters kloops <<EOT
$P
EOT
v=$(spm_nodes)
metric bench_spm_nodes "${v:-none}"
metric bench_node2_memtotal_kb "$(node_memtotal_kb 2 2>/dev/null || echo 0)"

# Page faults: page_fault1 style, guest ns (= instructions) per fault. THP
# off, so that every fault allocates one order-0 page on every kernel.
T=/sys/kernel/mm/transparent_hugepage/enabled
[ -w $T ] && echo never >$T
metric bench_thp "$(cat $T 2>/dev/null | sed 's/.*\[\(.*\)\].*/\1/')"
if block bench:fault spm-bench fault "$mib" "$iters" 0; then
	metric fault_ns_median "$(sed -n 's/^fault median=\([0-9.]*\).*/\1/p' /tmp/block.out)"
	metric fault_ns_min "$(sed -n 's/^fault median=.* min=\([0-9.]*\).*/\1/p' /tmp/block.out)"
	metric fault_ns_max "$(sed -n 's/^fault median=.* max=\([0-9.]*\).*/\1/p' /tmp/block.out)"
else
	out "not ok - bench: fault loop ran"
fi

# The in-kernel loop (tests/bench/kernel): alloc_pages/__free_pages pairs.
if [ -e /sys/kernel/debug/spm_bench ]; then
	taskset -c 0 sh -c "echo $kloops > /sys/kernel/debug/spm_bench"
	block bench:kalloc sh -c 'dmesg | grep "spm_bench: case="'
	sed -n 's/.*spm_bench: case=\([a-z0-9_]*\) .* ns_per_pair=\([0-9.]*\) min=\([0-9.]*\) max=\([0-9.]*\).*/\1 \2 \3 \4/p' \
		/tmp/block.out | while read -r c med min max; do
		metric "kalloc_${c}_ns" "$med"
		metric "kalloc_${c}_ns_min" "$min"
		metric "kalloc_${c}_ns_max" "$max"
	done
else
	out "not ok - bench: /sys/kernel/debug/spm_bench exists (a +bench kernel)"
fi
