# tests/bench (not part of the test run): spmctl online against daxctl
# online-memory for the same device in the same boot of the patched kernel
# (memhp_default_state=offline: dax0.0 starts bound to kmem, 8 blocks
# offline, spm_node=0). Each round starts from that state:
#   daxctl online-memory dax0.0          (timed)  then daxctl offline-memory
#   spmctl online dax0.0                 (timed)  unbind, spm_node=1, bind,
#                                                 online movable, verify
#   spmctl offline dax0.0; spmctl online (timed)  the like-for-like case:
#                                                 blocks offline, spm_node=1
#   reset: offline, unbind kmem, spm_node=0, bind kmem
# Times are guest seconds (instructions under -icount). Then one run of each
# under strace counts system calls and the ones on sysfs, if strace is in
# the initramfs (run-bench.sh adds it).
D=/sys/bus/dax/devices/dax0.0
K=/sys/bus/dax/drivers/kmem
R=$(sed -n 's/.*spmbench_rounds=\([0-9]*\).*/\1/p' /proc/cmdline)
[ -n "$R" ] || R=3

timed() {
	key=$1
	shift
	# The tool's own output comes first; spm-bench's line is the last one.
	spm-bench time "$@" >/tmp/timed.out 2>/tmp/timed.err
	read -r _ s rc <<EOT
$(grep '^time_s ' /tmp/timed.out | tail -1)
EOT
	if [ "$rc" = rc=0 ]; then
		metric "$key" "$s"
	else
		out "not ok - bench: $* # $rc $(tr '\n' ' ' </tmp/timed.err | cut -c1-200)"
	fi
}

reset_dax() {
	daxctl offline-memory dax0.0 >/dev/null 2>&1
	spmctl offline dax0.0 >/dev/null 2>&1
	echo dax0.0 >$K/unbind
	echo 0 >$D/spm_node
	echo dax0.0 >$K/bind
}

expect_eq "bench: dax0.0 starts bound to kmem" kmem "$(basename "$(readlink $D/driver)")"
i=0
while [ $i -lt "$R" ]; do
	timed "online_daxctl_s_$i" daxctl online-memory dax0.0
	check "bench: daxctl onlined every block Movable (round $i)" \
		node_blocks_in_zone 2 Movable
	check "bench: daxctl offline-memory (round $i)" daxctl offline-memory dax0.0
	timed "online_spmctl_s_$i" spmctl online dax0.0
	check "bench: spmctl onlined every block Movable (round $i)" \
		node_blocks_in_zone 2 Movable
	expect_eq "bench: node 2 is an SPM node (round $i)" 2 "$(spm_nodes)"
	check "bench: spmctl offline (round $i)" spmctl offline dax0.0
	timed "online_spmctl_reonline_s_$i" spmctl online dax0.0
	reset_dax
	i=$((i + 1))
done

# System calls, and those naming a sysfs path or fd (strace -y).
count_ops() {
	key=$1
	shift
	strace -f -y -qq -o /tmp/strace.out "$@" >/dev/null 2>&1
	metric "${key}_syscalls" "$(grep -c . /tmp/strace.out)"
	metric "${key}_sysfs_ops" "$(grep -c '/sys/' /tmp/strace.out)"
	metric "${key}_sysfs_writes" \
		"$(grep -E '^[0-9]+ +(write|pwrite64)\([0-9]+</sys/' /tmp/strace.out | grep -c .)"
	# openat(2) relative to a /sys directory fd counts too.
	metric "${key}_sysfs_opens" \
		"$(grep -E '^[0-9]+ +(open|openat)\(' /tmp/strace.out | grep -c '/sys/')"
}
if command -v strace >/dev/null; then
	count_ops ops_daxctl daxctl online-memory dax0.0
	daxctl offline-memory dax0.0 >/dev/null 2>&1
	count_ops ops_spmctl spmctl online dax0.0
	spmctl offline dax0.0 >/dev/null 2>&1
	count_ops ops_spmctl_reonline spmctl online dax0.0
	reset_dax
else
	out "ok - bench: sysfs operation counts # SKIP no strace in the initramfs"
fi
