#!/bin/bash
# The checks of a systemd-booted scenario (sd-*), run by
# spm-vm-report.service after multi-user.target: the scenario's sd_check,
# in the protocol of checks.sh on the results port (ttyS1), then power off.
# sd-init.sh put this file, checks.sh, spm-probe and the scenario in /spmvm.
export PATH=/spmvm:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
exec 3>/dev/ttyS1
SCENARIO=$(cat /spmvm/name)
. /spmvm/checks.sh
. /spmvm/scenario.sh

# unit_prop UNIT PROPERTY: one property's value.
unit_prop() { systemctl show -P "$2" "$1"; }
# Seconds since the kernel started from a *TimestampMonotonic (µs).
mono_s() { awk -v us="$1" 'BEGIN { printf "%.2f", us / 1e6 }'; }
# The boot pass and the instance of dax0.0 (the policy's two units).
BOOT_UNIT=spmctl-apply.service
DEV_UNIT=spmctl-apply@dax0.0.service
# journal_first_s PATTERN: the monotonic seconds of the first journal line
# of either unit that matches PATTERN (ERE).
journal_first_s() {
	journalctl -b -q -o short-monotonic -u $BOOT_UNIT -u $DEV_UNIT |
		grep -E -m1 "$1" | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p'
}
# unit_says UNIT LINE: UNIT's output has exactly this line.
unit_says() {
	journalctl -b -q -o cat -u "$1" | grep -qxF "$2"
}
# The instances that exist, one name per line.
apply_units() {
	systemctl list-units --all --plain --no-legend 'spmctl-apply@*' |
		awk '{ print $1 }'
}
# Failed units, sorted, space-separated.
failed_units() {
	systemctl list-units --failed --plain --no-legend | awk '{ print $1 }' |
		LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'
}
# Comment lines for the log, never counted.
note() { sed 's/^/#   /' >&3; }
# What every systemd-booted scenario must show: systemd is PID 1, the
# package files are where a package puts them, the boot reached
# multi-user.target.
sd_common() {
	check "sd: systemd is PID 1" \
		sh -c 'readlink /proc/1/exe | grep -q "/systemd$"'
	check "sd: /run/systemd/system exists (the rule's systemd branch)" \
		test -d /run/systemd/system
	check "sd: spmctl installed in /usr/sbin" test -x /usr/sbin/spmctl
	check "sd: the udev rule installed in /usr/lib/udev/rules.d" \
		test -f /usr/lib/udev/rules.d/90-spm.rules
	check "sd: the units installed in /usr/lib/systemd/system" \
		test -f /usr/lib/systemd/system/spmctl-apply@.service -a \
		-f /usr/lib/systemd/system/spmctl-apply.service
	check "sd: the boot pass enabled by the install" \
		test -L /usr/lib/systemd/system/sysinit.target.wants/spmctl-apply.service
	expect_eq "sd: multi-user.target reached" active \
		"$(systemctl is-active multi-user.target)"
	t=$(unit_prop multi-user.target ActiveEnterTimestampMonotonic)
	metric "${SCENARIO//-/_}_multiuser_s" "$(mono_s "${t:-0}")"
	t=$(unit_prop sysinit.target ActiveEnterTimestampMonotonic)
	metric "${SCENARIO//-/_}_sysinit_s" "$(mono_s "${t:-0}")"
}

# udev's coldplug starts the instance whenever udevd gets to the device:
# under TCG that can be after multi-user.target, so wait for udev's queue
# and for the policy's jobs before looking at them.
sd_quiesce() {
	udevadm settle --timeout=300
	i=0
	while systemctl list-jobs --plain --no-legend 2>/dev/null |
		grep -q spmctl-apply && [ $i -lt 300 ]; do
		sleep 1
		i=$((i + 1))
	done
	return 0
}

# unit_ran_once UNIT EXIT: UNIT started exactly once this boot and exited
# with EXIT (0: Result=success).
unit_ran_once() {
	u=$1 want=$2
	expect_eq "sd: $u condition met" yes "$(unit_prop "$u" ConditionResult)"
	# One spmctl process per run among the unit's own output. (The boot
	# pass starts before journald: systemd's "Starting" line for it
	# reaches the journal only as a kernel message without fields, and
	# its output, read after it exited, has no invocation id.)
	n=$(journalctl -b -q -o export _SYSTEMD_UNIT="$u" |
		grep -a '^_PID=' | sort -u | wc -l)
	expect_eq "sd: $u ran once (journal: spmctl processes)" 1 "$n"
	expect_eq "sd: $u NRestarts" 0 "$(unit_prop "$u" NRestarts)"
	expect_eq "sd: $u ExecMainStatus" "$want" "$(unit_prop "$u" ExecMainStatus)"
	if [ "$want" = 0 ]; then
		expect_eq "sd: $u Result" success "$(unit_prop "$u" Result)"
	else
		expect_eq "sd: $u Result" exit-code "$(unit_prop "$u" Result)"
	fi
}

# unit_skipped UNIT: UNIT was wanted at boot, its conditions were checked
# and not met, and it never ran.
unit_skipped() {
	u=$1
	check "sd: $u was wanted (conditions checked)" \
		test "$(unit_prop "$u" ConditionTimestampMonotonic)" -gt 0
	expect_eq "sd: $u condition not met" no "$(unit_prop "$u" ConditionResult)"
	expect_eq "sd: $u never started" 0 \
		"$(unit_prop "$u" ExecMainStartTimestampMonotonic)"
}

# The boot pass ran once, before udevd and before sysinit.target, and
# exited with EXIT; the instance of dax0.0 (udev's coldplug) too, with the
# same exit status.
sd_policy_ran() {
	want=$1
	unit_ran_once $BOOT_UNIT "$want"
	for t in systemd-udevd.service sysinit.target; do
		check "sd: $BOOT_UNIT is ordered before $t" \
			sh -c "systemctl show -P Before $BOOT_UNIT | tr ' ' '\n' | grep -qx $t"
	done
	s=$(unit_prop $BOOT_UNIT ExecMainStartTimestampMonotonic)
	e=$(unit_prop $BOOT_UNIT ExecMainExitTimestampMonotonic)
	si=$(unit_prop sysinit.target ActiveEnterTimestampMonotonic)
	ud=$(unit_prop systemd-udevd.service ExecMainStartTimestampMonotonic)
	check "sd: $BOOT_UNIT ran ($s -> $e us) before udevd ($ud us)" \
		test "${s:-0}" -gt 0 -a "${e:-0}" -ge "${s:-0}" -a \
		"${e:-0}" -le "${ud:-0}"
	check "sd: $BOOT_UNIT ended before sysinit.target ($si us)" \
		test "${e:-0}" -gt 0 -a "${e:-0}" -le "${si:-0}"
	unit_ran_once $DEV_UNIT "$want"
	check "sd: only the dax0.0 instance exists" \
		test "$(apply_units | tr '\n' ' ')" = "$DEV_UNIT "
}

say "scenario $SCENARIO: systemd reached the report, kernel $(uname -r)"
out "# SPM-VM scenario $SCENARIO kernel $(uname -r) (systemd)"
sd_quiesce
sd_common
sd_check
# For the log: what the instances printed, and the failed units.
out "# journal of spmctl-apply.service and spmctl-apply@*:"
journalctl -b -q -o short-monotonic -u $BOOT_UNIT -u 'spmctl-apply@*' 2>&1 | note
out "# failed units: $(failed_units)"
out "# SPM-VM DONE"
say "done"
# The last close of the tty waits until the port has sent everything.
exec 3>&-
sync
systemctl poweroff --force --force
