# Scenario (d): the vanilla kernel (series not applied), dax0.0 onlined the
# way users do it today (daxctl online-memory, ZONE_MOVABLE), then the same
# isolation probe as scenario (a). The figures are the leak the series
# removes.
check "d: vanilla kernel has no has_spm_memory" test ! -e $NODE/has_spm_memory
check "d: daxctl online-memory dax0.0" daxctl online-memory dax0.0
check "d: every node 2 block online Movable" node_blocks_in_zone 2 Movable
leak_probe 2 report vanilla
# The probe must be able to see a leak, or scenario (a)'s zeros mean nothing.
check "d: the probe sees anonymous memory spill onto node 2 without the series" \
	sh -c "awk '\$1==\"leak\" && \$2==\"anon\" {exit !(\$3 > 64)}' /tmp/block.out"

# spmctl on a kernel without the series: discovery works, online refuses.
if [ -x /usr/sbin/spmctl ]; then
	check "d: spmctl list works without the series" spmctl list
	spmctl online dax0.0 >/tmp/spmctl.out 2>&1
	expect_eq "d: spmctl online refuses without the series (exit 4)" 4 $?
	check "d: the refusal says isolation is unavailable" \
		grep -q 'isolation unavailable' /tmp/spmctl.out
fi
