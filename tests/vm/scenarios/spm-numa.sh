# Scenario spm-numa: unmodified NUMA applications (Debian's numactl,
# migratepages and libnuma 2.0.16) on an SPM node, first without and then
# with its owner's opt-in (dax spm_user_numa=1). memhp_default_state=offline:
# the flow is done in sysfs by hand, as in spm-runtime.
D=/sys/bus/dax/devices/dax0.0
K=/sys/bus/dax/drivers/kmem

# readd SPM_NODE USER_NUMA: offline node 2, unbind kmem, set both
# attributes, bind kmem, online_movable.
readd() {
	for m in $NODE/node2/memory[0-9]*; do
		[ -e "$m/state" ] || continue
		[ "$(cat $m/state)" = online ] && echo offline >$m/state
	done
	if [ -e $D/driver ]; then echo dax0.0 >$K/unbind || return 1; fi
	echo "$1" >$D/spm_node || return 1
	echo "$2" >$D/spm_user_numa || return 1
	echo dax0.0 >$K/bind || return 1
	online_node_blocks 2 online_movable
}

# hold_and_migrate: a libnuma program holds 16 MiB on the CPU nodes,
# migratepages moves its pages to node 2; print the program's report.
hold_and_migrate() {
	rm -f /tmp/hold.out
	numa-compat hold 16 2 >/tmp/hold.out 2>&1 &
	pid=$!
	i=0
	while ! grep -q ready /tmp/hold.out 2>/dev/null && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	migratepages "$pid" 0,1 2 >/tmp/migratepages.out 2>&1
	# not into hold.out: the holder's own writes would overwrite it
	mp_rc=$?
	say "migratepages $pid 0,1 2: $(tr '\n' ';' </tmp/migratepages.out)"
	kill -USR1 "$pid"
	wait "$pid"
	grep -v ready /tmp/hold.out
	echo "migratepages rc=$mp_rc"
}

check "numa: has_spm_user_numa exists" test -e $NODE/has_spm_user_numa
check "numa: dax0.0 has spm_user_numa" test -e $D/spm_user_numa
expect_eq "numa: spm_user_numa defaults to 0" 0 "$(cat $D/spm_user_numa)"

# A: an SPM node without the opt-in keeps today's rules.
check "numa-closed: re-add dax0.0 as SPM without the opt-in" readd 1 0
expect_eq "numa-closed: has_spm_memory lists node 2" 2 "$(spm_nodes)"
expect_eq "numa-closed: has_spm_user_numa is empty" "" \
	"$(cat $NODE/has_spm_user_numa)"
check "numa-closed: numactl --membind=2 is refused" \
	sh -c '! numactl --membind=2 true'
numa-compat tonode 16 2 >/tmp/out 2>/tmp/err
expect_eq "numa-closed: numa_tonode_memory(2) leaves the pages on DRAM" \
	"tonode 0 16" "$(cat /tmp/out)"
check "numa-closed: libnuma warns that mbind failed" grep -q mbind /tmp/err
numa-compat onnode 16 2 >/tmp/out 2>/tmp/err
expect_eq "numa-closed: numa_alloc_onnode(2) leaves the pages on DRAM" \
	"onnode 0 16" "$(cat /tmp/out)"
check "numa-closed: libnuma warns that mbind failed (alloc_onnode)" \
	grep -q mbind /tmp/err
hold_and_migrate >/tmp/hm.out
expect_eq "numa-closed: migratepages moves nothing to node 2" "hold 0 16" \
	"$(grep '^hold' /tmp/hm.out)"
check "numa-closed: migratepages fails (EINVAL) rather than reporting success" \
	sh -c 'grep -q "^migratepages rc=[1-9]" /tmp/hm.out'

# B: the owner opts in; unmodified programs now reach node 2.
check "numa-open: re-add dax0.0 with spm_user_numa=1" readd 1 1
expect_eq "numa-open: has_spm_memory lists node 2" 2 "$(spm_nodes)"
expect_eq "numa-open: has_spm_user_numa lists node 2" 2 \
	"$(cat $NODE/has_spm_user_numa)"
check "numa-open: spm_user_numa cannot change while bound to kmem" \
	sh -c "! echo 0 > $D/spm_user_numa"
check "numa-open: every node 2 block online Movable" node_blocks_in_zone 2 Movable
expect_eq "numa-open: numactl --membind=2 puts all 32 MiB on node 2" \
	"on_node 32" "$(numactl --membind=2 spm-probe touch 32 2)"
numa-compat tonode 16 2 >/tmp/out 2>/tmp/err
expect_eq "numa-open: numa_tonode_memory(2) puts all 16 MiB on node 2" \
	"tonode 16 16" "$(cat /tmp/out)"
expect_eq "numa-open: libnuma prints no warning (tonode)" "" "$(cat /tmp/err)"
numa-compat onnode 16 2 >/tmp/out 2>/tmp/err
expect_eq "numa-open: numa_alloc_onnode(2) puts all 16 MiB on node 2" \
	"onnode 16 16" "$(cat /tmp/out)"
numa-compat membind 16 2 >/tmp/out 2>/tmp/err
expect_eq "numa-open: numa_get_membind() reads back node 2" \
	"get_membind 2" "$(grep get_membind /tmp/out)"
expect_eq "numa-open: numa_set_membind(2) puts all 16 MiB on node 2" \
	"membind 16 16" "$(grep '^membind' /tmp/out)"
numactl --membind=2 numactl --show >/tmp/show 2>&1
say "numactl --membind=2 numactl --show: $(tr '\n' ';' </tmp/show)"
check "numa-open: numactl --show under --membind=2 says policy: bind" \
	grep -q '^policy: bind' /tmp/show
check "numa-open: numactl --show under --membind=2 says membind: 2" \
	grep -q '^membind: 2 *$' /tmp/show
# The holder maps page cache too (its binary, libc, libnuma): that stays
# where it is, and migrate_pages(2) still moves every anonymous page.
hold_and_migrate >/tmp/hm.out
expect_eq "numa-open: migratepages moves all 16 MiB to node 2" "hold 16 16" \
	"$(grep '^hold' /tmp/hm.out)"
expect_eq "numa-open: migratepages exits 0" "migratepages rc=0" \
	"$(grep '^migratepages' /tmp/hm.out)"
# Mixed masks keep narrowing to System RAM.
expect_eq "numa-open: numactl --membind=all puts 0 MiB on node 2" \
	"on_node 0" "$(numactl --membind=all spm-probe touch 32 2)"
expect_eq "numa-open: numactl --interleave=all puts 0 MiB on node 2" \
	"on_node 0" "$(numactl --interleave=all spm-probe touch 96 2)"

# What libnuma reads under the explicit MPOL_F_SPM_NODE policy that spmctl
# exec sets (docs/spm-abi.md): the mode carries flag bits, which libnuma
# 2.0.16 does not compare away.
if [ -x /usr/sbin/spmctl ]; then
	expect_eq "numa-open: spmctl exec --node 2 still places all 16 MiB" \
		"on_node 16" "$(spmctl exec --node 2 -- spm-probe touch 16 2)"
	spmctl exec --node 2 -- numa-compat getmembind >/tmp/out 2>&1
	spmctl exec --node 2 -- numactl --show >/tmp/show 2>&1
	say "spmctl exec: $(cat /tmp/out); numactl --show: $(tr '\n' ';' </tmp/show)"
	expect_eq "numa-open: under spmctl exec, numa_get_membind() reads all nodes" \
		"get_membind 0,1,2" "$(cat /tmp/out)"
fi

# The isolation probe on the opened node: its pressure phases (anonymous
# memory, tmpfs, hugetlb, interleave) must leak nothing. Its move_pages
# phase names node 2 explicitly, which the opt-in allows by design
# (docs/spm-abi.md 7a): there every page is expected to move.
leak_probe 2 metrics numa_open
while read -r tag phase mib; do
	[ "$tag" = leak ] || continue
	case $phase in
	move_pages) expect_eq "numa_open: move_pages(2) naming node 2 moves all 4 MiB" 4 "$mib" ;;
	*) expect_eq "numa_open: MiB on node 2 after $phase pressure" 0 "$mib" ;;
	esac
done </tmp/block.out

# spmctl sets the opt-in itself (online --user-numa / --no-user-numa),
# with the node's memory going through devdax as the kernel requires.
if [ -x /usr/sbin/spmctl ]; then
	check "spmctl: offline dax0.0 --to-devdax" spmctl offline dax0.0 --to-devdax
	expect_eq "spmctl: has_spm_user_numa is empty in devdax" "" \
		"$(cat $NODE/has_spm_user_numa)"
	check "spmctl: online --user-numa dax0.0" spmctl online --user-numa dax0.0
	expect_eq "spmctl: has_spm_user_numa lists node 2" 2 \
		"$(cat $NODE/has_spm_user_numa)"
	check "spmctl: list -j shows user_numa true" \
		sh -c 'spmctl list -j | grep -Eq "\"user_numa\": ?true"'
	expect_eq "spmctl: numactl --membind=2 reaches node 2 after spmctl online --user-numa" \
		"on_node 16" "$(numactl --membind=2 spm-probe touch 16 2)"
	check "spmctl: online --no-user-numa dax0.0 closes it again" \
		spmctl online --no-user-numa dax0.0
	expect_eq "spmctl: has_spm_user_numa is empty again" "" \
		"$(cat $NODE/has_spm_user_numa)"
	expect_eq "spmctl: has_spm_memory still lists node 2" 2 "$(spm_nodes)"
	check "spmctl: numactl --membind=2 is refused again" \
		sh -c '! numactl --membind=2 true'
fi
