# tests/bench (not part of the test run): spmctl online against daxctl
# for the same device in the same boot of the patched kernel, booted with
# dax_hmem.spm_node=1 memhp_default_state=offline: dax0.0 starts bound to
# kmem as SPM memory, its blocks offline. Two like-for-like pairs, each
# tool starting from the same state and leaving the same result (node 2 an
# SPM node, every block online Movable), so the kernel does the same work
# (dax0.0 is node 2: 1 GiB, 8 blocks, or SPM_NODE2_GIB GiB in the
# benchmark's large-device run):
#   online:  blocks offline, kmem bound
#            daxctl online-memory dax0.0  vs  spmctl online dax0.0
#   convert: dax0.0 bound to device_dax (no memory added)
#            daxctl reconfigure-device -m system-ram dax0.0
#                                         vs  spmctl online dax0.0
# and one that only spmctl does (no daxctl command turns plain RAM into SPM):
#   from_ram: kmem bound with spm_node=0 (what a boot without
#            dax_hmem.spm_node=1 gives); spmctl online unbinds kmem (the
#            kernel removes the memory), sets spm_node=1, binds kmem (the
#            kernel adds it again) and onlines.
# Times are guest seconds (instructions under -icount), elapsed and the
# tool's CPU time (what it ran, in user space and in its system calls, not
# what it slept). Then one run of each under strace counts system calls and
# the ones on sysfs, if strace is in the initramfs (run-bench.sh adds it).
D=/sys/bus/dax/devices/dax0.0
R=$(sed -n 's/.*spmbench_rounds=\([0-9]*\).*/\1/p' /proc/cmdline)
[ -n "$R" ] || R=3

timed() {
	key=$1
	shift
	# The tool's own output comes first; spm-bench's line is the last one.
	spm-bench time "$@" >/tmp/timed.out 2>/tmp/timed.err
	read -r _ s rc _ cpu <<EOT
$(grep '^time_s ' /tmp/timed.out | tail -1)
EOT
	if [ "$rc" = rc=0 ]; then
		metric "$key" "$s"
		metric "$(echo "$key" | sed 's/_s_/_cpu_s_/')" "$cpu"
	else
		out "not ok - bench: $* # $rc $(tr '\n' ' ' </tmp/timed.err | cut -c1-200)"
	fi
}

# The result every timed command must leave.
onlined() {
	check "bench: $1: every block online Movable" node_blocks_in_zone 2 Movable
	expect_eq "bench: $1: node 2 is an SPM node" 2 "$(spm_nodes)"
}

# The starting states. Each is reached by untimed commands from any state
# the previous step left.
to_kmem_offline() {
	spmctl offline dax0.0 >/dev/null 2>&1
}
to_devdax() {
	spmctl offline --to-devdax dax0.0 >/dev/null 2>&1
}
to_ram_offline() {
	to_devdax
	echo 0 >$D/spm_node
	echo dax0.0 >/sys/bus/dax/drivers/device_dax/unbind
	echo dax0.0 >/sys/bus/dax/drivers/kmem/bind
}

expect_eq "bench: dax0.0 starts bound to kmem" kmem "$(basename "$(readlink $D/driver)")"
expect_eq "bench: dax0.0 starts as SPM memory" 1 "$(cat $D/spm_node)"
# The device the figures are for: its size (the harness's node 2,
# SPM_NODE2_GIB), the block size and its number of blocks.
bsz=$((0x$(cat /sys/devices/system/memory/block_size_bytes)))
metric bench_dax_bytes "$(cat $D/size)"
metric bench_block_bytes "$bsz"
metric bench_dax_blocks "$(($(cat $D/size) / bsz))"
metric bench_rounds "$R"
# One timed command of a pair, from its start state.
pair_online() {
	to_kmem_offline
	case $1 in
	daxctl) timed "online_daxctl_s_$i" daxctl online-memory dax0.0 ;;
	spmctl) timed "online_spmctl_s_$i" spmctl online dax0.0 ;;
	esac
	onlined "$1 online (round $i)"
}
pair_convert() {
	to_devdax
	expect_eq "bench: dax0.0 bound to device_dax ($1, round $i)" device_dax \
		"$(basename "$(readlink $D/driver)")"
	case $1 in
	daxctl) timed "online_daxctl_reconfigure_s_$i" \
		daxctl reconfigure-device -m system-ram dax0.0 ;;
	spmctl) timed "online_spmctl_from_devdax_s_$i" spmctl online dax0.0 ;;
	esac
	onlined "$1 from device_dax (round $i)"
}

# The kernel's share (device_dax unbind waits for an SRCU grace period,
# for one) depends on where the timer tick falls, and under -icount the
# run is deterministic: so the tools take turns going first.
i=0
while [ $i -lt "$R" ]; do
	if [ $((i % 2)) = 0 ]; then first=daxctl second=spmctl; else first=spmctl second=daxctl; fi
	pair_online $first
	pair_online $second
	pair_convert $first
	pair_convert $second

	to_ram_offline
	expect_eq "bench: dax0.0 is plain RAM again (round $i)" 0 "$(cat $D/spm_node)"
	timed "online_spmctl_from_ram_s_$i" spmctl online dax0.0
	onlined "spmctl online from plain RAM (round $i)"
	i=$((i + 1))
done

# System calls, and those naming a sysfs path or fd (strace -y).
count_ops() {
	key=$1
	shift
	strace -f -y -T -qq -o /tmp/strace.out "$@" >/dev/null 2>&1
	# Where the time goes: the slowest calls (guest seconds in <>).
	sed -n 's/.*<\([0-9.]*\)>$/\1 &/p' /tmp/strace.out | sort -rn |
		head -4 | cut -c1-160 | while read -r line; do
		out "# slowest $key: $line"
	done
	metric "${key}_syscalls" "$(grep -c . /tmp/strace.out)"
	metric "${key}_sysfs_ops" "$(grep -c '/sys/' /tmp/strace.out)"
	metric "${key}_sysfs_writes" \
		"$(grep -E '^[0-9]+ +(write|pwrite64)\([0-9]+</sys/' /tmp/strace.out | grep -c .)"
	# openat(2) relative to a /sys directory fd counts too.
	metric "${key}_sysfs_opens" \
		"$(grep -E '^[0-9]+ +(open|openat)\(' /tmp/strace.out | grep -c '/sys/')"
}
if command -v strace >/dev/null; then
	to_kmem_offline
	count_ops ops_daxctl daxctl online-memory dax0.0
	to_kmem_offline
	count_ops ops_spmctl spmctl online dax0.0
	to_devdax
	count_ops ops_daxctl_reconfigure daxctl reconfigure-device -m system-ram dax0.0
	to_devdax
	count_ops ops_spmctl_from_devdax spmctl online dax0.0
	to_ram_offline
	count_ops ops_spmctl_from_ram spmctl online dax0.0
	onlined "spmctl online from plain RAM under strace"
else
	out "ok - bench: sysfs operation counts # SKIP no strace in the initramfs"
fi
